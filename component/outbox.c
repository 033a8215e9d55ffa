/* The outbox pump: a global timer sends what the outbox holds. See outbox.h.
 *
 * xmpp_send() only queues, and libstrophe drops its queue when the stream
 * breaks; so a row is deleted once the stanzas it caused have left the
 * queue. Each sent row remembers how many stanzas vigil had queued when its
 * last one was (its mark); the queue is first in, first out, so the row is
 * written when that many minus those still queued reaches the mark — while
 * later stanzas may already be queued behind it. A crash between the write
 * and the delete sends it again: an announcement may rarely come twice, but
 * never not at all. (libstrophe does not count a stanza it has begun to
 * write: one cut off by a crash mid-write can be lost, as with any socket.) */
#include "component/outbox.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/register/announce.h"
#include "component/daemon.h"
#include "component/log.h"
#include "component/muc.h"
#include "component/pubsub.h"
#include "component/xmpp/stanza.h"
#include "config/config.h"
#include "storage/store.h"

#define OUTBOX_TICK_MS 50
#define OUTBOX_BATCH 256  /* rows sent and awaiting deletion */
#define OUTBOX_ROUNDS 16  /* rows of each target a pump may start */
#define HOLD_MAX_S 2      /* an answer never waits longer for announcements */

/* An answer to a change, sent once the announcements the change recorded
 * (every row up to `upto`) have been sent and removed: a client that has
 * seen `completed` will not see them again if vigil is killed then. */
struct held_reply {
	xmpp_stanza_t *stanza;
	long long upto;
	long long since;               /* monotonic seconds */
	struct held_reply *next;
};

struct outbox_state {
	struct sent_row {
		long long id;
		unsigned long long mark; /* d->stanzas_queued after its last stanza;
					    0 while its fan-out runs */
	} sent[OUTBOX_BATCH];          /* rows sent, in order, deleted once written */
	size_t nsent;
	long long room_after;          /* the last room row sent (not yet deleted) */
	long long pubsub_after;        /* the last PubSub row sent */
	int delete_failing;            /* the database refuses to delete sent rows */
	struct held_reply *held;       /* acknowledgements waiting for their announcements */
	struct held_reply **held_tail;
	long long external_row;        /* row waiting for the external service, 0 none */
	int external_creating;         /* ...and what was asked is its node's creation */
	int external_failures;
	long long external_retry_at;   /* monotonic seconds */
	int wait_skipped;              /* the loop was told not to wait for input */
	int write_stalled;             /* ...and the queue was still there after */
};

static long long now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* --- the external PubSub service ---------------------------------------------- */

static int external_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);

static void send_external(struct daemon *d, xmpp_stanza_t *iq)
{
	xmpp_id_handler_add(d->conn, external_answer, xmpp_stanza_get_id(iq), d);
	daemon_send(d, iq);
}

static xmpp_stanza_t *external_iq(struct daemon *d, xmpp_stanza_t **pubsub)
{
	char *id = daemon_new_id(d);
	xmpp_stanza_t *iq = id ? xmpp_iq_new(d->ctx, "set", id) : NULL;

	free(id);
	if (!iq)
		return NULL;
	xmpp_stanza_set_from(iq, d->cfg->component_jid);
	xmpp_stanza_set_to(iq, d->cfg->pubsub_external_service);
	*pubsub = stanza_add_child(iq, "pubsub", NS_PUBSUB);
	if (!*pubsub) {
		xmpp_stanza_release(iq);
		return NULL;
	}
	return iq;
}

static void publish_external(struct daemon *d, const struct outbox_row *row)
{
	xmpp_stanza_t *pubsub, *publish, *item, *content;
	xmpp_stanza_t *iq = external_iq(d, &pubsub);

	if (!iq)
		return;
	publish = stanza_add_child(pubsub, "publish", NULL);
	item = publish ? stanza_add_child(publish, "item", NULL) : NULL;
	content = xmpp_stanza_new_from_string(d->ctx, row->payload);
	if (item && content) {
		xmpp_stanza_set_attribute(publish, "node", row->node);
		xmpp_stanza_set_id(item, row->item_id);
		xmpp_stanza_add_child_ex(item, content, 0);
		content = NULL;
		d->outbox->external_row = row->id;
		send_external(d, iq);
	}
	if (content)
		xmpp_stanza_release(content);
	xmpp_stanza_release(iq);
}

