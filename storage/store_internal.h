/* SPDX-License-Identifier: MIT */
/* Shared by the storage/ files only. */
#ifndef VIGIL_STORE_INTERNAL_H
#define VIGIL_STORE_INTERNAL_H

#include <sqlite3.h>

#include "storage/store.h"
#include "storage/threat_sql.h"

/* Statements are prepared once and kept: parsing SQL was over a third of the
 * cost of a filing. Enough slots for every fixed statement vigil has. */
#define STORE_CACHED_STATEMENTS 64

struct cached_statement {
	const char *sql;     /* the caller's string; compared by content */
	sqlite3_stmt *stmt;
	int in_use;          /* handed out and not yet finished */
};

struct store {
	sqlite3 *db;
	struct cached_statement cache[STORE_CACHED_STATEMENTS];
	size_t cached;
	char *path;
	int readonly;
	int wants_writes;     /* opened read-only as a fallback: writable again when it can be */
	int tx_depth;         /* nesting of store_begin */
	struct threat_sql threat_sql; /* the threat tables' statements, from the template's columns */
	struct checkpointer *checkpointer; /* NULL while sqlite checkpoints in the commit */
	int checkpoint_pages;
	char errmsg[512];
};

/* Records a sqlite failure (rc from sqlite3_*) and returns the STORE_ code. */
int store_fail(struct store *st, int rc, const char *what);

/* A statement for sql, ready to bind: the cached one when it is free, else
 * newly prepared. sql must outlive the store (a string literal). On failure
 * records the error and returns NULL. Every statement goes back through
 * store_finish (NULL is fine). */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* Resets a statement from store_prepare for its next use, or finalizes it
 * when it is not cached. */
void store_finish(struct store *st, sqlite3_stmt *stmt);
/* Finalizes every cached statement (before the handle is closed). */
void store_cache_clear(struct store *st);
/* The one integer a fixed query without parameters answers, or -1. */
long long store_query_int64(struct store *st, const char *sql);

/* Binds text (NULL binds NULL). */
int store_bind_text(sqlite3_stmt *stmt, int index, const char *text);

/* Copies column text (NULL for SQL NULL) into *out. 0 or -1. */
int store_column_text(sqlite3_stmt *stmt, int col, char **out);

/* XEP-0082 UTC timestamp of now into buf (at least 21 bytes). */
void store_now(char *buf, size_t len);

/* Creates or upgrades the schema (storage/schema.c). */
int schema_migrate(struct store *st);

#endif
