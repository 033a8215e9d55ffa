/* SPDX-License-Identifier: MIT */
/* Shared by commands/chat/chat.c, dialogue.c and say.c. */
#ifndef VIGIL_CHAT_INTERNAL_H
#define VIGIL_CHAT_INTERNAL_H

#include "commands/chat/chat.h"
#include "commands/register/context.h"
#include "commands/text/text.h"
#include "storage/store.h"
#include "storage/threat.h"

struct dialogue;
struct ratelimit;

#define CHAT_UNFOLDED_KEPT 64 /* threats unfolded within chat.unfold_interval, remembered */

struct chat_ctx {
	struct commands_ctx *cc;
	struct {
		long long threat;
		double at;               /* monotonic seconds */
	} unfolded[CHAT_UNFOLDED_KEPT];
	size_t unfolded_count;
	struct ratelimit *rate;        /* commands */
	struct ratelimit *answer_rate; /* answers in a guided filing: cheaper, so looser */
	struct dialogue *dialogues;
};

/* A reply, split below chat.max_reply characters. */
struct chat_out {
	struct chat_ctx *chat;
	chat_reply_fn reply;
	void *reply_ctx;
};
/* Says text where the message came from (commands/chat/say.c). */
void chat_say(const struct chat_out *out, const char *text);
/* Says t's text (and clears t), or that memory ran out. */
void chat_say_text(const struct chat_out *out, struct text *t);
/* "PROBLEM — usage: USAGE". */
void chat_say_error(const struct chat_out *out, const char *problem, const char *usage);

/* Page `page` of the threats matching filter, 20 a page, one line each,
 * under "HEADING, page 2 of 37:"; `none` when nothing matches
 * (commands/chat/search.c). */
void chat_list_page(struct chat_ctx *chat, const struct chat_out *out,
		    const struct threat_filter *filter, long page, const char *heading,
		    const char *none);
/* !search WORDS [min=PRIORITY] [status=STATUS,…] [page=N]. */
void chat_search(struct chat_ctx *chat, const struct chat_out *out, const char *arg);

/* A room message that is not a command (commands/chat/talk.c): a reply to
 * one of vigil's lines becomes a comment, mentioned threats are unfolded.
 * 1 when vigil answered. */
int chat_room_talk(struct chat_ctx *chat, const struct chat_message *msg, const struct actor *who,
		   const struct chat_out *out);

/* Guided filing (commands/chat/dialogue.c), keyed by full JID. */
int dialogue_active(struct chat_ctx *chat, const char *jid);
void dialogue_start(struct chat_ctx *chat, const char *jid, const char *who,
		    const struct chat_out *out);
/* role: the requester's, worked out for this message. */
void dialogue_answer(struct chat_ctx *chat, const char *jid, const char *body, enum role role,
		     const struct chat_out *out);
void dialogue_expire(struct chat_ctx *chat, long long now);
void dialogue_free_all(struct chat_ctx *chat);

#endif
