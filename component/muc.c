/* SPDX-License-Identifier: MIT */
/* The SIG room. See muc.h; protocol references are to XEP-0045 and XEP-0410. */
#include "component/muc.h"
#include "component/reply_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"
#include "config/config.h"

#define TIMER_REJOIN "muc-rejoin"
#define TIMER_SELFPING "muc-selfping"
#define MAX_NICK 1024 /* a resourcepart is at most 1023 bytes (RFC 7622 §3.4): never cut */
#define MAX_NICK_ATTEMPTS 20

enum room_state { ROOM_OUT, ROOM_JOINING, ROOM_IN };

struct occupant {
	char *nick;
	char *jid; /* bare real JID or NULL */
	struct occupant *next;
};

struct muc {
	const struct vigil_config *cfg;
	const struct sender *sender;
	xmpp_ctx_t *ctx;
	struct loop *loop;
	struct muc_callbacks cb;
	int connected;           /* the stream is up */
	enum room_state state;
	char nick[MAX_NICK];     /* the nick we are joined with / trying */
	int nick_attempt;        /* conflicts seen in this join */
	int rejoin_attempt;      /* failed joins since we were last in */
	int selfping_outstanding;
	int voiceless;           /* joined as a visitor: may not speak */
	char selfping_id[32];    /* the self-ping awaiting its answer */
	struct occupant *occupants;
	struct reply_ids replies;  /* our room messages' ids -> their threats */
};

static void rejoin_due(void *arg);

void muc_nick_for_attempt(const char *base, int attempt, char *out, size_t outlen)
{
	if (attempt <= 0)
		snprintf(out, outlen, "%s", base);
	else if (attempt == 1)
		snprintf(out, outlen, "%s_", base);
	else
		snprintf(out, outlen, "%s_%d", base, attempt);
}

/* --- occupants: nick -> real JID, for commands from the room --------------- */

static void occupants_clear(struct muc *room)
{
	struct occupant *o, *next;

	for (o = room->occupants; o; o = next) {
		next = o->next;
		free(o->nick);
		free(o->jid);
		free(o);
	}
	room->occupants = NULL;
}

static void occupant_remove(struct muc *room, const char *nick)
{
	struct occupant **p, *o;

	for (p = &room->occupants; (o = *p); p = &o->next) {
		if (strcmp(o->nick, nick) == 0) {
			*p = o->next;
			free(o->nick);
			free(o->jid);
			free(o);
			return;
		}
	}
}

static void occupant_set(struct muc *room, const char *nick, const char *full_jid)
{
	struct occupant *o;

	occupant_remove(room, nick);
	o = calloc(1, sizeof *o);
	if (!o)
		return;
	o->nick = strdup(nick);
	if (full_jid)
		o->jid = strndup(full_jid, strcspn(full_jid, "/"));
	if (!o->nick || (full_jid && !o->jid)) {
		free(o->nick);
		free(o->jid);
		free(o);
		return;
	}
	o->next = room->occupants;
	room->occupants = o;
}

const char *muc_occupant_jid(const struct muc *m, const char *nick)
{
	const struct occupant *o;

	for (o = m->occupants; o; o = o->next)
		if (strcmp(o->nick, nick) == 0)
			return o->jid;
	return NULL;
}

/* --- joining ------------------------------------------------------------- */

struct muc *muc_new(const struct vigil_config *cfg, const struct sender *sender,
		    struct loop *loop, const struct muc_callbacks *cb)
{
	struct muc *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->cfg = cfg;
	m->sender = sender;
	m->ctx = sender->ctx;
	m->loop = loop;
	if (cb)
		m->cb = *cb;
	muc_nick_for_attempt(cfg->room_nick, 0, m->nick, sizeof m->nick);
	return m;
}

void muc_free(struct muc *m)
{
	if (!m)
		return;
	loop_timer_cancel(m->loop, TIMER_REJOIN);
	loop_timer_cancel(m->loop, TIMER_SELFPING);
	occupants_clear(m);
	free(m);
}

int muc_can_speak(const struct muc *m)
{
	return m && m->state == ROOM_IN && !m->voiceless;
}

const char *muc_current_nick(const struct muc *m)
{
	return m->nick;
}

static char *occupant_jid(struct muc *m, const char *nick)
{
	size_t len = strlen(m->cfg->room_jid) + strlen(nick) + 2;
	char *jid = malloc(len);

	if (jid)
		snprintf(jid, len, "%s/%s", m->cfg->room_jid, nick);
	return jid;
}

