/* SPDX-License-Identifier: MIT */
/* The announcer: see announce.h.
 *
 * xmpp_send() only queues, libstrophe drops its queue when the stream
 * breaks, and what it wrote may still be lost with the stream (in the
 * kernel's buffer, cut off mid-write); so an event is done with a target
 * once the server has confirmed the stanzas it caused (sender->confirmed:
 * the room's echo of a line, or a ping, answered after them on the same
 * stream). Each target sent remembers how many stanzas had been handed to
 * the sender after its last one (its mark); the stream is first in, first
 * out, so the target is done once sender->confirmed() reaches the mark.
 * And a server going down may lose what it confirmed last: a change is
 * held in memory until the stream has lasted settle_ms after its
 * confirmation, and sent again when the stream breaks before that. (The
 * events table is told at once: a crash of vigil's own does not send again
 * what the server, still up, delivers.) A crash or a broken stream before
 * the confirmation sends it again: an announcement may rarely come twice,
 * never not at all. */
#include "component/announce/announce.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "component/announce/external.h"
#include "component/announce/items.h"
#include "component/announce/state.h"
#include "commands/text/text.h"
#include "commands/register/announcement.h"
#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/xmpp/nodes.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"
#include "storage/events.h"
#include "storage/store.h"

_Static_assert((int)ANNOUNCE_ROOM == (int)CHANGE_DONE_ROOM &&
	       (int)ANNOUNCE_PUBSUB == (int)CHANGE_DONE_PUBSUB &&
	       (int)ANNOUNCE_EXTERNAL == (int)CHANGE_DONE_EXTERNAL, "the done bits an import writes");

#define TIMER "announce"
#define WRITE_CHECK_MS 1    /* while stanzas of ours wait in libstrophe's queue */
#define CONFIRM_CHECK_MS 100 /* while written ones wait for the server: its
				confirmation wakes the announcer (announce_confirmed);
				this only drives the sender's time-outs */
#define FORGET_MS 20        /* confirmed events are deleted with the next change's
			       items, or after this long: one transaction, not two */
#define KEEP_THREATS 256    /* changes held with their state at once; the others
			       are read from their revision when their turn comes */
#define FANOUT_BACKLOG 0    /* notifications left unwritten when the next batch may go */
#define ROUNDS 16           /* items a turn may start publishing */
#define LOAD_BATCH 256

static void pump(void *arg);
static int check_written(struct announcer *a);

static void wake(struct announcer *a, long long ms)
{
	loop_timer_soon(a->loop, TIMER, ms, pump, a);
}

/* --- taking changes up ----------------------------------------------------------- */

static void set_targets(struct announcer *a, struct waiting *w)
{
	w->loaded = 1;
	a->loaded++;
	w->targets = ANNOUNCE_PUBSUB;
	if (w->room_text || announce_text_says(w->kind, &w->threat, w->old_priority))
		w->targets |= ANNOUNCE_ROOM;
	if (a->opts.external_service)
		w->targets |= ANNOUNCE_EXTERNAL;
	w->kept = w->kept_with_change || (w->done & ANNOUNCE_PUBSUB) != 0;
}

static struct waiting *enqueue(struct announcer *a, const struct stored_event *e)
{
	struct waiting *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	threat_init(&w->threat);
	w->event_id = e->id;
	w->threat_id = e->threat_id;
	w->revision = e->revision;
	w->kind = (enum change_kind)e->kind;
	w->old_priority = e->old_priority ? strdup(e->old_priority) : NULL;
	w->by = strdup(e->who ? e->who : "");
	w->room_text = e->room_text ? strdup(e->room_text) : NULL;
	if ((e->old_priority && !w->old_priority) || !w->by || (e->room_text && !w->room_text)) {
		waiting_free(w);
		return NULL;
	}
	w->done = w->done_stored = e->done & ~(unsigned)CHANGE_DONE_FEED;
	w->feed_done = (e->done & CHANGE_DONE_FEED) != 0;
	/* confirmed by an earlier stream, long settled */
	w->room_confirmed_at = w->pubsub_confirmed_at = LLONG_MIN / 4;
	*a->tail = w;
	a->tail = &w->next;
	a->count++;
	a->last_id = e->id;
	return w;
}

