/* SPDX-License-Identifier: MIT */
/* vigil's PubSub service: see pubsub.h. Error conditions follow XEP-0060
 * §6-§8: unknown node item-not-found; a subscription for another JID
 * bad-request + invalid-jid; one beyond pubsub.max_subscriptions_per_jid
 * policy-violation + too-many-subscriptions; publishing and owner
 * operations forbidden; what is not implemented feature-not-implemented +
 * unsupported. Item retrieval is in items.c. */
#include "component/pubsub/pubsub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/base/log.h"
#include "component/pubsub/internal.h"
#include "component/xmpp/listing.h"
#include "component/xmpp/nodes.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/payload.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"
#include "config/config.h"
#include "storage/store.h"

#define FANOUT_BATCH 200           /* notifications per event-loop turn */

struct pubsub_fanout {
	xmpp_stanza_t *message;    /* the notification; `to` set per subscriber */
	struct subscription *subs;
	size_t count, next;
};

static void send_error(struct pubsub *ps, xmpp_stanza_t *iq, const char *type, const char *cond,
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
	pubsub_send(ps, reply);
}

static xmpp_stanza_t *first_element(xmpp_stanza_t *stanza)
{
	xmpp_stanza_t *child;

	for (child = xmpp_stanza_get_children(stanza); child; child = xmpp_stanza_get_next(child))
		if (xmpp_stanza_is_tag(child))
			return child;
	return NULL;
}

/* <subscription node jid subid subscription/>, in no tree yet. */
static xmpp_stanza_t *new_subscription(struct pubsub *ps, const char *node, const char *jid,
				       const char *subid, const char *state)
{
	xmpp_stanza_t *el = xmpp_stanza_new(ps->ctx);

	if (!el)
		return NULL;
	xmpp_stanza_set_name(el, "subscription");
	xmpp_stanza_set_attribute(el, "node", node);
	xmpp_stanza_set_attribute(el, "jid", jid);
	if (subid)
		xmpp_stanza_set_attribute(el, "subid", subid);
	xmpp_stanza_set_attribute(el, "subscription", state);
	return el;
}

/* Puts child (in no tree yet) into parent, or releases it. */
static xmpp_stanza_t *adopt(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
	if (child && xmpp_stanza_add_child_ex(parent, child, 0) != XMPP_EOK) {
		xmpp_stanza_release(child);
		return NULL;
	}
	return child;
}

/* XEP-0060 §6.1: the JID must be the requester's, bare or full. */
static int jid_is_requester(struct pubsub *ps, const char *jid, const char *from)
{
	char *bare = xmpp_jid_bare(ps->ctx, from);
	int ok = jid && bare && (strcmp(jid, from) == 0 || strcmp(jid, bare) == 0);

	if (bare)
		xmpp_free(ps->ctx, bare);
	return ok;
}

/* XEP-0060 §6.1.3 and §6.2.3: a (un)subscription names a node we have and
 * the requester's own JID; 1 when it does not (the error is sent). */
static int refuse_request(struct pubsub *ps, xmpp_stanza_t *iq, const char *node, const char *jid)
{
	if (!node)
		send_error(ps, iq, "modify", "bad-request", "nodeid-required", NULL);
	else if (!pubsub_node_find(node))
		send_error(ps, iq, "cancel", "item-not-found", NULL, NULL);
	else if (!jid_is_requester(ps, jid, xmpp_stanza_get_from(iq)))
		send_error(ps, iq, "modify", "bad-request", "invalid-jid", NULL);
	else
		return 0;
	return 1;
}

