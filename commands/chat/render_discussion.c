/* SPDX-License-Identifier: MIT */
/* The discussion as chat text: see render.h. */
#include "commands/chat/render.h"

#include <string.h>

#include "commands/register/consensus.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"

#define SHOW_COMMENTS 5 /* show lists the newest few; history has them all */

void render_assessments(struct text *out, const struct stored_assessment *list, size_t n,
			const struct consensus *c)
{
	char stance[256];
	size_t i;

	if (!n && c->quorum <= 1)
		return;
	consensus_describe(c, stance, sizeof stance);
	text_add(out, "Assessments (%s):\n", stance);
	for (i = 0; i < n; i++) {
		const struct stored_assessment *a = &list[i];
		text_add(out, "  %s: likelihood %s, damage %s (%s)%s%s\n", a->assessor,
			 *a->likelihood ? a->likelihood : "-", *a->damage ? a->damage : "-", a->at,
			 a->rationale ? " — " : "", a->rationale ? a->rationale : "");
	}
	if (c->disagreement)
		text_put(out, "  ⚠ Disagreement: assessors are two levels apart (low and high).\n");
}

static void comment_line(struct text *out, const struct stored_comment *c)
{
	if (c->body)
		text_add(out, "#%lld %s (%s): %s", c->id, c->who, c->at, c->body);
	else
		text_add(out, "#%lld %s (%s): deleted by %s on %s", c->id, c->who, c->at,
			 c->deleted_by ? c->deleted_by : "?", c->deleted_at ? c->deleted_at : "?");
}

void render_comments(struct text *out, const struct stored_comment *list, size_t n, long long total)
{
	size_t i, first = n > SHOW_COMMENTS ? n - SHOW_COMMENTS : 0;

	if (!total)
		return;
	if ((long long)(n - first) < total)
		text_add(out, "Comments (%lld, the newest %zu; !history has them all):\n", total, n - first);
	else
		text_add(out, "Comments (%lld):\n", total);
	for (i = first; i < n; i++) {
		text_put(out, "  ");
		comment_line(out, &list[i]);
		text_put(out, "\n");
	}
}

void render_history(struct text *out, const struct threat *t, const struct threat_revision *revs,
		    size_t count, const struct stored_comment *comments, size_t ncomments)
{
	char tid[32];
	size_t i, j;

	threat_id_format(t->id, tid, sizeof tid);
	text_add(out, "History of %s \"%s\" (%zu revision%s):\n", tid, threat_get(t, THREAT_NAME),
		 count, count == 1 ? "" : "s");
	for (i = 0; i < count; i++) {
		const struct threat_revision *r = &revs[i];
		const struct stored_comment *c = NULL;
		if (r->changed && strncmp(r->changed, "comment", 7) == 0 &&
		    (r->changed[7] == '\0' || r->changed[7] == ' '))
			for (j = 0; j < ncomments && !c; j++)
				if (comments[j].revision == r->revision)
					c = &comments[j];
		text_add(out, "r%lld %s %s: ", r->revision, r->at, r->who);
		if (c)
			comment_line(out, c); /* the comment as it is now: its text, or the mark */
		else
			text_add(out, "%s%s%s", i == 0 ? "filed" :
				 (r->changed && *r->changed ? r->changed : "no field changed"),
				 r->note ? " — " : "", r->note ? r->note : "");
		text_put(out, "\n");
	}
}
