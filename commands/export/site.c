/* SPDX-License-Identifier: MIT */
/* The register as a site: index.html, a page per threat, threats.xml,
 * threats.md and feed.atom in one directory, every file written beside its
 * place and renamed over it (rename(2) is atomic: a reader sees the old
 * file or the new one, never half of one). See export.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands/export/page.h"
#include "commands/export/site.h"
#include "commands/register/discussion_text.h"
#include "commands/export/svg.h"
#include "commands/export/xml.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "config/config.h"
#include "storage/store.h"

#define X (const xmlChar *)

/* Where the threats' sections go in the serialised index: a comment
 * "<!--vigil-sections-R-->". libxml2's HTML serialiser leaves "<" as it is
 * in attribute values, so a threat's text can hold such a comment too
 * (the sections would go in there, and the text after it come out as
 * markup). R is 128 random bits drawn for each page, so no
 * text can hold it in advance (a counted N could be exhausted by names
 * holding every value); the page must hold the mark exactly twice, the two
 * comments themselves, and another R is drawn in the unlikely other case. */
#define SECTIONS_TRIES 4

/* name: "vigil-sections-" and 32 hex digits. */
static int sections_mark(char *name, size_t size)
{
	unsigned char r[16];
	size_t got = 0, i, at;
	ssize_t n;

	while (got < sizeof r) {
		n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	if (size < sizeof "vigil-sections-" + 2 * sizeof r)
		return -1;
	at = (size_t)snprintf(name, size, "vigil-sections-");
	for (i = 0; i < sizeof r; i++) {
		name[at++] = "0123456789abcdef"[r[i] >> 4];
		name[at++] = "0123456789abcdef"[r[i] & 15];
	}
	name[at] = '\0';
	return 0;
}

static void section(xmlNodePtr parent, const struct threat *t)
{
	xmlNodePtr s = xml_child(parent, "section", NULL);
	char title[1024], tid[32], href[48];

	threat_id_format(t->id, tid, sizeof tid);
	page_threat_href(t->id, PAGE_LINKS_FILES, href, sizeof href);
	text_format(title, sizeof title, "%s: %s", tid, threat_get(t, THREAT_NAME));
	page_heading(s, "h2", title, tid);
	page_threat_meta(s, t);
	page_threat_items(s, t, "h3", NULL, href);
}

static void downloads(xmlNodePtr parent)
{
	static const char *const files[][2] = {
		{ "threats.xml", "The document in the XEP format" },
		{ "threats.md", "The document in Markdown" },
		{ "feed.atom", "The announcements as an Atom feed" },
	};
	xmlNodePtr ul = xml_child(parent, "ul", NULL), a;
	size_t i;

	for (i = 0; i < 3; i++) {
		a = xml_child(xml_child(ul, "li", NULL), "a", files[i][1]);
		xml_attr(a, "href", files[i][0]);
	}
}

/* The sections of n threats, each built, serialised and freed in turn, so
 * that a large register never stands whole in libxml2's tree. */
static void sections(struct text *out, htmlDocPtr html, const struct threat *list, size_t n)
{
	xmlBufferPtr buf = xmlBufferCreate();
	size_t i;

	if (!buf) {
		out->failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		xmlNodePtr holder = xmlNewDocNode(html, NULL, X "div", NULL);
		if (!holder) {
			out->failed = 1;
			break;
		}
		section(holder, &list[i]);
		xmlBufferEmpty(buf);
		if (htmlNodeDump(buf, html, holder->children) < 0)
			out->failed = 1;
		text_put(out, (const char *)xmlBufferContent(buf));
		text_put(out, "\n");
		xmlFreeNode(holder);
	}
	xmlBufferFree(buf);
}

/* The serialised page with the sections of the open threats at the first
 * mark and of the retired ones at the second. */
static char *fill_sections(char *page, const char *mark, htmlDocPtr html,
			   const struct export_doc *doc)
{
	struct text out = { 0 };
	char *at = page ? strstr(page, mark) : NULL, *second = at ? strstr(at + 1, mark) : NULL;

	if (!at || !second || strstr(second + 1, mark)) {
		free(page);
		return NULL;
	}
	*at = *second = '\0';
	text_put(&out, page);
	sections(&out, html, doc->open, doc->nopen);
	text_put(&out, at + strlen(mark));
	sections(&out, html, doc->retired, doc->nretired);
	text_put(&out, second + strlen(mark));
	free(page);
	return text_take(&out);
}

char *site_index(const struct export_doc *doc)
{
	xmlNodePtr body, head, link, nav, ol, a, table, main_el, footer, first_mark, second_mark;
	unsigned n;
	htmlDocPtr html = page_new("Threats to XMPP Technologies — Security SIG register", &body);
	char buf[1024];
	char *out;
	size_t i;

	if (!html)
		return NULL;
	head = xmlDocGetRootElement(html)->children;
	link = xml_child(head, "link", NULL);
	xml_attr(link, "rel", "alternate");
	xml_attr(link, "type", "application/atom+xml");
	xml_attr(link, "title", "Announcements");
	xml_attr(link, "href", "feed.atom");
	main_el = xml_child(body, "main", NULL);
	xml_child(main_el, "h1", "Threats to XMPP Technologies");
	text_format(buf, sizeof buf, "The Security SIG's register (XEP-0139), published %s: %zu open "
		    "threats, %zu retired. Room: %s.", doc->generated, doc->nopen, doc->nretired,
		    doc->room ? doc->room : "?");
	xml_paragraphs(main_el, buf, XML_HTML);
	nav = xml_child(main_el, "nav", NULL);
	xml_attr(nav, "aria-label", "Contents");
	ol = xml_child(nav, "ol", NULL);
	a = xml_child(xml_child(ol, "li", NULL), "a", "Risk matrix");
	xml_attr(a, "href", "#matrix");
	a = xml_child(xml_child(ol, "li", NULL), "a", "Summary");
	xml_attr(a, "href", "#summary");
	a = xml_child(xml_child(ol, "li", NULL), "a", "The open threats");
	xml_attr(a, "href", "#threats");
	if (doc->nretired) {
		a = xml_child(xml_child(ol, "li", NULL), "a", "Retired threats");
		xml_attr(a, "href", "#retired");
	}
	a = xml_child(xml_child(ol, "li", NULL), "a", "Downloads and feed");
	xml_attr(a, "href", "#downloads");

	page_heading(main_el, "h2", "Risk matrix", "matrix");
	page_risk_matrix(main_el, doc->open, doc->nopen, PAGE_LINKS_FILES);
	page_heading(main_el, "h2", "Summary", "summary");
	xml_paragraphs(main_el, "Priority follows from likelihood and damage (OWASP risk rating): "
				"high × high is critical, low × low a note. Highest priority first.",
		       XML_HTML);
	if (doc->nopen) {
		table = page_summary_table(main_el);
		xml_attr(table, "id", "summary-table");
		for (i = 0; i < doc->nopen; i++)
			page_summary_row(table, &doc->open[i], PAGE_LINKS_FILES);
	} else {
		xml_child(main_el, "p", "The register has no open threat.");
	}
	page_heading(main_el, "h2", "The open threats", "threats");
	first_mark = xmlAddChild(main_el, xmlNewDocComment(html, X ""));
	if (doc->nretired) {
		page_heading(main_el, "h2", "Retired threats", "retired");
		table = page_summary_table(main_el);
		xml_attr(table, "id", "retired-table");
		for (i = 0; i < doc->nretired; i++)
			page_summary_row(table, &doc->retired[i], PAGE_LINKS_FILES);
	}
	second_mark = xmlAddChild(main_el, xmlNewDocComment(html, X ""));
	footer = xml_child(body, "footer", NULL);
	page_heading(footer, "h2", "Downloads and feed", "downloads");
	downloads(footer);
	out = NULL;
	for (n = 0; first_mark && second_mark && !out && n < SECTIONS_TRIES; n++) {
		char name[64], mark[80];
		if (sections_mark(name, sizeof name) < 0)
			break;
		text_format(mark, sizeof mark, "<!--%s-->", name);
		xmlNodeSetContent(first_mark, X name);
		xmlNodeSetContent(second_mark, X name);
		out = fill_sections(xml_serialise(html, XML_HTML), mark, html, doc);
	}
	xmlFreeDoc(html);
	return out;
}

/* Writes data to dir/name through a temporary file in dir and rename(2). */
static int write_file(const char *dir, const char *name, const char *data, struct site_result *r,
		      char *err, size_t errlen)
{
	char tmp[4096], final[4096];
	size_t len = strlen(data), done = 0;
	int fd;

	text_format(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
	text_format(final, sizeof final, "%s/%s", dir, name);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(tmp);
			goto fail;
		}
		done += (size_t)n;
	}
	/* served by the web server's user: readable by all, like any page */
	if (fchmod(fd, 0644) < 0 || close(fd) < 0 || rename(tmp, final) < 0) {
		unlink(tmp);
		goto fail;
	}
	r->files++;
	r->bytes += len;
	return 0;
fail:
	text_format(err, errlen, "%s: %s", final, strerror(errno));
	return -1;
}

