/* SPDX-License-Identifier: MIT */
/* The group's assessment: see consensus.h. */
#include "commands/register/consensus.h"

#include <string.h>

#include "commands/register/priority.h"
#include "commands/text/text.h"

#define MAX_VOTES_COUNTED 4096 /* far more assessors than a SIG has */

static const char *const level_names[] = { "low", "medium", "high" };

int consensus_level(const char *value)
{
	int i;

	for (i = 0; value && i < 3; i++)
		if (strcmp(value, level_names[i]) == 0)
			return i;
	return -1;
}

int consensus_median(int *levels, size_t n)
{
	size_t i, j;

	if (!n)
		return -1;
	for (i = 1; i < n; i++) /* insertion sort: a handful of values */
		for (j = i; j > 0 && levels[j - 1] > levels[j]; j--) {
			int tmp = levels[j];
			levels[j] = levels[j - 1];
			levels[j - 1] = tmp;
		}
	/* odd n: the middle; even n: the higher of the two middle values */
	return levels[n / 2];
}

void consensus_compute(const struct consensus_vote *votes, size_t n, size_t quorum,
		       struct consensus *out)
{
	int l[MAX_VOTES_COUNTED], d[MAX_VOTES_COUNTED];
	int lmin = 3, lmax = -1, dmin = 3, dmax = -1;
	size_t i, counted = 0;

	memset(out, 0, sizeof *out);
	out->quorum = quorum ? quorum : 1;
	out->likelihood = out->damage = "";
	for (i = 0; i < n && counted < MAX_VOTES_COUNTED; i++) {
		int vl = consensus_level(votes[i].likelihood), vd = consensus_level(votes[i].damage);
		if (vl < 0 || vd < 0)
			continue; /* withdrawn or half given: not a vote */
		l[counted] = vl;
		d[counted++] = vd;
		lmin = vl < lmin ? vl : lmin;
		lmax = vl > lmax ? vl : lmax;
		dmin = vd < dmin ? vd : dmin;
		dmax = vd > dmax ? vd : dmax;
	}
	out->assessments = counted;
	out->disagreement = counted > 1 && (lmax - lmin >= 2 || dmax - dmin >= 2);
	if (!counted || counted < out->quorum)
		return;
	out->reached = 1;
	out->likelihood = level_names[consensus_median(l, counted)];
	out->damage = level_names[consensus_median(d, counted)];
	out->priority_rank = priority_rank(out->likelihood, out->damage);
	for (i = 0; i < n; i++) {
		int vl = consensus_level(votes[i].likelihood), vd = consensus_level(votes[i].damage);
		if (vl >= 0 && vd >= 0 &&
		    priority_rank(votes[i].likelihood, votes[i].damage) == out->priority_rank)
			out->agreeing++;
	}
}

void consensus_describe(const struct consensus *c, char *buf, size_t len)
{
	const char *split = c->disagreement ? ", assessors disagree (two levels apart)" : "";

	if (!c->reached)
		text_format(buf, len, "%zu of %zu assessments%s", c->assessments, c->quorum, split);
	else
		text_format(buf, len, "%zu of %zu assessor%s: %s%s", c->agreeing, c->assessments,
			    c->assessments == 1 ? "" : "s", priority_name(c->priority_rank), split);
}
