/* Routing of incoming stanzas. iq get/set go to the handler registered for
 * the namespace of their payload; anything unknown is answered with
 * service-unavailable, never silence (PROTOCOL.md §2). */
#include "component/router.h"

#include <string.h>

#include "commands/adhoc/adhoc.h"
#include "commands/chat/chat.h"
#include "commands/chat/ratelimit.h"
#include "component/daemon.h"
#include "component/disco.h"
#include "component/log.h"
#include "component/muc.h"
#include "component/outbox.h"
#include "component/pubsub.h"
#include "component/xmpp/stanza.h"

typedef int (*iq_handler_fn)(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *payload);

/* XEP-0050: the commands layer builds the answer, we send it. */
static int handle_command(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *command)
{
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *reply;

	if (strcmp(type, "set") != 0)
		return -1;
	reply = adhoc_handle(&d->commands, iq);
	if (!reply)
		reply = stanza_error_reply(iq, "wait", "internal-server-error", NULL, NULL, NULL);
	if (reply) {
		/* announce a committed change now, and answer once that is done */
		outbox_send_after(d, reply);
		xmpp_stanza_release(reply);
	}
	return 0;
}

static const struct {
	const char *ns;
	iq_handler_fn handle;
} iq_routes[] = {
	{ NS_COMMANDS, handle_command },
	{ NS_PUBSUB, pubsub_handle },
	{ NS_PUBSUB_OWNER, pubsub_handle_owner },
	{ NS_DISCO_INFO, disco_handle_info },
	{ NS_DISCO_ITEMS, disco_handle_items },
	{ NS_PING, disco_handle_ping },
	{ NS_VERSION, disco_handle_version },
};

static xmpp_stanza_t *first_element(xmpp_stanza_t *stanza)
{
	xmpp_stanza_t *child;

	for (child = xmpp_stanza_get_children(stanza); child; child = xmpp_stanza_get_next(child))
		if (xmpp_stanza_is_tag(child))
			return child;
	return NULL;
}

static void send_error_text(struct daemon *d, xmpp_stanza_t *request, const char *type,
			    const char *condition, const char *text)
{
	xmpp_stanza_t *reply = stanza_error_reply(request, type, condition, NULL, NULL, text);

	if (reply) {
		daemon_send(d, reply);
		xmpp_stanza_release(reply);
	}
}

static void reply_error(struct daemon *d, xmpp_stanza_t *request, const char *type,
			const char *condition)
{
	send_error_text(d, request, type, condition, NULL);
}

/* The register's own requests (commands, PubSub) are for allowed domains
 * only, and each bare JID is held to access.rate_per_minute of them; disco,
 * ping and version stay open so anyone can see what vigil is. 0: go on. */
static int admit(struct daemon *d, xmpp_stanza_t *iq, const char *ns)
{
	const char *from = xmpp_stanza_get_from(iq);
	char *bare;
	int rc = 0;

	if (strcmp(ns, NS_COMMANDS) != 0 && strcmp(ns, NS_PUBSUB) != 0 &&
	    strcmp(ns, NS_PUBSUB_OWNER) != 0)
		return 0;
	bare = xmpp_jid_bare(d->ctx, from);
	if (!bare || role_of(d->cfg, bare) == ROLE_NONE) {
		log_info("refused %s from %s: domain not in access.allow_domains", ns, from);
		send_error_text(d, iq, "auth", "forbidden", "Your domain may not use this service.");
		rc = -1;
	} else if (ratelimit_check(d->iq_rate, bare, d->commands.monotonic()) != RATE_OK) {
		log_info("refused %s from %s: over access.rate_per_minute", ns, from);
		send_error_text(d, iq, "wait", "policy-violation",
				"Too many requests: at most access.rate_per_minute a minute. "
				"Try again shortly.");
		rc = -1;
	}
	if (bare)
		xmpp_free(d->ctx, bare);
	return rc;
}

