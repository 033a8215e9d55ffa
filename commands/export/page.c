/* SPDX-License-Identifier: MIT */
/* Shared HTML pieces of the documents: see page.h. */
#include "commands/export/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/export/export.h"
#include "commands/export/svg.h"
#include "commands/export/xml.h"
#include "commands/register/attack_tree.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"

#define X (const xmlChar *)

/* Priority colours follow the OWASP severities; the priority is always
 * written too, so colour is never the only sign. Print: no navigation,
 * diagrams scaled to the page, a section not split where avoidable. */
static const char *const style =
	"body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
	"color:#1d1d1f;line-height:1.45}"
	"a{color:#0645ad}"
	"h1{font-size:1.7em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
	"h3{font-size:1.05em;margin-bottom:.2em}"
	"table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;"
	"text-align:left;vertical-align:top}th{background:#f0f0f3}"
	".critical{background:#f8d0d0}.high{background:#fbe3c8}.medium{background:#fdf3c4}"
	".low{background:#e3f1dc}.note{background:#e4edf7}.unassessed{background:#f4f4f4}"
	".meta{color:#4a4a4a;font-size:.9em}.cheapest{color:#a00}"
	"ul.tree,ul.tree ul{list-style:none;padding-left:1.2em;border-left:1px dotted #aaa}"
	"nav ol{columns:2}td:first-child{white-space:nowrap}"
	".diagram{overflow-x:auto;border:1px solid #ddd;padding:.5em;background:#fff}"
	".diagram svg{display:block}"
	/* Graphviz measured the labels with Helvetica's metrics at 11; the
	 * fallback sans fonts (DejaVu) are about a tenth wider */
	".diagram svg text{font-family:Helvetica,Arial,\"Liberation Sans\",sans-serif;font-size:10px}"
	".legend{font-size:.85em;color:#4a4a4a}"
	"table.matrix td{width:12em;height:4.5em}table.matrix th[scope=row]{white-space:nowrap}"
	"table.matrix .count{font-size:1.6em;font-weight:bold;display:block}"
	"table.matrix ul{list-style:none;margin:0;padding:0;font-size:.85em}"
	"table.matrix li{display:inline;margin-right:.4em}"
	"footer{margin-top:3em;border-top:1px solid #ccc;font-size:.9em;color:#4a4a4a}"
	"@media print{body{max-width:none;margin:0;font-size:10.5pt;color:#000}"
	"nav,.no-print,details{display:none}a{color:#000;text-decoration:none}"
	".diagram{overflow:visible;border:0;padding:0}"
	".diagram svg{max-width:100%;height:auto}"
	"section,figure,table.matrix{break-inside:avoid}h2,h3{break-after:avoid}"
	"h2{margin-top:1.2em}"
	"td,th{border-color:#666}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

htmlDocPtr page_new(const char *title, xmlNodePtr *body)
{
	htmlDocPtr html = htmlNewDocNoDtD(NULL, NULL);
	xmlNodePtr root, head, meta;

	if (!html)
		return NULL;
	xmlCreateIntSubset(html, X "html", NULL, NULL); /* <!DOCTYPE html> */
	root = xmlNewNode(NULL, X "html");
	xmlDocSetRootElement(html, root);
	xml_attr(root, "lang", "en");
	head = xml_child(root, "head", NULL);
	meta = xml_child(head, "meta", NULL);
	xml_attr(meta, "charset", "utf-8");
	meta = xml_child(head, "meta", NULL);
	xml_attr(meta, "name", "viewport");
	xml_attr(meta, "content", "width=device-width, initial-scale=1");
	xml_child(head, "title", title);
	xml_child(head, "style", style);
	*body = xml_child(root, "body", NULL);
	return html;
}

void page_threat_href(long long id, enum page_links links, char *buf, size_t len)
{
	char tid[32];

	threat_id_format(id, tid, sizeof tid);
	text_format(buf, len, links == PAGE_LINKS_FILES ? "%s.html" : "#%s", tid);
}

xmlNodePtr page_heading(xmlNodePtr parent, const char *tag, const char *text, const char *id)
{
	xmlNodePtr h = xml_child(parent, tag, text);

	xml_attr(h, "id", id);
	return h;
}

/* xml_attack_tree() under parent; returns its list (NULL when the tree did
 * not parse: then only a paragraph says why). */
static xmlNodePtr tree_list(xmlNodePtr parent, const char *notation)
{
	xmlNodePtr before = parent->last, first;

	xml_attack_tree(parent, notation, XML_HTML);
	first = before ? before->next : parent->children;
	if (first && first->type == XML_ELEMENT_NODE && xmlStrcmp(first->name, X "ul") == 0) {
		xml_attr(first, "class", "tree");
		return first;
	}
	return NULL;
}

