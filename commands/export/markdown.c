/* SPDX-License-Identifier: MIT */
/* The register as Markdown, with the structure of the HTML page: for wikis
 * and mailing lists. Text from the register is escaped so that it reads as
 * written and never becomes markup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/attack_tree.h"
#include "commands/export/export.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "commands/register/xep_catalogue.h"

/* Writes text so that it reads as written and never becomes markup:
 * inline markup characters are backslash-escaped everywhere, & < > become
 * entities, and what would open a block (a heading, a list, a quote) is
 * escaped only at the start of a line, so ordinary prose stays readable. */
static void put_escaped(struct text *out, const char *s, size_t len, int line_start)
{
	size_t i = 0;

	if (line_start) {
		/* leading spaces would make an indented code block; Markdown
		 * collapses them anyway */
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < len && strchr("#+->=", s[i]))
			text_add(out, "\\%c", s[i++]);
		else if (i < len && s[i] >= '0' && s[i] <= '9') {
			size_t d = i;
			while (d < len && s[d] >= '0' && s[d] <= '9')
				d++;
			if (d < len && (s[d] == '.' || s[d] == ')')) {
				/* "1984. " would become a numbered list */
				for (; i < d; i++)
					text_add(out, "%c", s[i]); /* ASCII digits */
				text_add(out, "\\%c", s[d]);
				i = d + 1;
			}
		}
	}
	for (; i < len; i++) {
		char c = s[i];
		if (c == '&')
			text_put(out, "&amp;");
		else if (c == '<')
			text_put(out, "&lt;");
		else if (c == '>')
			text_put(out, "&gt;");
		else if (strchr("\\`*_[]|~", c) && c)
			text_add(out, "\\%c", c);
		else
			text_add(out, "%c", c);
	}
}

static void escaped(struct text *out, const char *s)
{
	put_escaped(out, s, strlen(s), 0);
}

/* Paragraphs as in the source, lines ending in two spaces (a line break),
 * XEP references with their titles. */
static void paragraphs(struct text *out, const char *value)
{
	const char *p = value;
	char refs[1024] = "";

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		put_escaped(out, p, len, 1);
		text_put(out, nl && nl[1] && nl[1] != '\n' && len ? "  \n" : "\n");
		p = nl ? nl + 1 : p + len;
	}
	if (xep_refs_describe(value, refs, sizeof refs) > 0) {
		text_put(out, "\n*References: ");
		escaped(out, refs);
		text_put(out, "*\n");
	}
	text_put(out, "\n");
}

static void attack_tree(struct text *out, const char *notation)
{
	struct attack_tree tree;
	struct attack_eval ev;
	char err[256];
	size_t i;

	if (attack_tree_parse(notation, &tree, err, sizeof err) < 0) {
		text_put(out, "The attack tree is not valid: ");
		escaped(out, err);
		text_put(out, "\n\n");
		return;
	}
	attack_tree_evaluate(&tree, &ev);
	text_put(out, "Attack tree (the cheapest attack in bold):\n\n");
	for (i = 0; i < tree.count; i++) {
		const struct attack_node *n = &tree.nodes[i];
		int children = i + 1 < tree.count && tree.nodes[i + 1].parent == (int)i;
		text_add(out, "%*s- %s", 2 * (n->depth - 1), "", n->cheapest ? "**" : "");
		if (children)
			text_put(out, n->kind == ATTACK_AND ? "AND: " : "OR: ");
		escaped(out, n->text);
		text_put(out, n->cheapest ? "**" : "");
		if (n->has_cost)
			text_add(out, " — cost %llu", n->cost);
		else if (children && n->possible && n->cost_known)
			text_add(out, " — cheapest %llu", n->total);
		if (n->equipment)
			text_put(out, ", special equipment");
		if (!n->possible)
			text_put(out, ", impossible");
		text_put(out, "\n");
	}
	text_put(out, "\nEvaluation: ");
	escaped(out, ev.summary);
	text_put(out, "\n\n");
	attack_tree_free(&tree);
}

