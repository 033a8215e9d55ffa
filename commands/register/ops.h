/* SPDX-License-Identifier: MIT */
/* The register's operations, one function each, shared by the ad-hoc and the
 * chat layer. Each checks the requester's role, validates with the
 * template's rules, commits, and only then reports success. */
#ifndef VIGIL_OPS_H
#define VIGIL_OPS_H

#include <stddef.h>

#include "storage/threat.h"

struct commands_ctx;
struct actor;

/* Codes of their own range (storage's are -1..-19), so a code says which
 * layer it comes from. */
enum op_code {
	OP_OK = 0,
	OP_INVALID = -101,   /* a field is wrong: result.field names it */
	OP_NOTFOUND = -102,  /* no such threat */
	OP_FORBIDDEN = -103, /* the requester's role does not allow it */
	OP_STALE = -104,     /* someone changed the threat first */
	OP_STORAGE = -105,   /* the database refused (read-only, disk full, ...) */
	OP_NOMEM = -106,     /* out of memory: nothing was changed */
};

struct op_result {
	enum op_code code;
	const char *field;     /* var of the offending field, or NULL */
	char message[1024];    /* what to tell the person, error or success */
	char old_priority[16]; /* assess/edit: priority before the change */
};

/* Each operation takes who asks (struct actor: the bare JID and its role,
 * worked out once per request). After the commit, and before it returns,
 * it hands the change to cc->changes (change.h); the caller answers then. */

/* Files t (template fields set; status, priority, author are set here).
 * On success t->id and t->revision are those stored. */
int op_file(struct commands_ctx *cc, const struct actor *who, struct threat *t,
	    struct op_result *r);

/* Replaces threat t->id's template fields with t's if its revision is still
 * expected_revision. Authors may edit their own threats; assessors and admins
 * any; only admins may set status retired. */
int op_edit(struct commands_ctx *cc, const struct actor *who, struct threat *t,
	    long long expected_revision, struct op_result *r);

/* Sets likelihood and damage (either may be "" = not assessed); an
 * "identified" threat becomes "analyzed". out receives the new state. */
int op_assess(struct commands_ctx *cc, const struct actor *who, long long id,
	      const char *likelihood, const char *damage, const char *rationale,
	      struct threat *out, struct op_result *r);

/* How the assessors of threat id stand (consensus.h) under assess.quorum;
 * 0 or a negative STORE_ code. */
struct consensus;
int op_stance(struct commands_ctx *cc, long long id, struct consensus *c);

/* The most characters a note, a rationale or a comment may have. */
#define OP_NOTE_MAX_CHARS 2000

/* Adds a comment to threat id (members; text up to 2,000 characters;
 * stanza_id: the room message's XEP-0359 id or NULL). Writes a revision
 * ("comment"); out gets the threat, *comment_id (may be NULL) its #n. */
int op_comment(struct commands_ctx *cc, const struct actor *who, long long id, const char *text,
	       const char *stanza_id, struct threat *out, long long *comment_id,
	       struct op_result *r);

/* Deletes comment #comment_id (its author or an admin): the text goes, the
 * mark stays; a revision ("comment-deleted") records it. out: the threat. */
int op_comment_delete(struct commands_ctx *cc, const struct actor *who, long long comment_id,
		      struct threat *out, struct op_result *r);

/* Admins only: status becomes retired, reason kept in the revision. */
int op_retire(struct commands_ctx *cc, const struct actor *who, long long id,
	      const char *reason, struct threat *out, struct op_result *r);

/* Reads threat id into out (threat_init'ed by the caller). */
int op_load(struct commands_ctx *cc, long long id, struct threat *out, struct op_result *r);

/* "T-7", "t-7" or "7" -> 7. Returns 0 or -1. */
int threat_id_parse(const char *text, long long *id);
void threat_id_format(long long id, char *buf, size_t len);
/* A comment's number: "#3" or "3" -> 3. Returns 0 or -1. */
int comment_number_parse(const char *text, long long *n);

#endif
