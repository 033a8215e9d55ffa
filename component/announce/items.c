/* SPDX-License-Identifier: MIT */
/* A change's PubSub items: see items.h. */
#include "component/announce/items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/text/text.h"

#include "commands/export/atom.h"
#include "commands/register/announcement.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "component/xmpp/nodes.h"
#include "component/xmpp/payload.h"
#include "component/xmpp/serialize.h"
#include "storage/store.h"

int item_priority_moved(const struct item_source *src)
{
	const char *old = src->old_priority && *src->old_priority ? src->old_priority : "unassessed";

	/* a filing moves it from unassessed (PROTOCOL.md §6: an item on `priority`) */
	return src->kind != CHANGE_STATE &&
	       strcmp(old, src->threat->priority ? src->threat->priority : "unassessed") != 0;
}

/* An import's digest: one line for a batch, told as its first threat's event. */
static int is_digest(const struct item_source *src)
{
	return src->kind == CHANGE_STATE && src->room_text && *src->room_text;
}

int item_feed_says(const struct item_source *src)
{
	return !src->feed_done && ((src->room_text && *src->room_text) ||
				   announce_text_says(src->kind, src->threat, src->old_priority));
}

int item_stage_has(const struct item_source *src, int stage)
{
	switch (stage) {
	case ITEM_THREAT: return !is_digest(src);
	case ITEM_PRIORITY: return item_priority_moved(src);
	case ITEM_FEED: return item_feed_says(src);
	}
	return 0;
}

const char *item_node(int stage)
{
	return stage == ITEM_FEED ? NODE_FEED : stage == ITEM_PRIORITY ? NODE_PRIORITY : NODE_THREATS;
}

char *item_feed_entry(struct store *st, const struct item_source *src)
{
	char line[1024], *note = NULL, *entry;
	struct atom_entry in = {
		.service = src->service, .base_url = src->base_url,
		.threat_id = src->threat_id, .revision = src->revision,
		.at = src->threat->updated, .who = src->by, .line = line,
		.abstract = threat_get(src->threat, THREAT_ABSTRACT),
	};

	if (is_digest(src)) { /* of many threats: the line only, no page */
		in.abstract = NULL;
		in.base_url = NULL;
		in.id_suffix = "-digest"; /* the first threat's own entry is T-1-r1 in feed.atom */
	} else if (st && store_threat_note(st, src->threat_id, src->revision, &note) == 0) {
		in.note = note;
	}

	if (src->room_text && *src->room_text)
		text_format(line, sizeof line, "%s", src->room_text);
	else
		announce_text_one(src->kind, src->threat, src->old_priority,
				  src->by ? src->by : "?", line, sizeof line);
	entry = atom_entry_text(&in);
	free(note);
	return entry;
}

void item_id(const struct item_source *src, int stage, char *buf, size_t len)
{
	char tid[32];

	threat_id_format(src->threat_id, tid, sizeof tid);
	if (stage == ITEM_FEED && is_digest(src))
		snprintf(buf, len, "%s-r%lld-digest", tid, src->revision);
	else if (stage == ITEM_THREAT)
		snprintf(buf, len, "%s", tid);
	else
		snprintf(buf, len, "%s-r%lld", tid, src->revision);
}

xmpp_stanza_t *item_payload(xmpp_ctx_t *ctx, struct store *st, const struct item_source *src,
			    int stage)
{
	if (stage == ITEM_THREAT) {
		xmpp_stanza_t *el = payload_threat(ctx, src->threat);
		/* the comments as they are now (a count and the latest) */
		if (el && st && payload_add_comments(el, st, src->threat_id) < 0) {
			xmpp_stanza_release(el);
			return NULL;
		}
		return el;
	}
	if (stage == ITEM_FEED) {
		char *text = item_feed_entry(st, src);
		xmpp_stanza_t *el = text ? xmpp_stanza_new_from_string(ctx, text) : NULL;
		free(text);
		return el;
	}
	return payload_priority_change(ctx, src->threat, src->old_priority, src->by,
				       src->threat->updated);
}

/* The text a stage's item is kept as. */
static char *kept_text(struct store *st, xmpp_ctx_t *ctx, const struct item_source *src,
		       int stage)
{
	xmpp_stanza_t *change;
	char *text = NULL;
	size_t len;

	if (stage == ITEM_THREAT)
		return strdup(STORE_ITEM_CURRENT);
	if (stage == ITEM_FEED)
		return item_feed_entry(st, src);
	change = item_payload(ctx, NULL, src, stage);
	if (change && stanza_serialize(change, &text, &len) < 0)
		text = NULL;
	if (change)
		xmpp_stanza_release(change);
	return text;
}

int item_keep(struct store *st, xmpp_ctx_t *ctx, const struct item_source *src)
{
	char id[64], *text;
	int stage, rc = 0;

	for (stage = 0; stage < ITEM_STAGES && rc == 0; stage++) {
		if (!item_stage_has(src, stage))
			continue;
		if (!(text = kept_text(st, ctx, src, stage))) {
			rc = STORE_NOMEM;
			break;
		}
		item_id(src, stage, id, sizeof id);
		rc = store_item_put(st, item_node(stage), id, text);
		free(text);
		if (rc == 0 && stage == ITEM_FEED)
			rc = store_item_trim(st, NODE_FEED, FEED_KEEP);
	}
	return rc;
}
