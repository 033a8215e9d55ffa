/* SPDX-License-Identifier: MIT */
/* The event loop's timers, in one place (redis's ae is the model): each
 * timer has a name, fires once when due, and is armed again by whoever
 * wants it again. The clock is a function, so tests run timers on a fake
 * clock without sleeping. libstrophe's own loop only waits for input, for
 * as long as loop_next_ms() says. */
#ifndef VIGIL_LOOP_H
#define VIGIL_LOOP_H

/* Milliseconds on a monotonic clock. */
typedef long long (*loop_clock_fn)(void *clock_ctx);
typedef void (*loop_timer_fn)(void *arg);

struct loop;

/* now NULL: CLOCK_MONOTONIC. NULL when out of memory. */
struct loop *loop_new(loop_clock_fn now, void *clock_ctx);
void loop_free(struct loop *loop);

long long loop_now(const struct loop *loop);

/* The wall clock in seconds, which ad-hoc sessions and chat dialogues
 * expire on: time(NULL), plus, for tests only, the whole number of seconds
 * written in the file that the environment variable VIGIL_TEST_CLOCK names
 * (read at each call, and only when the variable is set; a missing or
 * unreadable file, or an offset beyond ten years either way, adds nothing). The integration tests move it forward
 * instead of sleeping (tests/integration/harness.py: Vigil.advance_clock).
 * The loop's timers keep the monotonic clock: moving them would make
 * pings time out. */
long long loop_wall_seconds(void);

/* Arms the timer `name` (a string constant: it is kept, not copied) to run
 * fn(arg) in `ms` milliseconds (0: on the next turn), replacing the timer of
 * that name if one is armed. 0, or -1 when out of memory. */
int loop_timer_set(struct loop *loop, const char *name, long long ms, loop_timer_fn fn, void *arg);

/* Arms it only when it is not armed already, or when it would fire later
 * than `ms` from now: the sooner of the two wins. */
int loop_timer_soon(struct loop *loop, const char *name, long long ms, loop_timer_fn fn, void *arg);

void loop_timer_cancel(struct loop *loop, const char *name);
int loop_timer_armed(const struct loop *loop, const char *name);

/* Runs every timer due now (each once; one armed again by its own callback
 * waits for the next call). Returns how many ran. */
int loop_run_due(struct loop *loop);

/* Milliseconds until the next timer is due (0 when one is due now), or
 * idle_ms when none is sooner. */
long long loop_next_ms(const struct loop *loop, long long idle_ms);

#endif
