/* SPDX-License-Identifier: MIT */
/* The room lines: see announcement.h. */
#include "commands/register/announcement.h"

#include <string.h>

#include "commands/register/ops.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "commands/text/text.h"

static const char *priority_or_unassessed(const char *p)
{
	return p && *p ? p : "unassessed";
}

int announce_text_says(enum change_kind kind, const struct threat *t, const char *old_priority)
{
	switch (kind) {
	case CHANGE_FILED:
	case CHANGE_RETIRED:
		return 1;
	case CHANGE_COMMENTED:   /* the room saw the comment, or it came in private */
	case CHANGE_UNCOMMENTED:
		return 0;
	case CHANGE_ASSESSED:
	case CHANGE_EDITED:
		return strcmp(priority_or_unassessed(old_priority), priority_or_unassessed(t->priority)) != 0;
	case CHANGE_STATE:
		break;
	}
	return 0;
}

void announce_text_one(enum change_kind kind, const struct threat *t, const char *old_priority,
		       const char *by, char *buf, size_t len)
{
	const char *likelihood = threat_get(t, THREAT_LIKELIHOOD);
	const char *damage = threat_get(t, THREAT_DAMAGE);
	char tid[32];

	threat_id_format(t->id, tid, sizeof tid);
	switch (kind) {
	case CHANGE_FILED:
		text_format(buf, len, "%s \"%s\" filed by %s: priority %s", tid,
			    threat_get(t, THREAT_NAME), by, priority_or_unassessed(t->priority));
		return;
	case CHANGE_ASSESSED:
	case CHANGE_EDITED: /* said only when the priority moved: who moved it, and how */
		text_format(buf, len, "%s \"%s\": priority %s → %s (likelihood %s, damage %s), %s by %s",
			    tid, threat_get(t, THREAT_NAME), priority_or_unassessed(old_priority),
			    priority_or_unassessed(t->priority),
			    *likelihood ? likelihood : "not assessed", *damage ? damage : "not assessed",
			    kind == CHANGE_EDITED ? "edited" : "assessed", by);
		return;
	case CHANGE_RETIRED:
		text_format(buf, len, "%s \"%s\" retired by %s", tid, threat_get(t, THREAT_NAME), by);
		return;
	case CHANGE_COMMENTED:
		text_format(buf, len, "%s \"%s\": comment by %s", tid, threat_get(t, THREAT_NAME), by);
		return;
	case CHANGE_UNCOMMENTED:
		text_format(buf, len, "%s \"%s\": comment deleted by %s", tid,
			    threat_get(t, THREAT_NAME), by);
		return;
	case CHANGE_STATE:
		break;
	}
	text_format(buf, len, "%s \"%s\" changed", tid, threat_get(t, THREAT_NAME));
}

void announce_text_assessed(const struct threat *t, const char *old_priority, const char *stance,
			    const char *by, char *buf, size_t len)
{
	const char *likelihood = threat_get(t, THREAT_LIKELIHOOD);
	const char *damage = threat_get(t, THREAT_DAMAGE);
	const char *from = priority_or_unassessed(old_priority), *to = priority_or_unassessed(t->priority);
	char tid[32];

	threat_id_format(t->id, tid, sizeof tid);
	if (strcmp(from, to) != 0)
		text_format(buf, len, "%s \"%s\": %s; priority %s → %s (likelihood %s, damage %s), "
			    "assessed by %s", tid, threat_get(t, THREAT_NAME), stance, from, to,
			    *likelihood ? likelihood : "not assessed", *damage ? damage : "not assessed", by);
	else
		text_format(buf, len, "%s \"%s\": %s; priority stays %s, assessed by %s", tid,
			    threat_get(t, THREAT_NAME), stance, to, by);
}

static const char *verb(enum change_kind kind)
{
	switch (kind) {
	case CHANGE_FILED: return "filed";
	case CHANGE_ASSESSED: return "assessed";
	case CHANGE_EDITED: return "edited";
	case CHANGE_RETIRED: return "retired";
	case CHANGE_COMMENTED: return "commented on";
	case CHANGE_UNCOMMENTED: return "had a comment deleted";
	case CHANGE_STATE: break;
	}
	return "changed";
}

void announce_text_burst(enum change_kind kind, const struct threat *const *threats, size_t n,
			 const char *by, char *buf, size_t len)
{
	char first[32], last[32];
	size_t i, critical = 0, high = 0;

	if (!n) {
		text_format(buf, len, "%s", "");
		return;
	}
	for (i = 0; i < n; i++) {
		const char *p = priority_or_unassessed(threats[i]->priority);
		critical += strcmp(p, "critical") == 0;
		high += strcmp(p, "high") == 0;
	}
	threat_id_format(threats[0]->id, first, sizeof first);
	threat_id_format(threats[n - 1]->id, last, sizeof last);
	if (kind == CHANGE_RETIRED || (!critical && !high))
		text_format(buf, len, "%s…%s: %zu threats %s by %s", first, last, n, verb(kind), by);
	else if (critical && high)
		text_format(buf, len, "%s…%s: %zu threats %s by %s; %zu critical, %zu high", first, last,
			    n, verb(kind), by, critical, high);
	else
		text_format(buf, len, "%s…%s: %zu threats %s by %s; %zu %s", first, last, n, verb(kind),
			    by, critical ? critical : high, critical ? "critical" : "high");
}

void announce_text_digest(const char *verb, long long first, long long last, size_t n,
			  const size_t by_rank[6], const char *by, char *buf, size_t len)
{
	char from[32], to[32], counts[160] = "";
	size_t used = 0;
	int rank;

	threat_id_format(first, from, sizeof from);
	threat_id_format(last, to, sizeof to);
	for (rank = PRIORITY_CRITICAL; rank >= PRIORITY_UNASSESSED; rank--) {
		if (!by_rank[rank])
			continue;
		text_format(counts + used, sizeof counts - used, "%s%zu %s", used ? ", " : "",
			    by_rank[rank], priority_name(rank));
		used = strlen(counts);
	}
	if (n == 1)
		text_format(buf, len, "%s: 1 threat %s by %s — %s", from, verb, by, counts);
	else
		text_format(buf, len, "%s…%s: %zu threats %s by %s — %s", from, to, n, verb, by, counts);
}
