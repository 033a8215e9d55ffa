/* SPDX-License-Identifier: MIT */
/* The announcer with a fake sender, a fake clock and a fake room and PubSub
 * service, against a temporary register: it sends after a change without
 * waiting to be polled, waits for the room, merges a burst of room lines,
 * deletes the events once what they caused is written, sends again after a
 * disconnect, and takes up at start what an earlier run left. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "commands/register/context.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "component/announce/announce.h"
#include "component/base/loop.h"
#include "config/config.h"
#include "fake_sender.h"
#include "storage/events.h"
#include "storage/store.h"
#include "tap.h"

struct world {
	long long now;                /* the fake clock, ms */
	struct fake_sender fake;
	struct sender sender;         /* the fake, with `written` held back at will */
	unsigned long long written_cap; /* 0: everything sent is written */
	unsigned long long confirmed_cap; /* 0: everything written is confirmed by the server */
	int room_ready;
	char lines[64][1024];
	size_t nlines;
	char published[64][64];       /* node/item id */
	size_t npublished;
	int fanout_batches;           /* batches left in the fan-out under way */
	int priority_fails;           /* publishes on `priority` refused (the database) */
	int room_refuses;             /* room lines refused (the send guard, memory) */
};

static long long fake_clock(void *ctx)
{
	return ((struct world *)ctx)->now;
}

static unsigned long long held_written(void *userdata)
{
	struct world *w = userdata;

	return w->written_cap && w->written_cap < w->fake.count ? w->written_cap : w->fake.count;
}

static unsigned long long held_confirmed(void *userdata, unsigned long long want)
{
	struct world *w = userdata;
	unsigned long long written = held_written(userdata);

	(void)want;
	return w->confirmed_cap && w->confirmed_cap < written ? w->confirmed_cap : written;
}

static int send_through(void *userdata, xmpp_stanza_t *stanza)
{
	struct world *w = userdata;

	return w->fake.sender.send(w->fake.sender.userdata, stanza);
}

static char *new_id(void *userdata)
{
	struct world *w = userdata;

	return w->fake.sender.new_id(w->fake.sender.userdata);
}

static int room_ready(void *ctx) { return ((struct world *)ctx)->room_ready; }

static int room_say(void *ctx, const char *text)
{
	struct world *w = ctx;
	xmpp_stanza_t *m;
	int rc;

	if (w->room_refuses)
		return -1;
	m = xmpp_message_new(w->fake.sender.ctx, "groupchat", "room@muc", NULL);
	xmpp_message_set_body(m, text);
	rc = send_through(w, m);
	xmpp_stanza_release(m);
	if (rc == 0 && w->nlines < 64)
		snprintf(w->lines[w->nlines++], sizeof w->lines[0], "%s", text);
	return rc;
}

/* Two subscribers: the payload is built, as pubsub.c would for them. */
static int publish(void *ctx, const char *node, const char *item_id,
		   xmpp_stanza_t *(*build)(void *arg), void *arg)
{
	struct world *w = ctx;
	xmpp_stanza_t *payload;

	if (strcmp(node, "priority") == 0 && w->priority_fails > 0) {
		w->priority_fails--;
		return -1;
	}
	payload = build(arg);
	const char *ns = payload ? xmpp_stanza_get_ns(payload) : NULL;
	int ours = ns && strcmp(ns, strcmp(node, "feed") == 0 ? "http://www.w3.org/2005/Atom"
						      : "urn:vigil:threat:0") == 0;

	if (payload)
		xmpp_stanza_release(payload);
	if (!ours)
		return -1;
	if (w->npublished < 64)
		snprintf(w->published[w->npublished++], sizeof w->published[0], "%s/%s", node, item_id);
	w->fanout_batches = 2; /* two subscribers' notifications, one per batch */
	return 0;
}

static int publish_busy(void *ctx) { return ((struct world *)ctx)->fanout_batches > 0; }

static int publish_step(void *ctx)
{
	struct world *w = ctx;
	xmpp_stanza_t *m = xmpp_message_new(w->fake.sender.ctx, NULL, "sub@example.org", NULL);

	send_through(w, m);
	xmpp_stanza_release(m);
	return --w->fanout_batches > 0;
}

static void publish_reset(void *ctx) { ((struct world *)ctx)->fanout_batches = 0; }

