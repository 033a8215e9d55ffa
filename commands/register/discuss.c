/* SPDX-License-Identifier: MIT */
/* Comments on a threat: part of its record, each one a revision
 * of the threat ("comment" in its changed list) so the history, the PubSub
 * item and the pages follow; deleting one keeps a mark (who, when) in
 * place of the text. The comment, the revision and the announcement's
 * event commit together. */
#include <stdlib.h>
#include <string.h>

#include "commands/register/ops_internal.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "storage/discussion.h"
#include "storage/store.h"

int op_comment(struct commands_ctx *cc, const struct actor *who, long long id, const char *text,
	       const char *stanza_id, struct threat *out, long long *comment_id,
	       struct op_result *r)
{
	char tid[32];
	long long event_id = 0, cid = 0;
	int rc;

	op_clear_result(r);
	threat_id_format(id, tid, sizeof tid);
	if (who->role < ROLE_MEMBER)
		return op_fail(r, OP_FORBIDDEN, NULL, "Your domain may not comment here.");
	while (text && (*text == ' ' || *text == '\t' || *text == '\n'))
		text++;
	if (!text || !*text)
		return op_fail(r, OP_INVALID, "comment", "comment: required — say what you want to add to %s.", tid);
	if ((rc = op_check_text("comment", text, r)) < 0)
		return rc;
	if ((rc = op_load(cc, id, out, r)) < 0)
		return rc;
	if ((rc = store_begin(cc->store)) < 0)
		return op_storage_failed(cc, r, rc, id);
	rc = store_threat_record(cc->store, out, out->revision, who->jid, "comment", NULL, NULL);
	if (rc == 0)
		rc = store_comment_add(cc->store, id, out->revision, who->jid, text, stanza_id, &cid);
	if (rc == 0)
		rc = op_record_event(cc, CHANGE_COMMENTED, out, out->priority, who->jid, NULL, &event_id);
	if (rc == 0)
		rc = store_commit(cc->store);
	if (rc < 0) {
		store_rollback(cc->store);
		return op_storage_failed(cc, r, rc, id);
	}
	op_tell(cc, event_id, CHANGE_COMMENTED, out, out->priority, who->jid, NULL);
	if (comment_id)
		*comment_id = cid;
	text_format(r->message, sizeof r->message, "Comment #%lld kept with %s \"%s\".", cid, tid,
		    threat_get(out, THREAT_NAME));
	return 0;
}

int op_comment_delete(struct commands_ctx *cc, const struct actor *who, long long comment_id,
		      struct threat *out, struct op_result *r)
{
	struct stored_comment c = { 0 };
	char tid[32], note[64];
	long long event_id = 0;
	int rc;

	op_clear_result(r);
	rc = store_comment_get(cc->store, comment_id, &c);
	if (rc == STORE_NOTFOUND)
		return op_fail(r, OP_NOTFOUND, "comment", "There is no comment #%lld.", comment_id);
	if (rc < 0)
		return op_storage_failed(cc, r, rc, 0);
	threat_id_format(c.threat_id, tid, sizeof tid);
	if (!c.body) {
		rc = op_fail(r, OP_INVALID, "comment", "Comment #%lld on %s was deleted already, by %s.",
			     comment_id, tid, c.deleted_by ? c.deleted_by : "?");
		goto out;
	}
	if (who->role < ROLE_ADMIN && strcmp(c.who, who->jid) != 0) {
		rc = op_fail(r, OP_FORBIDDEN, NULL, "Only its author (%s) and admins may delete comment #%lld.",
			     c.who, comment_id);
		goto out;
	}
	if ((rc = op_load(cc, c.threat_id, out, r)) < 0)
		goto out;
	text_format(note, sizeof note, "comment #%lld deleted", comment_id);
	if ((rc = store_begin(cc->store)) < 0) {
		rc = op_storage_failed(cc, r, rc, c.threat_id);
		goto out;
	}
	rc = store_comment_delete(cc->store, comment_id, who->jid);
	if (rc == 0)
		rc = store_threat_record(cc->store, out, out->revision, who->jid, "comment-deleted", note,
					 NULL);
	if (rc == 0)
		rc = op_record_event(cc, CHANGE_UNCOMMENTED, out, out->priority, who->jid, NULL, &event_id);
	if (rc == 0)
		rc = store_commit(cc->store);
	if (rc < 0) {
		store_rollback(cc->store);
		rc = op_storage_failed(cc, r, rc, c.threat_id);
		goto out;
	}
	op_tell(cc, event_id, CHANGE_UNCOMMENTED, out, out->priority, who->jid, NULL);
	text_format(r->message, sizeof r->message,
		    "Deleted comment #%lld on %s; its history keeps the mark.", comment_id, tid);
out:
	stored_comment_clear(&c);
	return rc;
}
