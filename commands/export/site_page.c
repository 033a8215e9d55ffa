/* SPDX-License-Identifier: MIT */
/* A threat's own page of the site: see site.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/export/page.h"
#include "commands/export/site.h"
#include "commands/export/xml.h"
#include "commands/register/ops.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "commands/text/text.h"

#define X (const xmlChar *)

const char *site_column_label(const char *column)
{
	size_t i;

	for (i = 0; i < template_field_count; i++)
		if (template_fields[i].column && strcmp(template_fields[i].column, column) == 0)
			return template_fields[i].label;
	return column;
}

/* "Name, Attack tree" from "name attack_tree". */
static void changed_labels(const char *changed, char *buf, size_t len)
{
	struct text t = { 0 };
	char word[64];
	const char *p = changed ? changed : "";
	char *s;

	while (*p) {
		size_t n = strcspn(p, " ");
		if (n && n < sizeof word) {
			memcpy(word, p, n);
			word[n] = '\0';
			text_add(&t, "%s%s", t.len ? ", " : "", site_column_label(word));
		}
		p += n;
		p += strspn(p, " ");
	}
	s = text_take(&t);
	text_format(buf, len, "%s", s ? s : "");
	free(s);
}

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p && (p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void row(xmlNodePtr table, const char *const *cells, size_t n)
{
	xmlNodePtr tr = xml_child(table, "tr", NULL);
	size_t i;

	for (i = 0; i < n; i++)
		xml_child(tr, "td", cells[i]);
}

static xmlNodePtr head_row(xmlNodePtr parent, const char *const *heads, size_t n)
{
	xmlNodePtr table = xml_child(parent, "table", NULL), tr = xml_child(table, "tr", NULL), th;
	size_t i;

	for (i = 0; i < n; i++) {
		th = xml_child(tr, "th", heads[i]);
		xml_attr(th, "scope", "col");
	}
	return table;
}

static void revisions(xmlNodePtr body, const struct threat_revision *revs, size_t n)
{
	static const char *const heads[] = { "Revision", "When", "Who", "What changed", "Note" };
	static const char *const aheads[] = { "Revision", "When", "Who", "Likelihood", "Damage",
					      "Priority", "Rationale" };
	xmlNodePtr table, assessed = NULL;
	char rev[24], changed[512];
	size_t i;

	page_heading(body, "h2", "Revisions", "revisions");
	table = head_row(body, heads, 5);
	for (i = n; i-- > 0;) {
		const struct threat_revision *r = &revs[i];
		const char *cells[5];
		snprintf(rev, sizeof rev, "%lld", r->revision);
		if (r->revision == 1)
			text_format(changed, sizeof changed, "%s", "filed");
		else
			changed_labels(r->changed, changed, sizeof changed);
		cells[0] = rev;
		cells[1] = r->at ? r->at : "";
		cells[2] = r->who ? r->who : "";
		cells[3] = changed;
		cells[4] = r->note ? r->note : "";
		row(table, cells, 5);
	}
	page_heading(body, "h2", "Who assessed what", "assessments");
	for (i = n; i-- > 0;) {
		const struct threat_revision *r = &revs[i];
		const char *l = threat_get(&r->state, THREAT_LIKELIHOOD), *d = threat_get(&r->state, THREAT_DAMAGE);
		const char *cells[7];
		if (!(r->revision == 1 ? (*l || *d)
				       : has_word(r->changed, "likelihood") || has_word(r->changed, "damage")))
			continue;
		if (!assessed)
			assessed = head_row(body, aheads, 7);
		snprintf(rev, sizeof rev, "%lld", r->revision);
		cells[0] = rev;
		cells[1] = r->at ? r->at : "";
		cells[2] = r->who ? r->who : "";
		cells[3] = *l ? l : "not assessed";
		cells[4] = *d ? d : "not assessed";
		cells[5] = priority_name(priority_rank(l, d));
		cells[6] = r->note ? r->note : "";
		row(assessed, cells, 7);
	}
	if (!assessed)
		xml_child(body, "p", "Nobody has assessed it yet.");
}

char *site_threat_page(const struct export_doc *doc, const struct threat *t,
		       const struct threat_revision *revs, size_t nrevs, struct svg_drawer *d)
{
	xmlNodePtr body, nav, a, main_el, footer, p;
	htmlDocPtr html;
	char title[1024], tid[32];
	char *out;

	threat_id_format(t->id, tid, sizeof tid);
	text_format(title, sizeof title, "%s: %s", tid, threat_get(t, THREAT_NAME));
	html = page_new(title, &body);
	if (!html)
		return NULL;
	nav = xml_child(body, "nav", NULL);
	xml_attr(nav, "aria-label", "Site");
	a = xml_child(nav, "a", "← The register");
	xml_attr(a, "href", "index.html");
	main_el = xml_child(body, "main", NULL);
	page_heading(main_el, "h1", title, tid);
	page_threat_meta(main_el, t);
	page_threat_items(main_el, t, "h2", d, NULL);
	page_discussion(main_el, doc, t->id, "h2");
	revisions(main_el, revs, nrevs);
	footer = xml_child(body, "footer", NULL);
	p = xml_child(footer, "p", "The Security SIG's register (XEP-0139), published ");
	xmlAddChild(p, xmlNewText(X doc->generated));
	xmlAddChild(p, xmlNewText(X ". "));
	a = xml_child(p, "a", "All threats");
	xml_attr(a, "href", "index.html");
	xmlAddChild(p, xmlNewText(X " · "));
	a = xml_child(p, "a", "Feed");
	xml_attr(a, "href", "feed.atom");
	out = xml_serialise(html, XML_HTML);
	xmlFreeDoc(html);
	return out;
}
