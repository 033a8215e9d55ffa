/* SPDX-License-Identifier: MIT */
/* Pieces shared by the ad-hoc command stages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/adhoc/commands.h"
#include "component/xmpp/forms.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "commands/register/validate.h"
#include "storage/store.h"

/* Above this many candidates the id becomes a text field: a list-single with
 * thousands of options would make a stanza no client wants to render. */
#define ID_OPTIONS_MAX 100
/* An option's label names the threat in at most this many characters, so a
 * picker of ID_OPTIONS_MAX threats stays far below the stanza limit. */
#define PICKER_NAME_CHARS 80

const char *const cmd_id_vars[] = { "id", NULL };

int cmd_check_form(const struct adhoc_step *s, const char *const *vars, struct op_result *r)
{
	size_t used;
	int rc = form_check(s->submitted, VIGIL_NS, vars, r->message, sizeof r->message);

	if (s->forms > 1) {
		/* XEP-0050 §3.5 lets a request carry several payloads; two data
		 * forms would leave which one counts to guesswork */
		used = strlen(r->message);
		text_format(r->message + used, sizeof r->message - used,
			    "%sThe request carries %d data forms: send only this stage's.",
			    used ? " " : "", s->forms);
		rc = -1;
	}
	if (rc < 0) {
		r->code = OP_INVALID;
		r->field = NULL;
	}
	return rc;
}

xmpp_stanza_t *cmd_form(struct adhoc_step *s, const char *title, const char *instructions)
{
	xmpp_stanza_t *x = form_add(s->command, "form", title, instructions);

	if (!x || form_add_form_type(x, VIGIL_NS) < 0)
		return NULL;
	return x;
}

xmpp_stanza_t *cmd_result(struct adhoc_step *s, const char *title)
{
	xmpp_stanza_t *x = form_add(s->command, "result", title, NULL);

	if (!x || form_add_form_type(x, VIGIL_NS) < 0)
		return NULL;
	return x;
}

int cmd_add_id_field(struct adhoc_step *s, xmpp_stanza_t *x, int include_retired,
		     const char *value)
{
	struct threat_filter filter = { 0 };
	struct threat *list = NULL;
	size_t count = 0, total = 0, i;
	xmpp_stanza_t *field;
	char tid[32], label[1024], name[800];
	int rc;

	if (include_retired)
		filter.status_mask = 0xf;
	rc = store_threat_list(s->cc->store, &filter, 0, ID_OPTIONS_MAX, &list, &count, &total);
	if (rc < 0)
		return -1;
	field = form_add_field(x, "id", total <= ID_OPTIONS_MAX ? "list-single" : "text-single",
			       "Threat");
	if (!field || form_field_set_desc(field, total <= ID_OPTIONS_MAX ?
				"Required. The threat, highest priority first." :
				"Required. The threat's id, e.g. T-7 (use the list command to find it).") < 0 ||
	    form_field_set_required(field) < 0)
		goto fail;
	if (value && form_field_add_value(field, value) < 0)
		goto fail;
	for (i = 0; total <= ID_OPTIONS_MAX && i < count; i++) {
		threat_id_format(list[i].id, tid, sizeof tid);
		text_format(label, sizeof label, "%s [%s] %s", tid, list[i].priority ? list[i].priority : "",
			    text_shorten(name, sizeof name, threat_get(&list[i], THREAT_NAME),
					 PICKER_NAME_CHARS));
		if (form_field_add_option(field, label, tid) < 0)
			goto fail;
	}
	store_threats_free(list, count);
	return 0;
fail:
	store_threats_free(list, count);
	return -1;
}

