/* SPDX-License-Identifier: MIT */
/* What changed, kept until it has been announced: one small row per change,
 * written in the transaction of the change itself (so no announcement is
 * lost to a crash) and deleted once everything it caused has been written.
 * The announcer (component/announce/announce.c) builds the announcements from the
 * threat when it sends; storage only keeps the facts. */
#ifndef VIGIL_STORAGE_EVENTS_H
#define VIGIL_STORAGE_EVENTS_H

#include <stddef.h>

#include "storage/threat.h"

struct store;

struct stored_event {
	long long id;           /* assigned by store_event_add, increasing */
	int kind;               /* the register's enum change_kind: storage keeps it opaque */
	long long threat_id;
	long long revision;     /* the revision the change wrote */
	char *old_priority;     /* before the change, NULL for a filing */
	char *who;              /* bare JID of whoever made the change */
	unsigned done;          /* bits of the targets already written (the announcer's) */
	char *room_text;        /* a room line worded when the change was made (an
				   assessment: how the group stood then), or one an
				   older vigil worded and did not send (carried over by
				   the migration), or an import's digest; said as it is;
				   NULL */
};

/* Records e (id ignored) and sets *id (may be NULL). Joins an open
 * transaction. 0 or a negative STORE_ code. */
int store_event_add(struct store *st, const struct stored_event *e, long long *id);

/* Up to `limit` events with id > after_id, oldest first. Caller frees with
 * store_events_free. */
int store_event_list(struct store *st, long long after_id, size_t limit,
		     struct stored_event **out, size_t *count);
void store_events_free(struct stored_event *events, size_t count);

/* Adds `bits` to an event's done targets; deletes an event. Both join an
 * open transaction. */
int store_event_mark(struct store *st, long long id, unsigned bits);
int store_event_delete(struct store *st, long long id);

/* Events waiting, or negative. */
long long store_event_count(struct store *st);

/* The state of threat id as revision `revision` left it (created and
 * updated included), for announcing a change after a restart.
 * STORE_NOTFOUND when there is no such revision. */
int store_threat_at_revision(struct store *st, long long id, long long revision,
			     struct threat *out);

#endif
