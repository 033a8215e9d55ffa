#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""doc/RESULTS.md is what `make results` makes of the committed runs (TAP):

  1. every tests/{bench,chaos,fuzz}/results/*.json has the envelope
     (tests/results/envelope.py): a date, the machine and the commit;
  2. render.py, run again on them, gives doc/RESULTS.md byte for byte (a
     run added without `make results`, or the page edited by hand, fails
     here, with the difference).
Run by `make check` (VIGIL_SRCDIR) or by hand:
    python3 tests/results/check_results.py SRCDIR
"""
import difflib
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import render  # noqa: E402

src = os.environ.get("VIGIL_SRCDIR") or (sys.argv[1] if len(sys.argv) > 1 else ".")
PAGE = os.path.join(src, "doc", "RESULTS.md")
results = []


def check(ok, what, detail=()):
    results.append((ok, what, list(detail)))


def envelopes():
    bad = []
    paths = sorted(glob.glob(os.path.join(src, "tests", "*", "results", "*.json")))
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                run = json.load(f)
            if not (run.get("date") and "commit" in run.get("machine", {})
                    and run["machine"].get("nproc") and "cpu" in run["machine"]):
                bad.append("%s: no date, machine or commit" % path)
        except (OSError, ValueError) as e:
            bad.append("%s: %s" % (path, e))
    check(paths and not bad, "%d run(s) in tests/*/results/, each with date, machine and commit"
          % len(paths), bad)


def page():
    try:
        with open(PAGE, encoding="utf-8") as f:
            committed = f.read()
    except OSError as e:
        check(False, "doc/RESULTS.md is what `make results` makes", [str(e)])
        return
    made = render.render(src)
    diff = list(difflib.unified_diff(committed.splitlines(), made.splitlines(),
                                     "doc/RESULTS.md", "make results", lineterm=""))
    check(not diff, "doc/RESULTS.md is what `make results` makes of tests/*/results/*.json",
          diff[:60] + (["... (run `make results`)"] if diff else []))


envelopes()
page()
print("1..%d" % len(results))
for i, (ok, what, detail) in enumerate(results, 1):
    for line in detail:
        print("# " + line)
    print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
sys.exit(0)
