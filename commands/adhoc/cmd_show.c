/* SPDX-License-Identifier: MIT */
/* `show` and `history`: pick a threat, then one result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/adhoc/commands.h"
#include "commands/register/discussion_text.h"
#include "config/config.h"
#include "commands/adhoc/kv.h"
#include "commands/adhoc/rows.h"
#include "commands/text/text.h"
#include "commands/adhoc/threat_form.h"
#include "commands/register/validate.h"
#include "storage/store.h"

static int show_pick(struct adhoc_step *s, const char *title, const char *note)
{
	return cmd_show_pick(s, title, "Choose the threat.", 1, 1, note);
}

/* Common start: returns 1 when a threat id was submitted and loaded into t,
 * 0 when the step has been answered (form shown or error), -1 on failure. */
static int picked(struct adhoc_step *s, const char *title, struct threat *t)
{
	struct op_result r;
	char msg[256];
	long long id;

	if (!s->submitted || s->action == ADHOC_PREV) {
		if (s->stage == 0 || s->action == ADHOC_PREV)
			return show_pick(s, title, NULL) < 0 ? -1 : 0;
		return cmd_need_form(s);
	}
	if (cmd_check_form(s, cmd_id_vars, &r) < 0)
		return show_pick(s, title, r.message) < 0 ? -1 : 0;
	if (cmd_read_id(s, &id, msg, sizeof msg) < 0)
		return show_pick(s, title, msg) < 0 ? -1 : 0;
	if (op_load(s->cc, id, t, &r) < 0)
		return show_pick(s, title, r.message) < 0 ? -1 : 0;
	return 1;
}

/* The newest comments and assessments a show result carries, and how long
 * a comment or rationale may be there: the result stays well under the
 * stanza limit next to a threat of 96 KiB (history and the documents have
 * them whole; an import may bring any number of assessors). */
#define SHOW_COMMENTS 5
#define SHOW_ASSESSMENTS 5
#define SHOW_TEXT_CHARS 400

/* The discussion as two text-multi fields, each only when there is one:
 * every assessment with how the group stands, and the comments. */
static int add_discussion(struct adhoc_step *s, xmpp_stanza_t *x, long long id)
{
	static const char *const vars[] = { "assessments", "comments" };
	static const char *const labels[] = { "Assessments", "Comments" };
	int i, rc = 0;

	for (i = 0; i < 2 && rc == 0; i++) {
		struct text t = { 0 };
		xmpp_stanza_t *field;
		char *value;
		if (i == 0)
			discussion_assessments_text(&t, s->cc->store, id, s->cc->cfg->assess_quorum,
						    SHOW_ASSESSMENTS, SHOW_TEXT_CHARS);
		else
			discussion_comments_text(&t, s->cc->store, id, SHOW_COMMENTS, SHOW_TEXT_CHARS);
		if (!(value = text_take(&t)) || !*value) {
			free(value);
			continue; /* none (or out of memory: shown without) */
		}
		field = form_add_field(x, vars[i], "text-multi", labels[i]);
		rc = field && form_field_set_value(field, value, 1) == 0 ? 0 : -1;
		free(value);
	}
	return rc;
}

int cmd_show_step(struct adhoc_step *s)
{
	struct threat t;
	char title[1024], tid[32], note[2048];
	xmpp_stanza_t *x;
	int rc;

	threat_init(&t);
	rc = picked(s, "Show a threat", &t);
	if (rc <= 0)
		goto out;
	threat_id_format(t.id, tid, sizeof tid);
	text_format(title, sizeof title, "%s: %s", tid, threat_get(&t, THREAT_NAME));
	x = cmd_result(s, title);
	rc = -1;
	if (!x || threat_form_add_fields(x, &t, THREAT_FORM_RESULT) < 0 ||
	    add_discussion(s, x, t.id) < 0)
		goto out;
	note[0] = '\0';
	threat_form_xep_note(&t, note, sizeof note);
	if (note[0])
		adhoc_note(s, "info", note);
	s->status = ADHOC_COMPLETED;
	rc = 0;
out:
	threat_clear(&t);
	return rc;
}

/* One page of revisions: at most commands.list_page of them, each a line
 * of the text-multi field `revisions` (commands/adhoc/rows.h); pages are
 * cut forward from the first revision, so next and prev meet the same
 * pages. */
