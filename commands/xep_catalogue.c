/* XEP references: see xep_catalogue.h. */
#include "commands/xep_catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

size_t xep_refs_scan(const char *text, void (*found)(int number, void *userdata), void *userdata)
{
	int seen[MAX_REFS];
	size_t count = 0, i;
	const char *p;

	for (p = text ? text : ""; (p = strchr(p, '-')); p++) {
		const char *start = p - 3, *d = p + 1;
		int number = 0, digits = 0;

		if (p - text < 3 || strncasecmp(start, "XEP", 3) != 0 ||
		    (start > text && word_char(start[-1])))
			continue;
		while (*d >= '0' && *d <= '9' && digits < 5)
			number = number * 10 + (*d++ - '0'), digits++;
		if (digits < 1 || digits > 4 || word_char(*d))
			continue;
		for (i = 0; i < count && seen[i] != number; i++)
			;
		if (i < count || count == MAX_REFS)
			continue;
		seen[count++] = number;
		found(number, userdata);
	}
	return count;
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
	snprintf(d->buf + used, d->len - used, "%sXEP-%04d (%s%s%s)", used ? "; " : "", number,
		 e ? e->title : "unknown XEP", status ? ", " : "", status ? status : "");
}

size_t xep_refs_describe(const char *text, char *buf, size_t len)
{
	struct describe d = { buf, len };

	return xep_refs_scan(text, describe_one, &d);
}
