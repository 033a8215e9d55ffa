/* SPDX-License-Identifier: MIT */
/* Chat rendering: see chat_render.h. Labels come from the template table. */
#include "commands/chat/render.h"

#include <string.h>

#include "commands/register/attack_tree.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/xep_catalogue.h"

void render_threat_line(struct text *out, const struct threat *t)
{
	char tid[32];
	const char *l = threat_get(t, THREAT_LIKELIHOOD), *d = threat_get(t, THREAT_DAMAGE);

	threat_id_format(t->id, tid, sizeof tid);
	text_add(out, "%s [%s] %s (likelihood %s, damage %s, %s)", tid,
		 t->priority ? t->priority : "unassessed", threat_get(t, THREAT_NAME),
		 *l ? l : "-", *d ? d : "-", threat_get(t, THREAT_STATUS));
}

void render_threat_summary(struct text *out, const struct threat *t, const char *url)
{
	char tid[32];

	threat_id_format(t->id, tid, sizeof tid);
	text_add(out, "%s \"%s\": priority %s, %s", tid, threat_get(t, THREAT_NAME),
		 t->priority ? t->priority : "unassessed", threat_get(t, THREAT_STATUS));
	if (url)
		text_add(out, " — %s", url);
}

static const char *kind_word(const struct attack_node *n, int has_children)
{
	if (!has_children)
		return "";
	return n->kind == ATTACK_AND ? "AND " : "OR ";
}

void render_attack_tree(struct text *out, const char *notation)
{
	struct attack_tree tree;
	struct attack_eval ev;
	char err[256];
	size_t i;

	if (attack_tree_parse(notation, &tree, err, sizeof err) < 0) {
		text_add(out, "  (not a valid attack tree: %s)\n", err);
		return;
	}
	attack_tree_evaluate(&tree, &ev);
	for (i = 0; i < tree.count; i++) {
		const struct attack_node *n = &tree.nodes[i];
		int has_children = i + 1 < tree.count && tree.nodes[i + 1].parent == (int)i;
		/* ★ marks the cheapest attack, ✗ what cannot succeed */
		const char *mark = !n->possible ? "✗ " : n->cheapest ? "★ " : "";
		text_add(out, "%*s%s%s%s", 2 * n->depth, "", mark, kind_word(n, has_children), n->text);
		if (n->has_cost || n->equipment || n->marked_impossible) {
			text_put(out, " [");
			if (n->has_cost)
				text_add(out, "cost %llu", n->cost);
			if (n->equipment)
				text_add(out, "%sequipment", n->has_cost ? ", " : "");
			if (n->marked_impossible)
				text_add(out, "%simpossible", n->has_cost || n->equipment ? ", " : "");
			text_put(out, "]");
		} else if (has_children && n->possible && n->cost_known) {
			text_add(out, " (cheapest %llu)", n->total);
		}
		text_put(out, "\n");
	}
	text_add(out, "  Evaluation: %s\n", ev.summary);
	attack_tree_free(&tree);
}

static void xep_note(struct text *out, const char *value)
{
	char refs[1024] = "";

	if (xep_refs_describe(value, refs, sizeof refs) > 0)
		text_add(out, "  (%s)\n", refs);
}

void render_threat(struct text *out, const struct threat *t)
{
	char tid[32];
	size_t i;

	threat_id_format(t->id, tid, sizeof tid);
	text_add(out, "%s \"%s\" — priority %s (likelihood %s, damage %s), %s, revision %lld\n", tid,
		 threat_get(t, THREAT_NAME), t->priority ? t->priority : "unassessed",
		 *threat_get(t, THREAT_LIKELIHOOD) ? threat_get(t, THREAT_LIKELIHOOD) : "-",
		 *threat_get(t, THREAT_DAMAGE) ? threat_get(t, THREAT_DAMAGE) : "-",
		 threat_get(t, THREAT_STATUS), t->revision);
	text_add(out, "Filed by %s on %s, updated %s\n", t->author ? t->author : "?",
		 t->created ? t->created : "?", t->updated ? t->updated : "?");
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		if (f->slot == TEMPLATE_NOT_STORED || f->kind != TEMPLATE_TEXT_MULTI)
			continue; /* id, priority, levels and status are in the header */
		value = threat_get(t, (enum threat_field)f->slot);
		if (!*value)
			continue;
		if (f->slot == THREAT_ATTACK_TREE) {
			text_add(out, "%s:\n", f->label);
			render_attack_tree(out, value);
			continue;
		}
		text_add(out, "%s: %s\n", f->label, value);
		xep_note(out, value);
	}
}
