/* vigil's PubSub service: see pubsub.h. Error conditions follow XEP-0060
 * §6-§8: unknown node item-not-found; a subscription for another JID
 * bad-request + invalid-jid; publishing and owner operations forbidden;
 * what is not implemented feature-not-implemented + unsupported. */
#include "component/pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/announce.h"
#include "commands/payload.h"
#include "component/daemon.h"
#include "component/log.h"
#include "component/stanza.h"
#include "storage/store.h"

#define FANOUT_BATCH 200           /* notifications per event-loop turn */
#define ITEMS_REPLY_BYTES (96 * 1024) /* keep replies under 128 KiB */

struct pubsub_fanout {
	xmpp_stanza_t *message;    /* the notification; `to` set per subscriber */
	struct subscription *subs;
	size_t count, next;
};

static const struct {
	const char *node, *title, *description;
} nodes[] = {
	{ NODE_THREATS, "Threats", "The current state of every threat in the register (item id = threat id)" },
	{ NODE_PRIORITY, "Priority changes", "One item per change of a threat's priority" },
};

int pubsub_node_exists(const char *node)
{
	size_t i;

	for (i = 0; node && i < sizeof nodes / sizeof nodes[0]; i++)
		if (strcmp(nodes[i].node, node) == 0)
			return 1;
	return 0;
}

static void send_and_release(struct daemon *d, xmpp_stanza_t *stanza)
{
	if (stanza) {
		daemon_send(d, stanza);
		xmpp_stanza_release(stanza);
	}
}

static void send_error(struct daemon *d, xmpp_stanza_t *iq, const char *type, const char *cond,
		       const char *pubsub_cond, const char *feature)
{
	xmpp_stanza_t *reply = stanza_error_reply(iq, type, cond, pubsub_cond ? NS_PUBSUB_ERRORS : NULL,
						  pubsub_cond, NULL);
	xmpp_stanza_t *error, *child;

	if (reply && feature) {
		error = xmpp_stanza_get_child_by_name(reply, "error");
		child = error ? xmpp_stanza_get_child_by_name(error, pubsub_cond) : NULL;
		if (child)
			xmpp_stanza_set_attribute(child, "feature", feature);
	}
	send_and_release(d, reply);
}

static xmpp_stanza_t *reply_with_pubsub(xmpp_stanza_t *iq, xmpp_stanza_t **pubsub)
{
	xmpp_stanza_t *reply = stanza_reply(iq);

	*pubsub = reply ? stanza_add_child(reply, "pubsub", NS_PUBSUB) : NULL;
	if (reply && !*pubsub) {
		xmpp_stanza_release(reply);
		return NULL;
	}
	return reply;
}

static xmpp_stanza_t *first_element(xmpp_stanza_t *stanza)
{
	xmpp_stanza_t *child;

	for (child = xmpp_stanza_get_children(stanza); child; child = xmpp_stanza_get_next(child))
		if (xmpp_stanza_is_tag(child))
			return child;
	return NULL;
}

static void add_subscription(xmpp_stanza_t *parent, const char *node, const char *jid,
			     const char *subid, const char *state)
{
	xmpp_stanza_t *el = stanza_add_child(parent, "subscription", NULL);

	if (!el)
		return;
	xmpp_stanza_set_attribute(el, "node", node);
	xmpp_stanza_set_attribute(el, "jid", jid);
	if (subid)
		xmpp_stanza_set_attribute(el, "subid", subid);
	xmpp_stanza_set_attribute(el, "subscription", state);
}

/* XEP-0060 §6.1: the JID must be the requester's, bare or full. */
static int jid_is_requester(struct daemon *d, const char *jid, const char *from)
{
	char *bare = xmpp_jid_bare(d->ctx, from);
	int ok = jid && bare && (strcmp(jid, from) == 0 || strcmp(jid, bare) == 0);

	if (bare)
		xmpp_free(d->ctx, bare);
	return ok;
}

static void subscribe(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	const char *jid = xmpp_stanza_get_attribute(request, "jid");
	xmpp_stanza_t *reply, *pubsub;
	char subid[17], *stored = NULL;

	if (!node) {
		send_error(d, iq, "modify", "bad-request", "nodeid-required", NULL);
		return;
	}
	if (!pubsub_node_exists(node)) {
		send_error(d, iq, "cancel", "item-not-found", NULL, NULL);
		return;
	}
	if (!jid_is_requester(d, jid, xmpp_stanza_get_from(iq))) {
		send_error(d, iq, "modify", "bad-request", "invalid-jid", NULL);
		return;
	}
	xmpp_rand_nonce(d->rand, subid, sizeof subid);
	if (store_subscription_add(d->store, node, jid, subid, &stored) < 0) {
		log_error("subscribing %s to %s: %s", jid, node, store_errmsg(d->store));
		send_error(d, iq, "wait", "internal-server-error", NULL, NULL);
		return;
	}
	log_info("%s subscribed to %s", jid, node);
	reply = reply_with_pubsub(iq, &pubsub);
	if (reply)
		add_subscription(pubsub, node, jid, stored, "subscribed");
	send_and_release(d, reply);
	free(stored);
}

