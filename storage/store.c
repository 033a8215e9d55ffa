/* SPDX-License-Identifier: MIT */
/* Opening the database, errors, transactions. */
#include "storage/store_internal.h"
#include "storage/checkpointer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#define BUSY_TIMEOUT_MS 5000

static int exec(struct store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_fail(st, rc, what);
}

/* BEGIN and COMMIT run on every change: prepared once, from the statement
 * cache, rather than parsed again by sqlite3_exec(). SQLITE_OK or the code. */
static int run_cached(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = store_prepare(st, sql);
	int rc;

	if (!stmt)
		return sqlite3_errcode(st->db) != SQLITE_OK ? sqlite3_errcode(st->db) : SQLITE_ERROR;
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int check_integrity(struct store *st)
{
	sqlite3_stmt *stmt = store_prepare(st, "PRAGMA quick_check");
	const unsigned char *result;
	int rc;

	if (!stmt)
		return store_fail(st, sqlite3_errcode(st->db), "checking the database");
	rc = sqlite3_step(stmt);
	result = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
	if (rc != SQLITE_ROW || !result || strcmp((const char *)result, "ok") != 0) {
		snprintf(st->errmsg, sizeof st->errmsg, "the database failed its integrity check: %s",
			 result ? (const char *)result : sqlite3_errmsg(st->db));
		store_finish(st, stmt);
		return STORE_CORRUPT;
	}
	store_finish(st, stmt);
	return 0;
}

/* A WAL database on a read-only file system cannot be opened even for
 * reading (sqlite needs its -shm file); opened as immutable it can, and
 * nobody can be writing it there. */
/* Every column the template names exists: preparing the read of a threat
 * fails on one the migrations never added. */
static int check_columns(struct store *st)
{
	sqlite3_stmt *stmt = store_prepare(st, st->threat_sql.select_by_id);

	if (!stmt) {
		snprintf(st->errmsg, sizeof st->errmsg, "the register does not match the template "
			 "(%s): a field without its migration?", sqlite3_errmsg(st->db));
		return STORE_ERROR;
	}
	store_finish(st, stmt);
	return 0;
}

static int on_readonly_fs(const char *path)
{
	struct statvfs vfs;

	return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

static int reopen_immutable(struct store *st, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char uri[4096 * 3 + 32], *p = uri;
	const unsigned char *c;
	int rc;

	p += sprintf(p, "file:");
	for (c = (const unsigned char *)path; *c && p < uri + sizeof uri - 32; c++) {
		if (*c == '%' || *c == '?' || *c == '#' || *c < 0x20) {
			*p++ = '%', *p++ = hex[*c >> 4], *p++ = hex[*c & 15];
		} else {
			*p++ = (char)*c;
		}
	}
	strcpy(p, "?immutable=1");
	store_cache_clear(st);
	sqlite3_close(st->db);
	st->db = NULL;
	rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			     NULL);
	return rc == SQLITE_OK ? 0 : store_fail(st, rc, "opening read-only");
}

/* Past this many times the pages asked for, the commit checkpoints itself. */
#define CHECKPOINT_INLINE_FACTOR 8
/* and the threshold at most this (times the factor, within an int) */
#define CHECKPOINT_MAX_PAGES (1 << 24)

static int wal_written(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *st = arg;

	if (pages >= CHECKPOINT_INLINE_FACTOR * st->checkpoint_pages)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	else if (pages >= st->checkpoint_pages)
		checkpointer_ask(st->checkpointer);
	return SQLITE_OK;
}

/* sqlite3_wal_hook() replaces the automatic checkpoint (sqlite's own use
 * of the same hook): installed on every handle that writes. */
static void hook_wal(struct store *st)
{
	if (st->checkpointer && st->db && !st->readonly)
		sqlite3_wal_hook(st->db, wal_written, st);
}

int store_checkpoint_in_background(struct store *st, int pages)
{
	if (!st->checkpointer && !(st->checkpointer = checkpointer_start(st->path)))
		return -1;
	st->checkpoint_pages = pages < 1 ? 1 : pages > CHECKPOINT_MAX_PAGES ? CHECKPOINT_MAX_PAGES : pages;
	hook_wal(st);
	return 0;
}

void store_checkpoint_wait(struct store *st)
{
	if (st->checkpointer)
		checkpointer_wait(st->checkpointer);
}

/* WAL, and the schema of this version: for a handle that will write. */
static int prepare_writable(struct store *st)
{
	int rc;

	if ((rc = exec(st, "PRAGMA foreign_keys = ON", "enabling foreign keys")) < 0 ||
	    (rc = exec(st, "PRAGMA journal_mode = WAL", "enabling WAL")) < 0 ||
	    (rc = exec(st, "PRAGMA synchronous = NORMAL", "setting synchronous")) < 0)
		return rc;
	return schema_migrate(st);
}

static int open_handle(struct store *st, int flags)
{
	int rc = sqlite3_open_v2(st->path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK)
		return store_fail(st, rc, "opening");
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	return 0;
}

int store_open(struct store **out, const char *path, int mode, const struct threat_schema *schema,
	       char *err, size_t errlen)
{
	struct store *st = calloc(1, sizeof *st);
	int readonly = mode == STORE_OPEN_READ;
	struct stat sb;
	int rc;

	*out = NULL;
	if (!st || !(st->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(st);
		return STORE_ERROR;
	}
	if (threat_sql_build(&st->threat_sql, schema, st->errmsg, sizeof st->errmsg) < 0) {
		rc = STORE_ERROR;
		goto fail;
	}
	st->readonly = readonly;
	if (readonly && stat(path, &sb) < 0) {
		snprintf(st->errmsg, sizeof st->errmsg, "%s", strerror(errno));
		rc = STORE_NOTFOUND;
		goto fail;
	}
	rc = open_handle(st, readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	/* a file that is not a database fails here, before anything is written */
	if (rc == 0)
		rc = check_integrity(st);
	if (rc == STORE_READONLY && readonly && on_readonly_fs(path) &&
	    (rc = reopen_immutable(st, path)) == 0)
		rc = check_integrity(st);
	if (rc == 0 && !readonly)
		rc = prepare_writable(st);
	if (rc == STORE_READONLY && mode == STORE_OPEN_WRITE_OR_READ) {
		/* reads go on; store_begin tries to write again */
		store_close(st);
		rc = store_open(&st, path, STORE_OPEN_READ, schema, err, errlen);
		if (rc < 0)
			return rc;
		st->wants_writes = 1;
		*out = st;
		return 0;
	}
	if (rc < 0)
		goto fail;
	if (readonly && store_schema_version(st) <= 0) {
		snprintf(st->errmsg, sizeof st->errmsg, "it holds no vigil register");
		rc = STORE_CORRUPT;
		goto fail;
	}
	if ((rc = check_columns(st)) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, st->errmsg);
	store_close(st);
	return rc < 0 ? rc : STORE_ERROR;
}

int store_is_readonly(const struct store *st)
{
	return st->readonly;
}

int store_try_writable(struct store *st)
{
	sqlite3 *reading = st->db;
	int rc;

	if (!st->readonly)
		return 0;
	if (!st->wants_writes || st->tx_depth)
		return STORE_READONLY;
	store_cache_clear(st); /* its statements belong to the reading handle */
	st->db = NULL;
	rc = open_handle(st, SQLITE_OPEN_READWRITE);
	if (rc == 0)
		rc = prepare_writable(st);
	if (rc < 0) {
		store_cache_clear(st);
		if (st->db)
			sqlite3_close(st->db);
		st->db = reading;
		return rc;
	}
	sqlite3_close(reading);
	st->readonly = 0;
	st->wants_writes = 0;
	hook_wal(st);
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	/* first: the last handle to close checkpoints what is left */
	checkpointer_stop(st->checkpointer);
	st->checkpointer = NULL;
	if (st->db)
		sqlite3_wal_hook(st->db, NULL, NULL);
	store_cache_clear(st);
	if (st->tx_depth)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (st->db)
		sqlite3_close(st->db);
	threat_sql_free(&st->threat_sql);
	free(st->path);
	free(st);
}

int store_begin(struct store *st)
{
	if (st->tx_depth == 0 && st->readonly && st->wants_writes)
		store_try_writable(st); /* the fault may be gone; if not, BEGIN says so */
	if (st->tx_depth++ > 0)
		return 0;
	if (run_cached(st, "BEGIN IMMEDIATE") != SQLITE_OK) {
		st->tx_depth = 0;
		return store_fail(st, sqlite3_extended_errcode(st->db), "starting a transaction");
	}
	return 0;
}

int store_commit(struct store *st)
{
	int rc;

	if (st->tx_depth == 0)
		return STORE_ERROR;
	if (--st->tx_depth > 0)
		return 0;
	rc = run_cached(st, "COMMIT");
	if (rc != SQLITE_OK) {
		int code = store_fail(st, sqlite3_extended_errcode(st->db), "committing");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return code;
	}
	return 0;
}

void store_rollback(struct store *st)
{
	if (st->tx_depth == 0)
		return;
	st->tx_depth = 0;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}
