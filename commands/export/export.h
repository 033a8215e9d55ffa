/* SPDX-License-Identifier: MIT */
/* The evolving document (XEP-0139's third deliverable): the register as an
 * XEP-format document, a standalone HTML page or Markdown. XML and HTML are
 * built with libxml2's tree API. */
#ifndef VIGIL_EXPORT_H
#define VIGIL_EXPORT_H

#include <stddef.h>

#include "storage/threat.h"

struct store;
struct vigil_config;

enum export_format { EXPORT_XEP, EXPORT_HTML, EXPORT_MARKDOWN, EXPORT_SITE };

/* One day of the register's history. */
struct export_day {
	char date[11];         /* YYYY-MM-DD */
	size_t changes;
	char *summary;         /* "T-3 filed by alice@localhost; T-1 assessed ..." (owned) */
};

/* What every format renders. */
struct export_doc {
	struct threat *open;     /* not retired, by priority then id */
	size_t nopen;
	struct threat *retired;
	size_t nretired;
	struct export_day *days; /* oldest first */
	size_t ndays;
	char generated[32];      /* XEP-0082 UTC of the export */
	const char *room;        /* the SIG room */
	const char *service;     /* the component JID */
	struct store *store;     /* the register it was read from, for the
				    discussion (NULL: none shown) */
	int quorum;              /* assess.quorum */
};

/* A threat's assessments (how the group stands, each assessor's) and
 * comments (a deleted one as its mark) as paragraphs separated by blank
 * lines (commands/export/discussion.c); NULL when it has none. Caller
 * frees. */
char *export_discussion(const struct export_doc *doc, long long id);

/* "xep", "html", "markdown" or "site" -> format; -1 for anything else. */
int export_format_parse(const char *name);

/* Writes the document to path ("-" or NULL: stdout) from the register at
 * cfg's storage.path, opened read-only; EXPORT_SITE writes the site into
 * the directory path (export_site, every page). 0, or -1 with a message
 * in err. */
int export_register(const struct vigil_config *cfg, enum export_format format, const char *path,
		    char *err, size_t errlen);

/* What export_site wrote. */
struct site_result {
	size_t files;
	unsigned long long bytes;   /* of the files written */
	double ms;                  /* wall time */
};

/* What export_site writes. */
#define SITE_PAGES     (1u << 0) /* threats' pages: every one, or those of ids */
#define SITE_INDEX     (1u << 1) /* index.html */
#define SITE_FEED      (1u << 2) /* feed.atom */
#define SITE_DOCUMENTS (1u << 3) /* threats.xml and threats.md */
#define SITE_ALL (SITE_PAGES | SITE_INDEX | SITE_FEED | SITE_DOCUMENTS)

/* The site (site.c) in dir, from the register at cfg's storage.path opened
 * read-only: what `what` names of index.html, feed.atom, threats.xml,
 * threats.md and the threats' pages T-N.html — every page when ids is
 * NULL, else only those of ids[0..nids) (what changed). Each file is
 * written beside its place and renamed over it, so a reader never sees half
 * a file. Links are relative; absolute ones (the feed's) start with
 * cfg->publish_base_url when set. 0, or -1 with a message in err. */
int export_site(const struct vigil_config *cfg, const char *dir, unsigned what, const long long *ids,
		size_t nids, struct site_result *result, char *err, size_t errlen);

/* For the writers in this folder: the register loaded for a document (open
 * and retired threats, the history by day), and its release. */
int export_load(struct store *st, struct export_doc *doc);
void export_doc_clear(struct export_doc *doc);

/* Opens the register at cfg's storage.path read-only (safe while the daemon
 * runs: WAL readers do not block it) into *st and loads doc, stamped with
 * the time, the room and the service. 0, or -1 with a message in err (*st
 * may then be open: the caller closes it). */
int export_open_doc(const struct vigil_config *cfg, struct store **st, struct export_doc *doc,
		    char *err, size_t errlen);

/* Each writer returns the document as a NUL-terminated buffer (free()). */
/* The day (YYYY-MM-DD) of an XEP-0082 timestamp into out, or "?" when
 * timestamp does not start with one. Returns out. */
#define EXPORT_DAY_SIZE 11
const char *export_day(char out[EXPORT_DAY_SIZE], const char *timestamp);

char *export_xep(const struct export_doc *doc);
char *export_html(const struct export_doc *doc);
char *export_markdown(const struct export_doc *doc);

#endif