/* Events with ids after the last taken up, from the events table. */
static int read_back(struct announcer *a)
{
	struct stored_event *events;
	size_t count, i;
	int rc;

	do {
		rc = store_event_list(a->store, a->last_id, LOAD_BATCH, &events, &count);
		if (rc < 0)
			return rc;
		for (i = 0; i < count && enqueue(a, &events[i]); i++)
			;
		store_events_free(events, count);
		if (i < count)
			return STORE_NOMEM;
	} while (count == LOAD_BATCH);
	a->reload = 0;
	return 0;
}

int announce_load(struct announcer *a)
{
	int rc = read_back(a);

	if (rc < 0)
		a->reload = 1; /* read again by the pump: none is skipped for good */
	if (a->count)
		log_info("%zu change%s to announce from before", a->count, a->count == 1 ? "" : "s");
	wake(a, 0);
	return rc;
}

void announce_recording(void *announcer, const struct change *c)
{
	struct announcer *a = announcer;
	struct item_source src = { c->threat, c->threat->id, c->threat->revision, c->kind,
				   c->old_priority, c->by, c->room_text, a->opts.service,
				   a->opts.base_url, 0 };

	/* in the change's transaction: one commit for the change and its items */
	if (item_keep(a->store, a->sender->ctx, &src) == 0)
		a->recorded_event = c->event_id;
}

void announce_changed(void *announcer, const struct change *c)
{
	struct announcer *a = announcer;
	struct stored_event e = {
		.id = c->event_id, .kind = c->kind, .threat_id = c->threat->id,
		.revision = c->threat->revision, .old_priority = (char *)c->old_priority,
		.who = (char *)c->by, .room_text = (char *)c->room_text,
	};
	struct waiting *w = NULL;

	/* events before this one that were not taken up were written by
	 * another process (an import): all of them from the table, in order */
	if (c->event_id > a->last_id + 1)
		a->reload = 1;
	/* after a miss, in order from the table until it is read back */
	if (!a->reload && (w = enqueue(a, &e)))
		w->kept_with_change = c->event_id == a->recorded_event;
	if (w && a->loaded < KEEP_THREATS) {
		if (threat_copy(&w->threat, c->threat) == 0)
			set_targets(a, w);
		else
			threat_clear(&w->threat); /* read from its revision later */
	}
	if (!w && !a->reload) {
		log_warn("out of memory: the change of T-%lld is announced from the database",
			 c->threat->id);
		a->reload = 1;
	}
	wake(a, 0);
}

/* Reads the state of the first changes not held with theirs. */
static void load_states(struct announcer *a)
{
	struct waiting *w;
	int rc;

	for (w = a->head; w && a->loaded < KEEP_THREATS; w = w->next) {
		if (w->loaded)
			continue;
		rc = store_threat_at_revision(a->store, w->threat_id, w->revision, &w->threat);
		if (rc == STORE_NOTFOUND) {
			log_warn("T-%lld revision %lld is gone: not announced", w->threat_id, w->revision);
			threat_clear(&w->threat);
			set_targets(a, w);
			w->targets = 0;
			continue;
		}
		if (rc < 0) {
			threat_clear(&w->threat);
			a->store_retry_at = loop_now(a->loop) + STORE_RETRY_MS;
			return;
		}
		set_targets(a, w);
	}
}

/* --- the database: items kept, events marked and deleted, in one transaction ---- */

static int keep_items(struct announcer *a, struct waiting *w)
{
	struct item_source src = waiting_source(a, w);

	return item_keep(a->store, a->sender->ctx, &src);
}

static int needs_keeping(const struct waiting *w)
{
	return w->loaded && (w->targets & ANNOUNCE_PUBSUB) && !w->kept;
}

/* The targets done and settled: confirmed at least settle_ms ago (the
 * external service's acknowledgement is final at once). */
static unsigned settled_done(const struct announcer *a, const struct waiting *w, long long now)
{
	unsigned bits = w->done & ANNOUNCE_EXTERNAL;

	if ((w->done & ANNOUNCE_ROOM) && now - w->room_confirmed_at >= a->opts.settle_ms)
		bits |= ANNOUNCE_ROOM;
	if ((w->done & ANNOUNCE_PUBSUB) && now - w->pubsub_confirmed_at >= a->opts.settle_ms)
		bits |= ANNOUNCE_PUBSUB;
	return bits;
}

/* Every target settled: it may leave memory (once its event is deleted). */
static int settled(const struct announcer *a, const struct waiting *w, long long now)
{
	return w->loaded && (settled_done(a, w, now) & w->targets) == w->targets;
}

