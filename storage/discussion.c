/* SPDX-License-Identifier: MIT */
/* Assessments and comments: see discussion.h. */
#include "storage/discussion.h"

#include <stdlib.h>
#include <string.h>

#include "storage/store_internal.h"

int store_assessment_put(struct store *st, long long threat_id, const char *assessor,
			 const char *likelihood, const char *damage, const char *rationale)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO assessments (threat_id, assessor, likelihood, damage, rationale, at) "
		"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (threat_id, assessor) DO UPDATE SET "
		"likelihood = excluded.likelihood, damage = excluded.damage, "
		"rationale = excluded.rationale, at = excluded.at");
	char now[32];
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_now(now, sizeof now);
	sqlite3_bind_int64(stmt, 1, threat_id);
	store_bind_text(stmt, 2, assessor);
	store_bind_text(stmt, 3, likelihood ? likelihood : "");
	store_bind_text(stmt, 4, damage ? damage : "");
	store_bind_text(stmt, 5, rationale);
	store_bind_text(stmt, 6, now);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "keeping the assessment");
}

void store_assessments_free(struct stored_assessment *list, size_t count)
{
	size_t i;

	for (i = 0; list && i < count; i++) {
		free(list[i].assessor);
		free(list[i].likelihood);
		free(list[i].damage);
		free(list[i].rationale);
		free(list[i].at);
	}
	free(list);
}

int store_assessment_list(struct store *st, long long threat_id, struct stored_assessment **out,
			  size_t *count)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT assessor, likelihood, damage, rationale, at FROM assessments "
		"WHERE threat_id = ? ORDER BY at, assessor");
	struct stored_assessment *rows = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, threat_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct stored_assessment *a;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			if (!(grown = realloc(rows, cap * sizeof *rows)))
				goto nomem;
			rows = grown;
		}
		a = &rows[n++];
		memset(a, 0, sizeof *a);
		if (store_column_text(stmt, 0, &a->assessor) < 0 ||
		    store_column_text(stmt, 1, &a->likelihood) < 0 ||
		    store_column_text(stmt, 2, &a->damage) < 0 ||
		    store_column_text(stmt, 3, &a->rationale) < 0 ||
		    store_column_text(stmt, 4, &a->at) < 0)
			goto nomem;
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE) {
		store_assessments_free(rows, n);
		return store_fail(st, rc, "reading the assessments");
	}
	*out = rows;
	*count = n;
	return 0;
nomem:
	store_finish(st, stmt);
	store_assessments_free(rows, n);
	return STORE_NOMEM;
}

int store_comment_add(struct store *st, long long threat_id, long long revision, const char *who,
		      const char *body, const char *stanza_id, long long *id)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO comments (threat_id, revision, who, at, body, stanza_id) "
		"VALUES (?, ?, ?, ?, ?, ?)");
	char now[32];
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_now(now, sizeof now);
	sqlite3_bind_int64(stmt, 1, threat_id);
	sqlite3_bind_int64(stmt, 2, revision);
	store_bind_text(stmt, 3, who);
	store_bind_text(stmt, 4, now);
	store_bind_text(stmt, 5, body);
	store_bind_text(stmt, 6, stanza_id);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "keeping the comment");
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

#define COMMENT_COLUMNS "id, threat_id, revision, who, at, body, stanza_id, deleted_by, deleted_at"

static int read_comment(sqlite3_stmt *stmt, struct stored_comment *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(stmt, 0);
	c->threat_id = sqlite3_column_int64(stmt, 1);
	c->revision = sqlite3_column_int64(stmt, 2);
	if (store_column_text(stmt, 3, &c->who) < 0 || store_column_text(stmt, 4, &c->at) < 0 ||
	    store_column_text(stmt, 5, &c->body) < 0 || store_column_text(stmt, 6, &c->stanza_id) < 0 ||
	    store_column_text(stmt, 7, &c->deleted_by) < 0 ||
	    store_column_text(stmt, 8, &c->deleted_at) < 0) {
		stored_comment_clear(c);
		return -1;
	}
	return 0;
}

