/* SPDX-License-Identifier: MIT */
/* Storage (storage/): schema, revisions, staleness, lists, sessions, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands/register/template.h"
#include "storage/checkpointer.h"
#include "storage/discussion.h"
#include "storage/events.h"
#include "storage/store.h"
#include "storage/store_internal.h" /* the connection, for its statements' counters */
#include "tests/unit/tap.h"

static char dir[] = "/tmp/vigil-test-store-XXXXXX";

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void make_threat(struct threat *t, const char *name, const char *likelihood, const char *damage,
			int rank, const char *status)
{
	threat_init(t);
	threat_set(t, THREAT_NAME, name);
	threat_set(t, THREAT_ABSTRACT, "abstract of the threat");
	threat_set(t, THREAT_LIKELIHOOD, likelihood);
	threat_set(t, THREAT_DAMAGE, damage);
	threat_set(t, THREAT_STATUS, status);
	t->priority = strdup(rank == 5 ? "critical" : rank == 4 ? "high" : rank == 3 ? "medium" :
			     rank == 2 ? "low" : rank == 1 ? "note" : "unassessed");
	t->priority_rank = rank;
	t->author = strdup("alice@localhost");
}

static void test_round_trip(struct store *st)
{
	static const char *const nasty = "<&]]>'\" \xf0\x9f\x94\x92 '; DROP TABLE threats; -- %_\\";
	struct threat t, got;
	int changed;

	make_threat(&t, nasty, "high", "medium", 4, "identified");
	threat_set(&t, THREAT_ATTACK_TREE, "Goal\n  Step [cost=1]\n");
	is_int(store_threat_insert(st, &t, "alice@localhost", NULL), 0, "insert");
	is_int(t.id, 1, "the first threat is T-1");
	is_int(t.revision, 1, "at revision 1");
	ok(t.created && strlen(t.created) == 20 && t.created[19] == 'Z', "created is XEP-0082 UTC: %s",
	   t.created ? t.created : "(null)");
	threat_init(&got);
	is_int(store_threat_get(st, 1, &got), 0, "get");
	is_str(threat_get(&got, THREAT_NAME), nasty, "markup, emoji and SQL come back byte for byte");
	is_str(threat_get(&got, THREAT_ATTACK_TREE), "Goal\n  Step [cost=1]\n", "newlines and indentation kept");
	is_str(got.priority, "high", "priority stored");
	is_str(got.author, "alice@localhost", "author stored");
	threat_clear(&got);

	threat_set(&t, THREAT_GAP, "a new gap");
	threat_set(&t, THREAT_LIKELIHOOD, "low");
	is_int(store_threat_update(st, &t, 1, "bob@localhost", "because", &changed), 0, "update");
	ok(changed && t.revision == 2, "a change makes revision 2");
	is_int(store_threat_update(st, &t, 1, "carol@localhost", NULL, &changed), STORE_STALE,
	       "an update based on revision 1 is stale now");
	threat_init(&got);
	store_threat_get(st, 1, &got);
	is_int(got.revision, 2, "and changed nothing");
	threat_clear(&got);
	is_int(store_threat_update(st, &t, 2, "bob@localhost", NULL, &changed), 0, "an update with no change");
	ok(!changed && t.revision == 2, "writes no revision");
	is_int(store_threat_get(st, 99, &got), STORE_NOTFOUND, "an unknown id is not found");
	threat_clear(&t);
}

