/* SPDX-License-Identifier: MIT */
/* Loading the register for a document and writing the result: see export.h. */
#include "commands/export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "config/config.h"
#include "storage/store.h"

int export_format_parse(const char *name)
{
	if (!name)
		return -1;
	if (strcmp(name, "xep") == 0)
		return EXPORT_XEP;
	if (strcmp(name, "html") == 0)
		return EXPORT_HTML;
	if (strcmp(name, "markdown") == 0 || strcmp(name, "md") == 0)
		return EXPORT_MARKDOWN;
	if (strcmp(name, "site") == 0)
		return EXPORT_SITE;
	return -1;
}

int export_register(const struct vigil_config *cfg, enum export_format format, const char *path,
		    char *err, size_t errlen)
{
	struct export_doc doc;
	struct store *st = NULL;
	char *out = NULL;
	FILE *f = NULL;
	int rc = -1;

	if (format == EXPORT_SITE)
		return export_site(cfg, path, SITE_ALL, NULL, 0, NULL, err, errlen);
	memset(&doc, 0, sizeof doc);
	if (export_open_doc(cfg, &st, &doc, err, errlen) < 0)
		goto out;
	out = format == EXPORT_XEP ? export_xep(&doc) : format == EXPORT_HTML ? export_html(&doc)
									     : export_markdown(&doc);
	if (!out) {
		snprintf(err, errlen, "out of memory while building the document");
		goto out;
	}
	f = !path || strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!f) {
		text_format(err, errlen, "%s: cannot write", path);
		goto out;
	}
	if (fputs(out, f) == EOF || fflush(f) != 0) {
		text_format(err, errlen, "%s: write failed", path ? path : "stdout");
		goto out;
	}
	rc = 0;
out:
	if (f && f != stdout && fclose(f) != 0 && rc == 0) {
		text_format(err, errlen, "%s: write failed", path);
		rc = -1;
	}
	free(out);
	export_doc_clear(&doc);
	store_close(st);
	return rc;
}
