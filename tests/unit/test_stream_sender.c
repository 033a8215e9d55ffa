/* SPDX-License-Identifier: MIT */
/* component/stream_sender.c on a stream without a socket, its bytes kept
 * and its clock faked: what the server confirms, and how it is asked.
 * The room's echo of a groupchat message confirms it and all before it,
 * with no ping; a ping asks only when no echo on the way covers what is
 * wanted; one unanswered is asked again, of the component itself, after
 * STREAM_CONFIRM_RETRY_MS; whoever waits is told when more is confirmed. */
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "component/base/loop.h"
#include "component/stream_sender.h"
#include "tests/unit/tap.h"

#define ME "threats.example.org"
#define SERVICE "conference.example.org"
#define ROOM "sig@conference.example.org"

static long long fake_now;
static char *written[64];
static size_t nwritten;
static int told;
static unsigned long long refused_mark;

static long long fake_clock(void *unused)
{
	(void)unused;
	return fake_now;
}

static void keep(xmpp_conn_t *conn, const char *data, size_t len)
{
	(void)conn;
	if (nwritten < sizeof written / sizeof *written)
		written[nwritten++] = strndup(data, len);
}

static void on_confirmed(void *arg)
{
	(void)arg;
	told++;
}

static void on_refused(void *arg, unsigned long long mark)
{
	(void)arg;
	refused_mark = mark;
}

static const char *last(void)
{
	return nwritten ? written[nwritten - 1] : "";
}

/* The value of attribute `name` in the last stanza written (a static copy). */
static const char *last_attr(const char *name)
{
	static char value[128];
	char pattern[32];
	const char *p, *end;

	snprintf(pattern, sizeof pattern, " %s=\"", name);
	p = strstr(last(), pattern);
	if (!p)
		return "";
	p += strlen(pattern);
	end = strchr(p, '"');
	snprintf(value, sizeof value, "%.*s", (int)(end ? end - p : 0), p);
	return value;
}

static size_t pings(void)
{
	size_t i, n = 0;

	for (i = 0; i < nwritten; i++)
		n += strstr(written[i], "urn:xmpp:ping") != NULL;
	return n;
}

static xmpp_stanza_t *parse(xmpp_ctx_t *ctx, const char *text)
{
	xmpp_stanza_t *s = xmpp_stanza_new_from_string(ctx, text);

	if (!s) {
		printf("Bail out! cannot parse %s\n", text);
		exit(1);
	}
	return s;
}

/* Says `body` in the room (or to `to`) as vigil does; returns its id. */
static const char *say(struct stream_sender *s, const char *to, const char *type, const char *id)
{
	xmpp_stanza_t *m = xmpp_message_new(s->sender.ctx, type, to, id);

	xmpp_stanza_set_from(m, ME);
	xmpp_message_set_body(m, "T-1 \"Spoofing\" filed by alice");
	if (sender_send(&s->sender, m) < 0)
		diag("not sent");
	xmpp_stanza_release(m);
	return id;
}

/* The stanza `text` arrives from the server, as the daemon hands it on. */
static int arrives(struct stream_sender *s, const char *text)
{
	xmpp_stanza_t *st = parse(s->sender.ctx, text);
	int taken = stream_sender_take_answer(s, st);

	if (!taken && strcmp(xmpp_stanza_get_name(st), "message") == 0)
		stream_sender_see_echo(s, st);
	xmpp_stanza_release(st);
	return taken;
}

static unsigned long long confirmed(struct stream_sender *s, unsigned long long want)
{
	return s->sender.confirmed(s->sender.userdata, want);
}

