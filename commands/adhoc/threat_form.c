/* SPDX-License-Identifier: MIT */
/* The template as data forms: see threat_form.h. */
#include "commands/adhoc/threat_form.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/attack_tree.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "commands/register/xep_catalogue.h"

static const char *const kind_names[] = {
	[TEMPLATE_TEXT_SINGLE] = "text-single",
	[TEMPLATE_TEXT_MULTI] = "text-multi",
	[TEMPLATE_LIST_SINGLE] = "list-single",
};

static unsigned form_bit(enum threat_form_kind kind)
{
	return kind == THREAT_FORM_FILE ? TEMPLATE_IN_FILE :
	       kind == THREAT_FORM_EDIT ? TEMPLATE_IN_EDIT : TEMPLATE_IN_RESULT;
}

/* The value a field shows for t: stored text, or the computed id/priority/revision. */
static const char *field_value(const struct template_field *f, const struct threat *t,
			       char *buf, size_t len)
{
	if (!t)
		return NULL;
	if (f->slot != TEMPLATE_NOT_STORED)
		return threat_get(t, (enum threat_field)f->slot);
	if (strcmp(f->var, "id") == 0 && t->id) {
		threat_id_format(t->id, buf, len);
		return buf;
	}
	if (strcmp(f->var, "revision") == 0 && t->revision) {
		snprintf(buf, len, "%lld", t->revision);
		return buf;
	}
	if (strcmp(f->var, "priority") == 0)
		return t->priority;
	return NULL;
}

/* a stored text is never cut when shown */
_Static_assert(TEMPLATE_MAX_LINES <= FORM_MAX_LINES, "a form shows every line a text may have");

static int add_field(xmpp_stanza_t *x, const struct template_field *f, const struct threat *t,
		     enum threat_form_kind kind)
{
	const char *type = kind_names[f->kind];
	const struct template_option *o;
	xmpp_stanza_t *field;
	char buf[32];

	if (kind == THREAT_FORM_EDIT && strcmp(f->var, "revision") == 0)
		type = "hidden"; /* the edit's base revision: a stale one is refused */
	if (kind == THREAT_FORM_RESULT && f->kind == TEMPLATE_LIST_SINGLE)
		type = "text-single"; /* a value to read: a list-single without options
					 is drawn as an empty drop-down (Converse.js) */
	field = form_add_field(x, f->var, type, f->label);
	if (!field)
		return -1;
	/* XEP-0004's schema: desc?, required?, value*, option* in that order */
	if (kind != THREAT_FORM_RESULT) {
		if (strcmp(type, "hidden") != 0 && form_field_set_desc(field, f->desc) < 0)
			return -1;
		if (f->required && form_field_set_required(field) < 0)
			return -1;
	}
	if (form_field_set_value(field, template_shown_value(f, field_value(f, t, buf, sizeof buf)),
				 f->kind == TEMPLATE_TEXT_MULTI) < 0)
		return -1;
	/* Every option has a value ("unassessed" for not assessed): Profanity
	 * (0.13.1 to at least 0.18) crashes on an empty one, and a browser
	 * drop-down always submits its selection. */
	for (o = f->options; kind != THREAT_FORM_RESULT && o && o->value; o++)
		if (form_field_add_option(field, o->label, o->value) < 0)
			return -1;
	return 0;
}

static int add_text(xmpp_stanza_t *x, const char *var, const char *label, const char *value)
{
	xmpp_stanza_t *field = form_add_field(x, var, "text-single", label);

	return field && form_field_set_value(field, value, 0) == 0 ? 0 : -1;
}

/* Result extras: who filed it, when, and the attack tree's evaluation. */
static int add_result_extras(xmpp_stanza_t *x, const struct threat *t)
{
	struct attack_tree tree;
	struct attack_eval ev;
	char err[256];

	if (add_text(x, "author", "Author", t->author) < 0 ||
	    add_text(x, "created", "Filed", t->created) < 0 ||
	    add_text(x, "updated", "Updated", t->updated) < 0)
		return -1;
	if (!*threat_get(t, THREAT_ATTACK_TREE))
		return 0;
	if (attack_tree_parse(threat_get(t, THREAT_ATTACK_TREE), &tree, err, sizeof err) < 0)
		return add_text(x, "evaluation", "Attack tree evaluation", err);
	attack_tree_evaluate(&tree, &ev);
	attack_tree_free(&tree);
	return add_text(x, "evaluation", "Attack tree evaluation", ev.summary);
}

