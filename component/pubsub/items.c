/* SPDX-License-Identifier: MIT */
/* Retrieval of a node's items (XEP-0060 §6.5) and its disco#items (§5.5),
 * every reply held under LIST_REPLY_BYTES as it is built (listing.h): items
 * named many times are answered once, at most ITEMS_MAX_IDS of them; all
 * items come newest first in pages, read ITEMS_BATCH at a time, with
 * XEP-0059 RSM to say a page is not the whole set and to ask for the next. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component/xmpp/listing.h"
#include "component/base/log.h"
#include "component/pubsub/pubsub.h"
#include "component/pubsub/internal.h"
#include "component/xmpp/nodes.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/stanza.h"
#include "config/config.h"
#include "storage/store.h"

#define ITEMS_MAX_IDS 100          /* distinct item ids one request may name */
#define ITEMS_BATCH 16             /* items read at a time while a reply is built */
/* disco#items on a node: at most this many a page, then RSM. 1,000 items
 * take 1,000 x (22 bytes of markup + the component JID + an item id of at
 * most 43 bytes) = 82 KB with threats.localhost; a longer component JID
 * reaches LIST_REPLY_BYTES first, and the page is cut there. */
#define DISCO_ITEMS_MAX 1000

#define AFTER_GONE "The item named in <after/> is no longer there."

/* A <set/> that could not be read (rsm_parse): bad-request, or for what vigil
 * does not do feature-not-implemented, with the reason. */
static void refuse_rsm(struct pubsub *ps, xmpp_stanza_t *iq, int rc, const char *why)
{
	if (rc == -2)
		pubsub_error_text(ps, iq, "cancel", "feature-not-implemented", NULL, why);
	else
		pubsub_error_text(ps, iq, "modify", "bad-request", NULL, why);
}

/* A positive integer (XEP-0060 §6.5.7: max_items is an xs:positiveInteger). */
static int parse_max_items(const char *text, size_t *out)
{
	return listing_parse_count(text, out) == 0 && *out > 0 ? 0 : -1;
}

/* The distinct ids of the <item id='...'/> children of request, in their
 * order, into ids[ITEMS_MAX_IDS]: their number, or -1 beyond the cap. */
static int named_ids(xmpp_stanza_t *request, const char **ids)
{
	xmpp_stanza_t *el;
	int n = 0, i;

	for (el = xmpp_stanza_get_children(request); el; el = xmpp_stanza_get_next(el)) {
		const char *id = xmpp_stanza_is_tag(el) ? xmpp_stanza_get_id(el) : NULL;
		if (!id || strcmp(xmpp_stanza_get_name(el), "item") != 0)
			continue;
		for (i = 0; i < n && strcmp(ids[i], id) != 0; i++)
			;
		if (i < n)
			continue; /* named again: one answer is enough */
		if (n == ITEMS_MAX_IDS)
			return -1;
		ids[n++] = id;
	}
	return n;
}

/* Items named by id (XEP-0060 §6.5.6, §6.5.8), in the order asked, as
 * many as fit; when some were left out, an RSM <set/> counts those found. */
static int items_named(struct pubsub *ps, struct listing *l, xmpp_stanza_t *pubsub,
		       const char *node, const char **ids, int n)
{
	struct pubsub_item *items = NULL;
	size_t count = 0, found = 0;
	int i, rc = LISTING_ADDED;
	xmpp_stanza_t *el;

	for (i = 0; i < n; i++) {
		if (store_item_list(ps->store, node, ids[i], 1, &items, &count) < 0)
			return -1;
		if (count) {
			found++;
			if (rc != LISTING_FULL) {
				el = pubsub_kept_item(ps, node, items[0].item_id, items[0].payload);
				if (!el || (rc = listing_add(l, el, items[0].item_id)) < 0)
					goto fail;
				if (rc == LISTING_TOO_LARGE)
					log_warn("item %s of %s is too large for any reply", ids[i], node);
			}
		}
		store_items_free(items, count);
		items = NULL;
		count = 0;
	}
	return l->added < found ? listing_add_rsm(l, pubsub, 0, (long long)found) : 0;
fail:
	store_items_free(items, count);
	return -1;
}

