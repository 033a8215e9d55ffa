/* SPDX-License-Identifier: MIT */
/* Listing replies within a byte budget, counts and RSM (component/xmpp/listing.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "component/xmpp/listing.h"
#include "tests/unit/tap.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *element(const char *name, const char *ns)
{
	xmpp_stanza_t *el = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(el, name);
	if (ns)
		xmpp_stanza_set_ns(el, ns);
	return el;
}

/* <entry>text of n bytes</entry>, in no tree. */
static xmpp_stanza_t *entry(size_t n, char fill)
{
	xmpp_stanza_t *el = element("entry", NULL), *text = xmpp_stanza_new(ctx);
	char *body = malloc(n + 1);

	memset(body, fill, n);
	body[n] = '\0';
	xmpp_stanza_set_text(text, body);
	xmpp_stanza_add_child_ex(el, text, 0);
	free(body);
	return el;
}

static size_t size_of(xmpp_stanza_t *el)
{
	char *buf;
	size_t len;

	xmpp_stanza_to_text(el, &buf, &len);
	xmpp_free(ctx, buf);
	return len;
}

static void test_counts(void)
{
	static const char *const bad[] = { "abc", "0x1", "-1", "1x", " 1", "1 ", "", "+", "+-1", "--1",
					   "99999999999999999999999999", NULL };
	size_t n = 0;
	int i;

	for (i = 0; bad[i]; i++)
		ok(listing_parse_count(bad[i], &n) < 0, "\"%s\" is not a count", bad[i]);
	ok(listing_parse_count(NULL, &n) < 0, "nor is nothing");
	ok(listing_parse_count("0", &n) == 0 && n == 0, "0 is a count (RSM <max>0</max>)");
	ok(listing_parse_count("7", &n) == 0 && n == 7, "7");
	ok(listing_parse_count("+007", &n) == 0 && n == 7, "+007, as XML Schema allows");
	ok(listing_parse_count("18446744073709551615", &n) == 0 && n == SIZE_MAX,
	   "the largest that can be read");
}

static void test_budget(void)
{
	xmpp_stanza_t *reply = element("iq", "jabber:component:accept");
	xmpp_stanza_t *list = element("items", NULL);
	struct listing l;
	size_t each, added = 0;
	int rc = LISTING_ADDED;

	xmpp_stanza_add_child_ex(reply, list, 0);
	is_int(listing_start(&l, reply, list), 0, "a listing starts");
	is_int(listing_add(&l, entry(LIST_REPLY_BYTES, 'x'), "big"), LISTING_TOO_LARGE,
	       "an entry that cannot fit any reply is refused as too large");
	is_int(l.added, 0, "and not added");
	{
		xmpp_stanza_t *one = entry(10000, '&');
		each = size_of(one); /* 50 KB once escaped */
		xmpp_stanza_release(one);
	}
	while (rc == LISTING_ADDED) {
		char uid[16];
		snprintf(uid, sizeof uid, "T-%zu", added + 1);
		rc = listing_add(&l, entry(10000, '&'), uid);
		if (rc == LISTING_ADDED)
			added++;
	}
	is_int(rc, LISTING_FULL, "entries are added until the reply is full");
	ok(added == l.added && added >= 2, "%zu entries of %zu bytes", added, each);
	ok(size_of(reply) <= LIST_REPLY_BYTES, "the reply stays within the budget: %zu of %d bytes",
	   size_of(reply), LIST_REPLY_BYTES);
	ok(size_of(reply) + each > LIST_REPLY_BYTES - 1024, "and one more would not have fit");
	is_int(listing_add_rsm(&l, reply, 0, 42), 0, "an RSM <set/> is added");
	ok(size_of(reply) <= SEND_GUARD_MAX_BYTES, "still under the stanza limit: %zu", size_of(reply));
	{
		xmpp_stanza_t *set = xmpp_stanza_get_child_by_name_and_ns(reply, "set", NS_RSM);
		xmpp_stanza_t *first = set ? xmpp_stanza_get_child_by_name(set, "first") : NULL;
		xmpp_stanza_t *last = set ? xmpp_stanza_get_child_by_name(set, "last") : NULL;
		xmpp_stanza_t *count = set ? xmpp_stanza_get_child_by_name(set, "count") : NULL;
		char *f = first ? xmpp_stanza_get_text(first) : NULL, *c = count ? xmpp_stanza_get_text(count) : NULL;
		char *la = last ? xmpp_stanza_get_text(last) : NULL, want[16];

		snprintf(want, sizeof want, "T-%zu", added);
		is_str(f, "T-1", "<first/> names the first entry");
		is_str(first ? xmpp_stanza_get_attribute(first, "index") : NULL, "0", "at index 0");
		is_str(la, want, "<last/> the last one added");
		is_str(c, "42", "<count/> the whole set");
		xmpp_free(ctx, f);
		xmpp_free(ctx, la);
		xmpp_free(ctx, c);
	}
	listing_clear(&l);
	xmpp_stanza_release(reply);
}

