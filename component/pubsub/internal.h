/* SPDX-License-Identifier: MIT */
/* Shared by component/pubsub/pubsub.c and component/pubsub/items.c only. */
#ifndef VIGIL_PUBSUB_INTERNAL_H
#define VIGIL_PUBSUB_INTERNAL_H

#include <stddef.h>
#include <strophe.h>

struct pubsub {
	const struct vigil_config *cfg;
	struct store *store;
	const struct sender *sender;
	xmpp_ctx_t *ctx;
	struct pubsub_fanout *fanout; /* notifications being sent, or NULL */
	/* by node (pubsub_nodes[]): 1 it has a subscription, 0 none, -1 not
	 * known; only this service subscribes and unsubscribes, so a change
	 * asks the database only after one of those */
	signed char *any_subscriber;
};

/* Sends stanza (NULL: nothing) and releases it. */
void pubsub_send(struct pubsub *ps, xmpp_stanza_t *stanza);

/* An error reply (XEP-0060 §7-§8 conditions) with a pubsub#errors condition
 * and a text when not NULL; the text says what to do when the condition
 * alone would not. */
void pubsub_error_text(struct pubsub *ps, xmpp_stanza_t *iq, const char *type, const char *cond,
		       const char *pubsub_cond, const char *text);

/* A result to iq holding <pubsub/> (*pubsub), or NULL. */
xmpp_stanza_t *pubsub_reply(xmpp_stanza_t *iq, xmpp_stanza_t **pubsub);

/* <item id='...'>content</item> in no tree yet, taking content (NULL: an
 * empty item) in any case; NULL on failure. */
xmpp_stanza_t *pubsub_new_item(struct pubsub *ps, const char *id, xmpp_stanza_t *content);

/* <item id='...'>payload</item> for an item as kept (storage/store.h): the
 * payload text parsed back by libstrophe, or for STORE_ITEM_CURRENT on
 * `threats` the threat's current state built from the register. NULL on
 * failure. */
xmpp_stanza_t *pubsub_kept_item(struct pubsub *ps, const char *node, const char *id,
				const char *payload);

/* <items/> of a get (request, inside pubsub). */
void pubsub_retrieve_items(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub,
			   xmpp_stanza_t *request);

#endif
