# SPDX-License-Identifier: MIT
"""doc/RESULTS.md from the measured runs' JSON (`make results`):
tests/bench/results/ (make bench), tests/chaos/results/ (make chaos) and
tests/fuzz/results/ (make fuzz FUZZ_KEEP=1), each file a run in the envelope
of tests/results/envelope.py (date, machine, commit). Every figure printed
comes from those files; the same files give the same bytes, so
tests/results/check_results.py can check the committed doc/RESULTS.md.

The benchmarks: for each part, the newest run that has it (one table a run);
the runs it supersedes are named below them. Chaos and fuzz: every run, the
newest first.

Usage: render.py SRCDIR [--output FILE]   (standard output by default)
"""
import glob
import json
import os
import sys

# bench.py's parts, in its order
BENCH_PARTS = ('filing', 'fanout', 'scale', 'cost', 'publish', 'import', 'abuse')


def load(srcdir, kind):
    """The runs of tests/KIND/results/, oldest first: [(file name, run)]."""
    runs = []
    for path in sorted(glob.glob(os.path.join(srcdir, 'tests', kind, 'results', '*.json'))):
        with open(path, encoding='utf-8') as f:
            runs.append((os.path.basename(path), json.load(f)))
    return runs


def number(value):
    """As bench.py prints it: 3 significant places or so."""
    if value is None:
        return '-'
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, int):
        return '{:,}'.format(value)
    if abs(value) >= 100:
        return '{:,.0f}'.format(value)
    return '%.2f' % value if abs(value) < 10 else '%.1f' % value


def cell(text):
    return str(text).replace('|', '\\|')


def table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(cell(c) for c in row) + ' |' for row in rows]
    return lines


def commit(run):
    c = run['machine'].get('commit') or ''
    if not c:
        return 'an unknown commit'
    return '%s%s' % (c[:10], ' with uncommitted changes' if c.endswith('+changes') else '')


def provenance(run):
    """The line under a run's heading: when, on what, which commit."""
    m = run['machine']
    return '%s UTC, commit %s, %d × %s.' % (run['date'].replace('T', ' ').rstrip('Z'),
                                            commit(run), m['nproc'], m['cpu'] or 'unknown CPU')


def bench_run(name, run):
    rows = run['results']
    has_ref = any(r.get('reference') is not None for r in rows)
    has_goal = any(r.get('goal') for r in rows)
    header = ['figure', 'vigil']
    has_against = any(r.get('against') for r in rows)  # not in the oldest runs
    if has_ref:
        header += ['reference'] + (['against'] if has_against else []) + ['ratio']
    if has_goal:
        header += ['goal', 'met']
    body = []
    for r in rows:
        row = [r['figure'] + (' (%s)' % r['unit'] if r.get('unit') else ''), number(r['vigil'])]
        if has_ref:
            row += [number(r.get('reference'))] + \
                ([r.get('against') or '-'] if has_against else []) + [number(r.get('ratio'))]
        if has_goal:
            row += [r.get('goal') or '-',
                    '-' if r.get('met') is None else 'yes' if r['met'] else '**no**']
        body.append(row)
    sizes = ['%s filings a client' % number(run['filings_per_client'])] \
        if 'filing' in run['parts'] else []
    if 'fanout' in run['parts'] or 'scale' in run['parts']:
        sizes.append('%s subscribers' % number(run['subscribers']))
    if 'filing' in run['parts'] and run.get('rounds'):
        sizes.append('median of %d rounds' % run['rounds'])
    sizes = '; '.join(sizes)
    out = ['### %s' % ', '.join(run['parts']), '',
           provenance(run) + (' %s%s.' % (sizes[:1].upper(), sizes[1:]) if sizes else ''),
           '', 'Run by `make bench BENCH_ARGS="%s"`; its JSON: tests/bench/results/%s.' % (
               ' '.join(run['parts']), name), '']
    return out + table(header, body) + ['']


def bench(runs):
    out = ['## Benchmarks', '']
    if not runs:
        return out + ['No run yet.', '']
    shown = []  # each run once, for the parts it is the newest of
    parts = list(BENCH_PARTS)
    parts += sorted({p for _, run in runs for p in run['parts']} - set(parts))
    for part in parts:
        newest = next((r for r in reversed(runs) if part in r[1]['parts']), None)
        if newest and newest not in shown:
            shown.append(newest)
    for name, run in shown:
        out += bench_run(name, run)
    older = [r for r in runs if r not in shown]
    if older:
        out += ['Superseded by a newer run of the same parts, kept in tests/bench/results/:', '']
        out += ['- `%s`: %s; %s' % (name, ', '.join(run['parts']), provenance(run))
                for name, run in reversed(older)]
        out.append('')
    return out


def percent(part, whole):
    return '%.2f %%' % (100.0 * part / whole) if whole else '-'


