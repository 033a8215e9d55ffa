/* The sender (component/xmpp/sender.h) over the component's stream: every
 * stanza vigil sends passes the checks of component/xmpp/send_guard.h here,
 * and is counted, so that the announcements can tell when theirs have been
 * written to the socket. Down (no stream, or no handshake yet) it refuses. */
#ifndef VIGIL_STREAM_SENDER_H
#define VIGIL_STREAM_SENDER_H

#include <stddef.h>
#include <strophe.h>

#include "component/xmpp/sender.h"

struct stream_sender {
	struct sender sender;       /* what the modules are given */
	xmpp_conn_t *conn;          /* the stream after its handshake, else NULL */
	xmpp_rand_t *rand;          /* for stanza ids */
	int mode;                   /* enum send_guard_mode */
	unsigned long long queued;  /* stanzas handed to libstrophe so far */
	/* the server's confirmation (sender.h, confirmed): the stanzas up to
	 * `confirmed` are received; a ping of id confirm_id asks for those
	 * up to `confirming` */
	unsigned long long confirmed, confirming;
	char confirm_id[32];
	const char *confirm_to;     /* a JID of the server that answers a ping */
};

/* jid and confirm_to (a JID of the server itself: the MUC service) are
 * kept (not copied); rand too. */
void stream_sender_init(struct stream_sender *s, xmpp_ctx_t *ctx, xmpp_rand_t *rand,
			const char *jid, const char *confirm_to, int mode);

/* 1 when stanza is the server's answer to the confirmation ping (it is
 * then taken), else 0. */
int stream_sender_take_answer(struct stream_sender *s, xmpp_stanza_t *stanza);

/* The handshake is done on conn: stanzas may go. */
void stream_sender_attach(struct stream_sender *s, xmpp_conn_t *conn);
/* The stream is gone: sends are refused until the next attach. */
void stream_sender_detach(struct stream_sender *s);

int stream_sender_is_up(const struct stream_sender *s);

/* Stanzas handed over but not yet written to the socket. */
size_t stream_sender_backlog(const struct stream_sender *s);

#endif
