/* SPDX-License-Identifier: MIT */
/* Building the threat tables' SQL from the template's columns: see
 * threat_sql.h. */
#include "storage/threat_sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_ORDER "ORDER BY priority_rank DESC, id LIMIT ?11 OFFSET ?12"

/* A column name is a constant of the template; checking it anyway keeps
 * anything but an identifier out of the SQL. */
static int is_column_name(const char *name)
{
	return name && *name && strspn(name, "abcdefghijklmnopqrstuvwxyz_") == strlen(name);
}

/* printf into a new string, or NULL. */
static char *format(const char *fmt, ...)
{
	va_list ap;
	char *out;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(out = malloc((size_t)n + 1)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(out, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return out;
}

/* "a, b, ..., priority, priority_rank, author" and "?, ?, ..." into new strings. */
static int state_lists(const struct threat_schema *schema, char **columns, char **params)
{
	size_t len = sizeof "priority, priority_rank, author", i;
	char *c, *p;

	for (i = 0; i < schema->count; i++)
		len += strlen(schema->columns[i].column) + 2;
	*columns = c = malloc(len);
	*params = p = malloc(3 * (schema->count + THREAT_SQL_EXTRA_COLUMNS));
	if (!c || !p)
		return -1;
	*c = '\0';
	*p = '\0';
	for (i = 0; i < schema->count; i++) {
		strcat(strcat(c, schema->columns[i].column), ", ");
		strcat(p, "?, ");
	}
	strcat(c, "priority, priority_rank, author");
	strcat(p, "?, ?, ?");
	return 0;
}

int threat_sql_build(struct threat_sql *sql, const struct threat_schema *schema, char *err,
		     size_t errlen)
{
	char *columns = NULL, *params = NULL;
	size_t i;

	memset(sql, 0, sizeof *sql);
	if (schema->count > THREAT_FIELDS_MAX) {
		snprintf(err, errlen, "the template has %zu stored fields, storage holds %d",
			 schema->count, THREAT_FIELDS_MAX);
		return -1;
	}
	for (i = 0; i < schema->count; i++)
		if (!is_column_name(schema->columns[i].column) || !schema->columns[i].var) {
			snprintf(err, errlen, "slot %zu of the template has no column name", i);
			return -1;
		}
	sql->schema = *schema;
	sql->state_count = schema->count + THREAT_SQL_EXTRA_COLUMNS;
	if (state_lists(schema, &columns, &params) < 0)
		goto nomem;
	sql->insert = format("INSERT INTO threats (revision, %s, created, updated) "
			     "VALUES (1, %s, ?, ?)", columns, params);
	sql->insert_revision = format("INSERT INTO threat_revisions (threat_id, revision, at, who, "
				      "changed, note, %s) VALUES (?, ?, ?, ?, ?, ?, %s)", columns, params);
	sql->update = format("UPDATE threats SET revision = ?, (%s) = (%s), updated = ? WHERE id = ?",
			     columns, params);
	sql->select_by_id = format("SELECT id, revision, %s, created, updated FROM threats "
				   "WHERE id = ?", columns);
	sql->select_history = format("SELECT revision, at, who, changed, note, %s FROM threat_revisions "
				     "WHERE threat_id = ? ORDER BY revision", columns);
	sql->list = format("SELECT id, revision, %s, created, updated FROM threats "
			   FILTER_WHERE_NO_TEXT LIST_ORDER, columns);
	sql->list_words = format("SELECT id, revision, %s, created, updated FROM threats "
				 FILTER_WHERE LIST_ORDER, columns);
	sql->restore = format("INSERT INTO threats (id, revision, %s, created, updated) "
			      "VALUES (?, ?, %s, ?, ?)", columns, params);
	if (!sql->restore || !sql->insert || !sql->insert_revision || !sql->update || !sql->select_by_id ||
	    !sql->select_history || !sql->list || !sql->list_words)
		goto nomem;
	free(columns);
	free(params);
	return 0;
nomem:
	free(columns);
	free(params);
	threat_sql_free(sql);
	snprintf(err, errlen, "out of memory");
	return -1;
}

void threat_sql_free(struct threat_sql *sql)
{
	free(sql->insert);
	free(sql->insert_revision);
	free(sql->update);
	free(sql->select_by_id);
	free(sql->select_history);
	free(sql->list);
	free(sql->list_words);
	free(sql->restore);
	memset(sql, 0, sizeof *sql);
}