def chaos_run(name, run):
    n, room = run['notifications'], run['room_lines']
    rows = [
        ['faults injected', ', '.join('%s %s' % (k, number(v)) for k, v in run['faults'].items())],
        ['changes acknowledged', '%s (%s)' % (number(run['changes']), ', '.join(
            '%s %s' % (k, number(v)) for k, v in run['acknowledged'].items()))],
        ['list pagings answered', number(run['list_pagings'])],
        ['requests cut off by faults', number(run['cut_off'])],
        ['acknowledged changes lost', number(run['lost'])],
        ['acknowledged changes stored twice', number(run['stored_twice'])],
        ['subscriber notifications missing', '%s of %s revisions' % (
            number(n['missing']), number(n['expected']))],
        ['subscriber notifications duplicated', '%s (%s)' % (
            number(n['duplicated']), percent(n['duplicated'], n['expected']))],
        ['room lines missing', '%s of %s' % (number(room['missing']), number(room['expected']))],
        ['room lines duplicated', '%s (%s)' % (
            number(room['duplicated']), percent(room['duplicated'], room['expected']))],
        ['commands left unfinished by faults', number(run['unfinished'])],
    ]
    for kind, rec in run['recovery'].items():
        rows.append(['recovery after %s (n=%d)' % (kind, rec['n']),
                     'p50 %s s, p99 %s s' % (number(rec['p50']), number(rec['p99']))])
    rows.append(['invariant violations', number(run['violations'])])
    build = 'built with %s' % run['sanitizer'] if run.get('sanitizer') else 'plain build'
    return ['### %s rounds, seed %s' % (number(run['rounds']), run['seed']), '',
            '%s %s%s; %s s in all.' % (provenance(run), build[:1].upper(), build[1:],
                                      number(run['seconds'])),
            '', 'Run by `make chaos CHAOS_ROUNDS=%d CHAOS_SEED=%d`; its JSON: '
            'tests/chaos/results/%s.' % (run['rounds'], run['seed'], name), ''] + table(['figure', 'value'], rows) + ['']


def section(title, runs, render_run):
    """A kind's section: its runs, newest first."""
    out = ['## ' + title, '']
    if not runs:
        return out + ['No run yet.', '']
    for name, run in reversed(runs):
        out += render_run(name, run)
    return out


def fuzz_run(name, run):
    rows = [[t['target'], number(t['executions']), number(t['seconds']), number(t['jobs']),
             number(t['exec_per_s']), number(t['edges']), number(t['findings']), t['result']]
            for t in run['targets']]
    total = sum(t['executions'] or 0 for t in run['targets'])
    rows.append(['all', number(total), number(sum(t['seconds'] for t in run['targets'])), '', '',
                 '', number(sum(t['findings'] for t in run['targets'])),
                 'PASS' if all(t['result'] == 'PASS' for t in run['targets']) else 'FAIL'])
    return ['### %s s a target' % number(run['seconds_per_target']), '',
            '%s %s, %s.' % (provenance(run), run['sanitizers'], run['compiler']),
            '', 'Run by `make fuzz FUZZ_SECONDS=%d FUZZ_KEEP=1`; its JSON: '
            'tests/fuzz/results/%s.' % (run['seconds_per_target'], name), '']  \
        + table(['target', 'executions', 'seconds', 'jobs', 'exec/s', 'edges', 'findings',
                 'result'], rows) + ['']


INTRO = '''\
<!-- SPDX-License-Identifier: MIT -->
<!-- Generated by `make results` from tests/*/results/*.json: do not edit. -->
# Measured results

Each table is one run, with its date (UTC), the commit measured and the
machine. A run writes its JSON to tests/KIND/results/; `make results` turns
those files into this page, and `make check` checks that it did.

- **Benchmarks** (`make bench BENCH_ARGS="PART..."`, tests/bench/README):
  vigil against the bare XMPP path (a minimal libstrophe component) and
  against Prosody's own PubSub, on a private Prosody on 127.0.0.1: filing
  throughput and latency, fan-out to subscribers, memory and response times
  with a large register, instructions per filing, publishing the site,
  importing, and resource bounds under abuse. Each part below shows its
  newest run; "met" compares a figure with its goal.
- **Chaos** (`make chaos CHAOS_ROUNDS=N`, tests/chaos/chaos.py): mixed load
  while vigil is killed, the server restarted and the component link cut,
  reset, stalled, delayed and slowed; after every round, every acknowledged
  change stored exactly once, every revision announced to the subscriber and
  in the room, and the time vigil took to be back.
- **Fuzzing** (`make fuzz FUZZ_SECONDS=N FUZZ_KEEP=1`, tests/fuzz/run-fuzz):
  each libFuzzer target under AddressSanitizer and UndefinedBehaviorSanitizer
  for N seconds, with executions, coverage and findings.
'''


def render(srcdir):
    lines = bench(load(srcdir, 'bench')) + section('Chaos', load(srcdir, 'chaos'), chaos_run) + \
        section('Fuzzing', load(srcdir, 'fuzz'), fuzz_run)
    return INTRO + '\n' + '\n'.join(lines).rstrip('\n') + '\n'


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != '--output'):
        sys.exit('usage: render.py SRCDIR [--output FILE]')
    text = render(argv[1])
    if len(argv) == 2:
        sys.stdout.write(text)
        return
    out = argv[3]
    os.makedirs(os.path.dirname(out) or '.', exist_ok=True)
    with open(out + '.tmp', 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(out + '.tmp', out)


if __name__ == '__main__':
    main(sys.argv)
