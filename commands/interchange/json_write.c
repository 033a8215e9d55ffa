/* SPDX-License-Identifier: MIT */
/* The register as vigil's JSON document (data/register.schema.json): every
 * threat by id, its current state, every revision and its discussion (the
 * assessments and comments: json_discussion.c), built with jansson and
 * written with its keys in a fixed order, so the same register always gives
 * the same bytes (an import then an export reproduces the file). */
#include "commands/interchange/interchange.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "commands/interchange/json_doc.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "storage/store.h"

/* Adds key: s ("" for NULL), or key: null when null_ok and s is NULL. */
static int put_text(json_t *o, const char *key, const char *s, int null_ok)
{
	json_t *v = (!s && null_ok) ? json_null() : json_string(s ? s : "");

	return v ? json_object_set_new(o, key, v) : -1;
}

/* The template's stored fields, by their var, in the template's order. */
static json_t *fields_object(const struct threat *t)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		if (f->slot == TEMPLATE_NOT_STORED)
			continue;
		if (put_text(o, f->var, threat_get(t, f->slot), 0) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static json_t *revision_object(const struct threat_revision *r)
{
	json_t *o = json_object();

	if (!o || json_object_set_new(o, "revision", json_integer(r->revision)) < 0 ||
	    put_text(o, "at", r->at, 0) < 0 || put_text(o, "who", r->who, 0) < 0 ||
	    put_text(o, "changed", r->changed, 0) < 0 || put_text(o, "note", r->note, 1) < 0 ||
	    put_text(o, "author", r->state.author, 0) < 0 ||
	    put_text(o, "priority", r->state.priority, 0) < 0 ||
	    json_object_set_new(o, "fields", fields_object(&r->state)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *threat_object(struct store *st, long long id, char *err, size_t errlen)
{
	struct threat_revision *revs = NULL;
	struct threat t;
	size_t count = 0, i;
	json_t *o = NULL, *history;
	char tid[32];
	int rc;

	threat_init(&t);
	threat_id_format(id, tid, sizeof tid);
	if ((rc = store_threat_get(st, id, &t)) < 0 ||
	    (rc = store_threat_history(st, id, &revs, &count)) < 0) {
		text_format(err, errlen, "reading %s: %s", tid, store_errmsg(st));
		goto out;
	}
	o = json_object();
	history = json_array();
	if (!o || !history || put_text(o, "id", tid, 0) < 0 ||
	    json_object_set_new(o, "revision", json_integer(t.revision)) < 0 ||
	    put_text(o, "created", t.created, 0) < 0 || put_text(o, "updated", t.updated, 0) < 0 ||
	    put_text(o, "author", t.author, 0) < 0 || put_text(o, "priority", t.priority, 0) < 0 ||
	    json_object_set_new(o, "fields", fields_object(&t)) < 0 ||
	    json_object_set_new(o, "revisions", history) < 0)
		goto nomem;
	for (i = 0; i < count; i++)
		if (json_array_append_new(history, revision_object(&revs[i])) < 0)
			goto nomem;
	if (json_write_discussion(st, id, o, err, errlen) < 0) {
		json_decref(o);
		o = NULL;
	}
	goto out;
nomem:
	json_decref(o);
	o = NULL;
	text_format(err, errlen, "out of memory writing %s", tid);
out:
	threat_clear(&t);
	store_revisions_free(revs, count);
	return o;
}

int json_write_register(struct store *st, FILE *out, char *err, size_t errlen)
{
	json_t *doc = json_object(), *threats;
	long long *ids = NULL;
	size_t count = 0, i;
	int rc = -1;

	/* the array goes in last: keys keep the order they were set in */
	if (!doc || json_object_set_new(doc, "format", json_string(JSON_DOC_FORMAT)) < 0 ||
	    json_object_set_new(doc, "version", json_integer(JSON_DOC_VERSION)) < 0 ||
	    json_object_set_new(doc, "threats", json_array()) < 0) {
		text_format(err, errlen, "out of memory");
		goto out;
	}
	threats = json_object_get(doc, "threats");
	if (store_threat_ids(st, &ids, &count) < 0) {
		text_format(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	for (i = 0; i < count; i++) {
		json_t *t = threat_object(st, ids[i], err, errlen);
		if (!t || json_array_append_new(threats, t) < 0)
			goto out;
	}
	if (json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', out) == EOF) {
		text_format(err, errlen, "could not write the document");
		goto out;
	}
	rc = 0;
out:
	free(ids);
	json_decref(doc);
	return rc;
}
