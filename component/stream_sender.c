/* SPDX-License-Identifier: MIT */
/* The stream sender: see stream_sender.h. What leaves in place of a refused
 * stanza is decided here too (refused_stand_in). */
#include "component/stream_sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/send_guard.h"
#include "component/xmpp/serialize.h"
#include "component/xmpp/stanza.h"

/* What goes out in place of a stanza the guard refused: for an answer to
 * a request (iq result or error), an internal-server-error, so the
 * requester is not left waiting; anything else is not sent at all. */
static xmpp_stanza_t *refused_stand_in(xmpp_ctx_t *ctx, xmpp_stanza_t *stanza)
{
	const char *type = xmpp_stanza_get_type(stanza);
	xmpp_stanza_t *iq, *error, *condition, *text, *body;

	if (strcmp(xmpp_stanza_get_name(stanza), "iq") != 0 || !type ||
	    (strcmp(type, "result") != 0 && strcmp(type, "error") != 0))
		return NULL;
	iq = xmpp_iq_new(ctx, "error", xmpp_stanza_get_id(stanza));
	if (!iq)
		return NULL;
	if (xmpp_stanza_get_from(stanza)) /* libstrophe 0.12 cannot set NULL */
		xmpp_stanza_set_from(iq, xmpp_stanza_get_from(stanza));
	if (xmpp_stanza_get_to(stanza))
		xmpp_stanza_set_to(iq, xmpp_stanza_get_to(stanza));
	error = stanza_add_child(iq, "error", NULL);
	condition = error ? stanza_add_child(error, "internal-server-error", NS_STANZAS) : NULL;
	text = condition ? stanza_add_child(error, "text", NS_STANZAS) : NULL;
	body = text ? xmpp_stanza_new(ctx) : NULL;
	if (!body) {
		xmpp_stanza_release(iq);
		return NULL;
	}
	xmpp_stanza_set_type(error, "wait");
	xmpp_stanza_set_text(body, "vigil could not build this answer; the problem is logged.");
	if (xmpp_stanza_add_child_ex(text, body, 0) != XMPP_EOK)
		xmpp_stanza_release(body);
	return iq;
}

/* A groupchat message to the room: its echo will confirm it (and all
 * before it). The oldest awaited gives way when there are too many. */
static void await_echo(struct stream_sender *s, xmpp_stanza_t *stanza)
{
	const char *type = xmpp_stanza_get_type(stanza);
	const char *to = xmpp_stanza_get_to(stanza);
	const char *id = xmpp_stanza_get_id(stanza);
	struct stream_echo *e;

	if (!s->room || !type || !to || !id || strcmp(type, "groupchat") != 0 ||
	    strcmp(xmpp_stanza_get_name(stanza), "message") != 0 || strcmp(to, s->room) != 0 ||
	    strlen(id) >= sizeof e->id)
		return;
	if (s->nechoes == STREAM_ECHOES)
		memmove(s->echoes, s->echoes + 1, --s->nechoes * sizeof *s->echoes);
	e = &s->echoes[s->nechoes++];
	memcpy(e->id, id, strlen(id) + 1);
	e->mark = s->queued;
	e->sent_at = loop_now(s->loop);
}

/* The first `mark` stanzas are confirmed: the echoes they cover are no
 * longer awaited, and whoever waits is told. */
static void confirm(struct stream_sender *s, unsigned long long mark)
{
	size_t i, kept = 0;

	if (mark <= s->confirmed)
		return;
	s->confirmed = mark;
	for (i = 0; i < s->nechoes; i++)
		if (s->echoes[i].mark > mark)
			s->echoes[kept++] = s->echoes[i];
	s->nechoes = kept;
	if (s->on_confirmed)
		s->on_confirmed(s->listener_arg);
}

/* Serialises (serialize.h: the bytes libstrophe's xmpp_send() would write),
 * checks (send_guard.h) and queues one stanza; counted unless it is the
 * confirmation ping itself (which would otherwise ask for another). */