static unsigned long long queued(void *ctx) { return ((struct world *)ctx)->fake.count; }

/* Runs the timers due, as the daemon's loop would, without sleeping: the
 * clock moves to each next timer. */
static void run(struct world *w, struct loop *loop, long long for_ms)
{
	long long end = w->now + for_ms, next;
	int turns = 0;

	while (turns++ < 10000) {
		loop_run_due(loop);
		next = loop_next_ms(loop, 1LL << 40); /* that far: nothing armed */
		if (w->now + next > end)
			break;
		w->now += next;
	}
	w->now = end;
}

static size_t lines_with(const struct world *w, const char *text)
{
	size_t i, n = 0;

	for (i = 0; i < w->nlines; i++)
		n += strstr(w->lines[i], text) != NULL;
	return n;
}

static size_t published(const struct world *w, const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < w->npublished; i++)
		n += strcmp(w->published[i], what) == 0;
	return n;
}

/* The done bits of the only event in the table, -1 when not one. */
static int event_done(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int done = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT done FROM events", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			done = sqlite3_column_int(st, 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			done = -1;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return done;
}

static void file(struct commands_ctx *cc, const char *who, const char *name, const char *likelihood)
{
	const struct actor a = { who, ROLE_ADMIN };
	struct op_result r;
	struct threat t;

	threat_init(&t);
	threat_set(&t, THREAT_NAME, name);
	threat_set(&t, THREAT_ABSTRACT, "a");
	threat_set(&t, THREAT_LIKELIHOOD, likelihood);
	threat_set(&t, THREAT_DAMAGE, likelihood);
	if (op_file(cc, &a, &t, &r) < 0)
		diag("not filed: %s", r.message);
	threat_clear(&t);
}

