/* SPDX-License-Identifier: MIT */
/* The sender (component/xmpp/sender.h) over the component's stream: every
 * stanza vigil sends passes the checks of component/xmpp/send_guard.h here,
 * and is counted, so that the announcements can tell when theirs have been
 * written to the socket and when the server has confirmed them. Down (no
 * stream, or no handshake yet) it refuses.
 *
 * The server confirms, in stream order, everything sent before one of:
 * - the room's echo of a groupchat message vigil sent to it (XEP-0045:
 *   the room reflects it to its sender with the same id): free, the room
 *   sends it anyway. The room's error with that id (from the room's own
 *   JID) confirms what came before the message, not the message, whose
 *   owner is told (on_refused);
 * - the answer to a ping (XEP-0199), asked only when no echo on the way
 *   covers what is wanted. A ping unanswered for STREAM_CONFIRM_RETRY_MS is
 *   asked again, of the other target: the MUC service, or the component's
 *   own JID (the server routes that ping back to vigil, after everything
 *   before it), so a service that swallows pings holds nothing for long.
 *   (The time counts from when the ping was queued: a socket blocked that
 *   long is a stream the keepalive gives up on anyway.) */
#ifndef VIGIL_STREAM_SENDER_H
#define VIGIL_STREAM_SENDER_H

#include <stddef.h>
#include <strophe.h>

#include "component/xmpp/sender.h"

struct loop;

#define STREAM_ECHOES 8                /* room messages whose echo is awaited at once */
#define STREAM_ECHO_WAIT_MS 1000       /* an echo not back by then: a ping asks instead */
#define STREAM_CONFIRM_RETRY_MS 5000   /* a ping unanswered this long is asked again */

struct stream_echo {
	char id[64];                /* the message's id */
	unsigned long long mark;    /* stanzas queued up to and with it */
	long long sent_at;          /* loop ms */
};

struct stream_sender {
	struct sender sender;       /* what the modules are given */
	xmpp_conn_t *conn;          /* the stream after its handshake, else NULL */
	xmpp_rand_t *rand;          /* for stanza ids */
	struct loop *loop;          /* its clock */
	int mode;                   /* enum send_guard_mode */
	unsigned long long queued;  /* stanzas handed to libstrophe so far */
	unsigned long long confirmed; /* the first this many are confirmed */
	/* the ping out, if any: id confirm_id asks for those up to confirming */
	unsigned long long confirming;
	char confirm_id[32];
	long long confirm_asked_at; /* loop ms */
	int confirm_self;           /* pings go to the component's own JID */
	const char *confirm_to;     /* a JID of the server that answers a ping */
	const char *room;           /* the room whose echoes confirm */
	struct stream_echo echoes[STREAM_ECHOES]; /* oldest first */
	size_t nechoes;
	/* where the bytes go: xmpp_send_raw (the unit tests keep them) */
	void (*write)(xmpp_conn_t *conn, const char *data, size_t len);
	/* called when more is confirmed, or a ping answered (the announcer is
	 * woken by it), and when the room refused the message that made the
	 * count `mark`; both are given listener_arg */
	void (*on_confirmed)(void *arg);
	void (*on_refused)(void *arg, unsigned long long mark);
	void *listener_arg;
};

/* jid, confirm_to (a JID of the server itself: the MUC service) and room
 * (the room's bare JID; NULL: no echoes) are kept, not copied; rand and
 * loop too. */
void stream_sender_init(struct stream_sender *s, xmpp_ctx_t *ctx, xmpp_rand_t *rand,
			struct loop *loop, const char *jid, const char *confirm_to,
			const char *room, int mode);

/* 1 when stanza answers the confirmation ping (it is then taken), else 0. */
int stream_sender_take_answer(struct stream_sender *s, xmpp_stanza_t *stanza);

/* Looks whether a message is the room's echo of one of ours (it is not
 * taken: the room module sees it too). */
void stream_sender_see_echo(struct stream_sender *s, xmpp_stanza_t *message);

/* The handshake is done on conn: stanzas may go. */
void stream_sender_attach(struct stream_sender *s, xmpp_conn_t *conn);
/* The stream is gone: sends are refused until the next attach. */
void stream_sender_detach(struct stream_sender *s);

int stream_sender_is_up(const struct stream_sender *s);

/* Stanzas handed over but not yet written to the socket. */
size_t stream_sender_backlog(const struct stream_sender *s);

#endif
