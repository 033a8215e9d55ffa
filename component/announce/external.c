/* SPDX-License-Identifier: MIT */
/* The external PubSub service: see external.h. */
#include "component/announce/external.h"

#include <stdlib.h>
#include <string.h>

#include "component/announce/state.h"
#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/xmpp/nodes.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"

#define TIMER_EXTERNAL "announce-external"
#define EXTERNAL_TIMEOUT_MS 30000 /* an answer, before it counts as none */

static xmpp_stanza_t *set_iq(const struct sender *s, const char *service, char **id,
			     xmpp_stanza_t **pubsub)
{
	xmpp_stanza_t *iq;

	*id = sender_new_id(s);
	iq = *id ? xmpp_iq_new(s->ctx, "set", *id) : NULL;
	if (!iq)
		goto fail;
	xmpp_stanza_set_from(iq, s->jid);
	xmpp_stanza_set_to(iq, service);
	*pubsub = stanza_add_child(iq, "pubsub", NS_PUBSUB);
	if (*pubsub)
		return iq;
	xmpp_stanza_release(iq);
fail:
	free(*id);
	*id = NULL;
	return NULL;
}

static xmpp_stanza_t *fail(xmpp_stanza_t *iq, char **id)
{
	xmpp_stanza_release(iq);
	free(*id);
	*id = NULL;
	return NULL;
}

static xmpp_stanza_t *publish_iq(const struct sender *s, const char *service, const char *node,
				   const char *item_id, xmpp_stanza_t *payload, char **id)
{
	xmpp_stanza_t *pubsub, *publish, *item, *copy;
	xmpp_stanza_t *iq = set_iq(s, service, id, &pubsub);

	if (!iq)
		return NULL;
	publish = stanza_add_child(pubsub, "publish", NULL);
	item = publish ? stanza_add_child(publish, "item", NULL) : NULL;
	copy = item ? xmpp_stanza_copy(payload) : NULL;
	if (!copy)
		return fail(iq, id);
	xmpp_stanza_set_attribute(publish, "node", node);
	xmpp_stanza_set_id(item, item_id);
	if (xmpp_stanza_add_child_ex(item, copy, 0) != XMPP_EOK) {
		xmpp_stanza_release(copy);
		return fail(iq, id);
	}
	return iq;
}

static int add_field(xmpp_stanza_t *x, const char *var, const char *type, const char *value)
{
	xmpp_stanza_t *field = stanza_add_child(x, "field", NULL);

	if (!field)
		return -1;
	xmpp_stanza_set_attribute(field, "var", var);
	if (type)
		xmpp_stanza_set_type(field, type);
	return stanza_add_text_child(field, "value", value) ? 0 : -1;
}

/* Prosody refuses a publish to a missing node; ejabberd creates it with its
 * default_node_config and never needs this. */
static xmpp_stanza_t *create_iq(const struct sender *s, const char *service, const char *node,
				  const char *access_model, char **id)
{
	xmpp_stanza_t *pubsub, *create, *configure, *x;
	xmpp_stanza_t *iq = set_iq(s, service, id, &pubsub);

	if (!iq)
		return NULL;
	create = stanza_add_child(pubsub, "create", NULL);
	configure = stanza_add_child(pubsub, "configure", NULL);
	x = configure ? stanza_add_child(configure, "x", NS_DATA) : NULL;
	if (!create || !x)
		return fail(iq, id);
	xmpp_stanza_set_attribute(create, "node", node);
	xmpp_stanza_set_type(x, "submit");
	/* the register is the set of items (one per threat), not the last one */
	if (add_field(x, "FORM_TYPE", "hidden", "http://jabber.org/protocol/pubsub#node_config") < 0 ||
	    add_field(x, "pubsub#access_model", NULL, access_model) < 0 ||
	    add_field(x, "pubsub#persist_items", NULL, "1") < 0 ||
	    add_field(x, "pubsub#max_items", NULL, "max") < 0)
		return fail(iq, id);
	return iq;
}

/* --- one item at a time, answered before the next --------------------------- */

static void external_later(struct announcer *a, long long ms)
{
	a->external_retry_at = loop_now(a->loop) + ms;
	a->wake(a, ms);
}