static void test_history(struct store *st)
{
	struct threat_revision *revs;
	size_t n;

	is_int(store_threat_history(st, 1, &revs, &n), 0, "history");
	is_int(n, 2, "two revisions");
	if (n == 2) {
		is_str(revs[0].who, "alice@localhost", "revision 1 by the filer");
		ok(strstr(revs[0].changed, "name") && strstr(revs[0].changed, "abstract"), "filing lists the fields");
		is_str(revs[1].changed, "likelihood gap", "revision 2 names the changed fields");
		is_str(revs[1].note, "because", "and keeps the note");
		is_str(threat_get(&revs[0].state, THREAT_LIKELIHOOD), "high", "revision 1 keeps its full state");
		is_str(threat_get(&revs[1].state, THREAT_LIKELIHOOD), "low", "revision 2 its own");
	}
	store_revisions_free(revs, n);
	is_int(store_threat_history(st, 42, &revs, &n), STORE_NOTFOUND, "no history for an unknown id");
	/* the log: the same entries without the states (each up to 96 KiB) */
	is_int(store_threat_log(st, 1, &revs, &n), 0, "log");
	is_int(n, 2, "two revisions in the log");
	if (n == 2) {
		is_str(revs[1].changed, "likelihood gap", "the log names the changed fields");
		is_str(revs[1].note, "because", "and keeps the note");
		ok(revs[0].state.field[THREAT_LIKELIHOOD] == NULL && revs[1].state.author == NULL &&
		   revs[1].state.updated == NULL, "but no state is read");
	}
	store_revisions_free(revs, n);
	is_int(store_threat_log(st, 42, &revs, &n), STORE_NOTFOUND, "no log for an unknown id");
}

static void test_list(struct store *st)
{
	struct threat_filter f = { 0 };
	struct threat *list, t;
	size_t count, total, i;
	int ordered = 1;

	is_int(store_begin(st), 0, "a transaction for 150 threats");
	for (i = 0; i < 150; i++) {
		char name[64];
		snprintf(name, sizeof name, "threat %zu %s", i, i % 10 == 0 ? "dialback" : "other");
		make_threat(&t, name, "", "", (int)(i % 6), i % 7 == 0 ? "retired" : "identified");
		if (store_threat_insert(st, &t, "alice@localhost", NULL) < 0)
			ordered = 0;
		threat_clear(&t);
	}
	is_int(store_commit(st), 0, "committed");
	is_int(store_threat_list(st, &f, 0, 50, &list, &count, &total), 0, "list");
	is_int(total, 1 + 150 - 22, "open threats only by default (22 retired)");
	is_int(count, 50, "a page of 50");
	for (i = 1; i < count; i++)
		if (list[i - 1].priority_rank < list[i].priority_rank ||
		    (list[i - 1].priority_rank == list[i].priority_rank && list[i - 1].id > list[i].id))
			ordered = 0;
	ok(ordered, "highest priority first, then by id");
	store_threats_free(list, count);
	is_int(store_threat_list(st, &f, 100, 50, &list, &count, &total), 0, "the last page");
	is_int(count, total - 100, "holds the rest");
	store_threats_free(list, count);
	f.status_mask = 1u << 3;
	store_threat_list(st, &f, 0, 200, &list, &count, &total);
	is_int(total, 22, "a status filter");
	store_threats_free(list, count);
	f.status_mask = 0xf;
	f.min_priority_rank = 5;
	store_threat_list(st, &f, 0, 200, &list, &count, &total);
	is_int(total, 25, "minimum priority critical");
	store_threats_free(list, count);
	f.min_priority_rank = 0;
	f.text = "DIALBACK threat";
	store_threat_list(st, &f, 0, 200, &list, &count, &total);
	is_int(total, 15, "every word must match, any case");
	store_threats_free(list, count);
	f.text = "%";
	store_threat_list(st, &f, 0, 200, &list, &count, &total);
	is_int(total, 1, "%% matches literally (only T-1 has one)");
	store_threats_free(list, count);
	f.text = "' OR 1=1 --";
	store_threat_list(st, &f, 0, 200, &list, &count, &total);
	is_int(total, 0, "SQL in the filter is just text");
	store_threats_free(list, count);
	is_int(store_threat_count(st), 151, "count");
}

