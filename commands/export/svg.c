/* SPDX-License-Identifier: MIT */
/* Attack trees drawn with Graphviz: see svg.h. */
#include "config.h"
#include "commands/export/svg.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>
#include <gvplugin.h>

#include "commands/text/text.h"

#define X (const xmlChar *)
#define LABEL_CHARS 120   /* a step's label is shortened; its <title> keeps it whole */
#define WRAP_CHARS 28     /* code points per label line, top-down */
#define WRAP_WIDE_CHARS 48 /* left to right: fewer, longer lines keep the column short */
#define TOP_DOWN_MAX 30   /* larger trees are laid out left to right */

#ifndef GRAPHVIZ_PLUGIN_DIR
#define GRAPHVIZ_PLUGIN_DIR "/usr/lib/x86_64-linux-gnu/graphviz"
#endif

/* Only the two plugins a drawing needs: dot's layout and the core
 * renderers (SVG). gvContext() would load every installed plugin, pango's
 * among them, which measures text through fontconfig in threads of its own
 * and reads freed memory in Graphviz 2.43 (valgrind); without it Graphviz
 * estimates text widths from its own Helvetica metrics. They stay loaded
 * (RTLD_NODELETE): dot keeps buffers in statics for the process's life. */
static const char *const plugins[][2] = {
	{ GRAPHVIZ_PLUGIN_DIR "/libgvplugin_dot_layout.so.6", "gvplugin_dot_layout_LTX_library" },
	{ GRAPHVIZ_PLUGIN_DIR "/libgvplugin_core.so.6", "gvplugin_core_LTX_library" },
};
#define PLUGINS (sizeof plugins / sizeof plugins[0])

struct svg_drawer {
	GVC_t *gvc;
	void *handles[PLUGINS];
};

void svg_drawer_free(struct svg_drawer *d)
{
	size_t i;

	if (!d)
		return;
	if (d->gvc)
		gvFreeContext(d->gvc);
	for (i = 0; i < PLUGINS; i++)
		if (d->handles[i])
			dlclose(d->handles[i]);
	free(d);
}

struct svg_drawer *svg_drawer_new(void)
{
	static const lt_symlist_t none[] = { { NULL, NULL } };
	struct svg_drawer *d = calloc(1, sizeof *d);
	size_t i;

