/* SPDX-License-Identifier: MIT */
/* The register in and out of other tools: a JSON document of
 * every threat with every revision, assessment and comment (the schema:
 * data/register.schema.json, installed with vigil), read back exactly; CSV
 * of the open threats for
 * spreadsheets. A sibling of commands/export/ (the documents for people):
 * it includes neither it nor the other ways in. */
#ifndef VIGIL_INTERCHANGE_H
#define VIGIL_INTERCHANGE_H

#include <stddef.h>
#include <stdio.h>

struct store;

/* ADTool: one threat's attack tree (adtool.h), not the register. */
enum interchange_format { INTERCHANGE_JSON, INTERCHANGE_CSV, INTERCHANGE_ADTOOL };

/* "json", "csv" or "adtool" -> format; -1 for anything else. */
int interchange_format_parse(const char *name);

/* Writes the whole register from st to out. 0, or -1 with the reason in err. */
int interchange_export(struct store *st, enum interchange_format format, FILE *out, char *err,
		       size_t errlen);

/* The limits of an import (doc/INTERCHANGE.md): a larger or
 * deeper file is refused before it can take the memory. */
#define IMPORT_MAX_BYTES (64L * 1024 * 1024)  /* the file */
#define IMPORT_MAX_THREATS 100000              /* records in one file */
#define IMPORT_MAX_REVISIONS 10000             /* revisions of one threat */
#define IMPORT_MAX_DEPTH 2048                  /* nesting: jansson's parser limit */
#define IMPORT_MAX_ID 999999999999LL           /* T-1 .. T-999999999999 */

/* What the file is: vigil's own document, or an OWASP Threat Dragon v2
 * model whose threats are filed (doc/INTERCHANGE.md). */
enum import_from { IMPORT_FROM_VIGIL, IMPORT_FROM_THREAT_DRAGON, IMPORT_FROM_ADTOOL };

struct import_options {
	enum import_from from;
	const char *by;   /* who imports (the Unix user, or --by): revisions by "import:<by>" */
	int replace;      /* an id that exists is overwritten (a new revision) */
	FILE *report;     /* every rejected record: "PATH: reason", one a line */
};

struct import_result {
	size_t imported;  /* threats new to the register */
	size_t replaced;  /* threats given a new revision (--replace) */
	size_t rejected;  /* problems reported; nothing was imported when > 0 */
	char digest[512]; /* the room's line for the batch */
};

/* Reads a vigil JSON document (interchange_export's) or a Threat Dragon
 * model from path and writes
 * every threat in it to st in one transaction, with an event row for each
 * (announced by the daemon without a room line each) and one for the
 * digest. All or nothing: 0 when every record was written; -1 with the
 * reason in err (every rejected record also on o->report) and nothing
 * changed. */
int interchange_import(struct store *st, const char *path, const struct import_options *o,
		       struct import_result *r, char *err, size_t errlen);

#endif
