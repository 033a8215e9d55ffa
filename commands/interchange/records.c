/* SPDX-License-Identifier: MIT */
/* An import's records and their checks: see records.h. */
#include "commands/interchange/records.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "commands/text/text.h"

void batch_reject(struct import_batch *b, const char *path, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;

	va_start(ap, fmt);
	text_vformat(reason, sizeof reason, fmt, ap);
	va_end(ap);
	b->problems++;
	if (b->report)
		fprintf(b->report, "%s: %s\n", path, reason);
}

struct import_record *batch_add(struct import_batch *b, const char *path)
{
	struct import_record *r;

	if (b->count == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct import_record *grown = realloc(b->records, cap * sizeof *grown);
		if (!grown)
			return NULL;
		b->records = grown;
		b->cap = cap;
	}
	r = &b->records[b->count++];
	memset(r, 0, sizeof *r);
	threat_init(&r->current);
	text_format(r->path, sizeof r->path, "%s", path);
	return r;
}

void batch_free(struct import_batch *b)
{
	size_t i, j;

	for (i = 0; i < b->count; i++) {
		threat_clear(&b->records[i].current);
		for (j = 0; j < b->records[i].nrevs; j++)
			threat_revision_clear(&b->records[i].revs[j]);
		free(b->records[i].revs);
		store_assessments_free(b->records[i].assessments, b->records[i].nassessments);
		store_comments_free(b->records[i].comments, b->records[i].ncomments);
	}
	free(b->records);
	b->records = NULL;
	b->count = b->cap = 0;
}

/* "var: problem" from the forms' rules, reported at the field's own path. */
static void report_field(struct import_batch *b, const char *path, const struct template_field *f,
			 const char *msg)
{
	char at[RECORD_PATH_BYTES + 64];
	const char *rest = strstr(msg, ": ");

	text_format(at, sizeof at, "%s.fields.%s", path, f ? f->var : "");
	batch_reject(b, at, "%s", rest && f ? rest + 2 : msg);
}

int record_check_state(struct import_batch *b, const char *path, struct threat *t,
		       const char *given_priority)
{
	const struct template_field *bad;
	char msg[1024];
	size_t i;
	int slot, rank, failed = 0;

	/* a form's "unassessed" is stored as empty (template_stored_value) */
	for (slot = THREAT_LIKELIHOOD; slot <= THREAT_DAMAGE; slot++) {
		const struct template_field *f = template_by_slot((enum threat_field)slot);
		const char *stored = template_stored_value(f, threat_get(t, slot));
		if (stored != threat_get(t, slot) && threat_set(t, slot, stored) < 0)
			return -1;
	}
	/* every field, each problem at its own path; then the whole (its size) */
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		if (f->slot == TEMPLATE_NOT_STORED ||
		    validate_field(f, t->field[f->slot], msg, sizeof msg) == 0)
			continue;
		report_field(b, path, f, msg);
		failed = 1;
	}
	if (!failed && validate_threat(t, &bad, msg, sizeof msg) < 0) {
		report_field(b, path, bad, msg);
		failed = 1;
	}
	if (failed)
		return -1;
	rank = priority_rank(threat_get(t, THREAT_LIKELIHOOD), threat_get(t, THREAT_DAMAGE));
	if (given_priority && strcmp(given_priority, priority_name(rank)) != 0) {
		char quoted[TEXT_QUOTE_BYTES];
		batch_reject(b, path, "priority: \"%s\" is not what likelihood and damage give (%s)",
			     text_quote(quoted, sizeof quoted, given_priority), priority_name(rank));
		return -1;
	}
	free(t->priority);
	if (!(t->priority = strdup(priority_name(rank))))
		return -1;
	t->priority_rank = rank;
	return 0;
}

int record_is_timestamp(const char *s)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	if (!s || strlen(s) != sizeof pattern - 1)
		return 0;
	for (i = 0; pattern[i]; i++) {
		if (pattern[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pattern[i])
			return 0;
	}
	return 1;
}
