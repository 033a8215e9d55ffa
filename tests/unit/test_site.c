/* SPDX-License-Identifier: MIT */
/* The site (commands/export/site*.c, svg.c, matrix.c, atom.c): a register
 * with hostile text everywhere, published to a directory and read back with
 * libxml2 — every file there, no temporary left, the tree drawn with the
 * cheapest attack on the right nodes, the text (markup, "</svg>", "]]>",
 * javascript: links, Graphviz escapes) coming back as text and never as
 * markup, the risk matrix's counts, the feed's entries newest first, the
 * XEP document valid, and a publication of one change rewriting only its
 * page, the index, the documents and the feed. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "commands/export/export.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "config/config.h"
#include "storage/store.h"
#include "tests/unit/tap.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

static const char hostile_name[] = "<script>alert(1)</script></svg>]]> & \\N \\G";
static const char hostile_abstract[] = "[click](javascript:alert(1)) <img src=x onerror=alert(2)>\n"
				       "<!-- x --> *bold* `code` <a href=\"javascript:alert(3)\">a</a>";
static const char hostile_tree[] = "</svg><script>alert(4)</script>\n"
				   "  OR &amp; <x y=\"1\"> \\N\\l\n"
				   "    javascript:alert(5) [cost=5]\n"
				   "    <style>*{display:none}</style> [cost=9]\n";
static const char tree[] = "Read another user's messages\n"
			   "  OR Get plaintext in transit\n"
			   "    Sniff an unencrypted c2s link [cost=0, impossible]\n"
			   "    Strip STARTTLS [cost=1000]\n"
			   "  AND Compromise the server\n"
			   "    Gain a shell [cost=50000, equipment]\n"
			   "    Read the archive [cost=0]\n";

static char dir[] = "/tmp/vigil-test-site-XXXXXX";
static char site[300];

static long long file(struct store *st, const char *name, const char *abstract, const char *t_tree,
		      const char *likelihood, const char *damage)
{
	struct threat t;
	int rank = priority_rank(likelihood, damage);

	threat_init(&t);
	threat_set(&t, THREAT_NAME, name);
	threat_set(&t, THREAT_ABSTRACT, abstract);
	threat_set(&t, THREAT_ATTACK_TREE, t_tree);
	threat_set(&t, THREAT_LIKELIHOOD, likelihood);
	threat_set(&t, THREAT_DAMAGE, damage);
	threat_set(&t, THREAT_STATUS, "identified");
	threat_set(&t, THREAT_GAP, "# not a heading\n</p></section><h1>injected</h1>");
	t.priority = strdup(priority_name(rank));
	t.priority_rank = rank;
	t.author = strdup("alice@localhost");
	if (store_threat_insert(st, &t, "alice@localhost", NULL) < 0)
		t.id = -1;
	threat_clear(&t);
	return t.id;
}

static void change(struct store *st, long long id, const char *likelihood, const char *damage,
		   const char *status, const char *note)
{
	struct threat t;

	threat_init(&t);
	store_threat_get(st, id, &t);
	if (likelihood) {
		int rank = priority_rank(likelihood, damage);
		threat_set(&t, THREAT_LIKELIHOOD, likelihood);
		threat_set(&t, THREAT_DAMAGE, damage);
		free(t.priority);
		t.priority = strdup(priority_name(rank));
		t.priority_rank = rank;
	}
	if (status)
		threat_set(&t, THREAT_STATUS, status);
	store_threat_update(st, &t, t.revision, "bob@localhost", note, NULL);
	threat_clear(&t);
}

static char *slurp(const char *name)
{
	char path[400];
	char *text = NULL;
	long len;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", site, name);
	f = fopen(path, "r");
	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = calloc(1, (size_t)len + 1)) && fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	if (f)
		fclose(f);
	return text;
}

static htmlDocPtr read_html(const char *name)
{
	char *text = slurp(name);
	htmlDocPtr doc = text ? htmlReadMemory(text, (int)strlen(text), name, "UTF-8",
					       HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)
			      : NULL;
	free(text);
	return doc;
}

static char *xpath_text(xmlDocPtr doc, const char *expr, const char *prefix, const char *ns)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res;
	size_t used = 0;
	char *out = calloc(1, 1);
	int i;

	if (ctx && prefix)
		xmlXPathRegisterNs(ctx, (const xmlChar *)prefix, (const xmlChar *)ns);
	res = ctx ? xmlXPathEvalExpression((const xmlChar *)expr, ctx) : NULL;
	for (i = 0; out && res && res->nodesetval && i < res->nodesetval->nodeNr; i++) {
		xmlChar *s = xmlNodeGetContent(res->nodesetval->nodeTab[i]);
		size_t n = s ? strlen((char *)s) : 0;
		char *grown = realloc(out, used + n + 2);
		if (grown) {
			out = grown;
			used += (size_t)sprintf(out + used, "%s%s", i ? "|" : "", s ? (char *)s : "");
		}
		xmlFree(s);
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return out;
}

static int xpath_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res = ctx ? xmlXPathEvalExpression((const xmlChar *)expr, ctx) : NULL;
	int n = res && res->nodesetval ? res->nodesetval->nodeNr : -1;

	if (res && res->type == XPATH_NUMBER)
		n = (int)res->floatval;
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return n;
}

static void check(xmlDocPtr doc, const char *expr, const char *want, const char *what)
{
	char *got = xpath_text(doc, expr, NULL, NULL);

	is_str(got ? got : "", want, "%s", what);
	free(got);
}

static int publish(const char *db, unsigned what, const long long *ids, size_t nids,
		   struct site_result *r)
{
	struct vigil_config cfg;
	char err[512];
	int rc;

	config_defaults(&cfg);
	free(cfg.storage_path);
	cfg.storage_path = strdup(db);
	cfg.room_jid = strdup("sig@conference.localhost");
	cfg.component_jid = strdup("threats.localhost");
	rc = export_site(&cfg, site, what, ids, nids, r, err, sizeof err);
	if (rc < 0)
		diag("export_site: %s", err);
	config_free(&cfg);
	return rc;
}

/* The SVG as strict XML, cut out of the page: it must be well-formed. */
static xmlDocPtr svg_of(const char *page)
{
	char *text = slurp(page), *start, *end;
	xmlDocPtr doc = NULL;

	if (text && (start = strstr(text, "<svg")) && (end = strstr(start, "</svg>")))
		doc = xmlReadMemory(start, (int)(end + 6 - start), "tree.svg", "UTF-8",
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(text);
	return doc;
}

static void test_tree(void)
{
	htmlDocPtr page = read_html("T-2.html");
	xmlDocPtr svg = svg_of("T-2.html");
	char *nodes;

	ok(page != NULL, "T-2.html parses");
	if (!page)
		return;
	is_int(xpath_count(page, "//svg"), 1, "the tree is drawn inline, once");
	is_int(xpath_count(page, "//svg//g[contains(@class,'node')]"), 7, "a node per step");
	check(page, "//svg//g[contains(concat(' ',@class,' '),' cheapest ')][contains(@class,'node')]/title",
	      "Read another user's messages|Get plaintext in transit|Strip STARTTLS",
	      "the cheapest attack marked on its nodes, leaf to root");
	is_int(xpath_count(page, "//svg//g[contains(@class,'edge')][contains(@class,'cheapest')]"), 2,
	       "and on the two edges between them");
	check(page, "//svg//g[contains(@class,' and')]/title", "Compromise the server", "the AND node");
	check(page, "//svg//g[contains(@class,' or')]/title",
	      "Read another user's messages|Get plaintext in transit", "the OR nodes");
	check(page, "//svg//g[contains(@class,'impossible')]/title", "Sniff an unencrypted c2s link",
	      "the impossible leaf");
	check(page, "//svg//g[contains(@class,'equipment')]/title", "Gain a shell", "the equipment leaf");
	nodes = xpath_text(page, "//svg//g[contains(@class,' and')]//text", NULL, NULL);
	ok(nodes && strncmp(nodes, "AND|", 4) == 0, "AND is written on the node, not only drawn (%s)",
	   nodes ? nodes : "");
	free(nodes);
	nodes = xpath_text(page, "//svg//g[@id='T-2-n3']//text", NULL, NULL);
	is_str(nodes ? nodes : "", "Strip STARTTLS|cost 1000", "costs on the nodes");
	free(nodes);
	ok(svg != NULL, "the inline SVG is well-formed XML");
	xmlFreeDoc(svg);
	check(page, "//svg/@aria-label",
	      "Attack tree: possible; the cheapest attack costs 1000: Strip STARTTLS",
	      "the drawing has an accessible name");
	is_int(xpath_count(page, "//details//ul[@class='tree']"), 1, "the tree as text too");
	check(page, "//h2[@id='assessments']/following-sibling::table[1]/tr[2]/td[3]", "bob@localhost",
	      "who assessed it");
	check(page, "//h2[@id='assessments']/following-sibling::table[1]/tr[2]/td[7]", "exploited widely",
	      "and why");
	xmlFreeDoc(page);
}

static void test_hostile(void)
{
	htmlDocPtr page = read_html("T-1.html"), index = read_html("index.html");
	xmlDocPtr svg = svg_of("T-1.html");
	char *md = slurp("threats.md"), *raw = slurp("T-1.html");

	ok(page && index, "T-1.html and index.html parse");
	if (!page || !index)
		goto out;
	is_int(xpath_count(page, "//script | //img | //iframe | //*[@onerror] | //*[@onload]"), 0,
	       "no script, image or handler made from the text");
	is_int(xpath_count(index, "//script | //img | //*[@onerror]"), 0, "nor in the index");
	is_int(xpath_count(page, "//a[starts-with(normalize-space(@href),'javascript')]"), 0,
	       "no javascript: link");
	is_int(xpath_count(page, "//body//style | //svg//style"), 0, "no style element from the text");
	is_int(xpath_count(page, "//h1"), 1, "one h1: the injected heading stayed text");
	check(page, "//h1", "T-1: <script>alert(1)</script></svg>]]> & \\N \\G",
	      "the name comes back as text, backslashes and all");
	check(page, "//svg//g[@id='T-1-n0']/title", "</svg><script>alert(4)</script>",
	      "a step with </svg> is the node's title, as text");
	check(page, "//svg//g[@id='T-1-n1']/title", "&amp; <x y=\"1\"> \\N\\l", "entities, tags and Graphviz escapes as text");
	ok(svg != NULL, "the SVG is still well-formed");
	xmlFreeDoc(svg);
	ok(raw && !strstr(raw, "<script") && !strstr(raw, "<img") && !strstr(raw, "</svg><script"),
	   "the raw page holds none of it unescaped");
	ok(md && !strstr(md, "<script") && !strstr(md, "[click](javascript:"), "Markdown escapes it too");
out:
	free(md);
	free(raw);
	xmlFreeDoc(page);
	xmlFreeDoc(index);
}

static void test_matrix(void)
{
	htmlDocPtr index = read_html("index.html");

	ok(index != NULL, "index.html parses");
	if (!index)
		return;
	check(index, "//table[@class='matrix']//td[@data-likelihood='high'][@data-damage='high']/@data-count",
	      "1", "high × high: T-2");
	check(index, "//table[@class='matrix']//td[@data-likelihood='high'][@data-damage='medium']/@data-count",
	      "1", "high × medium: T-1");
	check(index, "//table[@class='matrix']//td[@data-likelihood='unassessed']/@data-count", "1",
	      "not assessed: T-3 (retired T-4 not counted)");
	check(index, "//table[@class='matrix']//td[@data-likelihood='high'][@data-damage='high']//a/@href",
	      "T-2.html", "a cell links to its threats' pages");
	check(index, "//table[@class='matrix']//td[@data-likelihood='high'][@data-damage='high']/@class",
	      "critical", "coloured by its priority");
	is_int(xpath_count(index, "sum(//table[@class='matrix']//td/@data-count)"), 3, "every open threat counted once");
	check(index, "//section/h2/@id", "T-2|T-1|T-3|T-4", "open threats by priority, retired at the end");
	is_int(xpath_count(index, "//*[@href][contains(@href,'://')][not(starts-with(@href,'https://xmpp.org/'))]"),
	       0, "links between the files are relative");
	is_int(xpath_count(index, "//svg"), 0, "trees are drawn on the threats' pages");
	xmlFreeDoc(index);
}

/* "tag:threats.localhost,2026-11-30:T-4-r2|..." -> "T-4-r2|..." in place */
static char *strip_days(char *ids)
{
	char *in = ids, *out = ids;

	while (in && *in) {
		char *colon = strchr(in, ':') ? strchr(strchr(in, ':') + 1, ':') : NULL;
		char *bar = strchr(in, '|');
		size_t n;
		if (!colon || (bar && colon > bar))
			break;
		n = bar ? (size_t)(bar - colon - 1) : strlen(colon + 1);
		memmove(out, colon + 1, n);
		out += n;
		if (bar)
			*out++ = '|';
		in = bar ? bar + 1 : colon + 1 + n;
	}
	if (out)
		*out = '\0';
	return ids;
}

static void test_feed(void)
{
	char *text = slurp("feed.atom"), *ids;
	xmlDocPtr doc = text ? xmlReadMemory(text, (int)strlen(text), "feed.atom", "UTF-8", XML_PARSE_NONET)
			     : NULL;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr res;

	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(TEST_DATA_DIR "/atom.rng");
	xmlRelaxNGPtr rng = pc ? xmlRelaxNGParse(pc) : NULL;
	xmlRelaxNGValidCtxtPtr vc = rng ? xmlRelaxNGNewValidCtxt(rng) : NULL;

	ok(doc != NULL, "feed.atom is well-formed");
	free(text);
	ok(doc && vc && xmlRelaxNGValidateDoc(vc, doc) == 0,
	   "feed.atom is valid Atom 1.0 (tests/data/atom.rng, RFC 4287)");
	xmlRelaxNGFreeValidCtxt(vc);
	xmlRelaxNGFree(rng);
	xmlRelaxNGFreeParserCtxt(pc);
	if (!doc)
		return;
	ids = xpath_text(doc, "/a:feed/a:entry/a:id", "a", "http://www.w3.org/2005/Atom");
	/* newest first; within one second the log orders by threat */
	is_str(strip_days(ids), "T-4-r2|T-4-r1|T-3-r1|T-2-r2|T-2-r1|T-1-r1",
	       "an entry per announcement, newest first (the note-only edit of T-1 is none)");
	free(ids);
	ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"a", (const xmlChar *)"http://www.w3.org/2005/Atom");
	res = xmlXPathEvalExpression((const xmlChar *)"/a:feed[a:id][a:title][a:updated][a:author/a:name]"
				     "[a:link[@rel='self']]", ctx);
	ok(res && res->nodesetval && res->nodesetval->nodeNr == 1, "the feed has id, title, updated, author, self link");
	xmlXPathFreeObject(res);
	res = xmlXPathEvalExpression((const xmlChar *)"/a:feed/a:entry[not(a:id) or not(a:title) or "
				     "not(a:updated) or not(a:link[@rel='alternate'])]", ctx);
	ok(res && res->nodesetval && res->nodesetval->nodeNr == 0, "every entry has id, title, updated, link");
	xmlXPathFreeObject(res);
	/* RFC 4287 §4.1.1: a feed without author needs one in every entry; ours has
	 * one anyway. §4.1.2: an entry without content needs an alternate link. */
	res = xmlXPathEvalExpression((const xmlChar *)"/a:feed/a:entry[not(a:content)][not(a:link[@rel='alternate'])]"
				     " | /a:feed[not(a:author)]", ctx);
	ok(res && res->nodesetval && res->nodesetval->nodeNr == 0, "the RFC's rules beyond the schema hold");
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}

