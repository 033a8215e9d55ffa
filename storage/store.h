/* SPDX-License-Identifier: MIT */
/* The only module that knows SQL: sqlite3 with prepared statements. */
#ifndef VIGIL_STORAGE_STORE_H
#define VIGIL_STORAGE_STORE_H

#include <stddef.h>
#include "storage/threat.h"

/* Error codes (negative). store_errmsg() has the detail of the last error. */
enum {
	STORE_OK = 0,
	STORE_ERROR = -1,     /* anything else (message in store_errmsg) */
	STORE_NOTFOUND = -2,  /* no such threat / session */
	STORE_STALE = -3,     /* expected revision is not the current one */
	STORE_READONLY = -4,  /* database or disk is read-only */
	STORE_FULL = -5,      /* disk full */
	STORE_BUSY = -6,      /* locked longer than the busy timeout */
	STORE_CORRUPT = -7,   /* not a database / malformed */
	STORE_NOMEM = -8,     /* out of memory */
	/* -1..-19 are storage's; the operations' codes (ops.h) start at -101 */
};

struct store;

/* How to open: for writing (created and migrated), for reading only, or for
 * writing when the database can be written and else for reading, becoming
 * writable again on its own once it can (a read-only file system or file). */
enum { STORE_OPEN_WRITE, STORE_OPEN_READ, STORE_OPEN_WRITE_OR_READ };

/* Opens the database at path: WAL mode, foreign keys on, busy timeout. A file
 * that is not a vigil/sqlite database gives STORE_CORRUPT and a clear
 * message in err. schema names the columns of the threat's text fields
 * (the template's: template_schema() in commands/register/template.h);
 * storage copies it. A column the database lacks (a field added without
 * its migration) is refused here, with its name in err. */
int store_open(struct store **out, const char *path, int mode, const struct threat_schema *schema,
	       char *err, size_t errlen);

/* True while the database is open for reading only. */
int store_is_readonly(const struct store *st);

/* Opened with STORE_OPEN_WRITE_OR_READ and read-only: tries to open it for
 * writing (also done by store_begin). 0 when writable. */
int store_try_writable(struct store *st);
void store_close(struct store *st);
const char *store_errmsg(const struct store *st);
int store_schema_version(struct store *st);

/* The WAL checkpointed by a thread of its own (storage/checkpointer.h),
 * not inside the commit that fills it: a commit that leaves at least
 * `pages` pages in the WAL asks the thread, and returns at once. Should
 * the WAL reach 8 times that (the thread failing), the commit checkpoints
 * it as sqlite would. 0, or -1 when the thread cannot start (sqlite then
 * checkpoints as before). */
int store_checkpoint_in_background(struct store *st, int pages);
/* Waits for the checkpoints asked for (tests). */
void store_checkpoint_wait(struct store *st);

/* Explicit transactions so a caller can bundle a change and its announcement.
 * The threat functions below join an open transaction, or run in their own. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Files t (t->field, priority, priority_rank, author must be set): assigns
 * t->id, t->revision = 1, t->created = t->updated = now. Writes revision 1. */
int store_threat_insert(struct store *st, struct threat *t, const char *who, const char *note);

/* Replaces the state of threat t->id with t if its current revision equals
 * expected_revision; writes a new revision (full state, who, when, note, the
 * names of the fields that changed). Updates t->revision and t->updated.
 * STORE_NOTFOUND, STORE_STALE. A change with no changed field still writes a
 * revision only if note is non-NULL; otherwise returns 0 and changes nothing
 * (*changed set to 0). changed may be NULL. */
int store_threat_update(struct store *st, struct threat *t, long long expected_revision,
			const char *who, const char *note, int *changed);

/* store_threat_update that always writes a revision when `also` is set:
 * `also` (a word such as "assessment" or "comment", never user text) is
 * the revision's changed list when no field changed. */
int store_threat_record(struct store *st, struct threat *t, long long expected_revision,
			const char *who, const char *also, const char *note, int *changed_out);

/* Loads threat id into out (threat_init'ed by caller). STORE_NOTFOUND. */
int store_threat_get(struct store *st, long long id, struct threat *out);

/* The note of a revision (a reason, a rationale) into *note, NULL when it
 * has none; caller frees. 0 or a STORE_ code. */
int store_threat_note(struct store *st, long long id, long long revision, char **note);

/* Every revision of threat id, oldest first. Caller frees with
 * store_revisions_free. */
int store_threat_history(struct store *st, long long id,
			 struct threat_revision **out, size_t *count);
/* The same without each revision's state (state is left empty): what a
 * history shown to someone needs. A revision's state is the whole threat
 * (up to 96 KiB) and every comment is a revision, so the full history of
 * a much-discussed threat is hundreds of megabytes. */
int store_threat_log(struct store *st, long long id,
		     struct threat_revision **out, size_t *count);
void store_revisions_free(struct threat_revision *revs, size_t count);

struct threat_filter {
	unsigned status_mask;  /* bit (1 << i) for status i of identified, analyzed,
				  addressed, retired; 0 = all but retired */
	int min_priority_rank; /* 0 = any */
	const char *text;      /* words that must all appear in name or abstract
				  (case-insensitive), NULL = any */
};

