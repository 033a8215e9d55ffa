/* SPDX-License-Identifier: MIT */
/* Guided filing: `file` in a direct message asks each field of the file
 * form in turn, validating each answer at once; `skip`, `back` and `cancel`
 * work at every step; a summary is confirmed before anything is stored.
 * State is per full JID and expires after commands.session_timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/register/context.h"
#include "commands/chat/chat_internal.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "commands/register/validate.h"
#include "config/config.h"

/* How much of each answer the summary before "yes" shows (stored whole). */
#define SUMMARY_CHARS 120

struct dialogue {
	char *jid;          /* full JID: one person's answers never reach another's */
	char *who;          /* bare JID, the author */
	size_t step;        /* index into the asked fields; == count: confirming */
	struct threat threat;
	long long last;     /* unix seconds of the last answer */
	struct dialogue *next;
};

/* The fields of the file form, in template order. */
static size_t asked_fields(const struct template_field **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < template_field_count && n < max; i++)
		if (template_fields[i].forms & TEMPLATE_IN_FILE)
			out[n++] = &template_fields[i];
	return n;
}

static struct dialogue *find(struct chat_ctx *chat, const char *jid, struct dialogue ***link)
{
	struct dialogue **p, *d;

	for (p = &chat->dialogues; (d = *p); p = &d->next)
		if (strcmp(d->jid, jid) == 0) {
			if (link)
				*link = p;
			return d;
		}
	return NULL;
}

static void dialogue_free(struct dialogue *d)
{
	threat_clear(&d->threat);
	free(d->jid);
	free(d->who);
	free(d);
}

static void end(struct chat_ctx *chat, const char *jid)
{
	struct dialogue **link, *d = find(chat, jid, &link);

	if (d) {
		*link = d->next;
		dialogue_free(d);
	}
}

int dialogue_active(struct chat_ctx *chat, const char *jid)
{
	return find(chat, jid, NULL) != NULL;
}

static void ask(struct dialogue *d, const struct chat_out *out, const char *problem)
{
	const struct template_field *fields[32];
	size_t n = asked_fields(fields, 32);
	struct text t = { 0 };
	char *msg;
	size_t i;

	if (problem)
		text_add(&t, "%s\n", problem);
	if (d->step < n) {
		const struct template_field *f = fields[d->step];
		text_add(&t, "(%zu/%zu) %s — %s\nReply with %s, or: %sback, cancel.", d->step + 1, n,
			 f->label, f->desc, f->kind == TEMPLATE_LIST_SINGLE ? "high, medium, low or unassessed" :
			 f->slot == THREAT_ATTACK_TREE ? "the tree, one step a line" : "the text",
			 f->required ? "" : "skip, ");
	} else {
		text_put(&t, "Summary of the new threat:\n");
		for (i = 0; i < n; i++) {
			const char *v = threat_get(&d->threat, (enum threat_field)fields[i]->slot);
			if (!*v)
				continue;
			/* long answers are shortened here, stored whole */
			text_add(&t, "%s: ", fields[i]->label);
			text_put_shortened(&t, v, SUMMARY_CHARS);
			text_put(&t, "\n");
		}
		text_put(&t, "Reply yes to file it, back to change the last answer, or cancel.");
	}
	msg = text_take(&t);
	if (msg)
		chat_say(out, msg);
	free(msg);
}

void dialogue_start(struct chat_ctx *chat, const char *jid, const char *who,
		    const struct chat_out *out)
{
	struct dialogue *d;

	end(chat, jid); /* `file` again starts over */
	d = calloc(1, sizeof *d);
	if (!d || !(d->jid = strdup(jid)) || !(d->who = strdup(who))) {
		if (d)
			dialogue_free(d);
		chat_say(out, "Sorry, I am out of memory.");
		return;
	}
	threat_init(&d->threat);
	d->last = chat->cc->now();
	d->next = chat->dialogues;
	chat->dialogues = d;
	chat_say(out, "Let's file a threat, one template field at a time. "
		      "Answer each question; skip, back and cancel work at every step.");
	ask(d, out, NULL);
}

