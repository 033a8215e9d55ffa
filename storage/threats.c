/* SPDX-License-Identifier: MIT */
/* Threats and their revisions. Every change writes a revision with the full
 * state; nothing is overwritten without one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store_internal.h"

/* The state columns (storage/threat_sql.h): the template's text fields by
 * slot, then priority, priority_rank and author. */
#define PRIORITY_COLUMN(sql) ((int)(sql)->schema.count)

static int bind_state(struct store *st, sqlite3_stmt *stmt, int first, const struct threat *t)
{
	const struct threat_schema *schema = &st->threat_sql.schema;
	int i, n = PRIORITY_COLUMN(&st->threat_sql), rc = SQLITE_OK;

	for (i = 0; i < n && rc == SQLITE_OK; i++)
		rc = store_bind_text(stmt, first + i,
				     schema->columns[i].not_null ? threat_get(t, i) : t->field[i]);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, first + n, t->priority ? t->priority : "unassessed");
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(stmt, first + n + 1, t->priority_rank);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, first + n + 2, t->author ? t->author : "");
	return rc;
}

static int read_state(struct store *st, sqlite3_stmt *stmt, int first, struct threat *t)
{
	int i, n = PRIORITY_COLUMN(&st->threat_sql);

	for (i = 0; i < n; i++) {
		free(t->field[i]);
		if (store_column_text(stmt, first + i, &t->field[i]) < 0)
			return -1;
		if (t->field[i] && !*t->field[i]) {
			free(t->field[i]);
			t->field[i] = NULL;
		}
	}
	free(t->priority);
	free(t->author);
	if (store_column_text(stmt, first + n, &t->priority) < 0)
		return -1;
	t->priority_rank = sqlite3_column_int(stmt, first + n + 1);
	return store_column_text(stmt, first + n + 2, &t->author);
}

/* Space-separated vars of the fields that differ between a and b. */
static char *changed_fields(struct store *st, const struct threat *a, const struct threat *b)
{
	const struct threat_schema *schema = &st->threat_sql.schema;
	size_t i, len = 1;
	char *out;

	for (i = 0; i < schema->count; i++)
		len += strlen(schema->columns[i].var) + 1;
	if (!(out = malloc(len)))
		return NULL;
	out[0] = '\0';
	for (i = 0; i < schema->count; i++) {
		if (strcmp(threat_get(a, (int)i), threat_get(b, (int)i)) == 0)
			continue;
		if (out[0])
			strcat(out, " ");
		strcat(out, schema->columns[i].var);
	}
	return out;
}

static int insert_revision(struct store *st, const struct threat *t, const char *at,
			   const char *who, const char *changed, const char *note)
{
	sqlite3_stmt *stmt = store_prepare(st, st->threat_sql.insert_revision);
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, t->id);
	sqlite3_bind_int64(stmt, 2, t->revision);
	store_bind_text(stmt, 3, at);
	store_bind_text(stmt, 4, who);
	store_bind_text(stmt, 5, changed);
	store_bind_text(stmt, 6, note);
	rc = bind_state(st, stmt, 7, t);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "recording the revision");
}

static int set_stamp(char **dst, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

int store_threat_insert(struct store *st, struct threat *t, const char *who, const char *note)
{
	int state = (int)st->threat_sql.state_count;
	struct threat empty;
	sqlite3_stmt *stmt = NULL;
	char now[32], *changed = NULL;
	int rc;

	store_now(now, sizeof now);
	threat_init(&empty);
	if ((rc = store_begin(st)) < 0)
		return rc;
	stmt = store_prepare(st, st->threat_sql.insert);
	if (!stmt) {
		rc = STORE_ERROR;
		goto fail;
	}
	rc = bind_state(st, stmt, 1, t);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 1 + state, now);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 2 + state, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_fail(st, rc, "filing the threat");
		goto fail;
	}
	t->id = sqlite3_last_insert_rowid(st->db);
	t->revision = 1;
	if (set_stamp(&t->created, now) < 0 || set_stamp(&t->updated, now) < 0 ||
	    !(changed = changed_fields(st, &empty, t))) {
		rc = STORE_ERROR;
		goto fail;
	}
	if ((rc = insert_revision(st, t, now, who, changed, note)) < 0)
		goto fail;
	store_finish(st, stmt);
	free(changed);
	return store_commit(st);
