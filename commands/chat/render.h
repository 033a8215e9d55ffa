/* Threats as chat text: compact, every field, the attack tree as an
 * indented outline with AND/OR, costs and the cheapest attack marked. */
#ifndef VIGIL_CHAT_RENDER_H
#define VIGIL_CHAT_RENDER_H

#include <stddef.h>

#include "commands/text/text.h"
#include "storage/threat.h"

/* "T-7 [high] Dialback spoofing (likelihood high, damage medium, analyzed)" */
void render_threat_line(struct text *out, const struct threat *t);

/* Every field of t, the attack tree outline and its evaluation, XEP titles. */
void render_threat(struct text *out, const struct threat *t);

/* The outline of an attack tree notation (or its parse error). */
void render_attack_tree(struct text *out, const char *notation);

/* One line per revision. */
void render_history(struct text *out, const struct threat *t, const struct threat_revision *revs,
		    size_t count);

#endif
