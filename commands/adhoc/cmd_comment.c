/* SPDX-License-Identifier: MIT */
/* `comment` (members): one stage with the threat and the text;
 * `delete-comment` (its author, admins): one stage with the comment's #n. */
#include <stdio.h>
#include <stdlib.h>

#include "commands/adhoc/commands.h"

static int comment(struct adhoc_step *s, long long id, const char *text, struct threat *t,
		   struct op_result *r)
{
	return op_comment(s->cc, &s->actor, id, text, NULL, t, NULL, r);
}

static const struct cmd_id_text comment_command = {
	"Comment on a threat",
	"A comment is part of the threat's record: its history, its page and its PubSub item "
	"show it.",
	1, "comment", "Comment", "Required; up to 2,000 characters.",
	comment,
};

int cmd_comment_step(struct adhoc_step *s)
{
	return cmd_id_text_step(s, &comment_command);
}

static int show_delete_form(struct adhoc_step *s, const char *number)
{
	xmpp_stanza_t *x = cmd_form(s, "Delete a comment",
				    "Its text goes; the threat's history keeps a mark of who "
				    "deleted it and when. Authors may delete their own comments, "
				    "admins any.");
	xmpp_stanza_t *field;

	if (!x)
		return -1;
	field = form_add_field(x, "comment", "text-single", "Comment number");
	if (!field || form_field_set_desc(field, "The #n that show and history give, e.g. 3.") < 0 ||
	    form_field_set_required(field) < 0 || form_field_set_value(field, number, 0) < 0)
		return -1;
	s->stage = 1;
	s->status = ADHOC_EXECUTING;
	s->offer_complete = 1;
	return 0;
}

static const char *const delete_vars[] = { "comment", NULL };

int cmd_delete_comment_step(struct adhoc_step *s)
{
	struct threat t;
	struct op_result r;
	char *number;
	long long n;
	int rc;

	if (!s->submitted || s->action == ADHOC_PREV)
		return s->stage == 0 || s->action == ADHOC_PREV ? show_delete_form(s, NULL)
								 : cmd_need_form(s);
	number = form_text(s->submitted, "comment", NULL);
	threat_init(&t);
	if (cmd_check_form(s, delete_vars, &r) < 0) {
		adhoc_note(s, "error", r.message);
		rc = show_delete_form(s, number);
	} else if (comment_number_parse(number, &n) < 0) {
		adhoc_note(s, "error", "comment: give the comment's number, such as 3 or #3.");
		rc = show_delete_form(s, number);
	} else if (op_comment_delete(s->cc, &s->actor, n, &t, &r) < 0) {
		cmd_report_failure(s, &r);
		rc = s->error_condition ? 0 : show_delete_form(s, number);
	} else {
		adhoc_note(s, "info", r.message);
		s->status = ADHOC_COMPLETED;
		rc = 0;
	}
	threat_clear(&t);
	free(number);
	return rc;
}
