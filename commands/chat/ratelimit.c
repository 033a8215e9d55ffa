/* SPDX-License-Identifier: MIT */
/* Token buckets per key: see ratelimit.h. */
#include "commands/chat/ratelimit.h"

#include <stdlib.h>
#include <string.h>

/* Buckets kept before idle full ones are forgotten. */
#define MAX_BUCKETS 4096

struct bucket {
	char *key;
	double tokens;
	double last;
	int noticed;     /* refused since the bucket was last usable */
	struct bucket *next;
};

struct ratelimit {
	double per_second;
	double burst;
	struct bucket *buckets;
	size_t count;
};

struct ratelimit *ratelimit_new(int per_minute, int burst)
{
	struct ratelimit *rl = calloc(1, sizeof *rl);

	if (!rl)
		return NULL;
	rl->per_second = per_minute / 60.0;
	rl->burst = burst > 0 ? burst : 1;
	return rl;
}

static void bucket_free(struct bucket *b)
{
	free(b->key);
	free(b);
}

void ratelimit_free(struct ratelimit *rl)
{
	struct bucket *b, *next;

	if (!rl)
		return;
	for (b = rl->buckets; b; b = next) {
		next = b->next;
		bucket_free(b);
	}
	free(rl);
}

static void refill(struct ratelimit *rl, struct bucket *b, double now)
{
	if (now > b->last) {
		b->tokens += (now - b->last) * rl->per_second;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
		b->last = now;
	}
}

/* Forgets buckets that have refilled completely: they hold no state. */
static void prune(struct ratelimit *rl, double now)
{
	struct bucket **p = &rl->buckets, *b;

	while ((b = *p)) {
		refill(rl, b, now);
		if (b->tokens >= rl->burst) {
			*p = b->next;
			bucket_free(b);
			rl->count--;
		} else {
			p = &b->next;
		}
	}
}

enum rate_verdict ratelimit_check(struct ratelimit *rl, const char *key, double now)
{
	struct bucket *b;

	for (b = rl->buckets; b && strcmp(b->key, key) != 0; b = b->next)
		;
	if (!b) {
		if (rl->count >= MAX_BUCKETS)
			prune(rl, now);
		b = calloc(1, sizeof *b);
		if (!b || !(b->key = strdup(key))) {
			free(b);
			return RATE_DROP; /* out of memory: refuse rather than crash */
		}
		b->tokens = rl->burst;
		b->last = now;
		b->next = rl->buckets;
		rl->buckets = b;
		rl->count++;
	}
	refill(rl, b, now);
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		b->noticed = 0;
		return RATE_OK;
	}
	if (b->noticed)
		return RATE_DROP;
	b->noticed = 1;
	return RATE_NOTICE;
}
