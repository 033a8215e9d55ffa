/* SPDX-License-Identifier: MIT */
/* Data forms (component/xmpp/forms.c) and the session-state codec (commands/adhoc/kv.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "component/xmpp/forms.h"
#include "commands/register/template.h"
#include "commands/adhoc/kv.h"
#include "commands/adhoc/threat_form.h"
#include "tests/unit/tap.h"

static xmpp_stanza_t *parse(xmpp_ctx_t *ctx, const char *xml)
{
	return xmpp_stanza_new_from_string(ctx, xml);
}

static void test_parse(xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *x = parse(ctx,
		"<x xmlns='jabber:x:data' type='submit'>"
		"<field var='name'><value>Dialback &lt;spoofing&gt; &amp; ]]&gt; \xf0\x9f\x94\x92</value></field>"
		"<field var='abstract'><value>line one</value><value></value><value>line 'three'</value></field>"
		"<field var='empty'/>"
		"</x>");
	struct form f;
	char *text;
	int absent;

	ok(x != NULL, "a submitted form parses as a stanza");
	is_int(form_parse(x, &f), 0, "form_parse accepts it");
	is_str(f.type, "submit", "type read");
	is_int(f.count, 3, "three fields");
	text = form_text(&f, "name", &absent);
	is_str(text, "Dialback <spoofing> & ]]> \xf0\x9f\x94\x92", "escaped text and emoji come back byte for byte");
	free(text);
	text = form_text(&f, "abstract", NULL);
	is_str(text, "line one\n\nline 'three'", "text-multi values join with newlines, empty lines kept");
	free(text);
	text = form_text(&f, "empty", &absent);
	is_str(text, "", "a field without values is empty");
	is_int(absent, 0, "and present");
	free(text);
	text = form_text(&f, "missing", &absent);
	ok(text == NULL && absent, "an absent field is reported absent");
	form_clear(&f);
	xmpp_stanza_release(x);

	x = parse(ctx, "<x xmlns='jabber:x:data' type='submit'><field><value>v</value></field></x>");
	is_int(form_parse(x, &f), -1, "a field without var is malformed");
	xmpp_stanza_release(x);
}

static void test_build(xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *command = xmpp_stanza_new(ctx), *x, *field;
	struct form f;
	char *buf = NULL, *text;
	size_t len;

	xmpp_stanza_set_name(command, "command");
	x = form_add(command, "form", "Title <&>", "Do 'this'");
	ok(x != NULL, "form added");
	form_add_form_type(x, "urn:vigil:threat:0");
	field = form_add_field(x, "definition", "text-multi", "Definition");
	form_field_set_required(field);
	form_field_set_desc(field, "Up to 16,000 characters");
	ok(form_field_set_value(field, "a\nb & <c>\n", 1) == 0, "multi-line value set");
	field = form_add_field(x, "likelihood", "list-single", "Likelihood");
	form_field_add_option(field, "High", "high");
	xmpp_stanza_to_text(command, &buf, &len);
	ok(buf && strstr(buf, "<value>b &amp; &lt;c&gt;</value>") != NULL, "values are escaped by libstrophe");
	ok(buf && strstr(buf, "<required/>") != NULL, "required marked");
	xmpp_free(ctx, buf);
	xmpp_stanza_set_type(x, "submit");
	is_int(form_parse(x, &f), 0, "a built form reads back");
	text = form_text(&f, "definition", NULL);
	is_str(text, "a\nb & <c>\n", "multi-line text round-trips, trailing newline included");
	free(text);
	form_clear(&f);
	xmpp_stanza_release(command);
}

/* A text-multi value becomes at most FORM_MAX_LINES <value/>s: every line
 * of a text within it, the first FORM_MAX_LINES of a longer one. */
static void test_line_cap(xmpp_ctx_t *ctx)
{
	static const size_t counts[] = { FORM_MAX_LINES, FORM_MAX_LINES + 1, 4 * FORM_MAX_LINES };
	size_t i, k;

	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		xmpp_stanza_t *field = xmpp_stanza_new(ctx), *v;
		/* lines "\xe2\x82\xac1", "\xe2\x82\xac2", ... (a 3-byte character each) */
		char *text = malloc(counts[i] * 16), *p = text, *last = NULL;
		size_t values = 0;
		if (!text)
			abort();
		for (k = 1; k <= counts[i]; k++)
			p += sprintf(p, "\xe2\x82\xac%zu%s", k, k < counts[i] ? "\n" : "");
		xmpp_stanza_set_name(field, "field");
		is_int(form_field_set_value(field, text, 1), 0, "%zu lines set", counts[i]);
		for (v = xmpp_stanza_get_children(field); v; v = xmpp_stanza_get_next(v)) {
			values++;
			xmpp_free(ctx, last);
			last = xmpp_stanza_get_text(v);
		}
		is_int((int)values, counts[i] < FORM_MAX_LINES ? (int)counts[i] : FORM_MAX_LINES,
		       "%zu lines: %zu values", counts[i], values);
		ok(last && strcmp(last, "\xe2\x82\xac" "1000") == 0, "the last one is line 1,000 whole: %s",
		   last ? last : "(none)");
		xmpp_free(ctx, last);
		free(text);
		xmpp_stanza_release(field);
	}
}