static void subscribe(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	const char *jid = xmpp_stanza_get_attribute(request, "jid");
	xmpp_stanza_t *reply, *pubsub;
	char subid[17], text[200], *stored = NULL, *bare = NULL, *fresh = NULL;
	long long held;
	int cap = ps->cfg->max_subscriptions_per_jid;

	if (refuse_request(ps, iq, node, jid))
		return;
	/* one account (its bare JID and every full JID, all nodes together)
	 * holds at most cap; subscribing again to what it holds stays an answer */
	if ((held = store_subscription_exists(ps->store, node, jid)) < 0)
		goto fail;
	if (!held) {
		bare = xmpp_jid_bare(ps->ctx, jid);
		if (!bare || (held = store_subscription_count(ps->store, bare)) < 0)
			goto fail;
		if (held >= cap) {
			/* XEP-0060 §6.1.3.9 */
			snprintf(text, sizeof text, "Too many subscriptions: one account may hold %d, "
				 "its bare and full JIDs on every node together; unsubscribe one first.",
				 cap);
			pubsub_error_text(ps, iq, "wait", "policy-violation", "too-many-subscriptions", text);
			log_info("%s: a subscription to %s refused, %lld held", jid, node, held);
			goto out;
		}
	}
	if (!(fresh = sender_new_id(ps->sender)))
		goto fail;
	snprintf(subid, sizeof subid, "%s", fresh);
	if (store_subscription_add(ps->store, node, jid, subid, &stored) < 0)
		goto fail;
	log_info("%s subscribed to %s", jid, node);
	ps->any_subscriber[pubsub_node_find(node) - pubsub_nodes] = 1;
	reply = pubsub_reply(iq, &pubsub);
	if (reply && !adopt(pubsub, new_subscription(ps, node, jid, stored, "subscribed"))) {
		xmpp_stanza_release(reply);
		reply = stanza_error_reply(iq, "wait", "internal-server-error", NULL, NULL, NULL);
	}
	pubsub_send(ps, reply);
	goto out;
fail:
	log_error("subscribing %s to %s: %s", jid, node, store_errmsg(ps->store));
	send_error(ps, iq, "wait", "internal-server-error", NULL, NULL);
out:
	free(fresh);
	free(stored);
	if (bare)
		xmpp_free(ps->ctx, bare);
}

static void unsubscribe(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	const char *jid = xmpp_stanza_get_attribute(request, "jid");
	int rc;

	if (refuse_request(ps, iq, node, jid))
		return;
	rc = store_subscription_remove(ps->store, node, jid);
	if (rc == STORE_NOTFOUND) {
		send_error(ps, iq, "cancel", "unexpected-request", "not-subscribed", NULL);
		return;
	}
	if (rc < 0) {
		send_error(ps, iq, "wait", "internal-server-error", NULL, NULL);
		return;
	}
	log_info("%s unsubscribed from %s", jid, node);
	ps->any_subscriber[pubsub_node_find(node) - pubsub_nodes] = -1; /* asked again */
	pubsub_send(ps, stanza_reply(iq));
}

/* The requester's subscriptions (XEP-0060 §5.6): the cap's worth at most
 * from the database, even one an older vigil filled with more, and no more
 * than fit LIST_REPLY_BYTES (full JIDs of 3 KB, their resources escaped,
 * make ten rows 80 KB); a list cut there ends with an RSM <set/> counting
 * what is held. */
static void list_subscriptions(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	char *bare = xmpp_jid_bare(ps->ctx, xmpp_stanza_get_from(iq));
	struct subscription *subs = NULL;
	struct listing l = { 0 };
	xmpp_stanza_t *reply = NULL, *pubsub, *list, *el;
	size_t count = 0, i;
	int rc = LISTING_ADDED;

	if (node && !pubsub_node_find(node)) {
		send_error(ps, iq, "cancel", "item-not-found", NULL, NULL);
		goto out;
	}
	if (!bare || store_subscription_list(ps->store, node, bare,
					     (size_t)ps->cfg->max_subscriptions_per_jid, &subs, &count) < 0)
		goto fail;
	reply = pubsub_reply(iq, &pubsub);
	list = reply ? stanza_add_child(pubsub, "subscriptions", NULL) : NULL;
	if (!list)
		goto fail;
	if (node)
		xmpp_stanza_set_attribute(list, "node", node);
	if (listing_start(&l, reply, list) < 0)
		goto fail;
	for (i = 0; i < count && rc != LISTING_FULL; i++) {
		el = new_subscription(ps, subs[i].node, subs[i].jid, subs[i].subid, "subscribed");
		if (!el || (rc = listing_add(&l, el, NULL)) < 0)
			goto fail;
	}
	if (l.added < count) {
		log_warn("the subscriptions of %s fill a reply: %zu of %zu listed", bare, l.added, count);
		if (listing_add_rsm(&l, pubsub, 0, (long long)count) < 0)
			goto fail;
	}
	pubsub_send(ps, reply);
	goto out;
fail:
	if (reply)
		xmpp_stanza_release(reply);
	send_error(ps, iq, "wait", "internal-server-error", NULL, NULL);
out:
	listing_clear(&l);
	store_subscriptions_free(subs, count);
	if (bare)
		xmpp_free(ps->ctx, bare);
}

