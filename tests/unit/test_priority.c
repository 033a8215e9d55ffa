/* SPDX-License-Identifier: MIT */
/* Priority (PROTOCOL.md §4): all ten outcomes and the names. */
#include "commands/register/priority.h"
#include "tests/unit/tap.h"

int main(void)
{
	static const struct {
		const char *likelihood, *damage, *want;
	} cases[] = {
		{ "low", "low", "note" },        { "low", "medium", "low" },
		{ "low", "high", "medium" },     { "medium", "low", "low" },
		{ "medium", "medium", "medium" }, { "medium", "high", "high" },
		{ "high", "low", "medium" },     { "high", "medium", "high" },
		{ "high", "high", "critical" },  { "", "high", "unassessed" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_str(priority_name(priority_rank(cases[i].likelihood, cases[i].damage)), cases[i].want,
		       "likelihood %s × damage %s = %s", *cases[i].likelihood ? cases[i].likelihood : "(none)",
		       cases[i].damage, cases[i].want);
	is_str(priority_name(priority_rank("high", NULL)), "unassessed", "damage missing = unassessed");
	is_str(priority_name(priority_rank("severe", "high")), "unassessed", "an unknown level is not assessed");
	is_str(priority_name(priority_rank("High", "high")), "unassessed", "levels are exact, lower case");
	is_int(priority_rank_from_name("critical"), PRIORITY_CRITICAL, "critical is the highest rank");
	is_int(priority_rank_from_name("note"), PRIORITY_NOTE, "note ranks above unassessed");
	is_int(priority_rank_from_name("bogus"), -1, "unknown names are -1");
	ok(priority_name(6) == NULL && priority_name(-1) == NULL, "out-of-range ranks have no name");
	ok(PRIORITY_CRITICAL > PRIORITY_HIGH && PRIORITY_HIGH > PRIORITY_MEDIUM &&
	   PRIORITY_MEDIUM > PRIORITY_LOW && PRIORITY_LOW > PRIORITY_NOTE &&
	   PRIORITY_NOTE > PRIORITY_UNASSESSED, "order: critical, high, medium, low, note, unassessed");
	return done_testing();
}
