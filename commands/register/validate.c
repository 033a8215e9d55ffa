/* SPDX-License-Identifier: MIT */
/* Validation: see validate.h. */
#include "commands/register/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/attack_tree.h"
#include "commands/text/text.h"

size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Decodes one UTF-8 sequence at s; returns its length or 0 when invalid
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp)
{
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, *cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000) || *cp > 0x10ffff ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

static void group_thousands(size_t n, char *buf, size_t len)
{
	if (n >= 1000)
		snprintf(buf, len, "%zu,%03zu", n / 1000, n % 1000);
	else
		snprintf(buf, len, "%zu", n);
}

/* Bytes an ASCII character adds once escaped in a stanza (xml_size below). */
static const unsigned char escape_extra[128] = {
	['&'] = 4, ['<'] = 3, ['>'] = 3, ['"'] = 5, ['\''] = 5,
};

/* One pass over a text: checks it as validate_text() says and, when
 * xml_bytes is not NULL, measures it as xml_size(value, multi_line) would. */
static int scan_text(const char *var, const char *value, size_t max_chars, int multi_line,
		     size_t *xml_bytes, char *msg, size_t msglen)
{
	const unsigned char *start = (const unsigned char *)(value ? value : ""), *p = start;
	size_t chars = 0, extra = 0, lines = 1, step;
	unsigned long cp;
	char got[32], limit[32];

	for (;; p += step) {
		if (*p >= 0x20 && *p < 0x7f) { /* most text: printable ASCII */
			extra += escape_extra[*p];
			chars++;
			step = 1;
			continue;
		}
		if (!*p)
			break;
		if (*p < 0x80)
			cp = *p, step = 1;
		else
			step = utf8_decode(p, &cp);
		if (!step) {
			text_format(msg, msglen, "%s: invalid UTF-8 at byte %zu", var,
				    (size_t)(p - start) + 1);
			return -1;
		}
		chars++;
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0)) {
			text_format(msg, msglen, "%s: control character U+%04lX at character %zu "
				    "(only line breaks and tabs are allowed)", var, cp, chars);
			return -1;
		}
		if (cp == '\n' && multi_line) {
			extra += 14;
			lines++;
		}
	}
	if (max_chars && chars > max_chars) {
		group_thousands(chars, got, sizeof got);
		group_thousands(max_chars, limit, sizeof limit);
		text_format(msg, msglen, "%s: %s characters, the limit is %s", var, got, limit);
		return -1;
	}
	if (multi_line && lines > TEMPLATE_MAX_LINES) {
		group_thousands(lines, got, sizeof got);
		group_thousands(TEMPLATE_MAX_LINES, limit, sizeof limit);
		text_format(msg, msglen, "%s: %s lines, the limit is %s", var, got, limit);
		return -1;
	}
	if (xml_bytes)
		*xml_bytes = (size_t)(p - start) + extra;
	return 0;
}

int validate_text(const char *var, const char *value, size_t max_chars, char *msg, size_t msglen)
{
	return scan_text(var, value, max_chars, 0, NULL, msg, msglen);
}

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return 0;
	return 1;
}

/* validate_field(), also giving the value's size once escaped (xml_size). */
static int check_field(const struct template_field *f, const char *value, size_t *xml_bytes,
		       char *msg, size_t msglen)
{
	const struct template_option *o;
	char options[128] = "";

	/* a blank value or a choice is short: measured apart; a text in its scan */
	if (blank(value) || f->kind == TEMPLATE_LIST_SINGLE)
		*xml_bytes = xml_size(value, f->kind == TEMPLATE_TEXT_MULTI);
	if (blank(value)) {
		if (f->required) {
			text_format(msg, msglen, "%s: required — %s", f->var, f->desc);
			return -1;
		}
		return 0;
	}
	if (f->kind == TEMPLATE_LIST_SINGLE) {
		for (o = f->options; o && o->value; o++) {
			if (strcmp(o->value, value) == 0)
				return 0;
			text_format(options + strlen(options), sizeof options - strlen(options), "%s%s",
				    o == f->options ? "" : ", ", o->value);
		}
		char quoted[TEXT_QUOTE_BYTES];
		text_format(msg, msglen, "%s: \"%s\" is not one of %s", f->var,
			    text_quote(quoted, sizeof quoted, value), options);
		return -1;
	}
	if (scan_text(f->var, value, f->max_chars, f->kind == TEMPLATE_TEXT_MULTI, xml_bytes, msg,
		      msglen) < 0)
		return -1;
	if (f->kind == TEMPLATE_TEXT_SINGLE && strchr(value, '\n')) {
		text_format(msg, msglen, "%s: must be a single line", f->var);
		return -1;
	}
	if (f->slot == THREAT_ATTACK_TREE) {
		struct attack_tree tree;
		char why[256];
		if (attack_tree_parse(value, &tree, why, sizeof why) < 0) {
			text_format(msg, msglen, "%s: %s", f->var, why);
			return -1;
		}
		attack_tree_free(&tree);
	}
	return 0;
}

