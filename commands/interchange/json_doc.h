/* vigil's JSON document (data/register.schema.json), written by
 * json_write.c and read by json_read.c. Internal to commands/interchange/. */
#ifndef VIGIL_INTERCHANGE_JSON_DOC_H
#define VIGIL_INTERCHANGE_JSON_DOC_H

#include <stddef.h>
#include <stdio.h>

struct store;

/* The document's "format" and "version": a reader refuses a version it
 * does not know. */
#define JSON_DOC_FORMAT "vigil-register"
#define JSON_DOC_VERSION 1

int json_write_register(struct store *st, FILE *out, char *err, size_t errlen);

#endif
