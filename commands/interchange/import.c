/* SPDX-License-Identifier: MIT */
/* An import: every record of the file written in one transaction, or none.
 * A record with its history is restored as it was (its id, revisions, who
 * and when: an export read back gives the same export); one without is
 * filed as revision 1 by "import:<user>"; an id that exists is refused
 * unless --replace, which writes a new revision by "import:<user>". Each
 * threat gets an event row with its room line and `feed` entry done, and
 * the batch one room line, the digest: the daemon's announcer sends them
 * (PubSub the threats' items and one `feed` entry, the digest; the room
 * one line), woken by the caller. A record's assessments
 * and comments are restored as the file has them, in the same transaction. */
#include "commands/interchange/interchange.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/interchange/records.h"
#include "commands/register/announcement.h"
#include "commands/register/change.h"
#include "commands/register/ops.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "storage/discussion.h"
#include "storage/events.h"
#include "storage/store.h"

struct written {
	long long id, revision;
	enum change_kind kind;
	char old_priority[16];
};

/* Space-separated vars of t's fields that are not empty: a filing's changes. */
static void filled_fields(const struct threat *t, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		if (f->slot == TEMPLATE_NOT_STORED || !*threat_get(t, f->slot))
			continue;
		text_format(buf + used, len - used, "%s%s", used ? " " : "", f->var);
		used = strlen(buf);
	}
}

