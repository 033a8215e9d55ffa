/* SPDX-License-Identifier: MIT */
/* Listing replies within a byte budget, and RSM: see listing.h. */
#include "component/xmpp/listing.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/xmpp/stanza.h"

/* The <set/> without its uids: namespace, tags, index and count digits. */
#define RSM_MARKUP 256
/* The most one character of a uid can take once escaped (&quot;). */
#define ESCAPED_CHAR 6

/* Bytes el takes once serialised, as daemon_send sends it; SIZE_MAX when it
 * cannot be serialised. */
static size_t serialised_size(xmpp_stanza_t *el)
{
	char *buf = NULL;
	size_t len = 0;

	if (xmpp_stanza_to_text(el, &buf, &len) != XMPP_EOK)
		return SIZE_MAX;
	xmpp_free(xmpp_stanza_get_context(el), buf);
	return len;
}

/* Room for an RSM <set/> naming first and last (either may be NULL). */
static size_t rsm_reserve(const char *first, const char *last)
{
	size_t a = first ? strlen(first) : 0, b = last ? strlen(last) : 0;

	if (a > LIST_REPLY_BYTES || b > LIST_REPLY_BYTES)
		return SIZE_MAX;
	return RSM_MARKUP + ESCAPED_CHAR * (a + b);
}

static int fits(size_t used, size_t size, size_t reserve)
{
	return used <= LIST_REPLY_BYTES && reserve <= LIST_REPLY_BYTES - used &&
	       size <= LIST_REPLY_BYTES - used - reserve;
}

int listing_start(struct listing *l, xmpp_stanza_t *reply, xmpp_stanza_t *list)
{
	const char *name = xmpp_stanza_get_name(list);
	size_t size = serialised_size(reply);

	memset(l, 0, sizeof *l);
	l->list = list;
	if (size == SIZE_MAX || !name)
		return -1;
	/* an entry turns <list/> into <list>...</list> */
	l->base = l->used = size + strlen(name) + 3;
	return 0;
}

int listing_add(struct listing *l, xmpp_stanza_t *entry, const char *uid)
{
	size_t size = serialised_size(entry);
	size_t reserve = rsm_reserve(l->first ? l->first : uid, uid);
	char *copy = NULL;
	int rc;

	if (size == SIZE_MAX)
		goto fail;
	if (!fits(l->used, size, reserve)) {
		rc = fits(l->base, size, reserve) ? LISTING_FULL : LISTING_TOO_LARGE;
		xmpp_stanza_release(entry);
		return rc;
	}
	if (uid && !(copy = strdup(uid)))
		goto fail;
	if (xmpp_stanza_add_child_ex(l->list, entry, 0) != XMPP_EOK)
		goto fail;
	l->used += size;
	l->added++;
	if (copy && !l->first) {
		l->first = copy;
	} else if (copy) {
		free(l->last);
		l->last = copy;
	}
	return LISTING_ADDED;
fail:
	free(copy);
	xmpp_stanza_release(entry);
	return -1;
}

int listing_add_rsm(const struct listing *l, xmpp_stanza_t *parent, size_t index,
		    long long count)
{
	xmpp_stanza_t *set = stanza_add_child(parent, "set", NS_RSM), *first;
	char number[24];

	if (!set)
		return -1;
	if (l->first) {
		first = stanza_add_text_child(set, "first", l->first);
		if (!first || !stanza_add_text_child(set, "last", l->last ? l->last : l->first))
			return -1;
		snprintf(number, sizeof number, "%zu", index);
		xmpp_stanza_set_attribute(first, "index", number);
	}
	if (count >= 0) {
		snprintf(number, sizeof number, "%lld", count);
		if (!stanza_add_text_child(set, "count", number))
			return -1;
	}
	return 0;
}

void listing_clear(struct listing *l)
{
	free(l->first);
	free(l->last);
	l->first = l->last = NULL;
}

int listing_parse_count(const char *text, size_t *out)
{
	unsigned long long v;
	char *end;

	if (!text)
		return -1;
	if (*text == '+')
		text++;
	if (*text < '0' || *text > '9') /* strtoull would take blanks and a '-' */
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end || errno == ERANGE)
		return -1;
	*out = v > SIZE_MAX ? SIZE_MAX : (size_t)v;
	return 0;
}

/* The text of el as a malloc'd string ("" for none), or NULL. */
static char *text_of(xmpp_stanza_t *el)
{
	char *text = xmpp_stanza_get_text(el), *copy = strdup(text ? text : "");

	if (text)
		xmpp_free(xmpp_stanza_get_context(el), text);
	return copy;
}

int rsm_parse(xmpp_stanza_t *parent, struct rsm_request *r, const char **why)
{
	xmpp_stanza_t *set = parent ? xmpp_stanza_get_child_by_name_and_ns(parent, "set", NS_RSM) : NULL;
	xmpp_stanza_t *el;
	char *text;
	int rc;

	memset(r, 0, sizeof *r);
	r->max = SIZE_MAX;
	*why = NULL;
	if (!set)
		return 0;
	r->present = 1;
	for (el = xmpp_stanza_get_children(set); el; el = xmpp_stanza_get_next(el)) {
		const char *name = xmpp_stanza_is_tag(el) ? xmpp_stanza_get_name(el) : NULL;
		if (!name)
			continue;
		if (strcmp(name, "before") == 0 || strcmp(name, "index") == 0) {
			*why = "vigil pages forwards only: ask for the next page with <after/> "
			       "naming the last item received (XEP-0059)";
			return -2;
		}
		if (strcmp(name, "max") != 0 && strcmp(name, "after") != 0)
			continue;
		if (!(text = text_of(el)))
			return -1;
		if (strcmp(name, "max") == 0) {
			rc = listing_parse_count(text, &r->max);
			free(text);
			if (rc < 0) {
				*why = "<max/> of a result set must be a number of items (XEP-0059)";
				return -1;
			}
		} else if (!*text) {
			free(text);
			*why = "<after/> must name the last item of the previous page (XEP-0059)";
			return -1;
		} else {
			free(r->after);
			r->after = text;
		}
	}
	return 0;
}

void rsm_request_clear(struct rsm_request *r)
{
	free(r->after);
	r->after = NULL;
}