static void send_join(struct muc *m)
{
	xmpp_stanza_t *presence = xmpp_presence_new(m->ctx);
	xmpp_stanza_t *x, *history;
	char *to = occupant_jid(m, m->nick);

	if (!presence || !to)
		goto out;
	xmpp_stanza_set_from(presence, m->cfg->component_jid);
	xmpp_stanza_set_to(presence, to);
	x = stanza_add_child(presence, "x", NS_MUC);
	/* no history: replayed messages must never trigger commands */
	history = x ? stanza_add_child(x, "history", NULL) : NULL;
	if (!history)
		goto out;
	xmpp_stanza_set_attribute(history, "maxchars", "0");
	m->state = ROOM_JOINING;
	log_info("joining %s as %s", m->cfg->room_jid, m->nick);
	sender_send(m->sender, presence);
out:
	if (presence)
		xmpp_stanza_release(presence);
	free(to);
}

static void schedule_rejoin(struct muc *m, unsigned long delay_ms)
{
	if (m->connected)
		loop_timer_set(m->loop, TIMER_REJOIN, (long long)delay_ms, rejoin_due, m);
}

/* Rejoin delay: quick the first time, then doubling up to a minute so a
 * room that keeps kicking us is not hammered. */
static unsigned long rejoin_delay(struct muc *room)
{
	unsigned long delay = 1000;
	int i;

	for (i = 0; i < room->rejoin_attempt && delay < 60000; i++)
		delay *= 2;
	room->rejoin_attempt++;
	return delay > 60000 ? 60000 : delay;
}

static void rejoin_due(void *arg)
{
	struct muc *m = arg;

	if (m->connected && m->state == ROOM_OUT) {
		m->nick_attempt = 0;
		muc_nick_for_attempt(m->cfg->room_nick, 0, m->nick, sizeof m->nick);
		send_join(m);
	}
}

static void lost_room(struct muc *m, const char *why)
{
	m->state = ROOM_OUT;
	m->selfping_outstanding = 0;
	occupants_clear(m);
	log_warn("not in %s any more (%s): rejoining", m->cfg->room_jid, why);
	schedule_rejoin(m, rejoin_delay(m));
}

/* --- XEP-0410 self-ping: notice a silent loss of membership ---------------- */

int muc_handle_answer(void *arg, xmpp_stanza_t *stanza)
{
	struct muc *m = arg;
	const char *id = xmpp_stanza_get_id(stanza);
	const char *type = xmpp_stanza_get_type(stanza);
	const char *cond = stanza_error_condition(stanza);

	if (!m->selfping_outstanding || !id || strcmp(id, m->selfping_id) != 0)
		return 0;
	m->selfping_outstanding = 0;
	if (!type || strcmp(type, "error") != 0 || m->state != ROOM_IN)
		return 1;
	/* XEP-0410 §3.2: these errors still mean "joined"; timeouts decide nothing */
	if (cond && (strcmp(cond, "service-unavailable") == 0 ||
		     strcmp(cond, "feature-not-implemented") == 0 ||
		     strcmp(cond, "item-not-found") == 0 ||
		     strcmp(cond, "remote-server-not-found") == 0 ||
		     strcmp(cond, "remote-server-timeout") == 0))
		return 1;
	lost_room(m, cond ? cond : "self-ping failed");
	return 1;
}

static void selfping_tick(void *arg)
{
	struct muc *m = arg;
	xmpp_stanza_t *iq = NULL;
	char *id = NULL, *to = NULL;

	if (!m->connected)
		return;
	loop_timer_set(m->loop, TIMER_SELFPING, (long long)m->cfg->room_selfping_interval * 1000,
		       selfping_tick, m);
	if (m->state != ROOM_IN)
		return;
	if (m->selfping_outstanding) {
		/* no answer within an interval: forget it and ask again (a dead
		 * server is the keepalive's business; XEP-0410 §3.2 lets a timeout
		 * decide nothing, but self-pinging must not stop) */
		m->selfping_outstanding = 0;
		log_debug("self-ping to %s unanswered; pinging again", m->cfg->room_jid);
	}
	id = sender_new_id(m->sender);
	to = occupant_jid(m, m->nick);
	iq = id && to ? stanza_ping_new(m->ctx, id, m->cfg->component_jid, to) : NULL;
	if (!iq)
		goto out;
	snprintf(m->selfping_id, sizeof m->selfping_id, "%s", id);
	m->selfping_outstanding = 1;
	sender_send(m->sender, iq);
out:
	if (iq)
		xmpp_stanza_release(iq);
	free(id);
	free(to);
}

