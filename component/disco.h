/* SPDX-License-Identifier: MIT */
/* What vigil says about itself: XEP-0030 disco#info/#items, XEP-0199 ping,
 * XEP-0092 version. The nodes come from component/xmpp/nodes.h, the
 * commands from the ad-hoc layer, a node's own disco from pubsub. */
#ifndef VIGIL_DISCO_H
#define VIGIL_DISCO_H

#include <strophe.h>

struct commands_ctx;
struct pubsub;
struct sender;
struct vigil_config;

/* What disco answers from; it keeps no state of its own. */
struct disco {
	const struct vigil_config *cfg;
	const struct sender *sender;
	struct commands_ctx *commands; /* the commands a requester may run */
	struct pubsub *pubsub;         /* a node's disco#info and disco#items */
};

/* Each answers `iq` (type get) and returns 0, or returns -1 when the request
 * is not theirs so the router answers service-unavailable. */
int disco_handle_info(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *query);
int disco_handle_items(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *query);
int disco_handle_ping(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *ping);
int disco_handle_version(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *query);

#endif
