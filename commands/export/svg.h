/* SPDX-License-Identifier: MIT */
/* Attack trees drawn: Graphviz's C library lays the tree out (cgraph builds
 * the graph through its API, gvc renders SVG to memory) and libxml2 parses
 * the result into the document. User text only ever reaches Graphviz as an
 * attribute value set with agsafeset(), which Graphviz escapes for SVG;
 * nothing is pasted into DOT. */
#ifndef VIGIL_EXPORT_SVG_H
#define VIGIL_EXPORT_SVG_H

#include <libxml/tree.h>

#include "commands/register/attack_tree.h"

struct svg_drawer;

/* One Graphviz context, kept for every tree of a document. NULL when out of
 * memory. */
struct svg_drawer *svg_drawer_new(void);
void svg_drawer_free(struct svg_drawer *d);

/* Draws the parsed and evaluated tree as an inline <svg> appended to parent:
 * AND steps are double-bordered boxes headed "AND", OR steps ellipses
 * headed "OR", leaves rounded boxes; costs on the nodes; impossible steps
 * dashed and labelled, equipment labelled; the cheapest attack (nodes and
 * edges) in the class "cheapest", drawn thick and red. Every node is a
 * <g class="node ..."> with id "<id_prefix>-n<index>" and the full step as
 * its <title>. Returns 0, or -1 (nothing appended) when Graphviz or libxml2
 * fails. */
int svg_attack_tree(struct svg_drawer *d, xmlNodePtr parent, const struct attack_tree *tree,
		    const struct attack_eval *ev, const char *id_prefix);

#endif