void muc_on_connected(struct muc *m)
{
	m->state = ROOM_OUT;
	m->rejoin_attempt = 0;
	m->selfping_outstanding = 0;
	m->nick_attempt = 0;
	m->connected = 1;
	muc_nick_for_attempt(m->cfg->room_nick, 0, m->nick, sizeof m->nick);
	loop_timer_set(m->loop, TIMER_SELFPING, (long long)m->cfg->room_selfping_interval * 1000,
		       selfping_tick, m);
	send_join(m);
}

void muc_on_disconnected(struct muc *m)
{
	if (m->state != ROOM_OUT)
		log_info("left %s: the connection is down", m->cfg->room_jid);
	m->state = ROOM_OUT;
	m->connected = 0;
	m->selfping_outstanding = 0;
	loop_timer_cancel(m->loop, TIMER_REJOIN);
	loop_timer_cancel(m->loop, TIMER_SELFPING);
	occupants_clear(m);
}

void muc_leave(struct muc *m, const char *reason)
{
	xmpp_stanza_t *presence;
	char *to;

	if (!m->connected || m->state == ROOM_OUT)
		return;
	presence = xmpp_presence_new(m->ctx);
	to = occupant_jid(m, m->nick);
	if (presence && to) {
		xmpp_stanza_set_type(presence, "unavailable");
		xmpp_stanza_set_from(presence, m->cfg->component_jid);
		xmpp_stanza_set_to(presence, to);
		if (reason)
			stanza_add_text_child(presence, "status", reason);
		sender_send(m->sender, presence);
		log_info("leaving %s", m->cfg->room_jid);
	}
	if (presence)
		xmpp_stanza_release(presence);
	free(to);
	m->state = ROOM_OUT;
}

/* --- room creation -------------------------------------------------------- */

static void add_form_field(xmpp_stanza_t *form, const char *var, const char *type,
			   const char *value)
{
	xmpp_stanza_t *field = stanza_add_child(form, "field", NULL);

	if (!field)
		return;
	xmpp_stanza_set_attribute(field, "var", var);
	if (type)
		xmpp_stanza_set_attribute(field, "type", type);
	stanza_add_text_child(field, "value", value);
}

/* We created the room (status 201): make it persistent, non-anonymous and
 * unmoderated, so it outlives vigil, vigil can see who sends a command and
 * may always speak. A server
 * that rejects the form still has an unlocked instant room: fine. */
static void configure_new_room(struct muc *m)
{
	char *id = sender_new_id(m->sender);
	xmpp_stanza_t *iq = id ? xmpp_iq_new(m->ctx, "set", id) : NULL;
	xmpp_stanza_t *query, *form;

	if (!iq)
		goto out;
	xmpp_stanza_set_from(iq, m->cfg->component_jid);
	xmpp_stanza_set_to(iq, m->cfg->room_jid);
	query = stanza_add_child(iq, "query", NS_MUC_OWNER);
	form = query ? stanza_add_child(query, "x", NS_DATA) : NULL;
	if (!form)
		goto out;
	xmpp_stanza_set_type(form, "submit");
	add_form_field(form, "FORM_TYPE", "hidden", "http://jabber.org/protocol/muc#roomconfig");
	add_form_field(form, "muc#roomconfig_roomname", NULL, "Security SIG");
	add_form_field(form, "muc#roomconfig_persistentroom", NULL, "1");
	add_form_field(form, "muc#roomconfig_whois", NULL, "anyone");
	/* Prosody's rooms are unmoderated by default, ejabberd's moderated; and
	 * ejabberd remembers the role an affiliation change gave (outcast ->
	 * none makes a visitor), so after an unban vigil could not speak */
	add_form_field(form, "muc#roomconfig_moderatedroom", NULL, "0");
	log_info("created %s: configuring it persistent and non-anonymous", m->cfg->room_jid);
	sender_send(m->sender, iq);
out:
	if (iq)
		xmpp_stanza_release(iq);
	if (id)
		free(id);
}

/* Joined as a visitor (a moderated room, or on ejabberd a role remembered
 * from an earlier affiliation change): ask the moderators for voice
 * (XEP-0045 §7.13); announcements wait until it is granted. */
