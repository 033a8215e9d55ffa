/* SPDX-License-Identifier: MIT */
/* The register as one standalone HTML page (no external resources), built
 * with libxml2's tree API and serialised by its HTML writer; the attack
 * trees drawn inline (svg.c). */
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLtree.h>

#include "commands/export/export.h"
#include "commands/export/page.h"
#include "commands/export/svg.h"
#include "commands/export/xml.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"

#define X (const xmlChar *)

static void threat_section(xmlNodePtr body, const struct export_doc *doc, const struct threat *t,
			   struct svg_drawer *d)
{
	xmlNodePtr section = xml_child(body, "section", NULL);
	char title[1024], tid[32];

	threat_id_format(t->id, tid, sizeof tid);
	text_format(title, sizeof title, "%s: %s", tid, threat_get(t, THREAT_NAME));
	page_heading(section, "h2", title, tid);
	page_threat_meta(section, t);
	page_threat_items(section, t, "h3", d, NULL);
	page_discussion(section, doc, t->id, "h3");
}

char *export_html(const struct export_doc *doc)
{
	xmlNodePtr body, nav, ol, li, a, table;
	htmlDocPtr html = page_new("Threats to XMPP Technologies — Security SIG register", &body);
	struct svg_drawer *d;
	char buf[1024], tid[32], href[40];
	char *out;
	size_t i;

	if (!html)
		return NULL;
	d = svg_drawer_new(); /* without it the trees are lists only */
	xml_child(body, "h1", "Threats to XMPP Technologies");
	text_format(buf, sizeof buf, "The Security SIG's register (XEP-0139), exported %s: %zu open "
		    "threats, %zu retired. Room: %s.", doc->generated, doc->nopen, doc->nretired, doc->room);
	xml_paragraphs(body, buf, XML_HTML);

	nav = xml_child(body, "nav", NULL);
	xml_child(nav, "h2", "Contents");
	ol = xml_child(nav, "ol", NULL);
	a = xml_child(xml_child(ol, "li", NULL), "a", "Summary");
	xml_attr(a, "href", "#summary");
	for (i = 0; i < doc->nopen; i++) {
		threat_id_format(doc->open[i].id, tid, sizeof tid);
		text_format(href, sizeof href, "#%s", tid);
		text_format(buf, sizeof buf, "%s: %s", tid, threat_get(&doc->open[i], THREAT_NAME));
		li = xml_child(ol, "li", NULL);
		a = xml_child(li, "a", buf);
		xml_attr(a, "href", href);
	}
	if (doc->nretired) {
		a = xml_child(xml_child(ol, "li", NULL), "a", "Appendix: retired threats");
		xml_attr(a, "href", "#retired");
	}

	page_heading(body, "h2", "Summary", "summary");
	xml_paragraphs(body, "Priority follows from likelihood and damage (OWASP risk rating): "
			     "high × high is critical, low × low a note. Highest priority first.",
		       XML_HTML);
	if (doc->nopen) {
		table = page_summary_table(body);
		for (i = 0; i < doc->nopen; i++)
			page_summary_row(table, &doc->open[i], PAGE_LINKS_ANCHOR);
	} else {
		xml_child(body, "p", "The register has no open threat.");
	}
	for (i = 0; i < doc->nopen; i++)
		threat_section(body, doc, &doc->open[i], d);
	if (doc->nretired) {
		page_heading(body, "h2", "Appendix: retired threats", "retired");
		table = page_summary_table(body);
		for (i = 0; i < doc->nretired; i++)
			page_summary_row(table, &doc->retired[i], PAGE_LINKS_ANCHOR);
		for (i = 0; i < doc->nretired; i++)
			threat_section(body, doc, &doc->retired[i], d);
	}
	out = xml_serialise(html, XML_HTML);
	xmlFreeDoc(html);
	svg_drawer_free(d);
	return out;
}
