/* Text buffers and reply splitting: see text.h. */
#include "commands/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void text_split(const char *text, size_t max, void (*send)(void *ctx, const char *part), void *ctx)
{
	size_t len = strlen(text), start = 0;
	char *part;

	if (max < 8)
		max = 8;
	while (start < len) {
		size_t end = start + max < len ? start + max : len, cut = end;
		if (end < len) {
			/* the last newline in range, else the last UTF-8 boundary */
			while (cut > start && text[cut - 1] != '\n')
				cut--;
			if (cut == start) {
				cut = end;
				while (cut > start && ((unsigned char)text[cut] & 0xc0) == 0x80)
					cut--;
			}
		}
		part = strndup(text + start, cut - start);
		if (!part)
			return;
		/* a part ending in a newline does not need it */
		if (cut - start > 1 && part[cut - start - 1] == '\n')
			part[cut - start - 1] = '\0';
		send(ctx, part);
		free(part);
		start = cut;
	}
}
