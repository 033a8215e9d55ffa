/* SPDX-License-Identifier: MIT */
/* Shortening text (commands/text/text.c): text_shorten() and text_format() cut only
 * between grapheme clusters, keep both limits (characters and bytes), and
 * always give valid UTF-8 that XML can carry — for 1-, 2-, 3- and 4-byte
 * characters and combining sequences, at every length around each limit. */
#include <stdlib.h>
#include <string.h>
#include <unigbrk.h>
#include <unistr.h>

#include "commands/text/text.h"
#include "tests/unit/tap.h"

/* One "character" of each kind: what a reader sees as one. */
static const struct {
	const char *name, *utf8;
} kinds[] = {
	{ "1-byte", "x" },
	{ "2-byte", "\xc3\xa9" },             /* é */
	{ "3-byte", "\xe2\x82\xac" },         /* € */
	{ "4-byte", "\xf0\x9f\x94\x92" },     /* 🔒 */
	{ "combining", "e\xcc\x81\xcc\xa3" }, /* e + acute + dot below: one cluster, 5 bytes */
	{ "mixed CJK", "\xe6\xbc\xa2" },      /* 漢 */
};
#define KINDS (sizeof kinds / sizeof kinds[0])

static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(s + len * i, unit, len);
	s[len * n] = '\0';
	return s;
}

static size_t clusters(const char *s)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
	size_t n = 0;

	while (p < end) {
		p = u8_grapheme_next(p, end);
		n++;
	}
	return n;
}

static int ends_with_ellipsis(const char *s)
{
	size_t n = strlen(s), e = strlen(TEXT_ELLIPSIS);
	return n >= e && strcmp(s + n - e, TEXT_ELLIPSIS) == 0;
}

/* Bytes of a shortened text before its ellipsis. */
static size_t kept(const char *s)
{
	return *s ? strlen(s) - strlen(TEXT_ELLIPSIS) : 0;
}

/* Every length around a character limit of 10 and a byte limit of 32. */
static void test_every_length(void)
{
	size_t k, len, limit, bad = 0, cases = 0;
	char out[64];

	for (k = 0; k < KINDS; k++) {
		for (len = 0; len <= 14; len++) {
			char *s = repeat(kinds[k].utf8, len);
			for (limit = 8; limit <= 12; limit++) {
				size_t dstlen;
				for (dstlen = 1; dstlen <= 40; dstlen++) {
					size_t unit = strlen(kinds[k].utf8);
					int fits = len <= limit && len * unit < dstlen;
					text_shorten(out, dstlen, s, limit);
					cases++;
					if (u8_check((const uint8_t *)out, strlen(out)) || strlen(out) >= dstlen ||
					    clusters(out) > limit ||
					    (fits && strcmp(out, s) != 0) ||
					    (!fits && *out && !ends_with_ellipsis(out)) ||
					    (!fits && (strncmp(out, s, kept(out)) != 0 || kept(out) % unit)) ||
					    (!fits && dstlen > 3 && strlen(out) + unit < dstlen &&
					     clusters(out) < limit)) {
						if (bad++ < 5)
							diag("%s x%zu, %zu chars, %zu bytes: \"%s\"", kinds[k].name,
							     len, limit, dstlen, out);
					}
				}
			}
			free(s);
		}
	}
	ok(bad == 0, "%zu cases of 1-4 byte and combining text: valid UTF-8, within both limits, "
	   "whole clusters, an ellipsis only when cut, as much kept as fits", cases);
}

/* A cost per byte like a form's: '&' 5, the rest 1. */
static size_t amp_cost(unsigned char c, void *arg)
{
	(void)arg;
	return c == '&' ? 5 : 1;
}

static size_t cost_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += amp_cost((unsigned char)*s, NULL);
	return n;
}

/* text_shorten_cost() at every cost around each text's: the most whole
 * clusters whose cost and the ellipsis's stay within the limit (found by
 * trying every prefix), the text whole when it fits. */
