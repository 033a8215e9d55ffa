/* SPDX-License-Identifier: MIT */
/* Attack trees (PROTOCOL.md §7): the indented notation and Schneier's
 * evaluation (possible or not, cheapest cost, the leaves of the cheapest
 * attack). Parsing and evaluation are linear and never recurse. */
#ifndef VIGIL_ATTACK_TREE_H
#define VIGIL_ATTACK_TREE_H

#include <stddef.h>

#define ATTACK_TREE_MAX_NODES 500
#define ATTACK_TREE_MAX_DEPTH 16      /* the root is at depth 1 */
#define ATTACK_TREE_MAX_COST 1000000000000000ULL

enum attack_kind { ATTACK_LEAF, ATTACK_OR, ATTACK_AND };

struct attack_node {
	char *text;           /* the step, without AND/OR and attributes */
	enum attack_kind kind;
	int line;             /* in the notation, from 1 */
	int depth;            /* root = 1 */
	int parent;           /* index, -1 for the root */
	int has_cost;
	unsigned long long cost;
	int marked_impossible;
	int equipment;
	/* set by attack_tree_evaluate */
	int possible;
	int cost_known;
	unsigned long long total;  /* cheapest cost of this subtree when known */
	int cheapest;              /* part of the cheapest attack */
};

/* Nodes in the notation's order (pre-order): children follow their parent. */
struct attack_tree {
	struct attack_node *nodes;
	size_t count;             /* 0 for an empty notation */
};

struct attack_eval {
	int possible;
	int cost_known;
	unsigned long long cost;
	size_t unknown_leaves;    /* possible leaves without cost= */
	char summary[512];        /* one line for people */
};

/* Parses the notation. Returns 0, or -1 with "line N: problem" in err. */
int attack_tree_parse(const char *text, struct attack_tree *out, char *err, size_t errlen);

/* Evaluates tree (marks nodes) and summarises it in ev. */
void attack_tree_evaluate(struct attack_tree *tree, struct attack_eval *ev);

void attack_tree_free(struct attack_tree *tree);

#endif