static void unsubscribe(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	const char *jid = xmpp_stanza_get_attribute(request, "jid");
	int rc;

	if (!node) {
		send_error(d, iq, "modify", "bad-request", "nodeid-required", NULL);
		return;
	}
	if (!pubsub_node_exists(node)) {
		send_error(d, iq, "cancel", "item-not-found", NULL, NULL);
		return;
	}
	if (!jid_is_requester(d, jid, xmpp_stanza_get_from(iq))) {
		send_error(d, iq, "modify", "bad-request", "invalid-jid", NULL);
		return;
	}
	rc = store_subscription_remove(d->store, node, jid);
	if (rc == STORE_NOTFOUND) {
		send_error(d, iq, "cancel", "unexpected-request", "not-subscribed", NULL);
		return;
	}
	if (rc < 0) {
		send_error(d, iq, "wait", "internal-server-error", NULL, NULL);
		return;
	}
	log_info("%s unsubscribed from %s", jid, node);
	send_and_release(d, stanza_reply(iq));
}

static void list_subscriptions(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	char *bare = xmpp_jid_bare(d->ctx, xmpp_stanza_get_from(iq));
	struct subscription *subs = NULL;
	xmpp_stanza_t *reply = NULL, *pubsub, *list;
	size_t count = 0, i;

	if (node && !pubsub_node_exists(node)) {
		send_error(d, iq, "cancel", "item-not-found", NULL, NULL);
		goto out;
	}
	if (!bare || store_subscription_list(d->store, node, bare, &subs, &count) < 0) {
		send_error(d, iq, "wait", "internal-server-error", NULL, NULL);
		goto out;
	}
	reply = reply_with_pubsub(iq, &pubsub);
	list = reply ? stanza_add_child(pubsub, "subscriptions", NULL) : NULL;
	if (list && node)
		xmpp_stanza_set_attribute(list, "node", node);
	for (i = 0; list && i < count; i++)
		add_subscription(list, subs[i].node, subs[i].jid, subs[i].subid, "subscribed");
	send_and_release(d, reply);
out:
	store_subscriptions_free(subs, count);
	if (bare)
		xmpp_free(d->ctx, bare);
}

/* <item id='...'>payload</item>, the payload parsed back by libstrophe. */
static xmpp_stanza_t *add_item(struct daemon *d, xmpp_stanza_t *parent, const char *id,
			       const char *payload)
{
	xmpp_stanza_t *item = stanza_add_child(parent, "item", NULL);
	xmpp_stanza_t *content = payload ? xmpp_stanza_new_from_string(d->ctx, payload) : NULL;

	if (!item) {
		if (content)
			xmpp_stanza_release(content);
		return NULL;
	}
	xmpp_stanza_set_id(item, id);
	if (content && xmpp_stanza_add_child_ex(item, content, 0) != XMPP_EOK)
		xmpp_stanza_release(content);
	return item;
}

static void retrieve_items(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	const char *max_attr = xmpp_stanza_get_attribute(request, "max_items");
	xmpp_stanza_t *wanted = xmpp_stanza_get_child_by_name(request, "item");
	struct pubsub_item *items = NULL;
	xmpp_stanza_t *reply = NULL, *pubsub, *list, *el;
	size_t count = 0, i, bytes = 0, max = max_attr ? strtoul(max_attr, NULL, 10) : 0;

	if (!node) {
		send_error(d, iq, "modify", "bad-request", "nodeid-required", NULL);
		return;
	}
	if (!pubsub_node_exists(node)) {
		send_error(d, iq, "cancel", "item-not-found", NULL, NULL);
		return;
	}
	reply = reply_with_pubsub(iq, &pubsub);
	list = reply ? stanza_add_child(pubsub, "items", NULL) : NULL;
	if (!list)
		goto fail;
	xmpp_stanza_set_attribute(list, "node", node);
	if (wanted) {
		/* specific items (XEP-0060 §6.5.8) */
		for (el = wanted; el; el = xmpp_stanza_get_next(el)) {
			const char *id = xmpp_stanza_is_tag(el) ? xmpp_stanza_get_id(el) : NULL;
			if (!id || strcmp(xmpp_stanza_get_name(el), "item") != 0)
				continue;
			if (store_item_list(d->store, node, id, 1, &items, &count) < 0)
				goto fail;
			if (count)
				add_item(d, list, items[0].item_id, items[0].payload);
			store_items_free(items, count);
			items = NULL;
			count = 0;
		}
	} else {
		if (store_item_list(d->store, node, NULL, max, &items, &count) < 0)
			goto fail;
		for (i = 0; i < count && bytes < ITEMS_REPLY_BYTES; i++) {
			bytes += strlen(items[i].payload) + 64;
			add_item(d, list, items[i].item_id, items[i].payload);
		}
	}
	send_and_release(d, reply);
	store_items_free(items, count);
	return;
fail:
	store_items_free(items, count);
	if (reply)
		xmpp_stanza_release(reply);
	send_error(d, iq, "wait", "internal-server-error", NULL, NULL);
}

