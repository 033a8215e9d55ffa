/* SPDX-License-Identifier: MIT */
/* The schema and its migrations, by PRAGMA user_version. Each step moves the
 * database from version i to i + 1 inside one transaction; a database from
 * an older vigil is brought up to date when opened, and one from a newer
 * vigil is refused rather than damaged. */
#include <stdio.h>

#include "storage/store_internal.h"

static const char *const migrations[] = {
	/* 0 -> 1: the register, its history, ad-hoc sessions, announcements */
	"CREATE TABLE threats ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT," /* ids are never reused */
	"  revision INTEGER NOT NULL,"
	"  name TEXT NOT NULL, abstract TEXT NOT NULL, definition TEXT, attack_tree TEXT,"
	"  likelihood TEXT, damage TEXT, existing_approaches TEXT, gap TEXT,"
	"  potential_approaches TEXT, recommended_approach TEXT, status TEXT NOT NULL,"
	"  priority TEXT NOT NULL, priority_rank INTEGER NOT NULL, author TEXT NOT NULL,"
	"  created TEXT NOT NULL, updated TEXT NOT NULL);"
	"CREATE INDEX threats_by_priority ON threats (priority_rank DESC, id);"
	"CREATE INDEX threats_by_status ON threats (status);"
	"CREATE TABLE threat_revisions ("
	"  threat_id INTEGER NOT NULL REFERENCES threats (id),"
	"  revision INTEGER NOT NULL,"
	"  at TEXT NOT NULL, who TEXT NOT NULL, changed TEXT NOT NULL, note TEXT,"
	"  name TEXT NOT NULL, abstract TEXT NOT NULL, definition TEXT, attack_tree TEXT,"
	"  likelihood TEXT, damage TEXT, existing_approaches TEXT, gap TEXT,"
	"  potential_approaches TEXT, recommended_approach TEXT, status TEXT NOT NULL,"
	"  priority TEXT NOT NULL, priority_rank INTEGER NOT NULL, author TEXT NOT NULL,"
	"  PRIMARY KEY (threat_id, revision));"
	"CREATE TABLE sessions ("
	"  id TEXT PRIMARY KEY, jid TEXT NOT NULL, node TEXT NOT NULL,"
	"  stage INTEGER NOT NULL, state TEXT, expires INTEGER NOT NULL);"
	"CREATE INDEX sessions_by_expiry ON sessions (expires);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, node TEXT,"
	"  item_id TEXT, payload TEXT NOT NULL, created TEXT NOT NULL);"
	"CREATE TABLE subscriptions ("
	"  node TEXT NOT NULL, jid TEXT NOT NULL, subid TEXT NOT NULL, created TEXT NOT NULL,"
	"  PRIMARY KEY (node, jid));"
	"CREATE TABLE pubsub_items ("
	"  node TEXT NOT NULL, item_id TEXT NOT NULL, payload TEXT NOT NULL,"
	"  published TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  PRIMARY KEY (node, item_id));",
	/* 1 -> 2: a node's newest items and its next seq, and the count of a
	 * list, from indexes instead of a scan of every payload or row. Items
	 * are now kept when the change is committed, not when they are sent:
	 * those still waiting in the outbox are kept here. */
	"CREATE INDEX pubsub_items_by_seq ON pubsub_items (node, seq);"
	/* lists count by status and rank from an index, not from the rows */
	"DROP INDEX threats_by_status;"
	"CREATE INDEX threats_by_rank_status ON threats (priority_rank, status);"
	"INSERT INTO pubsub_items (node, item_id, payload, published, seq)"
	"  SELECT node, item_id, payload, created,"
	"    (SELECT coalesce(max(seq), 0) FROM pubsub_items) + id"
	"  FROM outbox WHERE target = 'pubsub' ORDER BY id"
	"  ON CONFLICT (node, item_id) DO UPDATE SET payload = excluded.payload,"
	"    published = excluded.published, seq = excluded.seq;",
	/* 2 -> 3: a change keeps only what happened (component/announce/
	 * builds the announcements when it sends them); `done` holds the
	 * targets already written (1 room, 2 PubSub, 4 external). What an
	 * older vigil left in its outbox is carried over, nothing dropped:
	 * - a priority change (item id T-n-rR): kind 0 at revision R with the
	 *   priority it moved from (the payload's from="..."), so its
	 *   notification goes out again, no room line;
	 * - a threats item (kept already, 2 above): the threat is announced
	 *   again from its current state, kind 0 (a state, no room line),
	 *   after the priority changes, so the last state notified is the
	 *   current one;
	 * - a room line: kept word for word in room_text, said as it is. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL,"
	"  threat_id INTEGER NOT NULL, revision INTEGER NOT NULL, old_priority TEXT,"
	"  who TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL,"
	"  room_text TEXT);"
	"INSERT INTO events (kind, threat_id, revision, old_priority, who, done, at)"
	"  SELECT 0, t.id, r.revision,"
	"    substr(o.payload, instr(o.payload, ' from=\"') + 7,"
	"      instr(substr(o.payload, instr(o.payload, ' from=\"') + 7), '\"') - 1),"
	"    '', 1, o.created FROM outbox o"
	"  JOIN threats t ON o.target = 'pubsub' AND o.node = 'priority'"
	"    AND o.item_id LIKE 'T-%-r%' AND instr(o.payload, ' from=\"') > 0"
	"    AND t.id = CAST(substr(o.item_id, 3, instr(o.item_id, '-r') - 3) AS INTEGER)"
	"  JOIN threat_revisions r ON r.threat_id = t.id"
	"    AND r.revision = CAST(substr(o.item_id, instr(o.item_id, '-r') + 2) AS INTEGER)"
	"  ORDER BY o.id;"
	"INSERT INTO events (kind, threat_id, revision, who, done, at)"
	"  SELECT 0, t.id, t.revision, '', 1, min(o.created) FROM outbox o"
	"  JOIN threats t ON o.target = 'pubsub' AND o.node = 'threats'"
	"    AND o.item_id = 'T-' || t.id GROUP BY t.id ORDER BY min(o.id);"
	"INSERT INTO events (kind, threat_id, revision, who, done, at, room_text)"
	"  SELECT 0, t.id, t.revision, '', 6, o.created, o.payload FROM outbox o"
	"  JOIN threats t ON o.target = 'room' AND o.payload LIKE 'T-% %'"
	"    AND t.id = CAST(substr(o.payload, 3, instr(o.payload, ' ') - 3) AS INTEGER)"
	"  ORDER BY o.id;"
	"DROP TABLE outbox;",
	/* 3 -> 4: the SIG's discussion. Each assessor's latest
	 * assessment per threat; an existing assessment is carried over as
	 * the threat's first assessor's: the author of its last revision
	 * that set likelihood or damage, or gave a rationale with nothing
	 * changed, or moved it to analyzed (what only an assessment does),
	 * else the threat's author. Comments keep their mark when deleted
	 * (body NULL, deleted_by set). */
	"CREATE TABLE assessments ("
	"  threat_id INTEGER NOT NULL REFERENCES threats (id), assessor TEXT NOT NULL,"
	"  likelihood TEXT NOT NULL, damage TEXT NOT NULL, rationale TEXT, at TEXT NOT NULL,"
	"  PRIMARY KEY (threat_id, assessor));"
	"CREATE TEMP VIEW last_assessed AS"
	"  SELECT r.threat_id, r.who, r.note, r.at FROM threat_revisions r"
	"  WHERE r.revision = (SELECT max(q.revision) FROM threat_revisions q"
	"    WHERE q.threat_id = r.threat_id AND (' ' || q.changed || ' ' LIKE '% likelihood %'"
	"      OR ' ' || q.changed || ' ' LIKE '% damage %'"
	"      OR (q.changed = '' AND q.note IS NOT NULL)"
	"      OR (q.changed = 'status' AND q.status = 'analyzed')));"
	"INSERT INTO assessments (threat_id, assessor, likelihood, damage, rationale, at)"
	"  SELECT t.id, coalesce(a.who, t.author), coalesce(t.likelihood, ''),"
	"    coalesce(t.damage, ''), a.note, coalesce(a.at, t.updated)"
	"  FROM threats t LEFT JOIN last_assessed a ON a.threat_id = t.id"
	"  WHERE coalesce(t.likelihood, '') <> '' OR coalesce(t.damage, '') <> '';"
	"DROP VIEW last_assessed;"
	"CREATE TABLE comments ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  threat_id INTEGER NOT NULL REFERENCES threats (id), revision INTEGER NOT NULL,"
	"  who TEXT NOT NULL, at TEXT NOT NULL, body TEXT, stanza_id TEXT,"
	"  deleted_by TEXT, deleted_at TEXT);"
	"CREATE INDEX comments_by_threat ON comments (threat_id, id);",
	/* 4 -> 5: an account's subscriptions, counted at every subscribe
	 * against pubsub.max_subscriptions_per_jid, from an index: the scan
	 * of every subscriber made one subscribe cost 2 ms at 10,000 of them */
	"CREATE INDEX subscriptions_by_jid ON subscriptions (jid);",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(struct store *st)
{
	sqlite3_stmt *stmt = store_prepare(st, "PRAGMA user_version");
	int version = -1;

	if (!stmt)
		return STORE_ERROR;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	store_finish(st, stmt);
	return version;
}

int schema_migrate(struct store *st)
{
	char sql[64];
	int version = store_schema_version(st), rc;

	if (version < 0)
		return version == -1 ? STORE_ERROR : version;
	if (version > SCHEMA_VERSION) {
		snprintf(st->errmsg, sizeof st->errmsg,
			 "%s was written by a newer vigil (schema %d, this one knows %d): "
			 "refusing to touch it", st->path, version, SCHEMA_VERSION);
		return STORE_ERROR;
	}
	for (; version < SCHEMA_VERSION; version++) {
		rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, migrations[version], NULL, NULL, NULL);
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			int code = store_fail(st, rc, "migrating the schema");
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return code;
		}
	}
	return 0;
}