void page_attack_tree(xmlNodePtr parent, const char *notation, struct svg_drawer *d,
		      const char *id_prefix)
{
	struct attack_tree tree;
	struct attack_eval ev;
	char err[256];
	xmlNodePtr figure, details, p;

	if (d && attack_tree_parse(notation, &tree, err, sizeof err) == 0) {
		attack_tree_evaluate(&tree, &ev);
		figure = xml_child(parent, "figure", NULL);
		xml_attr(figure, "class", "diagram");
		if (svg_attack_tree(d, figure, &tree, &ev, id_prefix) == 0) {
			p = xml_child(figure, "figcaption",
				      "OR: an ellipse, one child is enough. AND: a double box, every "
				      "child is needed. Leaves: rounded boxes with their cost. "
				      "Dashed and ✗: impossible. ⚙: special equipment. Thick red: the "
				      "cheapest attack, from its leaves up to the goal.");
			xml_attr(p, "class", "legend");
		} else {
			xmlUnlinkNode(figure);
			xmlFreeNode(figure);
			d = NULL;
		}
		attack_tree_free(&tree);
	} else {
		d = NULL;
	}
	if (!d) {
		tree_list(parent, notation);
		return;
	}
	details = xml_child(parent, "details", NULL);
	xml_child(details, "summary", "The tree as text");
	/* the evaluation is said outside the folded text */
	if (tree_list(details, notation) && details->last) {
		xmlNodePtr eval = details->last;
		xmlUnlinkNode(eval);
		xmlAddChild(parent, eval);
	}
}

void page_threat_meta(xmlNodePtr parent, const struct threat *t)
{
	char meta[1024], created[EXPORT_DAY_SIZE], updated[EXPORT_DAY_SIZE];
	xmlNodePtr p;

	text_format(meta, sizeof meta, "Priority %s · status %s · revision %lld · filed by %s on %s · "
		    "updated %s", t->priority, threat_get(t, THREAT_STATUS), t->revision,
		    t->author ? t->author : "?", export_day(created, t->created),
		    export_day(updated, t->updated));
	p = xml_child(parent, "p", meta);
	xml_attr(p, "class", "meta");
}

void page_threat_items(xmlNodePtr parent, const struct threat *t, const char *item_tag,
		       struct svg_drawer *d, const char *tree_href)
{
	char heading_text[80], tid[32];
	char item = 0;
	size_t i;
	xmlNodePtr p, a;

	threat_id_format(t->id, tid, sizeof tid);
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		if (!f->item || f->slot == THREAT_NAME)
			continue; /* the name is the heading */
		if (f->item != item) {
			item = f->item;
			text_format(heading_text, sizeof heading_text, "%c) %s", item, f->label);
			xml_child(parent, item_tag, heading_text);
		}
		value = f->slot == TEMPLATE_NOT_STORED ? t->priority
						       : threat_get(t, (enum threat_field)f->slot);
		if (f->slot == THREAT_ATTACK_TREE) {
			if (!*value)
				continue;
			if (!d && tree_href) {
				p = xml_child(parent, "p", "Attack tree: ");
				a = xml_child(p, "a", "drawn on the threat's page");
				xml_attr(a, "href", tree_href);
				/* only the evaluation: the tree itself is on the page */
				xmlNodePtr list = tree_list(parent, value);
				if (list) {
					xmlUnlinkNode(list);
					xmlFreeNode(list);
				}
			} else {
				p = xml_child(parent, "p", "Attack tree (the cheapest attack in red):");
				xml_attr(p, "class", "meta");
				page_attack_tree(parent, value, d, tid);
			}
		} else if (value && *value) {
			xml_paragraphs(parent, value, XML_HTML);
		} else if (f->slot != THREAT_DEFINITION || !*threat_get(t, THREAT_ATTACK_TREE)) {
			p = xml_child(parent, "p", f->slot == THREAT_LIKELIHOOD || f->slot == THREAT_DAMAGE ?
						"Not assessed yet." : "Not described yet.");
			xml_attr(p, "class", "meta");
		}
	}
}

xmlNodePtr page_summary_table(xmlNodePtr parent)
{
	static const char *const heads[] = { "Id", "Name", "Likelihood", "Damage", "Priority", "Status" };
	xmlNodePtr table = xml_child(parent, "table", NULL), tr = xml_child(table, "tr", NULL), th;
	size_t i;

	for (i = 0; i < 6; i++) {
		th = xml_child(tr, "th", heads[i]);
		xml_attr(th, "scope", "col");
	}
	return table;
}

void page_summary_row(xmlNodePtr table, const struct threat *t, enum page_links links)
{
	xmlNodePtr tr = xml_child(table, "tr", NULL), a, td;
	char tid[32], href[48];
	const char *l = threat_get(t, THREAT_LIKELIHOOD), *d = threat_get(t, THREAT_DAMAGE);

	threat_id_format(t->id, tid, sizeof tid);
	page_threat_href(t->id, links, href, sizeof href);
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

void page_discussion(xmlNodePtr parent, const struct export_doc *doc, long long id, const char *tag)
{
	char *text = export_discussion(doc, id);

	if (!text)
		return;
	xml_child(parent, tag, "Discussion");
	xml_paragraphs(parent, text, XML_HTML);
	free(text);
}