/* All done: its event is to be deleted. */
static int to_delete(const struct waiting *w)
{
	return waiting_complete(w) && !w->deleted;
}

/* Part of its targets done since the events table was told. */
static int progress_to_mark(const struct waiting *w)
{
	return w->loaded && !w->deleted && w->done != w->done_stored && !waiting_complete(w);
}

/* Whether confirmed changes wait to be deleted (or their progress marked). */
static int to_forget(const struct announcer *a)
{
	const struct waiting *w;

	for (w = a->head; w; w = w->next)
		if (to_delete(w) || progress_to_mark(w))
			return 1;
	return 0;
}

/* Keeps the items of new changes, and deletes (or marks) what is done:
 * new items go at once, deletions wait up to FORGET_MS for the next change
 * (at_once: now). A change leaves memory once deleted and settled. */
static void write_down(struct announcer *a, int at_once)
{
	long long now = loop_now(a->loop);
	struct waiting *w;
	int keep = 0, forget = 0, rc = 0;

	if (now < a->store_retry_at)
		return;
	for (w = a->head; w; w = w->next) {
		keep |= needs_keeping(w);
		forget |= to_delete(w) || progress_to_mark(w);
	}
	if (!forget)
		a->forget_at = 0; /* nothing left to tell the table */
	if (forget && !keep && !a->forget_at)
		a->forget_at = now + FORGET_MS;
	if (!keep && !(forget && (at_once || now >= a->forget_at)))
		return;
	if ((rc = store_begin(a->store)) < 0)
		goto failed;
	for (w = a->head; w && rc == 0; w = w->next) {
		if (needs_keeping(w))
			rc = keep_items(a, w);
		else if (to_delete(w))
			rc = store_event_delete(a->store, w->event_id);
		else if (progress_to_mark(w))
			rc = store_event_mark(a->store, w->event_id, w->done);
	}
	if (rc == 0)
		rc = store_commit(a->store);
	if (rc < 0) {
		store_rollback(a->store);
		goto failed;
	}
	a->forget_at = 0;
	for (w = a->head; w; w = w->next) {
		if (needs_keeping(w))
			w->kept = 1;
		if (progress_to_mark(w))
			w->done_stored = w->done;
		if (to_delete(w))
			w->deleted = 1;
	}
	return;
failed:
	log_warn("could not keep the announcements' state: %s", store_errmsg(a->store));
	a->store_retry_at = now + STORE_RETRY_MS;
}

/* Lets go of the changes deleted from the table whose targets have
 * settled. Returns when the next of those held will have, -1 none. */
static long long release_settled(struct announcer *a, long long now)
{
	struct waiting *w, **p;
	unsigned pending;
	long long at = -1;

	for (p = &a->head; (w = *p);) {
		if (w->deleted && settled(a, w, now) && w != a->publishing &&
		    w != a->external_for) {
			*p = w->next;
			a->count--;
			a->loaded--;
			waiting_free(w);
			continue;
		}
		pending = w->deleted ? w->done & ~settled_done(a, w, now) : 0;
		if ((pending & ANNOUNCE_ROOM) &&
		    (at < 0 || w->room_confirmed_at + a->opts.settle_ms < at))
			at = w->room_confirmed_at + a->opts.settle_ms;
		if ((pending & ANNOUNCE_PUBSUB) &&
		    (at < 0 || w->pubsub_confirmed_at + a->opts.settle_ms < at))
			at = w->pubsub_confirmed_at + a->opts.settle_ms;
		p = &w->next;
	}
	a->tail = p;
	return at;
}

/* --- the room ----------------------------------------------------------------------- */

static int room_due(const struct waiting *w)
{
	return w->loaded && (w->targets & ANNOUNCE_ROOM) && !((w->sent | w->done) & ANNOUNCE_ROOM);
}

/* Says the lines waiting: a run of merge_min or more of one kind by one
 * person as one line. A line refused, by the sender or by the room
 * (announce_room_refused), holds the lines back for STORE_RETRY_MS. */