static void test_every_cost(void)
{
	size_t k, len, limit, bad = 0, cases = 0;
	char out[256];

	for (k = 0; k < KINDS; k++) {
		for (len = 0; len <= 12; len++) {
			/* the kind of character and an ampersand, in turn */
			char *unit = malloc(strlen(kinds[k].utf8) + 2), *s;
			strcpy(unit, kinds[k].utf8);
			strcat(unit, "&");
			s = repeat(unit, len);
			for (limit = 0; limit <= cost_of(s) + 4; limit++) {
				char want[256] = "";
				size_t n, step = strlen(unit);
				if (cost_of(s) <= limit) {
					strcpy(want, s);
				} else {
					/* the longest prefix of whole clusters (a unit is two) that fits */
					for (n = 0; n <= 2 * len; n++) {
						size_t bytes = n / 2 * step + (n % 2 ? strlen(kinds[k].utf8) : 0);
						char try[256];
						memcpy(try, s, bytes);
						strcpy(try + bytes, TEXT_ELLIPSIS);
						if (cost_of(try) <= limit)
							strcpy(want, try);
					}
				}
				text_shorten_cost(out, sizeof out, s, amp_cost, NULL, limit);
				cases++;
				if (strcmp(out, want) != 0 && bad++ < 5)
					diag("%s&, %zu times, cost %zu: \"%s\", expected \"%s\"", kinds[k].name,
					     len, limit, out, want);
			}
			free(s);
			free(unit);
		}
	}
	ok(bad == 0, "%zu cases of 1-4 byte and combining text with '&': as many whole clusters "
	   "as fit in the cost with the ellipsis, in one pass", cases);
}

static void test_examples(void)
{
	char out[64];

	is_str(text_shorten(out, sizeof out, "short", 10), "short", "text within the limits is kept");
	is_str(text_shorten(out, sizeof out, "abcdefghijkl", 5), "abcd\xe2\x80\xa6",
	       "5 characters at most: 4 and the ellipsis");
	is_str(text_shorten(out, 4, "\xc3\xa9\xc3\xa9\xc3\xa9", 0), "\xe2\x80\xa6",
	       "4 bytes cannot hold é and the ellipsis");
	is_str(text_shorten(out, 6, "\xc3\xa9\xc3\xa9\xc3\xa9", 0), "\xc3\xa9\xe2\x80\xa6",
	       "6 bytes: one é and the ellipsis");
	is_str(text_shorten(out, sizeof out, "a\xff" "b", 0), "a\xef\xbf\xbd" "b",
	       "invalid UTF-8 becomes U+FFFD");
	is_str(text_shorten(out, sizeof out, "a\x01" "b\xc3", 0), "a\xef\xbf\xbd" "b\xef\xbf\xbd",
	       "a control character and a truncated sequence become U+FFFD");
	is_str(text_shorten(out, sizeof out, "a\tb\nc", 0), "a\tb\nc", "tab and newline are kept");
	is_str(text_shorten(out, 2, "", 3), "", "empty stays empty");
	is_str(text_shorten(out, sizeof out, "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 2),
	       "e\xcc\x81\xe2\x80\xa6", "a combining sequence counts as one character");
	/* 🇫🇷🇩🇪x and 👩‍👩‍👧x: a flag (two regional indicators) and a ZWJ family are one character each */
	is_str(text_shorten(out, sizeof out, "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa" "x", 2),
	       "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xe2\x80\xa6", "a flag is never split");
	is_str(text_shorten(out, sizeof out, "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7" "xy", 2),
	       "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7\xe2\x80\xa6",
	       "a ZWJ sequence is never split");
}

static void test_format(void)
{
	char buf[12];
	char *name = repeat("\xc3\xa9", 20);

	is_str(text_format(buf, sizeof buf, "%s-%d", "ab", 7), "ab-7", "text_format formats like snprintf");
	text_format(buf, sizeof buf, "x%s", name);
	ok(u8_check((const uint8_t *)buf, strlen(buf)) == NULL && ends_with_ellipsis(buf) &&
	   strncmp(buf, "x\xc3\xa9", 3) == 0,
	   "a result too long is shortened between characters: \"%s\"", buf);
	free(name);
}

static void test_put_shortened(void)
{
	struct text t = { 0 };
	char *s = repeat("\xf0\x9f\x94\x92", 50), *out;

	text_put(&t, "[");
	text_put_shortened(&t, s, 10);
	text_put(&t, "]");
	out = text_take(&t);
	ok(out && clusters(out) == 12 && u8_check((const uint8_t *)out, strlen(out)) == NULL,
	   "text_put_shortened appends at most 10 characters");
	free(out);
	free(s);
}

int main(void)
{
	test_examples();
	test_every_length();
	test_every_cost();
	test_format();
	test_put_shortened();
	return done_testing();
}
