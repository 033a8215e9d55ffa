/* SPDX-License-Identifier: MIT */
/* PubSub subscriptions and published items. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store_internal.h"

/* Steps a statement that returns no rows; 0 or the STORE_ code. */
static int run(struct store *st, sqlite3_stmt *stmt, const char *what)
{
	int rc;

	if (!stmt)
		return STORE_ERROR;
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, what);
}

/* --- subscriptions ----------------------------------------------------------- */

int store_subscription_add(struct store *st, const char *node, const char *jid,
			   const char *subid, char **subid_out)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO subscriptions (node, jid, subid, created) VALUES (?, ?, ?, ?) "
		"ON CONFLICT (node, jid) DO NOTHING");
	char now[32];
	int rc;

	if (subid_out)
		*subid_out = NULL;
	if (!stmt)
		return STORE_ERROR;
	store_now(now, sizeof now);
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, jid);
	store_bind_text(stmt, 3, subid);
	store_bind_text(stmt, 4, now);
	if ((rc = run(st, stmt, "subscribing")) < 0 || !subid_out)
		return rc;
	stmt = store_prepare(st, "SELECT subid FROM subscriptions WHERE node = ? AND jid = ?");
	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, jid);
	rc = sqlite3_step(stmt) == SQLITE_ROW ? store_column_text(stmt, 0, subid_out) : STORE_ERROR;
	store_finish(st, stmt);
	return rc;
}

int store_subscription_remove(struct store *st, const char *node, const char *jid)
{
	sqlite3_stmt *stmt = store_prepare(st, "DELETE FROM subscriptions WHERE node = ? AND jid = ?");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, jid);
	if ((rc = run(st, stmt, "unsubscribing")) < 0)
		return rc;
	return sqlite3_changes(st->db) ? 0 : STORE_NOTFOUND;
}

void store_subscriptions_free(struct subscription *subs, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(subs[i].node);
		free(subs[i].jid);
		free(subs[i].subid);
	}
	free(subs);
}

int store_subscription_any(struct store *st, const char *node)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT 1 FROM subscriptions WHERE node = ? LIMIT 1");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "looking for subscriptions");
}

int store_subscription_exists(struct store *st, const char *node, const char *jid)
{
	sqlite3_stmt *stmt = store_prepare(st, "SELECT 1 FROM subscriptions WHERE node = ? AND jid = ?");
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, jid);
	rc = sqlite3_step(stmt);
	store_finish(st, stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_fail(st, rc, "looking up a subscription");
}

long long store_subscription_count(struct store *st, const char *jid_bare)
{
	/* checked at every subscribe: a range of subscriptions_by_jid, not a
	 * scan of every subscriber. The bare JID and its full JIDs ("bare/...")
	 * all sort in [bare, bare || '0'), '0' following '/'; look-alikes in
	 * that range ("bare.evil") are left out by the exact test. */
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT count(*) FROM subscriptions WHERE jid >= ?1 AND jid < ?1 || '0' "
		"AND (jid = ?1 OR substr(jid, 1, length(?1) + 1) = ?1 || '/')");
	long long n;
	int rc;

	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, jid_bare);
	rc = sqlite3_step(stmt);
	n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	store_finish(st, stmt);
	return rc == SQLITE_ROW ? n : store_fail(st, rc, "counting subscriptions");
}

int store_subscription_list(struct store *st, const char *node, const char *jid_bare,
			    size_t per_account, struct subscription **out, size_t *count)
{
	/* a JID matches when it is the bare JID or starts with "bare/"; rows are
	 * numbered per bare JID in the order they were made, so that a database
	 * holding more than the cap per account (an older vigil, a cap lowered
	 * since) still answers with the cap's worth */
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT node, jid, subid FROM (SELECT node, jid, subid, row_number() OVER ("
		"PARTITION BY CASE WHEN instr(jid, '/') > 0 THEN substr(jid, 1, instr(jid, '/') - 1) "
		"ELSE jid END ORDER BY rowid) AS n FROM subscriptions WHERE (?1 IS NULL OR node = ?1) "
		"AND (?2 IS NULL OR jid = ?2 OR substr(jid, 1, length(?2) + 1) = ?2 || '/')) "
		"WHERE ?3 <= 0 OR n <= ?3 ORDER BY node, jid");
	struct subscription *subs = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, jid_bare);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)per_account);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(subs, cap * sizeof *subs);
			if (!grown)
				goto nomem;
			subs = grown;
		}
		memset(&subs[n], 0, sizeof subs[n]);
		n++;
		if (store_column_text(stmt, 0, &subs[n - 1].node) < 0 ||
		    store_column_text(stmt, 1, &subs[n - 1].jid) < 0 ||
		    store_column_text(stmt, 2, &subs[n - 1].subid) < 0)
			goto nomem;
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE) {
		store_subscriptions_free(subs, n);
		return store_fail(st, rc, "reading subscriptions");
	}
	*out = subs;
	*count = n;
	return 0;
nomem:
	store_finish(st, stmt);
	store_subscriptions_free(subs, n);
	return STORE_ERROR;
}

