/* SPDX-License-Identifier: MIT */
/* The SIG's discussion kept with the register: each assessor's latest
 * assessment of a threat, and the comments on it. The register's
 * operations (commands/register/discuss.c, ops.c) write them in the
 * transaction of the threat's revision. */
#ifndef VIGIL_STORAGE_DISCUSSION_H
#define VIGIL_STORAGE_DISCUSSION_H

#include <stddef.h>

struct store;

/* One assessor's latest assessment of a threat. */
struct stored_assessment {
	char *assessor;   /* bare JID */
	char *likelihood; /* "" when not assessed */
	char *damage;
	char *rationale;  /* NULL when none */
	char *at;         /* XEP-0082 UTC */
};

/* Keeps assessor's assessment of threat_id, replacing an earlier one.
 * Joins an open transaction. */
int store_assessment_put(struct store *st, long long threat_id, const char *assessor,
			 const char *likelihood, const char *damage, const char *rationale);
/* Every assessment of threat_id, the oldest first. Caller frees with
 * store_assessments_free. */
int store_assessment_list(struct store *st, long long threat_id, struct stored_assessment **out,
			  size_t *count);
void store_assessments_free(struct stored_assessment *list, size_t count);

/* A comment; body is NULL once deleted, the mark (who, when) kept. */
struct stored_comment {
	long long id;        /* #n, over the whole register */
	long long threat_id;
	long long revision;  /* the threat's revision that recorded it */
	char *who;           /* bare JID */
	char *at;            /* XEP-0082 UTC */
	char *body;          /* NULL when deleted */
	char *stanza_id;     /* the room message's XEP-0359 stanza-id, NULL when none */
	char *deleted_by;    /* NULL unless deleted */
	char *deleted_at;
};

/* Records a comment and sets *id. Joins an open transaction. */
int store_comment_add(struct store *st, long long threat_id, long long revision, const char *who,
		      const char *body, const char *stanza_id, long long *id);
/* Comment id into out (zeroed by the caller). STORE_NOTFOUND. */
int store_comment_get(struct store *st, long long id, struct stored_comment *out);
/* Deletes its text, keeping the mark of who deleted it and when. Joins an
 * open transaction. STORE_NOTFOUND when there is no such comment. */
int store_comment_delete(struct store *st, long long id, const char *by);
/* The newest `max` comments of threat_id (0: all), the oldest of them first;
 * *total (may be NULL) counts them all, deleted ones included. */
int store_comment_list(struct store *st, long long threat_id, size_t max,
		       struct stored_comment **out, size_t *count, long long *total);
void stored_comment_clear(struct stored_comment *c);
void store_comments_free(struct stored_comment *list, size_t count);

/* An import's way back (commands/interchange/): each joins an open
 * transaction and writes what it is given as it is (times, ids, marks). */
/* Forgets threat_id's assessments and comments (--replace). */
int store_discussion_clear(struct store *st, long long threat_id);
/* Keeps a's assessment of threat_id with its own time. */
int store_assessment_restore(struct store *st, long long threat_id,
			     const struct stored_assessment *a);
/* Keeps c under its own id (c->threat_id, revision, times, deletion mark);
 * later comments are numbered after the highest id kept. */
int store_comment_restore(struct store *st, const struct stored_comment *c);

#endif
