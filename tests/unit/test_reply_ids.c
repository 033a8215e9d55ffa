/* SPDX-License-Identifier: MIT */
/* Which of vigil's room lines named which threat (component/reply_ids.c),
 * for XEP-0461 replies. */
#include <stdio.h>
#include <string.h>

#include <strophe.h>

#include "component/reply_ids.h"
#include "tests/unit/tap.h"

#define ROOM "sig@conference.localhost"

/* <message id='m1'><body>...</body><stanza-id by=... id=.../>[<reply .../>]</message> */
static xmpp_stanza_t *message(xmpp_ctx_t *ctx, const char *body, const char *sid_by,
			      const char *reply_to, const char *reply_id)
{
	xmpp_stanza_t *m = xmpp_message_new(ctx, "groupchat", ROOM, "m1"), *c;

	xmpp_message_set_body(m, body);
	c = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(c, "stanza-id");
	xmpp_stanza_set_ns(c, "urn:xmpp:sid:0");
	xmpp_stanza_set_attribute(c, "by", sid_by);
	xmpp_stanza_set_attribute(c, "id", "sid-1");
	xmpp_stanza_add_child(m, c);
	xmpp_stanza_release(c);
	if (reply_id) {
		c = xmpp_stanza_new(ctx);
		xmpp_stanza_set_name(c, "reply");
		xmpp_stanza_set_ns(c, "urn:xmpp:reply:0");
		if (reply_to)
			xmpp_stanza_set_attribute(c, "to", reply_to);
		xmpp_stanza_set_attribute(c, "id", reply_id);
		xmpp_stanza_add_child(m, c);
		xmpp_stanza_release(c);
	}
	return m;
}

static void add_stanza_id(xmpp_ctx_t *ctx, xmpp_stanza_t *m, const char *by, const char *id)
{
	xmpp_stanza_t *c = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(c, "stanza-id");
	xmpp_stanza_set_ns(c, "urn:xmpp:sid:0");
	xmpp_stanza_set_attribute(c, "by", by);
	xmpp_stanza_set_attribute(c, "id", id);
	xmpp_stanza_add_child(m, c);
	xmpp_stanza_release(c);
}

/* A member's own <stanza-id by='room'/> reaches vigil where the room
 * stamps none (no MAM) or adds its own beside it: neither may name the
 * comment, and a huge one must not ride into the PubSub payload. */
static void test_forged_stanza_ids(void)
{
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
	static char huge[64 * 1024];
	xmpp_stanza_t *m;

	memset(huge, 'x', sizeof huge - 1);
	m = message(ctx, "hello", ROOM, NULL, NULL);
	add_stanza_id(ctx, m, ROOM, "sid-2");
	ok(reply_ids_room_stanza_id(m, ROOM) == NULL,
	   "two stanza-ids by the room: one is forged, neither is taken");
	xmpp_stanza_release(m);
	m = message(ctx, "hello", "bob@localhost", NULL, NULL);
	add_stanza_id(ctx, m, ROOM, huge);
	ok(reply_ids_room_stanza_id(m, ROOM) == NULL, "a stanza-id of 64 KiB is not taken");
	xmpp_stanza_release(m);
	xmpp_ctx_free(ctx);
}