int pubsub_handle(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub)
{
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *request = first_element(pubsub);
	const char *what = request ? xmpp_stanza_get_name(request) : "";
	const char *node = request ? xmpp_stanza_get_attribute(request, "node") : NULL;
	int set = strcmp(type, "set") == 0;

	if (set && strcmp(what, "subscribe") == 0)
		subscribe(ps, iq, request);
	else if (set && strcmp(what, "unsubscribe") == 0)
		unsubscribe(ps, iq, request);
	else if (!set && strcmp(what, "subscriptions") == 0)
		list_subscriptions(ps, iq, request);
	else if (!set && strcmp(what, "items") == 0)
		pubsub_retrieve_items(ps, iq, pubsub, request);
	else if (node && !pubsub_node_find(node) && strcmp(what, "create") != 0)
		send_error(ps, iq, "cancel", "item-not-found", NULL, NULL);
	else if (set && (strcmp(what, "publish") == 0 || strcmp(what, "retract") == 0))
		send_error(ps, iq, "auth", "forbidden", NULL, NULL); /* only vigil publishes */
	else if (strcmp(what, "create") == 0)
		send_error(ps, iq, "cancel", "feature-not-implemented", "unsupported", "create-nodes");
	else if (strcmp(what, "affiliations") == 0)
		send_error(ps, iq, "cancel", "feature-not-implemented", "unsupported", "retrieve-affiliations");
	else if (strcmp(what, "options") == 0)
		send_error(ps, iq, "cancel", "feature-not-implemented", "unsupported", "subscription-options");
	else if (strcmp(what, "default") == 0) /* default subscription options, XEP-0060 §6.4 */
		send_error(ps, iq, "cancel", "feature-not-implemented", "unsupported", "retrieve-default-sub");
	else if (strcmp(what, "configure") == 0)
		send_error(ps, iq, "cancel", "feature-not-implemented", "unsupported", "config-node");
	else
		send_error(ps, iq, "modify", "bad-request", NULL, NULL);
	return 0;
}

int pubsub_handle_owner(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub)
{
	xmpp_stanza_t *request = first_element(pubsub);
	const char *what = request ? xmpp_stanza_get_name(request) : "";
	const char *node = request ? xmpp_stanza_get_attribute(request, "node") : NULL;

	/* what vigil does not implement at all says so (XEP-0060 §8.2.3.1,
	 * §8.3.3.1) before asking whether the requester owns the node */
	if (strcmp(what, "configure") == 0)
		send_error(ps, iq, "cancel", "feature-not-implemented", "unsupported", "config-node");
	else if (strcmp(what, "default") == 0)
		send_error(ps, iq, "cancel", "feature-not-implemented", "unsupported", "retrieve-default");
	else if (node && !pubsub_node_find(node))
		send_error(ps, iq, "cancel", "item-not-found", NULL, NULL);
	else
		send_error(ps, iq, "auth", "forbidden", NULL, NULL); /* vigil owns its nodes */
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

int pubsub_disco_info(struct pubsub *ps, xmpp_stanza_t *iq, const char *node)
{
	const struct pubsub_node *n = pubsub_node_find(node);
	xmpp_stanza_t *reply, *query, *el, *x;

	if (!n)
		return -1;
	reply = stanza_reply(iq);
	query = reply ? stanza_add_child(reply, "query", NS_DISCO_INFO) : NULL;
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
		xmpp_stanza_set_attribute(el, "name", n->title);
	}
	el = stanza_add_child(query, "feature", NULL);
	if (el)
		xmpp_stanza_set_attribute(el, "var", NS_PUBSUB);
	/* XEP-0060 §5.4: the node meta-data as an XEP-0128 extension */
	x = stanza_add_child(query, "x", NS_DATA);
	if (x) {
		xmpp_stanza_set_type(x, "result");
		add_meta_field(x, "FORM_TYPE", "http://jabber.org/protocol/pubsub#meta-data");
		add_meta_field(x, "pubsub#title", n->title);
		add_meta_field(x, "pubsub#description", n->description);
		add_meta_field(x, "pubsub#type", n->type);
		add_meta_field(x, "pubsub#access_model", "open");
		add_meta_field(x, "pubsub#publish_model", "publishers");
		add_meta_field(x, "pubsub#owner", ps->cfg->component_jid);
	}
	pubsub_send(ps, reply);
	return 0;
}

