/* SPDX-License-Identifier: MIT */
/* Text buffers, shortening and reply splitting: see text.h. */
#include "commands/text/text.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unistr.h>

#define ELLIPSIS_BYTES (sizeof TEXT_ELLIPSIS - 1)
#define REPLACEMENT 0xfffd

/* XML 1.0 §2.2: the characters a document may contain. */
static int xml_char(ucs4_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* Writes the code points of s[0..end) to dst + *out, invalid sequences
 * and characters XML cannot carry as U+FFFD. -1 when budget runs out. */
static int put_cluster(char *dst, size_t *out, size_t budget, const uint8_t *s, const uint8_t *end)
{
	ucs4_t c;
	int n, m;

	for (; s < end; s += n) {
		n = u8_mbtoucr(&c, s, (size_t)(end - s));
		if (n < 0) { /* -1 invalid: skip a byte; -2 incomplete: the rest */
			n = n == -2 ? (int)(end - s) : 1;
			c = REPLACEMENT;
		} else if (!xml_char(c)) {
			c = REPLACEMENT;
		}
		m = u8_uctomb((uint8_t *)dst + *out, c, (ptrdiff_t)(budget - *out));
		if (m < 0) /* -2: no room left for this character */
			return -1;
		*out += (size_t)m;
	}
	return 0;
}

/* The start of the cluster after the one at p. u8_grapheme_breaks() has
 * the whole of UAX #29 (flags, emoji ZWJ sequences); u8_grapheme_next()
 * looks at pairs only, and serves when there is no memory for the breaks. */
static const uint8_t *next_cluster(const uint8_t *start, const char *breaks, const uint8_t *p,
				   const uint8_t *end)
{
	const uint8_t *next;

	if (!breaks) {
		next = u8_grapheme_next(p, end);
		return next && next <= end ? next : end;
	}
	for (next = p + 1; next < end && !breaks[next - start]; next++)
		;
	return next;
}

/* Cluster by cluster: `fit` remembers the last cluster boundary where the
 * ellipsis still fits (in bytes and in cost), to cut there when s is too
 * long. One pass, whatever the limit: callers fitting text to a size need
 * no search over max_chars. */
static char *shorten(char *dst, size_t dstlen, const char *s, size_t max_chars,
		     size_t (*byte_cost)(unsigned char c, void *arg), void *arg, size_t max_cost)
{
	const uint8_t *start = (const uint8_t *)(s ? s : ""), *p = start, *next;
	size_t len = strlen((const char *)start), budget, out = 0, fit = 0, clusters = 0;
	size_t cost = 0, ellipsis_cost = 0, before, i;
	const uint8_t *end = start + len;
	char *breaks;

	if (!dstlen)
		return dst;
	budget = dstlen - 1;
	for (i = 0; byte_cost && i < ELLIPSIS_BYTES; i++)
		ellipsis_cost += byte_cost((unsigned char)TEXT_ELLIPSIS[i], arg);
	breaks = len ? malloc(len) : NULL;
	if (breaks)
		u8_grapheme_breaks(start, len, breaks);
	for (; p < end; p = next) {
		next = next_cluster(start, breaks, p, end);
		if (max_chars && clusters == max_chars)
			goto cut;
		clusters++;
		if (out + ELLIPSIS_BYTES <= budget && cost + ellipsis_cost <= max_cost)
			fit = out;
		before = out;
		if (put_cluster(dst, &out, budget, p, next) < 0)
			goto cut;
		for (i = before; byte_cost && i < out; i++)
			cost += byte_cost((unsigned char)dst[i], arg);
		if (cost > max_cost)
			goto cut;
	}
	dst[out] = '\0';
	free(breaks);
	return dst;
cut:
	/* the clusters before `fit` and the ellipsis, within all limits */
	if (fit + ELLIPSIS_BYTES <= budget && ellipsis_cost <= max_cost) {
		memcpy(dst + fit, TEXT_ELLIPSIS, ELLIPSIS_BYTES);
		fit += ELLIPSIS_BYTES;
	}
	dst[fit] = '\0';
	free(breaks);
	return dst;
}

char *text_shorten(char *dst, size_t dstlen, const char *s, size_t max_chars)
{
	return shorten(dst, dstlen, s, max_chars, NULL, NULL, 0);
}

char *text_shorten_cost(char *dst, size_t dstlen, const char *s,
			size_t (*byte_cost)(unsigned char c, void *arg), void *arg, size_t max_cost)
{
	return shorten(dst, dstlen, s, 0, byte_cost, arg, max_cost);
}

char *text_quote(char *dst, size_t dstlen, const char *s)
{
	return text_shorten(dst, dstlen, s, TEXT_QUOTE_CHARS);
}

char *text_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	va_list again;
	char *full;
	int n;

	if (!len)
		return buf;
	va_copy(again, ap);
	n = vsnprintf(buf, len, fmt, ap);
	if (n < 0) {
		buf[0] = '\0';
		goto out;
	}
	if ((size_t)n < len) {
		/* it fits; text from elsewhere (a path in sqlite's message) may
		 * still be invalid UTF-8: made valid like shortened text */
		if (u8_check((const uint8_t *)buf, (size_t)n) && (full = strdup(buf))) {
			text_shorten(buf, len, full, 0);
			free(full);
		}
		goto out;
	}
	/* too long: format it whole, then shorten between clusters */
	full = malloc((size_t)n + 1);
	if (full) {
		vsnprintf(full, (size_t)n + 1, fmt, again);
		text_shorten(buf, len, full, 0);
		free(full);
		goto out;
	}
	/* no memory: at least never end inside a UTF-8 sequence */
	n = (int)strlen(buf);
	while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0 && (unsigned char)buf[n - 1] >= 0xc0)
		n--;
	buf[n] = '\0';
