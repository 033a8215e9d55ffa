/* SPDX-License-Identifier: MIT */
/* `edit`: stage 1 picks the threat; stage 2 is the template prefilled with a
 * hidden revision, so an edit made on a stale copy is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/adhoc/commands.h"
#include "commands/adhoc/kv.h"
#include "commands/text/text.h"
#include "commands/adhoc/threat_form.h"

static int show_pick(struct adhoc_step *s, const char *note)
{
	return cmd_show_pick(s, "Edit a threat", "Choose the threat to edit.", 0, 0, note);
}

static int show_template(struct adhoc_step *s, const struct threat *t)
{
	char title[64], tid[32], revision[32];
	xmpp_stanza_t *x;

	/* the revision this form shows, kept in the session too: a client that
	 * drops the hidden field is still checked for staleness */
	snprintf(revision, sizeof revision, "%lld", t->revision);
	if (kv_set(&s->state, "revision", revision) < 0)
		return -1;
	threat_id_format(t->id, tid, sizeof tid);
	text_format(title, sizeof title, "Edit %s", tid);
	x = cmd_form(s, title, "Change what needs changing and submit. If someone else "
			       "saves first, your submission is refused and nothing is lost "
			       "from theirs.");
	if (!x || threat_form_add_fields(x, t, THREAT_FORM_EDIT) < 0)
		return -1;
	s->stage = 2;
	s->status = ADHOC_EXECUTING;
	s->offer_prev = 1;
	s->offer_complete = 1;
	return 0;
}

/* Stage 1 submitted: load the threat and check the requester may edit it. */
static int pick(struct adhoc_step *s)
{
	struct threat t;
	struct op_result r;
	char msg[256], idtext[32];
	long long id;
	enum role role = s->actor.role;
	int rc;

	if (cmd_check_form(s, cmd_id_vars, &r) < 0)
		return show_pick(s, r.message);
	if (cmd_read_id(s, &id, msg, sizeof msg) < 0)
		return show_pick(s, msg);
	threat_init(&t);
	if (op_load(s->cc, id, &t, &r) < 0) {
		rc = show_pick(s, r.message);
		goto out;
	}
	if (role < ROLE_ASSESSOR && !(t.author && strcmp(t.author, s->who) == 0)) {
		adhoc_fail(s, "auth", "forbidden", NULL,
			   "Only the author of a threat, assessors and admins may edit it.");
		rc = 0;
		goto out;
	}
	snprintf(idtext, sizeof idtext, "%lld", id);
	if (kv_set(&s->state, "id", idtext) < 0) {
		rc = -1;
		goto out;
	}
	rc = show_template(s, &t);
out:
	threat_clear(&t);
	return rc;
}

/* Stage 2 submitted: save. */
static int save(struct adhoc_step *s, long long id)
{
	struct threat t;
	struct op_result r;
	char *shown = kv_get(s->state, "revision");
	long long revision = 0, base = shown ? atoll(shown) : 0;
	const char *vars[32];
	int rc = -1;

	free(shown);
	threat_init(&t);
	memset(&r, 0, sizeof r);
	/* start from the stored state so fields the form lacks are kept */
	if (op_load(s->cc, id, &t, &r) < 0) {
		adhoc_note(s, "error", r.message);
		rc = show_pick(s, NULL);
		goto out;
	}
	threat_form_vars(THREAT_FORM_EDIT, vars, sizeof vars / sizeof vars[0]);
	if (threat_form_read(s->submitted, &t, THREAT_FORM_EDIT, &revision, &r) < 0 ||
	    cmd_check_form(s, vars, &r) < 0 ||
	    op_edit(s->cc, &s->actor, &t, revision ? revision : base, &r) < 0) {
		cmd_report_failure(s, &r);
		if (s->error_condition) {
			rc = 0;
		} else if (r.code == OP_STALE) {
			/* show the current state, keeping nothing of the stale copy */
			threat_clear(&t);
			threat_init(&t);
			rc = op_load(s->cc, id, &t, &r) < 0 ? -1 : show_template(s, &t);
		} else {
			/* the form again, still based on the revision the person saw */
			t.revision = revision ? revision : base;
			rc = cmd_fit_for_reply(s, &t) < 0 ? -1 : show_template(s, &t);
		}
		goto out;
	}
	adhoc_note(s, "info", r.message);
	s->status = ADHOC_COMPLETED;
	rc = 0;
out:
	threat_clear(&t);
	return rc;
}

int cmd_edit_step(struct adhoc_step *s)
{
	char *idtext = kv_get(s->state, "id");
	long long id = 0;
	int rc;

	if (idtext)
		threat_id_parse(idtext, &id);
	free(idtext);
	if (s->action == ADHOC_PREV)
		return show_pick(s, NULL);
	if (!s->submitted)
		return s->stage == 0 ? show_pick(s, NULL) : cmd_need_form(s);
	if (s->stage <= 1 || !id)
		rc = pick(s);
	else
		rc = save(s, id);
	return rc;
}
