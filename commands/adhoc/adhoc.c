/* SPDX-License-Identifier: MIT */
/* XEP-0050 envelope and sessions (PROTOCOL.md §5). Sessions are rows in the
 * database, so a multi-stage command survives a restart of vigil; each is
 * bound to the requester's full JID and expires after
 * commands.session_timeout seconds of inactivity. */
#include "commands/adhoc/adhoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/adhoc/commands.h"
#include "commands/adhoc/kv.h"
#include "commands/adhoc/sessions.h"
#include "commands/text/text.h"
#include "component/xmpp/stanza.h"
#include "config/config.h"
#include "storage/store.h"

#define SESSIONID_LEN 16

static const struct adhoc_command command_table[] = {
	{ "file", "File a threat", ROLE_MEMBER, cmd_file_step },
	{ "edit", "Edit a threat", ROLE_MEMBER, cmd_edit_step },
	{ "assess", "Assess a threat", ROLE_ASSESSOR, cmd_assess_step },
	{ "list", "List threats", ROLE_MEMBER, cmd_list_step },
	{ "search", "Search threats", ROLE_MEMBER, cmd_search_step },
	{ "show", "Show a threat", ROLE_MEMBER, cmd_show_step },
	{ "history", "Threat history", ROLE_MEMBER, cmd_history_step },
	{ "retire", "Retire a threat", ROLE_ADMIN, cmd_retire_step },
	{ "comment", "Comment on a threat", ROLE_MEMBER, cmd_comment_step },
	{ "delete-comment", "Delete a comment", ROLE_MEMBER, cmd_delete_comment_step },
};
#define COMMAND_COUNT (sizeof command_table / sizeof command_table[0])

const struct adhoc_command *adhoc_find(const char *node)
{
	size_t i;

	for (i = 0; node && i < COMMAND_COUNT; i++)
		if (strcmp(command_table[i].node, node) == 0)
			return &command_table[i];
	return NULL;
}

void adhoc_list_commands(struct commands_ctx *cc, const char *requester, xmpp_stanza_t *query)
{
	char *bare = xmpp_jid_bare(cc->xmpp, requester);
	enum role role = bare ? role_of(cc->cfg, bare) : ROLE_NONE;
	size_t i;

	for (i = 0; i < COMMAND_COUNT; i++) {
		xmpp_stanza_t *item;
		if (role < command_table[i].min_role)
			continue; /* PROTOCOL.md §9: not listed to those who may not run it */
		item = stanza_add_child(query, "item", NULL);
		if (!item)
			break;
		xmpp_stanza_set_attribute(item, "jid", cc->service_jid);
		xmpp_stanza_set_attribute(item, "node", command_table[i].node);
		xmpp_stanza_set_attribute(item, "name", command_table[i].name);
	}
	if (bare)
		xmpp_free(cc->xmpp, bare);
}

int adhoc_expire(struct commands_ctx *cc)
{
	return session_expire(cc);
}

/* --- the envelope ---------------------------------------------------------- */

static enum adhoc_action parse_action(const char *action, int *valid)
{
	*valid = 1;
	if (!action || strcmp(action, "execute") == 0)
		return ADHOC_EXECUTE;
	if (strcmp(action, "next") == 0)
		return ADHOC_NEXT;
	if (strcmp(action, "prev") == 0)
		return ADHOC_PREV;
	if (strcmp(action, "complete") == 0)
		return ADHOC_COMPLETE;
	*valid = 0;
	return ADHOC_EXECUTE;
}

static xmpp_stanza_t *error_reply(xmpp_stanza_t *iq, const char *type, const char *condition,
				  const char *app, const char *text)
{
	return stanza_error_reply(iq, type, condition, app ? NS_COMMANDS : NULL, app, text);
}

static void new_session_id(struct commands_ctx *cc, char *out)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char bytes[SESSIONID_LEN / 2];
	size_t i;

	xmpp_rand_bytes(cc->rand, bytes, sizeof bytes);
	for (i = 0; i < sizeof bytes; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[SESSIONID_LEN] = '\0';
}