static void request_voice(struct muc *m)
{
	xmpp_stanza_t *msg = xmpp_message_new(m->ctx, NULL, m->cfg->room_jid, NULL);
	xmpp_stanza_t *form;

	if (!msg)
		return;
	xmpp_stanza_set_from(msg, m->cfg->component_jid);
	form = stanza_add_child(msg, "x", NS_DATA);
	if (form) {
		xmpp_stanza_set_type(form, "submit");
		add_form_field(form, "FORM_TYPE", NULL, "http://jabber.org/protocol/muc#request");
		add_form_field(form, "muc#role", "list-single", "participant");
		log_warn("in %s without voice (a visitor): asking the moderators for it",
			 m->cfg->room_jid);
		sender_send(m->sender, msg);
	}
	xmpp_stanza_release(msg);
}

/* --- presence ------------------------------------------------------------- */

static int has_status(xmpp_stanza_t *x, const char *code)
{
	xmpp_stanza_t *child;

	for (child = x ? xmpp_stanza_get_children(x) : NULL; child;
	     child = xmpp_stanza_get_next(child)) {
		const char *name = xmpp_stanza_get_name(child);
		const char *c = xmpp_stanza_get_attribute(child, "code");
		if (name && strcmp(name, "status") == 0 && c && strcmp(c, code) == 0)
			return 1;
	}
	return 0;
}

static void join_failed(struct muc *m, xmpp_stanza_t *presence)
{
	const char *cond = stanza_error_condition(presence);

	if (cond && strcmp(cond, "conflict") == 0 &&
	    m->nick_attempt < MAX_NICK_ATTEMPTS) {
		m->nick_attempt++;
		muc_nick_for_attempt(m->cfg->room_nick, m->nick_attempt,
				     m->nick, sizeof m->nick);
		log_warn("nick taken in %s: trying %s", m->cfg->room_jid, m->nick);
		send_join(m);
		return;
	}
	m->state = ROOM_OUT;
	log_error("could not join %s: %s", m->cfg->room_jid, cond ? cond : "unknown error");
	schedule_rejoin(m, rejoin_delay(m));
}

static void self_presence(struct muc *m, xmpp_stanza_t *presence, xmpp_stanza_t *x,
			  const char *nick)
{
	const char *type = xmpp_stanza_get_type(presence);
	xmpp_stanza_t *item;
	const char *role;
	int was_voiceless;

	if (type && strcmp(type, "unavailable") == 0) {
		item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
		if (has_status(x, "303") && item && xmpp_stanza_get_attribute(item, "nick")) {
			snprintf(m->nick, sizeof m->nick, "%s",
				 xmpp_stanza_get_attribute(item, "nick"));
			return; /* nick change: the new self-presence follows */
		}
		if (m->state == ROOM_OUT)
			return; /* our own leave */
		lost_room(m, has_status(x, "307") ? "kicked" :
			     has_status(x, "301") ? "banned" :
			     x && xmpp_stanza_get_child_by_name(x, "destroy") ? "room destroyed" :
			     has_status(x, "332") ? "MUC service shut down" :
			     has_status(x, "333") ? "removed after an error" :
			     has_status(x, "321") ? "affiliation changed" :
			     has_status(x, "322") ? "room became members-only" : "left");
		return;
	}
	snprintf(m->nick, sizeof m->nick, "%s", nick);
	item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
	role = item ? xmpp_stanza_get_attribute(item, "role") : NULL;
	was_voiceless = m->state == ROOM_IN && m->voiceless;
	m->voiceless = role && strcmp(role, "visitor") == 0;
	if (m->state != ROOM_IN) {
		m->state = ROOM_IN;
		m->rejoin_attempt = 0;
		log_info("joined %s as %s", m->cfg->room_jid, nick);
		if (m->cb.joined)
			m->cb.joined(m->cb.arg);
		if (has_status(x, "201"))
			configure_new_room(m);
		if (m->voiceless)
			request_voice(m);
	} else if (was_voiceless && !m->voiceless) {
		log_info("given voice in %s", m->cfg->room_jid);
	} else if (!was_voiceless && m->voiceless) {
		request_voice(m); /* voice revoked */
	}
	if (!m->voiceless && m->cb.can_speak)
		m->cb.can_speak(m->cb.arg); /* announcements waiting for the room */
}

