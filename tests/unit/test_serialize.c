/* SPDX-License-Identifier: MIT */
/* component/xmpp/serialize.c: the bytes are libstrophe's own (xmpp_stanza_to_text),
 * for stanzas built through the API and parsed from text: escapes in text and
 * attributes, namespaces inherited or not, jabber:client on the top element,
 * many attributes, deep nesting, multi-byte text; and what cannot be rendered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "component/xmpp/serialize.h"
#include "tests/unit/tap.h"

static xmpp_ctx_t *ctx;

/* Ours and libstrophe's, byte for byte. */
static void same(xmpp_stanza_t *st, const char *what)
{
	char *ours = NULL, *theirs = NULL;
	size_t ours_len = 0, theirs_len = 0;

	if (!st) {
		ok(0, "%s: no stanza", what);
		return;
	}
	is_int(stanza_serialize(st, &ours, &ours_len), 0, "%s: serialised", what);
	xmpp_stanza_to_text(st, &theirs, &theirs_len);
	ok(ours && theirs && ours_len == theirs_len && strcmp(ours, theirs) == 0 &&
	   strlen(ours) == ours_len, "%s: as libstrophe renders it (%s)", what, ours ? ours : "-");
	if (ours && theirs && strcmp(ours, theirs) != 0)
		diag("libstrophe: %s", theirs);
	free(ours);
	if (theirs)
		xmpp_free(ctx, theirs);
}

static void same_parsed(const char *xml, const char *what)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	same(st, what);
	if (st)
		xmpp_stanza_release(st);
}

int main(void)
{
	xmpp_stanza_t *msg, *body, *text, *x, *field, *el;
	char name[32], value[32], *big, *out;
	size_t len, i;

	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);

	msg = xmpp_message_new(ctx, "groupchat", "room@muc", "id1");
	xmpp_message_set_body(msg, "T-7 \"Dialback <spoofing>\" & more > less 'quoted' caf\xc3\xa9 "
			      "\xf0\x9f\x94\x92\nsecond line\ttab");
	same(msg, "a message with every special character in its body");
	xmpp_stanza_set_attribute(msg, "from", "a&b<c>\"d\"'e'@x");
	same(msg, "escapes in an attribute");
	xmpp_stanza_set_ns(msg, XMPP_NS_CLIENT);
	same(msg, "jabber:client on the top element is left out");
	xmpp_stanza_set_ns(msg, "jabber:component:accept");
	same(msg, "another namespace on the top element is written");
	x = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, "jabber:x:data");
	xmpp_stanza_add_child_ex(msg, x, 0);
	for (i = 0; i < 3; i++) {
		field = xmpp_stanza_new(ctx);
		xmpp_stanza_set_name(field, "field");
		xmpp_stanza_set_ns(field, i == 1 ? "urn:other" : "jabber:x:data"); /* same as parent: left out */
		xmpp_stanza_set_attribute(field, "var", i ? "b" : "a");
		xmpp_stanza_add_child_ex(x, field, 0);
		el = xmpp_stanza_new(ctx);
		xmpp_stanza_set_name(el, "value");
		xmpp_stanza_add_child_ex(field, el, 0);
		text = xmpp_stanza_new(ctx);
		xmpp_stanza_set_text(text, i == 2 ? "" : "v&<>\"");
		xmpp_stanza_add_child_ex(el, text, 0);
	}
	same(msg, "nested elements, a namespace like the parent's left out, another kept, empty text");
	body = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(body, "many");
	for (i = 0; i < 40; i++) { /* beyond the attributes read on the stack */
		snprintf(name, sizeof name, "a%zu", i);
		snprintf(value, sizeof value, "v%zu&", i);
		xmpp_stanza_set_attribute(body, name, value);
	}
	xmpp_stanza_add_child_ex(x, body, 0);
	same(msg, "an element with 40 attributes");
	xmpp_stanza_release(msg);

	same_parsed("<iq type='result' id='c1' to='alice@localhost/pc' from='threats.localhost'>"
		    "<command xmlns='http://jabber.org/protocol/commands' node='file' status='completed'>"
		    "<note type='info'>Filed T-1 &quot;x&quot;: &amp; &lt;b&gt;</note>"
		    "<x xmlns='jabber:x:data' type='result'><field var='id'><value>T-1</value></field>"
		    "</x></command></iq>", "a parsed command answer");
	same_parsed("<a xmlns='urn:a'><b xmlns='urn:b'><c xmlns='urn:a'><d/></c></b>text<e/></a>",
		    "namespaces that change and change back");

	big = malloc(200001);
	if (big) {
		memset(big, 'x', 200000);
		big[200000] = '\0';
		big[1000] = '<';
		big[150000] = '&';
		msg = xmpp_message_new(ctx, "chat", "a@b", NULL);
		xmpp_message_set_body(msg, big);
		same(msg, "200 KB of text: the buffer grows");
		xmpp_stanza_release(msg);
		free(big);
	}

	el = xmpp_stanza_new(ctx); /* neither a tag nor a text */
	is_int(stanza_serialize(el, &out, &len), -1, "an element without a name is refused");
	ok(out == NULL && len == 0, "and nothing is returned");
	xmpp_stanza_release(el);

	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return done_testing();
}