static void test_sessions(struct store *st)
{
	struct stored_session s = { "sid1", "alice@localhost/res", "edit", 2, "id=7&x=%26", 1000 }, got;

	is_int(store_session_put(st, &s), 0, "session put");
	s.stage = 3;
	is_int(store_session_put(st, &s), 0, "session updated");
	is_int(store_session_get(st, "sid1", &got), 0, "session get");
	ok(got.stage == 3 && strcmp(got.state, "id=7&x=%26") == 0 && strcmp(got.jid, s.jid) == 0,
	   "stage, state and JID kept");
	stored_session_clear(&got);
	{
		struct stored_session other = { "sid2", "alice@localhost.evil/x", "list", 1, NULL, 1000 },
				      mine = { "sid3", "alice@localhost", "list", 1, NULL, 1000 };
		long long n_mine = -1, n_all = -1;
		store_session_put(st, &other);
		store_session_put(st, &mine);
		is_int(store_session_count(st, "alice@localhost", 999, &n_mine, &n_all), 0, "count sessions");
		ok(n_mine == 2 && n_all == 3, "alice's resources and bare JID count, a look-alike domain "
		   "does not (%lld of %lld)", n_mine, n_all);
		store_session_count(st, "alice@localhost", 1000, &n_mine, &n_all);
		ok(n_mine == 0 && n_all == 0, "expired sessions do not count");
		store_session_delete(st, "sid2");
		store_session_delete(st, "sid3");
	}
	is_int(store_session_expire(st, 999), 0, "not expired before its time");
	is_int(store_session_expire(st, 1000), 1, "expired at its time");
	is_int(store_session_get(st, "sid1", &got), STORE_NOTFOUND, "and gone");
}

static void test_transactions(struct store *st)
{
	struct threat t;
	long long before = store_threat_count(st);

	store_begin(st);
	make_threat(&t, "rolled back", "", "", 0, "identified");
	store_threat_insert(st, &t, "alice@localhost", NULL);
	threat_clear(&t);
	store_rollback(st);
	is_int(store_threat_count(st), before, "a rolled-back filing leaves nothing");
}

/* Published items: newest first per node, a re-published id moves to the
 * front; a version 1 register (no item index) keeps its items when migrated. */
static void test_items(void)
{
	struct pubsub_item *items;
	struct store *st;
	sqlite3 *db;
	size_t n;
	char path[512], err[512];

	path_of(path, sizeof path, "items.db");
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0, "a register for items");
	store_item_put(st, "threats", "T-1", "<a/>");
	store_item_put(st, "priority", "T-1", "<p/>");
	store_item_put(st, "threats", "T-2", "<b/>");
	store_item_put(st, "threats", "T-1", "<c/>");
	is_int(store_item_list(st, "threats", NULL, 0, &items, &n), 0, "list a node's items");
	ok(n == 2 && strcmp(items[0].item_id, "T-1") == 0 && strcmp(items[0].payload, "<c/>") == 0 &&
	   strcmp(items[1].item_id, "T-2") == 0, "newest first, a re-published item replaced and first");
	store_items_free(items, n);
	/* a node that keeps its newest items only (`feed`, 500) */
	{
		char id[16];
		int i;
		for (i = 1; i <= 7; i++) {
			snprintf(id, sizeof id, "F-%d", i);
			store_item_put(st, "feed", id, "<e/>");
			is_int(store_item_trim(st, "feed", 5), 0, "trimmed after F-%d", i);
		}
		store_item_list(st, "feed", NULL, 0, &items, &n);
		ok(n == 5 && strcmp(items[0].item_id, "F-7") == 0 && strcmp(items[4].item_id, "F-3") == 0,
		   "the newest 5 kept (%zu)", n);
		store_items_free(items, n);
		store_item_list(st, "threats", NULL, 0, &items, &n);
		is_int(n, 2, "the other nodes' items untouched");
		store_items_free(items, n);
	}
	store_close(st);

	/* back to the version 1 schema, as an older vigil left it, with an item
	 * it had not sent (and so not kept) yet */
	sqlite3_open(path, &db);
	is_int(sqlite3_exec(db, "DROP INDEX pubsub_items_by_seq; DROP INDEX threats_by_rank_status;"
			    "CREATE INDEX threats_by_status ON threats (status); PRAGMA user_version = 1;"
			    "DROP INDEX subscriptions_by_jid;" /* version 5's */
			    /* version 3 replaced the outbox by the events table */
			    "DROP TABLE comments; DROP TABLE assessments;"
			    "DROP TABLE events; CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
			    "  target TEXT NOT NULL, node TEXT, item_id TEXT, payload TEXT NOT NULL,"
			    "  created TEXT NOT NULL);"
			    "INSERT INTO outbox (target, node, item_id, payload, created) VALUES "
			    "('pubsub', 'priority', 'T-2-r2', '<q/>', '2026-01-01T00:00:00Z')",
			    NULL, NULL, NULL), SQLITE_OK, "made a version 1 register");
	sqlite3_close(db);
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0, "which opens");
	is_int(store_schema_version(st), 5, "migrated to the current version");
	is_int(store_item_list(st, "priority", NULL, 0, &items, &n), 0, "items of the other node");
	ok(n == 2 && strcmp(items[0].item_id, "T-2-r2") == 0 && strcmp(items[0].payload, "<q/>") == 0,
	   "the item waiting in the outbox is kept, as the newest");
	store_items_free(items, n);
	store_item_put(st, "threats", "T-3", "<d/>");
	is_int(store_item_list(st, "threats", NULL, 2, &items, &n), 0, "items after the migration");
	ok(n == 2 && strcmp(items[0].item_id, "T-3") == 0 && strcmp(items[1].item_id, "T-1") == 0,
	   "all kept, in order, the new one first");
	store_items_free(items, n);
	is_int(store_item_list(st, "priority", "T-1", 0, &items, &n), 0, "one item by id");
	ok(n == 1 && strcmp(items[0].payload, "<p/>") == 0, "from its own node");
	store_items_free(items, n);

	/* kept statements are reset after use: no read stays open to block a
	 * checkpoint by another connection */
	{
		sqlite3_stmt *ck;
		int busy = -1;

		store_threat_count(st); /* one row read of one: the statement is not done */
		sqlite3_open(path, &db);
		sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &ck, NULL);
		if (sqlite3_step(ck) == SQLITE_ROW)
			busy = sqlite3_column_int(ck, 0);
		sqlite3_finalize(ck);
		sqlite3_close(db);
		is_int(busy, 0, "no statement holds a read open between calls");
	}
	store_close(st);
}