/* Threats matching f, highest priority_rank first then id ascending;
 * `limit` rows from `offset`. *total is the number matching f. Caller frees
 * with store_threats_free. */
int store_threat_list(struct store *st, const struct threat_filter *f,
		      size_t offset, size_t limit,
		      struct threat **out, size_t *count, size_t *total);
void store_threats_free(struct threat *list, size_t count);
long long store_threat_count(struct store *st);

/* Writes threat t with its own id, revision, created and updated, and its
 * history revs[0..n) as they are (each revs[i].state's id and revision
 * set): an import restoring what an export wrote. Joins an open
 * transaction. A taken id gives STORE_ERROR (the caller asks first). */
int store_threat_restore(struct store *st, const struct threat *t,
			 const struct threat_revision *revs, size_t n);

/* Every threat id, ascending (an export's order). Caller frees *ids. */
int store_threat_ids(struct store *st, long long **ids, size_t *count);

/* 1 when threat id exists, 0 when not, or a negative STORE_ code. */
int store_threat_exists(struct store *st, long long id);

/* Every revision of every threat, oldest first, for the exporter's
 * document history: each(userdata, threat id, revision, at, who, changed
 * fields, name at that revision). */
typedef void (*store_revision_fn)(void *userdata, long long id, long long revision, const char *at,
				  const char *who, const char *changed, const char *name);
int store_revision_log(struct store *st, store_revision_fn each, void *userdata);

/* Ad-hoc command sessions, kept so a multi-stage session survives a restart.
 * state is an opaque text blob owned by the commands layer. */
struct stored_session {
	char *id;
	char *jid;        /* full JID of the requester */
	char *node;
	int stage;
	char *state;
	long long expires; /* unix seconds */
};
int store_session_put(struct store *st, const struct stored_session *s);
int store_session_get(struct store *st, const char *id, struct stored_session *out);
int store_session_delete(struct store *st, const char *id);
int store_session_expire(struct store *st, long long now); /* deletes expired */
/* Unexpired sessions of bare_jid's resources (*mine) and of everyone (*all). */
int store_session_count(struct store *st, const char *bare_jid, long long now, long long *mine,
			long long *all);
void stored_session_clear(struct stored_session *s);

/* --- the PubSub service (storage/pubsub.c); announcements: storage/events.h --- */

/* Subscriptions to vigil's own nodes. */
struct subscription {
	char *node;
	char *jid;
	char *subid;
};
/* Adds or keeps (node, jid); *subid_out (may be NULL) gets the stored subid. */
int store_subscription_add(struct store *st, const char *node, const char *jid,
			   const char *subid, char **subid_out);
int store_subscription_remove(struct store *st, const char *node, const char *jid); /* NOTFOUND */
/* node NULL = every node; jid_bare NULL = every JID, else JIDs whose bare part
 * matches; per_account > 0: at most that many rows of one bare JID (its oldest). */
int store_subscription_list(struct store *st, const char *node, const char *jid_bare,
			    size_t per_account, struct subscription **out, size_t *count);
/* 1 when node has any subscription, 0 when none, or negative: asked before
 * a notification is built. */
int store_subscription_any(struct store *st, const char *node);
/* 1 when jid is subscribed to node, 0 when not, or negative. */
int store_subscription_exists(struct store *st, const char *node, const char *jid);
/* Subscriptions of jid_bare and its full JIDs, every node together, or negative. */
long long store_subscription_count(struct store *st, const char *jid_bare);
void store_subscriptions_free(struct subscription *subs, size_t count);

/* Published items (the last one per item id, so retrieval works after a restart).
 * A payload of STORE_ITEM_CURRENT stands for the current state of what the
 * item id names, built when the item is retrieved (a `threats` item: the
 * threat, from the threats table); its row still gives the item's place. */
#define STORE_ITEM_CURRENT ""
struct pubsub_item {
	char *item_id;
	char *payload;
	char *published;
	long long seq;      /* order of publication within the node */
};
int store_item_put(struct store *st, const char *node, const char *item_id, const char *payload);
/* Drops node's items but the newest keep. 0 or a STORE_ code. */
int store_item_trim(struct store *st, const char *node, size_t keep);
/* The newest `max` items (0 = all) or, with item_id set, that one item. */
int store_item_list(struct store *st, const char *node, const char *item_id, size_t max,
		    struct pubsub_item **out, size_t *count);
/* A page of node's items, newest first: at most max of those published before
 * after_id (NULL: from the newest), payloads left NULL unless with_payload.
 * STORE_NOTFOUND when node has no item after_id. */
int store_item_page(struct store *st, const char *node, const char *after_id, size_t max,
		    int with_payload, struct pubsub_item **out, size_t *count);
/* How many items node has, or how many were published before after_id;
 * negative on error (STORE_NOTFOUND as above). */
long long store_item_count(struct store *st, const char *node, const char *after_id);
void store_items_free(struct pubsub_item *items, size_t count);

#endif
