/* SPDX-License-Identifier: MIT */
/* The register on the web, always current: with publish.dir set, every
 * committed change (the operations' listener, commands/register/change.h)
 * marks its threat; a named loop timer ("publish") gathers a burst of them
 * for PUBLISH_DELAY_MS and then rewrites what changed — the changed
 * threats' pages, the index and the feed — in a child process
 * (commands/export/site.c), so the loop is blocked only for the fork. The
 * two whole documents (threats.xml, threats.md), the costliest to write,
 * follow on a slower timer ("publish-documents", PUBLISH_DOCUMENTS_MS after
 * the first change of a quiet spell). One child at a time: what falls due
 * meanwhile goes next. */
#ifndef VIGIL_PUBLISH_H
#define VIGIL_PUBLISH_H

#include "commands/register/change.h"

struct loop;
struct vigil_config;

#define PUBLISH_DELAY_MS 200   /* a burst of changes is one publication */
#define PUBLISH_DOCUMENTS_MS 5000 /* threats.xml and threats.md at most this late */
#define PUBLISH_POLL_MS 20     /* how often a running publication is looked at */
#define PUBLISH_RETRY_MS 10000 /* after a failed publication, everything again */
#define PUBLISH_RETRY_MAX_MS 600000 /* ... doubling while it keeps failing */

struct publisher;

/* NULL when cfg has no publish.dir (nothing is ever written) or out of
 * memory (*failed set). The first publication, of every page, is armed at once. */
struct publisher *publish_new(const struct vigil_config *cfg, struct loop *loop, int *failed);
void publish_free(struct publisher *p);

/* The listener: marks change->threat for the next publication. */
void publish_changed(void *ctx, const struct change *change);

/* What the last publications cost (for the log and the benchmark). */
struct publish_stats {
	unsigned long runs;
	double last_blocked_ms;   /* the loop's share: choosing, forking */
	double max_blocked_ms;
	double last_ms;           /* the child's whole publication */
	unsigned long long last_bytes;
	unsigned long last_files;
};
const struct publish_stats *publish_stats(const struct publisher *p);

/* A room line with publish.base_url's page at its end: the threat's for a
 * line about one ("T-7 ..."), the index for a burst ("T-3…T-9: ..."). NULL
 * without publish.base_url (or out of memory): say the line as it is. */
char *publish_room_line(const struct vigil_config *cfg, const char *line);

#endif
