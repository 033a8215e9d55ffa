/* SPDX-License-Identifier: MIT */
/* Chat commands (PROTOCOL.md §8): `!help`, `!list`, `!top`, `!show`, `!file`,
 * `!assess`, `!history`, `!comment`, `!delete-comment`, `!search`, and
 * guided filing. Each runs the same operation as
 * its ad-hoc command; replies go where the command came from. */
#include "commands/chat/chat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/register/consensus.h"
#include "commands/register/context.h"
#include "commands/chat/chat_internal.h"
#include "commands/chat/render.h"
#include "commands/register/links.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/chat/ratelimit.h"
#include "commands/text/text.h"
#include "config/config.h"
#include "storage/discussion.h"
#include "storage/store.h"

#define TOP_DEFAULT 10
#define TOP_MAX 50
#define RATE_BURST 10
#define ANSWER_RATE_FACTOR 4   /* answers are validated in memory: allow more */
#define ANSWER_BURST 40

static const struct {
	const char *name, *usage, *help;
	int changes;     /* changes a threat: the room must show the sender's JID */
} commands[] = {
	{ "help", "!help", "this list", 0 },
	{ "list", "!list [PAGE]", "open threats by priority, 20 a page", 0 },
	{ "top", "!top [N]", "the N highest-priority open threats (default 10, at most 50)", 0 },
	{ "show", "!show T-7", "one threat, every field", 0 },
	{ "history", "!history T-7", "its revisions", 0 },
	{ "file", "!file NAME | ABSTRACT", "file a threat (in a direct message, `file` alone guides you)", 1 },
	{ "assess", "!assess T-7 likelihood=high damage=medium [rationale]",
	  "assess a threat: your assessment counts with the other assessors' (the median)", 1 },
	{ "comment", "!comment T-7 TEXT", "add a comment to a threat's record (up to 2,000 characters); "
	  "replying to one of my announcements does it too", 1 },
	{ "delete-comment", "!delete-comment #3", "delete a comment of yours (admins: any); "
	  "the history keeps a mark", 1 },
	{ "search", "!search WORDS [min=PRIORITY] [status=STATUS,…] [page=N]",
	  "threats whose name or abstract has all the words, as !list pages them; e.g. "
	  "!search dialback min=high status=identified,analyzed", 0 },
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

struct chat_ctx *chat_new(struct commands_ctx *cc)
{
	struct chat_ctx *chat = calloc(1, sizeof *chat);

	if (!chat)
		return NULL;
	chat->cc = cc;
	chat->rate = ratelimit_new(cc->cfg->chat_rate_per_minute, RATE_BURST);
	chat->answer_rate = ratelimit_new(cc->cfg->chat_rate_per_minute * ANSWER_RATE_FACTOR,
					  ANSWER_BURST);
	if (!chat->rate || !chat->answer_rate) {
		chat_free(chat);
		return NULL;
	}
	return chat;
}

void chat_free(struct chat_ctx *chat)
{
	if (!chat)
		return;
	dialogue_free_all(chat);
	ratelimit_free(chat->rate);
	ratelimit_free(chat->answer_rate);
	free(chat);
}

void chat_expire(struct chat_ctx *chat)
{
	dialogue_expire(chat, chat->cc->now());
}

/* --- the commands ------------------------------------------------------------ */

static void cmd_help(struct chat_ctx *chat, const struct chat_out *out)
{
	struct text t = { 0 };
	size_t i;

	text_add(&t, "vigil keeps the Security SIG's threat register (XEP-0139). Commands "
		     "(in the room start them with !; in a direct message to %s the ! is optional):\n",
		 chat->cc->service_jid);
	for (i = 0; i < COMMAND_COUNT; i++)
		text_add(&t, "%s — %s\n", commands[i].usage, commands[i].help);
	text_put(&t, "Clients with ad-hoc commands (XEP-0050) get forms for every template field.");
	chat_say_text(out, &t);
}

static int parse_count(const char *arg, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	return errno || end == arg || *end || *out < min || *out > max ? -1 : 0;
}

static void cmd_list(struct chat_ctx *chat, const struct chat_out *out, const char *arg, int top)
{
	struct threat_filter filter = { 0 };
	struct threat *list = NULL;
	size_t count = 0, total = 0, i;
	long n = top ? TOP_DEFAULT : 1;
	struct text t = { 0 };

	if (*arg && parse_count(arg, 1, top ? TOP_MAX : 1000000, &n) < 0) {
		chat_say_error(out, top ? "N must be a number from 1 to 50" : "PAGE must be a page number",
			       top ? "!top [N]" : "!list [PAGE]");
		return;
	}
	if (!top) {
		chat_list_page(chat, out, &filter, n, "Open threats", "The register has no open threat.");
		return;
	}
	if (store_threat_list(chat->cc->store, &filter, 0, (size_t)n, &list, &count, &total) < 0) {
		chat_say(out, "Sorry, the register could not be read just now.");
		return;
	}
	if (!total)
		text_put(&t, "The register has no open threat.");
	else
		text_add(&t, "Top %zu of %zu open threats:", count, total);
	for (i = 0; i < count; i++) {
		text_put(&t, "\n");
		render_threat_line(&t, &list[i]);
	}
	store_threats_free(list, count);
	chat_say_text(out, &t);
}

/* Reads "T-7" (the whole argument, or its first word into rest). */
static int read_id(const struct chat_out *out, const char *arg, const char *usage, long long *id,
		   const char **rest)
{
	char *word, quoted[TEXT_QUOTE_BYTES], problem[TEXT_QUOTE_BYTES + 64];
	size_t len = strcspn(arg, " \t\n");
	int rc = 0;

	if (!len) {
		chat_say_error(out, "Which threat?", usage);
		return -1;
	}
	word = strndup(arg, len);
	if (!word || threat_id_parse(word, id) < 0) {
		text_format(problem, sizeof problem, "\"%s\" is not a threat id such as T-7",
			    text_quote(quoted, sizeof quoted, word ? word : ""));
		chat_say_error(out, problem, usage);
		rc = -1;
	}
	free(word);
	if (rc < 0)
		return -1;
	if (rest) {
		*rest = arg + len;
		while (**rest == ' ' || **rest == '\t' || **rest == '\n')
			(*rest)++;
	} else if (arg[len]) {
		chat_say_error(out, "Too many arguments", usage);
		return -1;
	}
	return 0;
}

/* show's assessments (each assessor's, how the group stands) and comments */
static void render_discussion(struct chat_ctx *chat, struct text *t, long long id)
{
	struct stored_assessment *list = NULL;
	struct stored_comment *comments = NULL;
	size_t n = 0, ncomments = 0;
	long long total = 0;
	struct consensus c;

	if (store_assessment_list(chat->cc->store, id, &list, &n) == 0 &&
	    op_stance(chat->cc, id, &c) == 0)
		render_assessments(t, list, n, &c);
	store_assessments_free(list, n);
	if (store_comment_list(chat->cc->store, id, 5, &comments, &ncomments, &total) == 0)
		render_comments(t, comments, ncomments, total);
	store_comments_free(comments, ncomments);
}

static void cmd_show(struct chat_ctx *chat, const struct chat_out *out, const char *arg, int history)
{
	const char *usage = history ? "!history T-7" : "!show T-7";
	struct threat_revision *revs = NULL;
	struct stored_comment *comments = NULL;
	size_t count = 0, ncomments = 0;
	struct op_result r;
	struct threat th;
	struct text t = { 0 };
	long long id;

	if (read_id(out, arg, usage, &id, NULL) < 0)
		return;
	threat_init(&th);
	if (op_load(chat->cc, id, &th, &r) < 0) {
		chat_say_error(out, r.message, usage);
		goto out;
	}
	if (!history) {
		char url[2048];
		render_threat(&t, &th);
		render_discussion(chat, &t, id);
		if (links_threat_page(chat->cc->cfg, id, url, sizeof url))
			text_add(&t, "\nPage: %s", url); /* publish.base_url */
	} else if (store_threat_log(chat->cc->store, id, &revs, &count) == 0 &&
		   store_comment_list(chat->cc->store, id, 0, &comments, &ncomments, NULL) == 0) {
		render_history(&t, &th, revs, count, comments, ncomments);
	} else {
		text_put(&t, "Sorry, the history could not be read just now.");
	}
	chat_say_text(out, &t);
out:
	store_revisions_free(revs, count);
	store_comments_free(comments, ncomments);
	threat_clear(&th);
}

static void cmd_file(struct chat_ctx *chat, const struct chat_out *out, const struct actor *who,
		     const char *arg)
{
	const char *usage = "!file NAME | ABSTRACT";
	const char *bar = strchr(arg, '|');
	struct op_result r;
	struct threat t;
	char *name;

	if (!bar) {
		chat_say_error(out, "Give a name and an abstract separated by |", usage);
		return;
	}
	name = strndup(arg, (size_t)(bar - arg));
	if (!name)
		return;
	while (*name && name[strlen(name) - 1] == ' ')
		name[strlen(name) - 1] = '\0';
	for (bar++; *bar == ' '; bar++)
		;
	threat_init(&t);
	if (threat_set(&t, THREAT_NAME, name) < 0 || threat_set(&t, THREAT_ABSTRACT, bar) < 0)
		chat_say(out, "Sorry, I am out of memory.");
	else if (op_file(chat->cc, who, &t, &r) < 0)
		chat_say_error(out, r.message, usage);
	else
		chat_say(out, r.message);
	threat_clear(&t);
	free(name);
}

static void cmd_assess(struct chat_ctx *chat, const struct chat_out *out,
		       const struct actor *who, const char *arg)
{
	const char *usage = "!assess T-7 likelihood=high damage=medium [rationale]";
	char likelihood[16] = "", damage[16] = "";
	struct op_result r;
	struct threat t;
	const char *rest;
	long long id;
	int have_l = 0, have_d = 0;

	if (read_id(out, arg, usage, &id, &rest) < 0)
		return;
	/* key=value words first, then the rationale */
	for (;;) {
		size_t len = strcspn(rest, " \t\n");
		char *target = NULL, *copy;
		if (!strncasecmp(rest, "likelihood=", 11))
			target = likelihood, have_l = 1, rest += 11, len -= 11;
		else if (!strncasecmp(rest, "damage=", 7))
			target = damage, have_d = 1, rest += 7, len -= 7;
		if (!target)
			break;
		/* longer than any option: kept shortened, so the refusal can quote it */
		copy = strndup(rest, len);
		text_shorten(target, 16, copy ? copy : "", 0);
		free(copy);
		rest += len;
		while (*rest == ' ' || *rest == '\t' || *rest == '\n')
			rest++;
	}
	if (!have_l || !have_d) {
		chat_say_error(out, "Give both likelihood= and damage= (high, medium, low or unassessed)", usage);
		return;
	}
	threat_init(&t);
	if (op_assess(chat->cc, who, id, likelihood, damage, *rest ? rest : NULL, &t, &r) < 0)
		chat_say_error(out, r.message, usage);
	else
		chat_say(out, r.message);
	threat_clear(&t);
}

static void cmd_comment(struct chat_ctx *chat, const struct chat_out *out,
			const struct actor *who, const char *arg, const char *stanza_id)
{
	const char *usage = "!comment T-7 TEXT";
	struct op_result r;
	struct threat t;
	const char *rest;
	long long id;

	if (read_id(out, arg, usage, &id, &rest) < 0)
		return;
	threat_init(&t);
	if (op_comment(chat->cc, who, id, rest, stanza_id, &t, NULL, &r) < 0)
		chat_say_error(out, r.message, usage);
	else
		chat_say(out, r.message);
	threat_clear(&t);
}

static void cmd_delete_comment(struct chat_ctx *chat, const struct chat_out *out,
			       const struct actor *who, const char *arg)
{
	const char *usage = "!delete-comment #3";
	char quoted[TEXT_QUOTE_BYTES], problem[TEXT_QUOTE_BYTES + 64];
	struct op_result r;
	struct threat t;
	long long n;

	if (comment_number_parse(arg, &n) < 0) {
		text_format(problem, sizeof problem, "\"%s\" is not a comment number such as #3",
			    text_quote(quoted, sizeof quoted, arg));
		chat_say_error(out, *arg ? problem : "Which comment?", usage);
		return;
	}
	threat_init(&t);
	if (op_comment_delete(chat->cc, who, n, &t, &r) < 0)
		chat_say_error(out, r.message, usage);
	else
		chat_say(out, r.message);
	threat_clear(&t);
}

/* --- dispatch ----------------------------------------------------------------- */

static int find_command(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < COMMAND_COUNT; i++)
		if (strlen(commands[i].name) == len && strncasecmp(commands[i].name, word, len) == 0)
			return (int)i;
	return -1;
}

