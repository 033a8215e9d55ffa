/* SPDX-License-Identifier: MIT */
/* Attack trees: see attack_tree.h. */
#include "commands/register/attack_tree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/text/text.h"

#define MAX_LINE_CHARS 1000
#define STEP_CHARS 60 /* of a step's text in the evaluation's summary */

void attack_tree_free(struct attack_tree *tree)
{
	size_t i;

	for (i = 0; i < tree->count; i++)
		free(tree->nodes[i].text);
	free(tree->nodes);
	tree->nodes = NULL;
	tree->count = 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Each attribute at most once, and not both impossible and possible: which
 * was meant cannot be guessed. *seen holds the ATTR_* bits met so far. */
enum { ATTR_COST = 1, ATTR_IMPOSSIBLE = 2, ATTR_POSSIBLE = 4, ATTR_EQUIPMENT = 8 };

static int attribute_once(unsigned *seen, unsigned bit, const char *name,
			  const struct attack_node *node, char *err, size_t errlen)
{
	unsigned opposite = bit == ATTR_IMPOSSIBLE ? ATTR_POSSIBLE :
			    bit == ATTR_POSSIBLE ? ATTR_IMPOSSIBLE : 0;

	if (*seen & bit) {
		text_format(err, errlen, "line %d: %s given twice in one [...]", node->line, name);
		return -1;
	}
	if (*seen & opposite) {
		snprintf(err, errlen, "line %d: impossible and possible contradict each other",
			 node->line);
		return -1;
	}
	*seen |= bit;
	return 0;
}

/* Parses "[cost=N, impossible, ...]" at the end of line into node. */
static int parse_attributes(char *line, struct attack_node *node, char *err, size_t errlen)
{
	char *open, *attr, *next, *end, quoted[TEXT_QUOTE_BYTES];
	size_t len = strlen(line);
	unsigned seen = 0;

	if (!len || line[len - 1] != ']')
		return strchr(line, ']') || strchr(line, '[') ?
		       (snprintf(err, errlen, "line %d: attributes go in one [...] at the end of the "
				 "step", node->line), -1) : 0;
	open = strrchr(line, '[');
	if (!open) {
		snprintf(err, errlen, "line %d: \"]\" without \"[\"", node->line);
		return -1;
	}
	line[len - 1] = '\0';
	*open = '\0';
	for (attr = open + 1; attr; attr = next) {
		next = strchr(attr, ',');
		if (next)
			*next++ = '\0';
		attr = trim(attr);
		if (strcmp(attr, "impossible") == 0) {
			if (attribute_once(&seen, ATTR_IMPOSSIBLE, attr, node, err, errlen) < 0)
				return -1;
			node->marked_impossible = 1;
		} else if (strcmp(attr, "possible") == 0) {
			if (attribute_once(&seen, ATTR_POSSIBLE, attr, node, err, errlen) < 0)
				return -1;
			node->marked_impossible = 0;
		} else if (strcmp(attr, "equipment") == 0) {
			if (attribute_once(&seen, ATTR_EQUIPMENT, attr, node, err, errlen) < 0)
				return -1;
			node->equipment = 1;
		} else if (strncmp(attr, "cost=", 5) == 0) {
			if (attribute_once(&seen, ATTR_COST, "cost=", node, err, errlen) < 0)
				return -1;
			errno = 0;
			if (attr[5] < '0' || attr[5] > '9') {
				text_format(err, errlen, "line %d: cost must be a non-negative integer, "
					    "got \"%s\"", node->line, text_quote(quoted, sizeof quoted, attr + 5));
				return -1;
			}
			node->cost = strtoull(attr + 5, &end, 10);
			if (*end || errno || node->cost > ATTACK_TREE_MAX_COST) {
				text_format(err, errlen, "line %d: cost \"%s\" is not an integer from 0 "
					    "to 10^15", node->line, text_quote(quoted, sizeof quoted, attr + 5));
				return -1;
			}
			node->has_cost = 1;
		} else {
			text_format(err, errlen, "line %d: unknown attribute \"%s\" (known: cost=N, "
				    "impossible, possible, equipment)", node->line,
				    text_quote(quoted, sizeof quoted, attr));
			return -1;
		}
	}
	return 0;
}

/* One line into node; returns its indentation or -1. */
static int parse_line(char *line, struct attack_node *node, char *err, size_t errlen)
{
	int indent = 0;
	char *text;

	while (line[indent] == ' ')
		indent++;
	if (line[indent] == '\t') {
		snprintf(err, errlen, "line %d: indent with spaces, not tabs", node->line);
		return -1;
	}
	text = trim(line + indent);
	if (parse_attributes(text, node, err, errlen) < 0)
		return -1;
	text = trim(text);
	if (strncmp(text, "AND ", 4) == 0) {
		node->kind = ATTACK_AND;
		text = trim(text + 4);
	} else if (strncmp(text, "OR ", 3) == 0) {
		node->kind = ATTACK_OR;
		text = trim(text + 3);
	} else {
		node->kind = ATTACK_LEAF; /* becomes OR if children follow */
	}
	if (!*text || strcmp(text, "AND") == 0 || strcmp(text, "OR") == 0) {
		snprintf(err, errlen, "line %d: the step has no description", node->line);
		return -1;
	}
	node->text = strdup(text);
	if (!node->text) {
		snprintf(err, errlen, "line %d: out of memory", node->line);
		return -1;
	}
	return indent;
}

int attack_tree_parse(const char *text, struct attack_tree *out, char *err, size_t errlen)
{
	int stack[ATTACK_TREE_MAX_DEPTH + 1], indents[ATTACK_TREE_MAX_DEPTH + 1];
	int top = -1, lineno = 0;
	const char *p = text ? text : "";
	char line[MAX_LINE_CHARS * 4 + 1];

	memset(out, 0, sizeof *out);
	/* each step is zeroed when it is reached: not the whole array for a short tree */
	out->nodes = malloc(ATTACK_TREE_MAX_NODES * sizeof *out->nodes);
	if (!out->nodes) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct attack_node *node;
		int indent, popped = -1;

		lineno++;
		if (len >= sizeof line) {
			snprintf(err, errlen, "line %d: longer than %d characters", lineno, MAX_LINE_CHARS);
			goto fail;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl ? nl + 1 : p + len;
		if (!*trim(line))
			continue; /* blank lines, even with tabs, are ignored */
		if (out->count == ATTACK_TREE_MAX_NODES) {
			snprintf(err, errlen, "line %d: more than %d steps", lineno, ATTACK_TREE_MAX_NODES);
			goto fail;
		}
		node = &out->nodes[out->count];
		memset(node, 0, sizeof *node);
		node->line = lineno;
		indent = parse_line(line, node, err, errlen);
		out->count++; /* owned from here, freed with the tree */
		if (indent < 0)
			goto fail;
		while (top >= 0 && indents[top] >= indent)
			popped = indents[top--];
		if (top < 0 && out->count > 1) {
			snprintf(err, errlen, "line %d: a second top-level step; an attack tree has one "
				 "root (indent this step under it)", lineno);
			goto fail;
		}
		if (popped >= 0 && popped != indent) {
			snprintf(err, errlen, "line %d: the indentation matches no step above", lineno);
			goto fail;
		}
		node->parent = top >= 0 ? stack[top] : -1;
		node->depth = top + 2;
		if (node->depth > ATTACK_TREE_MAX_DEPTH) {
			snprintf(err, errlen, "line %d: depth %d exceeds the limit of %d", lineno,
				 node->depth, ATTACK_TREE_MAX_DEPTH);
			goto fail;
		}
		if (node->parent >= 0 && out->nodes[node->parent].kind == ATTACK_LEAF)
			out->nodes[node->parent].kind = ATTACK_OR;
		stack[++top] = (int)out->count - 1;
		indents[top] = indent;
	}
	return 0;
fail:
	attack_tree_free(out);
	return -1;
}

/* --- evaluation ------------------------------------------------------------ */

static int has_children(const struct attack_tree *tree, size_t i)
{
	return i + 1 < tree->count && tree->nodes[i + 1].parent == (int)i;
}

/* Children come after their parent, so walking backwards sees every child
 * before its parent: one linear pass, no recursion. */
static void compute(struct attack_tree *tree)
{
	size_t i, j;

	for (i = tree->count; i-- > 0;) {
		struct attack_node *n = &tree->nodes[i];
		if (!has_children(tree, i)) {
			n->possible = !n->marked_impossible;
			n->cost_known = n->has_cost;
			n->total = n->cost;
			continue;
		}
		n->possible = n->kind == ATTACK_AND;
		n->cost_known = 1;
		n->total = 0;
		for (j = i + 1; j < tree->count && tree->nodes[j].depth > n->depth; j++) {
			struct attack_node *c = &tree->nodes[j];
			if (c->parent != (int)i)
				continue;
			if (n->kind == ATTACK_AND) {
				n->possible = n->possible && c->possible;
				n->cost_known = n->cost_known && c->cost_known;
				n->total += c->total; /* each cost <= 10^15, at most 500: no overflow */
			} else if (c->possible) {
				if (!c->cost_known)
					n->cost_known = 0;
				else if (!n->possible || c->total < n->total)
					n->total = c->total;
				n->possible = 1;
			}
		}
		if (n->marked_impossible)
			n->possible = 0;
		if (!n->possible)
			n->cost_known = 0;
	}
}

/* Marks the cheapest attack from the root down (pre-order: parents first). */
static void mark_cheapest(struct attack_tree *tree)
{
	size_t i, j;

	if (!tree->count || !tree->nodes[0].possible)
		return;
	tree->nodes[0].cheapest = 1;
	for (i = 0; i < tree->count; i++) {
		struct attack_node *n = &tree->nodes[i];
		int chosen = -1;
		if (!n->cheapest || !has_children(tree, i))
			continue;
		for (j = i + 1; j < tree->count && tree->nodes[j].depth > n->depth; j++) {
			struct attack_node *c = &tree->nodes[j];
			if (c->parent != (int)i)
				continue;
			if (n->kind == ATTACK_AND) {
				c->cheapest = 1;
			} else if (c->possible && (chosen < 0 ||
						   (c->cost_known && (!tree->nodes[chosen].cost_known ||
								      c->total < tree->nodes[chosen].total)))) {
				chosen = (int)j;
			}
		}
		if (chosen >= 0)
			tree->nodes[chosen].cheapest = 1;
	}
}

/* Appends sep and text (shortened to STEP_CHARS) to the summary in buf. */
static void append(char *buf, size_t len, const char *sep, const char *text)
{
	size_t used = strlen(buf);
	char step[STEP_CHARS * 4 + 4];

	if (used < len)
		text_format(buf + used, len - used, "%s%s", sep,
			    text_shorten(step, sizeof step, text, STEP_CHARS));
}

void attack_tree_evaluate(struct attack_tree *tree, struct attack_eval *ev)
{
	size_t i, named = 0, equipment = 0;

	memset(ev, 0, sizeof *ev);
	if (!tree->count) {
		snprintf(ev->summary, sizeof ev->summary, "no attack tree");
		return;
	}
	compute(tree);
	mark_cheapest(tree);
	ev->possible = tree->nodes[0].possible;
	ev->cost_known = tree->nodes[0].cost_known;
	ev->cost = tree->nodes[0].total;
	for (i = 0; i < tree->count; i++)
		if (!has_children(tree, i) && tree->nodes[i].possible && !tree->nodes[i].has_cost)
			ev->unknown_leaves++;
	if (!ev->possible) {
		snprintf(ev->summary, sizeof ev->summary, "impossible: no branch of the tree can succeed");
		return;
	}
	if (ev->cost_known)
		snprintf(ev->summary, sizeof ev->summary, "possible; the cheapest attack costs %llu:", ev->cost);
	else
		text_format(ev->summary, sizeof ev->summary, "possible; cost unknown (%zu step%s without "
			    "cost=):", ev->unknown_leaves, ev->unknown_leaves == 1 ? "" : "s");
	for (i = 0; i < tree->count; i++) {
		const struct attack_node *n = &tree->nodes[i];
		if (!n->cheapest || has_children(tree, i))
			continue;
		if (n->equipment)
			equipment++;
		if (named++ < 5)
			append(ev->summary, sizeof ev->summary, named == 1 ? " " : ", ", n->text);
	}
	if (named > 5)
		append(ev->summary, sizeof ev->summary, ", ", "...");
	if (equipment)
		append(ev->summary, sizeof ev->summary, " ", "(needs special equipment)");
}
