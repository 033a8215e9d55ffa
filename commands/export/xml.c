/* SPDX-License-Identifier: MIT */
/* Shared libxml2 helpers for the documents: see export_xml.h. */
#include "commands/export/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLtree.h>

#include "commands/register/attack_tree.h"
#include "commands/text/text.h"
#include "commands/register/xep_catalogue.h"

#define X (const xmlChar *)

xmlNodePtr xml_child(xmlNodePtr parent, const char *name, const char *text)
{
	/* xmlNewTextChild escapes; xmlNewChild would not */
	return xmlNewTextChild(parent, NULL, X name, text ? X text : NULL);
}

void xml_attr(xmlNodePtr node, const char *name, const char *value)
{
	if (node && value)
		xmlSetProp(node, X name, X value);
}

static void add_text(xmlNodePtr parent, const char *text, size_t len)
{
	if (len)
		xmlAddChild(parent, xmlNewTextLen(X text, (int)len));
}

/* "XEP-" + 1..4 digits not inside a word at p? Returns its length, 0 if not. */
static size_t xep_ref_at(const char *start, const char *p, int *number)
{
	size_t n = 4;

	if (strncasecmp(p, "XEP-", 4) != 0 ||
	    (p > start && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
			   (p[-1] >= '0' && p[-1] <= '9'))))
		return 0;
	*number = 0;
	while (p[n] >= '0' && p[n] <= '9' && n < 9)
		*number = *number * 10 + (p[n++] - '0');
	if (n == 4 || n > 8 || (p[n] >= '0' && p[n] <= '9') ||
	    (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'))
		return 0;
	return n;
}

static void add_link(xmlNodePtr parent, int number, const char *text, size_t len,
		     enum xml_flavour flavour)
{
	const struct xep_entry *e = xep_lookup(number);
	char url[96], label[256];
	xmlNodePtr link;

	if (!e) {
		add_text(parent, text, len); /* unknown numbers stay text */
		return;
	}
	snprintf(url, sizeof url, "https://xmpp.org/extensions/xep-%04d.html", number);
	text_format(label, sizeof label, "XEP-%04d: %s", number, e->title);
	if (flavour == XML_XEP) {
		link = xml_child(parent, "link", label);
		xml_attr(link, "url", url);
	} else {
		link = xml_child(parent, "a", label);
		xml_attr(link, "href", url);
	}
}

/* One line into parent, with XEP references as links. */
static void add_line(xmlNodePtr parent, const char *line, size_t len, enum xml_flavour flavour)
{
	const char *p = line, *end = line + len, *run = line;
	char *copy = strndup(line, len);
	size_t ref;
	int number;

	if (!copy)
		return;
	for (p = copy, run = copy, end = copy + len; p < end; p++) {
		if ((ref = xep_ref_at(copy, p, &number)) == 0)
			continue;
		add_text(parent, run, (size_t)(p - run));
		add_link(parent, number, p, ref, flavour);
		p += ref - 1;
		run = p + 1;
	}
	add_text(parent, run, (size_t)(end - run));
	free(copy);
}

void xml_paragraphs(xmlNodePtr parent, const char *text, enum xml_flavour flavour)
{
	const char *p = text ? text : "";
	xmlNodePtr para = NULL;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int blank = strspn(p, " \t") >= len;

		if (blank) {
			para = NULL; /* a blank line ends the paragraph */
		} else {
			if (!para)
				para = xml_child(parent, "p", NULL);
			else
				xmlNewChild(para, NULL, X "br", NULL);
			add_line(para, p, len, flavour);
		}
		p = nl ? nl + 1 : p + len;
	}
}

void xml_attack_tree(xmlNodePtr parent, const char *notation, enum xml_flavour flavour)
{
	struct attack_tree tree;
	struct attack_eval ev;
	xmlNodePtr *items = NULL, *lists = NULL, root, para;
	char err[256], buf[128];
	size_t i;

	if (attack_tree_parse(notation, &tree, err, sizeof err) < 0) {
		para = xml_child(parent, "p", "The attack tree is not valid: ");
		add_text(para, err, strlen(err));
		return;
	}
	attack_tree_evaluate(&tree, &ev);
	items = calloc(tree.count ? tree.count : 1, sizeof *items);  /* each node's <li> */
	lists = calloc(tree.count ? tree.count : 1, sizeof *lists);  /* its children's <ul> */
	root = items && lists ? xml_child(parent, "ul", NULL) : NULL;
	for (i = 0; root && i < tree.count; i++) {
		const struct attack_node *n = &tree.nodes[i];
		int children = i + 1 < tree.count && tree.nodes[i + 1].parent == (int)i;
		const char *kind = children ? (n->kind == ATTACK_AND ? "AND: " : "OR: ") : "";
		xmlNodePtr ul = root, label;

		if (n->parent >= 0) {
			if (!lists[n->parent])
				lists[n->parent] = xml_child(items[n->parent], "ul", NULL);
			ul = lists[n->parent];
		}
		items[i] = xml_child(ul, "li", NULL);
		label = items[i];
		if (n->cheapest) {
			/* the cheapest attack stands out */
			label = xml_child(items[i], "strong", NULL);
			if (flavour == XML_HTML)
				xml_attr(label, "class", "cheapest");
		}
		add_text(label, kind, strlen(kind));
		add_text(label, n->text, strlen(n->text));
		buf[0] = '\0';
		if (n->has_cost)
			snprintf(buf, sizeof buf, " — cost %llu", n->cost);
		else if (children && n->possible && n->cost_known)
			snprintf(buf, sizeof buf, " — cheapest %llu", n->total);
		if (n->equipment)
			strncat(buf, ", special equipment", sizeof buf - strlen(buf) - 1);
		if (!n->possible)
			strncat(buf, ", impossible", sizeof buf - strlen(buf) - 1);
		if (n->cheapest && !children)
			strncat(buf, " (cheapest attack)", sizeof buf - strlen(buf) - 1);
		add_text(items[i], buf, strlen(buf));
	}
	para = xml_child(parent, "p", "Evaluation: ");
	add_text(para, ev.summary, strlen(ev.summary));
	free(items);
	free(lists);
	attack_tree_free(&tree);
}

char *xml_serialise(xmlDocPtr doc, enum xml_flavour flavour)
{
	xmlChar *mem = NULL;
	char *out;
	int len = 0;

	if (flavour == XML_HTML)
		htmlDocDumpMemoryFormat(doc, &mem, &len, 1);
	else
		xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 1);
	if (!mem)
		return NULL;
	out = malloc((size_t)len + 1);
	if (out) {
		memcpy(out, mem, (size_t)len);
		out[len] = '\0';
	}
	xmlFree(mem);
	return out;
}
