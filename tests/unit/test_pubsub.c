/* SPDX-License-Identifier: MIT */
/* component/pubsub/pubsub.c and items.c with a fake sender against a
 * database in a temporary directory: subscribe, unsubscribe, the
 * subscriptions and items asked for, errors for what is not allowed, a
 * node's disco, and a publication fanned out to its subscribers in
 * batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <strophe.h>

#include "commands/register/template.h"
#include "component/pubsub/pubsub.h"
#include "config/config.h"
#include "storage/store.h"
#include "tests/unit/fake_sender.h"
#include "tests/unit/tap.h"

#define ME "threats.localhost"
#define NS_PUBSUB_XML "http://jabber.org/protocol/pubsub"
#define SUBSCRIBERS 450

static xmpp_ctx_t *ctx;
static int built; /* payloads built by pubsub_publish */

/* The payload a publication is given: the XML in arg, counted. */
static xmpp_stanza_t *payload(void *arg)
{
	built++;
	return xmpp_stanza_new_from_string(ctx, arg);
}

/* Hands pubsub one iq, as the router would; returns what the handler did. */
static int request(struct pubsub *ps, const char *xml)
{
	xmpp_stanza_t *iq = xmpp_stanza_new_from_string(ctx, xml), *payload;
	const char *ns;
	int rc = -1;

	if (!iq) {
		diag("unparsable test stanza: %s", xml);
		return -1;
	}
	payload = xmpp_stanza_get_children(iq);
	ns = payload ? xmpp_stanza_get_ns(payload) : NULL;
	if (ns && strcmp(ns, NS_PUBSUB_XML) == 0)
		rc = pubsub_handle(ps, iq, payload);
	else if (ns && strcmp(ns, NS_PUBSUB_XML "#owner") == 0)
		rc = pubsub_handle_owner(ps, iq, payload);
	xmpp_stanza_release(iq);
	return rc;
}

static void subscribe(struct pubsub *ps, const char *jid, const char *node)
{
	char xml[512];

	/* from the JID itself when it is full, else from its resource "pc" */
	snprintf(xml, sizeof xml, "<iq type='set' id='sub' from='%s%s' to='" ME "'><pubsub "
		 "xmlns='" NS_PUBSUB_XML "'><subscribe node='%s' jid='%s'/></pubsub></iq>",
		 jid, strchr(jid, '/') ? "" : "/pc", node, jid);
	request(ps, xml);
}

static int node_disco(struct pubsub *ps, const char *node, int items)
{
	char xml[512];
	xmpp_stanza_t *iq;
	int rc;

	snprintf(xml, sizeof xml, "<iq type='get' id='d' from='alice@localhost/pc' to='" ME "'>"
		 "<query xmlns='http://jabber.org/protocol/disco#%s' node='%s'/></iq>",
		 items ? "items" : "info", node);
	iq = xmpp_stanza_new_from_string(ctx, xml);
	rc = items ? pubsub_disco_items(ps, iq, node) : pubsub_disco_info(ps, iq, node);
	xmpp_stanza_release(iq);
	return rc;
}

