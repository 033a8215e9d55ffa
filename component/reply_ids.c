/* SPDX-License-Identifier: MIT */
/* Replies to vigil's announcements: see reply_ids.h. */
#include "component/reply_ids.h"

#include <stdlib.h>
#include <string.h>

#include "component/xmpp/ns.h"

long long reply_ids_threat_of(const char *body)
{
	char *end;
	long long n;

	if (!body || body[0] != 'T' || body[1] != '-' || body[2] < '0' || body[2] > '9')
		return 0;
	n = strtoll(body + 2, &end, 10);
	/* "T-7 ..." and "T-7: ..."; not a burst "T-7…T-9" */
	return n > 0 && (*end == ' ' || *end == ':') ? n : 0;
}

void reply_ids_remember(struct reply_ids *r, const char *id, long long threat)
{
	size_t len = id ? strlen(id) : 0;

	if (!len || len >= REPLY_ID_MAX || threat <= 0)
		return;
	memcpy(r->slot[r->next].id, id, len + 1);
	r->slot[r->next].threat = threat;
	r->next = (r->next + 1) % REPLY_IDS_KEPT;
}

long long reply_ids_find(const struct reply_ids *r, const char *id)
{
	unsigned i;

	for (i = 0; id && *id && i < REPLY_IDS_KEPT; i++)
		if (r->slot[i].threat && strcmp(r->slot[i].id, id) == 0)
			return r->slot[i].threat;
	return 0;
}

const char *reply_ids_room_stanza_id(xmpp_stanza_t *message, const char *room_jid)
{
	const char *found = NULL;
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(message); c; c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_get_name(c), *ns = xmpp_stanza_get_ns(c);
		const char *by = xmpp_stanza_get_attribute(c, "by");
		if (!name || !ns || !by || strcmp(name, "stanza-id") != 0 || strcmp(ns, NS_SID) != 0 ||
		    strcmp(by, room_jid) != 0)
			continue;
		/* a room that stamps its own strips a sender's (XEP-0359 §5); two
		 * by the room mean one was forged beside it: take neither */
		if (found)
			return NULL;
		found = xmpp_stanza_get_attribute(c, "id");
		if (!found)
			return NULL;
	}
	/* one a member made up where the room stamps none could be of any
	 * size: it is kept with the comment and rides in its PubSub item */
	return found && *found && strlen(found) < REPLY_ID_MAX ? found : NULL;
}

void reply_ids_note_own(struct reply_ids *r, xmpp_stanza_t *message, xmpp_stanza_t *body,
			const char *room_jid)
{
	char *text = xmpp_stanza_get_text(body);
	long long threat = reply_ids_threat_of(text);

	if (threat) {
		reply_ids_remember(r, reply_ids_room_stanza_id(message, room_jid), threat);
		reply_ids_remember(r, xmpp_stanza_get_id(message), threat);
	}
	if (text)
		xmpp_free(xmpp_stanza_get_context(body), text);
}

long long reply_ids_target(const struct reply_ids *r, xmpp_stanza_t *message, const char *nick)
{
	xmpp_stanza_t *reply = xmpp_stanza_get_child_by_ns(message, NS_REPLY);
	const char *to, *slash;

	if (!reply || !xmpp_stanza_get_name(reply) || strcmp(xmpp_stanza_get_name(reply), "reply") != 0)
		return 0;
	to = xmpp_stanza_get_attribute(reply, "to");
	slash = to ? strchr(to, '/') : NULL;
	if (to && (!slash || strcmp(slash + 1, nick) != 0))
		return -1; /* a reply to someone else: its fallback quote is theirs too */
	return reply_ids_find(r, xmpp_stanza_get_attribute(reply, "id"));
}