static void add_actions(struct adhoc_step *s)
{
	xmpp_stanza_t *actions = stanza_add_child(s->command, "actions", NULL);
	const char *deflt;

	if (!actions)
		return;
	/* XEP-0050 §6.3: always name the default; "execute" must be one of the offered */
	deflt = s->offer_next ? "next" : "complete";
	if (!s->offer_next)
		s->offer_complete = 1;
	xmpp_stanza_set_attribute(actions, "execute", deflt);
	if (s->offer_prev)
		stanza_add_child(actions, "prev", NULL);
	if (s->offer_next)
		stanza_add_child(actions, "next", NULL);
	if (s->offer_complete)
		stanza_add_child(actions, "complete", NULL);
}

/* The reply, and in *command_out a <command/> the step fills, not yet in
 * the reply: finish_command() puts its children in the schema's order. */
static xmpp_stanza_t *command_reply(xmpp_stanza_t *iq, const char *node, const char *sessionid,
				    const char *status, xmpp_stanza_t **command_out)
{
	xmpp_stanza_t *reply = stanza_reply(iq);
	xmpp_stanza_t *command = reply ? xmpp_stanza_new(xmpp_stanza_get_context(iq)) : NULL;

	if (!command) {
		if (reply)
			xmpp_stanza_release(reply);
		return NULL;
	}
	xmpp_stanza_set_name(command, "command");
	xmpp_stanza_set_ns(command, NS_COMMANDS);
	xmpp_stanza_set_attribute(command, "node", node);
	xmpp_stanza_set_attribute(command, "sessionid", sessionid);
	xmpp_stanza_set_attribute(command, "status", status);
	*command_out = command;
	return reply;
}

static int child_rank(xmpp_stanza_t *child)
{
	const char *name = xmpp_stanza_is_tag(child) ? xmpp_stanza_get_name(child) : "";

	return strcmp(name, "actions") == 0 ? 0 : strcmp(name, "note") == 0 ? 1 : 2;
}

/* Puts command into reply with its children in XEP-0050's order: actions,
 * notes, then the data form (steps add notes and forms as they go, and the
 * actions last). Releases command. Returns reply, or NULL (both released). */
static xmpp_stanza_t *finish_command(xmpp_stanza_t *reply, xmpp_stanza_t *command)
{
	xmpp_stanza_t *ordered, *child, *copy;
	static const char *const attrs[] = { "node", "sessionid", "status" };
	int rank = 0, ok;
	size_t i;

	/* already in order (a completed step: notes, then its form): as it is */
	for (child = xmpp_stanza_get_children(command); child && child_rank(child) >= rank;
	     child = xmpp_stanza_get_next(child))
		rank = child_rank(child);
	if (!child) {
		if (xmpp_stanza_add_child_ex(reply, command, 0) == XMPP_EOK)
			return reply;
		xmpp_stanza_release(command);
		xmpp_stanza_release(reply);
		return NULL;
	}
	ordered = xmpp_stanza_new(xmpp_stanza_get_context(reply));
	ok = ordered != NULL;
	if (ok) {
		xmpp_stanza_set_name(ordered, "command");
		xmpp_stanza_set_ns(ordered, NS_COMMANDS);
		for (i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
			xmpp_stanza_set_attribute(ordered, attrs[i], xmpp_stanza_get_attribute(command, attrs[i]));
	}
	for (rank = 0; ok && rank < 3; rank++)
		for (child = xmpp_stanza_get_children(command); ok && child;
		     child = xmpp_stanza_get_next(child)) {
			if (child_rank(child) != rank)
				continue;
			copy = xmpp_stanza_copy(child);
			ok = copy && xmpp_stanza_add_child_ex(ordered, copy, 0) == XMPP_EOK;
			if (!ok && copy)
				xmpp_stanza_release(copy);
		}
	xmpp_stanza_release(command);
	if (ok && xmpp_stanza_add_child_ex(reply, ordered, 0) == XMPP_EOK)
		return reply;
	if (ordered)
		xmpp_stanza_release(ordered);
	xmpp_stanza_release(reply);
	return NULL;
}

/* The first data form of the request when it is a submission; *forms
 * counts them all, for the step to refuse a second one. */
static xmpp_stanza_t *submitted_form(xmpp_stanza_t *command, int *canceled, int *forms)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(command, "x", NS_DATA), *el;
	const char *type = x ? xmpp_stanza_get_type(x) : NULL, *ns;

	*forms = 0;
	for (el = xmpp_stanza_get_children(command); el; el = xmpp_stanza_get_next(el))
		if (xmpp_stanza_is_tag(el) && strcmp(xmpp_stanza_get_name(el), "x") == 0 &&
		    (ns = xmpp_stanza_get_ns(el)) && strcmp(ns, NS_DATA) == 0)
			(*forms)++;
	*canceled = type && strcmp(type, "cancel") == 0;
	if (!x || !type || strcmp(type, "submit") != 0)
		return NULL;
	return x;
}

