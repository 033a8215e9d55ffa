/* SPDX-License-Identifier: MIT */
/* The template's rules (PROTOCOL.md §3): required fields, lengths in code
 * points, allowed options, UTF-8 without control characters, and a
 * well-formed attack tree. Messages name the field and the problem. */
#ifndef VIGIL_VALIDATE_H
#define VIGIL_VALIDATE_H

#include <stddef.h>

#include "commands/register/template.h"
#include "storage/threat.h"

/* Checks UTF-8, control characters (only \n and \t allowed) and length.
 * Returns 0, or -1 with "var: problem" in msg. */
int validate_text(const char *var, const char *value, size_t max_chars, char *msg, size_t msglen);

/* One template field's value (NULL or "" = empty). */
int validate_field(const struct template_field *f, const char *value, char *msg, size_t msglen);

/* The most a whole threat's text may take once UTF-8 encoded and
 * XML-escaped, so that no stanza carrying it exceeds 128 KiB. */
#define THREAT_MAX_BYTES (96 * 1024)

/* Every stored field of t, and the whole threat's encoded size; on failure
 * *bad names the field (for the size, the largest one). */
int validate_threat(const struct threat *t, const struct template_field **bad, char *msg,
		    size_t msglen);

/* A refused submission can be larger than a reply may carry (a client may
 * send up to the server's 256 KiB): keeps t's choices, and its texts whole
 * in template order while the whole stays within THREAT_MAX_BYTES; shortens
 * the first text that does not fit, and empties any after it, by characters. Writes
 * the vars it changed ("definition, gap") to changed. Returns how many
 * fields it changed, or -1 when out of memory. */
int validate_fit_threat(struct threat *t, char *changed, size_t changedlen);

/* Bytes of s once UTF-8 encoded and escaped in XML text or attributes. In
 * a text-multi field each line is a <value/> of its own (XEP-0004), so a
 * line break costs "</value><value>" (multi_line). */
size_t xml_size(const char *s, int multi_line);

/* What byte c adds to xml_size() (multi_line points to an int): the cost
 * text_shorten_cost() takes, to fit a text to its size in a stanza. */
size_t xml_byte_size(unsigned char c, void *multi_line);

/* Number of code points in valid UTF-8. */
size_t utf8_length(const char *s);

#endif
