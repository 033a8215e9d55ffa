/* SPDX-License-Identifier: MIT */
/* The group's assessment (commands/register/consensus.c): the median with
 * ties to the higher, the quorum, disagreement, and the words. */
#include <string.h>

#include "commands/register/consensus.h"
#include "commands/register/priority.h"
#include "tests/unit/tap.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

static void test_median(void)
{
	int one[] = { 1 }, three[] = { 2, 0, 1 }, two[] = { 0, 2 }, four[] = { 0, 0, 1, 2 };
	int even_low[] = { 0, 0, 0, 1 };

	is_int(consensus_median(one, 0), -1, "no values: no median");
	is_int(consensus_median(one, 1), 1, "one value is its own median");
	is_int(consensus_median(three, 3), 1, "three values: the middle one");
	is_int(consensus_median(two, 2), 2, "two values: the tie goes to the higher");
	is_int(consensus_median(four, 4), 1, "four values: the higher of the two middle ones");
	is_int(consensus_median(even_low, 4), 0, "four values: the two middle ones alike");
}

static void test_compute(void)
{
	const struct consensus_vote three[] = {
		{ "high", "high" }, { "high", "medium" }, { "low", "medium" },
	};
	const struct consensus_vote split[] = { { "low", "low" }, { "high", "low" } };
	const struct consensus_vote withdrawn[] = { { "high", "high" }, { "", "" }, { "medium", NULL } };
	struct consensus c;
	char words[256];

	consensus_compute(three, N(three), 1, &c);
	ok(c.reached, "three assessments reach a quorum of 1");
	is_str(c.likelihood, "high", "likelihood: median of high, high, low");
	is_str(c.damage, "medium", "damage: median of high, medium, medium");
	is_int(c.priority_rank, PRIORITY_HIGH, "priority follows the group: high × medium = high");
	is_int((int)c.agreeing, 1, "one assessor's own priority is the group's (high × medium)");
	ok(c.disagreement, "low and high are two levels apart: flagged");
	consensus_describe(&c, words, sizeof words);
	is_str(words, "1 of 3 assessors: high, assessors disagree (two levels apart)", "in words");

	consensus_compute(three, N(three), 4, &c);
	ok(!c.reached, "below a quorum of 4: no priority");
	is_str(c.likelihood, "", "no likelihood below the quorum");
	is_int(c.priority_rank, PRIORITY_UNASSESSED, "unassessed below the quorum");
	consensus_describe(&c, words, sizeof words);
	is_str(words, "3 of 4 assessments, assessors disagree (two levels apart)", "counted in words");

	consensus_compute(split, N(split), 1, &c);
	is_str(c.likelihood, "high", "two assessors, low and high: the tie goes to high");
	is_int(c.priority_rank, PRIORITY_MEDIUM, "high × low = medium");
	ok(c.disagreement, "and they are flagged as disagreeing");

	consensus_compute(withdrawn, N(withdrawn), 2, &c);
	is_int((int)c.assessments, 1, "unassessed or half-given assessments are not counted");
	ok(!c.reached, "so a quorum of 2 is not reached");
	consensus_describe(&c, words, sizeof words);
	is_str(words, "1 of 2 assessments", "\"1 of 2 assessments\"");

	consensus_compute(withdrawn, 1, 1, &c);
	ok(c.reached && !c.disagreement, "one assessor: today's behaviour, no disagreement");
	is_int(c.priority_rank, PRIORITY_CRITICAL, "high × high = critical");
	consensus_describe(&c, words, sizeof words);
	is_str(words, "1 of 1 assessor: critical", "singular in words");

	consensus_compute(NULL, 0, 1, &c);
	ok(!c.reached && c.assessments == 0, "no assessment: nothing reached");
	is_int(consensus_level("Medium"), -1, "levels are exact, lower case");
}

int main(void)
{
	test_median();
	test_compute();
	return done_testing();
}