static void test_stanzas(void)
{
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
	static struct reply_ids r;
	xmpp_stanza_t *m;

	m = message(ctx, "T-5 \"Five\" filed by alice@localhost: priority high", "bob@localhost", NULL, NULL);
	ok(reply_ids_room_stanza_id(m, ROOM) == NULL, "a stanza-id the room did not stamp is ignored");
	reply_ids_note_own(&r, m, xmpp_stanza_get_child_by_name(m, "body"), ROOM);
	is_int((int)reply_ids_find(&r, "sid-1"), 0, "so it is not remembered");
	is_int((int)reply_ids_find(&r, "m1"), 5, "the message id is");
	xmpp_stanza_release(m);
	m = message(ctx, "T-6 \"Six\" retired by alice@localhost", ROOM, NULL, NULL);
	is_str(reply_ids_room_stanza_id(m, ROOM), "sid-1", "the room's stanza-id");
	reply_ids_note_own(&r, m, xmpp_stanza_get_child_by_name(m, "body"), ROOM);
	is_int((int)reply_ids_find(&r, "sid-1"), 6, "remembered for its threat");
	xmpp_stanza_release(m);
	m = message(ctx, "> T-6\nyes", ROOM, ROOM "/vigil", "sid-1");
	is_int((int)reply_ids_target(&r, m, "vigil"), 6, "a reply to vigil names T-6");
	is_int((int)reply_ids_target(&r, m, "vigil_"), -1, "not when vigil has another nick");
	xmpp_stanza_release(m);
	m = message(ctx, "yes", ROOM, NULL, "m1");
	is_int((int)reply_ids_target(&r, m, "vigil"), 5, "a reply to nobody in particular, by message id");
	xmpp_stanza_release(m);
	m = message(ctx, "yes", ROOM, ROOM "/alice", "m1");
	is_int((int)reply_ids_target(&r, m, "vigil"), -1,
	       "a reply to alice is hers: said apart, so its quote names no threat either");
	xmpp_stanza_release(m);
	m = message(ctx, "yes", ROOM, NULL, NULL);
	is_int((int)reply_ids_target(&r, m, "vigil"), 0, "no reply element: no target");
	xmpp_stanza_release(m);
	xmpp_ctx_free(ctx);
	test_forged_stanza_ids();
}

int main(void)
{
	test_stanzas();
	static struct reply_ids r;
	char id[REPLY_ID_MAX + 8];
	int i;

	is_int((int)reply_ids_threat_of("T-7 \"Name\" filed by alice@localhost: priority high"), 7,
	       "a filing line names its threat");
	is_int((int)reply_ids_threat_of("T-12 \"Name\": 2 of 3 assessors: high"), 12, "an assessment line");
	is_int((int)reply_ids_threat_of("T-3: something"), 3, "an id then a colon");
	is_int((int)reply_ids_threat_of("T-12…T-40: 29 threats filed by alice"), 0,
	       "a burst names no one threat");
	is_int((int)reply_ids_threat_of("Comment #3 kept with T-7"), 0, "a line not starting with an id");
	is_int((int)reply_ids_threat_of("T-x y"), 0, "not a number");
	is_int((int)reply_ids_threat_of(NULL), 0, "no body");

	is_int((int)reply_ids_find(&r, "abc"), 0, "nothing remembered yet");
	reply_ids_remember(&r, "stanza-id-1", 7);
	reply_ids_remember(&r, "message-id-1", 7);
	reply_ids_remember(&r, NULL, 8);
	reply_ids_remember(&r, "", 8);
	is_int((int)reply_ids_find(&r, "stanza-id-1"), 7, "found by the room's stanza-id");
	is_int((int)reply_ids_find(&r, "message-id-1"), 7, "and by the message id");
	is_int((int)reply_ids_find(&r, ""), 0, "an empty id names nothing");
	memset(id, 'x', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	reply_ids_remember(&r, id, 9);
	is_int((int)reply_ids_find(&r, id), 0, "an id too long is not remembered");
	for (i = 0; i < REPLY_IDS_KEPT; i++) {
		snprintf(id, sizeof id, "later-%d", i);
		reply_ids_remember(&r, id, 100 + i);
	}
	is_int((int)reply_ids_find(&r, "stanza-id-1"), 0, "the oldest are forgotten");
	is_int((int)reply_ids_find(&r, "later-0"), 100, "the newest kept are found");
	snprintf(id, sizeof id, "later-%d", REPLY_IDS_KEPT - 1);
	is_int((int)reply_ids_find(&r, id), 100 + REPLY_IDS_KEPT - 1, "up to the last");
	return done_testing();
}
