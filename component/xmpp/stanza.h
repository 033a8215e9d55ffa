/* SPDX-License-Identifier: MIT */
/* Small helpers over libstrophe's stanza API. Every stanza vigil sends carries
 * `from`: Prosody and ejabberd close a component stream on a stanza without a
 * valid one, and xmpp_stanza_reply() drops it. */
#ifndef VIGIL_STANZA_H
#define VIGIL_STANZA_H

#include <strophe.h>

#include "component/xmpp/ns.h"

/* A reply to `request` (same name, id; type "result" for iq) with from/to
 * swapped. NULL on allocation failure. */
xmpp_stanza_t *stanza_reply(xmpp_stanza_t *request);

/* An error reply: <error type='...'><condition/><app_condition xmlns='app_ns'/>
 * <text>text</text></error>. app_ns/app_condition/text may be NULL. */
xmpp_stanza_t *stanza_error_reply(xmpp_stanza_t *request, const char *type,
				  const char *condition, const char *app_ns,
				  const char *app_condition, const char *text);

/* Adds an element child named `name` (namespace `ns`, may be NULL) to parent
 * and returns it; the parent owns it. NULL on failure. */
xmpp_stanza_t *stanza_add_child(xmpp_stanza_t *parent, const char *name, const char *ns);

/* A ping (XEP-0199): <iq type='get' id from to><ping/></iq>, or NULL. */
xmpp_stanza_t *stanza_ping_new(xmpp_ctx_t *ctx, const char *id, const char *from,
			       const char *to);

/* Adds <name>text</name> to parent; returns the child or NULL. */
xmpp_stanza_t *stanza_add_text_child(xmpp_stanza_t *parent, const char *name,
				     const char *text);

/* The condition name of an error stanza (e.g. "conflict"), or NULL. */
const char *stanza_error_condition(xmpp_stanza_t *stanza);

/* True if `stanza` has a child <name xmlns='ns'>. */
int stanza_has_child(xmpp_stanza_t *stanza, const char *name, const char *ns);

/* True when jid's bare part equals bare (case-insensitive in node/domain). */
int jid_bare_equal(const char *jid, const char *bare);

#endif
