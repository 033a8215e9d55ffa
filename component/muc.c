/* The SIG room. See muc.h; protocol references are to XEP-0045 and XEP-0410. */
#include "component/muc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/chat/chat.h"
#include "component/daemon.h"
#include "component/log.h"
#include "component/outbox.h"
#include "component/xmpp/stanza.h"

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_DATA "jabber:x:data"
#define NS_PING "urn:xmpp:ping"
#define NS_DELAY "urn:xmpp:delay"
#define NS_DELAY_LEGACY "jabber:x:delay"
#define MAX_NICK 1024 /* a resourcepart is at most 1023 bytes (RFC 7622 §3.4): never cut */
#define MAX_NICK_ATTEMPTS 20

enum room_state { ROOM_OUT, ROOM_JOINING, ROOM_IN };

struct occupant {
	char *nick;
	char *jid; /* bare real JID or NULL */
	struct occupant *next;
};

struct muc_room {
	enum room_state state;
	char nick[MAX_NICK];     /* the nick we are joined with / trying */
	int nick_attempt;        /* conflicts seen in this join */
	int rejoin_attempt;      /* failed joins since we were last in */
	int selfping_outstanding;
	int voiceless;           /* joined as a visitor: may not speak */
	char selfping_id[32];    /* the self-ping awaiting its answer */
	int announced_ready;
	struct occupant *occupants;
};

static int rejoin_due(xmpp_conn_t *conn, void *userdata);

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

static void occupants_clear(struct muc_room *room)
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

static void occupant_remove(struct muc_room *room, const char *nick)
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

static void occupant_set(struct muc_room *room, const char *nick, const char *full_jid)
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

const char *muc_occupant_jid(const struct daemon *d, const char *nick)
{
	const struct occupant *o;

	for (o = d->room->occupants; o; o = o->next)
		if (strcmp(o->nick, nick) == 0)
			return o->jid;
	return NULL;
}

/* --- joining ------------------------------------------------------------- */

int muc_init(struct daemon *d)
{
	d->room = calloc(1, sizeof *d->room);
	if (!d->room)
		return -1;
	muc_nick_for_attempt(d->cfg->room_nick, 0, d->room->nick, sizeof d->room->nick);
	return 0;
}

void muc_free(struct daemon *d)
{
	if (!d->room)
		return;
	occupants_clear(d->room);
	free(d->room);
	d->room = NULL;
}

int muc_can_speak(const struct daemon *d)
{
	return d->room && d->room->state == ROOM_IN && !d->room->voiceless;
}

const char *muc_current_nick(const struct daemon *d)
{
	return d->room->nick;
}

static char *occupant_jid(struct daemon *d, const char *nick)
{
	size_t len = strlen(d->cfg->room_jid) + strlen(nick) + 2;
	char *jid = malloc(len);

	if (jid)
		snprintf(jid, len, "%s/%s", d->cfg->room_jid, nick);
	return jid;
}

static void send_join(struct daemon *d)
{
	xmpp_stanza_t *presence = xmpp_presence_new(d->ctx);
	xmpp_stanza_t *x, *history;
	char *to = occupant_jid(d, d->room->nick);

	if (!presence || !to)
		goto out;
	xmpp_stanza_set_from(presence, d->cfg->component_jid);
	xmpp_stanza_set_to(presence, to);
	x = stanza_add_child(presence, "x", NS_MUC);
	/* no history: replayed messages must never trigger commands */
	history = x ? stanza_add_child(x, "history", NULL) : NULL;
	if (!history)
		goto out;
	xmpp_stanza_set_attribute(history, "maxchars", "0");
	d->room->state = ROOM_JOINING;
	log_info("joining %s as %s", d->cfg->room_jid, d->room->nick);
	daemon_send(d, presence);
out:
	if (presence)
		xmpp_stanza_release(presence);
	free(to);
}

static void schedule_rejoin(struct daemon *d, unsigned long delay_ms)
{
	if (!d->ready || !d->conn)
		return;
	xmpp_timed_handler_delete(d->conn, rejoin_due);
	xmpp_timed_handler_add(d->conn, rejoin_due, delay_ms, d);
}

/* Rejoin delay: quick the first time, then doubling up to a minute so a
 * room that keeps kicking us is not hammered. */
