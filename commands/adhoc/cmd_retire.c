/* SPDX-License-Identifier: MIT */
/* `retire` (admins): one stage with the threat and the reason. */
#include <stdio.h>
#include <stdlib.h>

#include "commands/adhoc/commands.h"

static int retire(struct adhoc_step *s, long long id, const char *reason, struct threat *t,
		  struct op_result *r)
{
	return op_retire(s->cc, &s->actor, id, reason, t, r);
}

static const struct cmd_id_text retire_command = {
	"Retire a threat",
	"A retired threat leaves the register's open list but keeps its history; the reason is "
	"recorded.",
	0, "reason", "Reason", "Required. Why the threat is retired; up to 2,000 characters.",
	retire,
};

int cmd_retire_step(struct adhoc_step *s)
{
	return cmd_id_text_step(s, &retire_command);
}
