# SPDX-License-Identifier: MIT
"""The commit habit (doc/HACKING.md), checked on every commit made since it
was adopted: a subject of at most 72 characters, then, when there is a body,
a blank line before it. `git log --oneline`, `git shortlog` and forges show
only the subject; the why and the figures go in the body.

Commits up to HABIT_SINCE predate the habit and are not held to it. Outside
a git checkout (a release tarball, make distcheck) there is nothing to
check. TAP output.
"""
import os
import subprocess
import sys

HABIT_SINCE = '1b31c90'  # the last commit before the habit
MAX_SUBJECT = 72

srcdir = os.environ.get('VIGIL_SRCDIR') or os.path.join(os.path.dirname(__file__), '..', '..')


def git(*args):
    return subprocess.run(['git', '-C', srcdir] + list(args), capture_output=True, text=True)


if not os.path.exists(os.path.join(srcdir, '.git')) or \
        git('cat-file', '-e', HABIT_SINCE + '^{commit}').returncode != 0:
    print('1..0 # SKIP not a git checkout with the history since %s' % HABIT_SINCE)
    sys.exit(0)

# %x00 between commits, %x01 between a commit's hash and its raw message
log = git('log', '--format=%h%x01%B%x00', HABIT_SINCE + '..HEAD')
if log.returncode != 0:
    print('not ok 1 - git log\n# ' + log.stderr.strip())
    print('1..1')
    sys.exit(1)
long_subjects, no_blank = [], []
commits = [c.strip('\n') for c in log.stdout.split('\0') if c.strip('\n')]
for commit in commits:
    sha, message = commit.split('\x01', 1)
    lines = message.strip('\n').split('\n')
    if len(lines[0]) > MAX_SUBJECT:
        long_subjects.append('%s (%d): %s' % (sha, len(lines[0]), lines[0]))
    if len(lines) > 1 and lines[1].strip():
        no_blank.append('%s: %s' % (sha, lines[0]))

failed = 0
for number, (name, bad) in enumerate((
        ('every subject since %s is at most %d characters (%d commits)'
         % (HABIT_SINCE, MAX_SUBJECT, len(commits)), long_subjects),
        ('a blank line separates each subject from its body', no_blank)), 1):
    if bad:
        failed += 1
        print('not ok %d - %s' % (number, name))
        for line in bad:
            print('# ' + line)
    else:
        print('ok %d - %s' % (number, name))
print('1..2')
sys.exit(1 if failed else 0)
