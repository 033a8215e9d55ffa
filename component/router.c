/* SPDX-License-Identifier: MIT */
/* Routing of incoming stanzas. iq get/set go to the handler registered for
 * the namespace of their payload; anything unknown is answered with
 * service-unavailable, never silence (PROTOCOL.md §2). */
#include "component/router.h"

#include <stdlib.h>
#include <string.h>

#include "commands/adhoc/adhoc.h"
#include "commands/chat/chat.h"
#include "commands/chat/ratelimit.h"
#include "component/disco.h"
#include "component/base/log.h"
#include "component/muc.h"
#include "component/pubsub/pubsub.h"
#include "component/xmpp/ns.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"
#include "config/config.h"

struct router {
	struct router_deps deps;
	struct {
		router_answer_fn fn;
		void *arg;
	} answerers[ROUTER_MAX_ANSWERERS];
	int nanswerers;
};

typedef int (*iq_handler_fn)(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *payload);

static void send_and_release(struct router *r, xmpp_stanza_t *stanza)
{
	if (stanza) {
		sender_send(r->deps.sender, stanza);
		xmpp_stanza_release(stanza);
	}
}

/* XEP-0050: the commands layer builds the answer, we send it. */
static int handle_command(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *command)
{
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *reply;

	if (strcmp(type, "set") != 0)
		return -1;
	reply = adhoc_handle(r->deps.commands, iq);
	if (!reply)
		reply = stanza_error_reply(iq, "wait", "internal-server-error", NULL, NULL, NULL);
	/* the answer leaves as soon as the change is committed: the
	 * announcements follow (the operation told the announcer) */
	if (reply) {
		sender_send(r->deps.sender, reply);
		xmpp_stanza_release(reply);
	}
	return 0;
}

static int handle_pubsub(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	return pubsub_handle(r->deps.pubsub, iq, payload);
}

static int handle_pubsub_owner(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	return pubsub_handle_owner(r->deps.pubsub, iq, payload);
}

static int handle_disco_info(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	return disco_handle_info(r->deps.disco, iq, payload);
}

static int handle_disco_items(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	return disco_handle_items(r->deps.disco, iq, payload);
}

static int handle_ping(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	return disco_handle_ping(r->deps.disco, iq, payload);
}

static int handle_version(struct router *r, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
	return disco_handle_version(r->deps.disco, iq, payload);
}

static const struct {
	const char *ns;
	iq_handler_fn handle;
} iq_routes[] = {
	{ NS_COMMANDS, handle_command },
	{ NS_PUBSUB, handle_pubsub },
	{ NS_PUBSUB_OWNER, handle_pubsub_owner },
	{ NS_DISCO_INFO, handle_disco_info },
	{ NS_DISCO_ITEMS, handle_disco_items },
	{ NS_PING, handle_ping },
	{ NS_VERSION, handle_version },
};

static xmpp_stanza_t *first_element(xmpp_stanza_t *stanza)
{
	xmpp_stanza_t *child;

	for (child = xmpp_stanza_get_children(stanza); child; child = xmpp_stanza_get_next(child))
		if (xmpp_stanza_is_tag(child))
			return child;
	return NULL;
}

static void send_error_text(struct router *r, xmpp_stanza_t *request, const char *type,
			    const char *condition, const char *text)
{
	send_and_release(r, stanza_error_reply(request, type, condition, NULL, NULL, text));
}

static void reply_error(struct router *r, xmpp_stanza_t *request, const char *type,
			const char *condition)
{
	send_error_text(r, request, type, condition, NULL);
}

/* The register's own requests (commands, PubSub) are for allowed domains
 * only, and each bare JID is held to access.rate_per_minute of them; disco,
 * ping and version stay open so anyone can see what vigil is. 0: go on. */
static int admit(struct router *r, xmpp_stanza_t *iq, const char *ns)
{
	const char *from = xmpp_stanza_get_from(iq);
	char *bare;
	int rc = 0;

	if (strcmp(ns, NS_COMMANDS) != 0 && strcmp(ns, NS_PUBSUB) != 0 &&
	    strcmp(ns, NS_PUBSUB_OWNER) != 0)
		return 0;
	bare = xmpp_jid_bare(r->deps.sender->ctx, from);
	if (!bare || role_of(r->deps.cfg, bare) == ROLE_NONE) {
		log_info("refused %s from %s: domain not in access.allow_domains", ns, from);
		send_error_text(r, iq, "auth", "forbidden", "Your domain may not use this service.");
		rc = -1;
	} else if (ratelimit_check(r->deps.iq_rate, bare, r->deps.commands->monotonic()) != RATE_OK) {
		log_info("refused %s from %s: over access.rate_per_minute", ns, from);
		send_error_text(r, iq, "wait", "policy-violation",
				"Too many requests: at most access.rate_per_minute a minute. "
				"Try again shortly.");
		rc = -1;
	}
	if (bare)
		xmpp_free(r->deps.sender->ctx, bare);
	return rc;
}

