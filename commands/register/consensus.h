/* SPDX-License-Identifier: MIT */
/* The group's assessment (XEP-0139 asks the SIG to assess and prioritise):
 * each assessor's latest likelihood and damage, and the rules that make one
 * priority of them. Pure functions, no storage, no XMPP. */
#ifndef VIGIL_REGISTER_CONSENSUS_H
#define VIGIL_REGISTER_CONSENSUS_H

#include <stddef.h>

/* One assessor's say (the strings are lent). */
struct consensus_vote {
	const char *likelihood; /* "low", "medium", "high"; "" or NULL: not given */
	const char *damage;
};

struct consensus {
	size_t assessments;     /* votes with both likelihood and damage */
	size_t quorum;          /* assess.quorum */
	int reached;            /* assessments >= quorum: the levels below are set */
	const char *likelihood; /* the median of the votes, ties to the higher; "" when not reached */
	const char *damage;
	int priority_rank;      /* of likelihood and damage (priority.h), 0 when not reached */
	size_t agreeing;        /* votes whose own priority is the group's */
	int disagreement;       /* two votes two levels apart (low and high) on either */
};

/* 0 low, 1 medium, 2 high; -1 for anything else. */
int consensus_level(const char *value);

/* The median of levels[0..n) (each 0..2), the higher of the two middle
 * values when n is even; -1 when n is 0. levels is sorted in place. */
int consensus_median(int *levels, size_t n);

/* The group's standing from votes[0..n) under quorum (at least 1). */
void consensus_compute(const struct consensus_vote *votes, size_t n, size_t quorum,
		       struct consensus *out);

/* How the group stands, into buf: "2 of 3 assessors: high", or below the
 * quorum "1 of 2 assessments"; ", assessors disagree (low and high)" added
 * when they do. */
void consensus_describe(const struct consensus *c, char *buf, size_t len);

#endif