static void test_count_only(void)
{
	xmpp_stanza_t *reply = element("iq", NULL), *list = element("subscriptions", NULL), *set;
	struct listing l;

	xmpp_stanza_add_child_ex(reply, list, 0);
	listing_start(&l, reply, list);
	is_int(listing_add(&l, entry(10, 'a'), NULL), LISTING_ADDED, "an entry without a uid");
	is_int(listing_add_rsm(&l, reply, 0, 3), 0, "a <set/>");
	set = xmpp_stanza_get_child_by_name(reply, "set");
	ok(set && !xmpp_stanza_get_child_by_name(set, "first") && xmpp_stanza_get_child_by_name(set, "count"),
	   "with a count only");
	listing_clear(&l);
	xmpp_stanza_release(reply);
}

/* Parses `xml` (a <pubsub/> holding a <set/>) with rsm_parse. */
static int parse(const char *xml, struct rsm_request *r, const char **why)
{
	xmpp_stanza_t *el = xmpp_stanza_new_from_string(ctx, xml);
	int rc = rsm_parse(el, r, why);

	xmpp_stanza_release(el);
	return rc;
}

static void test_rsm_requests(void)
{
	struct rsm_request r;
	const char *why;

	is_int(parse("<pubsub/>", &r, &why), 0, "no <set/>");
	ok(!r.present && r.max == SIZE_MAX && !r.after, "asks for nothing");
	rsm_request_clear(&r);
	is_int(rsm_parse(NULL, &r, &why), 0, "nor does no element");
	rsm_request_clear(&r);
	is_int(parse("<pubsub><set xmlns='http://jabber.org/protocol/rsm'><max>10</max>"
		     "<after>T-3</after></set></pubsub>", &r, &why), 0, "max and after");
	ok(r.present && r.max == 10 && r.after && strcmp(r.after, "T-3") == 0, "are read");
	rsm_request_clear(&r);
	is_int(parse("<pubsub><set xmlns='urn:other'><max>x</max></set></pubsub>", &r, &why), 0,
	       "a <set/> of another namespace is not RSM");
	rsm_request_clear(&r);
	is_int(parse("<pubsub><set xmlns='http://jabber.org/protocol/rsm'><max>-1</max></set></pubsub>",
		     &r, &why), -1, "a bad <max/>");
	ok(why && strstr(why, "<max/>"), "says so: %s", why ? why : "");
	rsm_request_clear(&r);
	is_int(parse("<pubsub><set xmlns='http://jabber.org/protocol/rsm'><after/></set></pubsub>",
		     &r, &why), -1, "an empty <after/>");
	rsm_request_clear(&r);
	is_int(parse("<pubsub><set xmlns='http://jabber.org/protocol/rsm'><before/></set></pubsub>",
		     &r, &why), -2, "paging backwards is not done");
	ok(why && strstr(why, "<after/>"), "and the text says what is: %s", why ? why : "");
	rsm_request_clear(&r);
	is_int(parse("<pubsub><set xmlns='http://jabber.org/protocol/rsm'><index>3</index></set></pubsub>",
		     &r, &why), -2, "nor by index");
	rsm_request_clear(&r);
}

int main(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_counts();
	test_budget();
	test_count_only();
	test_rsm_requests();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