int main(void)
{
	xmpp_ctx_t *ctx;
	xmpp_rand_t *rand;
	xmpp_conn_t *conn;
	struct loop *loop;
	struct stream_sender s;
	char text[512], ping_id[64];
	size_t before;
	int i;

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	rand = xmpp_rand_new(ctx);
	conn = xmpp_conn_new(ctx);
	loop = loop_new(fake_clock, NULL);
	stream_sender_init(&s, ctx, rand, loop, ME, SERVICE, ROOM, 0);
	s.write = keep;
	s.on_confirmed = on_confirmed;
	s.on_refused = on_refused;

	/* down: nothing goes, nothing is asked */
	say(&s, "alice@example.org/pc", "chat", "refused");
	is_int(s.queued, 0, "down: a send is refused");
	stream_sender_attach(&s, conn);
	is_int(stream_sender_is_up(&s), 1, "attached: up");

	/* a room line: its echo confirms it, and the answer sent before it */
	say(&s, "alice@example.org/pc", "chat", "answer-1");
	say(&s, ROOM, "groupchat", "line-1");
	is_int(s.queued, 2, "two stanzas queued");
	is_int(confirmed(&s, 2), 0, "not confirmed yet");
	is_int(pings(), 0, "the room's echo is on the way: no ping");
	arrives(&s, "<message xmlns='jabber:component:accept' type='groupchat' id='line-1' "
		    "from='other@conference.example.org/vigil' to='" ME "'><body>x</body></message>");
	is_int(s.confirmed, 0, "an echo from another room confirms nothing");
	arrives(&s, "<message xmlns='jabber:component:accept' type='chat' id='line-1' "
		    "from='sig@conference.example.org/vigil' to='" ME "'><body>x</body></message>");
	is_int(s.confirmed, 0, "nor a private message with its id");
	told = 0;
	arrives(&s, "<message xmlns='jabber:component:accept' type='groupchat' id='line-1' "
		    "from='SIG@conference.example.org/vigil' to='" ME "'><body>x</body></message>");
	is_int(confirmed(&s, 2), 2, "the room's echo confirms the line and the answer before it");
	is_int(told, 1, "whoever waits is told");
	is_int(pings(), 0, "...without a ping");

	/* the room refuses a line: what came before it is confirmed, the line
	 * is not, and its owner is told which */
	say(&s, ROOM, "groupchat", "line-2");
	arrives(&s, "<message xmlns='jabber:component:accept' type='error' id='line-2' "
		    "from='sig@conference.example.org/mallory' to='" ME "'><error type='cancel'>"
		    "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
	is_int(refused_mark, 0, "an occupant's error with the line's id is no refusal");
	arrives(&s, "<message xmlns='jabber:component:accept' type='error' id='line-2' "
		    "from='sig@conference.example.org' to='" ME "'><error type='wait'>"
		    "<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
	is_int(s.confirmed, 2, "the room's error confirms what came before the line");
	is_int(refused_mark, 3, "and says which line it refused (its mark)");
	is_int(s.nechoes, 0, "its echo is no longer awaited");

	/* what no echo covers (notifications after the line) is asked by a ping */
	say(&s, ROOM, "groupchat", "line-3");
	say(&s, "bob@example.org", "headline", "note-1");
	is_int(confirmed(&s, 4), 2, "the line's echo covers 4, not 5");
	is_int(pings(), 0, "...so 4 needs no ping");
	is_int(confirmed(&s, 5), 2, "asked for 5");
	is_int(pings(), 1, "a ping asks for what no echo covers");
	is_str(last_attr("to"), SERVICE, "of the MUC service");
	snprintf(ping_id, sizeof ping_id, "%s", last_attr("id"));
	confirmed(&s, 5);
	is_int(pings(), 1, "one ping at a time");
	snprintf(text, sizeof text, "<iq xmlns='jabber:component:accept' type='result' id='%s' "
		 "from='" SERVICE "' to='" ME "'/>", ping_id);
	told = 0;
	is_int(arrives(&s, text), 1, "its answer is taken");
	is_int(confirmed(&s, 5), 5, "and confirms all before the ping");
	is_int(told, 1, "whoever waits is told");
	is_int(arrives(&s, text), 0, "the same answer again is not taken");
	arrives(&s, "<message xmlns='jabber:component:accept' type='groupchat' id='line-3' "
		    "from='sig@conference.example.org/vigil' to='" ME "'><body>x</body></message>");
	is_int(s.confirmed, 5, "an echo covered already changes nothing");

	/* an echo that does not come: after STREAM_ECHO_WAIT_MS a ping asks */
	say(&s, ROOM, "groupchat", "line-4");
	is_int(confirmed(&s, 6), 5, "waiting for the echo");
	fake_now += STREAM_ECHO_WAIT_MS - 1;
	is_int((int)(confirmed(&s, 6) + pings()), 5 + 1, "...still, just before the wait is over");
	fake_now += 1;
	confirmed(&s, 6);
	is_int(pings(), 2, "the echo is overdue: a ping asks");
	snprintf(ping_id, sizeof ping_id, "%s", last_attr("id"));

	/* a service that swallows pings: asked again, of vigil itself */
	fake_now += STREAM_CONFIRM_RETRY_MS - 1;
	confirmed(&s, 6);
	is_int(pings(), 2, "a ping unanswered: waited for");
	fake_now += 1;
	confirmed(&s, 6);
	is_int(pings(), 3, "unanswered for STREAM_CONFIRM_RETRY_MS: asked again");
	is_str(last_attr("to"), ME, "of the component's own JID (the server routes it back)");
	snprintf(text, sizeof text, "<iq xmlns='jabber:component:accept' type='result' id='%s' "
		 "from='" SERVICE "' to='" ME "'/>", ping_id);
	is_int(arrives(&s, text), 0, "the first ping's late answer is not taken");
	is_int(s.confirmed, 5, "...and confirms nothing");
	snprintf(ping_id, sizeof ping_id, "%s", last_attr("id"));
	snprintf(text, sizeof text, "<iq xmlns='jabber:component:accept' type='get' id='%s' "
		 "from='mallory@example.org/x' to='" ME "'><ping xmlns='urn:xmpp:ping'/></iq>",
		 ping_id);
	is_int(arrives(&s, text), 0, "someone else's ping with its id is not taken");
	is_int(s.confirmed, 5, "...and confirms nothing");
	snprintf(text, sizeof text, "<iq xmlns='jabber:component:accept' type='get' id='%s' "
		 "from='" ME "' to='" ME "'><ping xmlns='urn:xmpp:ping'/></iq>", ping_id);
	is_int(arrives(&s, text), 1, "our own ping, routed back, is taken");
	is_int(s.confirmed, 6, "and confirms all before it");
	say(&s, "bob@example.org", "headline", "note-2");
	confirmed(&s, 7);
	is_str(last_attr("to"), ME, "the next ping goes where an answer came from");

	/* more awaited echoes than kept: the oldest give way; the last covers all */
	stream_sender_detach(&s);
	stream_sender_attach(&s, conn);
	before = pings();
	for (i = 0; i < STREAM_ECHOES + 2; i++) {
		char id[32];
		snprintf(id, sizeof id, "burst-%d", i);
		say(&s, ROOM, "groupchat", id);
	}
	is_int(s.nechoes, STREAM_ECHOES, "%d echoes awaited at most", STREAM_ECHOES);
	arrives(&s, "<message xmlns='jabber:component:accept' type='groupchat' id='burst-0' "
		    "from='sig@conference.example.org/vigil' to='" ME "'><body>x</body></message>");
	is_int(s.confirmed, 7, "an echo no longer awaited confirms nothing");
	confirmed(&s, 17);
	is_int(pings(), before, "the last line's echo is awaited: no ping");
	snprintf(text, sizeof text, "<message xmlns='jabber:component:accept' type='groupchat' "
		 "id='burst-%d' from='sig@conference.example.org/vigil' to='" ME "'><body>x</body>"
		 "</message>", STREAM_ECHOES + 1);
	arrives(&s, text);
	is_int(confirmed(&s, 17), 17, "the last echo confirms the whole burst");
	is_int(s.nechoes, 0, "no echo awaited");

	/* a ping's answer after an echo confirmed more: nothing new, but
	 * whoever waits is told (it may want a ping of its own now) */
	say(&s, "bob@example.org", "headline", "note-3");
	confirmed(&s, 18);
	snprintf(ping_id, sizeof ping_id, "%s", last_attr("id"));
	say(&s, ROOM, "groupchat", "line-8");
	arrives(&s, "<message xmlns='jabber:component:accept' type='groupchat' id='line-8' "
		    "from='sig@conference.example.org/vigil' to='" ME "'><body>x</body></message>");
	is_int(s.confirmed, 19, "the echo confirmed past the ping");
	told = 0;
	snprintf(text, sizeof text, "<iq xmlns='jabber:component:accept' type='result' id='%s' "
		 "from='" ME "' to='" ME "'/>", ping_id);
	is_int(arrives(&s, text), 1, "the ping's answer is taken");
	is_int(told, 1, "and whoever waits is told");

	/* the stream goes: nothing is awaited, nothing asked */
	say(&s, ROOM, "groupchat", "line-9");
	stream_sender_detach(&s);
	before = pings();
	is_int(confirmed(&s, 20), 19, "down: nothing more confirmed");
	is_int(pings(), before, "down: nothing asked");
	stream_sender_attach(&s, conn);
	is_int(confirmed(&s, 20), 20, "a new stream: what was sent before is its owners' to send again");

	for (i = 0; (size_t)i < nwritten; i++)
		free(written[i]);
	stream_sender_detach(&s);
	xmpp_conn_release(conn);
	loop_free(loop);
	xmpp_rand_free(ctx, rand);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
