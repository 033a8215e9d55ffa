/* Data forms (commands/forms.c) and the session-state codec (commands/kv.c). */
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "commands/forms.h"
#include "commands/kv.h"
#include "commands/threat_form.h"
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
 * them, but Profanity crashes on one (commands/threat_form.c). */
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

int main(void)
{
	xmpp_ctx_t *ctx;

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	test_parse(ctx);
	test_build(ctx);
	test_threat_forms(ctx);
	test_kv();
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
