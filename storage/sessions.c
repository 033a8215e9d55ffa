/* SPDX-License-Identifier: MIT */
/* Ad-hoc command sessions, kept in the database so that a multi-stage
 * command survives a restart. */
#include <stdlib.h>
#include <string.h>

#include "storage/store_internal.h"

void stored_session_clear(struct stored_session *s)
{
	free(s->id);
	free(s->jid);
	free(s->node);
	free(s->state);
	memset(s, 0, sizeof *s);
}

int store_session_put(struct store *st, const struct stored_session *s)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO sessions (id, jid, node, stage, state, expires) VALUES (?, ?, ?, ?, ?, ?) "
		"ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, state = excluded.state, "
		"expires = excluded.expires");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, s->id);
	store_bind_text(stmt, 2, s->jid);
	store_bind_text(stmt, 3, s->node);
	sqlite3_bind_int(stmt, 4, s->stage);
	store_bind_text(stmt, 5, s->state);
	sqlite3_bind_int64(stmt, 6, s->expires);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "keeping the session");
}

int store_session_get(struct store *st, const char *id, struct stored_session *out)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT id, jid, node, stage, state, expires FROM sessions WHERE id = ?");
	int rc;

	memset(out, 0, sizeof *out);
	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->stage = sqlite3_column_int(stmt, 3);
		out->expires = sqlite3_column_int64(stmt, 5);
		if (store_column_text(stmt, 0, &out->id) < 0 || store_column_text(stmt, 1, &out->jid) < 0 ||
		    store_column_text(stmt, 2, &out->node) < 0 || store_column_text(stmt, 4, &out->state) < 0) {
			stored_session_clear(out);
			rc = STORE_ERROR;
		} else {
			rc = 0;
		}
	} else if (rc == SQLITE_DONE) {
		rc = STORE_NOTFOUND;
	} else {
		rc = store_fail(st, rc, "reading the session");
	}
	store_finish(st, stmt);
	return rc;
}

static int run_with_text(struct store *st, const char *sql, const char *text, long long number,
			 const char *what)
{
	sqlite3_stmt *stmt = store_prepare(st, sql);
	int rc;

	if (!stmt)
		return STORE_ERROR;
	if (text)
		store_bind_text(stmt, 1, text);
	else
		sqlite3_bind_int64(stmt, 1, number);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? sqlite3_changes(st->db) : store_fail(st, rc, what);
}

int store_session_delete(struct store *st, const char *id)
{
	int rc = run_with_text(st, "DELETE FROM sessions WHERE id = ?", id, 0, "ending the session");
	return rc < 0 ? rc : 0;
}

int store_session_expire(struct store *st, long long now)
{
	return run_with_text(st, "DELETE FROM sessions WHERE expires <= ?", NULL, now,
			     "expiring sessions");
}

int store_session_count(struct store *st, const char *bare_jid, long long now, long long *mine,
			long long *all)
{
	/* a full JID is bare_jid + "/" + resource; compared by prefix, not LIKE,
	 * so no character of the JID is a pattern */
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT count(*), coalesce(sum(jid = ?1 OR substr(jid, 1, length(?1) + 1) = ?1 || '/'), 0) "
		"FROM sessions WHERE expires > ?2");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_text(stmt, 1, bare_jid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, now);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*all = sqlite3_column_int64(stmt, 0);
		*mine = sqlite3_column_int64(stmt, 1);
	}
	store_finish(st, stmt);
	return rc == SQLITE_ROW ? 0 : store_fail(st, rc, "counting sessions");
}
