/* `show` and `history`: pick a threat, then one result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/threat_form.h"
#include "storage/store.h"

static int show_pick(struct adhoc_step *s, const char *title, const char *note)
{
	xmpp_stanza_t *x = cmd_form(s, title, "Choose the threat.");

	if (!x || cmd_add_id_field(s, x, 1, NULL) < 0)
		return -1;
	if (note)
		adhoc_note(s, "error", note);
	s->stage = 1;
	s->status = ADHOC_EXECUTING;
	s->offer_complete = 1;
	return 0;
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
	if (cmd_read_id(s, &id, msg, sizeof msg) < 0)
		return show_pick(s, title, msg) < 0 ? -1 : 0;
	if (op_load(s->cc, id, t, &r) < 0)
		return show_pick(s, title, r.message) < 0 ? -1 : 0;
	return 1;
}

int cmd_show_step(struct adhoc_step *s)
{
	struct threat t;
	char title[300], tid[32], note[2048];
	xmpp_stanza_t *x;
	int rc;

	threat_init(&t);
	rc = picked(s, "Show a threat", &t);
	if (rc <= 0)
		goto out;
	threat_id_format(t.id, tid, sizeof tid);
	snprintf(title, sizeof title, "%s: %.200s", tid, threat_get(&t, THREAT_NAME));
	x = cmd_result(s, title);
	rc = -1;
	if (!x || threat_form_add_fields(x, &t, THREAT_FORM_RESULT) < 0)
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

static int add_column(xmpp_stanza_t *reported, const char *var, const char *label)
{
	return form_add_field(reported, var, "text-single", label) ? 0 : -1;
}

static int add_cell(xmpp_stanza_t *item, const char *var, const char *value)
{
	xmpp_stanza_t *field = form_add_field(item, var, NULL, NULL);

	return field && form_field_set_value(field, value ? value : "", 1) == 0 ? 0 : -1;
}

int cmd_history_step(struct adhoc_step *s)
{
	struct threat t;
	struct threat_revision *revs = NULL;
	size_t count = 0, i;
	char title[300], tid[32], num[32];
	xmpp_stanza_t *x, *reported, *item;
	int rc;

	threat_init(&t);
	rc = picked(s, "Threat history", &t);
	if (rc <= 0)
		goto out;
	rc = -1;
	if (store_threat_history(s->cc->store, t.id, &revs, &count) < 0)
		goto out;
	threat_id_format(t.id, tid, sizeof tid);
	snprintf(title, sizeof title, "History of %s: %.200s", tid, threat_get(&t, THREAT_NAME));
	x = cmd_result(s, title);
	reported = x ? xmpp_stanza_new(s->cc->xmpp) : NULL;
	if (!reported)
		goto out;
	xmpp_stanza_set_name(reported, "reported");
	xmpp_stanza_add_child_ex(x, reported, 0);
	if (add_column(reported, "revision", "Revision") < 0 || add_column(reported, "when", "When") < 0 ||
	    add_column(reported, "who", "Who") < 0 || add_column(reported, "changed", "Changed fields") < 0 ||
	    add_column(reported, "note", "Note") < 0)
		goto out;
	for (i = 0; i < count; i++) {
		item = xmpp_stanza_new(s->cc->xmpp);
		if (!item)
			goto out;
		xmpp_stanza_set_name(item, "item");
		xmpp_stanza_add_child_ex(x, item, 0);
		snprintf(num, sizeof num, "%lld", revs[i].revision);
		if (add_cell(item, "revision", num) < 0 || add_cell(item, "when", revs[i].at) < 0 ||
		    add_cell(item, "who", revs[i].who) < 0 ||
		    add_cell(item, "changed", revs[i].changed && *revs[i].changed ? revs[i].changed :
					      (i == 0 ? "filed" : "")) < 0 ||
		    add_cell(item, "note", revs[i].note) < 0)
			goto out;
	}
	snprintf(title, sizeof title, "%zu revision%s of %s.", count, count == 1 ? "" : "s", tid);
	adhoc_note(s, "info", title);
	s->status = ADHOC_COMPLETED;
	rc = 0;
out:
	store_revisions_free(revs, count);
	threat_clear(&t);
	return rc;
}
