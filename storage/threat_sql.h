/* SPDX-License-Identifier: MIT */
/* The SQL of the threat tables, built once when the store opens from the
 * column list the template gives (struct threat_schema): constant column
 * names only, never user text; values are always bound. */
#ifndef VIGIL_STORAGE_THREAT_SQL_H
#define VIGIL_STORAGE_THREAT_SQL_H

#include <stddef.h>

#include "storage/threat.h"

/* The state columns, in this order, in both tables: the schema's columns by
 * slot, then these three. */
#define THREAT_SQL_EXTRA_COLUMNS 3 /* priority, priority_rank, author */

/* The list filters on status, rank and the words of name and abstract: the
 * columns of PROTOCOL.md §5's list, which a template change does not move.
 * Without words, status and rank alone: the count reads only the index on
 * (priority_rank, status), not every row's texts. */
#define FILTER_WHERE_NO_TEXT \
	"WHERE (?1 & CASE status WHEN 'identified' THEN 1 WHEN 'analyzed' THEN 2 " \
	"WHEN 'addressed' THEN 4 WHEN 'retired' THEN 8 ELSE 0 END) != 0 " \
	"AND priority_rank >= ?2 "
#define FILTER_WHERE FILTER_WHERE_NO_TEXT \
	"AND (?3 IS NULL OR instr(lower(name || ' ' || abstract), ?3) > 0) " \
	"AND (?4 IS NULL OR instr(lower(name || ' ' || abstract), ?4) > 0) " \
	"AND (?5 IS NULL OR instr(lower(name || ' ' || abstract), ?5) > 0) " \
	"AND (?6 IS NULL OR instr(lower(name || ' ' || abstract), ?6) > 0) " \
	"AND (?7 IS NULL OR instr(lower(name || ' ' || abstract), ?7) > 0) " \
	"AND (?8 IS NULL OR instr(lower(name || ' ' || abstract), ?8) > 0) " \
	"AND (?9 IS NULL OR instr(lower(name || ' ' || abstract), ?9) > 0) " \
	"AND (?10 IS NULL OR instr(lower(name || ' ' || abstract), ?10) > 0) "

struct threat_sql {
	struct threat_schema schema;
	size_t state_count;     /* schema.count + THREAT_SQL_EXTRA_COLUMNS */
	char *insert;           /* INSERT INTO threats: state..., created, updated */
	char *insert_revision;  /* threat_id, revision, at, who, changed, note, state... */
	char *update;           /* revision, state..., updated, WHERE id */
	char *select_by_id;     /* id, revision, state..., created, updated */
	char *select_history;   /* revision, at, who, changed, note, state... */
	char *list;             /* as select_by_id, filtered by status and rank, paged */
	char *list_words;       /* and by words in name or abstract */
	char *restore;          /* INSERT INTO threats with its id: id, revision, state...,
				   created, updated (an import, storage/threats.c) */
};

/* Builds every statement from schema (copied). 0, or -1 with the reason in
 * err (a column name that is not [a-z_], too many columns, out of memory). */
int threat_sql_build(struct threat_sql *sql, const struct threat_schema *schema, char *err,
		     size_t errlen);
void threat_sql_free(struct threat_sql *sql);

#endif
