/* SPDX-License-Identifier: MIT */
/* Listing rows as lines of text (PROTOCOL.md §5): `list`, `search` and
 * `history` carry their rows as the lines of one text-multi field, which
 * every client draws (multi-item forms hang Gajim 1.7 and show nothing in
 * poezio 0.14 or Psi+ 1.4). A line holds one row and nothing else, and is
 * bounded by construction, so a page of rows is too. */
#ifndef VIGIL_ROWS_H
#define VIGIL_ROWS_H

#include <stddef.h>

#include "component/xmpp/send_guard.h"
#include "storage/threat.h"

/* A threat's name in a line, in characters (grapheme clusters). */
#define ROWS_NAME_CHARS 100
/* A revision's note (a rationale, a reason, a comment) in a line. */
#define ROWS_NOTE_CHARS 200
/* A whole line once escaped in a stanza, in bytes: whatever a JID or a
 * name holds, the line is shortened to it. */
#define ROWS_LINE_BYTES 1024
/* A buffer that holds any line (a byte costs at least one once escaped). */
#define ROWS_LINE_BUF (ROWS_LINE_BYTES + 1)
/* The most rows a page holds (commands.list_page's maximum). */
#define ROWS_PAGE_MAX 100
/* The rest of a page's result: the envelope, title, FORM_TYPE, the note
 * and the field that repeats it. */
#define ROWS_PAGE_ENVELOPE (16 * 1024)

/* Each line is a <value/> of its own. */
_Static_assert(ROWS_PAGE_MAX * (ROWS_LINE_BYTES + sizeof "<value></value>") + ROWS_PAGE_ENVELOPE <=
		       SEND_GUARD_MAX_BYTES,
	       "a page of rows must stay under the stanza limit");

/* "T-7 [high] Dialback spoofing (analyzed)". Returns buf. */
char *rows_threat_line(char *buf, size_t len, const struct threat *t);

/* "r3 2026-11-24T10:00:00Z bob@localhost: likelihood, damage — note";
 * revision 1 says "filed", a revision without changed fields "no field
 * changed". Line breaks and tabs in the note become spaces. Returns buf. */
char *rows_revision_line(char *buf, size_t len, const struct threat_revision *r);

#endif
