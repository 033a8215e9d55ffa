/* SPDX-License-Identifier: MIT */
/* The evolving document (commands/export*.c): a register made here, written
 * in the three formats and read back with libxml2 — every threat present, in
 * priority order, markup in the text escaped, empty fields handled, the XEP
 * format valid against xep.dtd, and an empty register. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <libxml/xpath.h>

#include "commands/export/export.h"
#include "commands/register/priority.h"
#include "config/config.h"
#include "commands/register/template.h"
#include "storage/store.h"
#include "tests/unit/tap.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

static const char nasty[] = "Dialback <spoofing> & \"quotes\" 'single' ]]> *bold* #1";
static const char tree[] = "Read another user's messages\n"
			   "  OR Get plaintext in transit\n"
			   "    Sniff an unencrypted c2s link [cost=0, impossible]\n"
			   "    Strip STARTTLS [cost=1000]\n"
			   "  AND Compromise the server\n"
			   "    Gain a shell [cost=50000, equipment]\n"
			   "    Read the archive [cost=0]\n";

static char dir[] = "/tmp/vigil-test-export-XXXXXX";

/* Files a threat with the given fields; likelihood/damage decide priority. */
static long long file(struct store *st, const char *name, const char *likelihood, const char *damage,
		      int full)
{
	struct threat t;
	int rank = priority_rank(likelihood, damage);

	threat_init(&t);
	threat_set(&t, THREAT_NAME, name);
	threat_set(&t, THREAT_ABSTRACT, "An abstract.\nIts second line.");
	threat_set(&t, THREAT_LIKELIHOOD, likelihood);
	threat_set(&t, THREAT_DAMAGE, damage);
	threat_set(&t, THREAT_STATUS, "identified");
	if (full) {
		threat_set(&t, THREAT_DEFINITION, "First paragraph.\n\nSecond & <last> paragraph.");
		threat_set(&t, THREAT_ATTACK_TREE, tree);
		threat_set(&t, THREAT_EXISTING, "XEP-0220 and XEP-0178; see also XEP-9999.");
		threat_set(&t, THREAT_GAP, "- not a list\n1. not numbered\n# not a heading");
		threat_set(&t, THREAT_POTENTIAL, "DANE.");
		threat_set(&t, THREAT_RECOMMENDED, "do nothing at this time");
	}
	t.priority = strdup(priority_name(rank));
	t.priority_rank = rank;
	t.author = strdup("alice@localhost");
	if (store_threat_insert(st, &t, "alice@localhost", NULL) < 0)
		t.id = -1;
	threat_clear(&t);
	return t.id;
}

static void retire(struct store *st, long long id)
{
	struct threat t;

	threat_init(&t);
	store_threat_get(st, id, &t);
	threat_set(&t, THREAT_STATUS, "retired");
	store_threat_update(st, &t, t.revision, "alice@localhost", "obsolete", NULL);
	threat_clear(&t);
}

/* Exports db to a file and returns its content (caller frees). */
static char *export_to_string(const char *db, enum export_format format)
{
	struct vigil_config cfg;
	char out[256], err[512];
	char *text = NULL;
	FILE *f;
	long len;

	config_defaults(&cfg);
	free(cfg.storage_path);
	cfg.storage_path = strdup(db);
	cfg.room_jid = strdup("sig@conference.localhost");
	cfg.component_jid = strdup("threats.localhost");
	snprintf(out, sizeof out, "%s/out", dir);
	if (export_register(&cfg, format, out, err, sizeof err) < 0) {
		diag("export failed: %s", err);
		config_free(&cfg);
		return NULL;
	}
	config_free(&cfg);
	f = fopen(out, "r");
	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = calloc(1, (size_t)len + 1)) && fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	if (f)
		fclose(f);
	unlink(out);
	return text;
}

