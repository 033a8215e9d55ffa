/* SPDX-License-Identifier: MIT */
/* The replies the PubSub service builds in more than one place: see
 * internal.h. Kept apart so that pubsub.c and items.c both
 * call down to them, never each other in a loop. */
#include "component/pubsub/internal.h"

#include <string.h>

#include "commands/register/ops.h"
#include "component/xmpp/nodes.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/payload.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"
#include "storage/store.h"

void pubsub_send(struct pubsub *ps, xmpp_stanza_t *stanza)
{
	if (stanza) {
		sender_send(ps->sender, stanza);
		xmpp_stanza_release(stanza);
	}
}

void pubsub_error_text(struct pubsub *ps, xmpp_stanza_t *iq, const char *type, const char *cond,
		       const char *pubsub_cond, const char *text)
{
	pubsub_send(ps, stanza_error_reply(iq, type, cond, pubsub_cond ? NS_PUBSUB_ERRORS : NULL,
					  pubsub_cond, text));
}

xmpp_stanza_t *pubsub_reply(xmpp_stanza_t *iq, xmpp_stanza_t **pubsub)
{
	xmpp_stanza_t *reply = stanza_reply(iq);

	*pubsub = reply ? stanza_add_child(reply, "pubsub", NS_PUBSUB) : NULL;
	if (reply && !*pubsub) {
		xmpp_stanza_release(reply);
		return NULL;
	}
	return reply;
}

xmpp_stanza_t *pubsub_new_item(struct pubsub *ps, const char *id, xmpp_stanza_t *content)
{
	xmpp_stanza_t *item = xmpp_stanza_new(ps->ctx);

	if (!item || xmpp_stanza_set_name(item, "item") != XMPP_EOK ||
	    xmpp_stanza_set_id(item, id) != XMPP_EOK)
		goto fail;
	if (content && xmpp_stanza_add_child_ex(item, content, 0) != XMPP_EOK)
		goto fail;
	return item;
fail:
	if (content)
		xmpp_stanza_release(content);
	if (item)
		xmpp_stanza_release(item);
	return NULL;
}

/* A `threats` item is the threat's current state (PROTOCOL.md §6): built
 * from the register when asked for, so a change serialises no payload
 * unless someone is notified of it. */
static xmpp_stanza_t *current_state(struct pubsub *ps, const char *id)
{
	struct threat t;
	xmpp_stanza_t *content = NULL;
	long long n;

	threat_init(&t);
	if (threat_id_parse(id, &n) == 0 && store_threat_get(ps->store, n, &t) == 0)
		content = payload_threat(ps->ctx, &t);
	if (content && payload_add_comments(content, ps->store, n) < 0) {
		xmpp_stanza_release(content);
		content = NULL;
	}
	threat_clear(&t);
	return content;
}

xmpp_stanza_t *pubsub_kept_item(struct pubsub *ps, const char *node, const char *id,
				const char *payload)
{
	xmpp_stanza_t *content = NULL;

	if (payload && strcmp(payload, STORE_ITEM_CURRENT) == 0 && strcmp(node, NODE_THREATS) == 0)
		content = current_state(ps, id);
	else if (payload && *payload)
		content = xmpp_stanza_new_from_string(ps->ctx, payload);
	return pubsub_new_item(ps, id, content);
}