fail:
	store_finish(st, stmt);
	free(changed);
	store_rollback(st);
	t->id = 0;
	return rc;
}

/* The created and updated columns after id, revision and the state. */
static int read_stamps(struct store *st, sqlite3_stmt *stmt, struct threat *out)
{
	int created = 2 + (int)st->threat_sql.state_count;

	free(out->created);
	free(out->updated);
	out->created = out->updated = NULL;
	if (store_column_text(stmt, created, &out->created) < 0 ||
	    store_column_text(stmt, created + 1, &out->updated) < 0)
		return -1;
	return 0;
}

static int load(struct store *st, long long id, struct threat *out)
{
	sqlite3_stmt *stmt = store_prepare(st, st->threat_sql.select_by_id);
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(stmt, 0);
		out->revision = sqlite3_column_int64(stmt, 1);
		if (read_state(st, stmt, 2, out) < 0 || read_stamps(st, stmt, out) < 0)
			rc = STORE_ERROR;
		else
			rc = 0;
	} else if (rc == SQLITE_DONE) {
		snprintf(st->errmsg, sizeof st->errmsg, "no threat T-%lld", id);
		rc = STORE_NOTFOUND;
	} else {
		rc = store_fail(st, rc, "reading the threat");
	}
	store_finish(st, stmt);
	return rc;
}

int store_threat_get(struct store *st, long long id, struct threat *out)
{
	return load(st, id, out);
}

int store_threat_update(struct store *st, struct threat *t, long long expected_revision,
			const char *who, const char *note, int *changed_out)
{
	return store_threat_record(st, t, expected_revision, who, NULL, note, changed_out);
}

int store_threat_record(struct store *st, struct threat *t, long long expected_revision,
			const char *who, const char *also, const char *note, int *changed_out)
{
	int state = (int)st->threat_sql.state_count;
	struct threat current;
	sqlite3_stmt *stmt = NULL;
	char now[32], *changed = NULL;
	int rc;

	if (changed_out)
		*changed_out = 0;
	threat_init(&current);
	if ((rc = store_begin(st)) < 0)
		return rc;
	if ((rc = store_threat_get(st, t->id, &current)) < 0)
		goto fail;
	if (current.revision != expected_revision) {
		snprintf(st->errmsg, sizeof st->errmsg, "T-%lld is at revision %lld, not %lld",
			 t->id, current.revision, expected_revision);
		rc = STORE_STALE;
		goto fail;
	}
	if (!(changed = changed_fields(st, &current, t))) {
		rc = STORE_ERROR;
		goto fail;
	}
	if (also && *also && !*changed) {
		char *more = malloc(strlen(changed) + strlen(also) + 2);
		if (!more) {
			rc = STORE_NOMEM;
			goto fail;
		}
		strcpy(more, also);
		free(changed);
		changed = more;
	}
	if (!*changed && !note) {
		/* nothing to record: report the stored revision */
		t->revision = current.revision;
		rc = store_commit(st);
		goto out;
	}
	store_now(now, sizeof now);
	t->revision = current.revision + 1;
	stmt = store_prepare(st, st->threat_sql.update);
	if (!stmt) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, t->revision);
	rc = bind_state(st, stmt, 2, t);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 2 + state, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(stmt, 3 + state, t->id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_fail(st, rc, "saving the threat");
		goto fail;
	}
	if ((rc = insert_revision(st, t, now, who, changed, note)) < 0 ||
	    set_stamp(&t->updated, now) < 0 || (current.created && set_stamp(&t->created, current.created) < 0)) {
		rc = rc < 0 ? rc : STORE_ERROR;
		goto fail;
	}
	if ((rc = store_commit(st)) < 0)
		goto out;
	if (changed_out)
		*changed_out = 1;
	goto out;
