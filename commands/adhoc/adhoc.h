/* SPDX-License-Identifier: MIT */
/* XEP-0050 ad-hoc commands: sessions, actions, the command list and the
 * response envelope. Each command's stages live in commands/cmd_*.c. */
#ifndef VIGIL_ADHOC_H
#define VIGIL_ADHOC_H

#include <strophe.h>

#include "commands/adhoc/step.h"
#include "component/xmpp/ns.h"

struct adhoc_command {
	const char *node;
	const char *name;
	enum role min_role;
	adhoc_step_fn step;
};

/* Answers an iq set with <command xmlns=NS_COMMANDS>. Returns the reply for
 * the caller to send (and release); NULL only on allocation failure. */
xmpp_stanza_t *adhoc_handle(struct commands_ctx *cc, xmpp_stanza_t *iq);

/* Adds an <item/> to a disco#items query for each command requester may run. */
void adhoc_list_commands(struct commands_ctx *cc, const char *requester, xmpp_stanza_t *query);

/* The command named by node, or NULL. */
const struct adhoc_command *adhoc_find(const char *node);

/* Deletes expired sessions; returns how many or negative. */
int adhoc_expire(struct commands_ctx *cc);

#endif
