/* SPDX-License-Identifier: MIT */
/* What an operation hands on once its change is committed: the announcer
 * (component/announce/announce.c) listens, the unit tests too. The register never
 * knows who listens, so it never calls upward. */
#ifndef VIGIL_CHANGE_H
#define VIGIL_CHANGE_H

#include "storage/threat.h"

/* Kept in the events table: values are stored, never renumber them. */
enum change_kind {
	CHANGE_STATE = 0,    /* the threat's state only, no room line (migrated) */
	CHANGE_FILED = 1,
	CHANGE_EDITED = 2,   /* template fields changed (priority may have moved) */
	CHANGE_ASSESSED = 3, /* likelihood and damage set */
	CHANGE_RETIRED = 4,
	CHANGE_COMMENTED = 5, /* a comment added (no field changed) */
	CHANGE_UNCOMMENTED = 6, /* a comment deleted, its mark kept */
};

/* The targets of a change already seen to (the events table's `done`
 * bits, the announcer's ANNOUNCE_ROOM, _PUBSUB, _EXTERNAL): an import
 * records its threats' changes with the room and their `feed` entries
 * done, and one digest line, whose only PubSub item is its `feed` entry,
 * with the external service done (commands/interchange/import.c).
 * CHANGE_DONE_FEED is no target of its own: it leaves the `feed` entry
 * out of the PubSub items. */
enum { CHANGE_DONE_ROOM = 1, CHANGE_DONE_PUBSUB = 2, CHANGE_DONE_EXTERNAL = 4,
       CHANGE_DONE_FEED = 8 };

struct change {
	long long event_id;       /* its row in the events table */
	enum change_kind kind;
	const struct threat *threat; /* the state committed (valid during the call) */
	const char *old_priority; /* before the change; NULL for a filing */
	const char *by;           /* bare JID */
	const char *room_text;    /* the room line worded with the change (an
				     assessment: how the group stood), NULL: the
				     announcer words it */
};

struct change_listener {
	/* Called inside the change's transaction, after its event row (NULL:
	 * not called): what the listener writes through the store commits or
	 * rolls back with the change, one transaction for both (the announcer
	 * keeps the PubSub items here). It cannot fail the change: what it did
	 * not keep, it keeps after the commit. */
	void (*recording)(void *ctx, const struct change *change);
	/* Called after the commit, before the answer is sent; it must not
	 * send or block (the announcer copies what it needs and wakes up). */
	void (*changed)(void *ctx, const struct change *change);
	void *ctx;
};

#endif
