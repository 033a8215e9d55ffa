/* SPDX-License-Identifier: MIT */
/* component/base/loop.c: named timers on a fake clock — order, re-arming,
 * cancelling, "soon", and how long the loop may wait; the wall clock and
 * the tests' offset to it (VIGIL_TEST_CLOCK). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "component/base/loop.h"
#include "tests/unit/tap.h"

static long long fake_now;

static long long fake_clock(void *unused)
{
	(void)unused;
	return fake_now;
}

static char fired[64];
static struct loop *the_loop;

static void record(void *arg)
{
	strncat(fired, arg, sizeof fired - strlen(fired) - 1);
}

static void rearm_self(void *arg)
{
	record(arg);
	loop_timer_set(the_loop, "again", 0, rearm_self, arg);
}

static void arm_other(void *arg)
{
	record(arg);
	loop_timer_set(the_loop, "late", 0, record, "L");
}

/* time(NULL) unless VIGIL_TEST_CLOCK names a file with an offset in it */
static void wall_clock(void)
{
	char path[] = "/tmp/vigil-test-clock-XXXXXX";
	long long before, got;
	int fd = mkstemp(path);
	FILE *f;

	unsetenv("VIGIL_TEST_CLOCK");
	before = time(NULL);
	got = loop_wall_seconds();
	ok(got >= before && got <= time(NULL), "unset: the wall clock is time(NULL)");
	ok(fd >= 0 && (f = fdopen(fd, "w")) && fprintf(f, "3600\n") > 0 && fclose(f) == 0,
	   "an offset file");
	setenv("VIGIL_TEST_CLOCK", path, 1);
	before = time(NULL);
	got = loop_wall_seconds();
	ok(got >= before + 3600 && got <= time(NULL) + 3600, "set: an hour later, as the file says");
	f = fopen(path, "w");
	ok(f && fprintf(f, "soon") > 0 && fclose(f) == 0, "the file rewritten without a number");
	got = loop_wall_seconds();
	ok(got >= before && got <= time(NULL), "no number in it: no offset");
	f = fopen(path, "w");
	ok(f && fprintf(f, "9223372036854775807\n") > 0 && fclose(f) == 0,
	   "the file rewritten with the largest offset");
	got = loop_wall_seconds();
	ok(got >= before && got <= time(NULL), "beyond ten years: no offset, no overflow");
	unlink(path);
	got = loop_wall_seconds();
	ok(got >= before && got <= time(NULL), "the file gone: no offset");
	setenv("VIGIL_TEST_CLOCK", "", 1);
	got = loop_wall_seconds();
	ok(got >= before && got <= time(NULL), "set but empty: no offset");
	unsetenv("VIGIL_TEST_CLOCK");
}

int main(void)
{
	struct loop *loop = loop_new(fake_clock, NULL);

	the_loop = loop;
	ok(loop != NULL, "a loop on a fake clock");
	is_int(loop_next_ms(loop, 100), 100, "no timer: the loop waits the idle time");
	is_int(loop_run_due(loop), 0, "no timer: nothing runs");

	loop_timer_set(loop, "b", 200, record, "b");
	loop_timer_set(loop, "a", 100, record, "a");
	loop_timer_set(loop, "c", 300, record, "c");
	is_int(loop_next_ms(loop, 1000), 100, "waits until the first is due");
	is_int(loop_next_ms(loop, 50), 50, "never longer than the idle time");
	fake_now = 99;
	is_int(loop_run_due(loop), 0, "nothing before its time");
	fake_now = 250;
	is_int(loop_run_due(loop), 2, "two due");
	is_str(fired, "ab", "earliest first, whatever the order they were armed in");
	ok(!loop_timer_armed(loop, "a") && loop_timer_armed(loop, "c"), "a fired timer is disarmed");
	is_int(loop_next_ms(loop, 1000), 50, "the next in 50 ms");

	fired[0] = '\0';
	loop_timer_set(loop, "c", 1000, record, "C");
	fake_now = 400;
	is_int(loop_run_due(loop), 0, "set again: the old due time is replaced");
	fake_now = 1250;
	loop_run_due(loop);
	is_str(fired, "C", "... and its new callback runs");

	fired[0] = '\0';
	loop_timer_set(loop, "x", 10, record, "x");
	loop_timer_cancel(loop, "x");
	ok(!loop_timer_armed(loop, "x"), "cancelled");
	fake_now += 20;
	is_int(loop_run_due(loop), 0, "a cancelled timer does not fire");
	loop_timer_cancel(loop, "never-armed");
	ok(1, "cancelling a timer that is not armed is harmless");

	loop_timer_set(loop, "s", 500, record, "s");
	loop_timer_soon(loop, "s", 100, record, "s");
	is_int(loop_next_ms(loop, 10000), 100, "soon: the sooner of the two wins");
	loop_timer_soon(loop, "s", 300, record, "s");
	is_int(loop_next_ms(loop, 10000), 100, "soon: a later one changes nothing");
	loop_timer_soon(loop, "t", 700, record, "t");
	ok(loop_timer_armed(loop, "t"), "soon arms a timer that is not armed");
	loop_timer_cancel(loop, "s");
	loop_timer_cancel(loop, "t");

	fired[0] = '\0';
	loop_timer_set(loop, "again", 0, rearm_self, "r");
	is_int(loop_next_ms(loop, 1000), 0, "due now: the loop does not wait");
	is_int(loop_run_due(loop), 1, "a timer armed again by its own callback runs once a call");
	is_int(loop_run_due(loop), 1, "... and again on the next call");
	is_str(fired, "rr", "twice in two calls");
	loop_timer_cancel(loop, "again");

	fired[0] = '\0';
	loop_timer_set(loop, "first", 0, arm_other, "F");
	is_int(loop_run_due(loop), 1, "a timer armed by a callback waits for the next call");
	is_int(loop_run_due(loop), 1, "... where it runs");
	is_str(fired, "FL", "in that order");

	{
		static const char *const names[] = { "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
						     "t8", "t9", "t10", "t11" };
		size_t i;
		fired[0] = '\0';
		for (i = 0; i < sizeof names / sizeof *names; i++)
			loop_timer_set(loop, names[i], (long long)i, record, ".");
		fake_now += 100;
		is_int(loop_run_due(loop), 12, "more timers than the first allocation");
	}
	loop_free(loop);
	loop_free(NULL);
	wall_clock();
	return done_testing();
}
