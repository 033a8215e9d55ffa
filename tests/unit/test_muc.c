/* SPDX-License-Identifier: MIT */
/* component/muc.c with a fake sender and a fake clock: the join, joined
 * and allowed to speak, another nick on conflict, the rejoin after a kick
 * (a timer: the clock is moved, never slept on), the XEP-0410 self-ping,
 * voice, and chat messages handed on (never history, never our echo). */
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "component/base/loop.h"
#include "component/muc.h"
#include "config/config.h"
#include "tests/unit/fake_sender.h"
#include "tests/unit/tap.h"

#define ROOM "sig@conference.localhost"
#define ME "threats.localhost"

static long long fake_now;
static xmpp_ctx_t *ctx;

static long long fake_clock(void *unused)
{
	(void)unused;
	return fake_now;
}

static int joined, can_speak, messages;
static char last_body[256], last_nick[64], last_sender[64];

static void on_joined(void *arg)
{
	(void)arg;
	joined++;
}

static void on_can_speak(void *arg)
{
	(void)arg;
	can_speak++;
}

static void on_message(void *arg, const struct chat_message *msg, chat_reply_fn reply,
		       void *reply_ctx)
{
	(void)arg;
	messages++;
	snprintf(last_body, sizeof last_body, "%s", msg->body);
	snprintf(last_nick, sizeof last_nick, "%s", msg->nick ? msg->nick : "");
	snprintf(last_sender, sizeof last_sender, "%s", msg->sender ? msg->sender : "");
	reply(reply_ctx, "pong");
}

/* Hands the module one incoming stanza, as the router would. */
static void receive(struct muc *muc, const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
	const char *name = st ? xmpp_stanza_get_name(st) : NULL;

	if (!st) {
		diag("unparsable test stanza: %s", xml);
		return;
	}
	if (strcmp(name, "presence") == 0)
		muc_handle_presence(muc, st);
	else if (strcmp(name, "message") == 0)
		muc_handle_message(muc, st);
	else
		muc_handle_answer(muc, st);
	xmpp_stanza_release(st);
}

static void advance(struct loop *loop, long long ms)
{
	fake_now += ms;
	loop_run_due(loop);
}

static const char self_in[] =
	"<presence from='" ROOM "/vigil' to='" ME "'><x xmlns='http://jabber.org/protocol/muc#user'>"
	"<item affiliation='owner' role='moderator'/><status code='110'/></x></presence>";