int cmd_read_id(struct adhoc_step *s, long long *id, char *msg, size_t msglen)
{
	char *text = s->submitted ? form_text(s->submitted, "id", NULL) : NULL;
	int rc = 0;

	if (!text || !*text) {
		snprintf(msg, msglen, "id: required — choose a threat.");
		rc = -1;
	} else if (threat_id_parse(text, id) < 0) {
		char quoted[TEXT_QUOTE_BYTES];
		text_format(msg, msglen, "id: \"%s\" is not a threat id such as T-7.",
			    text_quote(quoted, sizeof quoted, text));
		rc = -1;
	}
	free(text);
	return rc;
}

int cmd_need_form(struct adhoc_step *s)
{
	adhoc_fail(s, "modify", "bad-request", "bad-payload",
		   "This stage needs the submitted form.");
	return 0;
}

void cmd_report_failure(struct adhoc_step *s, const struct op_result *r)
{
	if (r->code == OP_FORBIDDEN) {
		adhoc_fail(s, "auth", "forbidden", NULL, r->message);
		return;
	}
	adhoc_note(s, "error", r->message);
}

int cmd_fit_for_reply(struct adhoc_step *s, struct threat *t)
{
	char changed[256], note[512];
	int n = validate_fit_threat(t, changed, sizeof changed);

	if (n <= 0)
		return n;
	text_format(note, sizeof note, "The form shows %s shortened (marked …): the whole "
		    "threat does not fit in one reply. Nothing was stored.", changed);
	return adhoc_note(s, "error", note);
}

int cmd_show_pick(struct adhoc_step *s, const char *title, const char *instructions,
		  int include_retired, int then_complete, const char *note)
{
	xmpp_stanza_t *x = cmd_form(s, title, instructions);

	if (!x || cmd_add_id_field(s, x, include_retired, NULL) < 0)
		return -1;
	if (note)
		adhoc_note(s, "error", note);
	s->stage = 1;
	s->status = ADHOC_EXECUTING;
	if (then_complete)
		s->offer_complete = 1;
	else
		s->offer_next = 1;
	return 0;
}

static int show_id_text_form(struct adhoc_step *s, const struct cmd_id_text *c, const char *id,
			     const char *text)
{
	xmpp_stanza_t *x = cmd_form(s, c->title, c->instructions);
	xmpp_stanza_t *field;

	if (!x || cmd_add_id_field(s, x, c->include_retired, id) < 0)
		return -1;
	field = form_add_field(x, c->var, "text-multi", c->label);
	if (!field || form_field_set_desc(field, c->desc) < 0 ||
	    form_field_set_required(field) < 0 || form_field_set_value(field, text, 1) < 0)
		return -1;
	s->stage = 1;
	s->status = ADHOC_EXECUTING;
	s->offer_complete = 1;
	return 0;
}

int cmd_id_text_step(struct adhoc_step *s, const struct cmd_id_text *c)
{
	const char *const vars[] = { "id", c->var, NULL };
	struct threat t;
	struct op_result r;
	char msg[256];
	char *idtext, *text;
	long long id;
	int rc;

	if (!s->submitted || s->action == ADHOC_PREV)
		return s->stage == 0 || s->action == ADHOC_PREV ? show_id_text_form(s, c, NULL, NULL)
								 : cmd_need_form(s);
	idtext = form_text(s->submitted, "id", NULL);
	text = form_text(s->submitted, c->var, NULL);
	threat_init(&t);
	if (cmd_check_form(s, vars, &r) < 0) {
		adhoc_note(s, "error", r.message);
		rc = show_id_text_form(s, c, idtext, text);
	} else if (cmd_read_id(s, &id, msg, sizeof msg) < 0) {
		adhoc_note(s, "error", msg);
		rc = show_id_text_form(s, c, idtext, text);
	} else if (c->run(s, id, text, &t, &r) < 0) {
		cmd_report_failure(s, &r);
		rc = s->error_condition ? 0 : show_id_text_form(s, c, idtext, text);
	} else {
		adhoc_note(s, "info", r.message);
		s->status = ADHOC_COMPLETED;
		rc = 0;
	}
	threat_clear(&t);
	free(idtext);
	free(text);
	return rc;
}