int threat_form_add_fields(xmpp_stanza_t *x, const struct threat *t, enum threat_form_kind kind)
{
	size_t i;

	for (i = 0; i < template_field_count; i++)
		if ((template_fields[i].forms & form_bit(kind)) &&
		    add_field(x, &template_fields[i], t, kind) < 0)
			return -1;
	if (kind == THREAT_FORM_RESULT && t)
		return add_result_extras(x, t);
	return 0;
}

void threat_form_vars(enum threat_form_kind kind, const char **vars, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < template_field_count && n + 1 < max; i++)
		if (template_fields[i].forms & form_bit(kind))
			vars[n++] = template_fields[i].var;
	if (max)
		vars[n] = NULL;
}

int threat_form_add_assessment(xmpp_stanza_t *x, const struct threat *t)
{
	if (add_field(x, template_by_slot(THREAT_LIKELIHOOD), t, THREAT_FORM_EDIT) < 0 ||
	    add_field(x, template_by_slot(THREAT_DAMAGE), t, THREAT_FORM_EDIT) < 0)
		return -1;
	return 0;
}

/* CR LF and lone CR become LF: clients differ in what they send. */
static void normalise_newlines(char *s)
{
	char *out;

	if (!(s = strchr(s, '\r'))) /* most text has none: nothing to move */
		return;
	for (out = s; *s; s++) {
		if (*s == '\r') {
			*out++ = '\n';
			if (s[1] == '\n')
				s++;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int read_revision(const struct form *f, long long *revision, struct op_result *r)
{
	int absent;
	char *text = form_text(f, "revision", &absent), *end;

	*revision = 0;
	if (absent)
		return 0;
	errno = 0;
	*revision = text ? strtoll(text, &end, 10) : 0;
	if (!text || !*text || *end || errno || *revision < 1) {
		r->code = OP_INVALID;
		r->field = "revision";
		char quoted[TEXT_QUOTE_BYTES];
		text_format(r->message, sizeof r->message, "revision: \"%s\" is not a revision number",
			    text_quote(quoted, sizeof quoted, text ? text : ""));
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

int threat_form_read(const struct form *f, struct threat *t, enum threat_form_kind kind,
		     long long *revision, struct op_result *r)
{
	size_t i;

	for (i = 0; i < template_field_count; i++) {
		const struct template_field *tf = &template_fields[i];
		int absent, rc;
		char *text;

		if (tf->slot == TEMPLATE_NOT_STORED || !(tf->forms & form_bit(kind)))
			continue;
		text = form_text(f, tf->var, &absent);
		if (absent)
			continue; /* not submitted: keep what t holds */
		if (!text)
			goto nomem;
		normalise_newlines(text);
		rc = threat_set(t, (enum threat_field)tf->slot, text);
		free(text);
		if (rc < 0)
			goto nomem;
	}
	if (kind == THREAT_FORM_EDIT && revision)
		return read_revision(f, revision, r);
	return 0;
nomem:
	r->code = OP_NOMEM;
	snprintf(r->message, sizeof r->message, "Out of memory.");
	return -1;
}

void threat_form_xep_note(const struct threat *t, char *buf, size_t len)
{
	char refs[1024] = "", *all;
	size_t i, total = 1, used;

	for (i = 0; i < THREAT_FIELD_COUNT; i++)
		total += strlen(threat_get(t, (enum threat_field)i)) + 1;
	all = malloc(total);
	if (!all)
		return;
	all[0] = '\0';
	for (i = 0; i < THREAT_FIELD_COUNT; i++) {
		strcat(all, threat_get(t, (enum threat_field)i));
		strcat(all, "\n");
	}
	if (xep_refs_describe(all, refs, sizeof refs) > 0) {
		used = strlen(buf);
		text_format(buf + used, len - used, "%sReferences: %s.", used ? " " : "", refs);
	}
	free(all);
}
