/* `retire` (admins): one stage with the threat and the reason. */
#include <stdio.h>
#include <stdlib.h>

#include "commands/adhoc/commands.h"

static int show_form(struct adhoc_step *s, const char *id, const char *reason)
{
	xmpp_stanza_t *x = cmd_form(s, "Retire a threat",
				    "A retired threat leaves the register's open list but keeps its "
				    "history; the reason is recorded.");
	xmpp_stanza_t *field;

	if (!x || cmd_add_id_field(s, x, 0, id) < 0)
		return -1;
	field = form_add_field(x, "reason", "text-multi", "Reason");
	if (!field || form_field_set_desc(field, "Required. Why the threat is retired; up to 2,000 characters.") < 0 ||
	    form_field_set_required(field) < 0 ||
	    form_field_set_value(field, reason, 1) < 0)
		return -1;
	s->stage = 1;
	s->status = ADHOC_EXECUTING;
	s->offer_complete = 1;
	return 0;
}

static const char *const retire_vars[] = { "id", "reason", NULL };

int cmd_retire_step(struct adhoc_step *s)
{
	struct threat t;
	struct op_result r;
	char msg[256];
	char *idtext, *reason;
	long long id;
	int rc;

	if (!s->submitted || s->action == ADHOC_PREV)
		return s->stage == 0 || s->action == ADHOC_PREV ? show_form(s, NULL, NULL)
								 : cmd_need_form(s);
	idtext = form_text(s->submitted, "id", NULL);
	reason = form_text(s->submitted, "reason", NULL);
	threat_init(&t);
	if (cmd_check_form(s, retire_vars, &r) < 0) {
		adhoc_note(s, "error", r.message);
		rc = show_form(s, idtext, reason);
	} else if (cmd_read_id(s, &id, msg, sizeof msg) < 0) {
		adhoc_note(s, "error", msg);
		rc = show_form(s, idtext, reason);
	} else if (op_retire(s->cc, &s->actor, id, reason, &t, &r) < 0) {
		cmd_report_failure(s, &r);
		rc = s->error_condition ? 0 : show_form(s, idtext, reason);
	} else {
		adhoc_note(s, "info", r.message);
		s->status = ADHOC_COMPLETED;
		rc = 0;
	}
	threat_clear(&t);
	free(idtext);
	free(reason);
	return rc;
}