fail:
	store_rollback(st);
	t->revision = expected_revision;
out:
	store_finish(st, stmt);
	free(changed);
	threat_clear(&current);
	return rc;
}

/* The revisions of threat id; their states only when with_state. */
static int read_history(struct store *st, long long id, int with_state,
			struct threat_revision **out, size_t *count)
{
	sqlite3_stmt *stmt;
	struct threat_revision *revs = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	stmt = store_prepare(st, with_state ? st->threat_sql.select_history :
				 "SELECT revision, at, who, changed, note FROM threat_revisions "
				 "WHERE threat_id = ? ORDER BY revision");
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct threat_revision *r;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(revs, cap * sizeof *revs);
			if (!grown)
				goto nomem;
			revs = grown;
		}
		r = &revs[n++];
		memset(r, 0, sizeof *r);
		r->revision = sqlite3_column_int64(stmt, 0);
		r->state.id = id;
		r->state.revision = r->revision;
		if (store_column_text(stmt, 1, &r->at) < 0 || store_column_text(stmt, 2, &r->who) < 0 ||
		    store_column_text(stmt, 3, &r->changed) < 0 || store_column_text(stmt, 4, &r->note) < 0 ||
		    (with_state && (read_state(st, stmt, 5, &r->state) < 0 ||
				    set_stamp(&r->state.updated, r->at) < 0)))
			goto nomem;
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE) {
		store_revisions_free(revs, n);
		return store_fail(st, rc, "reading the history");
	}
	if (n == 0) {
		free(revs);
		snprintf(st->errmsg, sizeof st->errmsg, "no threat T-%lld", id);
		return STORE_NOTFOUND;
	}
	*out = revs;
	*count = n;
	return 0;
nomem:
	store_finish(st, stmt);
	store_revisions_free(revs, n);
	snprintf(st->errmsg, sizeof st->errmsg, "out of memory");
	return STORE_ERROR;
}

int store_threat_history(struct store *st, long long id, struct threat_revision **out, size_t *count)
{
	return read_history(st, id, 1, out, count);
}

int store_threat_note(struct store *st, long long id, long long revision, char **note)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT note FROM threat_revisions "
					   "WHERE threat_id = ? AND revision = ?");
	int rc;

	*note = NULL;
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, revision);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_type(stmt, 0) == SQLITE_NULL ? 0 : store_column_text(stmt, 0, note);
	else
		rc = rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(st, rc, "reading a revision's note");
	store_finish(st, stmt);
	return rc;
}

int store_threat_log(struct store *st, long long id, struct threat_revision **out, size_t *count)
{
	return read_history(st, id, 0, out, count);
}

void store_revisions_free(struct threat_revision *revs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		threat_revision_clear(&revs[i]);
	free(revs);
}

/* --- the list ------------------------------------------------------------- */

#define MAX_WORDS 8

/* Binds the filter: words are bound as parameters, never spliced into SQL.
 * ASCII letters are folded to match lower(). */
