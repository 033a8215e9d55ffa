/* SPDX-License-Identifier: MIT */
/* vigil's PubSub nodes (PROTOCOL.md §6): the one table that disco#items,
 * a node's disco#info, the PubSub service and the announcements read. */
#ifndef VIGIL_XMPP_NODES_H
#define VIGIL_XMPP_NODES_H

#include <stddef.h>

#define NODE_THREATS "threats"
#define NODE_PRIORITY "priority"
#define NODE_FEED "feed"
#define NS_SOCIAL_FEED "urn:xmpp:pubsub-social-feed:1" /* XEP-0472 */
#define FEED_KEEP 500 /* items the `feed` node keeps, the newest */

struct pubsub_node {
	const char *name;         /* the node id */
	const char *title;        /* pubsub#title, and the disco#items name */
	const char *description;  /* pubsub#description */
	const char *type;         /* pubsub#type: its payloads' namespace or profile */
};

extern const struct pubsub_node pubsub_nodes[];
extern const size_t pubsub_node_count;

/* The node called name, or NULL. */
const struct pubsub_node *pubsub_node_find(const char *name);

#endif