/* XEP-0050 §3.4 (Command Actions) and §4.4 (Possible Errors): an action the
 * session cannot take is bad-action. A new session starts with execute;
 * prev/next/complete only continue one, and a first stage has no prev.
 * next on a stage that did not offer it is not refused: poezio 0.14 sends
 * next for whatever ends a command, and adhoc_handle reads it as complete. */
static const char *bad_action(enum adhoc_action action, const char *sessionid, int stage)
{
	if (!sessionid && action != ADHOC_EXECUTE)
		return "A command starts with execute: prev, next and complete continue a "
		       "session (sessionid).";
	if (action == ADHOC_PREV && stage <= 1)
		return "This is the command's first stage: there is no previous one.";
	return NULL;
}

/* The session state's note that the stage shown offered next (the steps'
 * own keys never start with "_"). */
#define OFFERED_NEXT "_next"

static int stage_offered_next(const char *state)
{
	char *value = kv_get(state, OFFERED_NEXT);
	int offered = value != NULL;

	free(value);
	return offered;
}

/* A field other than FORM_TYPE: values that prev leaves behind. */
static int has_values(const struct form *form)
{
	size_t i;

	for (i = 0; i < form->count; i++)
		if (strcmp(form->fields[i].var, "FORM_TYPE") != 0)
			return 1;
	return 0;
}

/* Several clients drop a command's notes (Psi+ 1.4 always; Converse.js 14
 * on an executing stage), so a result also carries what its notes say, in
 * the field `note` (PROTOCOL.md §5: "items 51–100 of 734", "filed as T-7",
 * an assessment's priority change). A completed stage without a form gets
 * a result form for it. A stage that asks for a form keeps its notes as
 * notes only: a field added there would come back in the submission.
 * The field is bounded by construction (NOTE_FIELD_NOTES notes of at most
 * NOTE_FIELD_CHARS characters), so that it fits beside the largest result. */
#define NOTE_FIELD_NOTES 3
#define NOTE_FIELD_CHARS 200
static int notes_in_result(struct adhoc_step *s)
{
	xmpp_stanza_t *child, *x = NULL, *field;
	struct text all = { 0 };
	const char *name, *ns, *type;
	char *text, *joined;
	int rc = -1, notes = 0;

	for (child = xmpp_stanza_get_children(s->command); child; child = xmpp_stanza_get_next(child)) {
		if (!xmpp_stanza_is_tag(child) || !(name = xmpp_stanza_get_name(child)))
			continue;
		ns = xmpp_stanza_get_ns(child);
		if (strcmp(name, "x") == 0 && ns && strcmp(ns, NS_DATA) == 0 && !x) {
			x = child;
		} else if (strcmp(name, "note") == 0 && notes < NOTE_FIELD_NOTES &&
			   (text = xmpp_stanza_get_text(child))) {
			if (all.len)
				text_put(&all, "\n");
			text_put_shortened(&all, text, NOTE_FIELD_CHARS);
			xmpp_free(s->cc->xmpp, text);
			notes++;
		}
	}
	type = x ? xmpp_stanza_get_type(x) : NULL;
	if (!all.len || (x && (!type || strcmp(type, "result") != 0)) ||
	    (!x && s->status != ADHOC_COMPLETED)) {
		text_clear(&all);
		return 0;
	}
	if (!(joined = text_take(&all)))
		return -1;
	if (!x && (!(x = form_add(s->command, "result", NULL, NULL)) ||
		   form_add_form_type(x, VIGIL_NS) < 0))
		goto out;
	field = form_add_field(x, "note", strchr(joined, '\n') ? "text-multi" : "text-single", "Note");
	if (field && form_field_set_value(field, joined, 1) == 0)
		rc = 0;
out:
	free(joined);
	return rc;
}

