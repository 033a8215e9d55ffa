/* The stored shape of a threat: plain strings, no XMPP, no SQL. The template
 * (commands/register/template.c) maps form vars onto these fields. */
#ifndef VIGIL_STORAGE_THREAT_H
#define VIGIL_STORAGE_THREAT_H

#include <stddef.h>

/* Template fields held as text. Order is the template's order (XEP-0139 a)..j)). */
enum threat_field {
	THREAT_NAME,
	THREAT_ABSTRACT,
	THREAT_DEFINITION,
	THREAT_ATTACK_TREE,
	THREAT_LIKELIHOOD,       /* "high" | "medium" | "low" | "" */
	THREAT_DAMAGE,           /* same */
	THREAT_EXISTING,         /* existing-approaches */
	THREAT_GAP,
	THREAT_POTENTIAL,        /* potential-approaches */
	THREAT_RECOMMENDED,      /* recommended-approach */
	THREAT_STATUS,           /* identified | analyzed | addressed | retired */
	THREAT_FIELD_COUNT
};

struct threat {
	long long id;                      /* n of "T-n"; 0 until stored */
	long long revision;                /* 1 on filing, +1 on every change */
	char *field[THREAT_FIELD_COUNT];   /* owned, UTF-8; NULL means empty */
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
/* Replaces t->field[f] by a copy of value (NULL or "" -> NULL). 0 or -1. */
int threat_set(struct threat *t, enum threat_field f, const char *value);
/* Field text or "" when empty. */
const char *threat_get(const struct threat *t, enum threat_field f);
void threat_revision_clear(struct threat_revision *r);

#endif
