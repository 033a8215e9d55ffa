/* SPDX-License-Identifier: MIT */
/* `assess` by a group: each assessor's latest assessment is kept, and the
 * threat's likelihood and damage are the group's (consensus.h) once the
 * quorum (assess.quorum) is reached. The assessment, the threat's revision
 * and the announcement's event commit together. */
#include <stdlib.h>
#include <string.h>

#include "commands/register/announcement.h"
#include "commands/register/consensus.h"
#include "commands/register/ops_internal.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "config/config.h"
#include "storage/discussion.h"
#include "storage/store.h"

/* The votes of threat id's assessors, and how they stand under the quorum. */
int op_stance(struct commands_ctx *cc, long long id, struct consensus *c)
{
	struct stored_assessment *list = NULL;
	struct consensus_vote *votes;
	size_t n = 0, i;
	int rc = store_assessment_list(cc->store, id, &list, &n);

	if (rc < 0)
		return rc;
	votes = calloc(n ? n : 1, sizeof *votes);
	if (!votes) {
		store_assessments_free(list, n);
		return STORE_NOMEM;
	}
	for (i = 0; i < n; i++)
		votes[i] = (struct consensus_vote){ list[i].likelihood, list[i].damage };
	consensus_compute(votes, n, cc->cfg ? (size_t)cc->cfg->assess_quorum : 1, c);
	/* the levels named are constants of consensus.c, not the list's */
	free(votes);
	store_assessments_free(list, n);
	return 0;
}

/* One assessor alone under a quorum of 1 is today's register: said as it
 * always was. A group's assessment is worded now, with how it stands. */
static int group_in_play(const struct consensus *c)
{
	return c->assessments > 1 || c->quorum > 1 || c->disagreement;
}

int op_assess(struct commands_ctx *cc, const struct actor *who, long long id,
	      const char *likelihood, const char *damage, const char *rationale,
	      struct threat *out, struct op_result *r)
{
	char tid[32], stance[256], line[1024], mine_l[16], mine_d[16];
	const char *room_text = NULL;
	struct consensus c;
	long long event_id = 0;
	int rc;

	op_clear_result(r);
	threat_id_format(id, tid, sizeof tid);
	if (who->role < ROLE_ASSESSOR)
		return op_fail(r, OP_FORBIDDEN, NULL, "Only assessors and admins may assess threats.");
	if ((rc = op_check_text("rationale", rationale, r)) < 0)
		return rc;
	if ((rc = op_load(cc, id, out, r)) < 0)
		return rc;
	if (strcmp(threat_get(out, THREAT_STATUS), "retired") == 0)
		return op_fail(r, OP_INVALID, "id", "%s is retired: it is not assessed any more.", tid);
	text_format(r->old_priority, sizeof r->old_priority, "%s", out->priority ? out->priority : "");
	/* the assessor's own levels, checked against the template's options */
	if (threat_set(out, THREAT_LIKELIHOOD, likelihood) < 0 ||
	    threat_set(out, THREAT_DAMAGE, damage) < 0)
		return op_fail(r, OP_NOMEM, NULL, "vigil ran out of memory: nothing was changed.");
	if ((rc = op_check_threat(out, r)) < 0)
		return rc;
	text_format(mine_l, sizeof mine_l, "%s", threat_get(out, THREAT_LIKELIHOOD));
	text_format(mine_d, sizeof mine_d, "%s", threat_get(out, THREAT_DAMAGE));
	if ((rc = store_begin(cc->store)) < 0)
		return op_storage_failed(cc, r, rc, id);
	rc = store_assessment_put(cc->store, id, who->jid, mine_l, mine_d,
				  rationale && *rationale ? rationale : NULL);
	if (rc == 0)
		rc = op_stance(cc, id, &c);
	if (rc < 0)
		goto rollback;
	/* the threat's levels are the group's (median, ties to the higher) */
	if (threat_set(out, THREAT_LIKELIHOOD, c.likelihood) < 0 ||
	    threat_set(out, THREAT_DAMAGE, c.damage) < 0 || op_set_priority(out) < 0 ||
	    (c.reached && strcmp(threat_get(out, THREAT_STATUS), "identified") == 0 &&
	     threat_set(out, THREAT_STATUS, "analyzed") < 0)) {
		rc = STORE_NOMEM;
		goto rollback;
	}
	consensus_describe(&c, stance, sizeof stance);
	rc = store_threat_record(cc->store, out, out->revision, who->jid, "assessment",
				 rationale && *rationale ? rationale : NULL, NULL);
	if (rc == 0 && group_in_play(&c) &&
	    (c.disagreement || announce_text_says(CHANGE_ASSESSED, out, r->old_priority))) {
		announce_text_assessed(out, r->old_priority, stance, who->jid, line, sizeof line);
		room_text = line;
	}
	if (rc == 0)
		rc = op_record_event(cc, CHANGE_ASSESSED, out, r->old_priority, who->jid, room_text,
				     &event_id);
	if (rc == 0)
		rc = store_commit(cc->store);
	if (rc < 0)
		goto rollback;
	op_tell(cc, event_id, CHANGE_ASSESSED, out, r->old_priority, who->jid, room_text);
	if (!group_in_play(&c))
		text_format(r->message, sizeof r->message,
			    "%s \"%s\": priority %s → %s (likelihood %s, damage %s).", tid,
			    threat_get(out, THREAT_NAME), r->old_priority, out->priority,
			    *mine_l ? mine_l : "not assessed", *mine_d ? mine_d : "not assessed");
	else
		text_format(r->message, sizeof r->message,
			    "%s \"%s\": your assessment is kept (likelihood %s, damage %s); %s; "
			    "priority %s%s%s.", tid, threat_get(out, THREAT_NAME),
			    *mine_l ? mine_l : "not assessed", *mine_d ? mine_d : "not assessed",
			    stance, strcmp(r->old_priority, out->priority) ? r->old_priority : "stays ",
			    strcmp(r->old_priority, out->priority) ? " → " : "", out->priority);
	return 0;
rollback:
	store_rollback(cc->store);
	return op_storage_failed(cc, r, rc, id);
}