/* Pages of items by cursor, and their counts. */
static void test_item_pages(void)
{
	struct pubsub_item *items;
	struct store *st;
	size_t n;
	char path[512], err[512], id[16];
	int i;

	path_of(path, sizeof path, "pages.db");
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0, "a register for pages");
	for (i = 1; i <= 5; i++) {
		snprintf(id, sizeof id, "T-%d", i);
		store_item_put(st, "threats", id, "<t/>");
	}
	store_item_put(st, "priority", "T-1-r2", "<p/>");
	is_int(store_item_count(st, "threats", NULL), 5, "a node's items are counted");
	is_int(store_item_count(st, "threats", "T-4"), 3, "and those after an item (older)");
	is_int(store_item_count(st, "threats", "T-1"), 0, "none after the oldest");
	is_int(store_item_count(st, "threats", "T-9"), STORE_NOTFOUND, "an unknown cursor is not found");
	is_int(store_item_count(st, "priority", "T-4"), STORE_NOTFOUND, "nor one of another node");
	is_int(store_item_page(st, "threats", NULL, 2, 1, &items, &n), 0, "the first page");
	ok(n == 2 && strcmp(items[0].item_id, "T-5") == 0 && strcmp(items[1].item_id, "T-4") == 0 &&
	   items[0].payload && strcmp(items[0].payload, "<t/>") == 0, "newest first, with payloads");
	store_items_free(items, n);
	is_int(store_item_page(st, "threats", "T-4", 10, 0, &items, &n), 0, "the page after T-4");
	ok(n == 3 && strcmp(items[0].item_id, "T-3") == 0 && strcmp(items[2].item_id, "T-1") == 0 &&
	   items[0].payload == NULL, "the older ones, without payloads when not asked");
	store_items_free(items, n);
	is_int(store_item_page(st, "threats", "T-1", 10, 1, &items, &n), 0, "after the last");
	is_int(n, 0, "an empty page");
	store_items_free(items, n);
	is_int(store_item_page(st, "threats", "T-0", 10, 1, &items, &n), STORE_NOTFOUND,
	       "a page after an unknown item is not found");
	store_item_put(st, "threats", "T-2", "<t2/>");
	is_int(store_item_page(st, "threats", NULL, 1, 1, &items, &n), 0, "a re-published item");
	ok(n == 1 && strcmp(items[0].item_id, "T-2") == 0, "comes first");
	store_items_free(items, n);
	is_int(store_item_count(st, "threats", "T-2"), 4, "and every other is after it");
	store_close(st);
}

/* Subscriptions counted per account (bare JID and its resources, every node
 * together) and listed at most per_account of one account. */
