#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The documentation's facts that a program can check (TAP), one point each:

  1. the README's "Quick start" section holds exactly two command lines,
     `sh config/run-demo` and `sh tests/run-suite`, and .ci/run runs exactly
     `sh tests/run-suite` (besides `cd` lines and comments);
  2. the README is at most 150 lines;
  3. every doc/*.md the README links exists, and the README links every
     doc/*.md;
  4. every repository path the docs name exists. The docs are README,
     doc/*.md and man/*.in. A repository path is a word that starts with
     one of the repository's top-level directories and a slash
     (`config/prosody-snippet.cfg.lua`, `component/announce/`,
     `tests/unit/test_*.c`), not preceded by a letter, digit, `/`, `.`, `:`
     or `-` (so /usr/share/doc/... and URLs are not taken); trailing
     punctuation is dropped. It exists when the file or directory is in the
     tree, when it is built from `PATH.in` or `PATH.c`, or, with `*`, when
     the pattern matches something. A placeholder stands for `*`: a word in
     capitals after `_` in a name (`test_NAME.c`), or a directory named in
     capitals (`regressions/TARGET/`); a file named in capitals
     (`doc/RESULTS.md`) is a name. Relative link targets in doc/*.md ([..](FILE)) must
     exist beside the file too;
  5. every configuration key the docs name is in config/config.c's key
     table (`static const struct key keys[]`). A key is `section.name` with
     a section of the table (component, room, storage, commands, chat,
     assess, access, pubsub, publish, log), standing alone: not part of a
     path or a longer dotted name (`component/publish.c`,
     `pubsub.localhost`, `pubsub.example.org`), and not a file name
     (`log.c`, `chat.py`);
  6. the docs hold no history: no "issue N", no commit ids (a word of 7 to
     40 hexadecimal digits, at least one a letter and one a digit, not joined
     by "-" to another, as in a UUID), no
     "since then", "before/after the redesign". doc/RESULTS.md, generated,
     names the commit each run measured and is left out;
  7. every file carries an SPDX-License-Identifier: Markdown (*.md, README)
     as `<!-- SPDX-License-Identifier: MIT -->` on its first line, any other
     file in its first 10 lines; except the kinds that cannot hold one (JSON,
     the fuzz corpora and regressions, .keep and .gitkeep, COPYING itself,
     debian/changelog, debian/source/format, debian/copyright (its DEP-5
     stanzas cover them), *.tsv, *.png). The files: `git ls-files` in a git
     checkout, else every file of the tree but what autotools and the build
     make.

Points 1 and 4 need the repository: outside a git checkout (the tarball)
they are skipped. Run by `make check` (VIGIL_SRCDIR) or by hand:
    python3 tests/docs/check_docs.py [SRCDIR]
"""
import fnmatch
import glob
import os
import re
import subprocess
import sys

src = os.environ.get("VIGIL_SRCDIR") or (sys.argv[1] if len(sys.argv) > 1 else ".")
src = os.path.realpath(src)
README_MAX_LINES = 150
QUICK_START = ["sh config/run-demo", "sh tests/run-suite"]
SECTIONS = ("component", "room", "storage", "commands", "chat", "assess", "access",
            "pubsub", "publish", "log")
# file name endings that follow a section's name in prose (log.c, chat.py)
NOT_KEYS = {"c", "h", "py", "md", "in", "am", "ac", "sh", "lua", "yml", "json", "conf",
            "cfg", "txt", "xml", "html", "localhost"}
HISTORY = [
    (re.compile(r"\bissues? #?\d+", re.I), "an issue number"),
    (re.compile(r"(?<![\w-])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}(?![\w-])"),
     "a commit id"),
    (re.compile(r"\bsince then\b", re.I), "history (since then)"),
    (re.compile(r"\b(before|after) the redesign\b", re.I), "history (the redesign)"),
]
NO_SPDX = ["*.json", "tests/fuzz/corpus/*", "tests/fuzz/regressions/*", "*.keep",
           "*.gitkeep", "COPYING", "debian/changelog", "debian/source/format",
           "debian/copyright", "*.tsv", "*.png"]
# what autotools and an in-tree build leave in a tree that is not a git checkout
GENERATED = ["configure", "Makefile.in", "*/Makefile.in", "Makefile", "aclocal.m4",
             "config.h", "config.h.in", "config.h.in~", "config.log", "config.status",
             "stamp-h1", "build-aux/*", "autom4te.cache/*", "_build/*", "*.o", "*.a",
             "*/.deps/*", "*.log", "*.trs", "*/.dirstamp", "vigil", "*.db", "*.db-*",
             "config/vigil.service", "man/vigil.8", "tests/unit/test_*[!.][!c]",
             "tests/fuzz/replay_*[!.][!c]", "tests/fuzz/fuzz-*"]