static unsigned long rejoin_delay(struct muc_room *room)
{
	unsigned long delay = 1000;
	int i;

	for (i = 0; i < room->rejoin_attempt && delay < 60000; i++)
		delay *= 2;
	room->rejoin_attempt++;
	return delay > 60000 ? 60000 : delay;
}

static int rejoin_due(xmpp_conn_t *conn, void *userdata)
{
	struct daemon *d = userdata;

	if (d->ready && d->room->state == ROOM_OUT) {
		d->room->nick_attempt = 0;
		muc_nick_for_attempt(d->cfg->room_nick, 0, d->room->nick, sizeof d->room->nick);
		send_join(d);
	}
	return 0;
}

static void lost_room(struct daemon *d, const char *why)
{
	d->room->state = ROOM_OUT;
	d->room->selfping_outstanding = 0;
	occupants_clear(d->room);
	log_warn("not in %s any more (%s): rejoining", d->cfg->room_jid, why);
	schedule_rejoin(d, rejoin_delay(d->room));
}

/* --- XEP-0410 self-ping: notice a silent loss of membership ---------------- */

static int selfping_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct daemon *d = userdata;
	const char *type = xmpp_stanza_get_type(stanza);
	const char *cond = stanza_error_condition(stanza);

	d->room->selfping_outstanding = 0;
	if (!type || strcmp(type, "error") != 0 || d->room->state != ROOM_IN)
		return 0;
	/* XEP-0410 §3.2: these errors still mean "joined"; timeouts decide nothing */
	if (cond && (strcmp(cond, "service-unavailable") == 0 ||
		     strcmp(cond, "feature-not-implemented") == 0 ||
		     strcmp(cond, "item-not-found") == 0 ||
		     strcmp(cond, "remote-server-not-found") == 0 ||
		     strcmp(cond, "remote-server-timeout") == 0))
		return 0;
	lost_room(d, cond ? cond : "self-ping failed");
	return 0;
}

static int selfping_tick(xmpp_conn_t *conn, void *userdata)
{
	struct daemon *d = userdata;
	xmpp_stanza_t *iq = NULL;
	char *id = NULL, *to = NULL;

	if (!d->ready || d->room->state != ROOM_IN)
		return 1;
	if (d->room->selfping_outstanding) {
		/* no answer within an interval: forget it and ask again (a dead
		 * server is the keepalive's business; XEP-0410 §3.2 lets a timeout
		 * decide nothing, but self-pinging must not stop) */
		xmpp_id_handler_delete(conn, selfping_answer, d->room->selfping_id);
		d->room->selfping_outstanding = 0;
		log_debug("self-ping to %s unanswered; pinging again", d->cfg->room_jid);
	}
	id = daemon_new_id(d);
	to = occupant_jid(d, d->room->nick);
	iq = id ? xmpp_iq_new(d->ctx, "get", id) : NULL;
	if (!iq || !to)
		goto out;
	xmpp_stanza_set_from(iq, d->cfg->component_jid);
	xmpp_stanza_set_to(iq, to);
	if (!stanza_add_child(iq, "ping", NS_PING))
		goto out;
	xmpp_id_handler_add(conn, selfping_answer, id, d);
	snprintf(d->room->selfping_id, sizeof d->room->selfping_id, "%s", id);
	d->room->selfping_outstanding = 1;
	daemon_send(d, iq);
out:
	if (iq)
		xmpp_stanza_release(iq);
	if (id)
		free(id);
	free(to);
	return 1;
}

void muc_on_connected(struct daemon *d)
{
	d->room->state = ROOM_OUT;
	d->room->rejoin_attempt = 0;
	d->room->selfping_outstanding = 0;
	d->room->nick_attempt = 0;
	muc_nick_for_attempt(d->cfg->room_nick, 0, d->room->nick, sizeof d->room->nick);
	xmpp_timed_handler_add(d->conn, selfping_tick,
			       (unsigned long)d->cfg->room_selfping_interval * 1000UL, d);
	send_join(d);
}

void muc_on_disconnected(struct daemon *d)
{
	if (d->room->state != ROOM_OUT)
		log_info("left %s: the connection is down", d->cfg->room_jid);
	d->room->state = ROOM_OUT;
	occupants_clear(d->room);
}

