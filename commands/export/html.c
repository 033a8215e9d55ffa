/* The register as one standalone HTML page (no external resources), built
 * with libxml2's tree API and serialised by its HTML writer. */
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLtree.h>

#include "commands/export/export.h"
#include "commands/export/xml.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/text.h"

#define X (const xmlChar *)

static const char *const style =
	"body{font-family:system-ui,sans-serif;max-width:58em;margin:2em auto;padding:0 1em;"
	"color:#1d1d1f;line-height:1.45}"
	"h1{font-size:1.7em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
	"h3{font-size:1.05em;margin-bottom:.2em}"
	"table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;"
	"text-align:left;vertical-align:top}th{background:#f0f0f3}"
	".critical{background:#f8d0d0}.high{background:#fbe3c8}.medium{background:#fdf3c4}"
	".low{background:#e3f1dc}.note{background:#e4edf7}"
	".meta{color:#555;font-size:.9em}.cheapest{color:#a00}"
	"ul.tree,ul.tree ul{list-style:none;padding-left:1.2em;border-left:1px dotted #aaa}"
	"nav ol{columns:2}td:first-child{white-space:nowrap}";

static xmlNodePtr heading(xmlNodePtr parent, const char *tag, const char *text, const char *id)
{
	xmlNodePtr h = xml_child(parent, tag, text);

	xml_attr(h, "id", id);
	return h;
}

static void summary_row(xmlNodePtr table, const struct threat *t)
{
	xmlNodePtr tr = xml_child(table, "tr", NULL), a, td;
	char tid[32], href[40];
	const char *l = threat_get(t, THREAT_LIKELIHOOD), *d = threat_get(t, THREAT_DAMAGE);

	threat_id_format(t->id, tid, sizeof tid);
	text_format(href, sizeof href, "#%s", tid);
	td = xml_child(tr, "td", NULL);
	a = xml_child(td, "a", tid);
	xml_attr(a, "href", href);
	xml_child(tr, "td", threat_get(t, THREAT_NAME));
	xml_child(tr, "td", *l ? l : "—");
	xml_child(tr, "td", *d ? d : "—");
	td = xml_child(tr, "td", t->priority);
	xml_attr(td, "class", t->priority);
	xml_child(tr, "td", threat_get(t, THREAT_STATUS));
}

static xmlNodePtr summary_table(xmlNodePtr parent)
{
	static const char *const heads[] = { "Id", "Name", "Likelihood", "Damage", "Priority", "Status" };
	xmlNodePtr table = xml_child(parent, "table", NULL), tr = xml_child(table, "tr", NULL);
	size_t i;

	for (i = 0; i < 6; i++)
		xml_child(tr, "th", heads[i]);
	return table;
}

static void threat_section(xmlNodePtr body, const struct threat *t)
{
	xmlNodePtr section = xml_child(body, "section", NULL), p;
	char title[1024], tid[32], meta[1024], heading_text[80];
	char created[EXPORT_DAY_SIZE], updated[EXPORT_DAY_SIZE];
	char item = 0;
	size_t i;

	threat_id_format(t->id, tid, sizeof tid);
	text_format(title, sizeof title, "%s: %s", tid, threat_get(t, THREAT_NAME));
	heading(section, "h2", title, tid);
	text_format(meta, sizeof meta, "Priority %s · status %s · revision %lld · filed by %s on %s · "
		    "updated %s", t->priority, threat_get(t, THREAT_STATUS), t->revision,
		    t->author ? t->author : "?", export_day(created, t->created),
		    export_day(updated, t->updated));
	p = xml_child(section, "p", meta);
	xml_attr(p, "class", "meta");
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		if (!f->item || f->slot == THREAT_NAME)
			continue; /* the name is the heading */
		if (f->item != item) {
			item = f->item;
			text_format(heading_text, sizeof heading_text, "%c) %s", item, f->label);
			xml_child(section, "h3", heading_text);
		}
		value = f->slot == TEMPLATE_NOT_STORED ? t->priority
						       : threat_get(t, (enum threat_field)f->slot);
		if (f->slot == THREAT_ATTACK_TREE) {
			if (*value) {
				xmlNodePtr div;
				p = xml_child(section, "p", "Attack tree (the cheapest attack in red):");
				xml_attr(p, "class", "meta");
				div = xml_child(section, "div", NULL);
				xml_attr(div, "class", "attack-tree");
				xml_attack_tree(div, value, XML_HTML);
				if (div->children && div->children->type == XML_ELEMENT_NODE)
					xml_attr(div->children, "class", "tree");
			}
		} else if (value && *value) {
			xml_paragraphs(section, value, XML_HTML);
		} else if (f->slot != THREAT_DEFINITION || !*threat_get(t, THREAT_ATTACK_TREE)) {
			p = xml_child(section, "p", f->slot == THREAT_LIKELIHOOD || f->slot == THREAT_DAMAGE ?
						 "Not assessed yet." : "Not described yet.");
			xml_attr(p, "class", "meta");
		}
	}
}

char *export_html(const struct export_doc *doc)
{
	htmlDocPtr html = htmlNewDocNoDtD(NULL, NULL);
	xmlNodePtr root, head, body, meta, nav, ol, li, a, table;
	char buf[1024], tid[32], href[40];
	char *out;
	size_t i;

	if (!html)
		return NULL;
	xmlCreateIntSubset(html, X "html", NULL, NULL); /* <!DOCTYPE html> */
	root = xmlNewNode(NULL, X "html");
	xmlDocSetRootElement(html, root);
	xml_attr(root, "lang", "en");
	head = xml_child(root, "head", NULL);
	meta = xml_child(head, "meta", NULL);
	xml_attr(meta, "charset", "utf-8");
	xml_child(head, "title", "Threats to XMPP Technologies — Security SIG register");
	xml_child(head, "style", style);
	body = xml_child(root, "body", NULL);
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

	heading(body, "h2", "Summary", "summary");
	xml_paragraphs(body, "Priority follows from likelihood and damage (OWASP risk rating): "
			     "high × high is critical, low × low a note. Highest priority first.",
		       XML_HTML);
	if (doc->nopen) {
		table = summary_table(body);
		for (i = 0; i < doc->nopen; i++)
			summary_row(table, &doc->open[i]);
	} else {
		xml_child(body, "p", "The register has no open threat.");
	}
	for (i = 0; i < doc->nopen; i++)
		threat_section(body, &doc->open[i]);
	if (doc->nretired) {
		heading(body, "h2", "Appendix: retired threats", "retired");
		table = summary_table(body);
		for (i = 0; i < doc->nretired; i++)
			summary_row(table, &doc->retired[i]);
		for (i = 0; i < doc->nretired; i++)
			threat_section(body, &doc->retired[i]);
	}
	out = xml_serialise(html, XML_HTML);
	xmlFreeDoc(html);
	return out;
}
