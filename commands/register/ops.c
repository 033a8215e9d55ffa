/* SPDX-License-Identifier: MIT */
/* The register's operations: see ops.h. */
#include "commands/register/ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/context.h"
#include "commands/register/ops_internal.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "commands/register/validate.h"
#include "storage/events.h"
#include "storage/store.h"

#define NOTE_MAX_CHARS OP_NOTE_MAX_CHARS

int threat_id_parse(const char *text, long long *id)
{
	char *end;
	long long n;

	if (!text)
		return -1;
	while (*text == ' ')
		text++;
	if ((text[0] == 'T' || text[0] == 't') && text[1] == '-')
		text += 2;
	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	n = strtoll(text, &end, 10);
	while (*end == ' ')
		end++;
	if (errno || *end || n <= 0)
		return -1;
	*id = n;
	return 0;
}

int comment_number_parse(const char *text, long long *n)
{
	char *end;

	if (!text)
		return -1;
	while (*text == ' ')
		text++;
	if (*text == '#')
		text++;
	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	*n = strtoll(text, &end, 10);
	while (*end == ' ')
		end++;
	return errno || *end || *n <= 0 ? -1 : 0;
}

void threat_id_format(long long id, char *buf, size_t len)
{
	snprintf(buf, len, "T-%lld", id);
}

int op_fail(struct op_result *r, enum op_code code, const char *field, const char *fmt, ...)
{
	va_list ap;

	r->code = code;
	r->field = field;
	va_start(ap, fmt);
	text_vformat(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
	return code;
}

int op_storage_failed(struct commands_ctx *cc, struct op_result *r, int rc, long long id)
{
	char tid[32];

	threat_id_format(id, tid, sizeof tid);
	if (rc == STORE_NOTFOUND)
		return op_fail(r, OP_NOTFOUND, "id", "There is no threat %s.", tid);
	if (rc == STORE_STALE)
		return op_fail(r, OP_STALE, "revision",
			    "%s was changed by someone else since you opened it: nothing was "
			    "saved. Open it again to see the new revision.", tid);
	if (rc == STORE_NOMEM)
		return op_fail(r, OP_NOMEM, NULL, "vigil ran out of memory: nothing was changed.");
	return op_fail(r, OP_STORAGE, NULL, "The register could not save this: %s. Nothing was changed.",
		    store_errmsg(cc->store));
}

void op_clear_result(struct op_result *r)
{
	memset(r, 0, sizeof *r);
}

/* Sets priority and its rank from likelihood and damage (PROTOCOL.md §4). */
int op_set_priority(struct threat *t)
{
	int rank = priority_rank(threat_get(t, THREAT_LIKELIHOOD), threat_get(t, THREAT_DAMAGE));
	char *name = strdup(priority_name(rank));

	if (!name)
		return -1;
	free(t->priority);
	t->priority = name;
	t->priority_rank = rank;
	return 0;
}

/* "unassessed" from a form or a chat command is stored as empty. */
static int store_unassessed(struct threat *t)
{
	size_t i;

	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		if (f->slot == TEMPLATE_NOT_STORED)
			continue;
		value = threat_get(t, (enum threat_field)f->slot);
		if (template_stored_value(f, value) != value &&
		    threat_set(t, (enum threat_field)f->slot, "") < 0)
			return -1;
	}
	return 0;
}

int op_check_threat(struct threat *t, struct op_result *r)
{
	const struct template_field *bad = NULL;
	char msg[sizeof r->message];

	if (store_unassessed(t) < 0 || op_set_priority(t) < 0)
		return op_fail(r, OP_NOMEM, NULL, "vigil ran out of memory: nothing was changed.");

	if (validate_threat(t, &bad, msg, sizeof msg) < 0)
		return op_fail(r, OP_INVALID, bad ? bad->var : NULL, "%s", msg);
	return 0;
}

