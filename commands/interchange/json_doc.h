/* SPDX-License-Identifier: MIT */
/* vigil's JSON document (data/register.schema.json), written by
 * json_write.c and read by json_read.c. Internal to commands/interchange/. */
#ifndef VIGIL_INTERCHANGE_JSON_DOC_H
#define VIGIL_INTERCHANGE_JSON_DOC_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

struct store;

/* The document's "format" and "version": a reader refuses a version it
 * does not know. */
#define JSON_DOC_FORMAT "vigil-register"
#define JSON_DOC_VERSION 1

int json_write_register(struct store *st, FILE *out, char *err, size_t errlen);

/* Adds threat id's "assessments" and "comments" to its object
 * (json_discussion.c). 0, or -1 with the reason in err. */
int json_write_discussion(struct store *st, long long id, json_t *threat, char *err,
			  size_t errlen);

#endif