/* The node's items, newest first (XEP-0060 §6.5.2, §6.5.7): the newest
 * max_items of them, from after rsm->after, at most rsm->max, and as many as
 * fit; a page that is not the whole set ends with an RSM <set/> (§6.5.4).
 * Items are read ITEMS_BATCH at a time, so that a request holds one reply
 * and a few payloads, never the node. STORE_NOTFOUND for an unknown after. */
static int items_all(struct pubsub *ps, struct listing *l, xmpp_stanza_t *pubsub,
		     const char *node, size_t max_items, const struct rsm_request *rsm)
{
	long long total = store_item_count(ps->store, node, NULL), remaining = total;
	struct pubsub_item *batch = NULL;
	size_t count = 0, i, full, index, want, examined = 0, first_index = 0;
	const char *cursor = rsm->after;
	char *seen = NULL;
	int rc = LISTING_ADDED;
	xmpp_stanza_t *el;

	if (total >= 0 && rsm->after)
		remaining = store_item_count(ps->store, node, rsm->after);
	if (total < 0 || remaining < 0)
		return total < 0 ? (int)total : (int)remaining;
	full = (size_t)total < max_items ? (size_t)total : max_items;
	index = (size_t)(total - remaining); /* where the page starts in the set */
	want = full > index ? full - index : 0;
	if (rsm->max < want)
		want = rsm->max;
	while (examined < want && rc != LISTING_FULL) {
		size_t n = want - examined < ITEMS_BATCH ? want - examined : ITEMS_BATCH;
		if (store_item_page(ps->store, node, cursor, n, 1, &batch, &count) < 0)
			goto fail;
		for (i = 0; i < count && rc != LISTING_FULL; i++) {
			el = pubsub_kept_item(ps, node, batch[i].item_id, batch[i].payload);
			if (!el || (rc = listing_add(l, el, batch[i].item_id)) < 0)
				goto fail;
			if (rc == LISTING_ADDED && l->added == 1)
				first_index = index + examined;
			if (rc == LISTING_TOO_LARGE) /* an older vigil's: left out, the page goes on */
				log_warn("item %s of %s is too large for any reply", batch[i].item_id, node);
			if (rc != LISTING_FULL)
				examined++;
		}
		if (count == n) { /* more may follow: the next batch starts after this one */
			free(seen);
			if (!(seen = strdup(batch[count - 1].item_id)))
				goto fail;
		}
		store_items_free(batch, count);
		batch = NULL;
		if (count < n)
			break;
		count = 0;
		cursor = seen;
	}
	free(seen);
	if (rsm->present || index + examined < full)
		return listing_add_rsm(l, pubsub, first_index, (long long)full);
	return 0;
fail:
	free(seen);
	store_items_free(batch, count);
	return -1;
}

void pubsub_retrieve_items(struct pubsub *ps, xmpp_stanza_t *iq, xmpp_stanza_t *pubsub_in,
			   xmpp_stanza_t *request)
{
	const char *node = xmpp_stanza_get_attribute(request, "node");
	const char *max_attr = xmpp_stanza_get_attribute(request, "max_items");
	const char *ids[ITEMS_MAX_IDS], *why;
	struct rsm_request rsm;
	struct listing l = { 0 };
	xmpp_stanza_t *reply = NULL, *pubsub, *list;
	size_t max = SIZE_MAX;
	int n, rc;

	rc = rsm_parse(pubsub_in, &rsm, &why);
	if (!node) {
		pubsub_error_text(ps, iq, "modify", "bad-request", "nodeid-required", NULL);
		goto out;
	}
	if (!pubsub_node_find(node)) {
		pubsub_error_text(ps, iq, "cancel", "item-not-found", NULL, NULL);
		goto out;
	}
	if (max_attr && parse_max_items(max_attr, &max) < 0) {
		pubsub_error_text(ps, iq, "modify", "bad-request", NULL,
				  "max_items must be a positive integer (XEP-0060 6.5.7).");
		goto out;
	}
	if (rc < 0 && why) {
		refuse_rsm(ps, iq, rc, why);
		goto out;
	}
	if (rc < 0)
		goto fail;
	if ((n = named_ids(request, ids)) < 0) {
		/* XEP-0060 §6.5.6 asks that several ids be allowed, not any number:
		 * a request beyond that is understood and not accepted (RFC 6120
		 * §8.3.3.12) */
		char text[120];
		snprintf(text, sizeof text, "At most %d distinct item ids in one request; ask for the "
			 "others in another.", ITEMS_MAX_IDS);
		pubsub_error_text(ps, iq, "modify", "not-acceptable", NULL, text);
		goto out;
	}
	reply = pubsub_reply(iq, &pubsub);
	list = reply ? stanza_add_child(pubsub, "items", NULL) : NULL;
	if (!list)
		goto fail;
	xmpp_stanza_set_attribute(list, "node", node);
	if (listing_start(&l, reply, list) < 0)
		goto fail;
	rc = n ? items_named(ps, &l, pubsub, node, ids, n) : items_all(ps, &l, pubsub, node, max, &rsm);
	if (rc == STORE_NOTFOUND) { /* XEP-0059 §2.6: the page's item is gone */
		xmpp_stanza_release(reply);
		pubsub_error_text(ps, iq, "cancel", "item-not-found", NULL, AFTER_GONE);
		goto out;
	}
	if (rc < 0)
		goto fail;
	pubsub_send(ps, reply);
	goto out;
fail:
	if (reply)
		xmpp_stanza_release(reply);
	pubsub_error_text(ps, iq, "wait", "internal-server-error", NULL, NULL);
out:
	listing_clear(&l);
	rsm_request_clear(&rsm);
}

