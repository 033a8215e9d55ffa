/* SPDX-License-Identifier: MIT */
/* The `feed` node's Atom entries (PROTOCOL.md §6.5): built by the site's
 * builder (commands/export/atom.h), escaped by libxml2, valid Atom (checked
 * against tests/data/atom.rng inside a feed), and bounded by characters
 * whatever their width in UTF-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "commands/export/atom.h"
#include "commands/register/template.h"
#include "component/announce/items.h"
#include "component/xmpp/send_guard.h"
#include "storage/threat.h"
#include "tests/unit/tap.h"

static xmlRelaxNGPtr rng;

/* The text of the first node at path (namespace a: Atom), or NULL; caller frees. */
static char *xpath(xmlDocPtr doc, const char *path)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res;
	char *out = NULL;

	xmlXPathRegisterNs(ctx, (const xmlChar *)"a", (const xmlChar *)ATOM_NS);
	res = xmlXPathEvalExpression((const xmlChar *)path, ctx);
	if (res && res->nodesetval && res->nodesetval->nodeNr > 0) {
		xmlChar *s = xmlNodeGetContent(res->nodesetval->nodeTab[0]);
		out = strdup((const char *)s);
		xmlFree(s);
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return out;
}

/* Whether the entry, put in a feed with the feed's required elements,
 * is valid Atom. */
static int valid_atom(const char *entry)
{
	char *text = malloc(strlen(entry) + 512);
	xmlDocPtr doc;
	xmlRelaxNGValidCtxtPtr vc;
	int valid;

	sprintf(text, "<feed xmlns='" ATOM_NS "'><id>tag:test,2026:feed</id><title>t</title>"
		"<updated>2026-12-07T10:00:00Z</updated>%s</feed>", entry);
	doc = xmlReadMemory(text, (int)strlen(text), "feed", "UTF-8", XML_PARSE_NONET);
	vc = rng ? xmlRelaxNGNewValidCtxt(rng) : NULL;
	valid = doc && vc && xmlRelaxNGValidateDoc(vc, doc) == 0;
	xmlRelaxNGFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	free(text);
	return valid;
}

