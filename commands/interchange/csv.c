/* SPDX-License-Identifier: MIT */
/* The open threats as CSV for spreadsheets (RFC 4180): a header, then one
 * row per threat not retired, by id: id, name, priority, likelihood,
 * damage, status, updated, author; CRLF line ends, a field quoted when it
 * holds a comma, a quote or a line break, its quotes doubled. */
#include "commands/interchange/csv.h"

#include <stdlib.h>
#include <string.h>

#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "storage/store.h"

void csv_field(FILE *out, const char *s, int last)
{
	const char *p;

	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (p = s; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void row(FILE *out, const struct threat *t)
{
	const struct template_field *likelihood = template_by_slot(THREAT_LIKELIHOOD);
	const struct template_field *damage = template_by_slot(THREAT_DAMAGE);
	char tid[32];

	threat_id_format(t->id, tid, sizeof tid);
	csv_field(out, tid, 0);
	csv_field(out, threat_get(t, THREAT_NAME), 0);
	csv_field(out, t->priority, 0);
	csv_field(out, template_shown_value(likelihood, threat_get(t, THREAT_LIKELIHOOD)), 0);
	csv_field(out, template_shown_value(damage, threat_get(t, THREAT_DAMAGE)), 0);
	csv_field(out, threat_get(t, THREAT_STATUS), 0);
	csv_field(out, t->updated, 0);
	csv_field(out, t->author, 1);
}

int csv_write_register(struct store *st, FILE *out, char *err, size_t errlen)
{
	long long *ids = NULL;
	size_t count = 0, i;
	int rc = 0;

	if (store_threat_ids(st, &ids, &count) < 0) {
		text_format(err, errlen, "%s", store_errmsg(st));
		return -1;
	}
	fputs("id,name,priority,likelihood,damage,status,updated,author\r\n", out);
	for (i = 0; i < count && rc == 0; i++) {
		struct threat t;
		threat_init(&t);
		if (store_threat_get(st, ids[i], &t) < 0) {
			text_format(err, errlen, "%s", store_errmsg(st));
			rc = -1;
		} else if (strcmp(threat_get(&t, THREAT_STATUS), "retired") != 0) {
			row(out, &t);
		}
		threat_clear(&t);
	}
	free(ids);
	if (rc == 0 && ferror(out)) {
		text_format(err, errlen, "could not write the CSV");
		rc = -1;
	}
	return rc;
}
