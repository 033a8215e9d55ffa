/* SPDX-License-Identifier: MIT */
/* XEP-0004 data forms: see forms.h. */
#include "component/xmpp/forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/text/text.h"
#include "component/xmpp/stanza.h"

/* More than the template ever needs, small enough to bound the work an
 * oversized submission can cause. */
#define MAX_FIELDS 64
#define MAX_VALUES 4096

static void field_clear(struct form_field *f)
{
	size_t i;

	for (i = 0; i < f->nvalues; i++)
		free(f->values[i]);
	free(f->values);
	free(f->var);
}

void form_clear(struct form *form)
{
	size_t i;

	for (i = 0; i < form->count; i++)
		field_clear(&form->fields[i]);
	free(form->fields);
	free(form->type);
	memset(form, 0, sizeof *form);
}

static char *element_text(xmpp_stanza_t *el)
{
	const char *text;
	xmpp_stanza_t *child = xmpp_stanza_get_children(el);

	/* libstrophe merges character data of one element into one text child
	 * in practice; concatenate to be safe */
	if (child && !xmpp_stanza_get_next(child) && xmpp_stanza_is_text(child)) {
		text = xmpp_stanza_get_text_ptr(child);
		return strdup(text ? text : "");
	} else {
		size_t len = 0, off = 0;
		char *out;

		for (child = xmpp_stanza_get_children(el); child; child = xmpp_stanza_get_next(child))
			if (xmpp_stanza_is_text(child) && (text = xmpp_stanza_get_text_ptr(child)))
				len += strlen(text);
		out = malloc(len + 1);
		if (!out)
			return NULL;
		for (child = xmpp_stanza_get_children(el); child; child = xmpp_stanza_get_next(child))
			if (xmpp_stanza_is_text(child) && (text = xmpp_stanza_get_text_ptr(child))) {
				memcpy(out + off, text, strlen(text));
				off += strlen(text);
			}
		out[off] = '\0';
		return out;
	}
}

static int parse_field(xmpp_stanza_t *el, struct form_field *f)
{
	xmpp_stanza_t *v;
	const char *var = xmpp_stanza_get_attribute(el, "var");
	size_t n = 0;

	memset(f, 0, sizeof *f);
	if (!var)
		return -1;
	f->var = strdup(var);
	if (!f->var)
		return -1;
	for (v = xmpp_stanza_get_children(el); v; v = xmpp_stanza_get_next(v))
		if (xmpp_stanza_is_tag(v) && strcmp(xmpp_stanza_get_name(v), "value") == 0)
			n++;
	if (n > MAX_VALUES)
		return -1;
	f->values = calloc(n ? n : 1, sizeof *f->values);
	if (!f->values)
		return -1;
	for (v = xmpp_stanza_get_children(el); v; v = xmpp_stanza_get_next(v)) {
		if (!xmpp_stanza_is_tag(v) || strcmp(xmpp_stanza_get_name(v), "value") != 0)
			continue;
		f->values[f->nvalues] = element_text(v);
		if (!f->values[f->nvalues])
			return -1;
		f->nvalues++;
	}
	return 0;
}

int form_parse(xmpp_stanza_t *x, struct form *out)
{
	xmpp_stanza_t *el;
	const char *type = xmpp_stanza_get_type(x);
	size_t n = 0;

	memset(out, 0, sizeof *out);
	out->type = strdup(type ? type : "");
	if (!out->type)
		goto fail;
	for (el = xmpp_stanza_get_children(x); el; el = xmpp_stanza_get_next(el))
		if (xmpp_stanza_is_tag(el) && strcmp(xmpp_stanza_get_name(el), "field") == 0)
			n++;
	if (n > MAX_FIELDS)
		goto fail;
	out->fields = calloc(n ? n : 1, sizeof *out->fields);
	if (!out->fields)
		goto fail;
	for (el = xmpp_stanza_get_children(x); el; el = xmpp_stanza_get_next(el)) {
		if (!xmpp_stanza_is_tag(el) || strcmp(xmpp_stanza_get_name(el), "field") != 0)
			continue;
		if (parse_field(el, &out->fields[out->count]) < 0) {
			field_clear(&out->fields[out->count]);
			goto fail;
		}
		out->count++;
	}
	return 0;
fail:
	form_clear(out);
	return -1;
}

