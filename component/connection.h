/* The XEP-0114 stream: handshake, keepalive pings, reconnection with capped
 * exponential backoff and jitter. */
#ifndef VIGIL_CONNECTION_H
#define VIGIL_CONNECTION_H

#include <strophe.h>

struct daemon;

/* Starts the first connection attempt (retries are scheduled on failure). */
void connection_start(struct daemon *d);

/* Closes the stream (after the caller sent its goodbyes); no reconnect. */
void connection_close(struct daemon *d);

/* Frees the connection object; call after the event loop has stopped. */
void connection_release(struct daemon *d);

/* Backoff delay in ms for the given attempt: min(max, 500 * 2^attempt),
 * with jitter drawn from [delay/2, delay]; `random` is any non-negative int. */
unsigned long connection_backoff_ms(int attempt, int max_seconds, int random);

/* Before each read: acknowledge what arrives at once (Linux). The server's
 * own Nagle (Prosody's default) holds its next stanza to vigil until vigil
 * has acknowledged the last one, which a delayed ACK puts off by up to
 * 40 ms when vigil has nothing to send back — as after the room echoes an
 * announcement. */
void connection_ack_promptly(void);

/* Works around libstrophe 0.12.2, which dereferences stream-management
 * state that only client connections get: call on every new component
 * connection before connecting (also used by tests/bench/baseline.c). */
int connection_give_sm_state(xmpp_ctx_t *ctx, xmpp_conn_t *conn);

#endif