/* Text values of an XPath expression, joined by "|". */
static char *xpath_text(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr res = ctx ? xmlXPathEvalExpression((const xmlChar *)expr, ctx) : NULL;
	size_t cap = 1, used = 0;
	char *out = calloc(1, 1);
	int i;

	for (i = 0; out && res && res->nodesetval && i < res->nodesetval->nodeNr; i++) {
		xmlChar *s = xmlNodeGetContent(res->nodesetval->nodeTab[i]);
		size_t n = s ? strlen((char *)s) : 0;
		char *grown = realloc(out, cap + n + 1);
		if (grown) {
			out = grown;
			cap += n + 1;
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

	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return n;
}

static int dtd_valid(xmlDocPtr doc)
{
	xmlDtdPtr dtd = xmlParseDTD(NULL, (const xmlChar *)TEST_DATA_DIR "/xep.dtd");
	xmlValidCtxtPtr ctx = xmlNewValidCtxt();
	int valid = dtd && ctx && xmlValidateDtd(ctx, doc, dtd);

	xmlFreeValidCtxt(ctx);
	xmlFreeDtd(dtd);
	return valid;
}

static void check_text(xmlDocPtr doc, const char *expr, const char *want, const char *what)
{
	char *got = xpath_text(doc, expr);

	is_str(got, want, "%s", what);
	free(got);
}

static void test_xep(const char *db)
{
	char *text = export_to_string(db, EXPORT_XEP);
	xmlDocPtr doc = text ? xmlReadMemory(text, (int)strlen(text), "xep.xml", NULL, XML_PARSE_NONET)
			     : NULL;

	ok(doc != NULL, "XEP format: well-formed XML");
	if (!doc) {
		free(text);
		return;
	}
	ok(dtd_valid(doc), "XEP format: valid against xep.dtd");
	check_text(doc, "/xep/section1/@anchor", "intro|T-3|T-1|T-4|T-2|retired",
		   "one section per open threat, by priority then id, retired last");
	check_text(doc, "/xep/section1[@anchor='T-1']/@topic",
		   "T-1: Dialback <spoofing> & \"quotes\" 'single' ]]> *bold* #1 (priority high)",
		   "markup in a name comes back as text");
	is_int(xpath_count(doc, "/xep/section1[@anchor='T-1']/section2"), 10,
	       "a subsection per template item (definition and attack tree together)");
	check_text(doc, "/xep/section1[@anchor='T-1']/section2[3]/@topic", "c) Definition",
		   "template items are lettered as in XEP-0139");
	check_text(doc, "(/xep/section1[@anchor='T-1']//link)[1]",
		   "XEP-0220: Server Dialback", "XEP references are links with their titles");
	check_text(doc, "(/xep/section1[@anchor='T-1']//link)[1]/@url",
		   "https://xmpp.org/extensions/xep-0220.html", "links point at xmpp.org");
	ok(strstr(text, "XEP-9999") != NULL, "an unknown XEP number stays as text");
	check_text(doc, "/xep/section1[@anchor='T-1']//li/strong", 
		   "OR: Read another user's messages|OR: Get plaintext in transit|Strip STARTTLS",
		   "the cheapest attack is marked");
	is_int(xpath_count(doc, "/xep/section1[@anchor='T-2']//p[.='Not described yet.']"), 5,
	       "empty template items say so");
	is_int(xpath_count(doc, "/xep/section1[@anchor='T-2']//p[.='Not assessed yet.']"), 2,
	       "likelihood and damage not assessed say so");
	is_int(xpath_count(doc, "/xep/section1[@anchor='retired']//li[starts-with(., 'T-5: Old threat')]"),
	       1, "retired threats listed apart");
	ok(xpath_count(doc, "/xep/header/revision") >= 2, "a revision per day of history plus the export");
	xmlFreeDoc(doc);
	free(text);
}

static void test_html(const char *db)
{
	char *text = export_to_string(db, EXPORT_HTML);
	htmlDocPtr doc = text ? htmlReadMemory(text, (int)strlen(text), "x.html", "UTF-8",
					       HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)
			      : NULL;

	ok(doc != NULL, "HTML: parses");
	if (!doc) {
		free(text);
		return;
	}
	ok(strncmp(text, "<!DOCTYPE html>", 15) == 0, "HTML: a doctype");
	check_text(doc, "//section/h2/@id", "T-3|T-1|T-4|T-2|T-5", "a section per threat, retired last");
	check_text(doc, "//h2[@id='T-1']", "T-1: Dialback <spoofing> & \"quotes\" 'single' ]]> *bold* #1",
		   "markup in a name comes back as text");
	is_int(xpath_count(doc, "//nav//a"), 6, "table of contents: summary, four threats, appendix");
	is_int(xpath_count(doc, "//table[1]/tr"), 5, "summary table: a header and four rows");
	check_text(doc, "//table[1]/tr[2]/td[5]", "critical", "summary: highest priority first");
	is_int(xpath_count(doc, "//*[@src] | //link"), 0, "no external resources");
	ok(xpath_count(doc, "//section[h2/@id='T-1']//strong[@class='cheapest']") == 3, "cheapest attack marked");
	is_int(xpath_count(doc, "//section[h2/@id='T-1']//svg//g[contains(@class,'node')]"), 7,
	       "the attack tree drawn too (svg.c), a node per step");
	is_int(xpath_count(doc, "//section[h2/@id='T-1']//svg//g[contains(concat(' ',@class,' '),' cheapest ')]"
			   "[contains(@class,'node')]"), 3, "the cheapest attack on its three nodes");
	check_text(doc, "(//section[h2/@id='T-1']//a[starts-with(@href,'https://xmpp.org')])[1]", "XEP-0220: Server Dialback",
		   "XEP references are links with their titles");
	xmlFreeDoc(doc);
	free(text);
}

static void test_markdown(const char *db)
{
	char *text = export_to_string(db, EXPORT_MARKDOWN);
	const char *t1, *t2, *t3, *t4, *t5;

	ok(text != NULL, "Markdown: written");
	if (!text)
		return;
	if (getenv("TEST_EXPORT_SHOW"))
		fputs(text, stderr);
	t3 = strstr(text, "\n## T-3: ");
	t1 = strstr(text, "\n## T-1: ");
	t4 = strstr(text, "\n## T-4: ");
	t2 = strstr(text, "\n## T-2: ");
	t5 = strstr(text, "\n## T-5: ");
	ok(t3 && t1 && t4 && t2 && t5 && t3 < t1 && t1 < t4 && t4 < t2 && t2 < t5,
	   "Markdown: sections by priority, retired last");
	ok(strstr(text, "## T-1: Dialback &lt;spoofing&gt; &amp; \"quotes\" 'single' \\]\\]&gt; "
			"\\*bold\\* #1 {#T-1}") != NULL, "Markdown: markup in a name is escaped");
	ok(strstr(text, "\\- not a list  \n1\\. not numbered  \n\\# not a heading") != NULL,
	   "Markdown: text that would open a block is escaped at line starts");
	ok(strstr(text, "- **OR: Get plaintext in transit**") != NULL,
	   "Markdown: the attack tree as an outline with the cheapest attack in bold");
	ok(strstr(text, "References: XEP-0220 (Server Dialback") != NULL,
	   "Markdown: XEP references with their titles");
	ok(strstr(text, "| [T-3](#T-3) | Critical one | high | high | critical | identified |") != NULL,
	   "Markdown: summary table");
	free(text);
}

static void test_empty(const char *db)
{
	char *xep = export_to_string(db, EXPORT_XEP), *html = export_to_string(db, EXPORT_HTML),
	     *md = export_to_string(db, EXPORT_MARKDOWN);
	xmlDocPtr doc = xep ? xmlReadMemory(xep, (int)strlen(xep), "xep.xml", NULL, XML_PARSE_NONET) : NULL;

	ok(doc && dtd_valid(doc), "empty register: a valid XEP document");
	ok(doc && xpath_count(doc, "/xep/section1") == 1, "empty register: the introduction only");
	ok(html && strstr(html, "The register has no open threat.") != NULL, "empty register: HTML says so");
	ok(md && strstr(md, "The register has no open threat.") != NULL, "empty register: Markdown says so");
	xmlFreeDoc(doc);
	free(xep);
	free(html);
	free(md);
}

static void test_errors(void)
{
	struct vigil_config cfg;
	char err[512], path[256];
	FILE *f;

	config_defaults(&cfg);
	free(cfg.storage_path);
	snprintf(path, sizeof path, "%s/missing.db", dir);
	cfg.storage_path = strdup(path);
	cfg.room_jid = strdup("sig@conference.localhost");
	cfg.component_jid = strdup("threats.localhost");
	snprintf(path, sizeof path, "%s/never", dir);
	err[0] = '\0';
	is_int(export_register(&cfg, EXPORT_XEP, path, err, sizeof err), -1, "a missing database is refused");
	ok(strstr(err, "missing.db") != NULL, "the message names the file: %s", err);
	ok(access(path, F_OK) != 0, "and nothing is written");
	ok(access(cfg.storage_path, F_OK) != 0, "nor is a database created");

	f = fopen(cfg.storage_path, "w");
	if (f) {
		fputs("not a database at all, just some text that is long enough", f);
		fclose(f);
	}
	is_int(export_register(&cfg, EXPORT_HTML, path, err, sizeof err), -1, "a file that is not a register is refused");
	unlink(cfg.storage_path);
	config_free(&cfg);
}

static void test_day(void)
{
	char day[EXPORT_DAY_SIZE];

	is_str(export_day(day, "2026-11-24T10:00:00Z"), "2026-11-24", "the day of a timestamp");
	is_str(export_day(day, "2026-11-2\xc3\xa9"), "?", "text that is not a date is \"?\"");
	is_str(export_day(day, "2026"), "?", "a short one too");
	is_str(export_day(day, NULL), "?", "and none");
}

int main(void)
{
	struct store *st = NULL;
	char db[256], empty[256], err[512];

	test_day();
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/vigil.db", dir);
	snprintf(empty, sizeof empty, "%s/empty.db", dir);
	if (store_open(&st, db, 0, template_schema(), err, sizeof err) < 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	file(st, nasty, "medium", "high", 1);   /* T-1 high */
	file(st, "Unassessed, empty", "", "", 0); /* T-2 unassessed */
	file(st, "Critical one", "high", "high", 1); /* T-3 critical */
	file(st, "Low one", "low", "medium", 0); /* T-4 low */
	file(st, "Old threat", "low", "low", 0); /* T-5, retired below */
	retire(st, 5);
	store_close(st);
	if (store_open(&st, empty, 0, template_schema(), err, sizeof err) < 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	store_close(st);

	test_xep(db);
	test_html(db);
	test_markdown(db);
	test_empty(empty);
	test_errors();

	unlink(db);
	unlink(empty);
	{
		char path[300];
		snprintf(path, sizeof path, "%s-wal", db);
		unlink(path);
		snprintf(path, sizeof path, "%s-shm", db);
		unlink(path);
		snprintf(path, sizeof path, "%s-wal", empty);
		unlink(path);
		snprintf(path, sizeof path, "%s-shm", empty);
		unlink(path);
	}
	rmdir(dir);
	xmlCleanupParser();
	return done_testing();
}
