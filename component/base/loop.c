/* SPDX-License-Identifier: MIT */
/* Named timers on an injectable clock: see loop.h. A handful are armed at
 * any time (connection, room, announcements, sweeps), so a small array
 * scanned in full is simpler and no slower than a heap. */
#include "component/base/loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct timer {
	const char *name;   /* NULL: the slot is free */
	long long due;      /* loop clock, ms */
	loop_timer_fn fn;
	void *arg;
	unsigned long long armed; /* when it was armed, in arming order */
};

struct loop {
	loop_clock_fn now;
	void *clock_ctx;
	struct timer *timers;
	size_t count, cap;
	unsigned long long arming; /* counts loop_timer_set calls */
};

static long long monotonic_ms(void *unused)
{
	struct timespec ts;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(loop_clock_fn now, void *clock_ctx)
{
	struct loop *loop = calloc(1, sizeof *loop);

	if (!loop)
		return NULL;
	loop->now = now ? now : monotonic_ms;
	loop->clock_ctx = clock_ctx;
	return loop;
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	free(loop->timers);
	free(loop);
}

long long loop_now(const struct loop *loop)
{
	return loop->now(loop->clock_ctx);
}

long long loop_wall_seconds(void)
{
	const char *path = getenv("VIGIL_TEST_CLOCK");
	long long offset = 0;
	FILE *f;

	if (path && *path && (f = fopen(path, "r"))) {
		/* within ten years either way: time(NULL) + offset never overflows */
		if (fscanf(f, "%lld", &offset) != 1 || offset > 315576000LL || offset < -315576000LL)
			offset = 0;
		fclose(f);
	}
	return (long long)time(NULL) + offset;
}

static struct timer *find(const struct loop *loop, const char *name)
{
	size_t i;

	for (i = 0; i < loop->count; i++)
		if (loop->timers[i].name && strcmp(loop->timers[i].name, name) == 0)
			return &loop->timers[i];
	return NULL;
}

static struct timer *free_slot(struct loop *loop)
{
	struct timer *grown;
	size_t i;

	for (i = 0; i < loop->count; i++)
		if (!loop->timers[i].name)
			return &loop->timers[i];
	if (loop->count == loop->cap) {
		size_t cap = loop->cap ? loop->cap * 2 : 8;
		grown = realloc(loop->timers, cap * sizeof *grown);
		if (!grown)
			return NULL;
		loop->timers = grown;
		loop->cap = cap;
	}
	return &loop->timers[loop->count++];
}

int loop_timer_set(struct loop *loop, const char *name, long long ms, loop_timer_fn fn, void *arg)
{
	struct timer *t = find(loop, name);

	if (!t && !(t = free_slot(loop)))
		return -1;
	t->name = name;
	t->due = loop_now(loop) + (ms > 0 ? ms : 0);
	t->fn = fn;
	t->arg = arg;
	t->armed = ++loop->arming;
	return 0;
}

int loop_timer_soon(struct loop *loop, const char *name, long long ms, loop_timer_fn fn, void *arg)
{
	struct timer *t = find(loop, name);

	if (t && t->due <= loop_now(loop) + (ms > 0 ? ms : 0))
		return 0;
	return loop_timer_set(loop, name, ms, fn, arg);
}

void loop_timer_cancel(struct loop *loop, const char *name)
{
	struct timer *t = find(loop, name);

	if (t)
		t->name = NULL;
}

int loop_timer_armed(const struct loop *loop, const char *name)
{
	return find(loop, name) != NULL;
}

int loop_run_due(struct loop *loop)
{
	long long now = loop_now(loop);
	unsigned long long before = loop->arming;
	int ran = 0;

	/* earliest first; a callback may arm or cancel timers (and grow the
	 * array), so each is taken out of its slot before it is called and the
	 * next is looked for afresh; one armed during this call waits for the
	 * next call, so a timer re-armed at 0 ms cannot spin here */
	for (;;) {
		struct timer *next = NULL, t;
		size_t i;

		for (i = 0; i < loop->count; i++) {
			struct timer *c = &loop->timers[i];
			if (c->name && c->due <= now && c->armed <= before &&
			    (!next || c->due < next->due))
				next = c;
		}
		if (!next)
			return ran;
		t = *next;
		next->name = NULL;
		t.fn(t.arg);
		ran++;
	}
}

long long loop_next_ms(const struct loop *loop, long long idle_ms)
{
	long long now = loop_now(loop), next = idle_ms;
	size_t i;

	for (i = 0; i < loop->count; i++) {
		const struct timer *t = &loop->timers[i];
		if (t->name && t->due - now < next)
			next = t->due - now;
	}
	return next > 0 ? next : 0;
}