/* The steps of full table scans the cached statement starting with `sql`
 * has taken on the store's connection (-1: no such statement). */
static int count_fullscan_steps(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;

	while ((stmt = sqlite3_next_stmt(st->db, stmt)))
		if (strncmp(sqlite3_sql(stmt), sql, strlen(sql)) == 0)
			return sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	return -1;
}

static void test_subscriptions(void)
{
	struct subscription *subs;
	struct store *st;
	size_t n;
	char path[512], err[512], jid[64];
	int i;

	path_of(path, sizeof path, "subs.db");
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0, "a register for subscriptions");
	is_int(store_subscription_count(st, "carol@localhost"), 0, "nobody holds any at first");
	store_subscription_add(st, "threats", "carol@localhost", "s0", NULL);
	store_subscription_add(st, "priority", "carol@localhost", "s1", NULL);
	for (i = 1; i <= 4; i++) {
		snprintf(jid, sizeof jid, "carol@localhost/r%d", i);
		store_subscription_add(st, "threats", jid, "s", NULL);
	}
	store_subscription_add(st, "threats", "carol@localhost/r1", "again", NULL);
	store_subscription_add(st, "threats", "carol@localhost.evil/x", "s", NULL);
	store_subscription_add(st, "threats", "carolyn@localhost/r1", "s", NULL);
	store_subscription_add(st, "threats", "dave@localhost/carol@localhost", "s", NULL);
	is_int(store_subscription_count(st, "carol@localhost"), 6,
	       "bare and full JIDs on both nodes count; look-alikes and repeats do not");
	is_int(store_subscription_count(st, "carolyn@localhost"), 1, "another account counts its own");
	is_int(store_subscription_exists(st, "threats", "carol@localhost/r2"), 1, "a subscription exists");
	is_int(store_subscription_exists(st, "priority", "carol@localhost/r2"), 0, "not on another node");
	is_int(store_subscription_list(st, NULL, "carol@localhost", 0, &subs, &n), 0, "list them all");
	is_int(n, 6, "six");
	store_subscriptions_free(subs, n);
	is_int(store_subscription_list(st, NULL, "carol@localhost", 4, &subs, &n), 0, "list with a cap");
	is_int(n, 4, "four, the cap");
	ok(n == 4 && strcmp(subs[0].node, "priority") == 0 && strcmp(subs[1].jid, "carol@localhost") == 0 &&
	   strcmp(subs[3].jid, "carol@localhost/r2") == 0, "the oldest four, sorted by node and JID");
	store_subscriptions_free(subs, n);
	is_int(store_subscription_list(st, "threats", NULL, 2, &subs, &n), 0,
	       "a node's subscribers, two per account");
	is_int(n, 5, "carol's first two and one each of three other accounts");
	store_subscriptions_free(subs, n);
	is_int(store_subscription_list(st, "threats", NULL, 0, &subs, &n), 0, "without a cap");
	is_int(n, 8, "all of them");
	store_subscriptions_free(subs, n);
	is_int(store_subscription_remove(st, "threats", "carol@localhost/r3"), 0, "unsubscribe");
	is_int(store_subscription_count(st, "carol@localhost"), 5, "one fewer held");
	/* look-alikes that sort between "carol@localhost" and its full JIDs
	 * ('-' and '.' come before '/'), and one just past them */
	store_subscription_add(st, "threats", "carol@localhost-x/r1", "s", NULL);
	store_subscription_add(st, "threats", "carol@localhost.evil", "s", NULL);
	store_subscription_add(st, "threats", "carol@localhost0/r1", "s", NULL);
	is_int(store_subscription_count(st, "carol@localhost"), 5,
	       "look-alikes sorting among its full JIDs do not count");
	for (i = 0; i < 300; i++) {
		snprintf(jid, sizeof jid, "user%d@localhost/r", i);
		store_subscription_add(st, "threats", jid, "s", NULL);
	}
	is_int(store_subscription_count(st, "carol@localhost"), 5, "among 300 other subscribers");
	is_int(count_fullscan_steps(st, "SELECT count(*) FROM subscriptions"), 0,
	       "an account's subscriptions are counted from an index, not a scan of every subscriber");
	store_close(st);
}

