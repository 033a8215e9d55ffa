/* SPDX-License-Identifier: MIT */
/* Threats as chat text: compact, every field, the attack tree as an
 * indented outline with AND/OR, costs and the cheapest attack marked. */
#ifndef VIGIL_CHAT_RENDER_H
#define VIGIL_CHAT_RENDER_H

#include <stddef.h>

#include "commands/text/text.h"
#include "storage/discussion.h"
#include "storage/threat.h"

/* "T-7 [high] Dialback spoofing (likelihood high, damage medium, analyzed)" */
void render_threat_line(struct text *out, const struct threat *t);

/* The one line a mention unfolds into: "T-7 \"Name\": priority high,
 * analyzed — URL" (url NULL: without the page). */
void render_threat_summary(struct text *out, const struct threat *t, const char *url);

/* Every field of t, the attack tree outline and its evaluation, XEP titles. */
void render_threat(struct text *out, const struct threat *t);

/* The outline of an attack tree notation (or its parse error). */
void render_attack_tree(struct text *out, const char *notation);

/* One line per revision; a comment's revision shows the comment (or the
 * mark left when it was deleted), from comments[0..ncomments). */
void render_history(struct text *out, const struct threat *t, const struct threat_revision *revs,
		    size_t count, const struct stored_comment *comments, size_t ncomments);

/* --- the discussion (commands/chat/render_discussion.c) --- */
struct consensus;

/* Every assessor's assessment and how the group stands under the quorum,
 * disagreement flagged. Nothing when none and the quorum is 1. */
void render_assessments(struct text *out, const struct stored_assessment *list, size_t n,
			const struct consensus *c);

/* The newest few of n comments (total in all), the oldest of them first. */
void render_comments(struct text *out, const struct stored_comment *list, size_t n, long long total);

#endif