static int route_iq(struct daemon *d, xmpp_stanza_t *iq)
{
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *payload;
	const char *ns;
	size_t i;

	if (!type || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return 1; /* results and errors of our own requests: id handlers took them */
	if (!xmpp_stanza_get_id(iq) || !xmpp_stanza_get_from(iq))
		return 1; /* cannot be answered (RFC 6120 §8.2.3) */
	payload = first_element(iq);
	ns = payload ? xmpp_stanza_get_ns(payload) : NULL;
	if (ns && admit(d, iq, ns) < 0)
		return 1;
	if (ns) {
		for (i = 0; i < sizeof iq_routes / sizeof iq_routes[0]; i++)
			if (strcmp(ns, iq_routes[i].ns) == 0 &&
			    iq_routes[i].handle(d, iq, payload) == 0)
				return 1;
	}
	log_debug("iq %s %s from %s: service-unavailable", type, ns ? ns : "(no payload)",
		  xmpp_stanza_get_from(iq));
	reply_error(d, iq, "cancel", "service-unavailable");
	return 1;
}

static int from_room(struct daemon *d, xmpp_stanza_t *stanza)
{
	return jid_bare_equal(xmpp_stanza_get_from(stanza), d->cfg->room_jid);
}

struct direct_reply {
	struct daemon *d;
	const char *to;
};

static void direct_reply(void *ctx, const char *text)
{
	struct direct_reply *r = ctx;
	xmpp_stanza_t *msg = xmpp_message_new(r->d->ctx, "chat", r->to, NULL);

	if (!msg)
		return;
	xmpp_stanza_set_from(msg, r->d->cfg->component_jid);
	if (stanza_add_text_child(msg, "body", text))
		daemon_send(r->d, msg);
	xmpp_stanza_release(msg);
}

static int route_message(struct daemon *d, xmpp_stanza_t *message)
{
	const char *type = xmpp_stanza_get_type(message);
	const char *from = xmpp_stanza_get_from(message);
	xmpp_stanza_t *body_el = xmpp_stanza_get_child_by_name(message, "body");
	struct chat_message msg = { 0 };
	struct direct_reply reply = { d, from };
	char *body, *bare;

	if (from_room(d, message))
		return muc_handle_message(d, message);
	if (!from || !body_el || (type && (strcmp(type, "error") == 0 ||
					   strcmp(type, "groupchat") == 0 ||
					   strcmp(type, "headline") == 0)))
		return 1; /* never answer errors or broadcasts: no loops */
	body = xmpp_stanza_get_text(body_el);
	bare = xmpp_jid_bare(d->ctx, from);
	if (body && bare) {
		msg.origin = CHAT_DIRECT;
		msg.from = from;
		msg.sender = bare;
		msg.body = body;
		chat_dispatch(d->chat, &msg, direct_reply, &reply);
		outbox_pump(d);
	}
	if (body)
		xmpp_free(d->ctx, body);
	if (bare)
		xmpp_free(d->ctx, bare);
	return 1;
}

static int route_presence(struct daemon *d, xmpp_stanza_t *presence)
{
	if (from_room(d, presence))
		return muc_handle_presence(d, presence);
	return 1; /* vigil keeps no roster */
}

int router_dispatch(struct daemon *d, xmpp_stanza_t *stanza)
{
	const char *name = xmpp_stanza_get_name(stanza);

	if (!name)
		return 1;
	if (strcmp(name, "iq") == 0)
		return route_iq(d, stanza);
	if (strcmp(name, "message") == 0)
		return route_message(d, stanza);
	if (strcmp(name, "presence") == 0)
		return route_presence(d, stanza);
	return 1;
}

static int stanza_handler(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	return router_dispatch(userdata, stanza);
}

void router_attach(struct daemon *d, xmpp_conn_t *conn)
{
	/* one handler for every stanza: libstrophe refuses the same
	 * (handler, userdata) pair twice */
	xmpp_handler_add(conn, stanza_handler, NULL, NULL, NULL, d);
}