int chat_dispatch(struct chat_ctx *chat, const struct chat_message *msg, chat_reply_fn reply,
		  void *reply_ctx)
{
	const struct chat_out out = { chat, reply, reply_ctx };
	const char *body = msg->body, *arg;
	const char *who = msg->sender;
	/* the role, once for this message: the operations are handed it */
	const struct actor actor = { who ? who : "", role_of(chat->cc->cfg, who ? who : "") };
	int bang, index;
	size_t len;

	while (*body == ' ' || *body == '\t' || *body == '\n')
		body++;
	bang = body[0] == '!';
	if (!*body)
		return 0;
	if (msg->origin == CHAT_ROOM && !bang) {
		/* ordinary conversation: vigil answers only what concerns it */
		if (actor.role < ROLE_MEMBER && (who || chat->cc->cfg->allow_domains.count))
			return 0;
		return chat_room_talk(chat, msg, &actor, &out);
	}
	if (!bang && msg->origin != CHAT_ROOM && dialogue_active(chat, msg->from)) {
		switch (ratelimit_check(chat->answer_rate, msg->from, chat->cc->monotonic())) {
		case RATE_OK: dialogue_answer(chat, msg->from, body, actor.role, &out); break;
		case RATE_NOTICE: chat_say(&out, "Slow down, please: I will read your answers again in a moment."); break;
		case RATE_DROP: break;
		}
		return 1;
	}
	if (bang)
		body++;
	len = strcspn(body, " \t\n");
	arg = body + len;
	while (*arg == ' ' || *arg == '\t' || *arg == '\n')
		arg++;
	index = find_command(body, len);
	switch (ratelimit_check(chat->rate, who ? who : msg->from, chat->cc->monotonic())) {
	case RATE_OK:
		break;
	case RATE_NOTICE: {
		char notice[160];
		snprintf(notice, sizeof notice, "Too many commands: at most %d a minute. I will answer "
			 "again shortly.", chat->cc->cfg->chat_rate_per_minute);
		chat_say(&out, notice);
		return 1;
	}
	case RATE_DROP:
		return 1;
	}
	if (index < 0) {
		char problem[TEXT_QUOTE_BYTES + 32], quoted[TEXT_QUOTE_BYTES], names[512];
		char *word = strndup(body, len);
		size_t i, used = 0;
		text_format(problem, sizeof problem, "Unknown command \"%s\"",
			    text_quote(quoted, sizeof quoted, word ? word : ""));
		free(word);
		for (i = 0; i < COMMAND_COUNT && used < sizeof names; i++)
			used += (size_t)snprintf(names + used, sizeof names - used, "%s!%s",
						 i ? ", " : "", commands[i].name);
		chat_say_error(&out, problem, names);
		return 1;
	}
	if (commands[index].changes && !who) {
		/* PROTOCOL.md §8: changes only from occupants whose real JID we see */
		char text[256];
		text_format(text, sizeof text, "I cannot see your real JID in this room, so I cannot "
			    "accept changes from you here. Send the command to me in a direct message: %s",
			    chat->cc->service_jid);
		chat_say(&out, text);
		return 1;
	}
	if (actor.role < ROLE_MEMBER &&
	    (who || chat->cc->cfg->allow_domains.count)) {
		chat_say(&out, "Your domain may not use this service.");
		return 1;
	}
	switch (index) {
	case 0: cmd_help(chat, &out); break;
	case 1: cmd_list(chat, &out, arg, 0); break;
	case 2: cmd_list(chat, &out, arg, 1); break;
	case 3: cmd_show(chat, &out, arg, 0); break;
	case 4: cmd_show(chat, &out, arg, 1); break;
	case 5:
		if (!*arg && msg->origin != CHAT_ROOM)
			dialogue_start(chat, msg->from, who, &out);
		else
			cmd_file(chat, &out, &actor, arg);
		break;
	case 6: cmd_assess(chat, &out, &actor, arg); break;
	case 7: cmd_comment(chat, &out, &actor, arg, msg->origin == CHAT_ROOM ? msg->stanza_id : NULL); break;
	case 8: cmd_delete_comment(chat, &out, &actor, arg); break;
	case 9: chat_search(chat, &out, arg); break;
	}
	return 1;
}