static size_t page_size(const struct adhoc_step *s)
{
	size_t n = (size_t)s->cc->cfg->list_page;

	return n < 1 ? 1 : n > ROWS_PAGE_MAX ? ROWS_PAGE_MAX : n;
}

static int show_history_page(struct adhoc_step *s, const struct threat *t,
			     const struct threat_revision *revs, size_t count, size_t page)
{
	size_t per_page = page_size(s), start = page * per_page, end, i;
	char title[1024], tid[32], num[32], line[ROWS_LINE_BUF];
	xmpp_stanza_t *x, *field;

	if (start > count)
		start = count;
	end = count - start > per_page ? start + per_page : count;
	threat_id_format(t->id, tid, sizeof tid);
	text_format(title, sizeof title, "History of %s: %s", tid, threat_get(t, THREAT_NAME));
	x = cmd_result(s, title);
	field = x ? form_add_field(x, "revisions", "text-multi", "Revisions") : NULL;
	if (!field)
		return -1;
	for (i = start; i < end; i++)
		if (form_field_add_value(field, rows_revision_line(line, sizeof line, &revs[i])) < 0)
			return -1;
	if (start == 0 && end == count)
		text_format(title, sizeof title, "%zu revision%s of %s.", count, count == 1 ? "" : "s", tid);
	else
		text_format(title, sizeof title, "revisions %zu–%zu of %zu of %s.", start + 1, end, count,
			    tid);
	if (adhoc_note(s, "info", title) < 0)
		return -1;
	snprintf(num, sizeof num, "%lld", t->id);
	if (kv_set(&s->state, "id", num) < 0)
		return -1;
	snprintf(num, sizeof num, "%zu", page);
	if (kv_set(&s->state, "page", num) < 0)
		return -1;
	s->stage = 2;
	if (end < count) {
		s->status = ADHOC_EXECUTING;
		s->offer_next = 1;
		s->offer_prev = 1; /* to the page before, or back to choosing the threat */
	} else if (start > 0) {
		s->status = ADHOC_EXECUTING; /* the last page: one may still go back */
		s->offer_prev = 1;
		s->offer_complete = 1;
	} else {
		s->status = ADHOC_COMPLETED;
	}
	return 0;
}

/* A later stage: the page after (next) or before (prev) the one shown, back
 * to choosing the threat from the first; `complete` ends it. */
static int history_turn(struct adhoc_step *s, struct threat *t, struct threat_revision **revs,
			size_t *count)
{
	char *idtext = kv_get(s->state, "id"), *pagetext = kv_get(s->state, "page");
	long long id = idtext ? strtoll(idtext, NULL, 10) : 0;
	size_t page = pagetext ? (size_t)strtoull(pagetext, NULL, 10) : 0;
	struct op_result r;
	int rc = -1;

	if (s->action == ADHOC_COMPLETE) {
		s->status = ADHOC_COMPLETED;
		rc = adhoc_note(s, "info", "Done.");
		goto out;
	}
	if (s->action == ADHOC_PREV && page == 0) {
		rc = show_pick(s, "Threat history", NULL);
		goto out;
	}
	if (op_load(s->cc, id, t, &r) < 0) {
		rc = show_pick(s, "Threat history", r.message);
		goto out;
	}
	if (store_threat_log(s->cc->store, t->id, revs, count) < 0 ||
	    discussion_fill_history(s->cc->store, t->id, *revs, *count) < 0)
		goto out;
	page = s->action == ADHOC_PREV ? page - 1 : page + 1;
	if (page * page_size(s) >= *count && page > 0)
		page--; /* nothing after the last page: show it again */
	rc = show_history_page(s, t, *revs, *count, page);
out:
	free(idtext);
	free(pagetext);
	return rc;
}

int cmd_history_step(struct adhoc_step *s)
{
	struct threat t;
	struct threat_revision *revs = NULL;
	size_t count = 0;
	int rc;

	threat_init(&t);
	if (s->stage == 2) {
		rc = history_turn(s, &t, &revs, &count);
		goto out;
	}
	rc = picked(s, "Threat history", &t);
	if (rc <= 0)
		goto out;
	rc = -1;
	if (store_threat_log(s->cc->store, t.id, &revs, &count) < 0 ||
	    discussion_fill_history(s->cc->store, t.id, revs, count) < 0)
		goto out;
	rc = show_history_page(s, &t, revs, count, 0);
out:
	store_revisions_free(revs, count);
	threat_clear(&t);
	return rc;
}
