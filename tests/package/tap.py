# SPDX-License-Identifier: MIT
"""TAP for the package's checks (check_unit.py, check_man.py): collect the
points with check() and skip(), then report() prints them and exits."""
import sys

results = []


def check(ok, what, detail=()):
    results.append((bool(ok), what, list(detail)))


def skip(what, why):
    results.append((None, what, [why]))


def report():
    print("1..%d" % len(results))
    for i, (ok, what, detail) in enumerate(results, 1):
        if ok is None:
            print("ok %d - %s # SKIP %s" % (i, what, detail[0]))
            continue
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
        for line in detail:
            print("#   " + line)
    sys.exit(0 if all(ok is not False for ok, _, _ in results) else 1)
