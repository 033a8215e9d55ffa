/* SPDX-License-Identifier: MIT */
/* The HTML pieces the one-page export (html.c) and the site (site*.c)
 * share: the page with its style (screen and print), a threat's section
 * with every template item, the attack tree drawn, the summary table. Built
 * with libxml2's tree API: every text is escaped by libxml2. */
#ifndef VIGIL_EXPORT_PAGE_H
#define VIGIL_EXPORT_PAGE_H

#include <libxml/HTMLtree.h>

#include "storage/threat.h"

struct svg_drawer;

/* How a page links to a threat: "#T-7" within one page, "T-7.html" in the site. */
enum page_links { PAGE_LINKS_ANCHOR, PAGE_LINKS_FILES };

/* A new <!DOCTYPE html> document with head (charset, viewport, title, the
 * style) and an empty body in *body. NULL when out of memory. */
htmlDocPtr page_new(const char *title, xmlNodePtr *body);

/* href for threat id as links says ("#T-7" or "T-7.html"). */
void page_threat_href(long long id, enum page_links links, char *buf, size_t len);

/* An element with an id attribute (NULL: none). */
xmlNodePtr page_heading(xmlNodePtr parent, const char *tag, const char *text, const char *id);

/* The attack tree: drawn (d may be NULL: not drawn), its legend, its
 * evaluation, and the tree as nested lists in <details> (the text
 * alternative). id_prefix makes the drawing's ids unique in the page. */
void page_attack_tree(xmlNodePtr parent, const char *notation, struct svg_drawer *d,
		      const char *id_prefix);

/* A threat's template items a..j under parent, each headed by `item_tag`
 * (h3 in a section, h2 on a threat's own page). When d is NULL and
 * tree_href is set, the tree is not drawn and a link to tree_href says
 * where it is. */
void page_threat_items(xmlNodePtr parent, const struct threat *t, const char *item_tag,
		       struct svg_drawer *d, const char *tree_href);

/* The threat's assessments and comments (export_discussion) under a
 * `tag` heading "Discussion"; nothing when it has none. */
struct export_doc;
void page_discussion(xmlNodePtr parent, const struct export_doc *doc, long long id, const char *tag);

/* "Priority high · status analyzed · revision 3 · filed by ... on ... · updated ..." */
void page_threat_meta(xmlNodePtr parent, const struct threat *t);

/* The summary table (id, name, likelihood, damage, priority, status). */
xmlNodePtr page_summary_table(xmlNodePtr parent);
void page_summary_row(xmlNodePtr table, const struct threat *t, enum page_links links);

/* The risk matrix (matrix.c): a 3×3 likelihood × damage grid and a "not
 * assessed" row; each <td> has data-likelihood, data-damage, data-count. */
void page_risk_matrix(xmlNodePtr parent, const struct threat *open, size_t n, enum page_links links);

#endif