/* The external service never answered: as a refusal, tried again later. */
static void external_unanswered(void *arg)
{
	struct announcer *a = arg;

	if (!a->external_id)
		return;
	free(a->external_id);
	a->external_id = NULL;
	a->external_creating = 0;
	log_warn("%s did not answer within %d s: trying again later", a->opts.external_service,
		 EXTERNAL_TIMEOUT_MS / 1000);
	external_later(a, STORE_RETRY_MS);
}

static void external_send(struct announcer *a, xmpp_stanza_t *iq)
{
	if (!iq || sender_send(a->sender, iq) < 0) {
		free(a->external_id);
		a->external_id = NULL;
		a->external_for = NULL;
		external_later(a, STORE_RETRY_MS); /* not built or not sent: again later */
	} else {
		loop_timer_set(a->loop, TIMER_EXTERNAL, EXTERNAL_TIMEOUT_MS, external_unanswered, a);
	}
	if (iq)
		xmpp_stanza_release(iq);
}

void external_pump(struct announcer *a)
{
	struct payload_source src = { a->sender->ctx, a->store, { 0 }, 0 };
	struct waiting *w;
	xmpp_stanza_t *payload;
	char id[64];

	if (!a->opts.external_service || a->external_id || loop_now(a->loop) < a->external_retry_at)
		return;
	for (w = a->head; w; w = w->next)
		if (w->loaded && (w->targets & ANNOUNCE_EXTERNAL) && !(w->done & ANNOUNCE_EXTERNAL))
			break;
	if (!w)
		return;
	if (w != a->external_for) {
		a->external_for = w;
		a->external_stage = 0;
	}
	src.src = waiting_source(a, w);
	src.stage = a->external_stage;
	item_id(&src.src, src.stage, id, sizeof id);
	payload = payload_build(&src);
	if (!payload) {
		external_later(a, STORE_RETRY_MS);
		return;
	}
	external_send(a, publish_iq(a->sender, a->opts.external_service,
					     a->external_stage ? NODE_PRIORITY : NODE_THREATS, id,
					     payload, &a->external_id));
	xmpp_stanza_release(payload);
}

int external_answer(struct announcer *a, xmpp_stanza_t *iq)
{
	const char *id = xmpp_stanza_get_id(iq), *type = xmpp_stanza_get_type(iq);
	const char *cond = stanza_error_condition(iq);
	struct waiting *w = a->external_for;
	int was_create = a->external_creating;
	long long delay;
	char *sent_id = a->external_id;

	if (!sent_id || !id || strcmp(id, sent_id) != 0)
		return 0;
	a->external_id = NULL;
	a->external_creating = 0;
	free(sent_id);
	loop_timer_cancel(a->loop, TIMER_EXTERNAL);
	a->wake(a, 0);
	if (!w)
		return 1;
	if (type && strcmp(type, "result") == 0) {
		a->external_failures = 0;
		if (was_create)
			return 1; /* publish again */
		if (a->external_stage == 0 && waiting_priority_moved(w)) {
			a->external_stage = 1;
		} else {
			w->done |= ANNOUNCE_EXTERNAL;
			a->external_for = NULL;
		}
		return 1;
	}
	if (cond && strcmp(cond, "item-not-found") == 0 && !was_create) {
		const char *node = a->external_stage ? NODE_PRIORITY : NODE_THREATS;
		log_info("creating node %s on %s (access model %s)", node, a->opts.external_service,
			 a->opts.access_model);
		a->external_creating = 1;
		external_send(a, create_iq(a->sender, a->opts.external_service, node,
						    a->opts.access_model, &a->external_id));
		return 1;
	}
	/* keep the item and try again later, backing off to a minute */
	a->external_failures++;
	delay = a->external_failures > 6 ? 60 : 1LL << a->external_failures;
	a->external_retry_at = loop_now(a->loop) + delay * 1000;
	log_warn("%s refused an item (%s): retrying in %lld s", a->opts.external_service,
		 cond ? cond : "error", delay);
	return 1;
}

void external_reset(struct announcer *a)
{
	free(a->external_id);
	a->external_id = NULL;
	a->external_creating = 0;
	a->external_for = NULL;
	loop_timer_cancel(a->loop, TIMER_EXTERNAL);
}
