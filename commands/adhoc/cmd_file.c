/* SPDX-License-Identifier: MIT */
/* `file`: one form with the template; completed with the new id and priority. */
#include <stdio.h>
#include <string.h>

#include "commands/adhoc/commands.h"
#include "commands/text/text.h"
#include "commands/adhoc/threat_form.h"

static int show_form(struct adhoc_step *s, const struct threat *prefill)
{
	xmpp_stanza_t *x = cmd_form(s, "File a threat",
				    "Describe the threat with the XEP-0139 template. Only the name "
				    "and the abstract are required; the rest can be added later with "
				    "the edit command.");

	if (!x || threat_form_add_fields(x, prefill, THREAT_FORM_FILE) < 0)
		return -1;
	s->stage = 1;
	s->status = ADHOC_EXECUTING;
	s->offer_complete = 1;
	return 0;
}

int cmd_file_step(struct adhoc_step *s)
{
	struct threat t;
	struct op_result r;
	xmpp_stanza_t *x, *field;
	char tid[32], note[sizeof r.message + 512];
	const char *vars[32];
	int rc = -1;

	if (!s->submitted || s->action == ADHOC_PREV) {
		if (s->stage == 0 || s->action == ADHOC_PREV)
			return show_form(s, NULL);
		return cmd_need_form(s);
	}
	threat_init(&t);
	memset(&r, 0, sizeof r);
	threat_form_vars(THREAT_FORM_FILE, vars, sizeof vars / sizeof vars[0]);
	/* read first: a refused form comes back with the values it carried */
	if (threat_form_read(s->submitted, &t, THREAT_FORM_FILE, NULL, &r) < 0 ||
	    cmd_check_form(s, vars, &r) < 0 || op_file(s->cc, &s->actor, &t, &r) < 0) {
		/* nothing stored: the same form again, values kept, and why */
		cmd_report_failure(s, &r);
		rc = s->error_condition ? 0 : cmd_fit_for_reply(s, &t) < 0 ? -1 : show_form(s, &t);
		goto out;
	}
	threat_id_format(t.id, tid, sizeof tid);
	text_format(note, sizeof note, "%s", r.message);
	threat_form_xep_note(&t, note, sizeof note);
	adhoc_note(s, "info", note);
	x = cmd_result(s, "Threat filed");
	if (!x)
		goto out;
	/* the name first: Converse.js 14 draws a result into the inputs of the
	 * form it answers, in order, and an input typed into keeps its text */
	field = form_add_field(x, "name", "text-single", "Name");
	if (!field || form_field_add_value(field, threat_get(&t, THREAT_NAME)) < 0)
		goto out;
	field = form_add_field(x, "id", "text-single", "Threat");
	if (!field || form_field_add_value(field, tid) < 0)
		goto out;
	field = form_add_field(x, "priority", "text-single", "Priority");
	if (!field || form_field_add_value(field, t.priority) < 0)
		goto out;
	s->status = ADHOC_COMPLETED;
	rc = 0;
out:
	threat_clear(&t);
	return rc;
}
