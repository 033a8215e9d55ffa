/* SPDX-License-Identifier: MIT */
/* The PubSub items of a change (PROTOCOL.md §6), for the announcer: their
 * ids, their payloads built when sent, and keeping them for retrieval. A
 * `threats` item is kept as the threat's current state (STORE_ITEM_CURRENT,
 * built from the register when retrieved), so a change with nobody to
 * notify serialises no threat; a priority change is history, kept as text. */
#ifndef VIGIL_ANNOUNCE_ITEMS_H
#define VIGIL_ANNOUNCE_ITEMS_H

#include <stddef.h>
#include <strophe.h>

#include "commands/register/change.h"

struct store;

/* A change as its items see it; the strings are lent. */
struct item_source {
	const struct threat *threat; /* the state the change committed */
	long long threat_id, revision;
	enum change_kind kind;
	const char *old_priority;    /* NULL or "" for unassessed */
	const char *by;
	const char *room_text;       /* the room's line when worded by the change, or NULL */
	const char *service;         /* the component JID: mints the feed entry's id */
	const char *base_url;        /* publish.base_url: the entry's link, NULL none */
	int feed_done;               /* CHANGE_DONE_FEED: no `feed` entry (an imported threat) */
};

/* Stage 0 is the item on `threats`, stage 1 the one on `priority`,
 * stage 2 the Atom entry on `feed` (PROTOCOL.md §6.5). */
enum { ITEM_THREAT = 0, ITEM_PRIORITY = 1, ITEM_FEED = 2, ITEM_STAGES = 3 };

/* Whether the change has a `priority` item (a filing moves it from unassessed). */
int item_priority_moved(const struct item_source *src);

/* Whether the change has an entry on `feed`: whenever the room is told
 * of it on its own (a filing, a change of priority, a retirement), or of
 * its batch (an import's digest: the only item it has). */
int item_feed_says(const struct item_source *src);

/* Whether the change has an item at stage. */
int item_stage_has(const struct item_source *src, int stage);

/* The node of a stage. */
const char *item_node(int stage);

/* "T-7" for ITEM_THREAT, "T-7-r3" for ITEM_PRIORITY and ITEM_FEED. */
void item_id(const struct item_source *src, int stage, char *buf, size_t len);

/* The payload of a stage, a new stanza; NULL when out of memory. With st,
 * a threat's item carries its comments' count and the latest, and a feed
 * entry its revision's note. */
xmpp_stanza_t *item_payload(xmpp_ctx_t *ctx, struct store *st, const struct item_source *src,
			    int stage);

/* The change's `feed` entry as text (<entry xmlns='http://www.w3.org/2005/Atom'>,
 * built by commands/export/atom.h, as the site's feed.atom has it: with
 * st, the revision's note, if any, follows the line instead of the
 * abstract); NULL when out of memory. Caller frees. */
char *item_feed_entry(struct store *st, const struct item_source *src);

/* Keeps the change's items for retrieval (in the caller's transaction, if
 * one is open); `feed` keeps its newest FEED_KEEP. 0 or a STORE_ code. */
int item_keep(struct store *st, xmpp_ctx_t *ctx, const struct item_source *src);

#endif
