#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerates configure and Makefile.in from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
sh tests/discover.sh .  # the test lists (tests/*/tests.am), which Makefile.am includes
autoreconf --install --force