results = []


def check(ok, what, detail=(), skip=None):
    results.append((bool(ok), what, list(detail), skip))


def read(rel):
    with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def git_files():
    """`git ls-files` when src is the top of a git checkout, else None."""
    try:
        top = subprocess.run(["git", "-C", src, "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=60)
        if top.returncode != 0 or os.path.realpath(top.stdout.strip()) != src:
            return None
        out = subprocess.run(["git", "-C", src, "ls-files", "-z"], capture_output=True,
                             text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted(p for p in out.split("\0") if p)


def walked_files():
    out = []
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in (".git", "_build", "autom4te.cache", "node_modules")]
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), src)
            if not any(fnmatch.fnmatch(rel, g) for g in GENERATED):
                out.append(rel)
    return sorted(out)


def docs():
    """README, doc/*.md and man/*.in that exist, as paths relative to src."""
    names = ["README"] if os.path.exists(os.path.join(src, "README")) else []
    names += sorted(os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "doc", "*.md")))
    names += sorted(os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "man", "*.in")))
    return names


def section(text, title):
    """The lines of a Markdown section (ATX '#' or setext heading) by its title."""
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines):
        atx = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        setext = i + 1 < len(lines) and re.match(r"(=+|-+)\s*$", lines[i + 1]) and line.strip()
        heading = atx.group(1) if atx else (line.strip() if setext else None)
        if heading is None:
            continue
        if start is not None:
            return lines[start:i]
        if heading.lower() == title.lower():
            start = i + (1 if atx else 2)
    return lines[start:] if start is not None else None


def command_lines(lines):
    """The non-empty lines of the code blocks (fenced, or indented by 4)."""
    out, fenced = [], False
    for line in lines:
        if re.match(r"\s*(```|~~~)", line):
            fenced = not fenced
            continue
        if fenced or re.match(r"( {4}|\t)", line):
            cmd = re.sub(r"\s+#.*$", "", line.strip())
            cmd = re.sub(r"^\$\s+", "", cmd)
            if cmd and not cmd.startswith("#"):
                out.append(cmd)
    return out


# --- 1. the quick start ------------------------------------------------------
repo_files = git_files()
if os.path.exists(os.path.join(src, "README")):
    quick = section(read("README"), "Quick start")
    problems = []
    if quick is None:
        problems.append('README has no "Quick start" section')
    else:
        cmds = command_lines(quick)
        if sorted(cmds) != sorted(QUICK_START):
            problems.append("its command lines are %r, not %r" % (cmds, QUICK_START))
else:
    problems = ["no README"]
if repo_files is not None:
    run = [line.strip() for line in read(".ci/run").splitlines()] \
        if os.path.exists(os.path.join(src, ".ci/run")) else None
    if run is None:
        problems.append("no .ci/run")
    else:
        body = [line for line in run if line and not line.startswith("#")]
        others = [line for line in body if not re.match(r"cd\s", line)]
        if [re.sub(r"^exec\s+", "", line) for line in others] != ["sh tests/run-suite"]:
            problems.append(".ci/run runs %r, not exactly 'sh tests/run-suite'" % others)
check(not problems, "README's Quick start is `%s` and `%s`; .ci/run runs the second"
      % tuple(QUICK_START), problems)

# --- 2. the README's length --------------------------------------------------
n = len(read("README").splitlines()) if os.path.exists(os.path.join(src, "README")) else 0
check(0 < n <= README_MAX_LINES, "README is at most %d lines" % README_MAX_LINES,
      ["README has %d lines" % n])

# --- 3. the README links every doc/*.md, and only those that exist -----------
existing = sorted(os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "doc", "*.md")))
linked = set()
if os.path.exists(os.path.join(src, "README")):
    for target in re.findall(r"\]\(\s*<?([^)\s>#]+)", read("README")):
        target = re.sub(r"^\./", "", target)
        if re.match(r"doc/[^/]+\.md$", target):
            linked.add(target)
missing = sorted(t for t in linked if t not in existing)
unlinked = sorted(d for d in existing if d not in linked)
check(not missing and not unlinked, "README links every doc/*.md, and each one it links exists",
      ["README links %s, which does not exist" % t for t in missing] +
      ["README does not link %s" % d for d in unlinked])