/* Whether s is whole UTF-8 characters (nothing cut in one). */
static int whole_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int more;

	while (*p) {
		more = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		       (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (more < 0)
			return 0;
		for (p++; more--; p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *s = malloc(len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static void test_filed(void)
{
	struct threat t;
	struct item_source src = { &t, 7, 1, CHANGE_FILED, NULL, "alice@localhost", NULL,
				   "threats.localhost", "https://sig.example.org/threats/", 0 };
	char *entry, *s, id[64];
	xmlDocPtr doc;

	threat_init(&t);
	t.id = 7;
	t.revision = 1;
	t.updated = strdup("2026-11-24T09:00:00Z");
	threat_set(&t, THREAT_NAME, "Dialback <spoofing> & \"more\"");
	threat_set(&t, THREAT_ABSTRACT, "A server <claims> a domain & is believed.");
	entry = item_feed_entry(NULL, &src);
	ok(entry && strncmp(entry, "<entry xmlns=\"" ATOM_NS "\">", 41) == 0,
	   "an <entry> in the Atom namespace, no XML declaration");
	ok(entry && strstr(entry, "<title>T-7 \"Dialback &lt;spoofing&gt; &amp; \"more\"\" filed by "
			   "alice@localhost: priority unassessed</title>"),
	   "the title is the room's line, escaped by libxml2");
	doc = entry ? xmlReadMemory(entry, (int)strlen(entry), "entry", "UTF-8", XML_PARSE_NONET) : NULL;
	ok(doc != NULL, "well-formed");
	if (doc) {
		is_str(s = xpath(doc, "/a:entry/a:id"), "tag:threats.localhost,2026-11-24:T-7-r1",
		       "id: a tag: URI minted by the service");
		free(s);
		is_str(s = xpath(doc, "/a:entry/a:updated"), "2026-11-24T09:00:00Z", "updated: the change's time");
		free(s);
		is_str(s = xpath(doc, "/a:entry/a:author/a:name"), "alice@localhost", "author: who");
		free(s);
		is_str(s = xpath(doc, "/a:entry/a:link[@rel='alternate']/@href"),
		       "https://sig.example.org/threats/T-7.html", "link: the threat's page");
		free(s);
		is_str(s = xpath(doc, "/a:entry/a:content[@type='text']"),
		       "T-7 \"Dialback <spoofing> & \"more\"\" filed by alice@localhost: priority "
		       "unassessed. A server <claims> a domain & is believed.",
		       "content: the line and the abstract");
		free(s);
		xmlFreeDoc(doc);
	}
	ok(entry && valid_atom(entry), "valid Atom (tests/data/atom.rng)");
	free(entry);
	item_id(&src, ITEM_FEED, id, sizeof id);
	is_str(id, "T-7-r1", "the item id: the threat and the revision that announced");
	ok(item_stage_has(&src, ITEM_FEED), "a filing has a feed entry");

	src.base_url = "https://sig.example.org/threats"; /* no slash at the end */
	entry = item_feed_entry(NULL, &src);
	ok(entry && strstr(entry, "href=\"https://sig.example.org/threats/T-7.html\""),
	   "a base URL without its slash: the page's URL as the room line gives it");
	free(entry);
	src.base_url = "";
	entry = item_feed_entry(NULL, &src);
	ok(entry && !strstr(entry, "<link"), "an empty base URL: no link, not a relative one");
	free(entry);

	src.base_url = NULL;
	entry = item_feed_entry(NULL, &src);
	ok(entry && !strstr(entry, "<link"), "no site published: no link");
	ok(entry && valid_atom(entry), "still valid Atom");
	free(entry);

	src.kind = CHANGE_COMMENTED;
	ok(!item_stage_has(&src, ITEM_FEED), "a comment has none (the room is not told)");
	src.kind = CHANGE_ASSESSED;
	src.old_priority = "";
	ok(!item_stage_has(&src, ITEM_FEED), "nor an assessment that left the priority as it was");
	src.room_text = "T-7 \"x\": agreed; priority stays unassessed, assessed by bob";
	ok(item_stage_has(&src, ITEM_FEED), "unless the room was told in its own words...");
	entry = item_feed_entry(NULL, &src);
	ok(entry && strstr(entry, "<title>T-7 \"x\": agreed; priority stays unassessed, assessed by bob"
			   "</title>"), "...which are the title");
	free(entry);

	/* an import: its threats' events have their feed entry done, ... */
	src.kind = CHANGE_FILED;
	src.room_text = NULL;
	src.feed_done = 1;
	ok(!item_stage_has(&src, ITEM_FEED) && item_stage_has(&src, ITEM_THREAT),
	   "an imported threat: its threats item, no feed entry");
	/* ... its digest is the batch's one entry */
	src.kind = CHANGE_STATE;
	src.feed_done = 0;
	src.room_text = "T-7…T-9: 3 threats imported by alice — 3 unassessed";
	ok(item_stage_has(&src, ITEM_FEED) && !item_stage_has(&src, ITEM_THREAT) &&
	   !item_stage_has(&src, ITEM_PRIORITY), "an import's digest: a feed entry only");
	item_id(&src, ITEM_FEED, id, sizeof id);
	is_str(id, "T-7-r1-digest", "its item id");
	entry = item_feed_entry(NULL, &src);
	ok(entry && strstr(entry, "<content type=\"text\">T-7…T-9: 3 threats imported by alice — "
			   "3 unassessed</content>") && !strstr(entry, "<link"),
	   "the digest's entry: the line only, no page");
	ok(entry && valid_atom(entry), "valid Atom");
	ok(entry && strstr(entry, "<id>tag:threats.localhost,") && strstr(entry, ":T-7-r1-digest</id>"),
	   "its Atom id is its own, not T-7-r1's (feed.atom's entry of T-7)");
	free(entry);
	threat_clear(&t);
}

/* Long names and abstracts of 1-, 2-, 3- and 4-byte characters: the entry
 * is shortened between characters and stays within the send guard. */
static void test_bounds(void)
{
	static const char *const units[] = { "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e" };
	size_t i;

	for (i = 0; i < 4; i++) {
		struct threat t;
		struct item_source src = { &t, 12, 3, CHANGE_RETIRED, "high", "bob@localhost", NULL,
					   "threats.localhost", "https://sig.example.org/", 0 };
		char *name = repeat(units[i], 3000), *abstract = repeat(units[i], 20000), *entry;
		char *title = NULL, *content = NULL;
		xmlDocPtr doc;

		threat_init(&t);
		t.id = 12;
		t.revision = 3;
		t.updated = strdup("2026-11-24T10:00:00Z");
		threat_set(&t, THREAT_NAME, name);
		threat_set(&t, THREAT_ABSTRACT, abstract);
		threat_set(&t, THREAT_STATUS, "retired");
		entry = item_feed_entry(NULL, &src);
		doc = entry ? xmlReadMemory(entry, (int)strlen(entry), "entry", "UTF-8", XML_PARSE_NONET) : NULL;
		if (doc) {
			title = xpath(doc, "/a:entry/a:title");
			content = xpath(doc, "/a:entry/a:content");
		}
		ok(doc && title && content, "%zu-byte characters: a well-formed entry", i + 1);
		ok(title && strlen(title) < 1024 && whole_utf8(title) &&
		   strncmp(title, "T-12 \"", 6) == 0,
		   "%zu-byte characters: the title shortened to %zu bytes, between characters",
		   i + 1, title ? strlen(title) : 0);
		ok(content && strlen(content) < ATOM_CONTENT_SIZE && strlen(content) > ATOM_CONTENT_SIZE - 8 &&
		   whole_utf8(content),
		   "%zu-byte characters: the content shortened to %zu bytes, between characters",
		   i + 1, content ? strlen(content) : 0);
		ok(entry && strlen(entry) < SEND_GUARD_MAX_BYTES / 8,
		   "%zu-byte characters: the entry (%zu bytes) far within the send guard's limit",
		   i + 1, entry ? strlen(entry) : 0);
		ok(entry && valid_atom(entry), "%zu-byte characters: valid Atom", i + 1);
		free(title);
		free(content);
		xmlFreeDoc(doc);
		free(entry);
		free(name);
		free(abstract);
		threat_clear(&t);
	}
}

int main(void)
{
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(TEST_DATA_DIR "/atom.rng");

	rng = pc ? xmlRelaxNGParse(pc) : NULL;
	ok(rng != NULL, "tests/data/atom.rng is read");
	test_filed();
	test_bounds();
	xmlRelaxNGFree(rng);
	xmlRelaxNGFreeParserCtxt(pc);
	xmlCleanupParser();
	return done_testing();
}
