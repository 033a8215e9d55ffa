/* SPDX-License-Identifier: MIT */
/* What an import holds between reading the file and writing the register:
 * one record per threat, checked with the forms' rules, and the problems
 * found on the way, each with its JSON path. Internal to
 * commands/interchange/. */
#ifndef VIGIL_INTERCHANGE_RECORDS_H
#define VIGIL_INTERCHANGE_RECORDS_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "commands/interchange/interchange.h"
#include "storage/discussion.h"
#include "storage/threat.h"

#define RECORD_PATH_BYTES 96

struct import_record {
	char path[RECORD_PATH_BYTES];   /* "$.threats[12]" */
	struct threat current;          /* id 0 when the file gave none */
	int has_author;                 /* the file named the author */
	struct threat_revision *revs;   /* its history as the file has it; none: */
	size_t nrevs;                   /* filed as revision 1 by the import */
	struct stored_assessment *assessments; /* the discussion as the file has */
	size_t nassessments;                   /* it (absent: none), restored as */
	struct stored_comment *comments;       /* it is; with --replace it */
	size_t ncomments;                      /* replaces the register's */
};

struct import_batch {
	struct import_record *records;
	size_t count, cap;
	size_t problems;
	FILE *report;
};

/* Reports a problem at path (printf-style reason), counted in b->problems. */
void batch_reject(struct import_batch *b, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A new record at the end of b, threat_init'ed; NULL when out of memory. */
struct import_record *batch_add(struct import_batch *b, const char *path);
void batch_free(struct import_batch *b);

/* Checks a state as the forms do (validate_threat: limits, options, the
 * attack-tree notation), stores "unassessed" as empty, and sets priority
 * and its rank from likelihood and damage; a priority the file gave must
 * agree. Each problem is reported under path. 0 or -1. */
int record_check_state(struct import_batch *b, const char *path, struct threat *t,
		       const char *given_priority);

/* Whether s is an XEP-0082 UTC time as vigil writes it, 2026-11-30T16:43:51Z. */
int record_is_timestamp(const char *s);

/* Reads the file at path (a vigil document or a Threat Dragon model, by
 * from) into b (json_load.c). 0, or -1 with the reason in err when the file
 * as a whole cannot be read (too large, not JSON, too deep, not of its
 * kind); a bad record is reported in b and reading goes on. */
int import_read_file(enum import_from from, const char *path, struct import_batch *b, char *err,
		     size_t errlen);
/* The same from len bytes at buf (path names it in messages): the fuzz
 * targets' way in. */
int import_read_buffer(enum import_from from, const char *path, const char *buf, size_t len,
		       struct import_batch *b, char *err, size_t errlen);

/* The readers of a parsed document: vigil's own (json_read.c) and an OWASP
 * Threat Dragon v2 model's threats (threat_dragon.c). */
/* The members' readers (json_members.c) of json_read.c and json_discussion.c: every key of
 * o not in known reported; o[key]'s text (NULL when absent or bad, *bad
 * then set: see json_read.c); the same for a UTC time. */
int json_unknown_keys(struct import_batch *b, const char *path, json_t *o,
		      const char *const *known);
const char *json_text_member(struct import_batch *b, const char *path, json_t *o,
			     const char *key, int required, size_t max_chars, int *bad);
const char *json_time_member(struct import_batch *b, const char *path, json_t *o,
			     const char *key, int required, int *bad);

/* A threat's "assessments" and "comments" into r, each problem reported
 * at its path (json_discussion.c); -1 only when out of memory. */
int json_read_discussion(struct import_batch *b, const char *path, json_t *o,
			 struct import_record *r);

int json_read_register(const char *path, json_t *doc, struct import_batch *b, char *err,
		       size_t errlen);
int threat_dragon_read(const char *path, json_t *doc, struct import_batch *b, char *err,
		       size_t errlen);

#endif