/* Writes what build made (NULL: out of memory) and frees it. */
static int put(const char *dir, const char *name, char *data, struct site_result *r, char *err,
	       size_t errlen)
{
	int rc;

	if (!data) {
		text_format(err, errlen, "out of memory while building %s", name);
		return -1;
	}
	rc = write_file(dir, name, data, r, err, errlen);
	free(data);
	return rc;
}

static const struct threat *find(const struct export_doc *doc, long long id)
{
	size_t i;

	for (i = 0; i < doc->nopen; i++)
		if (doc->open[i].id == id)
			return &doc->open[i];
	for (i = 0; i < doc->nretired; i++)
		if (doc->retired[i].id == id)
			return &doc->retired[i];
	return NULL;
}

static int threat_page(struct store *st, const struct export_doc *doc, const struct threat *t,
		       struct svg_drawer *d, const char *dir, struct site_result *r, char *err,
		       size_t errlen)
{
	struct threat_revision *revs = NULL;
	size_t n = 0;
	char name[48];
	int rc;

	if (store_threat_history(st, t->id, &revs, &n) < 0 ||
	    discussion_fill_history(st, t->id, revs, n) < 0) {
		text_format(err, errlen, "history of T-%lld: %s", t->id, store_errmsg(st));
		return -1;
	}
	page_threat_href(t->id, PAGE_LINKS_FILES, name, sizeof name);
	rc = put(dir, name, site_threat_page(doc, t, revs, n, d), r, err, errlen);
	store_revisions_free(revs, n);
	return rc;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int export_site(const struct vigil_config *cfg, const char *dir, unsigned what, const long long *ids,
		size_t nids, struct site_result *result, char *err, size_t errlen)
{
	struct export_doc doc;
	struct store *st = NULL;
	struct svg_drawer *d = NULL;
	struct site_result r = { 0, 0, 0 };
	double start = now_ms();
	size_t i;
	int rc = -1;

	memset(&doc, 0, sizeof doc);
	if (!dir || !*dir) {
		text_format(err, errlen, "%s", "the site needs a directory (-o DIR)");
		return -1;
	}
	if (mkdir(dir, 0755) == 0) {
		/* readable by the web server whatever the umask (the unit's is 0077) */
		if (chmod(dir, 0755) < 0) {
			text_format(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		text_format(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (export_open_doc(cfg, &st, &doc, err, errlen) < 0)
		goto out;
	/* without Graphviz (its plugins missing) the trees are lists only */
	d = what & SITE_PAGES ? svg_drawer_new() : NULL;
	/* the pages first, the index that links to them after */
	if (!(what & SITE_PAGES))
		nids = 0;
	else if (!ids) {
		for (i = 0; i < doc.nopen; i++)
			if (threat_page(st, &doc, &doc.open[i], d, dir, &r, err, errlen) < 0)
				goto out;
		for (i = 0; i < doc.nretired; i++)
			if (threat_page(st, &doc, &doc.retired[i], d, dir, &r, err, errlen) < 0)
				goto out;
	}
	for (i = 0; ids && i < nids; i++) {
		const struct threat *t = find(&doc, ids[i]);
		if (t && threat_page(st, &doc, t, d, dir, &r, err, errlen) < 0)
			goto out;
	}
	if (((what & SITE_DOCUMENTS) &&
	     (put(dir, "threats.xml", export_xep(&doc), &r, err, errlen) < 0 ||
	      put(dir, "threats.md", export_markdown(&doc), &r, err, errlen) < 0)) ||
	    ((what & SITE_FEED) &&
	     put(dir, "feed.atom", site_feed(st, &doc, cfg->publish_base_url), &r, err, errlen) < 0) ||
	    ((what & SITE_INDEX) && put(dir, "index.html", site_index(&doc), &r, err, errlen) < 0))
		goto out;
	rc = 0;
out:
	svg_drawer_free(d);
	export_doc_clear(&doc);
	store_close(st);
	r.ms = now_ms() - start;
	if (result)
		*result = r;
	return rc;
}