out:
	va_end(again);
	return buf;
}

char *text_format(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vformat(buf, len, fmt, ap);
	va_end(ap);
	return buf;
}

void text_put_shortened(struct text *t, const char *s, size_t max_chars)
{
	size_t len = strlen(s ? s : "");
	/* each cluster kept takes at most its bytes in s, or 3 for U+FFFD */
	size_t cap = 3 * len + ELLIPSIS_BYTES + 1;
	char *buf = malloc(cap);

	if (!buf) {
		t->failed = 1;
		return;
	}
	text_put(t, text_shorten(buf, cap, s, max_chars));
	free(buf);
}

static int reserve(struct text *t, size_t more)
{
	size_t cap;
	char *grown;

	if (t->failed)
		return -1;
	if (t->len + more + 1 <= t->cap)
		return 0;
	cap = t->cap ? t->cap : 256;
	while (cap < t->len + more + 1)
		cap *= 2;
	grown = realloc(t->buf, cap);
	if (!grown) {
		t->failed = 1;
		return -1;
	}
	t->buf = grown;
	t->cap = cap;
	return 0;
}

void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(t, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void text_put(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (reserve(t, n) < 0)
		return;
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

char *text_take(struct text *t)
{
	char *out = NULL;

	if (!t->failed && reserve(t, 0) == 0) {
		out = t->buf;
		out[t->len] = '\0';
	} else {
		free(t->buf);
	}
	memset(t, 0, sizeof *t);
	return out;
}

void text_clear(struct text *t)
{
	free(t->buf);
	memset(t, 0, sizeof *t);
}

/* The last grapheme cluster boundary in text[start..end], or start. The
 * breaks are those of text from start on, with one character past end so
 * that a cluster running over end is seen whole. */
static size_t cluster_boundary(const char *text, size_t start, size_t end)
{
	const uint8_t *s = (const uint8_t *)text + start;
	size_t len = strlen(text + start), span = end - start, last;
	char *breaks;

	while (span < len && ((unsigned char)text[start + span] & 0xc0) == 0x80)
		span++; /* the rest of the character at end */
	if (span < len)
		span++;
	for (; span < len && ((unsigned char)text[start + span] & 0xc0) == 0x80;)
		span++;
	breaks = malloc(span ? span : 1);
	if (!breaks)
		return start;
	u8_grapheme_breaks(s, span, breaks);
	for (last = end - start; last > 0 && !breaks[last]; last--)
		;
	free(breaks);
	return start + last;
}

int text_split(const char *text, size_t max, size_t max_parts,
	       void (*send)(void *ctx, const char *part), void *ctx)
{
	size_t len = strlen(text), start = 0, parts = 0;
	char *part;

	if (max < 8)
		max = 8;
	while (start < len) {
		size_t end = start + max < len ? start + max : len, cut = end;
		if (parts++ == max_parts)
			return 1;
		if (end < len) {
			/* the last newline in range, else the last cluster boundary */
			while (cut > start && text[cut - 1] != '\n')
				cut--;
			if (cut == start)
				cut = cluster_boundary(text, start, end);
			if (cut == start) /* one cluster longer than max: its code points */
				for (cut = end; cut > start && ((unsigned char)text[cut] & 0xc0) == 0x80;)
					cut--;
		}
		part = strndup(text + start, cut - start);
		if (!part)
			return 1;
		/* a part ending in a newline does not need it */
		if (cut - start > 1 && part[cut - start - 1] == '\n')
			part[cut - start - 1] = '\0';
		send(ctx, part);
		free(part);
		start = cut;
	}
	return 0;
}