static void table_row(struct text *out, const struct threat *t)
{
	const char *l = threat_get(t, THREAT_LIKELIHOOD), *d = threat_get(t, THREAT_DAMAGE);
	char tid[32];

	threat_id_format(t->id, tid, sizeof tid);
	text_add(out, "| [%s](#%s) | ", tid, tid);
	escaped(out, threat_get(t, THREAT_NAME));
	text_add(out, " | %s | %s | %s | %s |\n", *l ? l : "—", *d ? d : "—", t->priority,
		 threat_get(t, THREAT_STATUS));
}

static void table(struct text *out, const struct threat *list, size_t count)
{
	size_t i;

	text_put(out, "| Id | Name | Likelihood | Damage | Priority | Status |\n"
		      "|----|------|------------|--------|----------|--------|\n");
	for (i = 0; i < count; i++)
		table_row(out, &list[i]);
	text_put(out, "\n");
}

static void threat(struct text *out, const struct export_doc *doc, const struct threat *t)
{
	char *discussion = export_discussion(doc, t->id);
	char tid[32], item = 0, created[EXPORT_DAY_SIZE], updated[EXPORT_DAY_SIZE];
	size_t i;

	threat_id_format(t->id, tid, sizeof tid);
	text_add(out, "## %s: ", tid);
	escaped(out, threat_get(t, THREAT_NAME));
	text_add(out, " {#%s}\n\n*Priority %s · status %s · revision %lld · filed by ", tid, t->priority,
		 threat_get(t, THREAT_STATUS), t->revision);
	escaped(out, t->author ? t->author : "?");
	text_add(out, " on %s · updated %s*\n\n", export_day(created, t->created),
		 export_day(updated, t->updated));
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		if (!f->item || f->slot == THREAT_NAME)
			continue;
		if (f->item != item) {
			item = f->item;
			text_add(out, "### %c) %s\n\n", item, f->label);
		}
		value = f->slot == TEMPLATE_NOT_STORED ? t->priority
						       : threat_get(t, (enum threat_field)f->slot);
		if (f->slot == THREAT_ATTACK_TREE) {
			if (*value)
				attack_tree(out, value);
		} else if (value && *value) {
			paragraphs(out, value);
		} else if (f->slot != THREAT_DEFINITION || !*threat_get(t, THREAT_ATTACK_TREE)) {
			text_put(out, f->slot == THREAT_LIKELIHOOD || f->slot == THREAT_DAMAGE ?
				      "*Not assessed yet.*\n\n" : "*Not described yet.*\n\n");
		}
	}
	if (discussion) {
		text_put(out, "### Discussion\n\n");
		paragraphs(out, discussion);
		free(discussion);
	}
}

char *export_markdown(const struct export_doc *doc)
{
	struct text out = { 0 };
	char tid[32];
	size_t i;

	text_put(&out, "# Threats to XMPP Technologies\n\n");
	text_add(&out, "The Security SIG's register (XEP-0139), exported %s: %zu open threats, "
		       "%zu retired. Room: ", doc->generated, doc->nopen, doc->nretired);
	escaped(&out, doc->room);
	text_put(&out, ".\n\n## Contents\n\n1. [Summary](#summary)\n");
	for (i = 0; i < doc->nopen; i++) {
		threat_id_format(doc->open[i].id, tid, sizeof tid);
		text_add(&out, "%zu. [%s: ", i + 2, tid);
		escaped(&out, threat_get(&doc->open[i], THREAT_NAME));
		text_add(&out, "](#%s)\n", tid);
	}
	if (doc->nretired)
		text_add(&out, "%zu. [Appendix: retired threats](#retired)\n", doc->nopen + 2);
	text_put(&out, "\n## Summary {#summary}\n\nPriority follows from likelihood and damage (OWASP "
		       "risk rating): high × high is critical, low × low a note. Highest priority "
		       "first.\n\n");
	if (doc->nopen)
		table(&out, doc->open, doc->nopen);
	else
		text_put(&out, "The register has no open threat.\n\n");
	for (i = 0; i < doc->nopen; i++)
		threat(&out, doc, &doc->open[i]);
	if (doc->nretired) {
		text_put(&out, "## Appendix: retired threats {#retired}\n\n");
		table(&out, doc->retired, doc->nretired);
		for (i = 0; i < doc->nretired; i++)
			threat(&out, doc, &doc->retired[i]);
	}
	return text_take(&out);
}
