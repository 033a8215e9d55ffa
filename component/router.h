/* SPDX-License-Identifier: MIT */
/* Incoming stanza routing: iq get/set by payload namespace to the modules,
 * iq results and errors to the module that asked (its answer handler),
 * messages to the chat dispatch point or the room, presences to the room.
 * The router calls the modules; they never call it. */
#ifndef VIGIL_ROUTER_H
#define VIGIL_ROUTER_H

#include <strophe.h>

struct chat_ctx;
struct commands_ctx;
struct disco;
struct muc;
struct pubsub;
struct ratelimit;
struct sender;
struct vigil_config;

struct router_deps {
	const struct vigil_config *cfg;
	const struct sender *sender;
	struct commands_ctx *commands;
	struct chat_ctx *chat;
	struct ratelimit *iq_rate;     /* commands and PubSub requests per bare JID */
	struct muc *muc;
	struct pubsub *pubsub;
	const struct disco *disco;
};

/* An answer handler: 1 when iq (a result or an error) answers what its
 * module asked, 0 otherwise. */
typedef int (*router_answer_fn)(void *arg, xmpp_stanza_t *iq);

/* Copies deps. NULL when out of memory. */
struct router *router_new(const struct router_deps *deps);
void router_free(struct router *r);

/* Offers iq results and errors to fn(arg, iq) (at most ROUTER_MAX_ANSWERERS). 0 or -1. */
#define ROUTER_MAX_ANSWERERS 8
int router_on_answer(struct router *r, router_answer_fn fn, void *arg);

/* Handles one incoming stanza (also used by the fuzz target). Returns 1. */
int router_dispatch(struct router *r, xmpp_stanza_t *stanza);

#endif