int muc_handle_presence(struct muc *m, xmpp_stanza_t *presence)
{
	const char *from = xmpp_stanza_get_from(presence);
	const char *type = xmpp_stanza_get_type(presence);
	const char *slash = from ? strchr(from, '/') : NULL;
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", NS_MUC_USER);
	const char *nick = slash ? slash + 1 : NULL;
	int is_self;

	if (type && strcmp(type, "error") == 0) {
		if (m->state == ROOM_JOINING)
			join_failed(m, presence);
		return 1;
	}
	if (!nick)
		return 1;
	is_self = has_status(x, "110") || strcmp(nick, m->nick) == 0;
	if (is_self) {
		self_presence(m, presence, x, nick);
		return 1;
	}
	if (type && strcmp(type, "unavailable") == 0) {
		occupant_remove(m, nick);
	} else {
		xmpp_stanza_t *item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
		occupant_set(m, nick, item ? xmpp_stanza_get_attribute(item, "jid") : NULL);
	}
	return 1;
}

/* --- messages --------------------------------------------------------------- */

struct room_reply {
	struct muc *m;
	const char *to;
	const char *type;
};

/* 0 when handed to the sender; -1 when not (out of memory, refused). */
static int send_chat(struct muc *m, const char *to, const char *type, const char *text)
{
	/* an id of its own, so a reply can name it where the room stamps no
	 * stanza-id (XEP-0461 §3) */
	char *id = xmpp_uuid_gen(m->ctx);
	xmpp_stanza_t *msg = xmpp_message_new(m->ctx, type, to, id);
	int rc = -1;

	if (id)
		xmpp_free(m->ctx, id);
	if (!msg)
		return -1;
	xmpp_stanza_set_from(msg, m->cfg->component_jid);
	if (stanza_add_text_child(msg, "body", text))
		rc = sender_send(m->sender, msg);
	xmpp_stanza_release(msg);
	return rc;
}

static void room_reply(void *ctx, const char *text)
{
	struct room_reply *r = ctx;
	send_chat(r->m, r->to, r->type, text);
}

int muc_say(struct muc *m, const char *text)
{
	if (!m->connected || m->state != ROOM_IN)
		return -1;
	/* the announcer keeps its room line until this says it went */
	return send_chat(m, m->cfg->room_jid, "groupchat", text);
}

int muc_handle_message(struct muc *m, xmpp_stanza_t *message)
{
	const char *from = xmpp_stanza_get_from(message);
	const char *type = xmpp_stanza_get_type(message);
	const char *slash = from ? strchr(from, '/') : NULL;
	xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(message, "body");
	struct chat_message msg = { 0 };
	struct room_reply reply = { m, NULL, NULL };
	char *body;

	if (type && strcmp(type, "error") == 0) {
		const char *cond = stanza_error_condition(message);
		/* our groupchat bounced: the room no longer knows us */
		if (cond && strcmp(cond, "not-acceptable") == 0 && m->state == ROOM_IN)
			lost_room(m, "message refused: not an occupant");
		return 1; /* never answer an error (no loops) */
	}
	if (!body_el || !slash)
		return 1;
	/* delayed history (XEP-0203) must never trigger a command */
	if (stanza_has_child(message, "delay", NS_DELAY) ||
	    stanza_has_child(message, "x", NS_DELAY_LEGACY))
		return 1;
	msg.nick = slash + 1;
	if (strcmp(msg.nick, m->nick) == 0) {
		if (type && strcmp(type, "groupchat") == 0)
			reply_ids_note_own(&m->replies, message, body_el, m->cfg->room_jid);
		return 1; /* our own echo */
	}
	msg.from = from;
	msg.sender = muc_occupant_jid(m, msg.nick);
	if (type && strcmp(type, "groupchat") == 0) {
		msg.origin = CHAT_ROOM;
		msg.stanza_id = reply_ids_room_stanza_id(message, m->cfg->room_jid);
		msg.reply_to = reply_ids_target(&m->replies, message, m->nick);
		reply.to = m->cfg->room_jid;
		reply.type = "groupchat";
	} else {
		msg.origin = CHAT_ROOM_PRIVATE;
		reply.to = from;
		reply.type = "chat";
	}
	body = xmpp_stanza_get_text(body_el);
	if (!body)
		return 1;
	msg.body = body;
	if (m->cb.message)
		m->cb.message(m->cb.arg, &msg, room_reply, &reply);
	xmpp_free(m->ctx, body);
	return 1;
}
