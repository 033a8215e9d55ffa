/* SPDX-License-Identifier: MIT */
/* Tiny TAP (Test Anything Protocol) macros for vigil's unit tests.
 * Each test program prints "ok N - name" / "not ok N - name" and a plan at the
 * end; automake's tap-driver.sh counts them. */
#ifndef VIGIL_TAP_H
#define VIGIL_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

#define ok(cond, ...) do { \
	int ok_c_ = (cond) ? 1 : 0; \
	tap_count++; \
	if (!ok_c_) tap_failed++; \
	printf("%s %d - ", ok_c_ ? "ok" : "not ok", tap_count); \
	printf(__VA_ARGS__); \
	printf("\n"); \
	if (!ok_c_) printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)

#define is_int(got, want, ...) do { \
	long long is_g_ = (long long)(got), is_w_ = (long long)(want); \
	ok(is_g_ == is_w_, __VA_ARGS__); \
	if (is_g_ != is_w_) printf("#   got %lld, want %lld\n", is_g_, is_w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *is_g_ = (got), *is_w_ = (want); \
	int is_same_ = (is_g_ && is_w_) ? strcmp(is_g_, is_w_) == 0 : is_g_ == is_w_; \
	ok(is_same_, __VA_ARGS__); \
	if (!is_same_) printf("#   got \"%s\", want \"%s\"\n", \
			      is_g_ ? is_g_ : "(null)", is_w_ ? is_w_ : "(null)"); \
} while (0)

#define diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* Prints the plan; use as `return done_testing();` from main. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