static void test_files(void)
{
	char path[512], err[512];
	struct store *st;
	struct threat t;
	FILE *f;
	sqlite3 *db;

	path_of(path, sizeof path, "register.db");
	is_int(store_open(&st, path, 1, template_schema(), err, sizeof err), 0, "read-only open of an existing register");
	make_threat(&t, "x", "", "", 0, "identified");
	is_int(store_threat_insert(st, &t, "alice@localhost", NULL), STORE_READONLY,
	       "a read-only register refuses writes");
	ok(strstr(store_errmsg(st), "read-only") != NULL, "and says why: %s", store_errmsg(st));
	threat_clear(&t);
	store_close(st);

	path_of(path, sizeof path, "not-a-db");
	f = fopen(path, "w");
	fputs("this file is not a database, whatever its name says; it is just text here\n", f);
	fclose(f);
	is_int(store_open(&st, path, 0, template_schema(), err, sizeof err), STORE_CORRUPT, "a file that is no database is refused");
	ok(strstr(err, path) != NULL && strstr(err, "damaged") != NULL, "with a message naming it: %s", err);

	path_of(path, sizeof path, "newer.db");
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	ok(store_open(&st, path, 0, template_schema(), err, sizeof err) < 0 && strstr(err, "newer vigil"),
	   "a register from a newer vigil is refused: %s", err);

	path_of(path, sizeof path, "empty.db");
	sqlite3_open(path, &db);
	sqlite3_close(db);
	is_int(store_open(&st, path, 0, template_schema(), err, sizeof err), 0, "an empty (version 0) file is migrated");
	is_int(store_schema_version(st), 5, "to the current schema");
	store_close(st);
}

/* What a version 2 vigil left in its outbox is carried over by the
 * migration to events, nothing dropped: a priority change (at its
 * revision, with the priority it moved from), a threat's state, and a room
 * line word for word. */
static void test_outbox_carried_over(void)
{
	static const char *const line = "T-1 \"Ümlaut ✓ 𝄞\" filed by alice@localhost: priority high";
	struct stored_event *ev = NULL;
	struct threat t;
	struct store *st;
	sqlite3 *db;
	size_t n = 0;
	char path[512], err[512], sql[1024];
	int changed;

	path_of(path, sizeof path, "outbox.db");
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0,
	       "a register for the outbox");
	make_threat(&t, "Ümlaut ✓ 𝄞", "medium", "medium", 3, "identified");
	store_threat_insert(st, &t, "alice@localhost", NULL);
	threat_set(&t, THREAT_LIKELIHOOD, "high");
	free(t.priority);
	t.priority = strdup("high");
	t.priority_rank = 4;
	store_threat_update(st, &t, 1, "bob@localhost", NULL, &changed);
	threat_clear(&t);
	make_threat(&t, "Second", "", "", 0, "identified");
	store_threat_insert(st, &t, "alice@localhost", NULL);
	threat_clear(&t);
	store_close(st);

	sqlite3_open(path, &db);
	snprintf(sql, sizeof sql,
		 "DROP TABLE comments; DROP TABLE assessments;"
		 "DROP TABLE events; DROP INDEX subscriptions_by_jid; PRAGMA user_version = 2;"
		 "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
		 "  target TEXT NOT NULL, node TEXT, item_id TEXT, payload TEXT NOT NULL,"
		 "  created TEXT NOT NULL);"
		 "INSERT INTO outbox (target, node, item_id, payload, created) VALUES "
		 "('room', NULL, NULL, '%s', '2026-01-01T00:00:00Z'),"
		 "('pubsub', 'threats', 'T-2', '<threat/>', '2026-01-01T00:00:01Z'),"
		 "('pubsub', 'priority', 'T-1-r2', '<priority-change xmlns=\"urn:vigil:threat:0\" "
		 "threat=\"T-1\" from=\"medium\" to=\"high\"/>', '2026-01-01T00:00:02Z'),"
		 "('external', 'threats', 'T-2', '<threat/>', '2026-01-01T00:00:03Z')", line);
	is_int(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK,
	       "made a version 2 register with four rows waiting in its outbox");
	sqlite3_close(db);
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0,
	       "which opens and migrates");
	is_int(store_event_list(st, 0, 10, &ev, &n), 0, "its events are read");
	is_int((long long)n, 3, "three events: the priority change, the state, the room line");
	if (n == 3) {
		ok(ev[0].threat_id == 1 && ev[0].revision == 2 && ev[0].old_priority &&
		   strcmp(ev[0].old_priority, "medium") == 0 && !ev[0].room_text,
		   "the priority change at its revision, from medium");
		ok(ev[1].threat_id == 2 && !ev[1].old_priority && !ev[1].room_text,
		   "then the state of T-2 (the external row is the same change)");
		ok(ev[2].threat_id == 1 && ev[2].room_text && strcmp(ev[2].room_text, line) == 0 &&
		   ev[2].done == 6, "and the room line word for word, for the room only");
	}
	store_events_free(ev, n);
	store_close(st);
}

