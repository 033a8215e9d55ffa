/* SPDX-License-Identifier: MIT */
/* Listing rows as lines (commands/adhoc/rows.c): the formats PROTOCOL.md §5
 * gives, one line each, and the bounds that keep a page under the stanza
 * limit whatever the texts hold. */
#include <stdlib.h>
#include <string.h>

#include "commands/adhoc/rows.h"
#include "commands/register/validate.h"
#include "storage/threat.h"
#include "tests/unit/tap.h"

static void set_threat(struct threat *t, long long id, const char *priority, const char *name,
		       const char *status)
{
	threat_init(t);
	t->id = id;
	t->priority = priority ? strdup(priority) : NULL;
	threat_set(t, THREAT_NAME, name);
	threat_set(t, THREAT_STATUS, status);
}

static void test_threat_line(void)
{
	char line[ROWS_LINE_BUF], name[2048], want[1024];
	struct threat t;
	size_t i;

	set_threat(&t, 7, "high", "Dialback spoofing", "analyzed");
	is_str(rows_threat_line(line, sizeof line, &t), "T-7 [high] Dialback spoofing (analyzed)",
	       "a threat: id, [priority], name, (status)");
	threat_clear(&t);
	set_threat(&t, 8, NULL, "New", "identified");
	is_str(rows_threat_line(line, sizeof line, &t), "T-8 [unassessed] New (identified)",
	       "no priority yet reads unassessed");
	threat_clear(&t);
	/* 200 characters: shortened to 100, the ellipsis the 100th */
	for (i = 0; i < 200; i++)
		memcpy(name + 3 * i, "\xe2\x82\xac", 3); /* € */
	name[600] = '\0';
	set_threat(&t, 9, "low", name, "identified");
	memcpy(want, "T-9 [low] ", 10);
	memcpy(want + 10, name, 99 * 3);
	strcpy(want + 10 + 99 * 3, "\xe2\x80\xa6 (identified)");
	is_str(rows_threat_line(line, sizeof line, &t), want,
	       "a long name is shortened by characters, never inside one");
	threat_clear(&t);
	/* a name of 200 "&": 100 characters, each 5 bytes once escaped */
	memset(name, '&', 200);
	name[200] = '\0';
	set_threat(&t, 10, "low", name, "identified");
	rows_threat_line(line, sizeof line, &t);
	ok(xml_size(line, 0) <= ROWS_LINE_BYTES, "escaped, the line stays within %d bytes (%zu)",
	   ROWS_LINE_BYTES, xml_size(line, 0));
	threat_clear(&t);
	set_threat(&t, 11, "low", "two\nlines\tand a tab", "identified");
	is_str(rows_threat_line(line, sizeof line, &t), "T-11 [low] two lines and a tab (identified)",
	       "line breaks and tabs become spaces: one row, one line");
	threat_clear(&t);
}

static void test_revision_line(void)
{
	char line[ROWS_LINE_BUF], note[4096];
	struct threat_revision r;
	size_t i;

	memset(&r, 0, sizeof r);
	r.revision = 1;
	r.at = "2026-11-24T09:00:00Z";
	r.who = "alice@localhost";
	r.changed = "name abstract";
	is_str(rows_revision_line(line, sizeof line, &r), "r1 2026-11-24T09:00:00Z alice@localhost: filed",
	       "revision 1 says filed");
	r.revision = 3;
	r.at = "2026-11-24T10:00:00Z";
	r.who = "bob@localhost";
	r.changed = "likelihood damage";
	r.note = "seen\nin the wild";
	is_str(rows_revision_line(line, sizeof line, &r),
	       "r3 2026-11-24T10:00:00Z bob@localhost: likelihood, damage — seen in the wild",
	       "changed fields joined by commas, the note after a dash, on one line");
	r.changed = "";
	r.note = NULL;
	is_str(rows_revision_line(line, sizeof line, &r),
	       "r3 2026-11-24T10:00:00Z bob@localhost: no field changed", "nothing changed, no note");
	/* a 2,000-character note of "<": 200 characters kept */
	memset(note, '<', 2000);
	note[2000] = '\0';
	r.changed = "comment";
	r.note = note;
	rows_revision_line(line, sizeof line, &r);
	ok(strstr(line, "— <<<") && strlen(strstr(line, "— ") + strlen("— ")) == 199 + 3,
	   "a long note keeps 200 characters, the ellipsis last");
	/* a JID as long as one can be: the line still fits */
	for (i = 0; i < 3000; i++)
		note[i] = (char)('a' + i % 26);
	note[3000] = '\0';
	r.who = note;
	r.note = "&&&&";
	rows_revision_line(line, sizeof line, &r);
	ok(xml_size(line, 0) <= ROWS_LINE_BYTES && strncmp(line, "r3 ", 3) == 0,
	   "a huge who is cut to the line's %d bytes (%zu)", ROWS_LINE_BYTES, xml_size(line, 0));
	ok(!strchr(line, '\n'), "no line break in a line");
}

int main(void)
{
	test_threat_line();
	test_revision_line();
	return done_testing();
}
