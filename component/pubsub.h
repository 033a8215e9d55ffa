/* vigil's own PubSub service (XEP-0060) on the component JID: nodes
 * `threats` and `priority`, subscriptions and items kept in the database,
 * notifications fanned out in batches from the event loop. Only vigil
 * publishes. One account holds at most pubsub.max_subscriptions_per_jid
 * subscriptions, and every reply that lists things stays under 128 KiB
 * (listing.h), paged with XEP-0059 RSM where the list is of items. */
#ifndef VIGIL_PUBSUB_H
#define VIGIL_PUBSUB_H

#include <strophe.h>

struct daemon;

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_OWNER "http://jabber.org/protocol/pubsub#owner"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"
#define NS_PUBSUB_ERRORS "http://jabber.org/protocol/pubsub#errors"

/* iq handlers (router): answer and return 0, or -1 when not theirs. */
int pubsub_handle(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub);
int pubsub_handle_owner(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub);

/* disco#info / disco#items on a node; -1 when node is not ours. */
int pubsub_disco_info(struct daemon *d, xmpp_stanza_t *iq, const char *node);
int pubsub_disco_items(struct daemon *d, xmpp_stanza_t *iq, const char *node);

/* Whether node is one of ours. */
int pubsub_node_exists(const char *node);

/* Starts notifying the node's subscribers of an item (kept already, with the
 * change that made it). 0, or negative when the notification could not be
 * made (out of memory, the database). */
int pubsub_publish(struct daemon *d, const char *node, const char *item_id, const char *payload);

/* Sends the next batch of notifications; returns 1 while some remain. */
int pubsub_fanout_step(struct daemon *d);
int pubsub_fanout_busy(const struct daemon *d);

/* Drops a fan-out in progress (the connection went down: the outbox row
 * that started it is sent again). */
void pubsub_fanout_reset(struct daemon *d);
void pubsub_free(struct daemon *d);

#endif
