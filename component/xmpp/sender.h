/* SPDX-License-Identifier: MIT */
/* How a component module sends: a small interface, so muc, pubsub and the
 * announcements run the same against the stream (component/daemon.c) and
 * against a fake that keeps what they send (the unit tests). */
#ifndef VIGIL_XMPP_SENDER_H
#define VIGIL_XMPP_SENDER_H

#include <strophe.h>

struct sender {
	xmpp_ctx_t *ctx;          /* to build stanzas */
	const char *jid;          /* the component's JID, the `from` of what it sends */
	/* Sends (after the checks of send_guard.h). 0 when handed over, -1 when
	 * the stream is down or the stanza was refused; the caller keeps it. */
	int (*send)(void *userdata, xmpp_stanza_t *stanza);
	/* A fresh random stanza id (free() it), NULL when out of memory. */
	char *(*new_id)(void *userdata);
	/* How many stanzas sent so far have been written to the socket: an
	 * announcement is done once its last stanza is. */
	unsigned long long (*written)(void *userdata);
	/* How many of them the server has confirmed it received (sent before
	 * an answer that came back on the same stream, in order): a stanza
	 * written to the socket can still be lost with the stream (in the
	 * kernel's buffer, cut off mid-write), one confirmed cannot. Asks the
	 * server, when the first `want` are not confirmed yet and nothing on
	 * the way will confirm them (stream_sender.h). NULL: written() stands
	 * for it (the unit tests' fake). */
	unsigned long long (*confirmed)(void *userdata, unsigned long long want);
	void *userdata;
};

static inline int sender_send(const struct sender *s, xmpp_stanza_t *stanza)
{
	return s->send(s->userdata, stanza);
}

static inline char *sender_new_id(const struct sender *s)
{
	return s->new_id(s->userdata);
}

#endif
