/* A growing text buffer for chat replies. Allocation failures are sticky:
 * text_take() then returns NULL. */
#ifndef VIGIL_TEXT_H
#define VIGIL_TEXT_H

#include <stddef.h>

struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_put(struct text *t, const char *s);
/* The text (caller frees), or NULL after an allocation failure. */
char *text_take(struct text *t);
void text_clear(struct text *t);

/* Calls send(ctx, part) for parts of at most max bytes, cut at line
 * boundaries where possible and never inside a UTF-8 sequence. */
void text_split(const char *text, size_t max, void (*send)(void *ctx, const char *part), void *ctx);

#endif
