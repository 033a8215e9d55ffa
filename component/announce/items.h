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
};

/* Stage 0 is the item on `threats`, stage 1 the one on `priority`. */
enum { ITEM_THREAT = 0, ITEM_PRIORITY = 1 };

/* Whether the change has a `priority` item (a filing moves it from unassessed). */
int item_priority_moved(const struct item_source *src);

/* "T-7" for ITEM_THREAT, "T-7-r3" for ITEM_PRIORITY. */
void item_id(const struct item_source *src, int stage, char *buf, size_t len);

/* The payload of a stage, a new stanza; NULL when out of memory. With st,
 * a threat's item carries its comments' count and the latest. */
xmpp_stanza_t *item_payload(xmpp_ctx_t *ctx, struct store *st, const struct item_source *src,
			    int stage);

/* Keeps the change's items for retrieval (in the caller's transaction, if
 * one is open). 0 or a STORE_ code. */
int item_keep(struct store *st, xmpp_ctx_t *ctx, const struct item_source *src);

#endif
