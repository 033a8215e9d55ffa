/* SPDX-License-Identifier: MIT */
/* Attack trees (commands/register/attack_tree.c): notation, limits, evaluation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/attack_tree.h"
#include "tests/unit/tap.h"

static const char *const example =
	"Read another user's messages\n"
	"  OR Get plaintext in transit\n"
	"    Sniff an unencrypted c2s link [cost=0, impossible]\n"
	"    Strip STARTTLS [cost=1000]\n"
	"  AND Compromise the server\n"
	"    Gain a shell [cost=50000, equipment]\n"
	"    Read the archive [cost=0]\n";

static int evaluate(const char *text, struct attack_eval *ev, struct attack_tree *tree)
{
	char err[256];

	if (attack_tree_parse(text, tree, err, sizeof err) < 0) {
		diag("parse failed: %s", err);
		return -1;
	}
	attack_tree_evaluate(tree, ev);
	return 0;
}

static void test_example(void)
{
	struct attack_tree tree;
	struct attack_eval ev;
	size_t i, cheapest = 0;

	if (evaluate(example, &ev, &tree) < 0)
		return;
	is_int(tree.count, 7, "the PROTOCOL.md example has 7 steps");
	is_int(tree.nodes[0].kind, ATTACK_OR, "the root has children: OR");
	is_int(tree.nodes[4].kind, ATTACK_AND, "AND prefix");
	is_str(tree.nodes[4].text, "Compromise the server", "AND and attributes are not part of the text");
	is_int(tree.nodes[5].equipment, 1, "equipment attribute");
	ok(ev.possible, "the root is possible");
	ok(ev.cost_known, "its cost is known");
	is_int(ev.cost, 1000, "the cheapest attack costs 1000 (stripping STARTTLS beats 50000)");
	for (i = 0; i < tree.count; i++)
		if (tree.nodes[i].cheapest && (i == 3 || i == 2 || i == 5 || i == 6))
			cheapest |= 1u << i;
	is_int(cheapest, 1u << 3, "only Strip STARTTLS is a marked leaf of the cheapest attack");
	ok(strstr(ev.summary, "1000") && strstr(ev.summary, "Strip STARTTLS"), "summary: %s", ev.summary);
	attack_tree_free(&tree);
}

static void test_and_or(void)
{
	struct attack_tree tree;
	struct attack_eval ev;

	if (evaluate("Goal\n  AND Both\n    A [cost=5]\n    B [cost=7]\n  Other [cost=20]\n", &ev, &tree) == 0) {
		is_int(ev.cost, 12, "AND sums its children (5 + 7 < 20)");
		ok(tree.nodes[2].cheapest && tree.nodes[3].cheapest && !tree.nodes[4].cheapest,
		   "both AND children are on the cheapest attack");
		attack_tree_free(&tree);
	}
	if (evaluate("Goal\n  AND Both\n    A [cost=5]\n    B [impossible, cost=1]\n  Other [cost=20]\n",
		     &ev, &tree) == 0) {
		is_int(ev.cost, 20, "an AND with an impossible child is impossible; OR takes the other");
		ok(!tree.nodes[1].possible, "the AND node is impossible");
		attack_tree_free(&tree);
	}
	if (evaluate("Goal\n  X [impossible]\n  Y [impossible]\n", &ev, &tree) == 0) {
		ok(!ev.possible, "every branch impossible: the root is impossible");
		ok(strstr(ev.summary, "impossible") != NULL, "summary says so: %s", ev.summary);
		attack_tree_free(&tree);
	}
	if (evaluate("Goal\n  OR Deep\n    AND D\n      E [cost=1]\n      F [cost=2]\n    G [cost=4]\n",
		     &ev, &tree) == 0) {
		is_int(ev.cost, 3, "nested OR/AND evaluate bottom-up");
		attack_tree_free(&tree);
	}
	if (evaluate("Single step [cost=9]\n", &ev, &tree) == 0) {
		ok(ev.possible && ev.cost == 9, "a one-step tree is its own leaf");
		attack_tree_free(&tree);
	}
	if (evaluate("", &ev, &tree) == 0) {
		is_int(tree.count, 0, "an empty notation is no tree");
		attack_tree_free(&tree);
	}
}

static void test_unknown_costs(void)
{
	struct attack_tree tree;
	struct attack_eval ev;

	if (evaluate("Goal\n  A\n  B [cost=3]\n", &ev, &tree) == 0) {
		ok(ev.possible, "a leaf without cost is still possible");
		ok(!ev.cost_known, "but the cheapest cost is unknown: A might be cheaper than 3");
		is_int(ev.unknown_leaves, 1, "one step lacks a cost");
		ok(strstr(ev.summary, "unknown") != NULL, "summary says unknown: %s", ev.summary);
		attack_tree_free(&tree);
	}
	if (evaluate("Goal\n  A [impossible]\n  B [cost=3]\n", &ev, &tree) == 0) {
		ok(ev.cost_known && ev.cost == 3, "an impossible branch without cost does not make it unknown");
		attack_tree_free(&tree);
	}
	if (evaluate("AND Goal\n  A [cost=1]\n  B\n", &ev, &tree) == 0) {
		ok(!ev.cost_known, "an AND with an unknown child has an unknown cost, never 1");
		attack_tree_free(&tree);
	}
}

static void expect_error(const char *text, const char *want, const char *what)
{
	struct attack_tree tree;
	char err[256] = "";
	int rc = attack_tree_parse(text, &tree, err, sizeof err);

	ok(rc < 0 && strstr(err, want) != NULL, "%s", what);
	if (rc >= 0 || !strstr(err, want))
		diag("got \"%s\", want \"%s\"", err, want);
	if (rc >= 0)
		attack_tree_free(&tree);
}

static char *repeat_lines(int n, int nested)
{
	size_t len = (size_t)n * 64 + 1;
	char *text = malloc(len), *p = text;
	int i;

	for (i = 0; i < n; i++) {
		int indent = nested ? i * 2 : (i ? 2 : 0);
		p += sprintf(p, "%*sstep %d\n", indent, "", i);
	}
	return text;
}

static void test_malformed(void)
{
	char *text;

	expect_error("Goal\n\tTabbed\n", "line 2: indent with spaces", "a tab in the indentation names its line");
	expect_error("Goal\n  A [cost=-5]\n", "line 2: cost must be a non-negative integer", "a negative cost");
	expect_error("Goal\n  A [cost=12x]\n", "line 2: cost", "a cost with junk");
	expect_error("Goal\n  A [cost=99999999999999999999999]\n", "line 2:", "an overflowing cost");
	expect_error("Goal\n  A [cheap]\n", "line 2: unknown attribute \"cheap\"", "an unknown attribute");
	expect_error("Goal\n  A [cost=1\n", "line 2:", "an unclosed bracket");
	expect_error("Goal\nSecond\n", "line 2: a second top-level step", "two roots");
	expect_error("Goal\n    A\n  B\n", "line 3: the indentation matches no step above", "a dedent to no level");
	expect_error("Goal\n  AND\n", "line 2: the step has no description", "an empty step");
	text = repeat_lines(501, 0);
	expect_error(text, "line 501: more than 500 steps", "501 steps are refused");
	free(text);
	text = repeat_lines(500, 0);
	{
		struct attack_tree tree;
		char err[256];
		ok(attack_tree_parse(text, &tree, err, sizeof err) == 0 && tree.count == 500,
		   "500 steps are accepted");
		attack_tree_free(&tree);
	}
	free(text);
	text = repeat_lines(17, 1);
	expect_error(text, "line 17: depth 17 exceeds the limit of 16", "depth 17 is refused");
	free(text);
	text = repeat_lines(16, 1);
	{
		struct attack_tree tree;
		char err[256];
		ok(attack_tree_parse(text, &tree, err, sizeof err) == 0, "depth 16 is accepted");
		attack_tree_free(&tree);
	}
	free(text);
	{
		struct attack_tree tree;
		char err[256];
		ok(attack_tree_parse("Goal\n\n   \n  A\n\t\n", &tree, err, sizeof err) == 0 && tree.count == 2,
		   "blank lines are ignored");
		attack_tree_free(&tree);
	}
}

/* An attribute given twice, or contradicting another, is refused: which of
 * two costs or of impossible/possible was meant cannot be guessed. */