static void test_xep(void)
{
	char *text = slurp("threats.xml");
	xmlDocPtr doc = text ? xmlReadMemory(text, (int)strlen(text), "threats.xml", "UTF-8", XML_PARSE_NONET)
			     : NULL;
	xmlDtdPtr dtd = xmlParseDTD(NULL, (const xmlChar *)TEST_DATA_DIR "/xep.dtd");
	xmlValidCtxtPtr v = xmlNewValidCtxt();

	ok(doc && dtd && v && xmlValidateDtd(v, doc, dtd) == 1, "threats.xml is valid against xep.dtd");
	free(text);
	xmlFreeValidCtxt(v);
	xmlFreeDtd(dtd);
	xmlFreeDoc(doc);
}

static size_t leftovers(void)
{
	DIR *d = opendir(site);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

static void remove_all(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[600];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", path, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

int main(void)
{
	struct store *st = NULL;
	struct site_result r;
	char db[256], err[512], *before;
	static const char *const files[] = { "index.html", "T-1.html", "T-2.html", "T-3.html", "T-4.html",
					     "threats.xml", "threats.md", "feed.atom" };
	const long long two = 2;
	size_t i, present = 0;

	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/vigil.db", dir);
	snprintf(site, sizeof site, "%s/site", dir);
	if (store_open(&st, db, 0, template_schema(), err, sizeof err) < 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	file(st, hostile_name, hostile_abstract, hostile_tree, "high", "medium");  /* T-1 high */
	file(st, "Known tree", "The example of PROTOCOL.md.", tree, "low", "high"); /* T-2 medium */
	file(st, "Not assessed", "Nobody looked yet.", "", "", "");               /* T-3 */
	file(st, "Old", "Gone.", "", "low", "low");                               /* T-4 */
	change(st, 2, "high", "high", NULL, "exploited widely");                  /* priority moves */
	change(st, 1, NULL, NULL, "analyzed", "a note only");                     /* announces nothing */
	change(st, 4, NULL, NULL, "retired", "obsolete");
	store_close(st);

	ok(publish(db, SITE_ALL, NULL, 0, &r) == 0, "the site is published");
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *t = slurp(files[i]);
		present += t && *t;
		free(t);
	}
	is_int((int)present, 8, "index, four pages, threats.xml, threats.md, feed.atom");
	is_int((int)r.files, 8, "eight files written");
	is_int((int)leftovers(), 0, "no temporary file left");
	test_tree();
	test_hostile();
	test_matrix();
	test_feed();
	test_xep();

	before = slurp("T-1.html");
	ok(publish(db, SITE_PAGES | SITE_INDEX | SITE_FEED, &two, 1, &r) == 0, "one change published");
	is_int((int)r.files, 3, "its page, the index and the feed rewritten");
	{
		char *after = slurp("T-1.html");
		ok(before && after && strcmp(before, after) == 0, "another threat's page left alone");
		free(after);
	}
	free(before);
	ok(publish(db, SITE_DOCUMENTS, NULL, 0, &r) == 0 && r.files == 2, "the two documents on their own");

	/* names holding the comment that marks where the index's sections go,
	 * for every number a guessing mark could take (0..63): the index is
	 * still built (the mark is random, not guessed) */
	if (store_open(&st, db, 0, template_schema(), err, sizeof err) == 0) {
		unsigned k, n;
		for (k = 0; k < 8; k++) {
			char name[256] = "";
			for (n = 8 * k; n < 8 * k + 8; n++)
				snprintf(name + strlen(name), sizeof name - strlen(name),
					 "<!--vigil-sections-%u-->", n);
			file(st, name, "Marks in the name.", "", "high", "high");
		}
		store_close(st);
	}
	ok(publish(db, SITE_INDEX, NULL, 0, &r) == 0, "the index is built though names hold every mark 0..63");
	{
		htmlDocPtr index = read_html("index.html");
		ok(index && xpath_count(index, "//section") >= 11,
		   "with a section for each open threat (%d)", index ? xpath_count(index, "//section") : -1);
		xmlFreeDoc(index);
	}

	if (!getenv("TEST_SITE_KEEP")) remove_all(site);
	if (!getenv("TEST_SITE_KEEP")) remove_all(dir);
	xmlCleanupParser();
	return done_testing();
}
