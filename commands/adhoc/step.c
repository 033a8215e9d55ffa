/* SPDX-License-Identifier: MIT */
/* The helpers a command's step answers with: see step.h. */
#include "commands/adhoc/step.h"

#include "commands/text/text.h"
#include "component/xmpp/stanza.h"

int adhoc_note(struct adhoc_step *s, const char *type, const char *text)
{
	xmpp_stanza_t *note = stanza_add_text_child(s->command, "note", text);

	if (!note)
		return -1;
	xmpp_stanza_set_type(note, type);
	return 0;
}

void adhoc_fail(struct adhoc_step *s, const char *type, const char *condition,
		const char *app, const char *text)
{
	s->error_type = type;
	s->error_condition = condition;
	s->error_app = app;
	text_format(s->error_text, sizeof s->error_text, "%s", text ? text : "");
}
