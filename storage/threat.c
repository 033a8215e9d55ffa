/* SPDX-License-Identifier: MIT */
/* struct threat helpers: ownership of its strings. */
#include "storage/threat.h"

#include <stdlib.h>
#include <string.h>

void threat_init(struct threat *t)
{
	memset(t, 0, sizeof *t);
}

void threat_clear(struct threat *t)
{
	int i;

	for (i = 0; i < THREAT_FIELDS_MAX; i++)
		free(t->field[i]);
	free(t->priority);
	free(t->author);
	free(t->created);
	free(t->updated);
	threat_init(t);
}

static int dup_or_null(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int threat_copy(struct threat *dst, const struct threat *src)
{
	int i;

	threat_init(dst);
	dst->id = src->id;
	dst->revision = src->revision;
	dst->priority_rank = src->priority_rank;
	for (i = 0; i < THREAT_FIELDS_MAX; i++)
		if (dup_or_null(&dst->field[i], src->field[i]) < 0)
			goto fail;
	if (dup_or_null(&dst->priority, src->priority) < 0 ||
	    dup_or_null(&dst->author, src->author) < 0 ||
	    dup_or_null(&dst->created, src->created) < 0 ||
	    dup_or_null(&dst->updated, src->updated) < 0)
		goto fail;
	return 0;
fail:
	threat_clear(dst);
	return -1;
}

int threat_set(struct threat *t, int slot, const char *value)
{
	char *copy = NULL;

	if (value && *value && !(copy = strdup(value)))
		return -1;
	free(t->field[slot]);
	t->field[slot] = copy;
	return 0;
}

const char *threat_get(const struct threat *t, int slot)
{
	return t->field[slot] ? t->field[slot] : "";
}

void threat_revision_clear(struct threat_revision *r)
{
	free(r->at);
	free(r->who);
	free(r->changed);
	free(r->note);
	threat_clear(&r->state);
	memset(r, 0, sizeof *r);
}
