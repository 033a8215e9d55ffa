/* The evolving document (XEP-0139's third deliverable): the register as an
 * XEP-format document, a standalone HTML page or Markdown. XML and HTML are
 * built with libxml2's tree API. */
#ifndef VIGIL_EXPORT_H
#define VIGIL_EXPORT_H

#include <stddef.h>

#include "storage/threat.h"

struct store;
struct vigil_config;

enum export_format { EXPORT_XEP, EXPORT_HTML, EXPORT_MARKDOWN };

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
};

/* "xep", "html" or "markdown" -> format; -1 for anything else. */
int export_format_parse(const char *name);

/* Writes the document to path ("-" or NULL: stdout) from the register at
 * cfg's storage.path, opened read-only. 0, or -1 with a message in err. */
int export_register(const struct vigil_config *cfg, enum export_format format, const char *path,
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