int main(void)
{
	static struct world w;
	char path[] = "/tmp/vigil-test-announce-XXXXXX", err[512];
	struct vigil_config cfg;
	struct commands_ctx cc;
	struct store *st = NULL;
	struct loop *loop;
	struct announcer *a;
	xmpp_ctx_t *ctx;
	int fd = mkstemp(path), i;
	const struct announce_deps deps = { room_ready, room_say, publish, publish_busy,
					    publish_step, publish_reset, queued, &w };

	close(fd);
	unlink(path);
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	config_defaults(&cfg);
	if (store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err) < 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	fake_sender_init(&w.fake, ctx, "threats.example.org");
	w.sender = w.fake.sender;
	w.sender.send = send_through;
	w.sender.new_id = new_id;
	w.sender.written = held_written;
	w.sender.confirmed = held_confirmed;
	w.sender.userdata = &w;
	loop = loop_new(fake_clock, &w);
	a = announce_new(loop, &w.sender, st, &deps, NULL);
	memset(&cc, 0, sizeof cc);
	cc.store = st;
	cc.cfg = &cfg;
	cc.changes.recording = announce_recording;
	cc.changes.changed = announce_changed;
	cc.changes.ctx = a;
	is_int(announce_load(a), 0, "nothing left from before");
	announce_connected(a);
	w.room_ready = 1;
	run(&w, loop, 0);
	ok(!loop_timer_armed(loop, "announce"), "idle: no timer armed (no polling)");

	/* one change: the answer is the caller's, the announcements follow at once */
	file(&cc, "alice@example.org", "First", "high");
	is_int(w.fake.count, 0, "nothing is sent while the operation runs");
	{
		struct pubsub_item *items = NULL;
		size_t n = 0, m = 0;
		store_item_list(st, "threats", "T-1", 0, &items, &n);
		store_items_free(items, n);
		store_item_list(st, "priority", "T-1-r1", 0, &items, &m);
		store_items_free(items, m);
		ok(n == 1 && m == 1, "its items are kept in the change's own transaction");
	}
	ok(loop_timer_armed(loop, "announce") && loop_next_ms(loop, 1000) == 0,
	   "the change arms the announcer at 0 ms");
	run(&w, loop, 0);
	is_int(lines_with(&w, "T-1 \"First\" filed by alice@example.org"), 1, "the room line is said");
	is_int(published(&w, "threats/T-1"), 1, "the threat's item is published");
	is_int(published(&w, "priority/T-1-r1"), 1, "and, assessed when filed, a priority change");
	is_int(published(&w, "feed/T-1-r1"), 1, "and its Atom entry on feed");
	is_int(store_event_count(st), 1, "the event waits until all is written");
	run(&w, loop, 100);
	is_int(w.fake.count, 7, "room line and two notifications per item sent (fan-out in batches)");
	is_int(store_event_count(st), 0, "written: the event is deleted");
	{
		struct pubsub_item *items = NULL;
		size_t n = 0;
		store_item_list(st, "threats", "T-1", 0, &items, &n);
		ok(n == 1 && strcmp(items[0].payload, STORE_ITEM_CURRENT) == 0,
		   "the item is kept for retrieval, as the threat's current state");
		store_items_free(items, n);
		store_item_list(st, "priority", "T-1-r1", 0, &items, &n);
		ok(n == 1 && strstr(items[0].payload, "priority-change") &&
		   strstr(items[0].payload, "First"), "the priority change is kept as its text");
		store_items_free(items, n);
		store_item_list(st, "feed", "T-1-r1", 0, &items, &n);
		ok(n == 1 && strstr(items[0].payload, "<entry xmlns=\"http://www.w3.org/2005/Atom\">") &&
		   strstr(items[0].payload, "<title>T-1 \"First\" filed by alice@example.org"),
		   "the feed entry is kept as its text");
		store_items_free(items, n);
	}
	ok(!loop_timer_armed(loop, "announce"), "idle again: no timer armed");

	/* the room is not ready: PubSub goes, the room line waits */
	w.room_ready = 0;
	file(&cc, "alice@example.org", "While away", "low");
	run(&w, loop, 500);
	is_int(published(&w, "threats/T-2"), 1, "published while out of the room");
	is_int(lines_with(&w, "While away"), 0, "the room line waits for the room");
	is_int(store_event_count(st), 1, "and so does its event");
	w.room_ready = 1;
	announce_room_ready(a);
	run(&w, loop, 100);
	is_int(lines_with(&w, "T-2 \"While away\" filed"), 1, "said once back in the room");
	is_int(store_event_count(st), 0, "then deleted");

	/* not written yet: the event stays; a disconnect sends it again */
	w.written_cap = w.fake.count;
	file(&cc, "bob@example.org", "Unwritten", "medium");
	run(&w, loop, 100);
	is_int(lines_with(&w, "Unwritten"), 1, "said");
	is_int(store_event_count(st), 1, "not written: kept");
	announce_disconnected(a);
	w.written_cap = 0;
	announce_connected(a);
	run(&w, loop, 100);
	is_int(lines_with(&w, "Unwritten"), 2, "said again on the next stream");
	is_int(published(&w, "threats/T-3"), 2, "published again too");
	is_int(store_event_count(st), 0, "written this time: deleted");

	/* a burst waiting together: one room line, one item per threat */
	w.room_ready = 0;
	for (i = 0; i < 6; i++) {
		char name[32];
		snprintf(name, sizeof name, "Burst %d", i);
		file(&cc, "carol@example.org", name, i < 2 ? "high" : "low");
	}
	file(&cc, "dave@example.org", "Single", "low");
	run(&w, loop, 100);
	w.room_ready = 1;
	announce_room_ready(a);
	run(&w, loop, 100);
	is_int(lines_with(&w, "T-4…T-9: 6 threats filed by carol@example.org; 2 critical"), 1,
	       "six filings by one person waiting together: one line");
	is_int(lines_with(&w, "Burst"), 0, "not six");
	is_int(lines_with(&w, "T-10 \"Single\" filed by dave@example.org"), 1,
	       "another person's filing has its own line");
	for (i = 4; i <= 10; i++) {
		char what[32];
		snprintf(what, sizeof what, "threats/T-%d", i);
		ok(published(&w, what) == 1, "%s: one item per threat", what);
	}
	is_int(store_event_count(st), 0, "all written, all deleted");

	/* an edit that moves the priority: an item on `priority`, worded as an edit */
	{
		const struct actor alice = { "alice@example.org", ROLE_MEMBER };
		struct op_result r;
		struct threat t;
		threat_init(&t);
		op_load(&cc, 1, &t, &r);
		threat_set(&t, THREAT_LIKELIHOOD, "low");
		is_int(op_edit(&cc, &alice, &t, t.revision, &r), 0, "alice edits T-1's likelihood");
		threat_clear(&t);
		run(&w, loop, 100);
		is_int(lines_with(&w, "edited by alice@example.org"), 1, "said as an edit: %s",
		       w.nlines ? w.lines[w.nlines - 1] : "");
		is_int(published(&w, "priority/T-1-r2"), 1, "the priority change is published");
	}

	/* an earlier run left events: taken up at start */
	announce_disconnected(a);
	announce_free(a);
	w.room_ready = 0;
	cc.changes.recording = NULL; /* nobody listens: as if killed right after the commit */
	cc.changes.changed = NULL;
	file(&cc, "erin@example.org", "Left behind", "low");
	is_int(store_event_count(st), 1, "an event left in the table");
	a = announce_new(loop, &w.sender, st, &deps, NULL);
	is_int(announce_load(a), 0, "a new announcer takes it up");
	is_int(announce_waiting(a), 1, "one change waiting");
	w.room_ready = 1;
	announce_connected(a);
	run(&w, loop, 100);
	is_int(lines_with(&w, "T-11 \"Left behind\" filed by erin@example.org"), 1,
	       "announced from its stored revision");
	is_int(published(&w, "threats/T-11"), 1, "and published");
	is_int(store_event_count(st), 0, "then deleted");

	/* the priority item refused once (the database busy): tried again, not dropped */
	cc.changes.recording = announce_recording;
	cc.changes.changed = announce_changed;
	cc.changes.ctx = a;
	w.priority_fails = 1;
	file(&cc, "alice@example.org", "Busy database", "high");
	run(&w, loop, 0);
	is_int(published(&w, "threats/T-12"), 1, "the threat's item goes");
	is_int(published(&w, "priority/T-12-r1"), 0, "the priority item is refused");
	is_int(store_event_count(st), 1, "so the event stays");
	run(&w, loop, 2000);
	is_int(published(&w, "priority/T-12-r1"), 1, "and it goes a second later");
	is_int(store_event_count(st), 0, "then the event is deleted");

	/* a room line the sender refused is said later, not counted as said */
	w.room_refuses = 1;
	file(&cc, "alice@example.org", "Refused line", "low");
	run(&w, loop, 500);
	is_int(lines_with(&w, "Refused line"), 0, "the line was refused");
	is_int(store_event_count(st), 1, "its event stays");
	w.room_refuses = 0;
	run(&w, loop, 2000);
	is_int(lines_with(&w, "Refused line"), 1, "said once the room takes it");
	is_int(store_event_count(st), 0, "then deleted");

	/* written to the socket but not confirmed by the server (the stream
	 * may break with it in the kernel's buffer): kept, and sent again */
	w.confirmed_cap = w.fake.count;
	file(&cc, "bob@example.org", "Unconfirmed", "medium");
	run(&w, loop, 100);
	is_int(lines_with(&w, "Unconfirmed"), 1, "said and written");
	is_int(store_event_count(st), 1, "not confirmed: kept");
	ok(loop_next_ms(loop, 5000) >= 50, "waiting for the server: no turn for %lld ms (its "
	   "confirmation wakes the announcer; no polling every millisecond)", loop_next_ms(loop, 5000));
	announce_disconnected(a);
	w.confirmed_cap = 0;
	announce_connected(a);
	run(&w, loop, 100);
	is_int(lines_with(&w, "Unconfirmed"), 2, "said again on the next stream");
	is_int(store_event_count(st), 0, "confirmed this time: deleted");

	/* the room refuses a line (its error echo: stream_sender.h): not said,
	 * so said again a second later, not at once */
	{
		unsigned long long mark = 0;
		size_t k;
		w.confirmed_cap = w.fake.count; /* nothing confirmed for now */
		file(&cc, "bob@example.org", "Refused by the room", "medium");
		run(&w, loop, 0);
		for (k = 0; k < w.fake.count; k++)
			if (strstr(w.fake.sent[k], "Refused by the room"))
				mark = k + 1;
		ok(mark > 0, "said (stanza %llu)", mark);
		announce_room_refused(a, mark);
		w.confirmed_cap = 0; /* the rest is confirmed */
		announce_confirmed(a);
		run(&w, loop, 500);
		is_int(lines_with(&w, "Refused by the room"), 1, "not said again at once");
		is_int(store_event_count(st), 1, "its event stays");
		run(&w, loop, 600);
		is_int(lines_with(&w, "Refused by the room"), 2, "said again a second later");
		run(&w, loop, 100);
		is_int(store_event_count(st), 0, "then confirmed and deleted");
	}

	ok(strstr(fake_last(&w.fake), "groupchat") || fake_count_with(&w.fake, "sub@example.org", NULL) > 0,
	   "the fake kept what was sent");
	announce_free(a);

	/* confirmed, then the stream breaks at once (a server going down may
	 * not have handed on what it confirmed): sent again. The change is held
	 * in memory until its stream has lasted settle_ms; the table is told at
	 * once, so a crash of vigil's own does not send it again */
	{
		const struct announce_options opts = { .settle_ms = 2000 }; /* 2 s: easy to read */
		a = announce_new(loop, &w.sender, st, &deps, &opts);
		cc.changes.ctx = a;
		is_int(announce_load(a), 0, "an announcer that lets confirmations settle");
		announce_connected(a);
		file(&cc, "bob@example.org", "Settling", "medium");
		run(&w, loop, 100);
		is_int(lines_with(&w, "Settling"), 1, "said and confirmed");
		is_int(store_event_count(st), 0, "the table is told at once: its event is deleted");
		is_int(announce_waiting(a), 1, "the change is held while it settles");
		run(&w, loop, 1000);
		announce_disconnected(a); /* 1.1 s after the confirmation */
		announce_connected(a);
		run(&w, loop, 100);
		is_int(lines_with(&w, "Settling"), 2, "the stream broke before it settled: said again");
		is_int(published(&w, "threats/T-16"), 2, "and published again");
		run(&w, loop, 1800);
		is_int(announce_waiting(a), 1, "settling again from the new confirmation");
		ok(loop_next_ms(loop, 5000) > 50, "waiting to settle: no turn before (%lld ms)",
		   loop_next_ms(loop, 5000));
		run(&w, loop, 200);
		is_int(announce_waiting(a), 0, "settled (2 s): let go");
		ok(!loop_timer_armed(loop, "announce"), "idle: no timer armed");
		/* a part done: the table is told at once, a broken stream sends
		 * again only what had not settled */
		w.room_ready = 0;
		file(&cc, "bob@example.org", "Half done", "medium");
		run(&w, loop, 100);
		is_int(event_done(path), ANNOUNCE_PUBSUB, "its items confirmed: the table is told");
		run(&w, loop, 2000);
		w.room_ready = 1;
		announce_room_ready(a);
		run(&w, loop, 100);
		is_int(store_event_count(st), 0, "its line confirmed too: deleted");
		announce_disconnected(a); /* the line confirmed 0.1 s ago, the items long ago */
		announce_connected(a);
		run(&w, loop, 100);
		is_int(lines_with(&w, "Half done"), 2, "the line is said again");
		is_int(published(&w, "threats/T-17"), 1, "the settled items are not published again");
		run(&w, loop, 2100);
		is_int(announce_waiting(a), 0, "all settled: let go");
		/* vigil killed while a change settles: the server is up and has
		 * it, so the next vigil does not send it again */
		file(&cc, "bob@example.org", "Killed while settling", "medium");
		run(&w, loop, 100);
		is_int(announce_waiting(a), 1, "confirmed, settling");
		announce_free(a);
		a = announce_new(loop, &w.sender, st, &deps, &opts);
		cc.changes.ctx = a;
		is_int(announce_load(a), 0, "a new announcer");
		is_int(announce_waiting(a), 0, "nothing to send again");
		announce_connected(a);
		file(&cc, "bob@example.org", "Stopping", "medium");
		run(&w, loop, 100);
		is_int(announce_waiting(a), 1, "confirmed, settling");
		announce_stop(a);
		is_int(announce_waiting(a), 0, "vigil stops (the server stays): let go at once");
		announce_free(a);
		cc.changes.ctx = NULL;
	}

	/* a room line an older vigil worded (carried over by the migration): said as it is */
	{
		sqlite3 *db;
		sqlite3_open(path, &db);
		is_int(sqlite3_exec(db, "INSERT INTO events (kind, threat_id, revision, who, done, at, "
				    "room_text) VALUES (0, 1, 1, '', 6, '2026-01-01T00:00:00Z', "
				    "'T-1 \"First\" filed by alice@example.org: priority high (old words)')",
				    NULL, NULL, NULL), SQLITE_OK, "an older vigil's room line waits");
		sqlite3_close(db);
		a = announce_new(loop, &w.sender, st, &deps, NULL);
		is_int(announce_load(a), 0, "taken up");
		announce_connected(a);
		run(&w, loop, 100);
		is_int(lines_with(&w, "priority high (old words)"), 1, "said word for word");
		is_int(store_event_count(st), 0, "then deleted");
		announce_free(a);
	}

	/* an external service that never answers: asked again, never waited on for ever */
	{
		const struct announce_options opts = { .external_service = "pubsub.example.org",
						       .access_model = "open" };
		size_t before = fake_count_with(&w.fake, "pubsub.example.org", NULL);
		a = announce_new(loop, &w.sender, st, &deps, &opts);
		cc.changes.ctx = a;
		announce_connected(a);
		file(&cc, "alice@example.org", "Out there", "");
		run(&w, loop, 100);
		is_int(fake_count_with(&w.fake, "pubsub.example.org", NULL) - before, 1,
		       "the item is published to the external service");
		run(&w, loop, 29000);
		is_int(fake_count_with(&w.fake, "pubsub.example.org", NULL) - before, 1,
		       "no answer within 29 s: still waiting");
		run(&w, loop, 3000);
		is_int(fake_count_with(&w.fake, "pubsub.example.org", NULL) - before, 2,
		       "no answer in 30 s: asked again a second later");
		is_int(store_event_count(st), 1, "its event stays until the service says yes");
		announce_free(a);
	}
	/* a burst (an import) paced by the server's confirmations: every 16
	 * items started, no more until the server has confirmed them (or 1 s) */
	{
		const struct announce_options opts = { .access_model = "open", .pace = 1 };
		size_t threats_items = 0, j;
		fake_sender_clear(&w.fake);
		w.npublished = 0;
		w.confirmed_cap = 1; /* the server confirms nothing new */
		a = announce_new(loop, &w.sender, st, &deps, &opts);
		cc.changes.ctx = a;
		announce_load(a);
		announce_connected(a);
		for (i = 0; i < 20; i++)
			file(&cc, "frank@example.org", "Paced", "low");
		run(&w, loop, 0);
		for (j = 0; j < w.npublished; j++)
			threats_items += strncmp(w.published[j], "threats/", 8) == 0;
		is_int(threats_items, 16, "a burst: 16 items go");
		run(&w, loop, 500);
		/* each filing: its threat, its priority change, its feed entry */
		is_int(w.npublished, 48, "no more items while the server has not confirmed them (%zu)",
		       w.npublished);
		w.confirmed_cap = 0; /* it confirms, and the sender says so */
		announce_confirmed(a);
		run(&w, loop, 0);
		is_int(w.npublished, 60, "confirmed: the rest of the burst goes");
		run(&w, loop, 100);
		is_int(store_event_count(st), 0, "all confirmed, all deleted");
		w.confirmed_cap = w.fake.count; /* nothing new confirmed again */
		w.npublished = 0;
		threats_items = 0;
		for (i = 0; i < 20; i++)
			file(&cc, "frank@example.org", "Paced again", "low");
		run(&w, loop, 0);
		for (j = 0; j < w.npublished; j++)
			threats_items += strncmp(w.published[j], "threats/", 8) == 0;
		is_int(threats_items, 16, "the next burst: 16 items, then it waits");
		j = w.npublished;
		run(&w, loop, 999);
		is_int(w.npublished, j, "...unconfirmed: nothing more within the second");
		run(&w, loop, 2);
		ok(w.npublished > j, "a server that confirms nothing holds back 1 s at most (%zu)",
		   w.npublished);
		is_int(store_event_count(st), 20, "unconfirmed events are kept");
		w.confirmed_cap = 0;
		run(&w, loop, 1000);
		is_int(store_event_count(st), 0, "confirmed: the burst is done");
		announce_free(a);
	}
	loop_free(loop);
	fake_sender_clear(&w.fake);
	store_close(st);
	unlink(path);
	config_free(&cfg);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
