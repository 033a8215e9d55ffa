/* SPDX-License-Identifier: MIT */
/* Text for people: a growing buffer for chat replies (allocation failures
 * are sticky: text_take() then returns NULL), and the one place where text
 * is shortened. Everything that quotes or shortens text goes through
 * text_shorten() or text_format(), which cut only between grapheme clusters
 * (what a reader sees as one character, UAX #29, with libunistring), never
 * inside a UTF-8 sequence: a stanza with half a character is not well-formed
 * XML and the server drops vigil's whole stream for it. */
#ifndef VIGIL_TEXT_H
#define VIGIL_TEXT_H

#include <stdarg.h>
#include <stddef.h>

struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

/* The ellipsis that ends shortened text. */
#define TEXT_ELLIPSIS "\u2026"

/* Copies s into dst (dstlen bytes, always terminated) keeping at most
 * max_chars grapheme clusters and dstlen - 1 bytes; when s does not fit, it
 * is cut between clusters and ends with TEXT_ELLIPSIS. Invalid UTF-8 and
 * characters XML cannot carry become U+FFFD, so the result is always safe
 * to put in a stanza. Returns dst. */
char *text_shorten(char *dst, size_t dstlen, const char *s, size_t max_chars);

/* text_shorten() to a cost instead of a count of characters: the sum of
 * byte_cost(c, arg) over the bytes written, the ellipsis's included, stays
 * within max_cost (e.g. the size of the text once escaped for XML). */
char *text_shorten_cost(char *dst, size_t dstlen, const char *s,
			size_t (*byte_cost)(unsigned char c, void *arg), void *arg, size_t max_cost);

/* How much of a person's text an error message quotes. */
#define TEXT_QUOTE_CHARS 40
#define TEXT_QUOTE_BYTES 256

/* text_shorten() to TEXT_QUOTE_CHARS: for quoting what someone sent. */
char *text_quote(char *dst, size_t dstlen, const char *s);

/* snprintf() that never cuts inside a character: when the result does not
 * fit in len bytes it is shortened with text_shorten(). Returns buf. */
char *text_format(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* text_format() with a va_list. */
char *text_vformat(char *buf, size_t len, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/* Appends s to t, shortened to max_chars clusters (text_shorten()). */
void text_put_shortened(struct text *t, const char *s, size_t max_chars);

void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_put(struct text *t, const char *s);
/* The text (caller frees), or NULL after an allocation failure. */
char *text_take(struct text *t);
void text_clear(struct text *t);

/* Calls send(ctx, part) for at most max_parts parts of at most max bytes,
 * cut at line boundaries where possible and otherwise between grapheme
 * clusters. Returns 1 when text was left over after max_parts, else 0. */
int text_split(const char *text, size_t max, size_t max_parts,
	       void (*send)(void *ctx, const char *part), void *ctx);

#endif
