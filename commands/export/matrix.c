/* SPDX-License-Identifier: MIT */
/* The risk matrix: likelihood × damage, each cell coloured and named by its
 * OWASP priority (PROTOCOL.md §4), with its count of open threats and links
 * to them, and a row for the threats not assessed yet. See page.h. */
#include <stdio.h>
#include <string.h>

#include "commands/export/page.h"
#include "commands/export/xml.h"
#include "commands/register/ops.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "commands/text/text.h"

#define MATRIX_LINKS 12 /* links a cell shows; the rest are counted */

static const char *const levels[] = { "low", "medium", "high" };

static int level(const char *v)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(v, levels[i]) == 0)
			return i;
	return -1;
}

/* One cell: the priority, the count, links to the first MATRIX_LINKS. */
static void cell(xmlNodePtr tr, const struct threat *open, size_t n, int l, int d,
		 enum page_links links)
{
	const char *priority = l < 0 ? "unassessed"
				     : priority_name(priority_rank(levels[l], levels[d]));
	xmlNodePtr td = xml_child(tr, "td", NULL), ul = NULL, li, a;
	size_t i, count = 0;
	char buf[64], href[48], tid[32], title[256];

	for (i = 0; i < n; i++) {
		int tl = level(threat_get(&open[i], THREAT_LIKELIHOOD));
		int dl = level(threat_get(&open[i], THREAT_DAMAGE));
		if (l < 0 ? (tl >= 0 && dl >= 0) : (tl != l || dl != d))
			continue;
		if (count++ >= MATRIX_LINKS)
			continue;
		if (!ul)
			ul = xml_child(td, "ul", NULL);
		threat_id_format(open[i].id, tid, sizeof tid);
		page_threat_href(open[i].id, links, href, sizeof href);
		li = xml_child(ul, "li", NULL);
		a = xml_child(li, "a", tid);
		xml_attr(a, "href", href);
		text_format(title, sizeof title, "%s", threat_get(&open[i], THREAT_NAME));
		xml_attr(a, "title", title);
	}
	xml_attr(td, "class", priority);
	if (l >= 0) {
		xml_attr(td, "data-likelihood", levels[l]);
		xml_attr(td, "data-damage", levels[d]);
	} else {
		xml_attr(td, "colspan", "3");
		xml_attr(td, "data-likelihood", "unassessed");
	}
	snprintf(buf, sizeof buf, "%zu", count);
	xml_attr(td, "data-count", buf);
	/* the count and the priority first, the links after them */
	if (ul)
		xmlUnlinkNode(ul);
	a = xml_child(td, "span", buf);
	xml_attr(a, "class", "count");
	xml_child(td, "span", priority);
	if (ul) {
		xmlAddChild(td, ul);
		if (count > MATRIX_LINKS) {
			snprintf(buf, sizeof buf, "and %zu more", count - MATRIX_LINKS);
			li = xml_child(ul, "li", buf);
		}
	}
}

void page_risk_matrix(xmlNodePtr parent, const struct threat *open, size_t n, enum page_links links)
{
	static const char *const row_names[] = { "Likelihood low", "Likelihood medium", "Likelihood high" };
	xmlNodePtr table = xml_child(parent, "table", NULL), tr, th;
	int l, d;

	xml_attr(table, "class", "matrix");
	xml_child(table, "caption", "Open threats by likelihood and damage; each cell is named and "
				    "coloured by the priority it gives (OWASP risk rating).");
	tr = xml_child(table, "tr", NULL);
	th = xml_child(tr, "th", "Likelihood \\ damage");
	xml_attr(th, "scope", "col");
	for (d = 0; d < 3; d++) {
		char head[32];
		snprintf(head, sizeof head, "Damage %s", levels[d]);
		th = xml_child(tr, "th", head);
		xml_attr(th, "scope", "col");
	}
	for (l = 2; l >= 0; l--) {
		tr = xml_child(table, "tr", NULL);
		th = xml_child(tr, "th", row_names[l]);
		xml_attr(th, "scope", "row");
		for (d = 0; d < 3; d++)
			cell(tr, open, n, l, d, links);
	}
	tr = xml_child(table, "tr", NULL);
	th = xml_child(tr, "th", "Not assessed");
	xml_attr(th, "scope", "row");
	cell(tr, open, n, -1, 0, links);
}