/* --- items ------------------------------------------------------------------ */

int store_item_put(struct store *st, const char *node, const char *item_id, const char *payload)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"INSERT INTO pubsub_items (node, item_id, payload, published, seq) "
		"VALUES (?1, ?2, ?3, ?4, "
		"(SELECT coalesce(max(seq), 0) + 1 FROM pubsub_items WHERE node = ?1)) "
		"ON CONFLICT (node, item_id) DO UPDATE SET payload = excluded.payload, "
		"published = excluded.published, seq = excluded.seq");
	char now[32];

	if (!stmt)
		return STORE_ERROR;
	store_now(now, sizeof now);
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, item_id);
	store_bind_text(stmt, 3, payload);
	store_bind_text(stmt, 4, now);
	return run(st, stmt, "keeping the published item");
}

int store_item_trim(struct store *st, const char *node, size_t keep)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"DELETE FROM pubsub_items WHERE node = ?1 AND seq <= (SELECT seq FROM pubsub_items "
		"WHERE node = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)");

	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)keep);
	return run(st, stmt, "dropping the oldest items");
}

void store_items_free(struct pubsub_item *items, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(items[i].item_id);
		free(items[i].payload);
		free(items[i].published);
	}
	free(items);
}

/* Reads the rows (item_id, payload, published, seq) of a bound statement. */
static int read_items(struct store *st, sqlite3_stmt *stmt, struct pubsub_item **out,
		      size_t *count)
{
	struct pubsub_item *items = NULL, *grown;
	size_t n = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(items, cap * sizeof *items);
			if (!grown)
				goto nomem;
			items = grown;
		}
		memset(&items[n], 0, sizeof items[n]);
		n++;
		items[n - 1].seq = sqlite3_column_int64(stmt, 3);
		if (store_column_text(stmt, 0, &items[n - 1].item_id) < 0 ||
		    store_column_text(stmt, 1, &items[n - 1].payload) < 0 ||
		    store_column_text(stmt, 2, &items[n - 1].published) < 0)
			goto nomem;
	}
	store_finish(st, stmt);
	if (rc != SQLITE_DONE) {
		store_items_free(items, n);
		return store_fail(st, rc, "reading items");
	}
	*out = items;
	*count = n;
	return 0;
nomem:
	store_finish(st, stmt);
	store_items_free(items, n);
	return STORE_ERROR;
}

int store_item_list(struct store *st, const char *node, const char *item_id, size_t max,
		    struct pubsub_item **out, size_t *count)
{
	sqlite3_stmt *stmt = store_prepare(st,
		"SELECT item_id, payload, published, seq FROM pubsub_items WHERE node = ?1 "
		"AND (?2 IS NULL OR item_id = ?2) ORDER BY seq DESC LIMIT ?3");

	*out = NULL;
	*count = 0;
	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, item_id);
	sqlite3_bind_int64(stmt, 3, max ? (sqlite3_int64)max : -1);
	return read_items(st, stmt, out, count);
}

/* The seq of the page's cursor: after_id's, or one past every item's when
 * after_id is NULL; STORE_NOTFOUND when node has no such item. */
static long long cursor_seq(struct store *st, const char *node, const char *after_id)
{
	sqlite3_stmt *stmt;
	long long seq;
	int rc;

	if (!after_id)
		return INT64_MAX;
	stmt = store_prepare(st, "SELECT seq FROM pubsub_items WHERE node = ? AND item_id = ?");
	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	store_bind_text(stmt, 2, after_id);
	rc = sqlite3_step(stmt);
	seq = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	store_finish(st, stmt);
	if (rc == SQLITE_ROW)
		return seq;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(st, rc, "looking up an item");
}

int store_item_page(struct store *st, const char *node, const char *after_id, size_t max,
		    int with_payload, struct pubsub_item **out, size_t *count)
{
	long long before = cursor_seq(st, node, after_id);
	sqlite3_stmt *stmt;

	*out = NULL;
	*count = 0;
	if (before < 0)
		return (int)before;
	stmt = store_prepare(st,
		"SELECT item_id, CASE WHEN ?4 THEN payload END, published, seq FROM pubsub_items "
		"WHERE node = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3");
	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	sqlite3_bind_int64(stmt, 2, before);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64)max);
	sqlite3_bind_int(stmt, 4, with_payload);
	return read_items(st, stmt, out, count);
}

long long store_item_count(struct store *st, const char *node, const char *after_id)
{
	long long before = cursor_seq(st, node, after_id), n;
	sqlite3_stmt *stmt;
	int rc;

	if (before < 0)
		return before;
	stmt = store_prepare(st, "SELECT count(*) FROM pubsub_items WHERE node = ? AND seq < ?");
	if (!stmt)
		return STORE_ERROR;
	store_bind_text(stmt, 1, node);
	sqlite3_bind_int64(stmt, 2, before);
	rc = sqlite3_step(stmt);
	n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	store_finish(st, stmt);
	return rc == SQLITE_ROW ? n : store_fail(st, rc, "counting items");
}
