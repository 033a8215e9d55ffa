/* SPDX-License-Identifier: MIT */
/* Serialising a stanza: see serialize.h. As libstrophe renders: text and
 * attribute values with &, <, > and " escaped; an xmlns left out when the
 * parent has the same one, and jabber:client left out on the top element. */
#include "component/xmpp/serialize.h"

#include <stdlib.h>
#include <string.h>

#define ATTRS_ON_STACK 16 /* attributes of an element read without malloc */

struct out {
	char *buf;
	size_t len, cap;
	int failed;
};

static void grow(struct out *o, size_t more)
{
	size_t cap = o->cap ? o->cap : 1024;
	char *bigger;

	if (o->failed)
		return;
	while (cap - o->len <= more) /* room for the NUL too */
		cap *= 2;
	if (cap == o->cap)
		return;
	bigger = realloc(o->buf, cap);
	if (!bigger) {
		o->failed = 1;
		return;
	}
	o->buf = bigger;
	o->cap = cap;
}

static void put(struct out *o, const char *s, size_t n)
{
	if (o->cap - o->len <= n)
		grow(o, n);
	if (o->failed)
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* s escaped: runs without a special character are copied whole. */
static void put_escaped(struct out *o, const char *s)
{
	size_t run;

	for (;;) {
		run = strcspn(s, "&<>\"");
		put(o, s, run);
		s += run;
		switch (*s) {
		case '&': put(o, "&amp;", 5); break;
		case '<': put(o, "&lt;", 4); break;
		case '>': put(o, "&gt;", 4); break;
		case '"': put(o, "&quot;", 6); break;
		default: return; /* the end */
		}
		s++;
	}
}

/* parent_ns: the parent's xmlns, NULL when it has none; top: el has no parent. */
static void put_attributes(struct out *o, xmpp_stanza_t *el, const char *parent_ns, int top)
{
	const char *stack[2 * ATTRS_ON_STACK], **attrs = stack;
	int count = xmpp_stanza_get_attribute_count(el), n, i;

	if (count <= 0)
		return;
	if (count > ATTRS_ON_STACK && !(attrs = malloc(2 * (size_t)count * sizeof *attrs))) {
		o->failed = 1;
		return;
	}
	n = xmpp_stanza_get_attributes(el, attrs, 2 * count);
	for (i = 0; i + 1 < n; i += 2) {
		if (strcmp(attrs[i], "xmlns") == 0 &&
		    ((parent_ns && strcmp(attrs[i + 1], parent_ns) == 0) ||
		     (top && strcmp(attrs[i + 1], XMPP_NS_CLIENT) == 0)))
			continue;
		put(o, " ", 1);
		put_str(o, attrs[i]);
		put(o, "=\"", 2);
		put_escaped(o, attrs[i + 1]);
		put(o, "\"", 1);
	}
	if (attrs != stack)
		free(attrs);
}

static void put_element(struct out *o, xmpp_stanza_t *el, const char *parent_ns, int top,
			int *bad)
{
	const char *name, *text;
	xmpp_stanza_t *child;

	if (xmpp_stanza_is_text(el)) {
		if ((text = xmpp_stanza_get_text_ptr(el)))
			put_escaped(o, text);
		else
			*bad = 1;
		return;
	}
	if (!xmpp_stanza_is_tag(el) || !(name = xmpp_stanza_get_name(el))) {
		*bad = 1;
		return;
	}
	put(o, "<", 1);
	put_str(o, name);
	put_attributes(o, el, parent_ns, top);
	child = xmpp_stanza_get_children(el);
	if (!child) {
		put(o, "/>", 2);
		return;
	}
	put(o, ">", 1);
	for (; child && !*bad; child = xmpp_stanza_get_next(child))
		put_element(o, child, xmpp_stanza_get_ns(el), 0, bad);
	put(o, "</", 2);
	put_str(o, name);
	put(o, ">", 1);
}

int stanza_serialize(xmpp_stanza_t *stanza, char **buf, size_t *len)
{
	struct out o = { 0 };
	int bad = 0;

	*buf = NULL;
	*len = 0;
	grow(&o, 1);
	put_element(&o, stanza, NULL, 1, &bad);
	if (o.failed || bad) {
		free(o.buf);
		return -1;
	}
	o.buf[o.len] = '\0';
	*buf = o.buf;
	*len = o.len;
	return 0;
}