void muc_leave(struct daemon *d, const char *reason)
{
	xmpp_stanza_t *presence;
	char *to;

	if (!d->ready || d->room->state == ROOM_OUT)
		return;
	presence = xmpp_presence_new(d->ctx);
	to = occupant_jid(d, d->room->nick);
	if (presence && to) {
		xmpp_stanza_set_type(presence, "unavailable");
		xmpp_stanza_set_from(presence, d->cfg->component_jid);
		xmpp_stanza_set_to(presence, to);
		if (reason)
			stanza_add_text_child(presence, "status", reason);
		daemon_send(d, presence);
		log_info("leaving %s", d->cfg->room_jid);
	}
	if (presence)
		xmpp_stanza_release(presence);
	free(to);
	d->room->state = ROOM_OUT;
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
static void configure_new_room(struct daemon *d)
{
	char *id = daemon_new_id(d);
	xmpp_stanza_t *iq = id ? xmpp_iq_new(d->ctx, "set", id) : NULL;
	xmpp_stanza_t *query, *form;

	if (!iq)
		goto out;
	xmpp_stanza_set_from(iq, d->cfg->component_jid);
	xmpp_stanza_set_to(iq, d->cfg->room_jid);
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
	log_info("created %s: configuring it persistent and non-anonymous", d->cfg->room_jid);
	daemon_send(d, iq);
out:
	if (iq)
		xmpp_stanza_release(iq);
	if (id)
		free(id);
}

/* Joined as a visitor (a moderated room, or on ejabberd a role remembered
 * from an earlier affiliation change): ask the moderators for voice
 * (XEP-0045 §7.13); announcements wait in the outbox until it is granted. */
static void request_voice(struct daemon *d)
{
	xmpp_stanza_t *msg = xmpp_message_new(d->ctx, NULL, d->cfg->room_jid, NULL);
	xmpp_stanza_t *form;

	if (!msg)
		return;
	xmpp_stanza_set_from(msg, d->cfg->component_jid);
	form = stanza_add_child(msg, "x", NS_DATA);
	if (form) {
		xmpp_stanza_set_type(form, "submit");
		add_form_field(form, "FORM_TYPE", NULL, "http://jabber.org/protocol/muc#request");
		add_form_field(form, "muc#role", "list-single", "participant");
		log_warn("in %s without voice (a visitor): asking the moderators for it",
			 d->cfg->room_jid);
		daemon_send(d, msg);
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

static void join_failed(struct daemon *d, xmpp_stanza_t *presence)
{
	const char *cond = stanza_error_condition(presence);

	if (cond && strcmp(cond, "conflict") == 0 &&
	    d->room->nick_attempt < MAX_NICK_ATTEMPTS) {
		d->room->nick_attempt++;
		muc_nick_for_attempt(d->cfg->room_nick, d->room->nick_attempt,
				     d->room->nick, sizeof d->room->nick);
		log_warn("nick taken in %s: trying %s", d->cfg->room_jid, d->room->nick);
		send_join(d);
		return;
	}
	d->room->state = ROOM_OUT;
	log_error("could not join %s: %s", d->cfg->room_jid, cond ? cond : "unknown error");
	schedule_rejoin(d, rejoin_delay(d->room));
}

static void self_presence(struct daemon *d, xmpp_stanza_t *presence, xmpp_stanza_t *x,
			  const char *nick)
{
	const char *type = xmpp_stanza_get_type(presence);
	xmpp_stanza_t *item;
	const char *role;
	int was_voiceless;

	if (type && strcmp(type, "unavailable") == 0) {
		item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
		if (has_status(x, "303") && item && xmpp_stanza_get_attribute(item, "nick")) {
			snprintf(d->room->nick, sizeof d->room->nick, "%s",
				 xmpp_stanza_get_attribute(item, "nick"));
			return; /* nick change: the new self-presence follows */
		}
		if (d->room->state == ROOM_OUT)
			return; /* our own leave */
		lost_room(d, has_status(x, "307") ? "kicked" :
			     has_status(x, "301") ? "banned" :
			     x && xmpp_stanza_get_child_by_name(x, "destroy") ? "room destroyed" :
			     has_status(x, "332") ? "MUC service shut down" :
			     has_status(x, "333") ? "removed after an error" :
			     has_status(x, "321") ? "affiliation changed" :
			     has_status(x, "322") ? "room became members-only" : "left");
		return;
	}
	snprintf(d->room->nick, sizeof d->room->nick, "%s", nick);
	item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
	role = item ? xmpp_stanza_get_attribute(item, "role") : NULL;
	was_voiceless = d->room->state == ROOM_IN && d->room->voiceless;
	d->room->voiceless = role && strcmp(role, "visitor") == 0;
	if (d->room->state != ROOM_IN) {
		d->room->state = ROOM_IN;
		d->room->rejoin_attempt = 0;
		log_info("joined %s as %s", d->cfg->room_jid, nick);
		if (!d->room->announced_ready) {
			d->room->announced_ready = 1;
			daemon_notify_systemd("READY=1\nSTATUS=in the room");
		}
		if (has_status(x, "201"))
			configure_new_room(d);
		if (d->room->voiceless)
			request_voice(d);
	} else if (was_voiceless && !d->room->voiceless) {
		log_info("given voice in %s", d->cfg->room_jid);
	} else if (!was_voiceless && d->room->voiceless) {
		request_voice(d); /* voice revoked */
	}
	if (!d->room->voiceless)
		outbox_pump(d); /* announcements waiting for the room */
}

int muc_handle_presence(struct daemon *d, xmpp_stanza_t *presence)
{
	const char *from = xmpp_stanza_get_from(presence);
	const char *type = xmpp_stanza_get_type(presence);
	const char *slash = from ? strchr(from, '/') : NULL;
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", NS_MUC_USER);
	const char *nick = slash ? slash + 1 : NULL;
	int is_self;

	if (type && strcmp(type, "error") == 0) {
		if (d->room->state == ROOM_JOINING)
			join_failed(d, presence);
		return 1;
	}
	if (!nick)
		return 1;
	is_self = has_status(x, "110") || strcmp(nick, d->room->nick) == 0;
	if (is_self) {
		self_presence(d, presence, x, nick);
		return 1;
	}
	if (type && strcmp(type, "unavailable") == 0) {
		occupant_remove(d->room, nick);
	} else {
		xmpp_stanza_t *item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
		occupant_set(d->room, nick, item ? xmpp_stanza_get_attribute(item, "jid") : NULL);
	}
	return 1;
}

/* --- messages --------------------------------------------------------------- */

struct room_reply {
	struct daemon *d;
	const char *to;
	const char *type;
};

static void send_chat(struct daemon *d, const char *to, const char *type, const char *text)
{
	xmpp_stanza_t *msg = xmpp_message_new(d->ctx, type, to, NULL);

	if (!msg)
		return;
	xmpp_stanza_set_from(msg, d->cfg->component_jid);
	if (stanza_add_text_child(msg, "body", text))
		daemon_send(d, msg);
	xmpp_stanza_release(msg);
}

static void room_reply(void *ctx, const char *text)
{
	struct room_reply *r = ctx;
	send_chat(r->d, r->to, r->type, text);
}

int muc_say(struct daemon *d, const char *text)
{
	if (!d->ready || d->room->state != ROOM_IN)
		return -1;
	send_chat(d, d->cfg->room_jid, "groupchat", text);
	return 0;
}

int muc_handle_message(struct daemon *d, xmpp_stanza_t *message)
{
	const char *from = xmpp_stanza_get_from(message);
	const char *type = xmpp_stanza_get_type(message);
	const char *slash = from ? strchr(from, '/') : NULL;
	xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(message, "body");
	struct chat_message msg = { 0 };
	struct room_reply reply = { d, NULL, NULL };
	char *body;

	if (type && strcmp(type, "error") == 0) {
		const char *cond = stanza_error_condition(message);
		/* our groupchat bounced: the room no longer knows us */
		if (cond && strcmp(cond, "not-acceptable") == 0 && d->room->state == ROOM_IN)
			lost_room(d, "message refused: not an occupant");
		return 1; /* never answer an error (no loops) */
	}
	if (!body_el || !slash)
		return 1;
	/* delayed history (XEP-0203) must never trigger a command */
	if (stanza_has_child(message, "delay", NS_DELAY) ||
	    stanza_has_child(message, "x", NS_DELAY_LEGACY))
		return 1;
	msg.nick = slash + 1;
	if (strcmp(msg.nick, d->room->nick) == 0)
		return 1; /* our own echo */
	msg.from = from;
	msg.sender = muc_occupant_jid(d, msg.nick);
	if (type && strcmp(type, "groupchat") == 0) {
		msg.origin = CHAT_ROOM;
		reply.to = d->cfg->room_jid;
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
	chat_dispatch(d->chat, &msg, room_reply, &reply);
	outbox_pump(d);
	xmpp_free(d->ctx, body);
	return 1;
}