int validate_field(const struct template_field *f, const char *value, char *msg, size_t msglen)
{
	size_t xml_bytes;

	return check_field(f, value, &xml_bytes, msg, msglen);
}

/* What one byte of a field's value takes in a form: escaped, and in a
 * text-multi each line break closes one <value/> and opens the next. */
size_t xml_byte_size(unsigned char c, void *multi_line)
{
	return c == '&' ? 5 : c == '<' || c == '>' ? 4 : c == '"' || c == '\'' ? 6 :
	       c == '\n' && *(const int *)multi_line ? 15 : 1;
}

size_t xml_size(const char *s, int multi_line)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += xml_byte_size((unsigned char)*s, &multi_line);
	return n;
}

/* The most characters of value whose encoding takes at most budget bytes;
 * NULL when out of memory. */
static char *shorten_to_bytes(const char *value, size_t budget, int multi_line)
{
	/* room for every byte to become U+FFFD (3 bytes) and the ellipsis:
	 * the cost, not the buffer, is what limits */
	size_t len = 3 * strlen(value) + sizeof TEXT_ELLIPSIS;
	char *buf = malloc(len);

	if (!buf)
		return NULL;
	text_shorten_cost(buf, len, value, xml_byte_size, &multi_line, budget);
	if (strcmp(buf, TEXT_ELLIPSIS) == 0)
		buf[0] = '\0'; /* nothing of it kept: empty, not a lone ellipsis */
	return buf;
}

int validate_fit_threat(struct threat *t, char *changed, size_t changedlen)
{
	size_t i, total = 0, used = 0;
	int n = 0;

	changed[0] = '\0';
	/* choices (likelihood, damage, status) are a few bytes: always kept */
	for (i = 0; i < template_field_count; i++)
		if (template_fields[i].slot != TEMPLATE_NOT_STORED &&
		    template_fields[i].kind == TEMPLATE_LIST_SINGLE)
			total += xml_size(t->field[template_fields[i].slot], 0);
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		char *fitted;
		size_t size;
		if (f->slot == TEMPLATE_NOT_STORED || f->kind == TEMPLATE_LIST_SINGLE)
			continue;
		value = t->field[f->slot] ? t->field[f->slot] : "";
		size = xml_size(value, f->kind == TEMPLATE_TEXT_MULTI);
		if (total + size <= THREAT_MAX_BYTES) {
			total += size;
			continue;
		}
		fitted = shorten_to_bytes(value, THREAT_MAX_BYTES - total, f->kind == TEMPLATE_TEXT_MULTI);
		if (!fitted || threat_set(t, (enum threat_field)f->slot, fitted) < 0) {
			free(fitted);
			return -1;
		}
		total += xml_size(fitted, f->kind == TEMPLATE_TEXT_MULTI);
		free(fitted);
		used = strlen(changed);
		text_format(changed + used, changedlen - used, "%s%s", n ? ", " : "", f->var);
		n++;
	}
	return n;
}

int validate_threat(const struct threat *t, const struct template_field **bad, char *msg,
		    size_t msglen)
{
	const struct template_field *largest = NULL;
	size_t i, total = 0, most = 0;

	*bad = NULL;
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		size_t size;
		if (f->slot == TEMPLATE_NOT_STORED)
			continue;
		if (check_field(f, t->field[f->slot], &size, msg, msglen) < 0) {
			*bad = f;
			return -1;
		}
		total += size;
		if (size > most)
			most = size, largest = f;
	}
	/* Each field within its limit can still add up, in 4-byte characters or
	 * escaped markup, to more than a stanza may carry (PROTOCOL.md §3: none
	 * over 128 KiB); the whole threat is held to THREAT_MAX_BYTES. */
	if (total > THREAT_MAX_BYTES) {
		*bad = largest;
		text_format(msg, msglen, "%s: the threat as a whole is too large once encoded "
			    "(%zu KiB of at most %d KiB); shorten this or another long field",
			    largest->var, (total + 1023) / 1024, THREAT_MAX_BYTES / 1024);
		return -1;
	}
	return 0;
}