static int send_checked(struct stream_sender *s, xmpp_stanza_t *stanza, int stand_in, int counted)
{
	xmpp_ctx_t *ctx = s->sender.ctx;
	char *buf = NULL, why[256];
	size_t len = 0;
	xmpp_stanza_t *other;
	int rc = -1;

	if (stanza_serialize(stanza, &buf, &len) < 0)
		return -1;
	if (send_guard_check(buf, len, s->mode, why, sizeof why) < 0) {
		if (s->mode == SEND_GUARD_STRICT) {
			log_error("refusing to send a stanza that %s: %s", why, buf);
			abort(); /* tests and fuzzers: the bug is found here */
		}
		log_error("not sending a <%s/> to %s that %s (a bug in vigil: please report it)",
			  xmpp_stanza_get_name(stanza),
			  xmpp_stanza_get_to(stanza) ? xmpp_stanza_get_to(stanza) : "?", why);
		other = stand_in ? refused_stand_in(ctx, stanza) : NULL;
		if (other) {
			rc = send_checked(s, other, 0, counted);
			xmpp_stanza_release(other);
		}
		goto out;
	}
	s->write(s->conn, buf, len);
	if (counted) { /* the announcements tell from it what has been written */
		s->queued++;
		await_echo(s, stanza);
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int stream_send(void *userdata, xmpp_stanza_t *stanza)
{
	struct stream_sender *s = userdata;

	if (!s->conn)
		return -1;
	return send_checked(s, stanza, 1, 1);
}

static char *stream_new_id(void *userdata)
{
	struct stream_sender *s = userdata;
	char nonce[17];
	char *id;

	xmpp_rand_nonce(s->rand, nonce, sizeof nonce);
	id = malloc(sizeof nonce);
	if (id)
		memcpy(id, nonce, sizeof nonce);
	return id;
}

static unsigned long long stream_written(void *userdata)
{
	const struct stream_sender *s = userdata;

	return s->queued - stream_sender_backlog(s);
}

/* Asks the server to confirm what was sent so far: a ping (XEP-0199) to
 * one of its services, or to vigil itself (routed back by the server). The
 * stream is in order, so its answer (a result or an error alike) comes
 * after the server took every stanza before it. */
static void ask_confirmation(struct stream_sender *s)
{
	xmpp_stanza_t *iq = NULL;
	char *id = stream_new_id(s);

	iq = id ? stanza_ping_new(s->sender.ctx, id, s->sender.jid,
				  s->confirm_self ? s->sender.jid : s->confirm_to) : NULL;
	if (!iq || send_checked(s, iq, 0, 0) < 0)
		goto out;
	s->confirming = s->queued;
	s->confirm_asked_at = loop_now(s->loop);
	snprintf(s->confirm_id, sizeof s->confirm_id, "%s", id);
out:
	if (iq)
		xmpp_stanza_release(iq);
	free(id);
}

/* Whether an echo on the way, not overdue, will confirm the first `want`. */
static int echo_coming(const struct stream_sender *s, unsigned long long want, long long now)
{
	size_t i;

	for (i = 0; i < s->nechoes; i++)
		if (s->echoes[i].mark >= want)
			return now - s->echoes[i].sent_at < STREAM_ECHO_WAIT_MS;
	return 0;
}

static unsigned long long stream_confirmed(void *userdata, unsigned long long want)
{
	struct stream_sender *s = userdata;
	long long now;

	if (s->confirmed >= want || !s->conn || !s->confirm_to)
		return s->confirmed;
	now = loop_now(s->loop);
	if (s->confirm_id[0]) {
		/* one ping at a time; one unanswered is asked again, of the other */
		if (now - s->confirm_asked_at < STREAM_CONFIRM_RETRY_MS)
			return s->confirmed;
		log_warn("%s did not answer a ping in %d ms: asking %s instead",
			 s->confirm_self ? s->sender.jid : s->confirm_to, STREAM_CONFIRM_RETRY_MS,
			 s->confirm_self ? s->confirm_to : s->sender.jid);
		s->confirm_id[0] = '\0'; /* a late answer confirms nothing */
		s->confirm_self = !s->confirm_self;
	}
	if (echo_coming(s, want, now))
		return s->confirmed;
	/* once what it covers has left libstrophe's queue */
	if (stream_sender_backlog(s) == 0)
		ask_confirmation(s);
	return s->confirmed;
}

int stream_sender_take_answer(struct stream_sender *s, xmpp_stanza_t *stanza)
{
	const char *id = xmpp_stanza_get_id(stanza);
	const char *type = xmpp_stanza_get_type(stanza);
	int answer, own;

	if (!s->confirm_id[0] || !id || strcmp(id, s->confirm_id) != 0 || !type ||
	    strcmp(xmpp_stanza_get_name(stanza), "iq") != 0)
		return 0;
	/* the service's answer, or our own ping routed back to us */
	answer = strcmp(type, "result") == 0 || strcmp(type, "error") == 0;
	own = strcmp(type, "get") == 0 && xmpp_stanza_get_from(stanza) &&
	      strcmp(xmpp_stanza_get_from(stanza), s->sender.jid) == 0;
	if (!answer && !own)
		return 0;
	s->confirm_id[0] = '\0';
	if (s->confirming > s->confirmed)
		confirm(s, s->confirming);
	else if (s->on_confirmed) /* an echo was first: whoever waits may ask again */
		s->on_confirmed(s->listener_arg);
	return 1;
}

void stream_sender_see_echo(struct stream_sender *s, xmpp_stanza_t *message)
{
	const char *id = xmpp_stanza_get_id(message);
	const char *type = xmpp_stanza_get_type(message);
	unsigned long long mark;
	size_t i;

	if (!s->nechoes || !id || !type ||
	    (strcmp(type, "groupchat") != 0 && strcmp(type, "error") != 0) ||
	    !jid_bare_equal(xmpp_stanza_get_from(message), s->room))
		return;
	/* the id is random and unseen until the room has sent the message on:
	 * nobody can echo it before the room has taken it */
	for (i = 0; i < s->nechoes && strcmp(s->echoes[i].id, id) != 0; i++)
		;
	if (i == s->nechoes)
		return;
	mark = s->echoes[i].mark;
	if (strcmp(type, "groupchat") == 0) {
		confirm(s, mark);
		return;
	}
	/* a refusal comes from the room itself, never from an occupant */
	if (strchr(xmpp_stanza_get_from(message), '/'))
		return;
	/* the room refused it (not an occupant, no voice, too fast): what came
	 * before it is taken, the line itself is not, and its owner is told */
	memmove(s->echoes + i, s->echoes + i + 1, (s->nechoes - i - 1) * sizeof *s->echoes);
	s->nechoes--;
	confirm(s, mark - 1);
	if (s->on_refused)
		s->on_refused(s->listener_arg, mark);
}

void stream_sender_init(struct stream_sender *s, xmpp_ctx_t *ctx, xmpp_rand_t *rand,
			struct loop *loop, const char *jid, const char *confirm_to,
			const char *room, int mode)
{
	memset(s, 0, sizeof *s);
	s->sender.ctx = ctx;
	s->sender.jid = jid;
	s->sender.send = stream_send;
	s->sender.new_id = stream_new_id;
	s->sender.written = stream_written;
	s->sender.confirmed = stream_confirmed;
	s->confirm_to = confirm_to;
	s->room = room;
	s->write = xmpp_send_raw;
	s->sender.userdata = s;
	s->rand = rand;
	s->loop = loop;
	s->mode = mode;
}

void stream_sender_attach(struct stream_sender *s, xmpp_conn_t *conn)
{
	s->conn = conn;
	/* what an earlier stream took is sent again by its owners (they
	 * forget what was not confirmed when it went down) */
	s->confirmed = s->queued;
	s->confirm_id[0] = '\0';
	s->confirm_self = 0;
	s->nechoes = 0;
}

void stream_sender_detach(struct stream_sender *s)
{
	s->conn = NULL;
	s->confirm_id[0] = '\0'; /* its answer, if any, will not come */
	s->nechoes = 0;          /* nor will these */
}

int stream_sender_is_up(const struct stream_sender *s)
{
	return s->conn != NULL;
}

size_t stream_sender_backlog(const struct stream_sender *s)
{
	return s->conn ? xmpp_conn_send_queue_len(s->conn) : 0;
}
