/* SPDX-License-Identifier: MIT */
/* The ad-hoc commands' stages (PROTOCOL.md §5), one file each, and the
 * helpers they share. */
#ifndef VIGIL_COMMANDS_H
#define VIGIL_COMMANDS_H

#include "commands/adhoc/step.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"

int cmd_file_step(struct adhoc_step *s);
int cmd_edit_step(struct adhoc_step *s);
int cmd_assess_step(struct adhoc_step *s);
int cmd_list_step(struct adhoc_step *s);
int cmd_search_step(struct adhoc_step *s);
int cmd_show_step(struct adhoc_step *s);
int cmd_history_step(struct adhoc_step *s);
int cmd_retire_step(struct adhoc_step *s);
int cmd_comment_step(struct adhoc_step *s);
int cmd_delete_comment_step(struct adhoc_step *s);

/* --- shared by the steps (commands/adhoc/cmd_common.c) --- */

/* Adds the `id` field: list-single of the threats (open ones unless
 * include_retired) when there are few enough to list, text-single otherwise. */
int cmd_add_id_field(struct adhoc_step *s, xmpp_stanza_t *x, int include_retired,
		     const char *value);

/* Shows the stage that picks a threat (stage 1): a form with the `id`
 * field (retired threats too when include_retired), note as an error note
 * when set, and `next` offered (or `complete` when then_complete). -1 when
 * out of memory. */
int cmd_show_pick(struct adhoc_step *s, const char *title, const char *instructions,
		  int include_retired, int then_complete, const char *note);

/* The fields of a stage that picks a threat. */
extern const char *const cmd_id_vars[];

/* Checks the submitted form against the fields this stage offered (vars,
 * NULL-terminated; FORM_TYPE is implied): FORM_TYPE urn:vigil:threat:0, no
 * field it did not offer, none twice, and no second form in the request.
 * Returns 0, or -1 with the problems in r (OP_INVALID): the caller shows
 * its form again with the values kept and r's message as the error note
 * (PROTOCOL.md §5). */
int cmd_check_form(const struct adhoc_step *s, const char *const *vars, struct op_result *r);

/* Reads `id` from the submitted form. On failure writes the problem into
 * msg and returns -1. */
int cmd_read_id(struct adhoc_step *s, long long *id, char *msg, size_t msglen);

/* Starts a form in the response: <x type='form'> with FORM_TYPE. */
xmpp_stanza_t *cmd_form(struct adhoc_step *s, const char *title, const char *instructions);

/* Starts a result form in the response: <x type='result'> with FORM_TYPE. */
xmpp_stanza_t *cmd_result(struct adhoc_step *s, const char *title);

/* Finishes a step that needs a submitted form but got none: bad-request +
 * bad-payload (PROTOCOL.md §5). Returns 0. */
int cmd_need_form(struct adhoc_step *s);

/* Maps an operation's failure onto the response: forbidden -> iq error;
 * everything else -> an error note (the caller re-shows its form). */
void cmd_report_failure(struct adhoc_step *s, const struct op_result *r);

/* A one-stage command on a threat with one text-multi field (retire's
 * reason, comment's text): the form, its checks, the operation. */
struct cmd_id_text {
	const char *title, *instructions;
	int include_retired;             /* the `id` field lists retired threats too */
	const char *var, *label, *desc;  /* the text field */
	/* the operation: 0, or -1 with r filled; t is the threat it wrote */
	int (*run)(struct adhoc_step *s, long long id, const char *text, struct threat *t,
		   struct op_result *r);
};
int cmd_id_text_step(struct adhoc_step *s, const struct cmd_id_text *c);

/* Before a refused threat is shown again: shortens what would not fit in a
 * reply (validate_fit_threat) and says so in a note. -1 when out of memory. */
int cmd_fit_for_reply(struct adhoc_step *s, struct threat *t);

#endif