int op_check_text(const char *var, const char *note, struct op_result *r)
{
	char msg[sizeof r->message];

	if (note && validate_text(var, note, NOTE_MAX_CHARS, msg, sizeof msg) < 0)
		return op_fail(r, OP_INVALID, var, "%s", msg);
	return 0;
}

/* The change's event row (storage/events.h), and what the listener records
 * with it, in the change's transaction: the announcer sends from it, again
 * after a crash if need be. */
int op_record_event(struct commands_ctx *cc, enum change_kind kind, const struct threat *t,
		    const char *old_priority, const char *by, const char *room_text,
		    long long *event_id)
{
	struct stored_event e = {
		.kind = kind, .threat_id = t->id, .revision = t->revision,
		.old_priority = (char *)old_priority, .who = (char *)by,
		.room_text = (char *)room_text,
	};
	int rc = store_event_add(cc->store, &e, event_id);

	if (rc == 0 && cc->changes.recording) {
		struct change c = { *event_id, kind, t, old_priority, by, room_text };
		cc->changes.recording(cc->changes.ctx, &c);
	}
	return rc;
}

/* Committed: whoever listens (the announcer) learns of it now. */
void op_tell(struct commands_ctx *cc, long long event_id, enum change_kind kind,
	     const struct threat *t, const char *old_priority, const char *by, const char *room_text)
{
	struct change c = { event_id, kind, t, old_priority, by, room_text };

	if (cc->changes.changed)
		cc->changes.changed(cc->changes.ctx, &c);
}

/* Saves a change and its event in one transaction, then tells the
 * listener: the change is acknowledged only after this commits. */
static int commit_update(struct commands_ctx *cc, struct threat *t, long long expected,
			 const char *who, const char *note, enum change_kind kind,
			 const char *old_priority, int *changed_out)
{
	long long event_id = 0;
	int rc = store_begin(cc->store), changed = 0;

	if (rc < 0)
		return rc;
	rc = store_threat_update(cc->store, t, expected, who, note, &changed);
	if (rc == 0 && changed)
		rc = op_record_event(cc, kind, t, old_priority, who, NULL, &event_id);
	if (rc == 0)
		rc = store_commit(cc->store);
	if (rc < 0)
		store_rollback(cc->store);
	else if (changed)
		op_tell(cc, event_id, kind, t, old_priority, who, NULL);
	if (changed_out)
		*changed_out = rc == 0 && changed;
	return rc;
}

int op_load(struct commands_ctx *cc, long long id, struct threat *out, struct op_result *r)
{
	int rc;

	op_clear_result(r);
	rc = store_threat_get(cc->store, id, out);
	return rc < 0 ? op_storage_failed(cc, r, rc, id) : 0;
}

int op_file(struct commands_ctx *cc, const struct actor *who, struct threat *t,
	    struct op_result *r)
{
	long long event_id = 0;
	char tid[32];
	int rc;

	op_clear_result(r);
	if (who->role < ROLE_MEMBER)
		return op_fail(r, OP_FORBIDDEN, NULL, "Your domain may not file threats here.");
	free(t->author);
	t->author = strdup(who->jid);
	if (!t->author || threat_set(t, THREAT_STATUS, "identified") < 0 || op_set_priority(t) < 0)
		return op_fail(r, OP_NOMEM, NULL, "vigil ran out of memory: nothing was changed.");
	if (op_check_threat(t, r) < 0)
		return r->code;
	rc = store_begin(cc->store);
	if (rc == 0)
		rc = store_threat_insert(cc->store, t, who->jid, NULL);
	if (rc == 0)
		rc = op_record_event(cc, CHANGE_FILED, t, NULL, who->jid, NULL, &event_id);
	if (rc == 0)
		rc = store_commit(cc->store);
	if (rc < 0) {
		store_rollback(cc->store);
		return op_storage_failed(cc, r, rc, 0);
	}
	op_tell(cc, event_id, CHANGE_FILED, t, NULL, who->jid, NULL);
	threat_id_format(t->id, tid, sizeof tid);
	text_format(r->message, sizeof r->message, "Filed %s \"%s\": priority %s.", tid,
		    threat_get(t, THREAT_NAME), t->priority);
	return 0;
}

