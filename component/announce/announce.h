/* SPDX-License-Identifier: MIT */
/* The announcer: what a committed change announces goes straight out.
 *
 * An operation records a small event row in its own transaction
 * (storage/events.h) and, once committed, hands the change to the
 * announcer's listener (commands/register/change.h). The announcer wakes at
 * once (the named timer "announce", armed at 0 ms; no polling while idle),
 * builds the payloads from the threat when it sends, says the room line
 * when vigil may speak in the room, keeps the PubSub items for retrieval
 * and starts their fan-out, and publishes to the external service when one
 * is configured. An event row is deleted once the server has confirmed all
 * it caused (sender->confirmed: a ping after it, answered) or, for the
 * external service, acknowledged: after a crash or a broken stream an
 * announcement may come twice, never not at all (see announce.c). Room
 * lines waiting together, of one kind by one person, are merged
 * into one from merge_min of them on; PubSub still gets one item per threat. */
#ifndef VIGIL_ANNOUNCE_H
#define VIGIL_ANNOUNCE_H

#include <stddef.h>
#include <strophe.h>

#include "commands/register/change.h"

struct loop;
struct sender;
struct store;

/* Targets of an event, the bits of stored_event.done. */
enum { ANNOUNCE_ROOM = 1, ANNOUNCE_PUBSUB = 2, ANNOUNCE_EXTERNAL = 4 };

/* The room and vigil's own PubSub service, as the announcer sees them (the
 * daemon wires component/muc.c and component/pubsub/pubsub.c; tests fake them). */
struct announce_deps {
	int (*room_ready)(void *ctx);                  /* in the room, may speak */
	int (*room_say)(void *ctx, const char *text);  /* 0 when sent */
	/* Starts notifying node's subscribers of an item already kept; the
	 * payload is built, by build(arg) during the call, only when someone is
	 * to be notified (the caller then owns it). 0 or -1. */
	int (*publish)(void *ctx, const char *node, const char *item_id,
		       xmpp_stanza_t *(*build)(void *arg), void *arg);
	int (*publish_busy)(void *ctx);                /* a fan-out is under way */
	int (*publish_step)(void *ctx);                /* next batch; 1 while some remain */
	void (*publish_reset)(void *ctx);              /* drop the fan-out (stream gone) */
	/* Stanzas handed to the sender so far: an announcement is done once
	 * sender->confirmed() reaches the count after its last stanza. */
	unsigned long long (*queued)(void *ctx);
	void *ctx;
};

struct announce_options {
	const char *external_service; /* pubsub.external_service, NULL: none */
	const char *access_model;     /* of a node created there */
	const char *service;          /* component.jid: mints the feed entries' ids */
	const char *base_url;         /* publish.base_url: the feed entries' links, NULL none */
	size_t merge_min;             /* room lines merged from this many on; 0: 4 */
	/* In a burst of items (an import), every ANNOUNCE_PACE_ITEMS items
	 * started wait until the server has confirmed them (sender.h,
	 * confirmed), so an answer to someone else never waits behind
	 * thousands of notifications queued at the server. 0: unpaced. */
	int pace;
	/* A target (the room line, the items) is settled only once its
	 * stream has lasted this long after the server confirmed it: a server
	 * that confirmed and then went down (a restart) may not have handed on
	 * what it took, so a target confirmed less than settle_ms before the
	 * stream broke is sent again on the next one. The change is held in
	 * memory until then; the events table is told at once (so a crash of
	 * vigil does not send again what the server, still up, delivers).
	 * 0: settled once confirmed. */
	long long settle_ms;
};

/* A server that stops may close vigil's stream a few tens of milliseconds
 * after confirming lines and notifications it then never delivers (Prosody
 * does); each broken stream sends again what was confirmed this long
 * before it */
#define ANNOUNCE_SETTLE_MS 200

#define ANNOUNCE_PACE_ITEMS 16
#define ANNOUNCE_PACE_TIMEOUT_MS 1000 /* a server that confirms nothing holds nothing back longer */

#define ANNOUNCE_MERGE_MIN 4

struct announcer;

/* Everything given is kept, not copied (opts' strings too). NULL when out
 * of memory. */
struct announcer *announce_new(struct loop *loop, const struct sender *sender, struct store *store,
			       const struct announce_deps *deps, const struct announce_options *opts);
void announce_free(struct announcer *a);

/* Takes up the events an earlier run left (killed, or stopped before they
 * were written). Call once, before the first change. 0 or a STORE_ code. */
int announce_load(struct announcer *a);

/* The change listener's functions (ctx: the announcer): recording keeps a
 * change's PubSub items in the change's own transaction (so a change costs
 * one commit; what fails there is kept after it), changed takes it up. */
void announce_recording(void *announcer, const struct change *change);
void announce_changed(void *announcer, const struct change *change);

/* Another process (`vigil import`) has written events: read the table
 * for them (the daemon calls it on SIGUSR1). */
void announce_reread(struct announcer *a);

/* The stream is up (handshake done) / gone: what was in flight and not
 * written is sent again on the next stream. */
void announce_connected(struct announcer *a);
void announce_disconnected(struct announcer *a);

/* vigil may speak in the room now: room lines waiting may go. */
void announce_room_ready(struct announcer *a);

/* An iq answer: 1 when it answers what the announcer asked the external
 * service (then handled), else 0. */
int announce_handle_answer(void *announcer, xmpp_stanza_t *iq);

/* vigil stops (the server stays up): confirmed events are deleted now,
 * without waiting for them to settle. */
void announce_stop(struct announcer *a);

/* The room refused the line whose mark (the sender's count after it) is
 * `mark`: it is said again a second later. */
void announce_room_refused(struct announcer *a, unsigned long long mark);

/* The server confirmed more of what was sent (sender.h): what waited for
 * it is done now. */
void announce_confirmed(struct announcer *a);

/* Changes not yet fully announced. */
size_t announce_waiting(const struct announcer *a);

#endif