static void confirm(struct chat_ctx *chat, struct dialogue *d, enum role role,
		    const struct chat_out *out)
{
	const struct actor author = { d->who, role };
	struct op_result r;
	struct threat t;

	/* op_file fills in status, priority, id: work on a copy so a refusal
	 * keeps the answers as they were */
	if (threat_copy(&t, &d->threat) < 0) {
		chat_say(out, "Sorry, I am out of memory.");
		return;
	}
	if (op_file(chat->cc, &author, &t, &r) < 0) {
		char msg[sizeof r.message + 64];
		text_format(msg, sizeof msg, "Not filed: %s", r.message);
		chat_say(out, msg);
		threat_clear(&t);
		return;
	}
	chat_say(out, r.message);
	threat_clear(&t);
	end(chat, d->jid);
}

void dialogue_answer(struct chat_ctx *chat, const char *jid, const char *body, enum role role,
		     const struct chat_out *out)
{
	const struct template_field *fields[32];
	size_t n = asked_fields(fields, 32);
	struct dialogue *d = find(chat, jid, NULL);
	const struct template_field *f;
	char value[16], problem[600];
	const char *answer = body;

	if (!d)
		return;
	if (chat->cc->now() - d->last > chat->cc->cfg->session_timeout) {
		/* a late answer must not revive it */
		if (strcasecmp(body, "file") == 0) {
			char *who = strdup(d->who);
			if (who)
				dialogue_start(chat, jid, who, out);
			free(who);
			return;
		}
		end(chat, jid);
		chat_say(out, "Your filing expired after a while without an answer; nothing was "
			      "filed. Send file to start again.");
		return;
	}
	d->last = chat->cc->now();
	if (strcasecmp(body, "cancel") == 0) {
		end(chat, jid);
		chat_say(out, "Canceled: nothing was filed.");
		return;
	}
	if (strcasecmp(body, "back") == 0) {
		if (d->step > 0)
			d->step--;
		ask(d, out, NULL);
		return;
	}
	if (d->step >= n) {
		if (strcasecmp(body, "yes") == 0)
			confirm(chat, d, role, out);
		else
			ask(d, out, "Please answer yes, back or cancel.");
		return;
	}
	f = fields[d->step];
	if (strcasecmp(body, "skip") == 0) {
		if (f->required) {
			text_format(problem, sizeof problem, "%s is required: it cannot be skipped.", f->label);
			ask(d, out, problem);
			return;
		}
		answer = "";
	} else if (f->kind == TEMPLATE_LIST_SINGLE && strlen(body) < sizeof value) {
		/* "High" or "high": options are lower case (a longer answer is
		 * none of them, and is quoted as it came) */
		size_t i;
		for (i = 0; body[i] && i < sizeof value - 1; i++)
			value[i] = (char)(body[i] >= 'A' && body[i] <= 'Z' ? body[i] + 32 : body[i]);
		value[i] = '\0';
		answer = value;
	}
	if (validate_field(f, answer, problem, sizeof problem) < 0) {
		ask(d, out, problem);
		return;
	}
	if (threat_set(&d->threat, (enum threat_field)f->slot, answer) < 0) {
		chat_say(out, "Sorry, I am out of memory.");
		return;
	}
	d->step++;
	ask(d, out, NULL);
}

void dialogue_expire(struct chat_ctx *chat, long long now)
{
	struct dialogue **p = &chat->dialogues, *d;

	while ((d = *p)) {
		/* kept for a second timeout, so a late answer hears that it expired
		 * (dialogue_answer) instead of "unknown command" */
		if (now - d->last > 2LL * chat->cc->cfg->session_timeout) {
			*p = d->next;
			dialogue_free(d);
		} else {
			p = &d->next;
		}
	}
}

void dialogue_free_all(struct chat_ctx *chat)
{
	struct dialogue *d, *next;

	for (d = chat->dialogues; d; d = next) {
		next = d->next;
		dialogue_free(d);
	}
	chat->dialogues = NULL;
}
