/* SPDX-License-Identifier: MIT */
/* The announcer and an external PubSub service (pubsub.external_service):
 * the same items as vigil's own nodes, one at a time, each answered before
 * the next (XEP-0060 §7.1 publish; §8.1.3 create and configure when the
 * node is missing); refused or unanswered (30 s), tried again with backoff. */
#ifndef VIGIL_ANNOUNCE_EXTERNAL_H
#define VIGIL_ANNOUNCE_EXTERNAL_H

#include <strophe.h>

struct announcer;

/* Publishes the next item due, unless one awaits its answer or a retry. */
void external_pump(struct announcer *a);

/* An iq answer: 1 when it answers what was asked (then handled), else 0. */
int external_answer(struct announcer *a, xmpp_stanza_t *iq);

/* The stream is gone (or the announcer freed): nothing awaits an answer. */
void external_reset(struct announcer *a);

#endif
