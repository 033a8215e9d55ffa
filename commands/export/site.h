/* SPDX-License-Identifier: MIT */
/* The site's documents, each returned as a NUL-terminated buffer (free()):
 * built with libxml2's tree API (site.c writes them, see export.h). */
#ifndef VIGIL_EXPORT_SITE_H
#define VIGIL_EXPORT_SITE_H

#include <stddef.h>

#include "commands/export/export.h"

struct store;
struct svg_drawer;

/* index.html: the risk matrix, the summary table, each open threat's
 * section (its tree drawn on its own page), the retired threats at the end. */
char *site_index(const struct export_doc *doc);

/* T-N.html: every template item, the tree drawn, the revisions and who
 * assessed what (revs, oldest first). */
char *site_threat_page(const struct export_doc *doc, const struct threat *t,
		       const struct threat_revision *revs, size_t nrevs, struct svg_drawer *d);

/* feed.atom (Atom 1.0, RFC 4287): one entry per announcement (a filing, a
 * change of priority, a retirement), newest first, at most SITE_FEED_ENTRIES.
 * base_url NULL: links relative to the feed. */
#define SITE_FEED_ENTRIES 50
char *site_feed(struct store *st, const struct export_doc *doc, const char *base_url);

/* The label of a stored column ("attack_tree" -> "Attack tree"), or the column. */
const char *site_column_label(const char *column);

#endif
