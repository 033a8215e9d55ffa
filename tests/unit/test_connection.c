/* SPDX-License-Identifier: MIT */
/* The connection's pure part (component/connection.c): reconnection backoff,
 * capped and exponential, with jitter over the upper half. */
#include <limits.h>

#include "component/connection.h"
#include "tests/unit/tap.h"

int main(void)
{
	unsigned long lo, hi;
	int attempt, r;

	is_int(connection_backoff_ms(0, 60, 0), 250, "first retry: half of 500 ms at the least");
	is_int(connection_backoff_ms(0, 60, 250), 500, "first retry: 500 ms at the most");
	is_int(connection_backoff_ms(3, 60, 0), 2000, "doubles each attempt (4000 ms, lower half)");
	is_int(connection_backoff_ms(3, 60, 2000), 4000, "doubles each attempt (4000 ms, upper end)");
	for (attempt = 0, hi = 0; attempt < 40; attempt++) {
		unsigned long d = connection_backoff_ms(attempt, 60, INT_MAX);
		if (d > hi)
			hi = d;
	}
	ok(hi <= 60000, "never above reconnect_max_delay, however many attempts (%lu ms)", hi);
	is_int(connection_backoff_ms(1000, 60, 0), 30000, "after many attempts: between 30 s ...");
	is_int(connection_backoff_ms(1000, 60, 30000), 60000, "... and 60 s");
	lo = ULONG_MAX, hi = 0;
	for (r = 0; r < 20000; r++) {
		unsigned long d = connection_backoff_ms(5, 60, r);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	ok(lo == 8000 && hi == 16000, "jitter spreads over [delay/2, delay]: %lu..%lu ms", lo, hi);
	is_int(connection_backoff_ms(2, 0, 0), 500, "a cap of 0 is taken as 1 s");
	return done_testing();
}
