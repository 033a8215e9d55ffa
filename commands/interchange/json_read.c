/* SPDX-License-Identifier: MIT */
/* Reading vigil's JSON document (data/register.schema.json) with jansson:
 * the file is refused as a whole when it is too large, not JSON or nested
 * too deep; otherwise every record is read, and every problem in it
 * reported with its JSON path, so one run lists them all. */
#include "commands/interchange/records.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands/interchange/interchange.h"
#include "commands/interchange/json_doc.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "commands/text/text.h"

#define MAX_JID_CHARS 3071     /* RFC 7622 §3.1: a JID's three parts, 1023 bytes each */
#define MAX_NOTE_CHARS 8000
#define MAX_CHANGED_CHARS 1024

static const char *const threat_keys[] = { "id", "revision", "created", "updated", "author",
					   "priority", "fields", "revisions", "assessments",
					   "comments", NULL };
static const char *const revision_keys[] = { "revision", "at", "who", "changed", "note",
					     "author", "priority", "fields", NULL };
static const char *const document_keys[] = { "$schema", "format", "version", "threats", NULL };

/* The template fields of "fields" into t; each var once, each a string. */
static int read_fields(struct import_batch *b, const char *path, json_t *o, struct threat *t)
{
	char at[RECORD_PATH_BYTES + 16], quoted[TEXT_QUOTE_BYTES];
	json_t *fields = json_object_get(o, "fields"), *v;
	const char *var;
	int bad = 0;

	text_format(at, sizeof at, "%s.fields", path);
	if (!json_is_object(fields)) {
		batch_reject(b, path, "\"fields\" is %s, not an object", fields ? "there" : "missing");
		return -1;
	}
	json_object_foreach(fields, var, v) {
		const struct template_field *f = template_find(var);
		if (!f || f->slot == TEMPLATE_NOT_STORED) {
			batch_reject(b, at, "\"%s\" is not a field of the template",
				     text_quote(quoted, sizeof quoted, var));
			bad = 1;
		} else if (!json_is_string(v)) {
			batch_reject(b, at, "%s: is not a string", var);
			bad = 1;
		} else if (threat_set(t, f->slot, json_string_value(v)) < 0) {
			return -1;
		}
	}
	return bad ? -1 : 0;
}

static int copy_text(char **dst, const char *s)
{
	if (!s)
		return 0;
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -1;
}

static int read_revision(struct import_batch *b, const char *path, json_t *o, long long expected,
			 long long id, struct threat_revision *r)
{
	const char *priority;
	json_t *n = json_object_get(o, "revision");
	int bad = 0;

	threat_init(&r->state);
	if (!json_is_object(o)) {
		batch_reject(b, path, "a revision is an object");
		return -1;
	}
	bad |= json_unknown_keys(b, path, o, revision_keys) < 0;
	if (!json_is_integer(n) || json_integer_value(n) != expected) {
		batch_reject(b, path, "\"revision\" must be %lld (revisions are numbered from 1, in order)",
			     expected);
		bad = 1;
	}
	r->revision = expected;
	r->state.id = id;
	r->state.revision = expected;
	if (copy_text(&r->at, json_time_member(b, path, o, "at", 1, &bad)) < 0 ||
	    copy_text(&r->who, json_text_member(b, path, o, "who", 1, MAX_JID_CHARS, &bad)) < 0 ||
	    copy_text(&r->changed, json_text_member(b, path, o, "changed", 1, MAX_CHANGED_CHARS, &bad)) < 0 ||
	    copy_text(&r->note, json_text_member(b, path, o, "note", 0, MAX_NOTE_CHARS, &bad)) < 0 ||
	    copy_text(&r->state.author, json_text_member(b, path, o, "author", 1, MAX_JID_CHARS, &bad)) < 0)
		return -1;
	priority = json_text_member(b, path, o, "priority", 1, 0, &bad);
	if (read_fields(b, path, o, &r->state) < 0)
		return -1;
	if (bad || record_check_state(b, path, &r->state, priority) < 0)
		return -1;
	return 0;
}

static int read_history(struct import_batch *b, const char *path, json_t *o,
			struct import_record *r, int *bad)
{
	json_t *revs = json_object_get(o, "revisions"), *n = json_object_get(o, "revision");
	char at[RECORD_PATH_BYTES + 32];
	size_t i, count;

