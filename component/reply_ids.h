/* SPDX-License-Identifier: MIT */
/* Which of vigil's room messages were about which threat, so that a reply
 * to one (XEP-0461: <reply to='room/vigil' id='...'/>) is a comment on
 * that threat. A client names the message by the room's stanza-id
 * (XEP-0359) when the room gives one, else by its message id (XEP-0461
 * §3): both are remembered from the room's echo of vigil's message. Kept
 * in memory, the newest REPLY_IDS_KEPT: an older reply falls back to its
 * quote (XEP-0393), which names the threat too. */
#ifndef VIGIL_COMPONENT_REPLY_IDS_H
#define VIGIL_COMPONENT_REPLY_IDS_H

#include <strophe.h>

#define REPLY_IDS_KEPT 128
#define REPLY_ID_MAX 128 /* longer ids are not remembered */

struct reply_ids {
	struct {
		char id[REPLY_ID_MAX];
		long long threat;
	} slot[REPLY_IDS_KEPT];
	unsigned next;
};

/* The threat a message of vigil's names first ("T-7 ..."), or 0. */
long long reply_ids_threat_of(const char *body);
/* Remembers id (NULL or too long: ignored) as naming threat. */
void reply_ids_remember(struct reply_ids *r, const char *id, long long threat);
/* The threat remembered for id, or 0. */
long long reply_ids_find(const struct reply_ids *r, const char *id);

/* --- from the room's messages (component/muc.c) --- */

/* The room's XEP-0359 stanza-id of message: only one the room itself
 * stamped (its `by` is room_jid, XEP-0359 §3.1), never one a sender made
 * up; NULL when none, when two claim the room (one is forged) or when it
 * is REPLY_ID_MAX bytes or longer. */
const char *reply_ids_room_stanza_id(xmpp_stanza_t *message, const char *room_jid);

/* vigil's own message echoed by the room: remembers which threat it was
 * about, by both ids a reply may name (XEP-0461 §3). */
void reply_ids_note_own(struct reply_ids *r, xmpp_stanza_t *message, xmpp_stanza_t *body,
			const char *room_jid);

/* The threat whose line a XEP-0461 reply in message answers: one
 * addressed to vigil's occupant (nick), or to nobody in particular,
 * naming a remembered id; -1 for a reply addressed to someone else (its
 * quote is not a reply to vigil either); else 0. */
long long reply_ids_target(const struct reply_ids *r, xmpp_stanza_t *message, const char *nick);

#endif
