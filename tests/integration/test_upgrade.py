# SPDX-License-Identifier: MIT
"""Upgrade safety: a register written by the previous
release opens with this vigil, is migrated and keeps every record; one
written by a newer vigil is refused and left untouched.

The previous release is built here from its commit: the tag v0.1 if this
clone has it, else the fixed commit below (the last before migration 3,
reachable in any full clone). It files, edits, assesses and retires
threats with 1- to 4-byte characters, takes subscriptions, and leaves room
lines waiting in its outbox (its room is on a MUC service that does not
exist, so it never joins). This vigil then opens that file: the schema is
the current one, every threat, revision, subscription and kept item is as
the old vigil left it, the waiting lines are said in the room word for
word, and the register works (a new change reaches the subscriber).

Skipped when the sources are not a git checkout (a release tarball, make
distcheck). The old build is kept in the build directory
(tests/upgrade-COMMIT/), or in VIGIL_PREVIOUS_DIR when set (tests/run-suite
sets it so that its builds share one), and reused."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile

import harness
from harness import (COMPONENT, NS_EVENT, ROOM, SRCDIR, Env, Skip, command_of, connect,
                     file_threat, form_values, pubsub, run, wait_until)

PREVIOUS_TAG = 'v0.1'
# the last commit before migration 3 (schema 2): what v0.1 names
PREVIOUS_COMMIT = '7b3fac544bdfdeb45ede0f1911a5f69006516042'

NAMES = ('Plain ASCII', 'Dœner à l\'œil é', 'Ελληνικά ∑ € ₹', 'Emoji 🐍 𝄞 𐍈')


def git(*args, **kw):
    return subprocess.run(['git', '-C', SRCDIR] + list(args), capture_output=True, text=True,
                          timeout=120, **kw)


def previous_commit():
    top = git('rev-parse', '--show-toplevel')
    if top.returncode != 0 or os.path.realpath(top.stdout.strip()) != os.path.realpath(SRCDIR):
        # a tarball, or make distcheck's copy (inside a checkout, not one)
        raise Skip('the sources are not a git checkout: the previous release cannot be built')
    for ref in (PREVIOUS_TAG + '^{commit}', PREVIOUS_COMMIT + '^{commit}'):
        p = git('rev-parse', '--verify', '--quiet', ref)
        if p.returncode == 0:
            return p.stdout.strip()
    raise AssertionError('neither %s nor %s is in this clone (a shallow clone? '
                         'git fetch --unshallow)' % (PREVIOUS_TAG, PREVIOUS_COMMIT))


def build_previous(commit):
    """vigil as built from commit, in the build directory (kept)."""
    out = os.path.abspath(os.path.join(os.environ.get('VIGIL_PREVIOUS_DIR') or 'tests',
                                       'upgrade-%s' % commit[:12]))
    binary = os.path.join(out, 'vigil')
    if os.path.exists(binary):
        return binary
    src = tempfile.mkdtemp(prefix='vigil-previous-')
    try:
        archive = subprocess.run(['git', '-C', SRCDIR, 'archive', commit], capture_output=True,
                                 timeout=120, check=True).stdout
        subprocess.run(['tar', '-x', '-C', src], input=archive, check=True, timeout=120)
        for step in (['sh', 'autogen.sh'], ['./configure', '-q'],
                     ['make', '-j2', 'vigil']):
            p = subprocess.run(step, cwd=src, capture_output=True, text=True, timeout=1200)
            assert p.returncode == 0, '%s failed building %s:\n%s' % (
                ' '.join(step), commit, (p.stdout + p.stderr)[-3000:])
        os.makedirs(out, exist_ok=True)
        # copied, then renamed: a build of another pass never sees half a file
        shutil.copy2(os.path.join(src, 'vigil'), binary + '.tmp')
        os.replace(binary + '.tmp', binary)
    finally:
        shutil.rmtree(src, ignore_errors=True)
    return binary


def snapshot(db):
    """Every record a user could miss, table by table."""
    con = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
    try:
        out = {'version': con.execute('PRAGMA user_version').fetchone()[0]}
        for table, order in (('threats', 'id'), ('threat_revisions', 'threat_id, revision'),
                             ('subscriptions', 'node, jid'), ('pubsub_items', 'node, item_id')):
            cur = con.execute('SELECT * FROM %s ORDER BY %s' % (table, order))
            columns = [d[0] for d in cur.description]
            out[table] = [dict(zip(columns, row)) for row in cur.fetchall()]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        out['room_lines'] = [r[0] for r in con.execute(
            "SELECT payload FROM outbox WHERE target = 'room' ORDER BY id")] \
            if 'outbox' in tables else []
        return out
    finally:
        con.close()


class PreviousVigil(harness.Vigil):
    def __init__(self, server, binary, **overrides):
        super().__init__(server, **overrides)
        self.binary = binary

    def start(self, env=None):
        self._spawn([self.binary, '-v', '-c', self.config], self.log_path,
                    env=dict(os.environ if env is None else env))
        return self


async def write_with_previous(env, binary):
    """The old vigil's register, in env.vigil.db; returns its snapshot."""
    old = PreviousVigil(env.prosody, binary, storage__path=env.vigil.db,
                        room__jid='sig@nowhere.localhost')  # never joins: lines wait
    old.start()
    try:
        old.wait_log(r'connected to \S+ as ', 60)
        alice, bob, carol = [await connect(env.prosody, u) for u in ('alice', 'bob', 'carol')]
        try:
            for name in NAMES:
                await file_threat(alice, name=name, abstract='Abstract of ' + name,
                                  likelihood='medium', damage='low',
                                  definition='Définition 定义 🔒 ' * 3)
            for tid, l, d in (('T-1', 'high', 'high'), ('T-2', 'low', 'medium')):
                cmd = command_of(await bob.command('assess'))
                cmd = command_of(await bob.command('assess', action='next', sessionid=cmd.get('sessionid'),
                                                   fields={'id': tid}))
                cmd = command_of(await bob.command(
                    'assess', action='complete', sessionid=cmd.get('sessionid'),
                    fields={'likelihood': l, 'damage': d, 'rationale': 'Raison ✓ 🧪'}))
                assert cmd.get('status') == 'completed', cmd
            cmd = command_of(await alice.command('edit'))
            cmd = command_of(await alice.command('edit', action='next', sessionid=cmd.get('sessionid'),
                                                 fields={'id': 'T-3'}))
            values = dict(form_values(cmd), gap='Lücke 間隙 🕳')
            del values['FORM_TYPE']
            cmd = command_of(await alice.command('edit', action='complete',
                                                 sessionid=cmd.get('sessionid'), fields=values))
            assert cmd.get('status') == 'completed', cmd
            cmd = command_of(await alice.command('retire', fields={'id': 'T-4', 'reason': 'Doublon ♻'}))
            assert cmd.get('status') == 'completed', cmd
            for client, node in ((carol, 'threats'), (bob, 'priority')):
                reply = await client.iq(pubsub('subscribe', node=node, jid=client.boundjid.bare),
                                        itype='set')
                assert reply['type'] == 'result', reply
        finally:
            for c in (alice, bob, carol):
                await c.stop()
    finally:
        code = old.stop()
        shutil.rmtree(old.dir, ignore_errors=True)  # its config and log; the register is env's
        assert code == 0, 'the previous vigil did not stop cleanly'
    return snapshot(env.vigil.db)


