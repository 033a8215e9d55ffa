/* SPDX-License-Identifier: MIT */
/* The one dispatch point for chat messages: groupchat in the SIG room, direct
 * messages to the component, and private messages through the room. The
 * chat commands of PROTOCOL.md §8 run the same operations as the ad-hoc
 * commands (commands/register/ops.c). */
#ifndef VIGIL_CHAT_H
#define VIGIL_CHAT_H

struct commands_ctx;
struct chat_ctx;

enum chat_origin {
	CHAT_DIRECT,        /* message to the component JID */
	CHAT_ROOM,          /* groupchat in the SIG room */
	CHAT_ROOM_PRIVATE,  /* private message from a room occupant */
};

struct chat_message {
	enum chat_origin origin;
	const char *from;    /* full JID the message came from (room/nick in the room) */
	const char *sender;  /* bare real JID of the person, NULL when the room hides it */
	const char *nick;    /* room nick, NULL for direct messages */
	const char *body;
	const char *stanza_id; /* the room's XEP-0359 stanza-id of a groupchat message, or NULL */
	long long reply_to;    /* the threat whose announcement this replies to (XEP-0461), or 0;
				* -1: a reply to someone else's message, never a comment */
};

/* Sends `text` back where the message came from (the room or the sender). */
typedef void (*chat_reply_fn)(void *reply_ctx, const char *text);

struct chat_ctx *chat_new(struct commands_ctx *cc);
void chat_free(struct chat_ctx *chat);

/* Handles one chat message. Returns 1 when it was meant for vigil. */
int chat_dispatch(struct chat_ctx *chat, const struct chat_message *msg, chat_reply_fn reply,
		  void *reply_ctx);

/* Forgets guided filings idle for longer than commands.session_timeout. */
void chat_expire(struct chat_ctx *chat);

#endif