int pubsub_handle(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub)
{
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *request = first_element(pubsub);
	const char *what = request ? xmpp_stanza_get_name(request) : "";
	const char *node = request ? xmpp_stanza_get_attribute(request, "node") : NULL;
	int set = strcmp(type, "set") == 0;

	if (set && strcmp(what, "subscribe") == 0)
		subscribe(d, iq, request);
	else if (set && strcmp(what, "unsubscribe") == 0)
		unsubscribe(d, iq, request);
	else if (!set && strcmp(what, "subscriptions") == 0)
		list_subscriptions(d, iq, request);
	else if (!set && strcmp(what, "items") == 0)
		retrieve_items(d, iq, request);
	else if (node && !pubsub_node_exists(node) && strcmp(what, "create") != 0)
		send_error(d, iq, "cancel", "item-not-found", NULL, NULL);
	else if (set && (strcmp(what, "publish") == 0 || strcmp(what, "retract") == 0))
		send_error(d, iq, "auth", "forbidden", NULL, NULL); /* only vigil publishes */
	else if (strcmp(what, "create") == 0)
		send_error(d, iq, "cancel", "feature-not-implemented", "unsupported", "create-nodes");
	else if (strcmp(what, "affiliations") == 0)
		send_error(d, iq, "cancel", "feature-not-implemented", "unsupported", "retrieve-affiliations");
	else if (strcmp(what, "options") == 0)
		send_error(d, iq, "cancel", "feature-not-implemented", "unsupported", "subscription-options");
	else if (strcmp(what, "default") == 0) /* default subscription options, XEP-0060 §6.4 */
		send_error(d, iq, "cancel", "feature-not-implemented", "unsupported", "retrieve-default-sub");
	else if (strcmp(what, "configure") == 0)
		send_error(d, iq, "cancel", "feature-not-implemented", "unsupported", "config-node");
	else
		send_error(d, iq, "modify", "bad-request", NULL, NULL);
	return 0;
}

int pubsub_handle_owner(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub)
{
	xmpp_stanza_t *request = first_element(pubsub);
	const char *what = request ? xmpp_stanza_get_name(request) : "";
	const char *node = request ? xmpp_stanza_get_attribute(request, "node") : NULL;

	/* what vigil does not implement at all says so (XEP-0060 §8.2.3.1,
	 * §8.3.3.1) before asking whether the requester owns the node */
	if (strcmp(what, "configure") == 0)
		send_error(d, iq, "cancel", "feature-not-implemented", "unsupported", "config-node");
	else if (strcmp(what, "default") == 0)
		send_error(d, iq, "cancel", "feature-not-implemented", "unsupported", "retrieve-default");
	else if (node && !pubsub_node_exists(node))
		send_error(d, iq, "cancel", "item-not-found", NULL, NULL);
	else
		send_error(d, iq, "auth", "forbidden", NULL, NULL); /* vigil owns its nodes */
	return 0;
}

/* --- discovery of the nodes ----------------------------------------------------- */

static void add_meta_field(xmpp_stanza_t *x, const char *var, const char *value)
{
	xmpp_stanza_t *field = stanza_add_child(x, "field", NULL);

	if (!field)
		return;
	xmpp_stanza_set_attribute(field, "var", var);
	if (strcmp(var, "FORM_TYPE") == 0)
		xmpp_stanza_set_type(field, "hidden");
	stanza_add_text_child(field, "value", value);
}

