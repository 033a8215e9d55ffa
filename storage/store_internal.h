/* Shared by the storage/ files only. */
#ifndef VIGIL_STORE_INTERNAL_H
#define VIGIL_STORE_INTERNAL_H

#include <sqlite3.h>

#include "storage/store.h"

struct store {
	sqlite3 *db;
	char *path;
	int readonly;
	int wants_writes;     /* opened read-only as a fallback: writable again when it can be */
	int tx_depth;         /* nesting of store_begin */
	char errmsg[512];
};

/* Records a sqlite failure (rc from sqlite3_*) and returns the STORE_ code. */
int store_fail(struct store *st, int rc, const char *what);

/* Prepares sql; on failure records the error and returns NULL. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
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