/* The node is missing (Prosody refuses a publish to a missing node; ejabberd
 * creates it itself with its default_node_config and never gets here):
 * create it with the configured access model, keeping an item per threat. */
static void create_external_node(struct daemon *d, const char *node)
{
	xmpp_stanza_t *pubsub, *create, *configure, *x, *field;
	xmpp_stanza_t *iq = external_iq(d, &pubsub);

	if (!iq)
		return;
	create = stanza_add_child(pubsub, "create", NULL);
	configure = stanza_add_child(pubsub, "configure", NULL);
	x = configure ? stanza_add_child(configure, "x", "jabber:x:data") : NULL;
	if (create && x) {
		xmpp_stanza_set_attribute(create, "node", node);
		xmpp_stanza_set_type(x, "submit");
		field = stanza_add_child(x, "field", NULL);
		if (field) {
			xmpp_stanza_set_attribute(field, "var", "FORM_TYPE");
			xmpp_stanza_set_type(field, "hidden");
			stanza_add_text_child(field, "value", "http://jabber.org/protocol/pubsub#node_config");
		}
		field = stanza_add_child(x, "field", NULL);
		if (field) {
			xmpp_stanza_set_attribute(field, "var", "pubsub#access_model");
			stanza_add_text_child(field, "value", d->cfg->pubsub_access_model);
		}
		/* the register is the set of items (one per threat), not the last */
		field = stanza_add_child(x, "field", NULL);
		if (field) {
			xmpp_stanza_set_attribute(field, "var", "pubsub#persist_items");
			stanza_add_text_child(field, "value", "1");
		}
		field = stanza_add_child(x, "field", NULL);
		if (field) {
			xmpp_stanza_set_attribute(field, "var", "pubsub#max_items");
			stanza_add_text_child(field, "value", "max");
		}
		log_info("creating node %s on %s (access model %s)", node,
			 d->cfg->pubsub_external_service, d->cfg->pubsub_access_model);
		d->outbox->external_creating = 1;
		send_external(d, iq);
	}
	xmpp_stanza_release(iq);
}

static int external_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct daemon *d = userdata;
	struct outbox_state *o = d->outbox;
	const char *type = xmpp_stanza_get_type(stanza);
	const char *cond = stanza_error_condition(stanza);
	/* known from what was sent: a result to a create need not say so */
	int was_create = o->external_creating;
	struct outbox_row *rows = NULL;
	size_t count = 0;
	long long delay;

	if (!o->external_row)
		return 0;
	o->external_creating = 0;
	if (type && strcmp(type, "result") == 0) {
		if (!was_create) {
			store_outbox_delete(d->store, o->external_row);
			o->external_failures = 0;
		}
		o->external_row = 0; /* after a create, the next tick publishes again */
		return 0;
	}
	if (cond && strcmp(cond, "item-not-found") == 0 && !was_create &&
	    store_outbox_list(d->store, NULL, o->external_row - 1, 1, &rows, &count) == 0 && count) {
		create_external_node(d, rows[0].node);
		store_outbox_free(rows, count);
		return 0;
	}
	store_outbox_free(rows, count);
	/* keep the item and try again later, backing off to a minute */
	o->external_failures++;
	delay = o->external_failures > 6 ? 60 : 1LL << o->external_failures;
	o->external_retry_at = now_seconds() + delay;
	log_warn("%s refused an item (%s): retrying in %lld s", d->cfg->pubsub_external_service,
		 cond ? cond : "error", delay);
	o->external_row = 0;
	return 0;
}

/* --- the pump ------------------------------------------------------------------- */

/* Stanzas libstrophe has taken off its queue (written to the socket). */
static unsigned long long stanzas_written(struct daemon *d)
{
	return d->stanzas_queued - (unsigned long long)xmpp_conn_send_queue_len(d->conn);
}

