/* SPDX-License-Identifier: MIT */
/* The stored shape of a threat: plain strings, no XMPP, no SQL. The template
 * (commands/register/template.c) maps form vars onto its slots. */
#ifndef VIGIL_STORAGE_THREAT_H
#define VIGIL_STORAGE_THREAT_H

#include <stddef.h>

/* The template's text fields are slots 0..n-1 of struct threat. Which slot
 * holds what, and the column it is stored in, is the template's to say
 * (commands/register/template.h: enum threat_field and the table); storage
 * gets the column list at run time (struct threat_schema, storage/store.h)
 * and knows no field by name. */
#define THREAT_FIELDS_MAX 16

/* Where one slot is stored: the same column of `threats` and of
 * `threat_revisions`. */
struct threat_column {
	const char *column;  /* SQL column name: a constant of the template ([a-z_]), never user text */
	const char *var;     /* its name in a revision's `changed` list (the PROTOCOL.md var) */
	int not_null;        /* NOT NULL in the schema: an empty value is stored as "" */
};

/* The stored text fields, by slot: columns[i] holds t->field[i]. Given to
 * store_open by whoever owns the template; storage copies it. */
struct threat_schema {
	size_t count;        /* at most THREAT_FIELDS_MAX */
	struct threat_column columns[THREAT_FIELDS_MAX];
};

struct threat {
	long long id;                      /* n of "T-n"; 0 until stored */
	long long revision;                /* 1 on filing, +1 on every change */
	char *field[THREAT_FIELDS_MAX];    /* by slot; owned, UTF-8; NULL means empty */
	char *priority;                    /* owned; computed by commands/priority */
	int priority_rank;                 /* 0 unassessed, 1 note .. 5 critical */
	char *author;                      /* owned; bare JID of the filer */
	char *created;                     /* owned; XEP-0082 UTC, set by storage */
	char *updated;                     /* owned; XEP-0082 UTC, set by storage */
};

/* One entry of a threat's history. */
struct threat_revision {
	long long revision;
	char *at;        /* XEP-0082 UTC */
	char *who;       /* bare JID */
	char *changed;   /* space-separated field names (storage column names) */
	char *note;      /* rationale / reason, may be NULL */
	struct threat state; /* the full state after this revision */
};

void threat_init(struct threat *t);          /* zero everything */
void threat_clear(struct threat *t);         /* free owned strings, zero */
int threat_copy(struct threat *dst, const struct threat *src); /* deep copy; 0 or -1 */
/* Replaces t->field[slot] by a copy of value (NULL or "" -> NULL). 0 or -1. */
int threat_set(struct threat *t, int slot, const char *value);
/* The text in slot, or "" when empty. */
const char *threat_get(const struct threat *t, int slot);
void threat_revision_clear(struct threat_revision *r);

#endif
