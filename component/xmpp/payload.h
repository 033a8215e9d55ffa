/* SPDX-License-Identifier: MIT */
/* The urn:vigil:threat:0 payloads published over PubSub (PROTOCOL.md §6). */
#ifndef VIGIL_PAYLOAD_H
#define VIGIL_PAYLOAD_H

#include <strophe.h>

#include "commands/register/template.h" /* VIGIL_NS */
#include "storage/threat.h"

/* The old name, until component/ says VIGIL_NS: it is not a second definition. */
#define NS_VIGIL_THREAT VIGIL_NS

/* <threat xmlns='urn:vigil:threat:0' id='T-7' revision=... >...</threat> */
xmpp_stanza_t *payload_threat(xmpp_ctx_t *ctx, const struct threat *t);

/* Adds <comments count='n'><comment id='7' by='...' at='...'>text</comment>
 * </comments> to a threat payload: how many comments threat id has and the
 * latest (a deleted one without its text, deleted-by and deleted-at set).
 * Nothing when it has none. 0, or -1 when it could not be read or built. */
struct store;
int payload_add_comments(xmpp_stanza_t *threat_el, struct store *st, long long id);

/* <priority-change threat='T-7' from='medium' to='high' by='...' at='...'>
 *   <name>...</name></priority-change> */
xmpp_stanza_t *payload_priority_change(xmpp_ctx_t *ctx, const struct threat *t,
				       const char *from, const char *by, const char *at);

#endif