static int set_text(char **dst, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A record without its history: revision 1 by who, now. */
static int file_new(struct store *st, struct import_record *r, const char *who)
{
	struct threat_revision rev;
	char now[32], changed[512];
	int rc;

	if (!r->current.author && set_text(&r->current.author, who) < 0)
		return STORE_NOMEM;
	if (!*threat_get(&r->current, THREAT_STATUS) &&
	    threat_set(&r->current, THREAT_STATUS, "identified") < 0)
		return STORE_NOMEM;
	if (!r->current.id)
		return store_threat_insert(st, &r->current, who, "imported");
	/* its own id: restored as revision 1 */
	memset(&rev, 0, sizeof rev);
	utc_now(now, sizeof now);
	filled_fields(&r->current, changed, sizeof changed);
	r->current.revision = 1;
	if (set_text(&r->current.created, now) < 0 || set_text(&r->current.updated, now) < 0)
		return STORE_NOMEM;
	rev.revision = 1;
	rev.at = now;
	rev.who = (char *)who;
	rev.changed = changed;
	rev.note = "imported";
	rev.state = r->current;
	rc = store_threat_restore(st, &r->current, &rev, 1);
	return rc;
}

/* An id that exists, with --replace: a new revision with the file's state. */
static int replace(struct store *st, struct import_record *r, const char *who, struct written *w)
{
	struct threat old;
	int rc;

	threat_init(&old);
	if ((rc = store_threat_get(st, r->current.id, &old)) < 0)
		goto out;
	text_format(w->old_priority, sizeof w->old_priority, "%s", old.priority ? old.priority : "");
	if (!r->has_author && set_text(&r->current.author, old.author ? old.author : who) < 0) {
		rc = STORE_NOMEM;
		goto out;
	}
	if (!*threat_get(&r->current, THREAT_STATUS) &&
	    threat_set(&r->current, THREAT_STATUS, threat_get(&old, THREAT_STATUS)) < 0) {
		rc = STORE_NOMEM;
		goto out;
	}
	rc = store_threat_update(st, &r->current, old.revision, who, "imported (replaced)", NULL);
out:
	threat_clear(&old);
	return rc;
}

/* The record's assessments and comments as the file has them; with
 * --replace they replace the threat's. The threat's levels stay the file's
 * (not recomputed from the assessments: doc/INTERCHANGE.md).
 * A comment's #n taken by another threat's comment is reported. */
static int write_discussion(struct store *st, struct import_batch *b, struct import_record *r,
			    int replacing)
{
	struct stored_comment taken;
	char at[RECORD_PATH_BYTES + 40], tid[32];
	size_t i;
	int rc;

	if (replacing && (rc = store_discussion_clear(st, r->current.id)) < 0)
		return rc;
	for (i = 0; i < r->ncomments; i++) {
		struct stored_comment *c = &r->comments[i];
		memset(&taken, 0, sizeof taken);
		if ((rc = store_comment_get(st, c->id, &taken)) == 0) {
			threat_id_format(taken.threat_id, tid, sizeof tid);
			text_format(at, sizeof at, "%s.comments[%zu]", r->path, i);
			batch_reject(b, at, "comment #%lld is on %s in the register already", c->id, tid);
			stored_comment_clear(&taken);
			continue;
		}
		if (rc != STORE_NOTFOUND)
			return rc;
		c->threat_id = r->current.id;
		if ((rc = store_comment_restore(st, c)) < 0)
			return rc;
	}
	for (i = 0; i < r->nassessments; i++)
		if ((rc = store_assessment_restore(st, r->current.id, &r->assessments[i])) < 0)
			return rc;
	return 0;
}

/* Writes one record; problems with the register (a taken id) are reported. */
static int write_record(struct store *st, struct import_batch *b, struct import_record *r,
			const struct import_options *o, const char *who, struct written *w)
{
	char tid[32];
	int exists = r->current.id ? store_threat_exists(st, r->current.id) : 0, rc;

	if (exists < 0)
		return exists;
	threat_id_format(r->current.id, tid, sizeof tid);
	w->kind = CHANGE_FILED;
	w->old_priority[0] = '\0';
	if (exists && !o->replace) {
		batch_reject(b, r->path, "%s is in the register already (--replace overwrites it)", tid);
		return 0;
	}
	if (exists) {
		w->kind = CHANGE_EDITED;
		rc = replace(st, r, who, w);
	} else if (r->nrevs) {
		rc = store_threat_restore(st, &r->current, r->revs, r->nrevs);
	} else {
		rc = file_new(st, r, who);
	}
	if (rc == 0)
		rc = write_discussion(st, b, r, exists);
	w->id = r->current.id;
	w->revision = r->current.revision;
	return rc;
}

/* The digest's event first (the room hears it at once), then one per
 * threat with its room line done. */
static int record_events(struct store *st, const struct written *w, size_t n, const char *who,
			 const char *digest)
{
	struct stored_event e;
	size_t i;
	int rc;

	memset(&e, 0, sizeof e);
	e.kind = CHANGE_STATE;
	e.threat_id = w[0].id;
	e.revision = w[0].revision;
	e.who = (char *)who;
	e.done = CHANGE_DONE_EXTERNAL; /* PubSub: the digest's `feed` entry */
	e.room_text = (char *)digest;
	if ((rc = store_event_add(st, &e, NULL)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof e);
		e.kind = w[i].kind;
		e.threat_id = w[i].id;
		e.revision = w[i].revision;
		e.old_priority = w[i].kind == CHANGE_FILED ? NULL : (char *)w[i].old_priority;
		e.who = (char *)who;
		e.done = CHANGE_DONE_ROOM | CHANGE_DONE_FEED; /* the digest says it */
		if ((rc = store_event_add(st, &e, NULL)) < 0)
			return rc;
	}
	return 0;
}

static void make_digest(const struct import_batch *b, const struct written *w, size_t n,
			const char *by, char *buf, size_t len)
{
	size_t by_rank[6] = { 0 }, i;
	long long first = w[0].id, last = w[0].id;

	for (i = 0; i < n; i++) {
		int rank = b->records[i].current.priority_rank;
		by_rank[rank >= 0 && rank <= PRIORITY_CRITICAL ? rank : 0]++;
		first = w[i].id < first ? w[i].id : first;
		last = w[i].id > last ? w[i].id : last;
	}
	announce_text_digest("imported", first, last, n, by_rank, by, buf, len);
}

static int by_id(const void *a, const void *b)
{
	const struct import_record *const *x = a, *const *y = b;

	if ((*x)->current.id != (*y)->current.id)
		return (*x)->current.id < (*y)->current.id ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/* The ids the file gives twice (sorted: a 10,000-threat file is quick). */
static int check_duplicates(struct import_batch *b)
{
	struct import_record **sorted = malloc((b->count ? b->count : 1) * sizeof *sorted);
	char tid[32];
	size_t i;

	if (!sorted)
		return -1;
	for (i = 0; i < b->count; i++)
		sorted[i] = &b->records[i];
	qsort(sorted, b->count, sizeof *sorted, by_id);
	for (i = 1; i < b->count; i++) {
		if (!sorted[i]->current.id || sorted[i]->current.id != sorted[i - 1]->current.id)
			continue;
		threat_id_format(sorted[i]->current.id, tid, sizeof tid);
		batch_reject(b, sorted[i]->path, "%s is also %s", tid, sorted[i - 1]->path);
	}
	free(sorted);
	return 0;
}

struct comment_ref {
	long long id;
	size_t record, index;
};

static int by_comment_id(const void *a, const void *b)
{
	const struct comment_ref *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->record != y->record ? (x->record < y->record ? -1 : 1) :
					(x->index > y->index) - (x->index < y->index);
}

/* The comment numbers the file gives twice: a number is the register's
 * (#n over every threat), so two threats may not share one. */
static int check_comment_duplicates(struct import_batch *b)
{
	struct comment_ref *refs;
	char at[RECORD_PATH_BYTES + 40];
	size_t n = 0, i, j;

	for (i = 0; i < b->count; i++)
		n += b->records[i].ncomments;
	if (!(refs = malloc((n ? n : 1) * sizeof *refs)))
		return -1;
	for (n = 0, i = 0; i < b->count; i++)
		for (j = 0; j < b->records[i].ncomments; j++)
			refs[n++] = (struct comment_ref){ b->records[i].comments[j].id, i, j };
	qsort(refs, n, sizeof *refs, by_comment_id);
	for (i = 1; i < n; i++) {
		if (!refs[i].id || refs[i].id != refs[i - 1].id)
			continue;
		text_format(at, sizeof at, "%s.comments[%zu]", b->records[refs[i].record].path,
			    refs[i].index);
		batch_reject(b, at, "comment #%lld is also %s.comments[%zu]", refs[i].id,
			     b->records[refs[i - 1].record].path, refs[i - 1].index);
	}
	free(refs);
	return 0;
}

/* Ids the register has already, reported with the file's other problems
 * (checked again in the transaction: the daemon may file meanwhile). */
static int check_taken(struct store *st, struct import_batch *b)
{
	char tid[32];
	size_t i;
	int exists;

	for (i = 0; i < b->count; i++) {
		if (!b->records[i].current.id)
			continue;
		if ((exists = store_threat_exists(st, b->records[i].current.id)) < 0)
			return exists;
		threat_id_format(b->records[i].current.id, tid, sizeof tid);
		if (exists)
			batch_reject(b, b->records[i].path,
				     "%s is in the register already (--replace overwrites it)", tid);
	}
	return 0;
}

int interchange_import(struct store *st, const char *path, const struct import_options *o,
		       struct import_result *res, char *err, size_t errlen)
{
	struct import_batch b = { .report = o->report };
	struct written *w = NULL;
	char who[1100];
	size_t i;
	int rc = -1;

	memset(res, 0, sizeof *res);
	text_format(who, sizeof who, "import:%s", o->by);
	if (import_read_file(o->from, path, &b, err, errlen) < 0)
		goto out;
	if (check_duplicates(&b) < 0 || check_comment_duplicates(&b) < 0) {
		text_format(err, errlen, "out of memory");
		goto out;
	}
	if (!o->replace && check_taken(st, &b) < 0)
		goto storage;
	if (b.problems)
		goto rejected;
	if (!b.count) {
		text_format(err, errlen, "%s holds no threat: nothing to import", path);
		goto out;
	}
	if (!(w = calloc(b.count, sizeof *w))) {
		text_format(err, errlen, "out of memory");
		goto out;
	}
	if (store_begin(st) < 0)
		goto storage;
	for (i = 0; i < b.count; i++) {
		if (write_record(st, &b, &b.records[i], o, who, &w[i]) < 0) {
			store_rollback(st);
			goto storage;
		}
	}
	if (b.problems) {
		store_rollback(st);
		goto rejected;
	}
	make_digest(&b, w, b.count, o->by, res->digest, sizeof res->digest);
	if (record_events(st, w, b.count, who, res->digest) < 0 || store_commit(st) < 0) {
		store_rollback(st);
		goto storage;
	}
	for (i = 0; i < b.count; i++)
		res->replaced += w[i].kind == CHANGE_EDITED;
	res->imported = b.count - res->replaced;
	rc = 0;
	goto out;
storage:
	text_format(err, errlen, "the register refused the import: %s; nothing was imported",
		    store_errmsg(st));
	goto out;
rejected:
	res->rejected = b.problems;
	text_format(err, errlen, "%zu problem%s in %s (listed above): nothing was imported",
		    b.problems, b.problems == 1 ? "" : "s", path);
out:
	free(w);
	batch_free(&b);
	return rc;
}