/* Version 3 -> 4: an assessment made before the assessors were counted is
 * carried over as the threat's first assessor's: who last set its levels
 * (or the author when nobody did), with the rationale given then. */
static void test_assessments_carried_over(void)
{
	struct stored_assessment *list = NULL;
	struct stored_comment *comments = NULL;
	struct threat t;
	struct store *st;
	sqlite3 *db;
	size_t n = 0;
	long long total = -1, cid = 0;
	char path[512], err[512];
	int changed;

	path_of(path, sizeof path, "v3.db");
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0,
	       "a register for the version 3 schema");
	/* T-1: filed unassessed, assessed by bob with a rationale, then edited by alice */
	make_threat(&t, "Ümlaut ✓ 𝄞", "", "", 0, "identified");
	store_threat_insert(st, &t, "alice@localhost", NULL);
	threat_set(&t, THREAT_LIKELIHOOD, "high");
	threat_set(&t, THREAT_DAMAGE, "medium");
	threat_set(&t, THREAT_STATUS, "analyzed");
	store_threat_update(st, &t, 1, "bob@localhost", "seen in the wild 𝄞", &changed);
	threat_set(&t, THREAT_ABSTRACT, "a better abstract");
	store_threat_update(st, &t, 2, "alice@localhost", NULL, &changed);
	threat_clear(&t);
	/* T-2: filed with its levels by its author, never assessed since */
	make_threat(&t, "Second", "low", "low", 1, "identified");
	store_threat_insert(st, &t, "carol@localhost", NULL);
	threat_clear(&t);
	/* T-3: never assessed */
	make_threat(&t, "Third", "", "", 0, "identified");
	store_threat_insert(st, &t, "dave@localhost", NULL);
	threat_clear(&t);
	store_close(st);

	sqlite3_open(path, &db);
	is_int(sqlite3_exec(db, "DROP TABLE comments; DROP TABLE assessments; DROP INDEX subscriptions_by_jid;"
			    "PRAGMA user_version = 3;",
			    NULL, NULL, NULL), SQLITE_OK, "made a version 3 register");
	sqlite3_close(db);
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0,
	       "which opens and migrates");
	is_int(store_schema_version(st), 5, "to version 5");
	is_int(store_assessment_list(st, 1, &list, &n), 0, "T-1's assessments are read");
	is_int((long long)n, 1, "one: its first assessor's");
	if (n == 1) {
		is_str(list[0].assessor, "bob@localhost", "bob's, who set the levels (not alice, who edited since)");
		ok(strcmp(list[0].likelihood, "high") == 0 && strcmp(list[0].damage, "medium") == 0,
		   "with the threat's likelihood and damage");
		is_str(list[0].rationale, "seen in the wild 𝄞", "and the rationale he gave");
	}
	store_assessments_free(list, n);
	store_assessment_list(st, 2, &list, &n);
	ok(n == 1 && strcmp(list[0].assessor, "carol@localhost") == 0 && !list[0].rationale,
	   "T-2, filed with its levels: its author's");
	store_assessments_free(list, n);
	store_assessment_list(st, 3, &list, &n);
	is_int((long long)n, 0, "T-3, never assessed: none");
	store_assessments_free(list, n);

	is_int(store_assessment_put(st, 1, "carol@localhost", "low", "low", NULL), 0,
	       "a second assessor's assessment is kept");
	is_int(store_assessment_put(st, 1, "bob@localhost", "medium", "medium", NULL), 0,
	       "and bob's replaced by his latest");
	store_assessment_list(st, 1, &list, &n);
	ok(n == 2, "two assessments of T-1, one per assessor");
	store_assessments_free(list, n);

	is_int(store_comment_add(st, 1, 4, "dave@localhost", "worse than we thought ✓", "sid-1", &cid), 0,
	       "a comment is kept");
	is_int(store_comment_delete(st, cid, "alice@localhost"), 0, "and deleted");
	is_int(store_comment_delete(st, 999, "alice@localhost"), STORE_NOTFOUND, "no comment #999");
	is_int(store_comment_list(st, 1, 5, &comments, &n, &total), 0, "T-1's comments are read");
	ok(n == 1 && total == 1 && !comments[0].body && comments[0].deleted_by &&
	   strcmp(comments[0].deleted_by, "alice@localhost") == 0 && strcmp(comments[0].stanza_id, "sid-1") == 0,
	   "a deleted comment keeps its mark, not its text");
	store_comments_free(comments, n);
	store_close(st);
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* The WAL is checkpointed by the store's thread, not in the commits: with
 * each checkpoint awaited, the writer starts the WAL over and it stays
 * near the threshold; the thread's checkpoints all succeed. */
