/* SPDX-License-Identifier: MIT */
/* Stanza helpers: replies that always carry `from`, errors, children. */
#include "component/xmpp/stanza.h"

#include <string.h>
#include <strings.h>

#include "component/xmpp/ns.h"

xmpp_stanza_t *stanza_reply(xmpp_stanza_t *request)
{
	xmpp_stanza_t *reply = xmpp_stanza_reply(request);
	const char *to = xmpp_stanza_get_to(request);

	if (!reply)
		return NULL;
	if (to)
		xmpp_stanza_set_from(reply, to);
	if (strcmp(xmpp_stanza_get_name(request), "iq") == 0)
		xmpp_stanza_set_type(reply, "result");
	return reply;
}

xmpp_stanza_t *stanza_add_child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
	xmpp_stanza_t *child = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	if (!child)
		return NULL;
	xmpp_stanza_set_name(child, name);
	if (ns)
		xmpp_stanza_set_ns(child, ns);
	/* add_child_ex without clone: the parent takes our reference */
	if (xmpp_stanza_add_child_ex(parent, child, 0) != XMPP_EOK) {
		xmpp_stanza_release(child);
		return NULL;
	}
	return child;
}

xmpp_stanza_t *stanza_ping_new(xmpp_ctx_t *ctx, const char *id, const char *from,
			       const char *to)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", id);

	if (!iq)
		return NULL;
	xmpp_stanza_set_from(iq, from);
	xmpp_stanza_set_to(iq, to);
	if (!stanza_add_child(iq, "ping", NS_PING)) {
		xmpp_stanza_release(iq);
		return NULL;
	}
	return iq;
}

xmpp_stanza_t *stanza_add_text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
	xmpp_stanza_t *child = stanza_add_child(parent, name, NULL);
	xmpp_stanza_t *body;

	if (!child || !text || !*text)
		return child;
	body = xmpp_stanza_new(xmpp_stanza_get_context(parent));
	if (!body)
		return NULL;
	xmpp_stanza_set_text(body, text);
	if (xmpp_stanza_add_child_ex(child, body, 0) != XMPP_EOK) {
		xmpp_stanza_release(body);
		return NULL;
	}
	return child;
}

xmpp_stanza_t *stanza_error_reply(xmpp_stanza_t *request, const char *type,
				  const char *condition, const char *app_ns,
				  const char *app_condition, const char *text)
{
	xmpp_stanza_t *reply = stanza_reply(request);
	xmpp_stanza_t *error, *child;

	if (!reply)
		return NULL;
	xmpp_stanza_set_type(reply, "error");
	error = stanza_add_child(reply, "error", NULL);
	if (!error)
		goto fail;
	xmpp_stanza_set_type(error, type);
	if (!stanza_add_child(error, condition, NS_STANZAS))
		goto fail;
	if (text) {
		child = stanza_add_text_child(error, "text", text);
		if (!child)
			goto fail;
		xmpp_stanza_set_ns(child, NS_STANZAS);
	}
	if (app_ns && app_condition && !stanza_add_child(error, app_condition, app_ns))
		goto fail;
	return reply;
fail:
	xmpp_stanza_release(reply);
	return NULL;
}

const char *stanza_error_condition(xmpp_stanza_t *stanza)
{
	xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(stanza, "error");
	xmpp_stanza_t *child;

	if (!error)
		return NULL;
	for (child = xmpp_stanza_get_children(error); child; child = xmpp_stanza_get_next(child)) {
		const char *ns = xmpp_stanza_get_ns(child);
		if (xmpp_stanza_is_tag(child) && ns && strcmp(ns, NS_STANZAS) == 0 &&
		    strcmp(xmpp_stanza_get_name(child), "text") != 0)
			return xmpp_stanza_get_name(child);
	}
	return NULL;
}

int stanza_has_child(xmpp_stanza_t *stanza, const char *name, const char *ns)
{
	return xmpp_stanza_get_child_by_name_and_ns(stanza, name, ns) != NULL;
}

int jid_bare_equal(const char *jid, const char *bare)
{
	size_t len;

	if (!jid || !bare)
		return 0;
	len = strcspn(jid, "/");
	return len == strlen(bare) && strncasecmp(jid, bare, len) == 0;
}