int main(void)
{
	struct vigil_config cfg;
	struct fake_sender fake;
	struct loop *loop;
	struct muc *muc;
	char err[256], xml[1024];
	const struct muc_callbacks cb = { on_joined, on_can_speak, on_message, NULL };
	const char *conf = "component.jid = " ME "\ncomponent.secret = s\nroom.jid = " ROOM "\n"
			   "storage.path = /nonexistent/vigil.db\nroom.selfping_interval = 120\n";

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	config_defaults(&cfg);
	if (config_parse(&cfg, "test.conf", conf, err, sizeof err) < 0)
		diag("config: %s", err);
	fake_sender_init(&fake, ctx, ME);
	loop = loop_new(fake_clock, NULL);
	muc = muc_new(&cfg, &fake.sender, loop, &cb);
	ok(muc != NULL, "a room module");

	/* --- joining ------------------------------------------------------------ */
	muc_on_connected(muc);
	is_int(fake.count, 1, "connected: one stanza sent");
	ok(fake_count_with(&fake, "<presence", "to=\"" ROOM "/vigil\"", "from=\"" ME "\"",
			   "http://jabber.org/protocol/muc", "maxchars=\"0\"", NULL) == 1,
	   "it is the join, asking for no history: %s", fake_last(&fake));
	ok(!muc_can_speak(muc), "not in the room before the self-presence");
	ok(loop_timer_armed(loop, "muc-selfping"), "the self-ping timer is armed");

	receive(muc, self_in);
	ok(muc_can_speak(muc), "self-presence (110): in the room");
	is_int(joined, 1, "joined said once");
	is_int(can_speak, 1, "can-speak said once");
	is_str(muc_current_nick(muc), "vigil", "with the configured nick");

	fake_sender_clear(&fake);
	is_int(muc_say(muc, "T-1 filed"), 0, "saying something in the room");
	ok(fake_count_with(&fake, "type=\"groupchat\"", "to=\"" ROOM "\"", "<body>T-1 filed</body>",
			   NULL) == 1, "a groupchat message to the room: %s", fake_last(&fake));

	/* --- occupants and messages ---------------------------------------------- */
	receive(muc, "<presence from='" ROOM "/alice' to='" ME "'><x xmlns='http://jabber.org/"
		"protocol/muc#user'><item role='participant' jid='alice@localhost/pc'/></x></presence>");
	is_str(muc_occupant_jid(muc, "alice"), "alice@localhost", "an occupant's real bare JID");
	fake_sender_clear(&fake);
	receive(muc, "<message type='groupchat' from='" ROOM "/alice' to='" ME "'>"
		"<body>!help</body></message>");
	is_int(messages, 1, "a groupchat message is handed on");
	is_str(last_body, "!help", "with its body");
	is_str(last_sender, "alice@localhost", "and the sender's real JID");
	ok(fake_count_with(&fake, "type=\"groupchat\"", "to=\"" ROOM "\"", "pong", NULL) == 1,
	   "a reply goes to the room");
	receive(muc, "<message type='groupchat' from='" ROOM "/alice' to='" ME "'><body>old</body>"
		"<delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/></message>");
	receive(muc, "<message type='groupchat' from='" ROOM "/vigil' to='" ME "'>"
		"<body>our echo</body></message>");
	is_int(messages, 1, "history and our own echo are not");
	fake_sender_clear(&fake);
	receive(muc, "<message type='chat' from='" ROOM "/alice' to='" ME "'>"
		"<body>show T-1</body></message>");
	ok(messages == 2 && fake_count_with(&fake, "type=\"chat\"", "to=\"" ROOM "/alice\"", NULL) == 1,
	   "a private message through the room is answered privately");
	receive(muc, "<presence type='unavailable' from='" ROOM "/alice' to='" ME "'/>");
	ok(muc_occupant_jid(muc, "alice") == NULL, "an occupant who left is forgotten");

	/* --- self-ping ---------------------------------------------------------- */
	fake_sender_clear(&fake);
	advance(loop, 119999);
	is_int(fake.count, 0, "no self-ping before the interval");
	advance(loop, 1);
	ok(fake_count_with(&fake, "<iq", "type=\"get\"", "to=\"" ROOM "/vigil\"", "urn:xmpp:ping",
			   NULL) == 1, "after the interval, a self-ping: %s", fake_last(&fake));
	snprintf(xml, sizeof xml, "<iq type='error' id='id%d' from='" ROOM "/vigil' to='" ME "'>"
		 "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:"
		 "xmpp-stanzas'/></error></iq>", fake.ids);
	receive(muc, xml);
	ok(muc_can_speak(muc), "service-unavailable to a self-ping still means joined (XEP-0410)");
	{
		xmpp_stanza_t *other = xmpp_stanza_new_from_string(ctx, "<iq type='result' id='other'/>");
		is_int(muc_handle_answer(muc, other), 0,
		       "an answer to someone else's request is not the room's");
		xmpp_stanza_release(other);
	}
	fake_sender_clear(&fake);
	advance(loop, 120000);
	ok(fake_count_with(&fake, "urn:xmpp:ping", NULL) == 1, "the self-ping timer runs again");
	snprintf(xml, sizeof xml, "<iq type='error' id='id%d' from='" ROOM "/vigil' to='" ME "'>"
		 "<error type='cancel'><not-acceptable xmlns='urn:ietf:params:xml:ns:"
		 "xmpp-stanzas'/></error></iq>", fake.ids);
	receive(muc, xml);
	ok(!muc_can_speak(muc), "not-acceptable to a self-ping: out of the room");
	ok(loop_timer_armed(loop, "muc-rejoin"), "... and a rejoin is armed");
	fake_sender_clear(&fake);
	advance(loop, 1000);
	ok(fake_count_with(&fake, "<presence", "to=\"" ROOM "/vigil\"", "maxchars", NULL) == 1,
	   "a second later, the join is sent again");
	receive(muc, self_in);
	ok(muc_can_speak(muc), "back in the room");

	/* --- kicked ---------------------------------------------------------------- */
	receive(muc, "<presence type='unavailable' from='" ROOM "/vigil' to='" ME "'><x xmlns='"
		"http://jabber.org/protocol/muc#user'><item role='none'/><status code='307'/>"
		"<status code='110'/></x></presence>");
	ok(!muc_can_speak(muc), "kicked: out of the room");
	is_int(muc_say(muc, "x"), -1, "saying is refused out of the room");
	ok(loop_timer_armed(loop, "muc-rejoin"), "the rejoin timer is armed");
	fake_sender_clear(&fake);
	advance(loop, 999);
	is_int(fake_count_with(&fake, "<presence", NULL), 0, "no join before the timer is due");
	advance(loop, 1);
	ok(fake_count_with(&fake, "<presence", "to=\"" ROOM "/vigil\"", NULL) == 1,
	   "when it is due, a new join is sent");
	receive(muc, self_in);
	is_int(joined, 3, "joined said on every join");

	/* --- nick conflict ---------------------------------------------------------- */
	muc_on_disconnected(muc);
	ok(!muc_can_speak(muc), "the stream went down: out of the room");
	ok(!loop_timer_armed(loop, "muc-selfping") && !loop_timer_armed(loop, "muc-rejoin"),
	   "... and its timers are stopped");
	fake_sender_clear(&fake);
	muc_on_connected(muc);
	receive(muc, "<presence type='error' from='" ROOM "/vigil' to='" ME "'><error type='cancel'>"
		"<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
	ok(fake_count_with(&fake, "to=\"" ROOM "/vigil_\"", NULL) == 1,
	   "nick taken: the next join asks for vigil_: %s", fake_last(&fake));
	receive(muc, "<presence type='error' from='" ROOM "/vigil_' to='" ME "'><error type='cancel'>"
		"<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
	ok(fake_count_with(&fake, "to=\"" ROOM "/vigil_2\"", NULL) == 1, "then vigil_2");
	receive(muc, "<presence from='" ROOM "/vigil_2' to='" ME "'><x xmlns='http://jabber.org/"
		"protocol/muc#user'><item role='participant'/><status code='110'/></x></presence>");
	is_str(muc_current_nick(muc), "vigil_2", "joined as vigil_2");

	/* --- voice ------------------------------------------------------------------ */
	can_speak = 0;
	fake_sender_clear(&fake);
	receive(muc, "<presence from='" ROOM "/vigil_2' to='" ME "'><x xmlns='http://jabber.org/"
		"protocol/muc#user'><item role='visitor'/><status code='110'/></x></presence>");
	ok(!muc_can_speak(muc), "made a visitor: may not speak");
	ok(fake_count_with(&fake, "http://jabber.org/protocol/muc#request", NULL) == 1,
	   "and asks the moderators for voice");
	is_int(can_speak, 0, "can-speak not said");
	receive(muc, "<presence from='" ROOM "/vigil_2' to='" ME "'><x xmlns='http://jabber.org/"
		"protocol/muc#user'><item role='participant'/><status code='110'/></x></presence>");
	ok(muc_can_speak(muc) && can_speak == 1, "given voice: can-speak said");

	/* --- leaving ---------------------------------------------------------------- */
	fake_sender_clear(&fake);
	muc_leave(muc, "bye");
	ok(fake_count_with(&fake, "type=\"unavailable\"", "<status>bye</status>", NULL) == 1,
	   "leaving sends an unavailable presence with the reason");
	ok(!muc_can_speak(muc), "out of the room");

	{
		char nick[16];
		muc_nick_for_attempt("vigil", 3, nick, sizeof nick);
		is_str(nick, "vigil_3", "the nick after three conflicts");
	}
	fake_sender_clear(&fake);
	muc_free(muc);
	loop_free(loop);
	config_free(&cfg);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