/* --- checking a submission --------------------------------------------- */

/* A refusal names at most this many fields, each shortened to this many
 * characters: a submission may carry 64 fields with names of any length. */
#define CHECK_NAMED 3
#define CHECK_NAME_CHARS 20

enum problem { NOT_OFFERED, REPEATED };

/* Appends s to msg whole or not at all, so msg never ends inside a character. */
static void append(char *msg, size_t len, const char *s)
{
	size_t used = strlen(msg), n = strlen(s);

	if (used + n < len)
		memcpy(msg + used, s, n + 1);
}

static int offered(const char *const *vars, const char *var)
{
	if (strcmp(var, "FORM_TYPE") == 0)
		return 1;
	for (; *vars; vars++)
		if (strcmp(*vars, var) == 0)
			return 1;
	return 0;
}

/* How many fields before the i-th have its var. */
static size_t earlier(const struct form *form, size_t i)
{
	size_t j, n = 0;

	for (j = 0; j < i; j++)
		n += strcmp(form->fields[j].var, form->fields[i].var) == 0;
	return n;
}

/* Each var with the problem is counted once: at its first occurrence when
 * not offered, at its second when repeated. */
static int has_problem(const struct form *form, size_t i, const char *const *vars, enum problem p)
{
	if (p == NOT_OFFERED)
		return !offered(vars, form->fields[i].var) && earlier(form, i) == 0;
	return offered(vars, form->fields[i].var) && earlier(form, i) == 1;
}

/* Appends " <what>a, b, c and N more." for the fields with problem p. */
static size_t name_fields(char *msg, size_t len, const char *what, const struct form *form,
			  const char *const *vars, enum problem p)
{
	char name[CHECK_NAME_CHARS * 4 + 4], more[48];
	size_t i, count = 0;

	for (i = 0; i < form->count; i++) {
		if (!has_problem(form, i, vars, p))
			continue;
		if (count == 0) {
			append(msg, len, *msg ? " " : "");
			append(msg, len, what);
		}
		if (count < CHECK_NAMED) {
			append(msg, len, count ? ", " : "");
			append(msg, len, text_shorten(name, sizeof name, form->fields[i].var,
						      CHECK_NAME_CHARS));
		}
		count++;
	}
	if (count > CHECK_NAMED) {
		snprintf(more, sizeof more, " and %zu more", count - CHECK_NAMED);
		append(msg, len, more);
	}
	if (count)
		append(msg, len, ".");
	return count;
}

static void check_form_type(const struct form *form, const char *form_type, char *msg, size_t len)
{
	const struct form_field *f = form_find(form, "FORM_TYPE");
	char quoted[CHECK_NAME_CHARS * 8 + 4];

	if (!f)
		text_format(msg, len, "FORM_TYPE: missing; this form is %s.", form_type);
	else if (f->nvalues == 0)
		text_format(msg, len, "FORM_TYPE: empty; this form is %s.", form_type);
	else if (f->nvalues > 1)
		text_format(msg, len, "FORM_TYPE: %zu values; this form is %s alone.", f->nvalues,
			    form_type);
	else if (strcmp(f->values[0], form_type) != 0)
		text_format(msg, len, "FORM_TYPE: \"%s\" is not %s.",
			    text_shorten(quoted, sizeof quoted, f->values[0], CHECK_NAME_CHARS * 2),
			    form_type);
}

int form_check(const struct form *form, const char *form_type, const char *const *vars,
	       char *msg, size_t len)
{
	size_t problems;

	if (!len)
		return -1;
	msg[0] = '\0';
	check_form_type(form, form_type, msg, len);
	problems = msg[0] != '\0';
	problems += name_fields(msg, len, "Not fields of this form: ", form, vars, NOT_OFFERED);
	problems += name_fields(msg, len, "Given more than once: ", form, vars, REPEATED);
	return problems ? -1 : 0;
}

