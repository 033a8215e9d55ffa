/* SPDX-License-Identifier: MIT */
/* Listing rows as lines of text: see rows.h. */
#include "commands/adhoc/rows.h"

#include <stdlib.h>

#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "commands/text/text.h"

/* Puts t's text into buf as one line: line breaks, tabs and other control
 * characters become spaces, and the whole stays within ROWS_LINE_BYTES
 * once escaped (text_shorten_cost, which also cuts between characters). */
static char *one_line(char *buf, size_t len, struct text *t)
{
	char *all = text_take(t), *p;
	int single = 0;

	if (!all) {
		text_shorten(buf, len, "(out of memory)", 0);
		return buf;
	}
	for (p = all; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	text_shorten_cost(buf, len, all, xml_byte_size, &single, ROWS_LINE_BYTES);
	free(all);
	return buf;
}

char *rows_threat_line(char *buf, size_t len, const struct threat *t)
{
	char tid[32], name[ROWS_LINE_BUF];
	struct text line = { 0 };

	threat_id_format(t->id, tid, sizeof tid);
	text_add(&line, "%s [%s] %s (%s)", tid, t->priority && *t->priority ? t->priority : "unassessed",
		 text_shorten(name, sizeof name, threat_get(t, THREAT_NAME), ROWS_NAME_CHARS),
		 threat_get(t, THREAT_STATUS));
	return one_line(buf, len, &line);
}

char *rows_revision_line(char *buf, size_t len, const struct threat_revision *r)
{
	const char *changed = r->changed ? r->changed : "", *c;
	char note[ROWS_LINE_BUF];
	struct text line = { 0 };

	text_add(&line, "r%lld %s %s: ", r->revision, r->at ? r->at : "", r->who ? r->who : "");
	if (r->revision == 1)
		text_put(&line, "filed");
	else if (!*changed)
		text_put(&line, "no field changed");
	for (c = changed; r->revision != 1 && *c; c++) /* "likelihood damage" */
		if (*c == ' ')
			text_put(&line, ", ");
		else
			text_add(&line, "%c", *c);
	if (r->note && *r->note)
		text_add(&line, " — %s", text_shorten(note, sizeof note, r->note, ROWS_NOTE_CHARS));
	return one_line(buf, len, &line);
}