int store_comment_get(struct store *st, long long id, struct stored_comment *out)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT " COMMENT_COLUMNS " FROM comments WHERE id = ?");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = read_comment(stmt, out) < 0 ? STORE_NOMEM : 0;
	else if (rc == SQLITE_DONE)
		rc = STORE_NOTFOUND;
	else
		rc = store_fail(st, rc, "reading the comment");
	store_finish(st, stmt);
	return rc;
}

int store_comment_delete(struct store *st, long long id, const char *by)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"UPDATE comments SET body = NULL, deleted_by = ?, deleted_at = ? WHERE id = ?");
	char now[32];
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_now(now, sizeof now);
	store_bind_text(stmt, 1, by);
	store_bind_text(stmt, 2, now);
	sqlite3_bind_int64(stmt, 3, id);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "deleting the comment");
	return sqlite3_changes(st->db) ? 0 : STORE_NOTFOUND;
}

void stored_comment_clear(struct stored_comment *c)
{
	free(c->who);
	free(c->at);
	free(c->body);
	free(c->stanza_id);
	free(c->deleted_by);
	free(c->deleted_at);
	memset(c, 0, sizeof *c);
}

void store_comments_free(struct stored_comment *list, size_t count)
{
	size_t i;

	for (i = 0; list && i < count; i++)
		stored_comment_clear(&list[i]);
	free(list);
}

int store_comment_list(struct store *st, long long threat_id, size_t max,
		       struct stored_comment **out, size_t *count, long long *total)
{
	/* the newest max, turned oldest first */
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT * FROM (SELECT " COMMENT_COLUMNS " FROM comments WHERE threat_id = ? "
		"ORDER BY id DESC LIMIT ?) ORDER BY id");
	struct stored_comment *rows = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, threat_id);
	sqlite3_bind_int64(stmt, 2, max ? (sqlite3_int64)max : -1);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if (!(grown = realloc(rows, cap * sizeof *rows)))
				goto nomem;
			rows = grown;
		}
		if (read_comment(stmt, &rows[n]) < 0)
			goto nomem;
		n++;
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE) {
		store_comments_free(rows, n);
		return store_fail(st, rc, "reading the comments");
	}
	if (total) {
		stmt = store_prepare(st, "SELECT count(*) FROM comments WHERE threat_id = ?");
		if (!stmt) {
			store_comments_free(rows, n);
			return STORE_ERROR;
		}
		sqlite3_bind_int64(stmt, 1, threat_id);
		*total = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : (long long)n;
		store_finish(st, stmt);
	}
	*out = rows;
	*count = n;
	return 0;
nomem:
	store_finish(st, stmt);
	store_comments_free(rows, n);
	return STORE_NOMEM;
}

int store_discussion_clear(struct store *st, long long threat_id)
{
	static const char *const sql[] = { "DELETE FROM assessments WHERE threat_id = ?",
					   "DELETE FROM comments WHERE threat_id = ?" };
	size_t i;
	int rc;

	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *stmt = store_prepare(st, sql[i]);
		if (!stmt)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, threat_id);
		rc = sqlite3_step(stmt);
		store_finish(st, stmt);
		if (rc != SQLITE_DONE)
			return store_fail(st, rc, "clearing the discussion");
	}
	return 0;
}

int store_assessment_restore(struct store *st, long long threat_id,
			     const struct stored_assessment *a)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO assessments (threat_id, assessor, likelihood, damage, rationale, at) "
		"VALUES (?, ?, ?, ?, ?, ?)");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, threat_id);
	store_bind_text(stmt, 2, a->assessor);
	store_bind_text(stmt, 3, a->likelihood ? a->likelihood : "");
	store_bind_text(stmt, 4, a->damage ? a->damage : "");
	store_bind_text(stmt, 5, a->rationale);
	store_bind_text(stmt, 6, a->at);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "restoring the assessment");
}

int store_comment_restore(struct store *st, const struct stored_comment *c)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO comments (" COMMENT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_int64(stmt, 2, c->threat_id);
	sqlite3_bind_int64(stmt, 3, c->revision);
	store_bind_text(stmt, 4, c->who);
	store_bind_text(stmt, 5, c->at);
	store_bind_text(stmt, 6, c->body);
	store_bind_text(stmt, 7, c->stanza_id);
	store_bind_text(stmt, 8, c->deleted_by);
	store_bind_text(stmt, 9, c->deleted_at);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "restoring the comment");
}