static void test_kv(void)
{
	char *kv = NULL, *v;

	ok(kv_set(&kv, "id", "7") == 0, "kv_set");
	kv_set(&kv, "text", "a&b=c%d\n");
	kv_set(&kv, "page", "2");
	v = kv_get(kv, "text");
	is_str(v, "a&b=c%d\n", "separators in values survive");
	free(v);
	kv_set(&kv, "id", NULL);
	v = kv_get(kv, "id");
	ok(v == NULL, "a removed key is gone");
	kv_set(&kv, "page", "3");
	v = kv_get(kv, "page");
	is_str(v, "3", "a key is replaced");
	free(v);
	v = kv_get(kv, "pag");
	ok(v == NULL, "a prefix does not match a key");
	free(kv);
	ok(kv_get(NULL, "x") == NULL, "an empty state has no keys");
}

/* Options whose value is empty in the threat forms of x: XEP-0004 allows
 * them, but Profanity crashes on one (commands/adhoc/threat_form.c). */
static int empty_options(xmpp_stanza_t *x, int *options)
{
	xmpp_stanza_t *field, *option, *value;
	int empty = 0;
	char *text;

	for (field = xmpp_stanza_get_children(x); field; field = xmpp_stanza_get_next(field))
		for (option = xmpp_stanza_get_children(field); option;
		     option = xmpp_stanza_get_next(option)) {
			if (!xmpp_stanza_get_name(option) ||
			    strcmp(xmpp_stanza_get_name(option), "option") != 0)
				continue;
			(*options)++;
			value = xmpp_stanza_get_child_by_name(option, "value");
			text = value ? xmpp_stanza_get_text(value) : NULL;
			empty += !text || !*text;
			if (text)
				xmpp_free(xmpp_stanza_get_context(x), text);
		}
	return empty;
}

static void test_threat_forms(xmpp_ctx_t *ctx)
{
	static const enum threat_form_kind kinds[] = { THREAT_FORM_FILE, THREAT_FORM_EDIT };
	static const char *const names[] = { "file", "edit", "assess" };
	xmpp_stanza_t *command, *x;
	struct threat t;
	size_t i;

	threat_init(&t);
	threat_set(&t, THREAT_NAME, "Dialback spoofing");
	threat_set(&t, THREAT_LIKELIHOOD, "high");
	for (i = 0; i < 3; i++) {
		int options = 0;

		command = xmpp_stanza_new(ctx);
		xmpp_stanza_set_name(command, "command");
		x = form_add(command, "form", "T", NULL);
		if (i < 2)
			threat_form_add_fields(x, i ? &t : NULL, kinds[i]);
		else
			threat_form_add_assessment(x, &t);
		is_int(empty_options(x, &options), 0, "no option with an empty value in the %s form", names[i]);
		ok(options >= 6, "the %s form offers its options (%d)", names[i], options);
		xmpp_stanza_release(command);
	}
	threat_clear(&t);
}

#define FT "<field var='FORM_TYPE'><value>urn:vigil:threat:0</value></field>"
#define NAME "<field var='name'><value>n</value></field>"

/* form_check on <x>fields</x> against vars; the problems in msg. */
static int check(xmpp_ctx_t *ctx, const char *fields, const char *const *vars, char *msg,
		 size_t len)
{
	size_t xmllen = strlen(fields) + 64;
	char *xml = malloc(xmllen);
	xmpp_stanza_t *x;
	struct form f;
	int rc = -2;

	msg[0] = '\0';
	snprintf(xml, xmllen, "<x xmlns='jabber:x:data' type='submit'>%s</x>", fields);
	x = parse(ctx, xml);
	if (x && form_parse(x, &f) == 0) {
		rc = form_check(&f, "urn:vigil:threat:0", vars, msg, len);
		form_clear(&f);
	}
	if (x)
		xmpp_stanza_release(x);
	free(xml);
	return rc;
}

static char *repeated(const char *piece, size_t n, const char *before, const char *after)
{
	size_t len = strlen(before) + strlen(piece) * n + strlen(after) + 1, i;
	char *out = malloc(len);

	strcpy(out, before);
	for (i = 0; i < n; i++)
		strcat(out, piece);
	return strcat(out, after);
}