static void test_attribute_conflicts(void)
{
	struct attack_tree tree;
	char err[256];

	expect_error("Goal\n  A [cost=1, cost=2]\n", "line 2: cost= given twice",
		     "two costs on one step");
	expect_error("Goal\n  A [cost=1,cost=1]\n", "line 2: cost= given twice",
		     "the same cost twice is still twice");
	expect_error("Goal\n  A\n  B [impossible, possible]\n",
		     "line 3: impossible and possible contradict each other",
		     "impossible and possible together");
	expect_error("Goal [possible, equipment, impossible]\n",
		     "line 1: impossible and possible contradict each other",
		     "in either order, with others between");
	expect_error("Goal\n  A [impossible, impossible]\n", "line 2: impossible given twice",
		     "impossible twice");
	expect_error("Goal\n  A [equipment, cost=3, equipment]\n", "line 2: equipment given twice",
		     "equipment twice");
	expect_error("Goal\n  A [possible, possible]\n", "line 2: possible given twice",
		     "possible twice");
	ok(attack_tree_parse("Goal\n  A [cost=1, possible, equipment]\n  B [impossible, cost=0]\n",
			     &tree, err, sizeof err) == 0 && tree.count == 3,
	   "each attribute once is fine");
	attack_tree_free(&tree);
}

int main(void)
{
	test_example();
	test_and_or();
	test_unknown_costs();
	test_malformed();
	test_attribute_conflicts();
	return done_testing();
}