static int bind_filter(sqlite3_stmt *stmt, const struct threat_filter *f)
{
	const char *p = f->text ? f->text : "";
	int word = 0;

	sqlite3_bind_int(stmt, 1, (int)(f->status_mask ? f->status_mask : 7u));
	sqlite3_bind_int(stmt, 2, f->min_priority_rank);
	while (*p && word < MAX_WORDS) {
		char buf[256];
		size_t len = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		while (*p && *p != ' ' && *p != '\t') {
			if (len < sizeof buf - 1)
				buf[len++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
			p++;
		}
		if (!len)
			break;
		buf[len] = '\0';
		if (sqlite3_bind_text(stmt, 3 + word++, buf, (int)len, SQLITE_TRANSIENT) != SQLITE_OK)
			return -1;
	}
	return 0;
}

int store_threat_list(struct store *st, const struct threat_filter *f, size_t offset, size_t limit,
		      struct threat **out, size_t *count, size_t *total)
{
	sqlite3_stmt *stmt;
	struct threat *list = NULL;
	size_t n = 0;
	int rc, words;

	*out = NULL;
	*count = 0;
	*total = 0;
	words = f->text && f->text[strspn(f->text, " \t")];
	stmt = words ? store_prepare(st, "SELECT count(*) FROM threats " FILTER_WHERE) :
		       store_prepare(st, "SELECT count(*) FROM threats " FILTER_WHERE_NO_TEXT);
	if (!stmt)
		return STORE_ERROR;
	bind_filter(stmt, f);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*total = (size_t)sqlite3_column_int64(stmt, 0);
	store_finish(st, stmt);
	if (rc != SQLITE_ROW)
		return store_fail(st, rc, "counting threats");
	if (!limit || offset >= *total)
		return 0;
	stmt = store_prepare(st, words ? st->threat_sql.list_words : st->threat_sql.list);
	if (!stmt)
		return STORE_ERROR;
	bind_filter(stmt, f);
	sqlite3_bind_int64(stmt, 11, (sqlite3_int64)limit);
	sqlite3_bind_int64(stmt, 12, (sqlite3_int64)offset);
	list = calloc(limit < *total - offset ? limit : *total - offset, sizeof *list);
	if (!list) {
		store_finish(st, stmt);
		return STORE_ERROR;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && n < limit) {
		struct threat *t = &list[n++];
		t->id = sqlite3_column_int64(stmt, 0);
		t->revision = sqlite3_column_int64(stmt, 1);
		if (read_state(st, stmt, 2, t) < 0 || read_stamps(st, stmt, t) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_threats_free(list, n);
		return store_fail(st, rc, "listing threats");
	}
	*out = list;
	*count = n;
	return 0;
}

void store_threats_free(struct threat *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		threat_clear(&list[i]);
	free(list);
}

long long store_threat_count(struct store *st)
{
	return store_query_int64(st, "SELECT count(*) FROM threats");
}

int store_revision_log(struct store *st, store_revision_fn each, void *userdata)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT threat_id, revision, at, who, changed, name "
					       "FROM threat_revisions ORDER BY at, threat_id, revision");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		each(userdata, sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
		     (const char *)sqlite3_column_text(stmt, 2), (const char *)sqlite3_column_text(stmt, 3),
		     (const char *)sqlite3_column_text(stmt, 4), (const char *)sqlite3_column_text(stmt, 5));
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "reading the history");
}

/* --- an import: a threat restored with its history ------------------------- */

int store_threat_restore(struct store *st, const struct threat *t,
			 const struct threat_revision *revs, size_t n)
{
	int state = (int)st->threat_sql.state_count;
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	if ((rc = store_begin(st)) < 0)
		return rc;
	if (!(stmt = store_prepare(st, st->threat_sql.restore))) {
		store_rollback(st);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(stmt, 1, t->id);
	sqlite3_bind_int64(stmt, 2, t->revision);
	rc = bind_state(st, stmt, 3, t);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 3 + state, t->created);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 4 + state, t->updated);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	rc = rc == SQLITE_DONE ? 0 : store_fail(st, rc, "restoring the threat");
	for (i = 0; i < n && rc == 0; i++)
		rc = insert_revision(st, &revs[i].state, revs[i].at, revs[i].who, revs[i].changed,
				     revs[i].note);
	if (rc < 0) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

int store_threat_ids(struct store *st, long long **ids, size_t *count)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT id FROM threats ORDER BY id");
	long long *list = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc;

	*ids = NULL;
	*count = 0;
	if (!stmt)
		return STORE_ERROR;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!(grown = realloc(list, cap * sizeof *list))) {
				rc = SQLITE_NOMEM;
				break;
			}
			list = grown;
		}
		list[n++] = sqlite3_column_int64(stmt, 0);
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE) {
		free(list);
		return store_fail(st, rc, "listing the threats' ids");
	}
	*ids = list;
	*count = n;
	return 0;
}

int store_threat_exists(struct store *st, long long id)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT 1 FROM threats WHERE id = ?");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "looking the threat up");
}
