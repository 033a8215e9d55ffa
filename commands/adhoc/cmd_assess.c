/* SPDX-License-Identifier: MIT */
/* `assess`: stage 1 picks the threat; stage 2 sets likelihood and damage with
 * a rationale; the note says how the priority moved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/adhoc/commands.h"
#include "commands/adhoc/kv.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "commands/adhoc/threat_form.h"

static int show_pick(struct adhoc_step *s, const char *note)
{
	return cmd_show_pick(s, "Assess a threat", "Choose the threat to assess.", 0, 0, note);
}

static int show_assessment(struct adhoc_step *s, const struct threat *t, const char *rationale)
{
	char title[1024], tid[32];
	xmpp_stanza_t *x, *field;

	threat_id_format(t->id, tid, sizeof tid);
	text_format(title, sizeof title, "Assess %s: %s", tid, threat_get(t, THREAT_NAME));
	x = cmd_form(s, title, "Priority follows from likelihood and damage (OWASP risk "
			       "rating): high × high is critical, low × low is a note.");
	if (!x || threat_form_add_assessment(x, t) < 0)
		return -1;
	field = form_add_field(x, "rationale", "text-multi", "Rationale");
	if (!field || form_field_set_desc(field, "Why this assessment? Up to 2,000 characters; "
					  "kept in the threat's history.") < 0 ||
	    form_field_set_value(field, rationale, 1) < 0)
		return -1;
	s->stage = 2;
	s->status = ADHOC_EXECUTING;
	s->offer_prev = 1;
	s->offer_complete = 1;
	return 0;
}

/* The fields of stage 2, and of a one-shot request carrying both stages. */
static const char *const assessment_vars[] = { "likelihood", "damage", "rationale", NULL };
static const char *const one_shot_vars[] = { "id", "likelihood", "damage", "rationale", NULL };

static int pick(struct adhoc_step *s)
{
	struct threat t;
	struct op_result r;
	char msg[256], idtext[32];
	long long id;
	int rc;

	if (cmd_check_form(s, cmd_id_vars, &r) < 0)
		return show_pick(s, r.message);
	if (cmd_read_id(s, &id, msg, sizeof msg) < 0)
		return show_pick(s, msg);
	threat_init(&t);
	if (op_load(s->cc, id, &t, &r) < 0)
		rc = show_pick(s, r.message);
	else if (snprintf(idtext, sizeof idtext, "%lld", id) < 0 || kv_set(&s->state, "id", idtext) < 0)
		rc = -1;
	else
		rc = show_assessment(s, &t, NULL);
	threat_clear(&t);
	return rc;
}

static int save(struct adhoc_step *s, long long id, const char *const *vars)
{
	char *likelihood = form_text(s->submitted, "likelihood", NULL);
	char *damage = form_text(s->submitted, "damage", NULL);
	char *rationale = form_text(s->submitted, "rationale", NULL);
	struct threat t;
	struct op_result r, loaded;
	int rc = 0, refused;

	threat_init(&t);
	refused = cmd_check_form(s, vars, &r) < 0;
	if (refused)
		op_load(s->cc, id, &t, &loaded); /* its name titles the form shown again */
	if (refused || op_assess(s->cc, &s->actor, id, likelihood ? likelihood : "",
				 damage ? damage : "", rationale, &t, &r) < 0) {
		cmd_report_failure(s, &r);
		if (!s->error_condition) {
			/* show the submitted values again with the error */
			threat_set(&t, THREAT_LIKELIHOOD, likelihood);
			threat_set(&t, THREAT_DAMAGE, damage);
			t.id = id;
			rc = show_assessment(s, &t, rationale);
		}
	} else {
		adhoc_note(s, "info", r.message);
		s->status = ADHOC_COMPLETED;
	}
	threat_clear(&t);
	free(likelihood);
	free(damage);
	free(rationale);
	return rc;
}

int cmd_assess_step(struct adhoc_step *s)
{
	char *idtext = kv_get(s->state, "id");
	char unused[64], idbuf[32];
	long long id = 0;

	if (idtext)
		threat_id_parse(idtext, &id);
	free(idtext);
	if (s->action == ADHOC_PREV)
		return show_pick(s, NULL);
	if (!s->submitted)
		return s->stage == 0 ? show_pick(s, NULL) : cmd_need_form(s);
	if (s->stage <= 1 || !id) {
		/* a one-shot submission may carry the assessment with the id */
		if (s->stage == 0 && form_find(s->submitted, "likelihood") &&
		    cmd_read_id(s, &id, unused, sizeof unused) == 0) {
			/* kept: a refused one-shot continues at stage 2 */
			snprintf(idbuf, sizeof idbuf, "%lld", id);
			if (kv_set(&s->state, "id", idbuf) < 0)
				return -1;
			return save(s, id, one_shot_vars);
		}
		return pick(s);
	}
	return save(s, id, assessment_vars);
}
