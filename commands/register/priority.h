/* SPDX-License-Identifier: MIT */
/* Priority from likelihood and damage (PROTOCOL.md §4, the OWASP Risk
 * Rating Methodology's overall-severity table). */
#ifndef VIGIL_PRIORITY_H
#define VIGIL_PRIORITY_H

enum priority_rank {
	PRIORITY_UNASSESSED = 0,
	PRIORITY_NOTE,
	PRIORITY_LOW,
	PRIORITY_MEDIUM,
	PRIORITY_HIGH,
	PRIORITY_CRITICAL,
};

/* The rank for likelihood and damage ("high", "medium", "low"; anything
 * else, "" or NULL counts as not assessed). */
int priority_rank(const char *likelihood, const char *damage);

/* "critical" .. "note", "unassessed" for 0; NULL for an out-of-range rank. */
const char *priority_name(int rank);

/* The rank of a priority name, or -1. */
int priority_rank_from_name(const char *name);

#endif
