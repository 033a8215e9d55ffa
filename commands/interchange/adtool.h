/* SPDX-License-Identifier: MIT */
/* A threat's attack tree in ADTool's XML (the <adtree> of ADTool 2), both
 * ways, through libxml2 (doc/INTERCHANGE.md). Internal to commands/interchange/
 * and the CLI (component/cli.c). */
#ifndef VIGIL_INTERCHANGE_ADTOOL_H
#define VIGIL_INTERCHANGE_ADTOOL_H

#include <stddef.h>
#include <stdio.h>

#include "commands/interchange/interchange.h"

struct store;

/* The most an ADTool file may be: a tree of vigil's 500 steps is far less. */
#define ADTOOL_MAX_BYTES (4L * 1024 * 1024)

/* Writes threat id's attack tree as an ADTool document to out. 0, or -1
 * with the reason in err (no such threat, no tree). */
int adtool_export(struct store *st, long long id, FILE *out, char *err, size_t errlen);

/* An ADTool document (len bytes at buf) as vigil's notation (PROTOCOL.md
 * §7), in its canonical form: two spaces a level, "AND "/"OR " before a
 * step with children, "[cost=N, impossible, equipment]" after it. *text is
 * the caller's. 0, or -1 with what is wrong, and where, in err. */
int adtool_to_notation(const char *buf, size_t len, char **text, char *err, size_t errlen);

/* Replaces threat id's attack tree with the one in the ADTool file at path:
 * checked as the forms check it, a new revision by "import:<by>", announced
 * as an edit. 0 or -1 with the reason in err; nothing changed then. */
int adtool_import(struct store *st, const char *path, long long id,
		  const struct import_options *o, char *err, size_t errlen);

#endif