int pubsub_disco_items(struct pubsub *ps, xmpp_stanza_t *iq, const char *node)
{
	xmpp_stanza_t *query = xmpp_stanza_get_child_by_name(iq, "query");
	struct pubsub_item *items = NULL;
	struct rsm_request rsm;
	struct listing l = { 0 };
	xmpp_stanza_t *reply = NULL, *result, *item;
	long long total, remaining;
	size_t count = 0, i, index, want;
	const char *why;
	int rc;

	if (!pubsub_node_find(node))
		return -1;
	rc = rsm_parse(query, &rsm, &why);
	if (rc < 0 && why) {
		refuse_rsm(ps, iq, rc, why);
		goto out;
	}
	if (rc < 0)
		goto fail;
	/* XEP-0060 §5.5: one <item jid name/> per item, DISCO_ITEMS_MAX a page */
	total = store_item_count(ps->store, node, NULL);
	remaining = total >= 0 && rsm.after ? store_item_count(ps->store, node, rsm.after) : total;
	if (remaining == STORE_NOTFOUND) { /* XEP-0059 §2.6 */
		pubsub_error_text(ps, iq, "cancel", "item-not-found", NULL, AFTER_GONE);
		goto out;
	}
	if (total < 0 || remaining < 0)
		goto fail;
	index = (size_t)(total - remaining);
	want = (size_t)remaining < DISCO_ITEMS_MAX ? (size_t)remaining : DISCO_ITEMS_MAX;
	if (rsm.max < want)
		want = rsm.max;
	if (want && store_item_page(ps->store, node, rsm.after, want, 0, &items, &count) < 0)
		goto fail;
	reply = stanza_reply(iq);
	result = reply ? stanza_add_child(reply, "query", NS_DISCO_ITEMS) : NULL;
	if (!result)
		goto fail;
	xmpp_stanza_set_attribute(result, "node", node);
	if (listing_start(&l, reply, result) < 0)
		goto fail;
	for (i = 0, rc = LISTING_ADDED; i < count && rc != LISTING_FULL; i++) {
		item = xmpp_stanza_new(ps->ctx);
		if (!item)
			goto fail;
		xmpp_stanza_set_name(item, "item");
		xmpp_stanza_set_attribute(item, "jid", ps->cfg->component_jid);
		xmpp_stanza_set_attribute(item, "name", items[i].item_id);
		if ((rc = listing_add(&l, item, items[i].item_id)) < 0)
			goto fail;
	}
	if ((rsm.present || index + l.added < (size_t)total) &&
	    listing_add_rsm(&l, result, index, total) < 0)
		goto fail;
	pubsub_send(ps, reply);
	goto out;
fail:
	if (reply)
		xmpp_stanza_release(reply);
	pubsub_error_text(ps, iq, "wait", "internal-server-error", NULL, NULL);
out:
	listing_clear(&l);
	rsm_request_clear(&rsm);
	store_items_free(items, count);
	return 0;
}