/* Loads and checks the session named by the request. Returns NULL and sets
 * *err to the error reply when it cannot be used. */
static int load_session(struct commands_ctx *cc, xmpp_stanza_t *iq, const char *sessionid,
			const char *node, struct stored_session *session, xmpp_stanza_t **err)
{
	const char *from = xmpp_stanza_get_from(iq);
	int rc = session_get(cc, sessionid, session);

	if (rc == STORE_NOTFOUND || (rc == 0 && (strcmp(session->jid, from) != 0 ||
						 strcmp(session->node, node) != 0))) {
		/* a foreign session is indistinguishable from an unknown one */
		*err = error_reply(iq, "modify", "bad-request", "bad-sessionid",
				   "No such session for you: start the command again.");
		return -1;
	}
	if (rc < 0) {
		*err = error_reply(iq, "wait", "internal-server-error", NULL, store_errmsg(cc->store));
		return -1;
	}
	if (session->expires <= cc->now()) {
		session_delete(cc, sessionid);
		*err = error_reply(iq, "cancel", "not-allowed", "session-expired",
				   "This session expired: start the command again.");
		return -1;
	}
	return 0;
}

/* A new session would go over commands.max_sessions_per_jid or
 * commands.max_sessions: the refusal's text, or NULL. */
static const char *session_cap_reached(struct commands_ctx *cc, const char *bare)
{
	long long mine = 0, all = 0;

	if (session_count(cc, bare ? bare : "", &mine, &all) < 0)
		return "Could not count the open sessions: the database refused a read.";
	if (mine >= cc->cfg->max_sessions_per_jid)
		return "You have too many unfinished commands: complete or cancel one first.";
	if (all >= cc->cfg->max_sessions)
		return "vigil has too many unfinished commands open: try again later.";
	return NULL;
}

