/* SPDX-License-Identifier: MIT */
/* The XEP-0114 stream: handshake, keepalive pings, reconnection with capped
 * exponential backoff and jitter. It owns the xmpp_conn_t and says what
 * happens through callbacks; it knows nothing of the room or the register. */
#ifndef VIGIL_CONNECTION_H
#define VIGIL_CONNECTION_H

#include <strophe.h>

struct loop;
struct sender;
struct vigil_config;

struct connection_callbacks {
	/* The handshake is done on conn: stanzas may be sent. */
	void (*up)(void *arg, xmpp_conn_t *conn);
	/* The stream is gone (a reconnection follows unless stopping). */
	void (*down)(void *arg);
	/* An incoming stanza that is not the connection's own. */
	void (*stanza)(void *arg, xmpp_stanza_t *stanza);
	/* No further attempt will be made: closed after connection_close(), or
	 * config_refused when the server refused the secret or the JID (a bad
	 * configuration: restarting would not help). */
	void (*ended)(void *arg, int config_refused);
	void *arg;
};

/* Keeps cfg, loop, sender (the keepalive's pings go through it) and rand;
 * copies cb. NULL when out of memory. */
struct connection *connection_new(const struct vigil_config *cfg, xmpp_ctx_t *ctx,
				  xmpp_rand_t *rand, struct loop *loop,
				  const struct sender *sender,
				  const struct connection_callbacks *cb);
/* Call after the event loop has stopped. */
void connection_free(struct connection *c);

/* Starts the first connection attempt (retries are timers: "reconnect"). */
void connection_start(struct connection *c);

/* Closes the stream (after the caller sent its goodbyes); no reconnect. */
void connection_close(struct connection *c);

/* No stream, not even one being set up. */
int connection_is_down(const struct connection *c);

/* Backoff delay in ms for the given attempt: min(max, 500 * 2^attempt),
 * with jitter drawn from [delay/2, delay]; `random` is any non-negative int. */
unsigned long connection_backoff_ms(int attempt, int max_seconds, int random);

/* Before each read: acknowledge what arrives at once (Linux). The server's
 * own Nagle (Prosody's default) holds its next stanza to vigil until vigil
 * has acknowledged the last one, which a delayed ACK puts off by up to
 * 40 ms when vigil has nothing to send back — as after the room echoes an
 * announcement. */
void connection_ack_promptly(const struct connection *c);

/* The stream is open and its handshake done. */
int connection_is_up(const struct connection *c);

/* Works around libstrophe 0.12.2, which dereferences stream-management
 * state that only client connections get: call on every new component
 * connection before connecting (also used by tests/bench/baseline.c). */
int connection_give_sm_state(xmpp_ctx_t *ctx, xmpp_conn_t *conn);

#endif