int main(void)
{
	char dir[] = "/tmp/vigil-test-pubsub-XXXXXX", path[128], conf[512], err[256], jid[64];
	struct vigil_config cfg;
	struct fake_sender fake;
	struct store *st = NULL;
	struct pubsub *ps;
	size_t i, before;
	int steps;

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/vigil.db", dir);
	snprintf(conf, sizeof conf, "component.jid = " ME "\ncomponent.secret = s\n"
		 "room.jid = sig@conference.localhost\nstorage.path = %s\n"
		 "pubsub.max_subscriptions_per_jid = 3\n", path);
	config_defaults(&cfg);
	if (config_parse(&cfg, "test.conf", conf, err, sizeof err) < 0)
		diag("config: %s", err);
	ok(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err) == 0,
	   "a fresh database");
	fake_sender_init(&fake, ctx, ME);
	ps = pubsub_new(&cfg, st, &fake.sender);
	ok(ps != NULL, "a PubSub service");

	/* --- subscribe ------------------------------------------------------------------- */
	subscribe(ps, "alice@localhost", "threats");
	ok(fake_count_with(&fake, "type=\"result\"", "<subscription", "node=\"threats\"",
			   "jid=\"alice@localhost\"", "subscription=\"subscribed\"", "subid=", NULL) == 1,
	   "subscribing answers the subscription: %s", fake_last(&fake));
	fake_sender_clear(&fake);
	request(ps, "<iq type='set' id='x' from='mallory@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><subscribe node='threats' jid='alice@localhost'/></pubsub></iq>");
	ok(fake_count_with(&fake, "type=\"error\"", "bad-request", "invalid-jid", NULL) == 1,
	   "subscribing someone else: bad-request, invalid-jid");
	fake_sender_clear(&fake);
	subscribe(ps, "alice@localhost", "nosuchnode");
	ok(fake_count_with(&fake, "type=\"error\"", "item-not-found", NULL) == 1,
	   "an unknown node: item-not-found");
	fake_sender_clear(&fake);
	/* the same checks stand before an unsubscription */
	request(ps, "<iq type='set' id='x' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><subscribe jid='alice@localhost'/></pubsub></iq>");
	request(ps, "<iq type='set' id='x' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><unsubscribe jid='alice@localhost'/></pubsub></iq>");
	ok(fake_count_with(&fake, "type=\"error\"", "bad-request", "nodeid-required", NULL) == 2,
	   "no node named, to subscribe or unsubscribe: bad-request, nodeid-required");
	fake_sender_clear(&fake);
	request(ps, "<iq type='set' id='x' from='mallory@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><unsubscribe node='threats' jid='alice@localhost'/></pubsub></iq>");
	request(ps, "<iq type='set' id='x' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><unsubscribe node='nosuchnode' jid='alice@localhost'/></pubsub></iq>");
	ok(fake_count_with(&fake, "type=\"error\"", "bad-request", "invalid-jid", NULL) == 1 &&
	   fake_count_with(&fake, "type=\"error\"", "item-not-found", NULL) == 1,
	   "unsubscribing someone else, or from an unknown node: invalid-jid, item-not-found");
	fake_sender_clear(&fake);
	subscribe(ps, "bob@localhost", "threats");
	subscribe(ps, "bob@localhost/phone", "threats");
	subscribe(ps, "bob@localhost", "priority");
	subscribe(ps, "bob@localhost/tablet", "priority");
	ok(fake_count_with(&fake, "type=\"result\"", NULL) == 3 &&
	   fake_count_with(&fake, "policy-violation", "too-many-subscriptions", NULL) == 1,
	   "one account holds at most the cap (3), its full JIDs included");

	/* --- the subscriptions --------------------------------------------------------------- */
	fake_sender_clear(&fake);
	request(ps, "<iq type='get' id='l' from='bob@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><subscriptions/></pubsub></iq>");
	ok(fake_count_with(&fake, "<subscriptions", "jid=\"bob@localhost/phone\"",
			   "node=\"priority\"", NULL) == 1 &&
	   fake_count_with(&fake, "alice@localhost", NULL) == 0,
	   "the subscriptions are the requester's own: %s", fake_last(&fake));

	/* --- unsubscribe ------------------------------------------------------------------- */
	fake_sender_clear(&fake);
	request(ps, "<iq type='set' id='u' from='bob@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><unsubscribe node='priority' jid='bob@localhost'/></pubsub></iq>");
	ok(fake_count_with(&fake, "type=\"result\"", "id=\"u\"", NULL) == 1, "unsubscribing");
	request(ps, "<iq type='set' id='u2' from='bob@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><unsubscribe node='priority' jid='bob@localhost'/></pubsub></iq>");
	ok(fake_count_with(&fake, "id=\"u2\"", "not-subscribed", NULL) == 1,
	   "unsubscribing again: not-subscribed");

	/* --- items --------------------------------------------------------------------------- */
	store_item_put(st, "threats", "T-1", "<threat xmlns='urn:vigil:threat:0' id='T-1'/>");
	store_item_put(st, "threats", "T-2", "<threat xmlns='urn:vigil:threat:0' id='T-2'/>");
	fake_sender_clear(&fake);
	request(ps, "<iq type='get' id='i' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><items node='threats'/></pubsub></iq>");
	ok(fake_count_with(&fake, "type=\"result\"", "<items node=\"threats\"", "id=\"T-1\"",
			   "id=\"T-2\"", NULL) == 1, "the node's items: %s", fake_last(&fake));
	fake_sender_clear(&fake);
	request(ps, "<iq type='get' id='i' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><items node='threats' max_items='1'/></pubsub></iq>");
	ok(fake_count_with(&fake, "id=\"T-2\"", NULL) == 1 && fake_count_with(&fake, "id=\"T-1\"", NULL) == 0,
	   "max_items=1: the newest only");
	fake_sender_clear(&fake);
	request(ps, "<iq type='get' id='i' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><items node='threats'><item id='T-1'/></items></pubsub></iq>");
	ok(fake_count_with(&fake, "id=\"T-1\"", NULL) == 1 && fake_count_with(&fake, "id=\"T-2\"", NULL) == 0,
	   "an item by id");
	{
		/* an item kept as the threat's current state: built from the register */
		struct threat t;
		char id[32];

		threat_init(&t);
		threat_set(&t, THREAT_NAME, "Dialback <spoofing>");
		threat_set(&t, THREAT_ABSTRACT, "Forged db:result");
		threat_set(&t, THREAT_STATUS, "identified");
		t.priority = strdup("unassessed");
		is_int(store_threat_insert(st, &t, "alice@localhost", NULL), 0, "a threat is filed");
		snprintf(id, sizeof id, "T-%lld", t.id);
		store_item_put(st, "threats", id, STORE_ITEM_CURRENT);
		store_item_put(st, "threats", "T-999", STORE_ITEM_CURRENT); /* no such threat */
		fake_sender_clear(&fake);
		request(ps, "<iq type='get' id='c' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
			NS_PUBSUB_XML "'><items node='threats' max_items='2'/></pubsub></iq>");
		ok(fake_count_with(&fake, "type=\"result\"", id, "<threat ", "xmlns=\"urn:vigil:threat:0\"",
				   "Dialback &lt;spoofing&gt;", "revision=\"1\"", "<item id=\"T-999\"/>",
				   NULL) == 1,
		   "an item kept as the current state is the threat, built when asked for: %s",
		   fake_last(&fake));
		threat_clear(&t);
	}
	fake_sender_clear(&fake);
	request(ps, "<iq type='set' id='p' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><publish node='threats'><item id='T-9'/></publish></pubsub></iq>");
	ok(fake_count_with(&fake, "type=\"error\"", "forbidden", NULL) == 1, "only vigil publishes");
	fake_sender_clear(&fake);
	request(ps, "<iq type='set' id='o' from='alice@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "#owner'><delete node='threats'/></pubsub></iq>");
	ok(fake_count_with(&fake, "type=\"error\"", "forbidden", NULL) == 1, "vigil owns its nodes");

	/* --- a node's disco ---------------------------------------------------------------- */
	fake_sender_clear(&fake);
	is_int(node_disco(ps, "threats", 0), 0, "disco#info on a node");
	ok(fake_count_with(&fake, "category=\"pubsub\"", "type=\"leaf\"", "name=\"Threats\"",
			   "pubsub#meta-data", NULL) == 1, "... names it from the node table");
	is_int(node_disco(ps, "nosuchnode", 0), -1, "not on a node that is not ours");
	fake_sender_clear(&fake);
	is_int(node_disco(ps, "threats", 1), 0, "disco#items on a node");
	ok(fake_count_with(&fake, "name=\"T-1\"", "name=\"T-2\"", NULL) == 1, "... lists its items");

	/* --- publishing: the fan-out ------------------------------------------------------- */
	built = 0;
	is_int(pubsub_publish(ps, "priority", "P-1", payload, "<change xmlns='urn:vigil:threat:0'/>"),
	       0, "publishing to a node nobody follows");
	ok(!pubsub_fanout_busy(ps), "... has nothing to send");
	is_int(built, 0, "... and builds no payload");
	for (i = 0; i < SUBSCRIBERS - 3; i++) {
		snprintf(jid, sizeof jid, "user%zu@localhost", i);
		subscribe(ps, jid, "threats");
	}
	fake_sender_clear(&fake);
	is_int(pubsub_publish(ps, "threats", "T-1", payload,
			      "<threat xmlns='urn:vigil:threat:0' id='T-1'/>"),
	       0, "publishing to the subscribers of threats");
	is_int(built, 1, "the payload is built once for the fan-out");
	ok(pubsub_fanout_busy(ps), "a fan-out is under way");
	is_int(fake.count, 0, "nothing is sent before the first step");
	steps = 0;
	before = 0;
	while (pubsub_fanout_step(ps)) {
		steps++;
		if (fake.count - before != 200)
			break;
		before = fake.count;
	}
	steps++;
	is_int(steps, 3, "%d subscribers take three steps of at most 200", SUBSCRIBERS);
	is_int(fake.count, SUBSCRIBERS, "one notification each");
	ok(!pubsub_fanout_busy(ps), "then the fan-out is done");
	is_int(fake_count_with(&fake, "http://jabber.org/protocol/pubsub#event", "node=\"threats\"",
			       "id=\"T-1\"", "urn:vigil:threat:0", NULL), SUBSCRIBERS,
	       "each an event with the item and its payload");
	is_int(fake_count_with(&fake, "to=\"user17@localhost\"", NULL), 1, "to each subscriber once");
	is_int(fake_count_with(&fake, "to=\"bob@localhost/phone\"", NULL), 1,
	       "a full JID's subscription gets its own");
	fake_sender_clear(&fake);
	pubsub_publish(ps, "threats", "T-2", payload, "<threat xmlns='urn:vigil:threat:0' id='T-2'/>");
	pubsub_fanout_step(ps);
	pubsub_fanout_reset(ps);
	ok(!pubsub_fanout_busy(ps) && fake.count == 200, "a fan-out reset stops after its batch");
	/* whether a node has subscribers is remembered, and forgotten when one leaves */
	subscribe(ps, "dave@localhost", "priority");
	built = 0;
	pubsub_publish(ps, "priority", "P-2", payload, "<change xmlns='urn:vigil:threat:0'/>");
	ok(pubsub_fanout_busy(ps) && built == 1, "a node just subscribed to is published to");
	pubsub_fanout_reset(ps);
	request(ps, "<iq type='set' id='u3' from='dave@localhost/pc' to='" ME "'><pubsub xmlns='"
		NS_PUBSUB_XML "'><unsubscribe node='priority' jid='dave@localhost'/></pubsub></iq>");
	built = 0;
	pubsub_publish(ps, "priority", "P-3", payload, "<change xmlns='urn:vigil:threat:0'/>");
	ok(!pubsub_fanout_busy(ps) && built == 0, "after its last subscriber left, nobody is told");

	fake_sender_clear(&fake);
	pubsub_free(ps);
	store_close(st);
	config_free(&cfg);
	unlink(path);
	snprintf(path, sizeof path, "%s/vigil.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/vigil.db-shm", dir);
	unlink(path);
	rmdir(dir);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
