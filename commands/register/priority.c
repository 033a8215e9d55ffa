/* SPDX-License-Identifier: MIT */
/* Priority: see priority.h. */
#include "commands/register/priority.h"

#include <string.h>

static const char *const names[] = { "unassessed", "note", "low", "medium", "high", "critical" };

/* 0 = low, 1 = medium, 2 = high, -1 = not assessed */
static int level(const char *value)
{
	if (!value)
		return -1;
	if (strcmp(value, "low") == 0)
		return 0;
	if (strcmp(value, "medium") == 0)
		return 1;
	if (strcmp(value, "high") == 0)
		return 2;
	return -1;
}

int priority_rank(const char *likelihood, const char *damage)
{
	/* rows: likelihood low/medium/high; columns: damage low/medium/high */
	static const int table[3][3] = {
		{ PRIORITY_NOTE, PRIORITY_LOW, PRIORITY_MEDIUM },
		{ PRIORITY_LOW, PRIORITY_MEDIUM, PRIORITY_HIGH },
		{ PRIORITY_MEDIUM, PRIORITY_HIGH, PRIORITY_CRITICAL },
	};
	int l = level(likelihood), d = level(damage);

	if (l < 0 || d < 0)
		return PRIORITY_UNASSESSED;
	return table[l][d];
}

const char *priority_name(int rank)
{
	if (rank < PRIORITY_UNASSESSED || rank > PRIORITY_CRITICAL)
		return NULL;
	return names[rank];
}

int priority_rank_from_name(const char *name)
{
	int i;

	for (i = 0; name && i <= PRIORITY_CRITICAL; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}
