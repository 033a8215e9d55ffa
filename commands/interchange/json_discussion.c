/* SPDX-License-Identifier: MIT */
/* A threat's discussion in vigil's JSON document (its assessments
 * and comments, data/register.schema.json): written with every stored
 * field in a fixed order (assessments by time then assessor, as the
 * register lists them; comments by their #n), and read back with the rules
 * the forms and ops apply (levels among the template's options, texts of at
 * most 2,000 characters, who a bare JID), each problem at its JSON path. */
#include "commands/interchange/json_doc.h"
#include "commands/interchange/records.h"

#include <stdlib.h>
#include <string.h>

#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "commands/text/text.h"
#include "config/config.h"
#include "storage/store.h"

#define MAX_STANZA_ID_CHARS 1023 /* XEP-0359 sets none; a JID part's 1023 */
#define IMPORT_PREFIX "import:"
#define MAX_JID_CHARS 3071 /* RFC 7622 §3.1: a JID's three parts, 1023 bytes each */

static const char *const assessment_keys[] = { "who", "at", "likelihood", "damage",
					       "rationale", NULL };
static const char *const comment_keys[] = { "id", "revision", "who", "at", "text", "stanza-id",
					    "deleted-by", "deleted-at", NULL };

/* Adds key: s, or key: null for NULL. */
static int put_text_or_null(json_t *o, const char *key, const char *s)
{
	json_t *v = s ? json_string(s) : json_null();

	return v ? json_object_set_new(o, key, v) : -1;
}