static void say_in_room(struct announcer *a)
{
	const struct threat *burst[64];
	struct waiting *w = a->head, *run, *x;
	char text[1024];
	size_t n;

	if (loop_now(a->loop) < a->room_retry_at)
		return;
	while (w && a->deps.room_ready(a->deps.ctx)) {
		if (!room_due(w)) {
			w = w->next;
			continue;
		}
		/* the run of lines due of this kind by this person (a line an
		 * older vigil worded goes alone, as it is) */
		for (n = 0, x = w; x && n < sizeof burst / sizeof burst[0]; x = x->next) {
			if (!room_due(x))
				continue;
			if (x->kind != w->kind || strcmp(x->by, w->by) != 0 || x->room_text)
				break;
			burst[n++] = &x->threat;
		}
		if (w->room_text)
			text_format(text, sizeof text, "%s", w->room_text), n = 1;
		else if (n >= a->opts.merge_min)
			announce_text_burst(w->kind, burst, n, w->by, text, sizeof text);
		else
			announce_text_one(w->kind, &w->threat, w->old_priority, w->by, text,
					  sizeof text), n = 1;
		if (a->deps.room_say(a->deps.ctx, text) < 0) {
			a->room_retry_at = loop_now(a->loop) + STORE_RETRY_MS;
			return;
		}
		log_debug("said in the room: %s", text);
		for (run = w; n && run; run = run->next) {
			if (!room_due(run))
				continue;
			run->sent |= ANNOUNCE_ROOM;
			run->room_mark = a->deps.queued(a->deps.ctx);
			n--;
		}
		w = run;
	}
}

/* --- vigil's own PubSub service ------------------------------------------------------- */

static int pubsub_due(const struct waiting *w)
{
	return w->loaded && w->kept && (w->targets & ANNOUNCE_PUBSUB) &&
	       !((w->sent | w->done) & ANNOUNCE_PUBSUB);
}

static int start_publish(struct announcer *a, struct waiting *w, int stage)
{
	struct payload_source src = { a->sender->ctx, a->store, waiting_source(a, w), stage };
	char id[64];

	item_id(&src.src, stage, id, sizeof id);
	return a->deps.publish(a->deps.ctx, item_node(stage), id, payload_build, &src);
}

/* The stage after `stage` that w has an item at, or ITEM_STAGES. */
static int next_stage(const struct announcer *a, const struct waiting *w, int stage)
{
	struct item_source src = waiting_source(a, w);

	while (++stage < ITEM_STAGES && !item_stage_has(&src, stage))
		;
	return stage;
}

/* Stanzas handed over but not yet written to the socket. */
static unsigned long long backlog(const struct announcer *a)
{
	unsigned long long queued = a->deps.queued(a->deps.ctx);
	unsigned long long written = a->sender->written(a->sender->userdata);

	return queued > written ? queued - written : 0;
}

/* One batch of a fan-out per turn, and only once the batch before it is
 * mostly on the socket (FANOUT_BACKLOG): an answer to someone else then
 * waits behind a batch or so, not behind the whole fan-out (the server
 * reads slower than vigil writes), and the socket never runs dry. Returns PUBLISH_MORE when more is to do now, PUBLISH_WAIT when
 * the next batch waits for the socket, 0 when done. */
enum { PUBLISH_MORE = 1, PUBLISH_WAIT = 2, PUBLISH_PACE = 3 };

/* PUBLISH_PACE while a burst waits for the server, else 0: every
 * ANNOUNCE_PACE_ITEMS items started, no more until the server has confirmed
 * what came before them (sender->confirmed, which asks it with a ping), or
 * ANNOUNCE_PACE_TIMEOUT_MS have passed. */
static int paced(struct announcer *a)
{
	unsigned long long confirmed;

	if (!a->opts.pace || !a->sender->confirmed)
		return 0;
	if (a->pace_mark) {
		confirmed = a->sender->confirmed(a->sender->userdata, a->pace_mark);
		if (confirmed < a->pace_mark &&
		    loop_now(a->loop) - a->pace_since < ANNOUNCE_PACE_TIMEOUT_MS)
			return PUBLISH_PACE;
		if (confirmed < a->pace_mark) /* go on, unpaced, rather than hold back */
			log_warn("the server confirmed nothing within %d ms: announcing on",
				 ANNOUNCE_PACE_TIMEOUT_MS);
		a->pace_mark = 0;
		a->pace_count = 0;
	}
	if (a->pace_count < ANNOUNCE_PACE_ITEMS)
		return 0;
	a->pace_count = 0;
	a->pace_mark = a->deps.queued(a->deps.ctx);
	a->pace_since = loop_now(a->loop);
	a->sender->confirmed(a->sender->userdata, a->pace_mark); /* asks */
	return PUBLISH_PACE;
}

