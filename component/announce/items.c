/* SPDX-License-Identifier: MIT */
/* A change's PubSub items: see items.h. */
#include "component/announce/items.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/ops.h"
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

void item_id(const struct item_source *src, int stage, char *buf, size_t len)
{
	char tid[32];

	threat_id_format(src->threat_id, tid, sizeof tid);
	if (stage == ITEM_THREAT)
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
	return payload_priority_change(ctx, src->threat, src->old_priority, src->by,
				       src->threat->updated);
}

int item_keep(struct store *st, xmpp_ctx_t *ctx, const struct item_source *src)
{
	xmpp_stanza_t *change;
	char id[64], *text = NULL;
	size_t len;
	int rc;

	item_id(src, ITEM_THREAT, id, sizeof id);
	if ((rc = store_item_put(st, NODE_THREATS, id, STORE_ITEM_CURRENT)) < 0 ||
	    !item_priority_moved(src))
		return rc;
	change = item_payload(ctx, NULL, src, ITEM_PRIORITY);
	if (!change || stanza_serialize(change, &text, &len) < 0) {
		rc = STORE_NOMEM;
	} else {
		item_id(src, ITEM_PRIORITY, id, sizeof id);
		rc = store_item_put(st, NODE_PRIORITY, id, text);
	}
	free(text);
	if (change)
		xmpp_stanza_release(change);
	return rc;
}
