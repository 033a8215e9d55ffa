/* SPDX-License-Identifier: MIT */
/* The room's conversation meets the register: a reply to one
 * of vigil's lines becomes a comment on its threat, and a mention of a
 * threat id is unfolded into a one-line summary. Only groupchat that is
 * not a command reaches here: never history (XEP-0203, dropped by
 * component/muc.c), never vigil's own echo. Both count against the
 * chat rate limit. */
#include <stdlib.h>
#include <string.h>

#include "commands/chat/chat_internal.h"
#include "commands/chat/ratelimit.h"
#include "commands/chat/render.h"
#include "commands/register/links.h"
#include "commands/register/ops.h"
#include "commands/text/text.h"
#include "config/config.h"
#include "storage/store.h"

#define UNFOLD_PER_MESSAGE 3
/* ids looked up in the register per message, found or not: a message of
 * thousands of unknown ids must not cost thousands of reads */
#define UNFOLD_LOOKUPS 16

/* "T-7" at p, standing as a word of its own: its number, else 0. */
static long long id_at(const char *body, const char *p, const char **end)
{
	long long n = 0;
	const char *q = p + 2;

	if (p > body && (p[-1] == '-' || p[-1] == '_' || (p[-1] >= '0' && p[-1] <= '9') ||
			 (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= 'a' && p[-1] <= 'z')))
		return 0;
	if (p[0] != 'T' || p[1] != '-' || *q < '1' || *q > '9')
		return 0;
	for (; *q >= '0' && *q <= '9' && n < 100000000000LL; q++)
		n = n * 10 + (*q - '0');
	if ((*q >= '0' && *q <= '9') || *q == '_' || (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))
		return 0;
	*end = q;
	return n;
}

/* The threat a quote of one of vigil's lines names (XEP-0393 §6.2.2: a
 * line starting with ">"): "> T-7 \"Name\" ..." as vigil words them. */
static long long quoted_threat(const char *body)
{
	const char *p = body, *end = NULL;
	long long n;

	if (*p != '>')
		return 0;
	for (p++; *p == ' ' || *p == '>'; p++)
		;
	n = id_at(p, p, &end);
	return n && *end == ' ' && end[1] == '"' ? n : 0;
}

/* The reply's own words: the body after its leading quote (the XEP-0461
 * fallback is such a quote, §5), blanks trimmed at the start. */
static const char *after_quote(const char *body)
{
	while (*body == '>') {
		const char *nl = strchr(body, '\n');
		if (!nl)
			return "";
		body = nl + 1;
	}
	while (*body == ' ' || *body == '\t' || *body == '\n')
		body++;
	return body;
}

static int allowed(struct chat_ctx *chat, const char *key)
{
	return ratelimit_check(chat->rate, key, chat->cc->monotonic()) == RATE_OK;
}

static int comment_from_reply(struct chat_ctx *chat, const struct chat_message *msg,
			      const struct actor *who, long long threat, const struct chat_out *out)
{
	const char *text = after_quote(msg->body);
	struct op_result r;
	struct threat t;

	if (!*text)
		return 0; /* a bare quote adds nothing */
	if (!allowed(chat, msg->sender ? msg->sender : msg->from))
		return 1;
	if (!msg->sender) {
		/* PROTOCOL.md §8: changes only from occupants whose real JID we see */
		chat_say(out, "I cannot see your real JID in this room, so your reply is not kept as a "
			      "comment. Use !comment in a direct message to me instead.");
		return 1;
	}
	threat_init(&t);
	op_comment(chat->cc, who, threat, text, msg->stanza_id, &t, NULL, &r);
	chat_say(out, r.message); /* kept, or why not */
	threat_clear(&t);
	return 1;
}

/* Forgets unfoldings older than the interval; 1 when threat was unfolded
 * within it. */
static int unfolded_lately(struct chat_ctx *chat, long long threat, double now)
{
	double interval = chat->cc->cfg->chat_unfold_interval;
	size_t i;

	for (i = 0; i < chat->unfolded_count;) {
		if (now - chat->unfolded[i].at >= interval) {
			chat->unfolded[i] = chat->unfolded[--chat->unfolded_count];
			continue;
		}
		if (chat->unfolded[i].threat == threat)
			return 1;
		i++;
	}
	return 0;
}

static void remember_unfolded(struct chat_ctx *chat, long long threat, double now)
{
	size_t i, oldest = 0;

	if (chat->unfolded_count < CHAT_UNFOLDED_KEPT) {
		chat->unfolded[chat->unfolded_count].threat = threat;
		chat->unfolded[chat->unfolded_count++].at = now;
		return;
	}
	for (i = 1; i < CHAT_UNFOLDED_KEPT; i++)
		if (chat->unfolded[i].at < chat->unfolded[oldest].at)
			oldest = i;
	chat->unfolded[oldest].threat = threat;
	chat->unfolded[oldest].at = now;
}

static int unfold_mentions(struct chat_ctx *chat, const struct chat_message *msg,
			   const struct chat_out *out)
{
	long long seen[UNFOLD_PER_MESSAGE], id;
	size_t nseen = 0, lookups = 0, i;
	double now = chat->cc->monotonic();
	struct text t = { 0 };
	const char *p, *end, *own = after_quote(msg->body);
	int any = 0;

	/* only the sender's own words: a quote was said (and unfolded) before */
	for (p = own; *p && nseen < UNFOLD_PER_MESSAGE && lookups < UNFOLD_LOOKUPS; p++) {
		struct threat th;
		struct op_result r;
		char url[2048];
		if (!(id = id_at(own, p, &end)))
			continue;
		p = end - 1;
		for (i = 0; i < nseen && seen[i] != id; i++)
			;
		if (i < nseen)
			continue; /* named twice in one message */
		threat_init(&th);
		lookups++;
		if (op_load(chat->cc, id, &th, &r) < 0) {
			threat_clear(&th);
			continue; /* unknown ids stay silent */
		}
		seen[nseen++] = id;
		if (!unfolded_lately(chat, id, now)) {
			/* one token for the whole answer; over the limit: silence */
			if (!any && !allowed(chat, msg->sender ? msg->sender : msg->from)) {
				threat_clear(&th);
				break;
			}
			any = 1;
			if (t.len)
				text_put(&t, "\n");
			render_threat_summary(&t, &th, links_threat_page(chat->cc->cfg, id, url, sizeof url)
						       ? url : NULL);
			remember_unfolded(chat, id, now);
		}
		threat_clear(&th);
	}
	if (any) {
		char *text = text_take(&t);
		if (text)
			chat_say(out, text);
		free(text);
	} else {
		free(text_take(&t));
	}
	return any;
}

int chat_room_talk(struct chat_ctx *chat, const struct chat_message *msg, const struct actor *who,
		   const struct chat_out *out)
{
	/* a reply addressed to another occupant quotes them, not vigil, even
	 * when their words quoted vigil's line */
	long long threat = msg->reply_to ? msg->reply_to : quoted_threat(msg->body);

	if (threat > 0)
		return comment_from_reply(chat, msg, who, threat, out);
	if (!chat->cc->cfg->chat_unfold)
		return 0;
	return unfold_mentions(chat, msg, out);
}
