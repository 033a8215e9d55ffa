/* SPDX-License-Identifier: MIT */
/* XEP references: see xep_catalogue.h. */
#include "commands/register/xep_catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/text/text.h"

#define MAX_REFS 64

static int compare(const void *key, const void *entry)
{
	return *(const int *)key - ((const struct xep_entry *)entry)->number;
}

const struct xep_entry *xep_lookup(int number)
{
	return bsearch(&number, xep_catalogue, xep_catalogue_count, sizeof xep_catalogue[0], compare);
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* "XEP-" and more than 4 digits is no XEP number; it is reported to bad()
 * (when given), once per digit string, so that a typo is flagged rather than
 * silently left out. Returns how many calls were made. */
static size_t scan(const char *text, void (*found)(int number, void *userdata),
		   void (*bad)(const char *digits, size_t n, void *userdata), void *userdata)
{
	int seen[MAX_REFS];
	const char *flagged[MAX_REFS];
	size_t flagged_len[MAX_REFS], count = 0, nflagged = 0, i;
	const char *p;

	for (p = text ? text : ""; (p = strchr(p, '-')); p++) {
		const char *start = p - 3, *d = p + 1;
		int number = 0;
		size_t digits = 0;

		if (p - text < 3 || strncasecmp(start, "XEP", 3) != 0 ||
		    (start > text && word_char(start[-1])))
			continue;
		for (; *d >= '0' && *d <= '9'; d++, digits++)
			if (digits < 4)
				number = number * 10 + (*d - '0');
		if (digits < 1 || word_char(*d))
			continue;
		if (digits > 4) {
			for (i = 0; i < nflagged && (flagged_len[i] != digits ||
						     memcmp(flagged[i], p + 1, digits) != 0); i++)
				;
			if (!bad || i < nflagged || nflagged == MAX_REFS)
				continue;
			flagged[nflagged] = p + 1;
			flagged_len[nflagged++] = digits;
			bad(p + 1, digits, userdata);
			continue;
		}
		for (i = 0; i < count && seen[i] != number; i++)
			;
		if (i < count || count == MAX_REFS)
			continue;
		seen[count++] = number;
		found(number, userdata);
	}
	return count + nflagged;
}

size_t xep_refs_scan(const char *text, void (*found)(int number, void *userdata), void *userdata)
{
	return scan(text, found, NULL, userdata);
}

struct describe {
	char *buf;
	size_t len;
};

/* Final, Active and Stable XEPs go without their status; others say it. */
static const char *notable_status(const struct xep_entry *e)
{
	if (!e || strcmp(e->status, "Final") == 0 || strcmp(e->status, "Active") == 0 ||
	    strcmp(e->status, "Stable") == 0)
		return NULL;
	return e->status;
}

static void describe_one(int number, void *userdata)
{
	struct describe *d = userdata;
	const struct xep_entry *e = xep_lookup(number);
	const char *status = notable_status(e);
	size_t used = strlen(d->buf);

	if (used + 1 >= d->len)
		return;
	text_format(d->buf + used, d->len - used, "%sXEP-%04d (%s%s%s)", used ? "; " : "", number,
		    e ? e->title : "unknown XEP", status ? ", " : "", status ? status : "");
}

/* At most this many characters of an over-long number are quoted. */
#define BAD_DIGITS_SHOWN 9

static void describe_bad(const char *digits, size_t n, void *userdata)
{
	struct describe *d = userdata;
	size_t used = strlen(d->buf);
	char head[BAD_DIGITS_SHOWN + 2], shown[BAD_DIGITS_SHOWN * 3 + 4], entry[96];

	/* one digit more than shown is enough for text_shorten to see the cut */
	n = n > BAD_DIGITS_SHOWN + 1 ? BAD_DIGITS_SHOWN + 1 : n;
	memcpy(head, digits, n);
	head[n] = '\0';
	text_shorten(shown, sizeof shown, head, BAD_DIGITS_SHOWN);
	text_format(entry, sizeof entry, "%sXEP-%s (not a XEP number: more than 4 digits)",
		    used ? "; " : "", shown);
	if (used + strlen(entry) < d->len) /* whole or not at all */
		memcpy(d->buf + used, entry, strlen(entry) + 1);
}

size_t xep_refs_describe(const char *text, char *buf, size_t len)
{
	struct describe d = { buf, len };

	return scan(text, describe_one, describe_bad, &d);
}
