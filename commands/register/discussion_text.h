/* SPDX-License-Identifier: MIT */
/* A threat's discussion in plain words (commands/register/discussion_text.c),
 * for the ad-hoc results and the documents: paragraphs separated by blank
 * lines, so each view lays them out its own way. */
#ifndef VIGIL_REGISTER_DISCUSSION_TEXT_H
#define VIGIL_REGISTER_DISCUSSION_TEXT_H

#include <stddef.h>

#include "commands/text/text.h"

struct store;

/* "Assessments: 2 of 3 assessors: high." then one paragraph per assessor
 * (levels, when, rationale), the newest max of them (0: all; the stance
 * counts them all); nothing when none. quorum: assess.quorum;
 * max_chars > 0 shortens each rationale to that many characters. */
void discussion_assessments_text(struct text *out, struct store *st, long long id, int quorum,
				 size_t max, size_t max_chars);

/* "Comments: 3." then one paragraph per comment (the newest max, 0: all;
 * each shortened to max_chars when > 0), a deleted one as its mark (a
 * blank line first when out is not empty); nothing when none. */
void discussion_comments_text(struct text *out, struct store *st, long long id, size_t max,
			      size_t max_chars);

/* A history's comment revisions (changed "comment") get the comment as
 * their note: "#7: text", or once deleted "#7 deleted by alice@… on …", so
 * every view of the history shows the entry (or its mark). 0, or -1 when
 * the comments could not be read or out of memory (revs unchanged then). */
struct threat_revision;
int discussion_fill_history(struct store *st, long long id, struct threat_revision *revs,
			    size_t count);

#endif