	if (!revs)
		return 0;
	if (!json_is_array(revs) || !(count = json_array_size(revs)) || count > IMPORT_MAX_REVISIONS) {
		batch_reject(b, path, "\"revisions\" must be an array of 1 to %d revisions",
			     IMPORT_MAX_REVISIONS);
		*bad = 1;
		return 0;
	}
	if (!r->current.id) {
		batch_reject(b, path, "a threat with its revisions needs its \"id\"");
		*bad = 1;
	}
	if (!json_is_integer(n) || json_integer_value(n) != (json_int_t)count) {
		batch_reject(b, path, "\"revision\" must be the number of its revisions (%zu)", count);
		*bad = 1;
	}
	if (!r->current.created || !r->current.updated) {
		batch_reject(b, path, "a threat with its revisions needs \"created\" and \"updated\"");
		*bad = 1;
	}
	if (!(r->revs = calloc(count, sizeof *r->revs)))
		return -1;
	r->nrevs = count;
	r->current.revision = (long long)count;
	for (i = 0; i < count; i++) {
		text_format(at, sizeof at, "%s.revisions[%zu]", path, i);
		if (read_revision(b, at, json_array_get(revs, i), (long long)i + 1, r->current.id,
				  &r->revs[i]) < 0)
			*bad = 1;
	}
	return 0;
}

static int read_threat(struct import_batch *b, size_t index, json_t *o)
{
	char path[RECORD_PATH_BYTES], quoted[TEXT_QUOTE_BYTES];
	struct import_record *r;
	const char *id, *priority;
	int bad = 0;

	text_format(path, sizeof path, "$.threats[%zu]", index);
	if (!json_is_object(o)) {
		batch_reject(b, path, "a threat is an object");
		return 0;
	}
	if (!(r = batch_add(b, path)))
		return -1;
	bad |= json_unknown_keys(b, path, o, threat_keys) < 0;
	if ((id = json_text_member(b, path, o, "id", 0, 0, &bad)) &&
	    (threat_id_parse(id, &r->current.id) < 0 || r->current.id < 1 ||
	     r->current.id > IMPORT_MAX_ID || strncmp(id, "T-", 2) != 0)) {
		batch_reject(b, path, "\"id\" \"%s\" is not a threat id like T-7",
			     text_quote(quoted, sizeof quoted, id));
		r->current.id = 0;
		bad = 1;
	}
	r->has_author = json_object_get(o, "author") != NULL;
	if (copy_text(&r->current.author, json_text_member(b, path, o, "author", 0, MAX_JID_CHARS, &bad)) < 0 ||
	    copy_text(&r->current.created, json_time_member(b, path, o, "created", 0, &bad)) < 0 ||
	    copy_text(&r->current.updated, json_time_member(b, path, o, "updated", 0, &bad)) < 0)
		return -1;
	priority = json_text_member(b, path, o, "priority", 0, 0, &bad);
	if (read_fields(b, path, o, &r->current) < 0)
		bad = 1;
	else if (!json_object_get(o, "revisions") && !*threat_get(&r->current, THREAT_STATUS) &&
		 threat_set(&r->current, THREAT_STATUS, "identified") < 0)
		return -1; /* a new threat is identified, as a filing is */
	else if (record_check_state(b, path, &r->current, priority) < 0)
		bad = 1;
	if (read_history(b, path, o, r, &bad) < 0 || json_read_discussion(b, path, o, r) < 0)
		return -1;
	(void)bad; /* every problem is reported and counted in b */
	return 0;
}

int json_read_register(const char *path, json_t *doc, struct import_batch *b, char *err,
		       size_t errlen)
{
	json_t *threats, *v;
	size_t i;

	if (!json_is_object(doc)) {
		text_format(err, errlen, "%s: not a vigil register (a JSON object is expected)", path);
		return -1;
	}
	v = json_object_get(doc, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), JSON_DOC_FORMAT) != 0) {
		text_format(err, errlen, "%s: not a vigil register (\"format\" is not \"%s\")", path,
			    JSON_DOC_FORMAT);
		return -1;
	}
	v = json_object_get(doc, "version");
	if (!json_is_integer(v) || json_integer_value(v) != JSON_DOC_VERSION) {
		text_format(err, errlen, "%s: \"version\" must be %d (this vigil reads that one)", path,
			    JSON_DOC_VERSION);
		return -1;
	}
	threats = json_object_get(doc, "threats");
	if (!json_is_array(threats)) {
		text_format(err, errlen, "%s: \"threats\" is not an array", path);
		return -1;
	}
	if (json_array_size(threats) > IMPORT_MAX_THREATS) {
		text_format(err, errlen, "%s: %zu threats; an import takes at most %d (split the file)",
			    path, json_array_size(threats), IMPORT_MAX_THREATS);
		return -1;
	}
	json_unknown_keys(b, "$", doc, document_keys);
	json_array_foreach(threats, i, v)
		if (read_threat(b, i, v) < 0) {
			text_format(err, errlen, "%s: out of memory", path);
			return -1;
		}
	return 0;
}
