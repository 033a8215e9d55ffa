/* SPDX-License-Identifier: MIT */
/* The low-level helpers every storage file uses: errors, the statement
 * cache, binding and reading text, the time stamp. Below store.c (opening,
 * transactions) and schema.c (migrations), which both use them. */
#include "storage/store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int store_fail(struct store *st, int rc, const char *what)
{
	int primary = rc & 0xff;

	snprintf(st->errmsg, sizeof st->errmsg, "%s: %s (%s)", what,
		 primary == SQLITE_READONLY ? "the database is read-only" :
		 primary == SQLITE_FULL ? "the disk is full" :
		 primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? "the database is locked" :
		 primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? "the database is damaged" :
		 primary == SQLITE_CANTOPEN ? "the database cannot be opened" :
		 primary == SQLITE_IOERR ? "an I/O error" : "a database error",
		 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	switch (primary) {
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return STORE_READONLY;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return STORE_CORRUPT;
	case SQLITE_IOERR:
		/* a write that cannot be made on a read-only file system or a full disk */
		return (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC) ? STORE_FULL : STORE_ERROR;
	case SQLITE_NOMEM:
		return STORE_NOMEM;
	default:
		return STORE_ERROR;
	}
}

const char *store_errmsg(const struct store *st)
{
	return st->errmsg[0] ? st->errmsg : "no error";
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
	struct cached_statement *slot = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t i;
	int rc;

	for (i = 0; i < st->cached; i++) {
		if (strcmp(st->cache[i].sql, sql) != 0)
			continue;
		if (!st->cache[i].in_use) {
			st->cache[i].in_use = 1;
			return st->cache[i].stmt;
		}
		slot = &st->cache[i]; /* in use (a nested caller): prepare another */
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_fail(st, rc, "preparing a statement");
		return NULL;
	}
	if (!slot && st->cached < STORE_CACHED_STATEMENTS) {
		slot = &st->cache[st->cached++];
		slot->sql = sql;
		slot->stmt = stmt;
		slot->in_use = 1;
	}
	return stmt;
}

void store_finish(struct store *st, sqlite3_stmt *stmt)
{
	size_t i;

	if (!stmt)
		return;
	for (i = 0; i < st->cached; i++) {
		if (st->cache[i].stmt == stmt) {
			/* ends its read and drops the values bound (copies of user text) */
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			st->cache[i].in_use = 0;
			return;
		}
	}
	sqlite3_finalize(stmt);
}

void store_cache_clear(struct store *st)
{
	size_t i;

	for (i = 0; i < st->cached; i++)
		sqlite3_finalize(st->cache[i].stmt);
	st->cached = 0;
}

long long store_query_int64(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = store_prepare(st, sql);
	long long n = -1;

	if (stmt && sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	store_finish(st, stmt);
	return n;
}

int store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	if (!text)
		return sqlite3_bind_null(stmt, index);
	return sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

int store_column_text(sqlite3_stmt *stmt, int col, char **out)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	*out = NULL;
	if (!text)
		return 0;
	*out = strdup((const char *)text);
	return *out ? 0 : -1;
}

void store_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