	if (!d)
		return NULL;
	agseterr(AGERR); /* warnings are Graphviz's business, not the log's */
	d->gvc = gvContextPlugins(none, 0);
	for (i = 0; d->gvc && i < PLUGINS; i++) {
		void *lib;
		d->handles[i] = dlopen(plugins[i][0], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
		lib = d->handles[i] ? dlsym(d->handles[i], plugins[i][1]) : NULL;
		if (!lib) {
			svg_drawer_free(d);
			return NULL;
		}
		gvAddLibrary(d->gvc, lib);
	}
	if (!d->gvc) {
		free(d);
		return NULL;
	}
	return d;
}

/* Appends s to t wrapped at spaces every WRAP_CHARS code points; a backslash
 * is doubled, since Graphviz reads \N, \G, \n ... as escapes in labels. The
 * line breaks are Graphviz's "\n". */
static void put_wrapped(struct text *t, const char *s, size_t wrap)
{
	size_t col = 0;

	for (; *s; s++) {
		if ((*s & 0xC0) != 0x80)
			col++;
		if (*s == ' ' && col >= wrap) {
			text_put(t, "\\n");
			col = 0;
			continue;
		}
		if (*s == '\\')
			text_put(t, "\\\\");
		else
			text_add(t, "%c", *s);
	}
}

static char *node_label(const struct attack_node *n, int has_children, size_t wrap)
{
	struct text t = { 0 };
	char step[LABEL_CHARS * 4 + 8];

	if (has_children)
		text_put(&t, n->kind == ATTACK_AND ? "AND\\n" : "OR\\n");
	text_shorten(step, sizeof step, n->text, LABEL_CHARS);
	put_wrapped(&t, step, wrap);
	if (n->has_cost)
		text_add(&t, "\\ncost %llu", n->cost);
	else if (has_children && n->possible && n->cost_known)
		text_add(&t, "\\ncheapest %llu", n->total);
	if (!n->possible)
		text_put(&t, n->marked_impossible ? "\\n✗ impossible" : "\\n✗ not possible");
	if (n->equipment)
		text_put(&t, "\\n⚙ special equipment");
	return text_take(&t);
}

static void set(void *obj, const char *name, const char *value)
{
	agsafeset(obj, (char *)name, (char *)value, "");
}

static Agraph_t *build(const struct attack_tree *tree, const char *prefix)
{
	Agraph_t *g = agopen("attack-tree", Agdirected, NULL);
	Agnode_t **nodes;
	char name[32], id[96], cls[96];
	size_t i;
	int failed = 0, wide = tree->count > TOP_DOWN_MAX;

	if (!g)
		return NULL;
	nodes = calloc(tree->count ? tree->count : 1, sizeof *nodes);
	if (!nodes) {
		agclose(g);
		return NULL;
	}
	text_format(id, sizeof id, "%s-tree", prefix);
	set(g, "id", id);
	/* a large tree reads as an outline, left to right, its steps stacked
	 * closely: 500 steps stay legible at full size, scrolled */
	set(g, "rankdir", wide ? "LR" : "TB");
	set(g, "nodesep", wide ? "0.06" : "0.2");
	set(g, "ranksep", wide ? "0.4" : "0.3");
	set(g, "fontname", "Helvetica");
	for (i = 0; i < tree->count && !failed; i++) {
		const struct attack_node *n = &tree->nodes[i];
		int children = i + 1 < tree->count && tree->nodes[i + 1].parent == (int)i;
		char *label = node_label(n, children, wide ? WRAP_WIDE_CHARS : WRAP_CHARS);

		snprintf(name, sizeof name, "n%zu", i);
		nodes[i] = agnode(g, name, 1);
		if (!nodes[i] || !label) {
			free(label);
			failed = 1;
			break;
		}
		set(nodes[i], "label", label);
		free(label);
		text_format(id, sizeof id, "%s-n%zu", prefix, i);
		set(nodes[i], "id", id);
		set(nodes[i], "fontname", "Helvetica");
		set(nodes[i], "fontsize", "11");
		set(nodes[i], "margin", "0.16,0.06"); /* room for a wider fallback font */
		snprintf(cls, sizeof cls, "%s%s%s%s", !children ? "leaf" : n->kind == ATTACK_AND ? "and" : "or",
			 n->possible ? "" : " impossible", n->equipment ? " equipment" : "",
			 n->cheapest ? " cheapest" : "");
		set(nodes[i], "class", cls);
		set(nodes[i], "shape", children && n->kind == ATTACK_OR ? "ellipse" : "box");
		if (children && n->kind == ATTACK_AND)
			set(nodes[i], "peripheries", "2");
		set(nodes[i], "style", !children ? (n->possible ? "rounded,filled" : "rounded,dashed,filled")
						 : (n->possible ? "filled" : "dashed,filled"));
		set(nodes[i], "fillcolor", n->cheapest ? "#fde2e2" : n->possible ? "#ffffff" : "#eeeeee");
		set(nodes[i], "color", n->cheapest ? "#b00000" : n->possible ? "#333333" : "#777777");
		set(nodes[i], "penwidth", n->cheapest ? "3" : "1");
		if (n->parent >= 0) {
			const struct attack_node *p = &tree->nodes[n->parent];
			Agedge_t *e = agedge(g, nodes[n->parent], nodes[i], NULL, 1);
			if (!e) {
				failed = 1;
				break;
			}
			text_format(id, sizeof id, "%s-e%zu", prefix, i);
			set(e, "id", id);
			set(e, "arrowhead", "none");
			if (n->cheapest && p->cheapest) {
				set(e, "class", "cheapest");
				set(e, "color", "#b00000");
				set(e, "penwidth", "3");
			} else if (!n->possible) {
				set(e, "style", "dashed");
			}
		}
	}
	free(nodes);
	if (failed) {
		agclose(g);
		return NULL;
	}
	return g;
}

static xmlNodePtr first_element(xmlNodePtr n, const char *name)
{
	for (; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, X name) == 0)
			return n;
	return NULL;
}

