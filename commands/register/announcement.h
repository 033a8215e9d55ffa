/* SPDX-License-Identifier: MIT */
/* How a change is announced in words (PROTOCOL.md §6.1): the room's line
 * for one change, or one for a burst of the same kind by the same person.
 * The announcer says them; the Atom feed (commands/export/atom.c) writes
 * the same words. */
#ifndef VIGIL_REGISTER_ANNOUNCEMENT_H
#define VIGIL_REGISTER_ANNOUNCEMENT_H

#include <stddef.h>

#include "commands/register/change.h"

/* Whether a change is said in the room: a filing, a retirement, and an
 * assessment or edit that moved the priority. */
int announce_text_says(enum change_kind kind, const struct threat *t, const char *old_priority);

/* The line for one change into buf. */
void announce_text_one(enum change_kind kind, const struct threat *t, const char *old_priority,
		       const char *by, char *buf, size_t len);

/* The line for an assessment by a group (commands/register/consensus.h):
 * how it stands, then how the priority moved, or that it stays. */
void announce_text_assessed(const struct threat *t, const char *old_priority, const char *stance,
			    const char *by, char *buf, size_t len);

/* The line for n changes of one kind by one person, threats[0..n) in
 * order: "T-12…T-40: 29 threats filed by alice@example.org; 2 critical, 5 high". */
void announce_text_burst(enum change_kind kind, const struct threat *const *threats, size_t n,
			 const char *by, char *buf, size_t len);

/* The digest of a batch (an import): n threats from first to last, their
 * count by priority rank (by_rank[0] unassessed .. [5] critical), by whom:
 * "T-12…T-111: 100 threats imported by alice — 3 critical, 10 high, 87
 * unassessed". verb is "imported". */
void announce_text_digest(const char *verb, long long first, long long last, size_t n,
			  const size_t by_rank[6], const char *by, char *buf, size_t len);

#endif
