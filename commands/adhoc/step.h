/* SPDX-License-Identifier: MIT */
/* One step of an ad-hoc command (XEP-0050): what adhoc.c hands a command's
 * step function, and the helpers a step uses to answer. Below adhoc.c, which
 * dispatches to the steps, so the steps never call back up into it. */
#ifndef VIGIL_ADHOC_STEP_H
#define VIGIL_ADHOC_STEP_H

#include <strophe.h>

#include "commands/register/context.h"
#include "component/xmpp/forms.h"

enum adhoc_action { ADHOC_EXECUTE, ADHOC_NEXT, ADHOC_PREV, ADHOC_COMPLETE };
enum adhoc_status { ADHOC_EXECUTING, ADHOC_COMPLETED };

/* One step of a command, handed to the command's step function. */
struct adhoc_step {
	struct commands_ctx *cc;
	const char *requester;       /* full JID */
	const char *who;             /* bare JID */
	struct actor actor;          /* who, with the role worked out once for the request */
	enum adhoc_action action;
	const struct form *submitted; /* the submitted form, NULL when none */
	int forms;                   /* data forms in the request (a second one is refused) */
	int stage;                   /* in: the stage last shown (0 = none); out: now shown */
	char *state;                 /* in/out: session state (commands/adhoc/kv.h), owned */
	xmpp_stanza_t *command;      /* the response <command/> to fill */
	enum adhoc_status status;    /* out */
	/* out, when executing: the actions offered; `execute` is the default */
	int offer_prev, offer_next, offer_complete;
	/* out: set by adhoc_fail() to answer with an iq error instead */
	const char *error_type, *error_condition, *error_app;
	char error_text[1024];
};

typedef int (*adhoc_step_fn)(struct adhoc_step *s);

/* Adds <note type=type>text</note> to the response. 0 or -1. */
int adhoc_note(struct adhoc_step *s, const char *type, const char *text);

/* Makes the step answer with an iq error instead of the <command/>. */
void adhoc_fail(struct adhoc_step *s, const char *type, const char *condition,
		const char *app, const char *text);

#endif
