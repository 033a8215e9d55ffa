/* Sending recorded announcements: room messages once vigil is in the room,
 * items on vigil's own PubSub nodes, items on the external PubSub service.
 * A row leaves the outbox only after what it caused has been written to
 * the server's socket (or, for the external service, acknowledged). */
#ifndef VIGIL_OUTBOX_H
#define VIGIL_OUTBOX_H

#include <strophe.h>

struct daemon;

int outbox_init(struct daemon *d);
void outbox_free(struct daemon *d);

/* Sends what is due now: called by its timer, right after a change is
 * committed, and by the event loop while a fan-out is under way. */
void outbox_pump(struct daemon *d);

/* Sends the answer to a change once the announcements recorded up to now
 * have been sent and removed from the outbox (at most a couple of seconds):
 * whoever saw the answer never gets an announcement twice after a crash. */
void outbox_send_after(struct daemon *d, xmpp_stanza_t *answer);

/* A fan-out is under way, or sent rows wait to be deleted: the event loop
 * should come back at once (the sooner a sent row goes, the smaller the
 * window in which a crash would send it twice). */
int outbox_busy(const struct daemon *d);

/* How long the event loop may wait for input: idle_ms when the outbox has
 * nothing under way, 1 ms while it has, 0 when sent rows only wait for
 * libstrophe's queue to reach the socket. */
int outbox_loop_timeout(struct daemon *d, int idle_ms);

/* The connection went down: whatever was in flight is sent again later. */
void outbox_on_disconnected(struct daemon *d);

#endif
