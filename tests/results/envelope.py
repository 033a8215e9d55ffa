# SPDX-License-Identifier: MIT
"""The envelope every measured run's JSON shares (bench, chaos, fuzz): the
date (UTC), the machine (nproc, CPU model) and the commit measured, around
the run's own figures. The file is named DATE-COMMIT.json, so a folder of
runs sorts by date; tests/results/render.py turns the folders into
doc/RESULTS.md.

From Python: write(out, started, srcdir, body). From a shell script
(tests/fuzz/run-fuzz), the body as JSON on standard input:
    python3 envelope.py SRCDIR STARTED OUTPUT...
STARTED is the run's start in seconds since the epoch; an OUTPUT ending in
'/' is a folder that gets DATE-COMMIT.json, any other is the file itself.
Prints the paths written.
"""
import json
import os
import subprocess
import sys
import time


def machine(srcdir):
    """nproc, the CPU model and the commit checked out in srcdir ('+changes'
    when tracked files differ from it; '' outside a git checkout)."""
    model = ''
    try:
        with open('/proc/cpuinfo') as f:
            model = next((l.split(':', 1)[1].strip() for l in f if l.startswith('model name')), '')
    except OSError:
        pass
    try:
        commit = subprocess.run(['git', '-C', srcdir, 'rev-parse', 'HEAD'],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(['git', '-C', srcdir, 'status', '--porcelain', '-uno'],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        commit, dirty = '', ''
    return {'nproc': os.cpu_count(), 'cpu': model,
            'commit': commit + ('+changes' if commit and dirty else '')}


def write(outputs, started, srcdir, body, info=None):
    """Writes {date, machine, **body} to each of outputs (a folder if it ends
    with '/' or is one: DATE-COMMIT.json in it); returns (paths, machine).
    info: machine(srcdir) as it was when the run started (by default, now)."""
    info = info or machine(srcdir)
    doc = dict({'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(started)),
                'machine': info}, **body)
    name = '%s-%s.json' % (time.strftime('%Y%m%d-%H%M%S', time.gmtime(started)),
                           (info['commit'] or 'unknown')[:10])
    paths = []
    for out in [outputs] if isinstance(outputs, str) else outputs:
        if out.endswith('/') or os.path.isdir(out):
            os.makedirs(out, exist_ok=True)
            out = os.path.join(out, name)
        else:
            os.makedirs(os.path.dirname(out) or '.', exist_ok=True)
        out = os.path.normpath(out)
        with open(out, 'w') as f:
            json.dump(doc, f, indent=1)
            f.write('\n')
        paths.append(out)
    return paths, info


def main(argv):
    if len(argv) < 4:
        sys.exit('usage: envelope.py SRCDIR STARTED OUTPUT... < body.json')
    paths, _ = write(argv[3:], float(argv[2]), argv[1], json.load(sys.stdin))
    for path in paths:
        print(path)


if __name__ == '__main__':
    main(sys.argv)