xmpp_stanza_t *adhoc_handle(struct commands_ctx *cc, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *request = xmpp_stanza_get_child_by_name_and_ns(iq, "command", NS_COMMANDS);
	const char *node = request ? xmpp_stanza_get_attribute(request, "node") : NULL;
	const char *sessionid = request ? xmpp_stanza_get_attribute(request, "sessionid") : NULL;
	const char *action_attr = request ? xmpp_stanza_get_attribute(request, "action") : NULL;
	const char *from = xmpp_stanza_get_from(iq);
	const struct adhoc_command *cmd = adhoc_find(node);
	struct stored_session session = { 0 };
	struct adhoc_step s;
	struct form form = { 0 };
	xmpp_stanza_t *reply = NULL, *x;
	char new_id[SESSIONID_LEN + 1];
	char *bare = NULL;
	const char *refusal;
	int valid, canceled, have_form = 0, refused = 0;
	enum role role;

	memset(&s, 0, sizeof s);
	if (!cmd)
		return error_reply(iq, "cancel", "item-not-found", NULL, "No such command.");
	bare = xmpp_jid_bare(cc->xmpp, from);
	role = bare ? role_of(cc->cfg, bare) : ROLE_NONE;
	if (role < cmd->min_role) {
		reply = error_reply(iq, "auth", "forbidden", NULL,
				    role == ROLE_NONE ? "Your domain may not use this service."
						      : "You may not run this command.");
		goto out;
	}
	s.action = parse_action(action_attr, &valid);
	if (!valid && strcmp(action_attr, "cancel") != 0) {
		reply = error_reply(iq, "modify", "bad-request", "malformed-action", NULL);
		goto out;
	}
	if (sessionid) {
		if (load_session(cc, iq, sessionid, node, &session, &reply) < 0)
			goto out;
		s.stage = session.stage;
		s.state = session.state;
		session.state = NULL;
		if (s.action == ADHOC_NEXT && !stage_offered_next(s.state))
			s.action = ADHOC_COMPLETE; /* poezio: see bad_action() */
	}
	if (valid && (refusal = bad_action(s.action, sessionid, s.stage))) {
		/* the session, if any, stays as it was: the client may go on */
		reply = error_reply(iq, "modify", "bad-request", "bad-action", refusal);
		goto out;
	}
	if (!sessionid) {
		new_session_id(cc, new_id);
		sessionid = new_id;
	}
	x = submitted_form(request, &canceled, &s.forms);
	if (!valid || canceled) { /* action='cancel' or a cancel form */
		session_delete(cc, sessionid);
		reply = command_reply(iq, node, sessionid, "canceled", &s.command);
		if (reply)
			reply = finish_command(reply, s.command);
		s.command = NULL;
		goto out;
	}
	if (x) {
		if (form_parse(x, &form) < 0) {
			reply = error_reply(iq, "modify", "bad-request", "bad-payload",
					    "The form is malformed.");
			goto out;
		}
		have_form = 1;
	}
	s.cc = cc;
	s.requester = from;
	s.who = bare;
	s.actor.jid = bare;
	s.actor.role = role;
	s.submitted = have_form ? &form : NULL;
	reply = command_reply(iq, node, sessionid, "executing", &s.command);
	if (!reply)
		goto out;
	if (cmd->step(&s) < 0 && !s.error_condition)
		adhoc_fail(&s, "wait", "internal-server-error", NULL, "Internal error.");
	if (s.error_condition) {
		xmpp_stanza_release(reply);
		xmpp_stanza_release(s.command);
		s.command = NULL;
		reply = error_reply(iq, s.error_type, s.error_condition, s.error_app,
				    s.error_text[0] ? s.error_text : NULL);
		goto out;
	}
	if (s.action == ADHOC_PREV && have_form && has_values(&form))
		adhoc_note(&s, "info", "Back to the previous stage: the values sent with prev "
				       "were not kept.");
	/* the change is committed by now: without memory for the field, the
	 * answer goes as it is, its notes still in it */
	(void)notes_in_result(&s);
	if (s.status == ADHOC_COMPLETED) {
		xmpp_stanza_set_attribute(s.command, "status", "completed");
		if (sessionid != new_id) /* a one-stage command never stored its session */
			session_delete(cc, sessionid);
	} else {
		const char *full = sessionid == new_id ? session_cap_reached(cc, bare) : NULL;
		struct stored_session keep = {
			.id = (char *)sessionid, .jid = (char *)from, .node = (char *)node,
			.stage = s.stage, .expires = cc->now() + cc->cfg->session_timeout,
		};
		int noted;

		add_actions(&s);
		noted = kv_set(&s.state, OFFERED_NEXT, s.offer_next ? "1" : NULL);
		keep.state = s.state;
		if (full) {
			xmpp_stanza_release(reply);
			reply = error_reply(iq, "wait", "resource-constraint", NULL, full);
			refused = 1;
		} else if (noted < 0 || session_put(cc, &keep) < 0) {
			xmpp_stanza_release(reply);
			reply = error_reply(iq, "wait", "internal-server-error", NULL,
					    "Could not keep the session: out of memory.");
			refused = 1;
		}
	}
	if (refused)
		xmpp_stanza_release(s.command);
	else
		reply = finish_command(reply, s.command);
	s.command = NULL;
out:
	if (have_form)
		form_clear(&form);
	free(s.state);
	stored_session_clear(&session);
	if (bare)
		xmpp_free(cc->xmpp, bare);
	return reply;
}