const struct form_field *form_find(const struct form *form, const char *var)
{
	size_t i;

	for (i = 0; i < form->count; i++)
		if (strcmp(form->fields[i].var, var) == 0)
			return &form->fields[i];
	return NULL;
}

char *form_text(const struct form *form, const char *var, int *absent)
{
	const struct form_field *f = form_find(form, var);
	size_t len = 0, i, off = 0;
	char *out;

	if (absent)
		*absent = f == NULL;
	if (!f)
		return NULL;
	for (i = 0; i < f->nvalues; i++)
		len += strlen(f->values[i]) + 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	for (i = 0; i < f->nvalues; i++) {
		size_t l = strlen(f->values[i]);
		if (i)
			out[off++] = '\n';
		memcpy(out + off, f->values[i], l);
		off += l;
	}
	out[off] = '\0';
	return out;
}

/* --- building ------------------------------------------------------------ */

xmpp_stanza_t *form_add(xmpp_stanza_t *parent, const char *type, const char *title,
			const char *instructions)
{
	xmpp_stanza_t *x = stanza_add_child(parent, "x", NS_DATA);

	if (!x)
		return NULL;
	xmpp_stanza_set_type(x, type);
	/* XEP-0004's schema: instructions*, title?, field*, reported?, item* */
	if (instructions && !stanza_add_text_child(x, "instructions", instructions))
		return NULL;
	if (title && !stanza_add_text_child(x, "title", title))
		return NULL;
	return x;
}

xmpp_stanza_t *form_add_field(xmpp_stanza_t *x, const char *var, const char *type,
			      const char *label)
{
	xmpp_stanza_t *field = stanza_add_child(x, "field", NULL);

	if (!field)
		return NULL;
	if (var)
		xmpp_stanza_set_attribute(field, "var", var);
	if (type)
		xmpp_stanza_set_type(field, type);
	if (label)
		xmpp_stanza_set_attribute(field, "label", label);
	return field;
}

int form_field_add_value(xmpp_stanza_t *field, const char *value)
{
	return stanza_add_text_child(field, "value", value ? value : "") ? 0 : -1;
}

int form_field_set_value(xmpp_stanza_t *field, const char *value, int multi_line)
{
	const char *line, *nl;
	char *copy;
	int rc, lines;

	if (!value || !*value)
		return 0;
	if (!multi_line)
		return form_field_add_value(field, value);
	for (line = value, lines = 0; lines < FORM_MAX_LINES; line = nl + 1, lines++) {
		nl = strchr(line, '\n');
		if (!nl)
			return form_field_add_value(field, line);
		copy = strndup(line, (size_t)(nl - line));
		if (!copy)
			return -1;
		rc = form_field_add_value(field, copy);
		free(copy);
		if (rc < 0)
			return -1;
	}
	return 0; /* the rest is cut: forms.h */
}

int form_field_add_option(xmpp_stanza_t *field, const char *label, const char *value)
{
	xmpp_stanza_t *option = stanza_add_child(field, "option", NULL);

	if (!option)
		return -1;
	if (label)
		xmpp_stanza_set_attribute(option, "label", label);
	return stanza_add_text_child(option, "value", value) ? 0 : -1;
}

int form_field_set_desc(xmpp_stanza_t *field, const char *desc)
{
	return stanza_add_text_child(field, "desc", desc) ? 0 : -1;
}

int form_field_set_required(xmpp_stanza_t *field)
{
	return stanza_add_child(field, "required", NULL) ? 0 : -1;
}

int form_add_form_type(xmpp_stanza_t *x, const char *form_type)
{
	xmpp_stanza_t *field = form_add_field(x, "FORM_TYPE", "hidden", NULL);

	return field ? form_field_add_value(field, form_type) : -1;
}