static int publish(struct announcer *a)
{
	struct waiting *w;
	int rounds = 0;

	for (;;) {
		if (a->publishing && a->deps.publish_busy(a->deps.ctx)) {
			if (backlog(a) > FANOUT_BACKLOG)
				return PUBLISH_WAIT;
			if (a->deps.publish_step(a->deps.ctx))
				return PUBLISH_MORE;
		}
		if ((w = a->publishing)) {
			int stage = next_stage(a, w, a->publish_stage);
			if (stage < ITEM_STAGES) {
				if (start_publish(a, w, stage) < 0) {
					/* the next item is tried again later, not dropped */
					a->store_retry_at = loop_now(a->loop) + STORE_RETRY_MS;
					return 0;
				}
				a->publish_stage = stage;
				continue;
			}
			/* written once the last notification is */
			w->pubsub_mark = a->deps.queued(a->deps.ctx);
			a->publishing = NULL;
		}
		for (w = a->head; w && !pubsub_due(w); w = w->next)
			;
		if (!w) {
			a->pace_count = 0; /* the burst is over */
			return 0;
		}
		if (++rounds > ROUNDS)
			return PUBLISH_MORE;
		if (paced(a))
			return PUBLISH_PACE;
		a->publish_stage = next_stage(a, w, -1);
		if (a->publish_stage < ITEM_STAGES && start_publish(a, w, a->publish_stage) < 0) {
			a->store_retry_at = loop_now(a->loop) + STORE_RETRY_MS;
			return 0; /* tried again later */
		}
		w->sent |= ANNOUNCE_PUBSUB;
		a->pace_count++;
		w->pubsub_mark = 0; /* its fan-out runs */
		a->publishing = w;
	}
}

int announce_handle_answer(void *announcer, xmpp_stanza_t *iq)
{
	return external_answer(announcer, iq);
}

/* --- the turn ------------------------------------------------------------------------- */

/* The mark every target handed over waits for (0: none waits). */
static unsigned long long wanted(const struct announcer *a)
{
	const struct waiting *w;
	unsigned long long want = 0;

	for (w = a->head; w; w = w->next) {
		if ((w->sent & ANNOUNCE_ROOM) && w->room_mark > want)
			want = w->room_mark;
		if ((w->sent & ANNOUNCE_PUBSUB) && w != a->publishing && w->pubsub_mark > want)
			want = w->pubsub_mark;
	}
	return want;
}

/* Targets whose last stanza the server confirmed (sender.h: written to
 * the socket is not enough, the stream may break with it in the kernel's
 * buffer) are done. Asked for all that waits at once, so one answer (an
 * echo of the room line, or a ping's) covers them. Returns 1 while some
 * still wait. */
static int check_written(struct announcer *a)
{
	unsigned long long want = wanted(a), written;
	long long now = loop_now(a->loop);
	struct waiting *w;
	int waiting = 0;

	if (!want)
		written = 0;
	else if (a->sender->confirmed)
		written = a->sender->confirmed(a->sender->userdata, want);
	else
		written = a->sender->written(a->sender->userdata);
	for (w = a->head; w; w = w->next) {
		if ((w->sent & ANNOUNCE_ROOM) && w->room_mark <= written) {
			w->sent &= ~ANNOUNCE_ROOM;
			w->done |= ANNOUNCE_ROOM;
			w->room_confirmed_at = now;
		}
		if ((w->sent & ANNOUNCE_PUBSUB) && w != a->publishing && w->pubsub_mark <= written) {
			w->sent &= ~ANNOUNCE_PUBSUB;
			w->done |= ANNOUNCE_PUBSUB;
			w->pubsub_confirmed_at = now;
		}
		waiting |= w->sent != 0 && !(w == a->publishing && w->sent == ANNOUNCE_PUBSUB);
	}
	return waiting;
}

/* The sooner of `next` (ms from now, -1 none) and the time `at`. */
static long long sooner(long long next, long long at, long long now)
{
	long long in = at > now ? at - now : 0;

	return next < 0 || in < next ? in : next;
}