static json_t *assessment_object(const struct stored_assessment *a)
{
	json_t *o = json_object();

	if (!o || put_text_or_null(o, "who", a->assessor) < 0 || put_text_or_null(o, "at", a->at) < 0 ||
	    put_text_or_null(o, "likelihood", a->likelihood ? a->likelihood : "") < 0 ||
	    put_text_or_null(o, "damage", a->damage ? a->damage : "") < 0 ||
	    put_text_or_null(o, "rationale", a->rationale) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *comment_object(const struct stored_comment *c)
{
	json_t *o = json_object();

	if (!o || json_object_set_new(o, "id", json_integer(c->id)) < 0 ||
	    json_object_set_new(o, "revision", json_integer(c->revision)) < 0 ||
	    put_text_or_null(o, "who", c->who) < 0 || put_text_or_null(o, "at", c->at) < 0 ||
	    put_text_or_null(o, "text", c->body) < 0 ||
	    put_text_or_null(o, "stanza-id", c->stanza_id) < 0 ||
	    put_text_or_null(o, "deleted-by", c->deleted_by) < 0 ||
	    put_text_or_null(o, "deleted-at", c->deleted_at) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int json_write_discussion(struct store *st, long long id, json_t *threat, char *err,
			  size_t errlen)
{
	struct stored_assessment *as = NULL;
	struct stored_comment *cs = NULL;
	size_t na = 0, nc = 0, i;
	json_t *assessments = json_array(), *comments = json_array();
	int rc = -1;

	if (json_object_set_new(threat, "assessments", assessments) < 0 ||
	    json_object_set_new(threat, "comments", comments) < 0) {
		text_format(err, errlen, "out of memory writing T-%lld", id);
		return -1;
	}
	if (store_assessment_list(st, id, &as, &na) < 0 ||
	    store_comment_list(st, id, 0, &cs, &nc, NULL) < 0) {
		text_format(err, errlen, "reading T-%lld's discussion: %s", id, store_errmsg(st));
		goto out;
	}
	for (i = 0; i < na; i++)
		if (json_array_append_new(assessments, assessment_object(&as[i])) < 0)
			goto nomem;
	for (i = 0; i < nc; i++)
		if (json_array_append_new(comments, comment_object(&cs[i])) < 0)
			goto nomem;
	rc = 0;
	goto out;
nomem:
	text_format(err, errlen, "out of memory writing T-%lld", id);
out:
	store_assessments_free(as, na);
	store_comments_free(cs, nc);
	return rc;
}

/* Who assessed or commented: a bare JID, or "import:<user>" (an assessment
 * that the schema's migration 3 -> 4 carried over from an imported threat
 * names the importer). */
static int plausible_who(const char *s)
{
	const char *p;

	if (strncmp(s, IMPORT_PREFIX, strlen(IMPORT_PREFIX)) != 0)
		return config_jid_plausible(s);
	s += strlen(IMPORT_PREFIX);
	if (!*s || strlen(s) > 1023)
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ')
			return 0;
	return 1;
}

/* o[key], required, a plausible who: a copy into *dst, or *bad set. */
static int who_member(struct import_batch *b, const char *path, json_t *o, const char *key,
		      int required, char **dst, int *bad)
{
	char quoted[TEXT_QUOTE_BYTES];
	const char *s = json_text_member(b, path, o, key, required, MAX_JID_CHARS, bad);

	if (!s)
		return 0;
	if (!plausible_who(s)) {
		batch_reject(b, path, "%s: \"%s\" is not a bare JID like alice@example.org", key,
			     text_quote(quoted, sizeof quoted, s));
		*bad = 1;
		return 0;
	}
	return (*dst = strdup(s)) ? 0 : -1;
}

static int copy_or_null(char **dst, const char *s)
{
	return !s || (*dst = strdup(s)) ? 0 : -1;
}

/* likelihood or damage as the forms take them ("unassessed" kept as ""). */
static int level_member(struct import_batch *b, const char *path, json_t *o,
			enum threat_field slot, char **dst, int *bad)
{
	const struct template_field *f = template_by_slot(slot);
	const char *s = json_text_member(b, path, o, f->var, 1, 0, bad);
	char msg[1024];

	if (!s)
		return 0;
	s = template_stored_value(f, s);
	if (validate_field(f, s, msg, sizeof msg) < 0) {
		batch_reject(b, path, "%s", msg);
		*bad = 1;
		return 0;
	}
	return copy_or_null(dst, s);
}

static int read_assessment(struct import_batch *b, const char *path, json_t *o,
			   struct stored_assessment *a, int *bad)
{
	if (!json_is_object(o)) {
		batch_reject(b, path, "an assessment is an object");
		*bad = 1;
		return 0;
	}
	*bad |= json_unknown_keys(b, path, o, assessment_keys) < 0;
	if (who_member(b, path, o, "who", 1, &a->assessor, bad) < 0 ||
	    copy_or_null(&a->at, json_time_member(b, path, o, "at", 1, bad)) < 0 ||
	    level_member(b, path, o, THREAT_LIKELIHOOD, &a->likelihood, bad) < 0 ||
	    level_member(b, path, o, THREAT_DAMAGE, &a->damage, bad) < 0 ||
	    copy_or_null(&a->rationale, json_text_member(b, path, o, "rationale", 0,
							 OP_NOTE_MAX_CHARS, bad)) < 0)
		return -1;
	return 0;
}

/* An integer member from 1 to max, or *bad set. */
static long long count_member(struct import_batch *b, const char *path, json_t *o,
			      const char *key, long long max, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > max) {
		batch_reject(b, path, "\"%s\" must be a whole number from 1 to %lld", key, max);
		*bad = 1;
		return 0;
	}
	return json_integer_value(v);
}

/* The text, or its deletion mark in its place (the text gone). */
static int read_comment_text(struct import_batch *b, const char *path, json_t *o,
			     struct stored_comment *c, int *bad)
{
	const char *text = json_text_member(b, path, o, "text", 0, OP_NOTE_MAX_CHARS, bad);
	json_t *v = json_object_get(o, "text");

	if (who_member(b, path, o, "deleted-by", 0, &c->deleted_by, bad) < 0 ||
	    copy_or_null(&c->deleted_at, json_time_member(b, path, o, "deleted-at", 0, bad)) < 0)
		return -1;
	if (!c->deleted_by != !c->deleted_at && !*bad) {
		batch_reject(b, path, "a deleted comment has both \"deleted-by\" and \"deleted-at\"");
		*bad = 1;
	}
	if (c->deleted_by && v && !json_is_null(v)) {
		batch_reject(b, path, "\"text\" must be null: the comment is deleted");
		*bad = 1;
	} else if (!c->deleted_by && !c->deleted_at && (!v || json_is_null(v))) {
		batch_reject(b, path, "\"text\" is missing (null only when deleted)");
		*bad = 1;
	} else if (text && !text[strspn(text, " \t\n")]) {
		batch_reject(b, path, "\"text\" is blank");
		*bad = 1;
	}
	return !c->deleted_by && text ? copy_or_null(&c->body, text) : 0;
}

static int read_comment(struct import_batch *b, const char *path, json_t *o,
			const struct import_record *r, struct stored_comment *c, int *bad)
{
	long long revisions = r->nrevs ? (long long)r->nrevs : IMPORT_MAX_REVISIONS;

	if (!json_is_object(o)) {
		batch_reject(b, path, "a comment is an object");
		*bad = 1;
		return 0;
	}
	*bad |= json_unknown_keys(b, path, o, comment_keys) < 0;
	c->id = count_member(b, path, o, "id", IMPORT_MAX_ID, bad);
	c->revision = count_member(b, path, o, "revision", revisions, bad);
	if (who_member(b, path, o, "who", 1, &c->who, bad) < 0 ||
	    copy_or_null(&c->at, json_time_member(b, path, o, "at", 1, bad)) < 0 ||
	    copy_or_null(&c->stanza_id, json_text_member(b, path, o, "stanza-id", 0,
							 MAX_STANZA_ID_CHARS, bad)) < 0 ||
	    read_comment_text(b, path, o, c, bad) < 0)
		return -1;
	return 0;
}

/* o[key]: absent (none), or an array of at most IMPORT_MAX_REVISIONS
 * (each one is a revision of the threat); NULL when absent or bad. */
static json_t *list_member(struct import_batch *b, const char *path, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v && (!json_is_array(v) || json_array_size(v) > IMPORT_MAX_REVISIONS)) {
		batch_reject(b, path, "\"%s\" must be an array of at most %d", key,
			     IMPORT_MAX_REVISIONS);
		return NULL;
	}
	return v && json_array_size(v) ? v : NULL;
}

static int read_assessments(struct import_batch *b, const char *path, json_t *o,
			    struct import_record *r)
{
	json_t *list = list_member(b, path, o, "assessments");
	char at[RECORD_PATH_BYTES + 40];
	size_t i, j, n = list ? json_array_size(list) : 0;
	int bad;

	if (!n)
		return 0;
	if (!(r->assessments = calloc(n, sizeof *r->assessments)))
		return -1;
	r->nassessments = n;
	for (i = 0; i < n; i++) {
		struct stored_assessment *a = &r->assessments[i];
		text_format(at, sizeof at, "%s.assessments[%zu]", path, i);
		bad = 0;
		if (read_assessment(b, at, json_array_get(list, i), a, &bad) < 0)
			return -1;
		for (j = 0; !bad && a->assessor && j < i; j++)
			if (r->assessments[j].assessor && !strcmp(r->assessments[j].assessor, a->assessor)) {
				batch_reject(b, at, "%s assessed it already, at [%zu]: one "
					     "assessment per assessor", a->assessor, j);
				break;
			}
	}
	return 0;
}

static int read_comments(struct import_batch *b, const char *path, json_t *o,
			 struct import_record *r)
{
	json_t *list = list_member(b, path, o, "comments");
	char at[RECORD_PATH_BYTES + 40];
	size_t i, n = list ? json_array_size(list) : 0;
	int bad;

	if (!n)
		return 0;
	if (!(r->comments = calloc(n, sizeof *r->comments)))
		return -1;
	r->ncomments = n;
	for (i = 0; i < n; i++) {
		text_format(at, sizeof at, "%s.comments[%zu]", path, i);
		bad = 0;
		if (read_comment(b, at, json_array_get(list, i), r, &r->comments[i], &bad) < 0)
			return -1;
	}
	return 0;
}

int json_read_discussion(struct import_batch *b, const char *path, json_t *o,
			 struct import_record *r)
{
	return read_assessments(b, path, o, r) < 0 || read_comments(b, path, o, r) < 0 ? -1 : 0;
}