int op_edit(struct commands_ctx *cc, const struct actor *who, struct threat *t,
	    long long expected_revision, struct op_result *r)
{
	struct threat current;
	char tid[32];
	int rc, changed = 0;

	op_clear_result(r);
	threat_init(&current);
	threat_id_format(t->id, tid, sizeof tid);
	if ((rc = op_load(cc, t->id, &current, r)) < 0)
		goto out;
	/* authors are stored as given by the server, which normalises from */
	if (who->role < ROLE_ASSESSOR && !(current.author && strcmp(current.author, who->jid) == 0)) {
		rc = op_fail(r, OP_FORBIDDEN, NULL, "Only the author of %s, assessors and admins may edit it.", tid);
		goto out;
	}
	if (!t->field[THREAT_STATUS] && threat_set(t, THREAT_STATUS, threat_get(&current, THREAT_STATUS)) < 0)
		goto nomem;
	if (strcmp(threat_get(t, THREAT_STATUS), "retired") == 0 &&
	    strcmp(threat_get(&current, THREAT_STATUS), "retired") != 0 && who->role < ROLE_ADMIN) {
		rc = op_fail(r, OP_FORBIDDEN, "status", "Only admins may retire a threat.");
		goto out;
	}
	free(t->author);
	t->author = current.author ? strdup(current.author) : NULL;
	if ((current.author && !t->author) || op_set_priority(t) < 0)
		goto nomem;
	text_format(r->old_priority, sizeof r->old_priority, "%s", current.priority ? current.priority : "");
	if ((rc = op_check_threat(t, r)) < 0)
		goto out;
	rc = commit_update(cc, t, expected_revision, who->jid, NULL, CHANGE_EDITED, r->old_priority,
			   &changed);
	if (rc < 0) {
		rc = op_storage_failed(cc, r, rc, t->id);
		goto out;
	}
	if (changed)
		text_format(r->message, sizeof r->message, "Saved %s as revision %lld: priority %s.", tid,
			    t->revision, t->priority);
	else
		text_format(r->message, sizeof r->message, "Nothing changed: %s stays at revision %lld.",
			    tid, t->revision);
	rc = 0;
	goto out;
nomem:
	rc = op_fail(r, OP_NOMEM, NULL, "vigil ran out of memory: nothing was changed.");
out:
	threat_clear(&current);
	return rc;
}

int op_retire(struct commands_ctx *cc, const struct actor *who, long long id,
	      const char *reason, struct threat *out, struct op_result *r)
{
	char tid[32];
	int rc;

	op_clear_result(r);
	threat_id_format(id, tid, sizeof tid);
	if (who->role < ROLE_ADMIN)
		return op_fail(r, OP_FORBIDDEN, NULL, "Only admins may retire threats.");
	if (!reason || !*reason)
		return op_fail(r, OP_INVALID, "reason", "reason: required — say why the threat is retired.");
	if ((rc = op_check_text("reason", reason, r)) < 0)
		return rc;
	if ((rc = op_load(cc, id, out, r)) < 0)
		return rc;
	if (strcmp(threat_get(out, THREAT_STATUS), "retired") == 0)
		return op_fail(r, OP_INVALID, "id", "%s is already retired.", tid);
	text_format(r->old_priority, sizeof r->old_priority, "%s", out->priority ? out->priority : "");
	if (threat_set(out, THREAT_STATUS, "retired") < 0)
		return op_fail(r, OP_NOMEM, NULL, "vigil ran out of memory: nothing was changed.");
	rc = commit_update(cc, out, out->revision, who->jid, reason, CHANGE_RETIRED,
			   r->old_priority, NULL);
	if (rc < 0)
		return op_storage_failed(cc, r, rc, id);
	text_format(r->message, sizeof r->message, "Retired %s \"%s\".", tid, threat_get(out, THREAT_NAME));
	return 0;
}
