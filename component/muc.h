/* SPDX-License-Identifier: MIT */
/* vigil's seat in the SIG's MUC room (XEP-0045): join without history,
 * create and configure the room when missing, another nick on conflict,
 * rejoin after kick/destroy/restart ("muc-rejoin" timer), XEP-0410
 * self-ping ("muc-selfping" timer). Sends through a sender, waits on the
 * loop's timers, and tells the rest through callbacks. */
#ifndef VIGIL_MUC_H
#define VIGIL_MUC_H

#include <stddef.h>
#include <strophe.h>

#include "commands/chat/chat.h"

struct loop;
struct sender;
struct vigil_config;

struct muc_callbacks {
	/* In the room (each join, rejoins too). May be NULL. */
	void (*joined)(void *arg);
	/* In the room and allowed to speak (joined with voice, or given voice):
	 * what waits for the room may go. May be NULL. */
	void (*can_speak)(void *arg);
	/* A chat message from the room or an occupant (never history, never
	 * our own echo): reply(reply_ctx, text) answers where it came from,
	 * during the call. May be NULL. */
	void (*message)(void *arg, const struct chat_message *msg, chat_reply_fn reply,
			void *reply_ctx);
	void *arg;
};

/* Keeps cfg, sender and loop; copies cb. NULL when out of memory. */
struct muc *muc_new(const struct vigil_config *cfg, const struct sender *sender,
		    struct loop *loop, const struct muc_callbacks *cb);
void muc_free(struct muc *muc);

/* The stream is up (join now) / down (out of the room, timers stopped). */
void muc_on_connected(struct muc *muc);
void muc_on_disconnected(struct muc *muc);

/* Presence or message from the room (bare JID = room.jid). Return 1. */
int muc_handle_presence(struct muc *muc, xmpp_stanza_t *presence);
int muc_handle_message(struct muc *muc, xmpp_stanza_t *message);

/* An iq result or error: 1 when it answers what the room asked (the
 * self-ping), 0 otherwise. arg is the struct muc (a router answer handler). */
int muc_handle_answer(void *arg, xmpp_stanza_t *iq);

/* Leaves the room (shutdown). */
void muc_leave(struct muc *muc, const char *reason);

/* In the room and allowed to speak: a visitor (no voice) is not, so
 * announcements wait for voice. */
int muc_can_speak(const struct muc *muc);
const char *muc_current_nick(const struct muc *muc);

/* Real bare JID of an occupant, NULL when unknown (anonymous room). */
const char *muc_occupant_jid(const struct muc *muc, const char *nick);

/* Says `text` in the room. 0 when handed to the sender, -1 when not in the
 * room or not sent (out of memory, refused by the send guard). */
int muc_say(struct muc *muc, const char *text);

/* Pure: the nick to try after `attempt` conflicts ("vigil", "vigil_", "vigil_2"). */
void muc_nick_for_attempt(const char *base, int attempt, char *out, size_t outlen);

#endif