int pubsub_disco_info(struct daemon *d, xmpp_stanza_t *iq, const char *node)
{
	xmpp_stanza_t *reply, *query, *el, *x;
	size_t i;

	for (i = 0; i < sizeof nodes / sizeof nodes[0] && strcmp(nodes[i].node, node) != 0; i++)
		;
	if (i == sizeof nodes / sizeof nodes[0])
		return -1;
	reply = stanza_reply(iq);
	query = reply ? stanza_add_child(reply, "query", "http://jabber.org/protocol/disco#info") : NULL;
	if (!query) {
		if (reply)
			xmpp_stanza_release(reply);
		return -1;
	}
	xmpp_stanza_set_attribute(query, "node", node);
	el = stanza_add_child(query, "identity", NULL);
	if (el) {
		xmpp_stanza_set_attribute(el, "category", "pubsub");
		xmpp_stanza_set_attribute(el, "type", "leaf");
		xmpp_stanza_set_attribute(el, "name", nodes[i].title);
	}
	el = stanza_add_child(query, "feature", NULL);
	if (el)
		xmpp_stanza_set_attribute(el, "var", NS_PUBSUB);
	/* XEP-0060 §5.4: the node meta-data as an XEP-0128 extension */
	x = stanza_add_child(query, "x", "jabber:x:data");
	if (x) {
		xmpp_stanza_set_type(x, "result");
		add_meta_field(x, "FORM_TYPE", "http://jabber.org/protocol/pubsub#meta-data");
		add_meta_field(x, "pubsub#title", nodes[i].title);
		add_meta_field(x, "pubsub#description", nodes[i].description);
		add_meta_field(x, "pubsub#type", NS_VIGIL_THREAT);
		add_meta_field(x, "pubsub#access_model", "open");
		add_meta_field(x, "pubsub#publish_model", "publishers");
		add_meta_field(x, "pubsub#owner", d->cfg->component_jid);
	}
	send_and_release(d, reply);
	return 0;
}

int pubsub_disco_items(struct daemon *d, xmpp_stanza_t *iq, const char *node)
{
	struct pubsub_item *items = NULL;
	xmpp_stanza_t *reply, *query, *item;
	size_t count = 0, i;

	if (!pubsub_node_exists(node))
		return -1;
	if (store_item_list(d->store, node, NULL, 1000, &items, &count) < 0) {
		send_error(d, iq, "wait", "internal-server-error", NULL, NULL);
		return 0;
	}
	reply = stanza_reply(iq);
	query = reply ? stanza_add_child(reply, "query", "http://jabber.org/protocol/disco#items") : NULL;
	if (query)
		xmpp_stanza_set_attribute(query, "node", node);
	for (i = 0; query && i < count; i++) {
		item = stanza_add_child(query, "item", NULL);
		if (!item)
			break;
		xmpp_stanza_set_attribute(item, "jid", d->cfg->component_jid);
		xmpp_stanza_set_attribute(item, "name", items[i].item_id);
	}
	send_and_release(d, reply);
	store_items_free(items, count);
	return 0;
}

/* --- publishing ------------------------------------------------------------------ */

int pubsub_fanout_busy(const struct daemon *d)
{
	return d->fanout != NULL;
}

void pubsub_fanout_reset(struct daemon *d)
{
	if (!d->fanout)
		return;
	if (d->fanout->message)
		xmpp_stanza_release(d->fanout->message);
	store_subscriptions_free(d->fanout->subs, d->fanout->count);
	free(d->fanout);
	d->fanout = NULL;
}

void pubsub_free(struct daemon *d)
{
	pubsub_fanout_reset(d);
}

int pubsub_publish(struct daemon *d, const char *node, const char *item_id, const char *payload)
{
	struct pubsub_fanout *f;
	xmpp_stanza_t *event, *items;

	pubsub_fanout_reset(d);
	f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	d->fanout = f;
	if (store_subscription_list(d->store, node, NULL, &f->subs, &f->count) < 0)
		goto fail;
	if (!f->count) {
		pubsub_fanout_reset(d); /* kept for retrieval; nobody to tell */
		return 0;
	}
	f->message = xmpp_message_new(d->ctx, NULL, NULL, NULL);
	if (!f->message)
		goto fail;
	xmpp_stanza_set_from(f->message, d->cfg->component_jid);
	event = stanza_add_child(f->message, "event", NS_PUBSUB_EVENT);
	items = event ? stanza_add_child(event, "items", NULL) : NULL;
	if (!items)
		goto fail;
	xmpp_stanza_set_attribute(items, "node", node);
	if (!add_item(d, items, item_id, payload))
		goto fail;
	log_debug("publishing %s on %s to %zu subscriber%s", item_id, node, f->count,
		  f->count == 1 ? "" : "s");
	return 0;
fail:
	pubsub_fanout_reset(d);
	return -1;
}

int pubsub_fanout_step(struct daemon *d)
{
	struct pubsub_fanout *f = d->fanout;
	size_t end;

	if (!f)
		return 0;
	if (!d->ready)
		return 1;
	end = f->next + FANOUT_BATCH < f->count ? f->next + FANOUT_BATCH : f->count;
	for (; f->next < end; f->next++) {
		char *id = daemon_new_id(d);
		xmpp_stanza_set_to(f->message, f->subs[f->next].jid);
		if (id)
			xmpp_stanza_set_id(f->message, id);
		daemon_send(d, f->message); /* serialised now: the stanza can be reused */
		free(id);
	}
	if (f->next < f->count)
		return 1;
	pubsub_fanout_reset(d);
	return 0;
}