async def test_previous_release_migrates(env):
    """a register written by the previous release opens, is migrated and keeps every record"""
    if isinstance(env.previous, Skip):
        raise env.previous
    before = await write_with_previous(env, env.previous)
    assert before['version'] < snapshot_version_now(), before['version']
    assert len(before['threats']) == len(NAMES) and before['subscriptions'], before
    assert before['room_lines'], 'the previous vigil left no room line waiting'
    witness = await connect(env.prosody, 'dave')
    try:
        await witness.join()
        env.start_vigil()
        after = snapshot(env.vigil.db)
        assert after['version'] == snapshot_version_now(), after['version']
        for table in ('threats', 'threat_revisions', 'subscriptions'):
            assert after[table] == before[table], '%s changed:\n%s\n%s' % (
                table, before[table], after[table])
        kept = {(i['node'], i['item_id']): i['payload'] for i in after['pubsub_items']}
        for item in before['pubsub_items']:
            assert kept.get((item['node'], item['item_id'])) == item['payload'], item
        # the lines the old vigil could not say, word for word
        await wait_until(lambda: all(any(m['type'] == 'groupchat' and m['from'].bare == ROOM and
                                         m['body'] == line for m in witness.messages)
                                     for line in before['room_lines']),
                         30, 'the waiting room lines: %s' % before['room_lines'])
        # every threat reads as the old vigil wrote it, through a command
        for row in before['threats']:
            shown = form_values(command_of(await witness.command('show', fields={'id': 'T-%d' % row['id']})))
            assert shown['name'] == row['name'] and shown['revision'] == str(row['revision']), shown
        # and the register works: a new filing reaches carol's old subscription
        carol = await connect(env.prosody, 'carol')
        try:
            tid = await file_threat(carol, name='After the upgrade 🆕')
            await wait_until(lambda: any(
                m['from'] == COMPONENT and m.xml.find(
                    '{%s}event/{%s}items/{%s}item[@id="%s"]' % (NS_EVENT, NS_EVENT, NS_EVENT, tid))
                is not None for m in carol.messages), 15, 'the notification of ' + tid)
        finally:
            await carol.stop()
        return 'from %s (schema %d) to schema %d: %d threats, %d revisions, %d subscriptions, ' \
               '%d room lines kept' % (os.path.basename(os.path.dirname(env.previous))[len('upgrade-'):],
                                       before['version'], after['version'],
                                       len(after['threats']), len(after['threat_revisions']),
                                       len(after['subscriptions']), len(before['room_lines']))
    finally:
        await witness.stop()


