/* SPDX-License-Identifier: MIT */
/* Change events waiting for their announcements: see events.h. */
#include "storage/events.h"

#include <stdlib.h>
#include <string.h>

#include "storage/store_internal.h"

int store_event_add(struct store *st, const struct stored_event *e, long long *id)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO events (kind, threat_id, revision, old_priority, who, done, at, room_text) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	char now[32];
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_now(now, sizeof now);
	sqlite3_bind_int(stmt, 1, e->kind);
	sqlite3_bind_int64(stmt, 2, e->threat_id);
	sqlite3_bind_int64(stmt, 3, e->revision);
	store_bind_text(stmt, 4, e->old_priority);
	store_bind_text(stmt, 5, e->who ? e->who : "");
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)e->done);
	store_bind_text(stmt, 7, now);
	store_bind_text(stmt, 8, e->room_text);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "recording the change's announcement");
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

void store_events_free(struct stored_event *events, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(events[i].old_priority);
		free(events[i].who);
		free(events[i].room_text);
	}
	free(events);
}

int store_event_list(struct store *st, long long after_id, size_t limit,
		     struct stored_event **out, size_t *count)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT id, kind, threat_id, revision, old_priority, who, done, room_text FROM events "
		"WHERE id > ? ORDER BY id LIMIT ?");
	struct stored_event *rows = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc = SQLITE_DONE;

	*out = NULL;
	*count = 0;
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, after_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)limit);
	while (n < limit && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct stored_event *e;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(rows, cap * sizeof *rows);
			if (!grown) {
				rc = SQLITE_NOMEM;
				break;
			}
			rows = grown;
		}
		e = &rows[n++];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(stmt, 0);
		e->kind = sqlite3_column_int(stmt, 1);
		e->threat_id = sqlite3_column_int64(stmt, 2);
		e->revision = sqlite3_column_int64(stmt, 3);
		e->done = (unsigned)sqlite3_column_int64(stmt, 6);
		if (store_column_text(stmt, 4, &e->old_priority) < 0 ||
		    store_column_text(stmt, 5, &e->who) < 0 ||
		    store_column_text(stmt, 7, &e->room_text) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) { /* ROW: stopped at the limit */
		store_events_free(rows, n);
		return store_fail(st, rc, "reading the changes to announce");
	}
	*out = rows;
	*count = n;
	return 0;
}

static int run(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	if (!stmt)
		return STORE_ERROR;
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

int store_event_mark(struct store *st, long long id, unsigned bits)
{
	sqlite3_stmt *stmt = store_prepare(st, "UPDATE events SET done = done | ? WHERE id = ?");

	if (stmt) {
		sqlite3_bind_int64(stmt, 1, (sqlite3_int64)bits);
		sqlite3_bind_int64(stmt, 2, id);
	}
	return run(st, stmt, "marking an announcement sent");
}

int store_event_delete(struct store *st, long long id)
{
	sqlite3_stmt *stmt = store_prepare(st, "DELETE FROM events WHERE id = ?");

	if (stmt)
		sqlite3_bind_int64(stmt, 1, id);
	return run(st, stmt, "removing an announced change");
}

long long store_event_count(struct store *st)
{
	return store_query_int64(st, "SELECT count(*) FROM events");
}

int store_threat_at_revision(struct store *st, long long id, long long revision,
			     struct threat *out)
{
	struct threat_revision *revs = NULL;
	size_t count = 0, i;
	int rc = store_threat_get(st, id, out);

	if (rc < 0 || out->revision == revision)
		return rc; /* mostly the threat has not moved on since */
	/* an older revision (a restart with several changes waiting): its
	 * state, at, and the filing's time from the history */
	rc = store_threat_history(st, id, &revs, &count);
	if (rc < 0)
		return rc;
	rc = STORE_NOTFOUND;
	for (i = 0; i < count; i++) {
		if (revs[i].revision != revision)
			continue;
		threat_clear(out);
		if (threat_copy(out, &revs[i].state) < 0) {
			rc = STORE_NOMEM;
			break;
		}
		out->id = id;
		out->revision = revision;
		free(out->created);
		free(out->updated);
		out->created = count && revs[0].at ? strdup(revs[0].at) : NULL;
		out->updated = revs[i].at ? strdup(revs[i].at) : NULL;
		rc = (revs[i].at && !out->updated) || (revs[0].at && !out->created) ? STORE_NOMEM : 0;
		break;
	}
	store_revisions_free(revs, count);
	return rc;
}