static void test_checkpoints(void)
{
	struct store *st;
	struct threat t;
	unsigned long ran = 0, failed = 0;
	long largest = 0, size;
	char path[512], wal[520], err[512];
	int i, page;

	path_of(path, sizeof path, "checkpoints.db");
	snprintf(wal, sizeof wal, "%s-wal", path);
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0,
	       "a register checkpointed in the background");
	page = (int)store_query_int64(st, "PRAGMA page_size");
	is_int(store_checkpoint_in_background(st, 10), 0, "its thread starts");
	/* the WAL emptied of the schema's creation: what follows is the filings' */
	is_int((int)store_query_int64(st, "PRAGMA wal_checkpoint(TRUNCATE)"), 0, "the WAL is emptied");
	for (i = 0; i < 200; i++) {
		char name[64];
		snprintf(name, sizeof name, "threat %d with a name long enough", i);
		make_threat(&t, name, "high", "high", 4, "new");
		/* a text over a page: each filing writes a few pages */
		threat_set(&t, THREAT_DEFINITION, "\xe2\x82\xac attack on the stream \xf0\x9f\x94\x92 "
			   "again and again, over and over, and once more for good measure: "
			   "\xc3\xa9\xe6\xbc\xa2 and the rest of a long definition that fills the row");
		if (store_threat_insert(st, &t, "alice@localhost", NULL) < 0)
			break;
		threat_clear(&t);
		store_checkpoint_wait(st);
		size = file_size(wal);
		if (size > largest)
			largest = size;
	}
	is_int(i, 200, "200 filings, each committed");
	checkpointer_counts(st->checkpointer, &ran, &failed);
	ok(ran >= 10 && failed == 0, "the thread checkpointed %lu times, %lu failed", ran, failed);
	/* without the thread, it would grow to the commit's own checkpoint at
	 * 80 pages (8 x 10) */
	ok(largest > 0 && largest <= 24L * (page + 24) + 32,
	   "the WAL stays within the threshold and a filing or two: at most %ld bytes (pages of %d)",
	   largest, page);
	store_close(st);
	is_int(store_open(&st, path, STORE_OPEN_READ, template_schema(), err, sizeof err), 0,
	       "reopened");
	is_int(store_threat_count(st), 200, "every filing is there");
	store_close(st);
}

int main(void)
{
	struct store *st;
	char path[512], err[512];

	if (!mkdtemp(dir))
		return 1;
	path_of(path, sizeof path, "register.db");
	is_int(store_open(&st, path, 0, template_schema(), err, sizeof err), 0, "a new register is created");
	is_int(store_schema_version(st), 5, "at schema version 5");
	test_round_trip(st);
	test_history(st);
	test_list(st);
	test_sessions(st);
	test_transactions(st);
	store_close(st);
	is_int(store_open(&st, path, 0, template_schema(), err, sizeof err), 0, "reopened");
	is_int(store_threat_count(st), 151, "everything is still there");
	store_close(st);
	test_files();
	test_items();
	test_outbox_carried_over();
	test_assessments_carried_over();
	test_item_pages();
	test_subscriptions();
	test_checkpoints();
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