def snapshot_version_now():
    """The schema this vigil writes: its migrations, one comment "N -> N+1"
    each in storage/schema.c."""
    with open(os.path.join(SRCDIR, 'storage', 'schema.c')) as f:
        return len([line for line in f if line.startswith('\t/* ') and ' -> ' in line])


async def test_newer_register_refused_untouched(env):
    """a register written by a newer vigil (higher user_version) is refused and left byte for byte as it was"""
    if not env.vigil.running():  # the test before skipped: a register of this vigil's own
        env.start_vigil()
    env.vigil.stop()
    db = env.vigil.db
    con = sqlite3.connect(db)
    version = con.execute('PRAGMA user_version').fetchone()[0]
    con.execute('PRAGMA user_version = %d' % (version + 1))
    con.commit()
    con.close()
    digest = hashlib.sha256(open(db, 'rb').read()).hexdigest()
    offset = len(env.vigil.log_text())
    env.vigil.start()
    code = env.vigil.wait_exit(30)
    log = env.vigil.log_text()[offset:]
    assert code not in (None, 0), 'vigil started on a newer register (exit %s)' % code
    assert 'newer vigil' in log, log[-2000:]
    assert hashlib.sha256(open(db, 'rb').read()).hexdigest() == digest, 'the register was changed'
    con = sqlite3.connect(db)
    con.execute('PRAGMA user_version = %d' % version)
    con.commit()
    con.close()
    env.vigil.stop()
    env.start_vigil()  # and the same file, back at its version, opens again
    return 'exit %d, the file unchanged (sha256 %s…)' % (code, digest[:12])


def env_factory():
    """The previous release is built in the set-up, not in the test: a cold
    build (autogen, configure, make) may take longer than a test's two
    minutes, and blocks the test's event loop while it runs."""
    env = Env(start_vigil=False)
    try:
        env.previous = build_previous(previous_commit())
    except Skip as why:
        env.previous = why
    except BaseException:
        env.cleanup()
        raise
    return env


if __name__ == '__main__':
    run([test_previous_release_migrates, test_newer_register_refused_untouched], env_factory)