/* How many of the first sent rows are written. */
static size_t rows_written(struct daemon *d)
{
	struct outbox_state *o = d->outbox;
	unsigned long long written = stanzas_written(d);
	size_t n = 0;

	while (n < o->nsent && o->sent[n].mark && o->sent[n].mark <= written)
		n++;
	return n;
}

static void delete_written(struct daemon *d)
{
	struct outbox_state *o = d->outbox;
	size_t n = rows_written(d), i;

	if (!n)
		return;
	if (store_begin(d->store) < 0) {
		o->delete_failing = 1; /* try again next tick */
		return;
	}
	for (i = 0; i < n; i++)
		if (store_outbox_delete(d->store, o->sent[i].id) < 0)
			break;
	if (i < n || store_commit(d->store) < 0) {
		store_rollback(d->store);
		if (!o->delete_failing)
			log_warn("could not remove sent announcements: %s", store_errmsg(d->store));
		o->delete_failing = 1; /* the timer tries again; the loop need not hurry */
		return;
	}
	memmove(o->sent, o->sent + n, (o->nsent - n) * sizeof o->sent[0]);
	o->nsent -= n;
	o->delete_failing = 0;
}

static void add_sent(struct daemon *d, long long id, int pending)
{
	struct outbox_state *o = d->outbox;

	o->sent[o->nsent].id = id;
	o->sent[o->nsent].mark = pending ? 0 : d->stanzas_queued;
	o->nsent++;
}

/* A fan-out has ended: its row is written once its last stanza is. */
static void fanout_done(struct daemon *d)
{
	struct outbox_state *o = d->outbox;
	size_t i;

	for (i = 0; i < o->nsent; i++)
		if (!o->sent[i].mark)
			o->sent[i].mark = d->stanzas_queued;
}

/* Each target is its own queue, so one that must wait (the room before the
 * join, an external service backing off) never holds up the others. Rows
 * sent but not yet deleted are skipped by id (room_after, pubsub_after).
 * Each returns how many rows it sent. */
static size_t send_room_rows(struct daemon *d)
{
	struct outbox_state *o = d->outbox;
	struct outbox_row *rows = NULL;
	size_t count = 0, i, sent = 0;

	if (!muc_can_speak(d) || o->nsent >= OUTBOX_BATCH ||
	    store_outbox_list(d->store, OUTBOX_ROOM, o->room_after, OUTBOX_BATCH - o->nsent, &rows,
			      &count) < 0)
		return 0;
	for (i = 0; i < count && muc_say(d, rows[i].payload) == 0; i++, sent++) {
		add_sent(d, rows[i].id, 0);
		o->room_after = rows[i].id;
	}
	store_outbox_free(rows, count);
	return sent;
}

/* One item at a time: its fan-out runs before the next. */
static size_t send_pubsub_row(struct daemon *d)
{
	struct outbox_state *o = d->outbox;
	struct outbox_row *rows = NULL;
	size_t count = 0, sent = 0;

	if (o->nsent < OUTBOX_BATCH &&
	    store_outbox_list(d->store, OUTBOX_PUBSUB, o->pubsub_after, 1, &rows, &count) == 0 &&
	    count && pubsub_publish(d, rows[0].node, rows[0].item_id, rows[0].payload) == 0) {
		add_sent(d, rows[0].id, pubsub_fanout_busy(d));
		o->pubsub_after = rows[0].id;
		sent = 1;
	}
	store_outbox_free(rows, count); /* a refused publish is tried again later */
	return sent;
}

/* One item at a time, in order, answered before the next. */
static size_t send_external_row(struct daemon *d)
{
	struct outbox_state *o = d->outbox;
	struct outbox_row *rows = NULL;
	size_t count = 0;

	if (o->external_row || now_seconds() < o->external_retry_at ||
	    store_outbox_list(d->store, OUTBOX_EXTERNAL, 0, 1, &rows, &count) < 0 || !count) {
		store_outbox_free(rows, count);
		return 0;
	}
	if (!d->cfg->pubsub_external_service)
		store_outbox_delete(d->store, rows[0].id); /* no longer configured */
	else
		publish_external(d, &rows[0]);
	store_outbox_free(rows, count);
	return 1;
}

