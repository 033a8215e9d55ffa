#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The installed man pages, vigil(8) and vigil.conf(5) as built, render
without a warning (TAP):

  1. `groff -mandoc -ww -Wbreak -z` prints nothing: every warning but
     "can't break line", which depends on how long the configured paths
     (--prefix, --sysconfdir) filled into the pages are;
  2. `mandoc -T lint -W warning` prints nothing (skipped without mandoc).
Run by `make check` (VIGIL_BUILDDIR) or by hand:
    python3 tests/package/check_man.py BUILDDIR
"""
import os
import shutil
import subprocess
import sys

from tap import check, report, skip

build = os.environ.get("VIGIL_BUILDDIR") or (sys.argv[1] if len(sys.argv) > 1 else ".")
PAGES = [os.path.join(build, "man", page) for page in ("vigil.8", "vigil.conf.5")]


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True)
    return p.returncode, (p.stdout + p.stderr).splitlines()


for page in PAGES:
    name = os.path.basename(page)
    if not os.path.exists(page):
        check(False, "%s is built" % name, ["no %s: run make first" % page])
        continue
    if shutil.which("groff"):
        rc, out = run(["groff", "-mandoc", "-ww", "-Wbreak", "-z", page])
        check(rc == 0 and not out, "groff -ww: %s renders without a warning" % name, out)
    else:
        skip("groff -ww: %s" % name, "no groff")
    if shutil.which("mandoc"):
        rc, out = run(["mandoc", "-T", "lint", "-W", "warning", page])
        check(rc == 0 and not out, "mandoc -T lint: %s has no warning" % name, out)
    else:
        skip("mandoc -T lint: %s" % name, "no mandoc (tests/install-deps installs it)")

report()
