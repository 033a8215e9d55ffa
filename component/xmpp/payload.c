/* SPDX-License-Identifier: MIT */
/* PubSub payloads: see payload.h (the room's lines: component/announce/text.c). */
#include "component/xmpp/payload.h"

#include <stdio.h>

#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "component/xmpp/stanza.h"
#include "storage/discussion.h"

static void set_attr(xmpp_stanza_t *el, const char *name, const char *value)
{
	if (value && *value)
		xmpp_stanza_set_attribute(el, name, value);
}

/* The template's stored fields (PROTOCOL.md §6): a choice is an attribute
 * named by its var, a text a child element of that name; both only when
 * set, in the table's order. */
static int add_fields(xmpp_stanza_t *el, const struct threat *t)
{
	size_t i;

	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		if (f->slot == TEMPLATE_NOT_STORED || !*(value = threat_get(t, f->slot)))
			continue;
		if (f->kind == TEMPLATE_LIST_SINGLE)
			xmpp_stanza_set_attribute(el, f->var, value);
		else if (!stanza_add_text_child(el, f->var, value))
			return -1;
	}
	return 0;
}

xmpp_stanza_t *payload_threat(xmpp_ctx_t *ctx, const struct threat *t)
{
	xmpp_stanza_t *el = xmpp_stanza_new(ctx);
	char tid[32], rev[32];

	if (!el)
		return NULL;
	threat_id_format(t->id, tid, sizeof tid);
	snprintf(rev, sizeof rev, "%lld", t->revision);
	xmpp_stanza_set_name(el, "threat");
	xmpp_stanza_set_ns(el, VIGIL_NS);
	xmpp_stanza_set_attribute(el, "id", tid);
	xmpp_stanza_set_attribute(el, "revision", rev);
	set_attr(el, "priority", t->priority);
	set_attr(el, "author", t->author);
	set_attr(el, "created", t->created);
	set_attr(el, "updated", t->updated);
	if (add_fields(el, t) < 0) {
		xmpp_stanza_release(el);
		return NULL;
	}
	return el;
}

int payload_add_comments(xmpp_stanza_t *threat_el, struct store *st, long long id)
{
	struct stored_comment *latest = NULL;
	xmpp_stanza_t *comments, *c;
	size_t n = 0;
	long long total = 0;
	char num[32];
	int rc = -1;

	if (store_comment_list(st, id, 1, &latest, &n, &total) < 0)
		return -1;
	if (!n) {
		rc = 0;
		goto out;
	}
	if (!(comments = stanza_add_child(threat_el, "comments", NULL)))
		goto out;
	snprintf(num, sizeof num, "%lld", total);
	xmpp_stanza_set_attribute(comments, "count", num);
	c = latest[0].body ? stanza_add_text_child(comments, "comment", latest[0].body)
			   : stanza_add_child(comments, "comment", NULL);
	if (!c)
		goto out;
	snprintf(num, sizeof num, "%lld", latest[0].id);
	xmpp_stanza_set_attribute(c, "id", num);
	set_attr(c, "by", latest[0].who);
	set_attr(c, "at", latest[0].at);
	set_attr(c, "deleted-by", latest[0].deleted_by);
	set_attr(c, "deleted-at", latest[0].deleted_at);
	set_attr(c, "stanza-id", latest[0].stanza_id); /* XEP-0359, the room's */
	rc = 0;
out:
	store_comments_free(latest, n);
	return rc;
}

xmpp_stanza_t *payload_priority_change(xmpp_ctx_t *ctx, const struct threat *t,
				       const char *from, const char *by, const char *at)
{
	xmpp_stanza_t *el = xmpp_stanza_new(ctx);
	char tid[32];

	if (!el)
		return NULL;
	threat_id_format(t->id, tid, sizeof tid);
	xmpp_stanza_set_name(el, "priority-change");
	xmpp_stanza_set_ns(el, VIGIL_NS);
	xmpp_stanza_set_attribute(el, "threat", tid);
	xmpp_stanza_set_attribute(el, "from", from && *from ? from : "unassessed");
	xmpp_stanza_set_attribute(el, "to", t->priority ? t->priority : "unassessed");
	set_attr(el, "by", by);
	set_attr(el, "at", at);
	if (!stanza_add_text_child(el, "name", threat_get(t, THREAT_NAME))) {
		xmpp_stanza_release(el);
		return NULL;
	}
	return el;
}
