/* SPDX-License-Identifier: MIT */
/* Sending a chat reply (chat_say in chat_internal.h): below chat.c and
 * dialogue.c, which both answer through it. */
#include <stdlib.h>
#include <string.h>

#include "commands/chat/chat_internal.h"
#include "commands/register/context.h"
#include "commands/text/text.h"
#include "config/config.h"

#define CHAT_MAX_PARTS 8
#define CHAT_MAX_PARTS_TEXT "8"

static void send_part(void *ctx, const char *part)
{
	const struct chat_out *out = ctx;
	char *quoted;

	if (part[0] != '!') {
		out->reply(out->reply_ctx, part);
		return;
	}
	/* never start a reply with "!": another bot echoing it must not run a command */
	quoted = malloc(strlen(part) + 2);
	if (!quoted)
		return;
	quoted[0] = ' ';
	strcpy(quoted + 1, part);
	out->reply(out->reply_ctx, quoted);
	free(quoted);
}

/* A reply is at most CHAT_MAX_PARTS messages of chat.max_reply bytes and a
 * note that the rest was left out: a long history is never sent as a flood. */
void chat_say(const struct chat_out *out, const char *text)
{
	if (text_split(text, (size_t)out->chat->cc->cfg->chat_max_reply, CHAT_MAX_PARTS, send_part,
		       (void *)out))
		out->reply(out->reply_ctx, "(The rest is left out: a reply takes at most "
					   CHAT_MAX_PARTS_TEXT " messages. The ad-hoc commands show all of it.)");
}

void chat_say_text(const struct chat_out *out, struct text *t)
{
	char *msg = text_take(t);

	chat_say(out, msg ? msg : "Sorry, I am out of memory.");
	free(msg);
}

void chat_say_error(const struct chat_out *out, const char *problem, const char *usage)
{
	struct text t = { 0 };

	text_add(&t, "%s — usage: %s", problem, usage);
	chat_say_text(out, &t);
}