/* --- publishing ------------------------------------------------------------------ */

int pubsub_fanout_busy(const struct pubsub *ps)
{
	return ps->fanout != NULL;
}

void pubsub_fanout_reset(struct pubsub *ps)
{
	if (!ps->fanout)
		return;
	if (ps->fanout->message)
		xmpp_stanza_release(ps->fanout->message);
	store_subscriptions_free(ps->fanout->subs, ps->fanout->count);
	free(ps->fanout);
	ps->fanout = NULL;
}

struct pubsub *pubsub_new(const struct vigil_config *cfg, struct store *store,
			  const struct sender *sender)
{
	struct pubsub *ps = calloc(1, sizeof *ps);

	if (!ps || !(ps->any_subscriber = malloc(pubsub_node_count))) {
		free(ps);
		return NULL;
	}
	memset(ps->any_subscriber, -1, pubsub_node_count);
	ps->cfg = cfg;
	ps->store = store;
	ps->sender = sender;
	ps->ctx = sender->ctx;
	return ps;
}

void pubsub_free(struct pubsub *ps)
{
	if (!ps)
		return;
	pubsub_fanout_reset(ps);
	free(ps->any_subscriber);
	free(ps);
}

int pubsub_publish(struct pubsub *ps, const char *node, const char *item_id,
		   pubsub_payload_fn *build, void *arg)
{
	const struct pubsub_node *n = pubsub_node_find(node);
	signed char *any = n ? &ps->any_subscriber[n - pubsub_nodes] : NULL;
	struct pubsub_fanout *f;
	xmpp_stanza_t *event, *items;
	int rc;

	pubsub_fanout_reset(ps);
	if (!any)
		return -1;
	/* most changes have nobody to tell: no payload, and the database is
	 * asked only when the answer is not known */
	if (*any < 0) {
		if ((rc = store_subscription_any(ps->store, node)) < 0)
			return rc;
		*any = (signed char)rc;
	}
	if (!*any)
		return 0;
	f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	ps->fanout = f;
	/* the cap per account holds here too when an older vigil (or a larger
	 * cap, since lowered) left more: a change reaches at most that many JIDs
	 * of one account */
	if (store_subscription_list(ps->store, node, NULL, (size_t)ps->cfg->max_subscriptions_per_jid,
				    &f->subs, &f->count) < 0)
		goto fail;
	if (!f->count) {
		*any = 0;
		pubsub_fanout_reset(ps); /* kept for retrieval; nobody to tell */
		return 0;
	}
	f->message = xmpp_message_new(ps->ctx, NULL, NULL, NULL);
	if (!f->message)
		goto fail;
	xmpp_stanza_set_from(f->message, ps->cfg->component_jid);
	event = stanza_add_child(f->message, "event", NS_PUBSUB_EVENT);
	items = event ? stanza_add_child(event, "items", NULL) : NULL;
	if (!items)
		goto fail;
	xmpp_stanza_set_attribute(items, "node", node);
	if (!adopt(items, pubsub_new_item(ps, item_id, build(arg))))
		goto fail;
	log_debug("publishing %s on %s to %zu subscriber%s", item_id, node, f->count,
		  f->count == 1 ? "" : "s");
	return 0;
fail:
	pubsub_fanout_reset(ps);
	return -1;
}

int pubsub_fanout_step(struct pubsub *ps)
{
	struct pubsub_fanout *f = ps->fanout;
	size_t end;

	if (!f)
		return 0;
	end = f->next + FANOUT_BATCH < f->count ? f->next + FANOUT_BATCH : f->count;
	for (; f->next < end; f->next++) {
		char *id = sender_new_id(ps->sender);
		xmpp_stanza_set_to(f->message, f->subs[f->next].jid);
		if (id)
			xmpp_stanza_set_id(f->message, id);
		sender_send(ps->sender, f->message); /* serialised now: the stanza can be reused */
		free(id);
	}
	if (f->next < f->count)
		return 1;
	pubsub_fanout_reset(ps);
	return 0;
}