static void replace_text(xmlNodePtr node, const char *text)
{
	while (node->children) {
		xmlNodePtr c = node->children;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	xmlAddChild(node, xmlNewText(X text)); /* xmlNewText does not read entities */
}

/* Graphviz's titles are the node names (n0, n1 ...): each node's becomes its
 * whole step, the edges' go, and so do the comments. */
static void retitle(xmlNodePtr parent, const struct attack_tree *tree, const char *prefix)
{
	xmlNodePtr n = parent->children, next;
	size_t plen = strlen(prefix);

	for (; n; n = next) {
		next = n->next;
		if (n->type == XML_COMMENT_NODE) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, X "g") != 0)
			continue;
		xmlChar *id = xmlGetProp(n, X "id");
		xmlNodePtr title = first_element(n->children, "title");
		if (id && title && strncmp((const char *)id, prefix, plen) == 0) {
			const char *rest = (const char *)id + plen;
			size_t i;
			if (sscanf(rest, "-n%zu", &i) == 1 && i < tree->count) {
				replace_text(title, tree->nodes[i].text);
			} else if (rest[0] == '-' && rest[1] == 'e') {
				xmlUnlinkNode(title);
				xmlFreeNode(title);
			} else if (strcmp(rest, "-tree") == 0) {
				xmlUnlinkNode(title);
				xmlFreeNode(title);
				retitle(n, tree, prefix);
			}
		}
		xmlFree(id);
	}
}

/* Graphviz sizes the drawing in points ("544pt"); HTML wants CSS pixels
 * without a unit (HTML Tidy rejects the unit), 4/3 of a point. */
static void size_in_pixels(xmlNodePtr svg, const char *name)
{
	xmlChar *v = xmlGetProp(svg, X name);
	char px[32];
	double pt;
	char *end;

	if (!v)
		return;
	pt = strtod((const char *)v, &end);
	if (end != (char *)v && strcmp(end, "pt") == 0 && pt > 0 && pt < 1e7) {
		snprintf(px, sizeof px, "%.0f", pt * 4.0 / 3.0);
		xmlSetProp(svg, X name, X px);
	}
	xmlFree(v);
}

int svg_attack_tree(struct svg_drawer *d, xmlNodePtr parent, const struct attack_tree *tree,
		    const struct attack_eval *ev, const char *id_prefix)
{
	Agraph_t *g;
	char *out = NULL, label[640];
	unsigned int len = 0;
	xmlDocPtr svg = NULL;
	xmlNodePtr root, copy;
	int rc = -1;

	if (!d || !tree->count || !(g = build(tree, id_prefix)))
		return -1;
	if (gvLayout(d->gvc, g, "dot") != 0) {
		agclose(g);
		return -1;
	}
	if (gvRenderData(d->gvc, g, "svg", &out, &len) == 0 && out)
		svg = xmlReadMemory(out, (int)len, "attack-tree.svg", "UTF-8",
				    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOWARNING |
					    XML_PARSE_NOERROR);
	if (out)
		gvFreeRenderData(out);
	gvFreeLayout(d->gvc, g);
	agclose(g);
	root = svg ? xmlDocGetRootElement(svg) : NULL;
	if (!root || xmlStrcmp(root->name, X "svg") != 0)
		goto out;
	retitle(root, tree, id_prefix);
	size_in_pixels(root, "width");
	size_in_pixels(root, "height");
	text_format(label, sizeof label, "Attack tree: %s", ev->summary);
	xmlSetProp(root, X "role", X "img");
	xmlSetProp(root, X "aria-label", X label);
	xmlSetProp(root, X "class", X "attack-tree-svg");
	copy = xmlDocCopyNode(root, parent->doc, 1);
	if (!copy)
		goto out;
	xmlAddChild(parent, copy);
	rc = 0;
out:
	xmlFreeDoc(svg);
	return rc;
}
