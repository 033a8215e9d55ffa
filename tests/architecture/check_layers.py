#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The architecture, checked (TAP): vigil's folders are layers, and every
dependency runs downwards.

    commands/text/             text shortened and quoted by characters (below all)
    config/  storage/  component/base/   settings; the database; timers, log
    commands/register/         the threat template, its rules, the operations
    component/xmpp/            stanza helpers the commands may use
    commands/adhoc/ chat/ export/ interchange/   the ways in and out (siblings: no edges)
    component/pubsub/  component/announce/   vigil's PubSub service; the announcer
    component/                 the daemon: connection, routing, MUC, wiring

Checked on the sources and on the objects the build made:
  1. includes: a file includes only its own folder or a lower layer;
  2. calls: the symbols each object uses (nm) give the file-level call
     graph; it has no cycle (Tarjan), and its edges go downwards too;
  3. size: no folder holds more than a third of the C lines.
Run by `make check` (VIGIL_SRCDIR, VIGIL_BUILDDIR) or by hand:
    python3 tests/architecture/check_layers.py SRCDIR BUILDDIR
"""
import collections
import os
import re
import subprocess
import sys

LAYERS = [
    ("commands/text", -1),
    ("config", 0), ("storage", 0), ("component/base", 0),
    ("commands/register", 1),
    ("component/xmpp", 2),
    ("commands/adhoc", 3), ("commands/chat", 3), ("commands/export", 3),
    ("commands/interchange", 3),
    ("component/pubsub", 4), ("component/announce", 4),
    ("component", 5),
]
FOLDERS = [name for name, _ in LAYERS]
RANK = dict(LAYERS)

src = os.environ.get("VIGIL_SRCDIR") or (sys.argv[1] if len(sys.argv) > 1 else ".")
build = os.environ.get("VIGIL_BUILDDIR") or (sys.argv[2] if len(sys.argv) > 2 else ".")


def folder_of(path):
    """The layer folder a source path belongs to (the longest that matches)."""
    best = None
    for name in FOLDERS:
        if os.path.dirname(path) == name or os.path.dirname(path).startswith(name + "/"):
            if best is None or len(name) > len(best):
                best = name
    return best


def sources():
    out = []
    for top in ("config", "storage", "commands", "component"):
        for root, _, files in os.walk(os.path.join(src, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(root, f), src))
    return sorted(out)


def allowed(a, b):
    """May something in folder a depend on folder b?"""
    return a == b or RANK[a] > RANK[b]


def tarjan(graph):
    index, low, stack, on, cycles, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


results = []


def check(ok, what, detail=()):
    results.append((ok, what, list(detail)))


files = sources()

# 1. includes
bad = []
for f in files:
    if folder_of(f) is None:
        bad.append("%s is in no layer folder" % f)
        continue
    with open(os.path.join(src, f), encoding="utf-8") as fh:
        for line in fh:
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m or "/" not in m.group(1):
                continue
            target = m.group(1)
            tf = folder_of(target)
            if tf is None:
                continue  # config.h, the build's
            if not allowed(folder_of(f), tf):
                bad.append("%s includes %s (%s -> %s runs upward or sideways)"
                           % (f, target, folder_of(f), tf))
check(not bad, "every include runs to the same folder or a lower layer", bad)

# 2. calls, from the objects
defined, used = {}, {}
missing = []
for f in files:
    if not f.endswith(".c"):
        continue
    obj = os.path.join(build, f[:-2] + ".o")
    if not os.path.exists(obj):
        missing.append(obj)
        continue
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    d, u = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRCG":
            d.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            u.add(parts[1])
    defined[f], used[f] = d, u
check(not missing, "every source file has its object in the build", missing)
owner = {}
for f, syms in defined.items():
    for s in syms:
        owner[s] = f
calls = collections.defaultdict(set)
for f, syms in used.items():
    for s in syms:
        if s in owner and owner[s] != f:
            calls[f].add(owner[s])
cycles = tarjan(calls)
check(not cycles, "no files call each other in a loop (file-level call graph, %d files, %d edges)"
      % (len(defined), sum(len(v) for v in calls.values())),
      ["loop: " + " <-> ".join(c) for c in cycles])
bad = ["%s calls %s" % (a, b) for a in sorted(calls) for b in sorted(calls[a])
       if not allowed(folder_of(a), folder_of(b))]
check(not bad, "every call runs to the same folder or a lower layer", bad)

# 3. size
lines = collections.Counter()
for f in files:
    with open(os.path.join(src, f), encoding="utf-8") as fh:
        lines[folder_of(f)] += sum(1 for _ in fh)
total = sum(lines.values())
shares = ["%-18s %6d lines  %4.1f%%" % (k, v, 100.0 * v / total) for k, v in lines.most_common()]
biggest = lines.most_common(1)[0]
check(biggest[1] * 3 <= total, "no folder holds more than a third of the code (largest: %s, %d of %d lines, %.1f%%)"
      % (biggest[0], biggest[1], total, 100.0 * biggest[1] / total), shares)

print("1..%d" % len(results))
for i, (ok, what, detail) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    for d in detail:
        print("#   " + d)
sys.exit(0)
