/* SPDX-License-Identifier: MIT */
/* The announcer's state, shared by announce.c (the turn: room, PubSub,
 * the events table) and external.c (the external PubSub service), and the
 * helpers both use on a change waiting to be announced. Nobody else
 * includes it. */
#ifndef VIGIL_ANNOUNCE_STATE_H
#define VIGIL_ANNOUNCE_STATE_H

#include <strophe.h>

#include "component/announce/announce.h"
#include "component/announce/items.h"
#include "storage/threat.h"

#define STORE_RETRY_MS 1000 /* the database (or the external service) refused: try again */

struct waiting {
	long long event_id, threat_id, revision;
	enum change_kind kind;
	struct threat threat;
	int loaded;                /* threat holds the revision's state, targets are set */
	char *old_priority, *by;
	char *room_text;           /* a line worded with the change, said as it is */
	int feed_done;             /* CHANGE_DONE_FEED: no `feed` entry (kept: done is not) */
	unsigned targets;          /* what it announces (ANNOUNCE_ROOM, ...) */
	unsigned sent;             /* targets handed over, not yet written */
	unsigned done;             /* targets confirmed (or acknowledged) */
	unsigned done_stored;      /* done as the events table has it */
	int deleted;               /* its event is deleted; held until it settles */
	int kept;                  /* its PubSub items are stored for retrieval */
	int kept_with_change;      /* ...by announce_recording, in the change's transaction */
	unsigned long long room_mark, pubsub_mark; /* see the opening comment */
	long long room_confirmed_at, pubsub_confirmed_at; /* loop ms, when done */
	struct waiting *next;
};

struct announcer {
	struct loop *loop;
	const struct sender *sender;
	struct store *store;
	struct announce_deps deps;
	struct announce_options opts;
	struct waiting *head, **tail;
	size_t count, loaded;
	long long last_id;          /* the newest event taken up */
	long long recorded_event;   /* the last whose items were kept with it */
	int reload;                 /* a change could not be taken up: read them back */
	int up;                     /* the stream is there */
	long long forget_at;        /* loop ms: delete written events by then, 0 none */
	long long store_retry_at;   /* loop ms: the database refused until then */
	long long room_retry_at;    /* loop ms: the room refused a line: none until then */
	struct waiting *publishing; /* its fan-out runs */
	/* pacing a burst by the server's confirmations (announce_options.pace) */
	unsigned pace_count;             /* items started since the burst last waited */
	unsigned long long pace_mark;    /* waiting until the server confirmed this many, 0 not */
	long long pace_since;            /* loop ms */
	int publish_stage;          /* the item of publishing's fan-out (items.h, ITEM_) */
	/* the external service: one item at a time, answered before the next */
	struct waiting *external_for;
	char *external_id;          /* the iq awaiting its answer, NULL none */
	int external_creating;      /* ...which asks to create the node */
	int external_stage;
	int external_failures;
	long long external_retry_at; /* loop ms */
	/* arms the announcer's turn in ms (announce.c's; external.c calls it
	 * through here, so the two files never call each other) */
	void (*wake)(struct announcer *a, long long ms);
};

/* A change as its items see it (the strings are lent). */
struct item_source waiting_source(const struct announcer *a, const struct waiting *w);
/* Whether the change has a `priority` item. */
int waiting_priority_moved(const struct waiting *w);
/* Every target it has is written (or acknowledged). */
int waiting_complete(const struct waiting *w);
void waiting_free(struct waiting *w);

/* A stage's payload, built when someone is to be told (pubsub.c's builder). */
struct payload_source {
	xmpp_ctx_t *ctx;
	struct store *store;
	struct item_source src;
	int stage;
};
xmpp_stanza_t *payload_build(void *payload_source);

#endif
