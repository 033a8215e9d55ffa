/* SPDX-License-Identifier: MIT */
/* vigil's own PubSub service (XEP-0060) on the component JID: the nodes of
 * component/xmpp/nodes.h, subscriptions and items kept in the database,
 * notifications fanned out in batches. Only vigil publishes. One account
 * holds at most pubsub.max_subscriptions_per_jid subscriptions, and every
 * reply that lists things stays under 128 KiB (listing.h), paged with
 * XEP-0059 RSM where the list is of items. */
#ifndef VIGIL_PUBSUB_H
#define VIGIL_PUBSUB_H

#include <strophe.h>

struct sender;
struct store;
struct vigil_config;

/* Keeps cfg, store and sender. NULL when out of memory. */
struct pubsub *pubsub_new(const struct vigil_config *cfg, struct store *store,
			  const struct sender *sender);
void pubsub_free(struct pubsub *ps);

/* iq handlers (router): answer and return 0, or -1 when not theirs. */
int pubsub_handle(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub);
int pubsub_handle_owner(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub);

/* disco#info / disco#items on a node; -1 when node is not ours. */
int pubsub_disco_info(struct pubsub *ps, xmpp_stanza_t *iq, const char *node);
int pubsub_disco_items(struct pubsub *ps, xmpp_stanza_t *iq, const char *node);

/* Builds an item's payload (a new stanza the caller then owns), or NULL. */
typedef xmpp_stanza_t *pubsub_payload_fn(void *arg);

/* Starts notifying the node's subscribers of an item (kept already, with the
 * change that made it), replacing a fan-out under way. The payload is built
 * (build(arg), during the call) only when the node has subscribers. 0, or
 * negative when the notification could not be made (out of memory, the
 * database). */
int pubsub_publish(struct pubsub *ps, const char *node, const char *item_id,
		   pubsub_payload_fn *build, void *arg);

/* Sends the next batch of notifications; returns 1 while some remain. */
int pubsub_fanout_step(struct pubsub *ps);
int pubsub_fanout_busy(const struct pubsub *ps);

/* Drops a fan-out in progress (the connection went down: what started it
 * is sent again). */
void pubsub_fanout_reset(struct pubsub *ps);

#endif
