/* SPDX-License-Identifier: MIT */
/* Chat plumbing: reply splitting (commands/text/text.c), rate limits
 * (commands/chat/ratelimit.c) and the attack-tree outline (commands/chat/render.c). */
#include <stdlib.h>
#include <string.h>

#include "commands/chat/render.h"
#include "commands/chat/ratelimit.h"
#include "commands/text/text.h"
#include "tests/unit/tap.h"

struct parts {
	char *all[64];
	int n;
};

static void collect(void *ctx, const char *part)
{
	struct parts *p = ctx;
	if (p->n < 64)
		p->all[p->n++] = strdup(part);
}

static void free_parts(struct parts *p)
{
	while (p->n)
		free(p->all[--p->n]);
}

static void test_split(void)
{
	struct parts p = { { 0 }, 0 };
	int i, within = 1;

	text_split("short", 100, 8, collect, &p);
	ok(p.n == 1 && strcmp(p.all[0], "short") == 0, "a short text is one part");
	free_parts(&p);
	text_split("line one\nline two\nline three\n", 18, 8, collect, &p);
	is_int(p.n, 2, "split at line boundaries below the limit");
	is_str(p.all[0], "line one\nline two", "the first part ends at a line break");
	is_str(p.all[1], "line three", "the rest follows");
	free_parts(&p);
	/* one long line of 4-byte characters: cut between characters, never inside */
	{
		char *s = malloc(4 * 50 + 1);
		for (i = 0; i < 50; i++)
			memcpy(s + 4 * i, "\xf0\x9f\x94\x92", 4);
		s[200] = '\0';
		text_split(s, 30, 64, collect, &p);
		for (i = 0; i < p.n; i++)
			within = within && strlen(p.all[i]) <= 30 && strlen(p.all[i]) % 4 == 0;
		ok(p.n == 8 && within, "a line longer than the limit is cut on UTF-8 boundaries (%d parts)", p.n);
		free_parts(&p);
		is_int(text_split(s, 30, 3, collect, &p), 1, "at most max_parts parts: the rest is reported left");
		is_int(p.n, 3, "three parts were sent");
		free_parts(&p);
		free(s);
	}
}

static void test_text(void)
{
	struct text t = { 0 };
	char *s;

	s = text_take(&t);
	is_str(s, "", "an empty text is \"\"");
	free(s);
	text_add(&t, "%s-%d", "a", 1);
	text_put(&t, " and more");
	s = text_take(&t);
	is_str(s, "a-1 and more", "formatted and plain pieces append");
	free(s);
}

static void test_ratelimit(void)
{
	struct ratelimit *rl = ratelimit_new(60, 3);
	int ok_count = 0, i;

	for (i = 0; i < 3; i++)
		ok_count += ratelimit_check(rl, "a@x", 100.0) == RATE_OK;
	is_int(ok_count, 3, "a burst of 3 passes");
	is_int(ratelimit_check(rl, "a@x", 100.0), RATE_NOTICE, "the 4th gets one notice");
	is_int(ratelimit_check(rl, "a@x", 100.1), RATE_DROP, "the 5th is dropped silently");
	is_int(ratelimit_check(rl, "b@x", 100.1), RATE_OK, "another JID has its own bucket");
	is_int(ratelimit_check(rl, "a@x", 101.2), RATE_OK, "one token a second comes back");
	is_int(ratelimit_check(rl, "a@x", 101.3), RATE_NOTICE, "and a new flood gets a new notice");
	ratelimit_free(rl);
}

static void test_outline(void)
{
	struct text t = { 0 };
	char *s;

	render_attack_tree(&t, "Goal\n  AND Both\n    A [cost=5]\n    B [cost=7]\n  C [cost=20, equipment]\n");
	s = text_take(&t);
	ok(s && strstr(s, "  ★ OR Goal (cheapest 12)\n"), "the root: OR, marked, cheapest cost");
	ok(s && strstr(s, "    ★ AND Both (cheapest 12)\n"), "AND children indent deeper");
	ok(s && strstr(s, "      ★ A [cost 5]\n"), "a leaf of the cheapest attack is starred");
	ok(s && strstr(s, "    C [cost 20, equipment]\n"), "other leaves are plain, with attributes");
	ok(s && strstr(s, "Evaluation: possible; the cheapest attack costs 12: A, B"), "the evaluation line");
	free(s);
	render_attack_tree(&t, "Goal\n\tbad\n");
	s = text_take(&t);
	ok(s && strstr(s, "not a valid attack tree: line 2"), "a broken tree says why");
	free(s);
}

int main(void)
{
	test_split();
	test_text();
	test_ratelimit();
	test_outline();
	return done_testing();
}