# --- 4. repository paths named in the docs -----------------------------------
if repo_files is None:
    check(True, "every repository path the docs name exists", skip="not a git checkout")
else:
    tops = sorted({p.split("/")[0] for p in repo_files if "/" in p}, key=len, reverse=True)
    path_re = re.compile(r"(?<![\w/.:-])((?:%s)/[\w.*/+-]*)" % "|".join(map(re.escape, tops)))

    def pattern(path):
        parts = path.split("/")
        for i, part in enumerate(parts):
            if re.fullmatch(r"[A-Z][A-Z_]+", part) and i < len(parts) - 1:
                parts[i] = "*"  # a directory (TARGET/ ends in "", the last part)
            else:
                parts[i] = re.sub(r"(?<=_)[A-Z][A-Z_]*[A-Z](?=[_.]|$)", "*", part)
        return "/".join(parts)

    def exists(path):
        full = os.path.join(src, pattern(path))
        if "*" in full:
            return bool(glob.glob(full))
        return any(os.path.exists(full.rstrip("/") + end) for end in ("", ".in", ".c"))

    bad = []
    for doc in docs():
        text = read(doc)
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in path_re.finditer(line):
                path = m.group(1).rstrip(".,:;")
                if not exists(path):
                    bad.append("%s:%d: %s" % (doc, lineno, path))
            if doc.startswith("doc/"):
                for target in re.findall(r"\]\(\s*<?([^)\s>#]+)", line):
                    if re.match(r"[a-z]+:", target):
                        continue  # a URL
                    if not os.path.exists(os.path.join(src, "doc", target)):
                        bad.append("%s:%d: link to %s" % (doc, lineno, target))
    check(not bad, "every repository path the docs name exists", bad)

# --- 5. configuration keys named in the docs ---------------------------------
table = re.search(r"static const struct key keys\[\]\s*=\s*\{(.*?)\n\};", read("config/config.c"),
                  re.S)
keys = set(re.findall(r'\{\s*\.name\s*=\s*"([a-z_]+\.[a-z_]+)"', table.group(1) if table else ""))
key_re = re.compile(r"(?<![\w/.@-])((?:%s)\.([a-z][a-z_]*))(?![\w@/-]|\.\w)" % "|".join(SECTIONS))
unknown = [] if keys else ["no keys found in config/config.c's table"]
for doc in docs():
    for lineno, line in enumerate(read(doc).splitlines(), 1):
        for m in key_re.finditer(line):
            if m.group(2) not in NOT_KEYS and m.group(1) not in keys:
                unknown.append("%s:%d: %s" % (doc, lineno, m.group(1)))
check(not unknown, "every configuration key the docs name is in config/config.c (%d keys)"
      % len(keys), unknown)

# --- 6. no history in the docs -----------------------------------------------
found = []
for doc in docs():
    if doc == "doc/RESULTS.md":
        continue
    for lineno, line in enumerate(read(doc).splitlines(), 1):
        for pattern, what in HISTORY:
            for m in pattern.finditer(line):
                found.append("%s:%d: %s: %r" % (doc, lineno, what, m.group(0)))
check(not found, "the docs hold no history (issue numbers, commit ids, since then)", found)

# --- 7. SPDX-License-Identifier in every file -----------------------------------
MD_TAG = "<!-- SPDX-License-Identifier: MIT -->"
untagged = []
files = repo_files if repo_files is not None else walked_files()
for rel in files:
    if any(fnmatch.fnmatch(rel, g) for g in NO_SPDX):
        continue
    path = os.path.join(src, rel)
    if not os.path.isfile(path):
        continue  # deleted in the work tree, or a submodule
    with open(path, "rb") as f:
        head = f.read(8192).decode("utf-8", "replace").splitlines()
    if rel.endswith(".md") or rel == "README":
        if not head or head[0].strip() != MD_TAG:
            untagged.append("%s: the first line is not %s" % (rel, MD_TAG))
    elif not any("SPDX-License-Identifier:" in line for line in head[:10]):
        untagged.append("%s: no SPDX-License-Identifier in its first 10 lines" % rel)
check(not untagged, "every file carries an SPDX-License-Identifier (%d files, %s)"
      % (len(files), "git ls-files" if repo_files is not None else "the tree"), untagged)

print("1..%d" % len(results))
for i, (ok, what, detail, skip) in enumerate(results, 1):
    if skip:
        print("ok %d - %s # SKIP %s" % (i, what, skip))
        continue
    print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    if not ok:
        for line in detail:
            print("#   " + line)
sys.exit(0)
