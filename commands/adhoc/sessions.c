/* SPDX-License-Identifier: MIT */
/* Ad-hoc sessions in the database, or in memory when it refuses: see
 * sessions.h. The memory list is small (commands.max_sessions bounds it)
 * and holds only sessions the database could not take. */
#include "commands/adhoc/sessions.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/register/context.h"

struct spare_session {
	struct stored_session s;
	struct spare_session *next;
};

static struct spare_session **find_spare(struct commands_ctx *cc, const char *id)
{
	struct spare_session **p;

	for (p = &cc->spare; *p; p = &(*p)->next)
		if (strcmp((*p)->s.id, id) == 0)
			return p;
	return NULL;
}

static void drop_spare(struct spare_session **p)
{
	struct spare_session *gone = *p;

	*p = gone->next;
	stored_session_clear(&gone->s);
	free(gone);
}

static int copy_session(struct stored_session *dst, const struct stored_session *src)
{
	memset(dst, 0, sizeof *dst);
	dst->stage = src->stage;
	dst->expires = src->expires;
	if (!(dst->id = strdup(src->id)) || !(dst->jid = strdup(src->jid)) ||
	    !(dst->node = strdup(src->node)) || (src->state && !(dst->state = strdup(src->state)))) {
		stored_session_clear(dst);
		return -1;
	}
	return 0;
}

int session_put(struct commands_ctx *cc, const struct stored_session *s)
{
	struct spare_session **old = find_spare(cc, s->id), *spare;
	int rc = store_session_put(cc->store, s);

	if (rc == 0) {
		if (old)
			drop_spare(old); /* the database has the newer state now */
		return 0;
	}
	spare = calloc(1, sizeof *spare);
	if (!spare || copy_session(&spare->s, s) < 0) {
		free(spare);
		return rc;
	}
	if (old)
		drop_spare(old);
	spare->next = cc->spare;
	cc->spare = spare;
	return 0;
}

int session_get(struct commands_ctx *cc, const char *id, struct stored_session *out)
{
	struct spare_session **spare = find_spare(cc, id);

	if (spare)
		return copy_session(out, &(*spare)->s) < 0 ? STORE_ERROR : 0;
	return store_session_get(cc->store, id, out);
}

void session_delete(struct commands_ctx *cc, const char *id)
{
	struct spare_session **spare = find_spare(cc, id);

	if (spare)
		drop_spare(spare);
	store_session_delete(cc->store, id);
}

int session_expire(struct commands_ctx *cc)
{
	struct spare_session **p = &cc->spare;
	long long now = cc->now();

	while (*p) {
		if ((*p)->s.expires <= now)
			drop_spare(p);
		else
			p = &(*p)->next;
	}
	return store_session_expire(cc->store, now);
}

int session_count(struct commands_ctx *cc, const char *bare_jid, long long *mine, long long *all)
{
	struct spare_session *p;
	size_t len = strlen(bare_jid);
	long long now = cc->now();
	int rc = store_session_count(cc->store, bare_jid, now, mine, all);

	if (rc < 0)
		return rc;
	for (p = cc->spare; p; p = p->next) {
		if (p->s.expires <= now)
			continue;
		++*all;
		if (strncasecmp(p->s.jid, bare_jid, len) == 0 && (!p->s.jid[len] || p->s.jid[len] == '/'))
			++*mine;
	}
	return 0;
}

void sessions_free(struct commands_ctx *cc)
{
	while (cc->spare)
		drop_spare(&cc->spare);
}
