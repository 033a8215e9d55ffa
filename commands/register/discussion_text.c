/* SPDX-License-Identifier: MIT */
/* A threat's discussion in plain words: see discussion_text.h. */
#include "commands/register/discussion_text.h"

#include <stdlib.h>
#include <string.h>

#include "commands/register/consensus.h"
#include "storage/discussion.h"
#include "storage/threat.h"

static void put_text(struct text *out, const char *s, size_t max_chars)
{
	if (max_chars)
		text_put_shortened(out, s, max_chars);
	else
		text_put(out, s);
}

void discussion_assessments_text(struct text *out, struct store *st, long long id, int quorum,
				 size_t max, size_t max_chars)
{
	struct stored_assessment *list = NULL;
	struct consensus_vote *votes = NULL;
	struct consensus c;
	char stance[256];
	size_t n = 0, i;

	if (store_assessment_list(st, id, &list, &n) < 0 || !n ||
	    !(votes = calloc(n, sizeof *votes)))
		goto out;
	for (i = 0; i < n; i++)
		votes[i] = (struct consensus_vote){ list[i].likelihood, list[i].damage };
	consensus_compute(votes, n, quorum > 0 ? (size_t)quorum : 1, &c);
	consensus_describe(&c, stance, sizeof stance);
	text_add(out, "Assessments: %s.", stance);
	if (max && n > max)
		text_add(out, " The newest %zu of %zu here.", max, n);
	/* oldest first: the newest max are the last */
	for (i = max && n > max ? n - max : 0; i < n; i++) {
		text_add(out, "\n\n%s: likelihood %s, damage %s (%s)%s", list[i].assessor,
			 *list[i].likelihood ? list[i].likelihood : "not assessed",
			 *list[i].damage ? list[i].damage : "not assessed", list[i].at,
			 list[i].rationale ? " — " : "");
		if (list[i].rationale)
			put_text(out, list[i].rationale, max_chars);
	}
out:
	free(votes);
	store_assessments_free(list, n);
}

void discussion_comments_text(struct text *out, struct store *st, long long id, size_t max,
			      size_t max_chars)
{
	struct stored_comment *list = NULL;
	size_t n = 0, i;
	long long total = 0;

	if (store_comment_list(st, id, max, &list, &n, &total) < 0 || !n)
		goto out;
	if ((long long)n < total)
		text_add(out, "%sComments: %lld, the newest %zu here.", out->len ? "\n\n" : "", total, n);
	else
		text_add(out, "%sComments: %lld.", out->len ? "\n\n" : "", total);
	for (i = 0; i < n; i++) {
		if (list[i].body) {
			text_add(out, "\n\n#%lld %s (%s): ", list[i].id, list[i].who, list[i].at);
			put_text(out, list[i].body, max_chars);
		} else
			text_add(out, "\n\n#%lld %s (%s): deleted by %s on %s", list[i].id, list[i].who,
				 list[i].at, list[i].deleted_by ? list[i].deleted_by : "?",
				 list[i].deleted_at ? list[i].deleted_at : "?");
	}
out:
	store_comments_free(list, n);
}

int discussion_fill_history(struct store *st, long long id, struct threat_revision *revs,
			    size_t count)
{
	struct stored_comment *list = NULL;
	size_t n = 0, i, j;
	int rc = 0;

	if (store_comment_list(st, id, 0, &list, &n, NULL) < 0)
		return -1;
	for (i = 0, j = 0; i < count && rc == 0; i++) {
		struct text t = { 0 };
		char *note;
		if (!revs[i].changed || strncmp(revs[i].changed, "comment", 7) != 0 ||
		    (revs[i].changed[7] && revs[i].changed[7] != ' '))
			continue;
		while (j < n && list[j].revision < revs[i].revision)
			j++; /* both in order */
		if (j == n || list[j].revision != revs[i].revision)
			continue;
		if (list[j].body)
			text_add(&t, "#%lld: %s", list[j].id, list[j].body);
		else
			text_add(&t, "#%lld deleted by %s on %s", list[j].id,
				 list[j].deleted_by ? list[j].deleted_by : "?",
				 list[j].deleted_at ? list[j].deleted_at : "?");
		if (!(note = text_take(&t))) {
			rc = -1;
			continue;
		}
		free(revs[i].note);
		revs[i].note = note;
	}
	store_comments_free(list, n);
	return rc;
}