static void release_held(struct daemon *d, int all)
{
	struct outbox_state *o = d->outbox;
	struct held_reply *h;

	while ((h = o->held)) {
		long long waiting = all ? 0 : store_outbox_waiting(d->store, h->upto, muc_can_speak(d));
		if (waiting > 0 && !o->delete_failing && now_seconds() - h->since < HOLD_MAX_S)
			return; /* in order: later answers wait for earlier ones */
		o->held = h->next;
		if (!o->held)
			o->held_tail = &o->held;
		if (!all)
			daemon_send(d, h->stanza);
		xmpp_stanza_release(h->stanza);
		free(h);
	}
}

void outbox_pump(struct daemon *d)
{
	struct outbox_state *o = d->outbox;
	int round;

	if (!o || !d->ready || !d->conn)
		return;
	o->write_stalled = o->wait_skipped && xmpp_conn_send_queue_len(d->conn) > 0;
	o->wait_skipped = 0;
	/* a row goes once all it caused is on the socket */
	if (o->nsent)
		delete_written(d);
	for (round = 0; round < OUTBOX_ROUNDS; round++) {
		if (pubsub_fanout_busy(d)) {
			if (pubsub_fanout_step(d))
				break; /* one batch per turn of the event loop */
			fanout_done(d);
		}
		if (!send_room_rows(d) + send_pubsub_row(d) + send_external_row(d))
			break;
	}
	if (o->held)
		release_held(d, 0);
}

void outbox_send_after(struct daemon *d, xmpp_stanza_t *answer)
{
	struct outbox_state *o = d->outbox;
	long long upto = store_outbox_last_id(d->store);
	struct held_reply *h;

	if (upto <= 0 || !d->ready || !(h = calloc(1, sizeof *h))) {
		daemon_send(d, answer); /* nothing to wait for (or no memory to wait) */
		return;
	}
	h->stanza = xmpp_stanza_clone(answer);
	h->upto = upto;
	h->since = now_seconds();
	*o->held_tail = h;
	o->held_tail = &h->next;
	outbox_pump(d);
}

int outbox_busy(const struct daemon *d)
{
	const struct outbox_state *o = d->outbox;

	return pubsub_fanout_busy(d) || (o && ((o->nsent && !o->delete_failing) || o->held));
}

int outbox_loop_timeout(struct daemon *d, int idle_ms)
{
	struct outbox_state *o = d->outbox;

	if (!outbox_busy(d))
		return idle_ms;
	/* sent rows wait only for libstrophe's queue, which the next turn
	 * writes before it waits: no need to wait at all, unless the socket
	 * would not take it last time */
	if (o && o->nsent && o->sent[0].mark && !o->delete_failing && !o->write_stalled &&
	    d->conn && xmpp_conn_send_queue_len(d->conn) > 0) {
		o->wait_skipped = 1;
		return 0;
	}
	return 1;
}

static int outbox_tick(xmpp_ctx_t *ctx, void *userdata)
{
	outbox_pump(userdata);
	return 1;
}

int outbox_init(struct daemon *d)
{
	d->outbox = calloc(1, sizeof *d->outbox);
	if (!d->outbox)
		return -1;
	d->outbox->held_tail = &d->outbox->held;
	xmpp_global_timed_handler_add(d->ctx, outbox_tick, OUTBOX_TICK_MS, d);
	return 0;
}

void outbox_on_disconnected(struct daemon *d)
{
	if (!d->outbox)
		return;
	release_held(d, 1); /* their stream is gone: the client asks again */
	d->outbox->nsent = 0;
	d->outbox->room_after = d->outbox->pubsub_after = 0; /* send them again */
	d->outbox->external_row = 0;
	d->outbox->external_creating = 0;
	pubsub_fanout_reset(d);
}

void outbox_free(struct daemon *d)
{
	if (d->ctx)
		xmpp_global_timed_handler_delete(d->ctx, outbox_tick);
	if (d->outbox)
		release_held(d, 1);
	free(d->outbox);
	d->outbox = NULL;
}
