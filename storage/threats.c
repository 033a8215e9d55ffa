/* Threats and their revisions. Every change writes a revision with the full
 * state; nothing is overwritten without one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store_internal.h"

/* The stored state, in this order, in both tables. */
#define STATE_COLUMNS \
	"name, abstract, definition, attack_tree, likelihood, damage, existing_approaches, " \
	"gap, potential_approaches, recommended_approach, status, priority, priority_rank, author"
#define STATE_COUNT 14
#define STATE_PARAMS "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"

/* Names of the fields in a revision's `changed` list: the PROTOCOL.md vars. */
static const char *const field_vars[THREAT_FIELD_COUNT] = {
	"name", "abstract", "definition", "attack-tree", "likelihood", "damage",
	"existing-approaches", "gap", "potential-approaches", "recommended-approach", "status",
};

static int bind_state(sqlite3_stmt *stmt, int first, const struct threat *t)
{
	int i, rc = SQLITE_OK;

	for (i = 0; i < THREAT_FIELD_COUNT && rc == SQLITE_OK; i++)
		rc = store_bind_text(stmt, first + i,
				     (i == THREAT_NAME || i == THREAT_ABSTRACT || i == THREAT_STATUS) ?
				     threat_get(t, (enum threat_field)i) : t->field[i]);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, first + 11, t->priority ? t->priority : "unassessed");
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(stmt, first + 12, t->priority_rank);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, first + 13, t->author ? t->author : "");
	return rc;
}

static int read_state(sqlite3_stmt *stmt, int first, struct threat *t)
{
	int i;

	for (i = 0; i < THREAT_FIELD_COUNT; i++) {
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
	if (store_column_text(stmt, first + 11, &t->priority) < 0)
		return -1;
	t->priority_rank = sqlite3_column_int(stmt, first + 12);
	return store_column_text(stmt, first + 13, &t->author);
}

/* Space-separated vars of the fields that differ between a and b. */
static char *changed_fields(const struct threat *a, const struct threat *b)
{
	char buf[512] = "";
	int i;

	for (i = 0; i < THREAT_FIELD_COUNT; i++) {
		if (strcmp(threat_get(a, (enum threat_field)i), threat_get(b, (enum threat_field)i)) == 0)
			continue;
		if (buf[0])
			strcat(buf, " ");
		strcat(buf, field_vars[i]);
	}
	return strdup(buf);
}

static int insert_revision(struct store *st, const struct threat *t, const char *at,
			   const char *who, const char *changed, const char *note)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO threat_revisions (threat_id, revision, at, who, changed, note, "
		STATE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, " STATE_PARAMS ")");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, t->id);
	sqlite3_bind_int64(stmt, 2, t->revision);
	store_bind_text(stmt, 3, at);
	store_bind_text(stmt, 4, who);
	store_bind_text(stmt, 5, changed);
	store_bind_text(stmt, 6, note);
	rc = bind_state(stmt, 7, t);
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
	struct threat empty;
	sqlite3_stmt *stmt = NULL;
	char now[32], *changed = NULL;
	int rc;

	store_now(now, sizeof now);
	threat_init(&empty);
	if ((rc = store_begin(st)) < 0)
		return rc;
	stmt = store_prepare(st, "INSERT INTO threats (revision, " STATE_COLUMNS ", created, updated) "
				 "VALUES (1, " STATE_PARAMS ", ?, ?)");
	if (!stmt) {
		rc = STORE_ERROR;
		goto fail;
	}
	rc = bind_state(stmt, 1, t);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 15, now);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 16, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_fail(st, rc, "filing the threat");
		goto fail;
	}
	t->id = sqlite3_last_insert_rowid(st->db);
	t->revision = 1;
	if (set_stamp(&t->created, now) < 0 || set_stamp(&t->updated, now) < 0 ||
	    !(changed = changed_fields(&empty, t))) {
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

static int load(struct store *st, const char *sql, long long id, struct threat *out)
{
	sqlite3_stmt *stmt = store_prepare(st, sql);
	int rc;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(stmt, 0);
		out->revision = sqlite3_column_int64(stmt, 1);
		free(out->created);
		free(out->updated);
		if (read_state(stmt, 2, out) < 0 || store_column_text(stmt, 16, &out->created) < 0 ||
		    store_column_text(stmt, 17, &out->updated) < 0)
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

#define SELECT_THREAT "SELECT id, revision, " STATE_COLUMNS ", created, updated FROM threats "

int store_threat_get(struct store *st, long long id, struct threat *out)
{
	return load(st, SELECT_THREAT "WHERE id = ?", id, out);
}

int store_threat_update(struct store *st, struct threat *t, long long expected_revision,
			const char *who, const char *note, int *changed_out)
{
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
	if (!(changed = changed_fields(&current, t))) {
		rc = STORE_ERROR;
		goto fail;
	}
	if (!*changed && !note) {
		/* nothing to record: report the stored revision */
		t->revision = current.revision;
		rc = store_commit(st);
		goto out;
	}
	store_now(now, sizeof now);
	t->revision = current.revision + 1;
	stmt = store_prepare(st, "UPDATE threats SET revision = ?, (" STATE_COLUMNS ") = (" STATE_PARAMS
				 "), updated = ? WHERE id = ?");
	if (!stmt) {
		rc = STORE_ERROR;
		goto fail;
	}
	sqlite3_bind_int64(stmt, 1, t->revision);
	rc = bind_state(stmt, 2, t);
	if (rc == SQLITE_OK)
		rc = store_bind_text(stmt, 16, now);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(stmt, 17, t->id);
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

int store_threat_history(struct store *st, long long id, struct threat_revision **out, size_t *count)
{
	sqlite3_stmt *stmt;
	struct threat_revision *revs = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	stmt = store_prepare(st, "SELECT revision, at, who, changed, note, " STATE_COLUMNS
				 " FROM threat_revisions WHERE threat_id = ? ORDER BY revision");
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
		    read_state(stmt, 5, &r->state) < 0 || set_stamp(&r->state.updated, r->at) < 0)
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

void store_revisions_free(struct threat_revision *revs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		threat_revision_clear(&revs[i]);
	free(revs);
}

/* --- the list ------------------------------------------------------------- */

#define MAX_WORDS 8
/* Without words, status and rank alone: the count reads only the index on
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
	stmt = words ? store_prepare(st, SELECT_THREAT FILTER_WHERE
				     "ORDER BY priority_rank DESC, id LIMIT ?11 OFFSET ?12") :
		       store_prepare(st, SELECT_THREAT FILTER_WHERE_NO_TEXT
				     "ORDER BY priority_rank DESC, id LIMIT ?11 OFFSET ?12");
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
		if (read_state(stmt, 2, t) < 0 || store_column_text(stmt, 16, &t->created) < 0 ||
		    store_column_text(stmt, 17, &t->updated) < 0) {
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