static void test_check(xmpp_ctx_t *ctx)
{
	static const char *const vars[] = { "name", "abstract", NULL };
	static const char *const none[] = { NULL };
	char msg[1024], *fields;
	size_t i;

	is_int(check(ctx, FT NAME "<field var='abstract'/>", vars, msg, sizeof msg), 0,
	       "offered fields with FORM_TYPE pass");
	is_int(check(ctx, FT, vars, msg, sizeof msg), 0, "fields may be left out");
	is_int(check(ctx, FT, none, msg, sizeof msg), 0, "a stage without fields takes FORM_TYPE alone");
	is_int(check(ctx, NAME, vars, msg, sizeof msg), -1, "no FORM_TYPE: refused");
	is_str(msg, "FORM_TYPE: missing; this form is urn:vigil:threat:0.", "and said so");
	check(ctx, "<field var='FORM_TYPE'><value>jabber:iq:register</value></field>" NAME, vars,
	      msg, sizeof msg);
	is_str(msg, "FORM_TYPE: \"jabber:iq:register\" is not urn:vigil:threat:0.",
	       "a foreign FORM_TYPE is named");
	is_int(check(ctx, "<field var='FORM_TYPE'/>", vars, msg, sizeof msg), -1,
	       "an empty FORM_TYPE is refused");
	is_int(check(ctx, "<field var='FORM_TYPE'><value>urn:vigil:threat:0</value>"
		     "<value>urn:other</value></field>", vars, msg, sizeof msg), -1,
	       "a FORM_TYPE with a second value is refused");
	ok(strstr(msg, "FORM_TYPE:") != NULL, "naming FORM_TYPE: %s", msg);
	is_int(check(ctx, FT NAME "<field var='colour'/>", vars, msg, sizeof msg), -1,
	       "a field the form does not have is refused");
	is_str(msg, "Not fields of this form: colour.", "and named");
	check(ctx, FT "<field var='colour'/><field var='colour'/>", vars, msg, sizeof msg);
	is_str(msg, "Not fields of this form: colour.", "an unknown field given twice is named once");
	is_int(check(ctx, FT NAME "<field var='abstract'/>" NAME, vars, msg, sizeof msg), -1,
	       "a field given twice is refused");
	is_str(msg, "Given more than once: name.", "and named");
	check(ctx, FT FT NAME, vars, msg, sizeof msg);
	is_str(msg, "Given more than once: FORM_TYPE.", "so is a second FORM_TYPE");
	check(ctx, NAME NAME "<field var='x'/>", vars, msg, sizeof msg);
	is_str(msg, "FORM_TYPE: missing; this form is urn:vigil:threat:0. Not fields of this form: x. "
	       "Given more than once: name.", "every problem at once");

	fields = repeated("<field var='extra'/>", 1, FT, "");
	for (i = 0; i < 40; i++) {
		char one[64];
		snprintf(one, sizeof one, "<field var='extra-%02zu'/>", i);
		fields = realloc(fields, strlen(fields) + strlen(one) + 1);
		strcat(fields, one);
	}
	is_int(check(ctx, fields, vars, msg, sizeof msg), -1, "41 unknown fields");
	is_str(msg, "Not fields of this form: extra, extra-00, extra-01 and 38 more.",
	       "a few are named, the rest counted");
	free(fields);
	fields = repeated("y", 300, FT "<field var='", "'/>");
	check(ctx, fields, vars, msg, sizeof msg);
	ok(strstr(msg, "yyyyyyyyyy") && !strstr(msg, "yyyyyyyyyyyyyyyyyyyyyyyyy") &&
	   strstr(msg, "\xe2\x80\xa6"), "a long name is shortened: %s", msg);
	free(fields);
	fields = repeated("e\xcc\x81", 100, FT "<field var='", "'/>"); /* e + combining acute */
	check(ctx, fields, vars, msg, sizeof msg);
	ok(strstr(msg, "e\xcc\x81\xe2\x80\xa6") && strlen(msg) < 120,
	   "and cut between characters, never inside one: %s", msg);
	free(fields);
}

static void test_threat_form_vars(xmpp_ctx_t *ctx)
{
	static const enum threat_form_kind kinds[] = { THREAT_FORM_FILE, THREAT_FORM_EDIT };
	const char *vars[32];
	size_t k, i, n;

	for (k = 0; k < 2; k++) {
		xmpp_stanza_t *command = xmpp_stanza_new(ctx), *x, *field;
		int same = 1;

		xmpp_stanza_set_name(command, "command");
		x = form_add(command, "form", "T", NULL);
		threat_form_add_fields(x, NULL, kinds[k]);
		threat_form_vars(kinds[k], vars, sizeof vars / sizeof vars[0]);
		for (n = 0; vars[n]; n++)
			;
		/* the vars a form is checked against are exactly those it offers */
		for (i = 0, field = xmpp_stanza_get_children(x); field; field = xmpp_stanza_get_next(field)) {
			if (strcmp(xmpp_stanza_get_name(field), "field") != 0)
				continue; /* the title */
			same = same && i < n && strcmp(vars[i], xmpp_stanza_get_attribute(field, "var")) == 0;
			i++;
		}
		ok(same && i == n, "the %s form's vars are those checked (%zu)", k ? "edit" : "file", n);
		xmpp_stanza_release(command);
	}
	threat_form_vars(THREAT_FORM_EDIT, vars, sizeof vars / sizeof vars[0]);
	for (n = 0, i = 0; vars[i]; i++)
		n += strcmp(vars[i], "revision") == 0 || strcmp(vars[i], "status") == 0;
	is_int(n, 2, "edit's hidden revision and its status are the edit form's fields");
}

int main(void)
{
	xmpp_ctx_t *ctx;

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_parse(ctx);
	test_build(ctx);
	test_threat_forms(ctx);
	test_check(ctx);
	test_threat_form_vars(ctx);
	test_line_cap(ctx);
	test_kv();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
