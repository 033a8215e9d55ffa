/* SPDX-License-Identifier: MIT */
/* Per-JID token buckets: `rate` requests a minute with a burst of `burst`.
 * The first refusal says so once; later ones are silent until the bucket
 * refills, so a flood gets one notice, not one per message. */
#ifndef VIGIL_RATELIMIT_H
#define VIGIL_RATELIMIT_H

enum rate_verdict { RATE_OK, RATE_NOTICE, RATE_DROP };

struct ratelimit;

struct ratelimit *ratelimit_new(int per_minute, int burst);
void ratelimit_free(struct ratelimit *rl);

/* Takes one token for key at time now (seconds, monotonic). */
enum rate_verdict ratelimit_check(struct ratelimit *rl, const char *key, double now);

#endif