static int route_iq(struct router *r, xmpp_stanza_t *iq)
{
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *payload;
	const char *ns;
	size_t i;

	if (type && (strcmp(type, "result") == 0 || strcmp(type, "error") == 0)) {
		/* the answer to one of our own requests: the module that asked
		 * knows it by its id; nobody else's business (never answered) */
		for (i = 0; i < (size_t)r->nanswerers; i++)
			if (r->answerers[i].fn(r->answerers[i].arg, iq))
				break;
		return 1;
	}
	if (!type || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return 1;
	if (!xmpp_stanza_get_id(iq) || !xmpp_stanza_get_from(iq))
		return 1; /* cannot be answered (RFC 6120 §8.2.3) */
	payload = first_element(iq);
	ns = payload ? xmpp_stanza_get_ns(payload) : NULL;
	if (ns && admit(r, iq, ns) < 0)
		return 1;
	if (ns) {
		for (i = 0; i < sizeof iq_routes / sizeof iq_routes[0]; i++)
			if (strcmp(ns, iq_routes[i].ns) == 0 &&
			    iq_routes[i].handle(r, iq, payload) == 0)
				return 1;
	}
	log_debug("iq %s %s from %s: service-unavailable", type, ns ? ns : "(no payload)",
		  xmpp_stanza_get_from(iq));
	reply_error(r, iq, "cancel", "service-unavailable");
	return 1;
}

static int from_room(struct router *r, xmpp_stanza_t *stanza)
{
	return jid_bare_equal(xmpp_stanza_get_from(stanza), r->deps.cfg->room_jid);
}

struct direct_reply {
	struct router *r;
	const char *to;
};

static void direct_reply(void *ctx, const char *text)
{
	const struct direct_reply *dr = ctx;
	const struct router *r = dr->r;
	xmpp_stanza_t *msg = xmpp_message_new(r->deps.sender->ctx, "chat", dr->to, NULL);

	if (!msg)
		return;
	xmpp_stanza_set_from(msg, r->deps.cfg->component_jid);
	if (stanza_add_text_child(msg, "body", text))
		sender_send(r->deps.sender, msg);
	xmpp_stanza_release(msg);
}

static int route_message(struct router *r, xmpp_stanza_t *message)
{
	const char *type = xmpp_stanza_get_type(message);
	const char *from = xmpp_stanza_get_from(message);
	xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(message, "body");
	struct chat_message msg = { 0 };
	struct direct_reply reply = { r, from };
	char *body, *bare;

	if (from_room(r, message))
		return muc_handle_message(r->deps.muc, message);
	if (!from || !body_el || (type && (strcmp(type, "error") == 0 ||
					   strcmp(type, "groupchat") == 0 ||
					   strcmp(type, "headline") == 0)))
		return 1; /* never answer errors or broadcasts: no loops */
	body = xmpp_stanza_get_text(body_el);
	bare = xmpp_jid_bare(r->deps.sender->ctx, from);
	if (body && bare) {
		msg.origin = CHAT_DIRECT;
		msg.from = from;
		msg.sender = bare;
		msg.body = body;
		chat_dispatch(r->deps.chat, &msg, direct_reply, &reply);
	}
	if (body)
		xmpp_free(r->deps.sender->ctx, body);
	if (bare)
		xmpp_free(r->deps.sender->ctx, bare);
	return 1;
}

static int route_presence(struct router *r, xmpp_stanza_t *presence)
{
	if (from_room(r, presence))
		return muc_handle_presence(r->deps.muc, presence);
	return 1; /* vigil keeps no roster */
}

int router_dispatch(struct router *r, xmpp_stanza_t *stanza)
{
	const char *name = xmpp_stanza_get_name(stanza);

	if (!name)
		return 1;
	if (strcmp(name, "iq") == 0)
		return route_iq(r, stanza);
	if (strcmp(name, "message") == 0)
		return route_message(r, stanza);
	if (strcmp(name, "presence") == 0)
		return route_presence(r, stanza);
	return 1;
}

struct router *router_new(const struct router_deps *deps)
{
	struct router *r = calloc(1, sizeof *r);

	if (r)
		r->deps = *deps;
	return r;
}

void router_free(struct router *r)
{
	free(r);
}

int router_on_answer(struct router *r, router_answer_fn fn, void *arg)
{
	if (r->nanswerers == ROUTER_MAX_ANSWERERS)
		return -1;
	r->answerers[r->nanswerers].fn = fn;
	r->answerers[r->nanswerers].arg = arg;
	r->nanswerers++;
	return 0;
}
