/* SPDX-License-Identifier: MIT */
/* Service discovery and the small informational queries (PROTOCOL.md §2). */
#include "component/disco.h"

#include <string.h>

#include "commands/adhoc/adhoc.h"
#include "component/pubsub/pubsub.h"
#include "component/xmpp/nodes.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/payload.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"
#include "config.h"
#include "config/config.h"

/* The features of the component JID, PROTOCOL.md §2. */
static const char *const service_features[] = {
	NS_DISCO_INFO,
	NS_DISCO_ITEMS,
	NS_COMMANDS,
	NS_DATA,
	NS_PUBSUB,
	"http://jabber.org/protocol/pubsub#subscribe",
	"http://jabber.org/protocol/pubsub#retrieve-items",
	"http://jabber.org/protocol/pubsub#retrieve-subscriptions",
	/* XEP-0060 §6.5.4, XEP-0059 §5: items and a node's disco#items page */
	"http://jabber.org/protocol/pubsub#rsm",
	NS_RSM,
	NS_PING,
	NS_VERSION,
	NS_VIGIL_THREAT, /* VIGIL_NS once commands/register/template.h has it */
	NS_SOCIAL_FEED, /* the `feed` node: XEP-0472 */
	NULL
};

static int is_get(xmpp_stanza_t *iq)
{
	const char *type = xmpp_stanza_get_type(iq);
	return type && strcmp(type, "get") == 0;
}

static void add_identity(xmpp_stanza_t *query, const char *category, const char *type,
			 const char *name)
{
	xmpp_stanza_t *identity = stanza_add_child(query, "identity", NULL);

	if (!identity)
		return;
	xmpp_stanza_set_attribute(identity, "category", category);
	xmpp_stanza_set_attribute(identity, "type", type);
	if (name)
		xmpp_stanza_set_attribute(identity, "name", name);
}

static void add_feature(xmpp_stanza_t *query, const char *var)
{
	xmpp_stanza_t *feature = stanza_add_child(query, "feature", NULL);

	if (feature)
		xmpp_stanza_set_attribute(feature, "var", var);
}

static void send_reply(const struct disco *d, xmpp_stanza_t *reply)
{
	if (reply) {
		sender_send(d->sender, reply);
		xmpp_stanza_release(reply);
	}
}

static void send_error(const struct disco *d, xmpp_stanza_t *iq, const char *type, const char *cond)
{
	send_reply(d, stanza_error_reply(iq, type, cond, NULL, NULL, NULL));
}

int disco_handle_info(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
	const char *node = xmpp_stanza_get_attribute(query, "node");
	xmpp_stanza_t *reply, *result;
	size_t i;

	if (!is_get(iq))
		return -1;
	reply = stanza_reply(iq);
	result = reply ? stanza_add_child(reply, "query", NS_DISCO_INFO) : NULL;
	if (!result)
		goto fail;
	if (!node) {
		add_identity(result, "component", "generic", "vigil threat register");
		add_identity(result, "pubsub", "service", "vigil threat announcements");
		for (i = 0; service_features[i]; i++)
			add_feature(result, service_features[i]);
	} else if (strcmp(node, NS_COMMANDS) == 0) {
		xmpp_stanza_set_attribute(result, "node", node);
		add_identity(result, "automation", "command-list", "Threat register commands");
	} else if (pubsub_node_find(node)) {
		xmpp_stanza_release(reply);
		if (pubsub_disco_info(d->pubsub, iq, node) < 0)
			send_error(d, iq, "wait", "internal-server-error");
		return 0;
	} else if (adhoc_find(node)) {
		/* XEP-0050 §4.2: a command node describes itself */
		xmpp_stanza_set_attribute(result, "node", node);
		add_identity(result, "automation", "command-node", adhoc_find(node)->name);
		add_feature(result, NS_COMMANDS);
		add_feature(result, NS_DATA);
	} else {
		xmpp_stanza_release(reply);
		send_error(d, iq, "cancel", "item-not-found");
		return 0;
	}
	send_reply(d, reply);
	return 0;
fail:
	if (reply)
		xmpp_stanza_release(reply);
	send_error(d, iq, "wait", "internal-server-error");
	return 0;
}

int disco_handle_items(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
	const char *node = xmpp_stanza_get_attribute(query, "node");
	xmpp_stanza_t *reply, *result, *item;
	size_t i;

	if (!is_get(iq))
		return -1;
	if (node && pubsub_node_find(node))
		return pubsub_disco_items(d->pubsub, iq, node);
	if (node && strcmp(node, NS_COMMANDS) != 0) {
		send_error(d, iq, "cancel", "item-not-found");
		return 0;
	}
	reply = stanza_reply(iq);
	result = reply ? stanza_add_child(reply, "query", NS_DISCO_ITEMS) : NULL;
	if (!result) {
		if (reply)
			xmpp_stanza_release(reply);
		send_error(d, iq, "wait", "internal-server-error");
		return 0;
	}
	if (node) {
		xmpp_stanza_set_attribute(result, "node", node);
		adhoc_list_commands(d->commands, xmpp_stanza_get_from(iq), result);
	} else {
		/* the names are the nodes' titles, as in each node's disco#info */
		for (i = 0; i < pubsub_node_count; i++) {
			item = stanza_add_child(result, "item", NULL);
			if (!item)
				continue;
			xmpp_stanza_set_attribute(item, "jid", d->cfg->component_jid);
			xmpp_stanza_set_attribute(item, "node", pubsub_nodes[i].name);
			xmpp_stanza_set_attribute(item, "name", pubsub_nodes[i].title);
		}
	}
	send_reply(d, reply);
	return 0;
}

int disco_handle_ping(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *ping)
{
	if (!is_get(iq))
		return -1;
	send_reply(d, stanza_reply(iq));
	return 0;
}

int disco_handle_version(const struct disco *d, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
	xmpp_stanza_t *reply, *result;

	if (!is_get(iq))
		return -1;
	reply = stanza_reply(iq);
	result = reply ? stanza_add_child(reply, "query", NS_VERSION) : NULL;
	if (!result || !stanza_add_text_child(result, "name", PACKAGE_NAME) ||
	    !stanza_add_text_child(result, "version", PACKAGE_VERSION)) {
		if (reply)
			xmpp_stanza_release(reply);
		send_error(d, iq, "wait", "internal-server-error");
		return 0;
	}
	send_reply(d, reply);
	return 0;
}
