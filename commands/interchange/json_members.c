/* SPDX-License-Identifier: MIT */
/* The members of vigil's JSON document as json_read.c and
 * json_discussion.c read them: unknown keys, texts and times, each problem
 * reported at its path (records.h). */
#include "commands/interchange/records.h"

#include <jansson.h>
#include <string.h>

#include "commands/register/validate.h"
#include "commands/text/text.h"

/* Reports every key of o that is not in known. */
int json_unknown_keys(struct import_batch *b, const char *path, json_t *o,
		      const char *const *known)
{
	const char *key, *const *k;
	char quoted[TEXT_QUOTE_BYTES];
	json_t *v;
	int bad = 0;

	json_object_foreach(o, key, v) {
		for (k = known; *k && strcmp(*k, key) != 0; k++)
			;
		if (!*k) {
			batch_reject(b, path, "unknown member \"%s\"", text_quote(quoted, sizeof quoted, key));
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* The text of o[key]: NULL and *bad set when it is there and not a string
 * or not valid text of at most max_chars; NULL when absent (reported when
 * required). A JSON null counts as absent. */
const char *json_text_member(struct import_batch *b, const char *path, json_t *o,
			     const char *key, int required, size_t max_chars, int *bad)
{
	json_t *v = json_object_get(o, key);
	char msg[1024];

	if (!v || json_is_null(v)) {
		if (required) {
			batch_reject(b, path, "\"%s\" is missing", key);
			*bad = 1;
		}
		return NULL;
	}
	if (!json_is_string(v)) {
		batch_reject(b, path, "\"%s\" is not a string", key);
		*bad = 1;
		return NULL;
	}
	if (max_chars && validate_text(key, json_string_value(v), max_chars, msg, sizeof msg) < 0) {
		batch_reject(b, path, "%s", msg);
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

const char *json_time_member(struct import_batch *b, const char *path, json_t *o,
			     const char *key, int required, int *bad)
{
	const char *s = json_text_member(b, path, o, key, required, 0, bad);

	if (s && !record_is_timestamp(s)) {
		batch_reject(b, path, "\"%s\" is not a UTC time like 2026-11-30T16:43:51Z", key);
		*bad = 1;
		return NULL;
	}
	return s;
}