static void pump(void *arg)
{
	struct announcer *a = arg;
	long long now = loop_now(a->loop), next = -1, settle_at;
	int more, unwritten;

	if (!a->up)
		return;
	if (a->reload && read_back(a) < 0)
		next = STORE_RETRY_MS;
	if (now >= a->store_retry_at)
		load_states(a);
	check_written(a);
	write_down(a, 0);
	say_in_room(a);
	/* (PUBLISH_WAIT counts as more, as it always has; a paced burst
	 * waits for the server's confirmation) */
	more = now >= a->store_retry_at ? publish(a) : 0;
	if (more && more != PUBLISH_PACE)
		more = PUBLISH_MORE;
	external_pump(a);
	unwritten = check_written(a);
	settle_at = release_settled(a, now);
	if (!a->forget_at && to_forget(a))
		a->forget_at = now + FORGET_MS;
	if (more == PUBLISH_MORE)
		next = 0;
	else if (more == PUBLISH_WAIT || ((unwritten || more == PUBLISH_PACE) && backlog(a)))
		next = WRITE_CHECK_MS; /* libstrophe writes on the loop's next turn */
	else if (unwritten || more == PUBLISH_PACE)
		next = CONFIRM_CHECK_MS;
	else if (a->forget_at) /* while the database refuses, deleting waits for it, not spins */
		next = sooner(-1, a->forget_at > a->store_retry_at ? a->forget_at : a->store_retry_at,
			      now);
	if (settle_at >= 0) /* a held change leaves memory once settled */
		next = sooner(next, settle_at, now);
	if (more == PUBLISH_PACE && a->pace_mark) /* and when the wait is over */
		next = sooner(next, a->pace_since + ANNOUNCE_PACE_TIMEOUT_MS, now);
	if (a->room_retry_at > now) /* a line refused is said again then */
		next = sooner(next, a->room_retry_at, now);
	if (a->store_retry_at > now && a->count)
		next = sooner(next, a->store_retry_at, now);
	if (a->external_for && !a->external_id && a->external_retry_at > now)
		next = sooner(next, a->external_retry_at, now);
	if (next >= 0)
		wake(a, next);
}

/* --- life cycle ------------------------------------------------------------------------ */

struct announcer *announce_new(struct loop *loop, const struct sender *sender, struct store *store,
			       const struct announce_deps *deps, const struct announce_options *opts)
{
	struct announcer *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->loop = loop;
	a->sender = sender;
	a->store = store;
	a->deps = *deps;
	if (opts)
		a->opts = *opts;
	if (!a->opts.merge_min)
		a->opts.merge_min = ANNOUNCE_MERGE_MIN;
	if (!a->opts.access_model)
		a->opts.access_model = "open";
	a->tail = &a->head;
	a->wake = wake;
	return a;
}

void announce_reread(struct announcer *a)
{
	a->reload = 1;
	wake(a, 0);
}

void announce_connected(struct announcer *a)
{
	a->up = 1;
	wake(a, 0);
}

void announce_disconnected(struct announcer *a)
{
	struct waiting *w;

	a->up = 0;
	for (w = a->head; w; w = w->next) {
		w->sent = 0; /* not known to be written: sent again */
		/* confirmed just before the stream broke (a server going down
		 * may not have handed it on): sent again too */
		w->done = settled_done(a, w, loop_now(a->loop));
	}
	if (a->publishing)
		a->deps.publish_reset(a->deps.ctx);
	a->publishing = NULL;
	a->pace_mark = 0;
	a->pace_count = 0;
	external_reset(a);
	loop_timer_cancel(a->loop, TIMER);
}

void announce_room_ready(struct announcer *a)
{
	wake(a, 0);
}

void announce_stop(struct announcer *a)
{
	/* the server stays up: what it confirmed it hands on */
	a->opts.settle_ms = 0;
	if (a->up)
		check_written(a);
	write_down(a, 1);
	(void)release_settled(a, loop_now(a->loop));
}

void announce_room_refused(struct announcer *a, unsigned long long mark)
{
	struct waiting *w;

	for (w = a->head; w; w = w->next)
		if ((w->sent & ANNOUNCE_ROOM) && w->room_mark == mark)
			w->sent &= ~ANNOUNCE_ROOM;
	/* said again, not at once: the room may go on refusing */
	a->room_retry_at = loop_now(a->loop) + STORE_RETRY_MS;
	wake(a, STORE_RETRY_MS);
}

void announce_confirmed(struct announcer *a)
{
	if (a->up && a->count)
		wake(a, 0);
}

size_t announce_waiting(const struct announcer *a)
{
	return a->count;
}

void announce_free(struct announcer *a)
{
	struct waiting *w;

	if (!a)
		return;
	loop_timer_cancel(a->loop, TIMER);
	external_reset(a);
	while ((w = a->head)) {
		a->head = w->next;
		waiting_free(w);
	}
	free(a);
}
