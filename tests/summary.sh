#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints the whole suite's result as one line, "N passed, N failed", from the
# automake .trs files (one :test-result: line per TAP test point) found under
# the given build directories. Exits 1 when something failed or nothing ran.
set -u
[ $# -gt 0 ] || set -- .
passed=0 failed=0 skipped=0
for trs in $(find "$@" -name '*.trs' 2>/dev/null); do
	p=$(grep -c '^:test-result: \(PASS\|XFAIL\)' "$trs")
	f=$(grep -c '^:test-result: \(FAIL\|XPASS\|ERROR\)' "$trs")
	s=$(grep -c '^:test-result: SKIP' "$trs")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
