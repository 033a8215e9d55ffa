/* SPDX-License-Identifier: MIT */
/* A fake struct sender (component/xmpp/sender.h) for the unit tests of
 * component modules: it keeps the text of every stanza sent, numbers its
 * ids ("id1", "id2", ...) and can be taken down to refuse sends. */
#ifndef VIGIL_TEST_FAKE_SENDER_H
#define VIGIL_TEST_FAKE_SENDER_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "component/xmpp/sender.h"

#define FAKE_SENT_MAX 1024

struct fake_sender {
	struct sender sender;
	int down;                   /* refuse sends */
	int ids;                    /* ids handed out */
	size_t count;               /* stanzas kept */
	char *sent[FAKE_SENT_MAX];  /* their text, oldest first */
};

static int fake_send(void *userdata, xmpp_stanza_t *stanza)
{
	struct fake_sender *f = userdata;
	char *buf = NULL;
	size_t len = 0;

	if (f->down || f->count == FAKE_SENT_MAX)
		return -1;
	if (xmpp_stanza_to_text(stanza, &buf, &len) != XMPP_EOK)
		return -1;
	f->sent[f->count] = strdup(buf);
	xmpp_free(f->sender.ctx, buf);
	if (!f->sent[f->count])
		return -1;
	f->count++;
	return 0;
}

static char *fake_new_id(void *userdata)
{
	struct fake_sender *f = userdata;
	char *id = malloc(16);

	if (id)
		snprintf(id, 16, "id%d", ++f->ids);
	return id;
}

static unsigned long long fake_written(void *userdata)
{
	return ((struct fake_sender *)userdata)->count;
}

static void fake_sender_init(struct fake_sender *f, xmpp_ctx_t *ctx, const char *jid)
{
	memset(f, 0, sizeof *f);
	f->sender.ctx = ctx;
	f->sender.jid = jid;
	f->sender.send = fake_send;
	f->sender.new_id = fake_new_id;
	f->sender.written = fake_written;
	f->sender.userdata = f;
}

/* Forgets what was sent. */
static void fake_sender_clear(struct fake_sender *f)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		free(f->sent[i]);
	f->count = 0;
}

/* The last stanza sent, or "" when none. */
static const char *fake_last(const struct fake_sender *f)
{
	return f->count ? f->sent[f->count - 1] : "";
}

/* How many stanzas sent hold every one of the NULL-ended strings. */
static size_t fake_count_with(const struct fake_sender *f, const char *first, ...)
{
	size_t i, n = 0;

	for (i = 0; i < f->count; i++) {
		va_list ap;
		const char *s;
		int all = 1;
		va_start(ap, first);
		for (s = first; s && all; s = va_arg(ap, const char *))
			all = strstr(f->sent[i], s) != NULL;
		va_end(ap);
		n += all;
	}
	return n;
}

#endif
