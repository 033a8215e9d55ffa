# SPDX-License-Identifier: MIT
"""Fault injection: vigil killed with SIGKILL and Prosody
restarted during a burst of filings, a full disk and a read-only file system
under the database, and a corrupt database at start.

Each test reports its figures (filings acknowledged vs. found afterwards) in
its TAP name and in '# ' lines. The storage tests mount their own small tmpfs
(they run as root) and unmount it whatever happens; without mount they are
skipped.
"""
import asyncio
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from harness import (COMPONENT, NS_COMMANDS, NS_DATA, NS_THREAT, Skip, command_of, connect,
                     error_of, form_values, notes, run, sentinel, threat_rows)
from slixmpp.exceptions import IqError
from slixmpp.xmlstream import ET

BURST_CLIENTS = ('alice', 'bob', 'carol')
BURST_PER_CLIENT = 30
BURST_SPACING = 0           # seconds between two filings of one client (all at once)
BURST_TIMEOUT = 6          # an unanswered filing counts as lost after this long


def diag(text):
    for line in str(text).splitlines():
        print('# ' + line)
    sys.stdout.flush()


def text_of_error(iq):
    err = iq.xml.find('{jabber:client}error')
    text = err.find('{urn:ietf:params:xml:ns:xmpp-stanzas}text') if err is not None else None
    return text.text or '' if text is not None else ''


# --- bursts -----------------------------------------------------------------

async def concurrent_file(client, fields, timeout):
    """A single-stage `file` in an iq of its own id: Client.command sends
    every iq with id '0', so concurrent requests of one client would clash."""
    cmd = ET.Element('{%s}command' % NS_COMMANDS, node='file', action='execute')
    x = ET.SubElement(cmd, '{%s}x' % NS_DATA, type='submit')
    for var, value in dict({'FORM_TYPE': NS_THREAT}, **fields).items():  # echoed as clients do
        field = ET.SubElement(x, '{%s}field' % NS_DATA, var=var)
        ET.SubElement(field, '{%s}value' % NS_DATA).text = value
    iq = client.make_iq(id=client.new_id(), ito=COMPONENT, itype='set')
    iq.append(cmd)
    try:
        return await iq.send(timeout=timeout)
    except IqError as e:
        return e.iq


class Burst:
    """Several clients filing at once; what each filing got back. The fault
    is injected from the reply handler that sees the Nth acknowledgement,
    while the rest of the burst is still on its way."""

    def __init__(self, tag):
        self.tag = tag
        self.sent = 0
        self.completed = {}     # name -> id, for every `completed` answer
        self.failed = {}        # name -> a short reason (error, timeout, exception)
        self.fault = None
        self.at_fault = None    # (acknowledged, sent but unanswered) when it struck

    def name(self, user, i):
        return '%s %s %02d' % (self.tag, user, i)

    def _acknowledged(self, name, tid):
        self.completed[name] = tid
        if self.fault and len(self.completed) >= self.after_acks:
            fault, self.fault = self.fault, None
            self.at_fault = (len(self.completed),
                             self.sent - len(self.completed) - len(self.failed))
            fault()

    async def _one(self, client, user, i):
        name = self.name(user, i)
        self.sent += 1
        try:
            reply = await concurrent_file(
                client, timeout=BURST_TIMEOUT,
                fields={'name': name, 'abstract': 'filed during a fault (%s)' % self.tag,
                        'definition': ('%s, filed by %s. ' % (name, user)) * 100,
                        'likelihood': ('low', 'medium', 'high')[i % 3]})
        except Exception as e:  # a client that lost its connection, a timeout
            self.failed[name] = type(e).__name__  # IqTimeout: sent, never answered
            return
        cmd = command_of(reply)
        if reply['type'] == 'result' and cmd is not None and cmd.get('status') == 'completed':
            self._acknowledged(name, form_values(cmd)['id'])
        elif reply['type'] == 'error':
            self.failed[name] = '%s %r' % ('/'.join(filter(None, error_of(reply))),
                                           text_of_error(reply))
        else:
            self.failed[name] = 'status %s' % (cmd.get('status') if cmd is not None else '?')

    async def _client(self, client, user):
        tasks = []
        for i in range(BURST_PER_CLIENT):
            tasks.append(asyncio.ensure_future(self._one(client, user, i)))
            await asyncio.sleep(BURST_SPACING)  # real time: the burst's pace
        await asyncio.gather(*tasks)

    async def run(self, clients, fault, after_acks):
        """Files from every client at once; calls fault() (blocking) once
        `after_acks` filings were acknowledged."""
        self.fault, self.after_acks = fault, after_acks
        await asyncio.wait_for(
            asyncio.gather(*(self._client(c, u) for c, u in zip(clients, BURST_CLIENTS))),
            BURST_TIMEOUT + 30)
        assert self.at_fault, 'the burst ended before the fault (%d acknowledged): %s' % (
            len(self.completed), sorted(set(self.failed.values())))
        return self.at_fault


def register_rows(db):
    """(id, name, revisions) of every threat, read with a read-only sqlite
    connection (WAL: vigil may keep running)."""
    con = sqlite3.connect('file:%s?mode=ro' % db, uri=True, timeout=5)
    try:
        assert con.execute('PRAGMA quick_check').fetchone()[0] == 'ok', 'the database is damaged'
        return con.execute(
            'SELECT t.id, t.name, (SELECT count(*) FROM threat_revisions r '
            'WHERE r.threat_id = t.id) FROM threats t ORDER BY t.id').fetchall()
    finally:
        con.close()


async def list_all(client):
    """Every row of the `list` command (all statuses), page by page."""
    cmd = command_of(await client.command(
        'list', fields={'status': ['identified', 'analyzed', 'addressed', 'retired']}))
    rows = threat_rows(cmd)
    sid = cmd.get('sessionid')
    for _ in range(200):
        if cmd.find('{%s}actions/{%s}next' % (NS_COMMANDS, NS_COMMANDS)) is None:
            break
        cmd = command_of(await client.command('list', action='next', sessionid=sid))
        rows += threat_rows(cmd)
    assert cmd.find('{%s}actions/{%s}next' % (NS_COMMANDS, NS_COMMANDS)) is None, \
        'list never reached its last page'
    return rows


async def check_register(env, burst, client):
    """Every acknowledged filing is in the register once, under its id, and
    nothing is there twice. Returns the figures."""
    listed = await list_all(client)
    ids = [r['id'] for r in listed]
    assert len(ids) == len(set(ids)), 'an id is listed twice: %s' % sorted(ids)
    names = [r['name'] for r in listed if r['name'].startswith(burst.tag + ' ')]
    twice = sorted({n for n in names if names.count(n) > 1})
    rows = [r for r in register_rows(env.vigil.db) if r[1].startswith(burst.tag + ' ')]
    stored = {}
    for tid, name, revisions in rows:
        stored.setdefault(name, []).append(tid)
        assert revisions == 1, '%s has %d revisions after one filing' % (name, revisions)
    twice += sorted(n for n, tids in stored.items() if len(tids) > 1 and n not in twice)
    missing = sorted(n for n in burst.completed if n not in stored)
    for name, tid in sorted(burst.completed.items()):
        if name in missing:
            continue
        reply = await client.command('show', fields={'id': tid})
        cmd = command_of(reply)
        assert cmd is not None and cmd.get('status') == 'completed', (tid, reply)
        assert form_values(cmd)['name'] == name, '%s acknowledged as %s, shown as %r' % (
            name, tid, form_values(cmd)['name'])
    unacked = sorted(n for n in stored if n not in burst.completed)
    figures = {'sent': burst.sent, 'acknowledged': len(burst.completed),
               'failed': len(burst.failed), 'found': len(stored), 'listed': len(names),
               'missing': len(missing), 'twice': len(twice), 'found_unacknowledged': len(unacked)}
    diag('%s: %d issued, %d acknowledged completed, %d answered with an error or unanswered; '
         '%d found in the register (%d listed), of them %d never acknowledged; '
         '%d acknowledged but missing, %d there twice' % (
             burst.tag, burst.sent, len(burst.completed), len(burst.failed), len(stored),
             len(names), len(unacked), len(missing), len(twice)))
    reasons = sorted(set(burst.failed.values()))
    if reasons:
        diag('%s: not completed: %s' % (burst.tag, ', '.join(
            '%d x %s' % (list(burst.failed.values()).count(r), r) for r in reasons)))
    assert not missing, 'acknowledged but not in the register: %s' % missing
    assert not twice, 'in the register twice: %s' % twice
    assert len(names) == len(stored), 'list shows %d, the database holds %d' % (
        len(names), len(stored))
    return figures


async def test_sigkill_during_burst(env):
    """SIGKILL during a burst of filings: every acknowledged filing is there after the restart, none twice"""
    clients = [await connect(env.prosody, u, 'burst') for u in BURST_CLIENTS]
    burst = Burst('kill9')
    try:
        acked, in_flight = await burst.run(clients, env.vigil.kill, after_acks=15)
        diag('kill9: SIGKILL after %d acknowledgements, %d filings issued and unanswered then' % (
            acked, in_flight))
        env.start_vigil()
        figures = await check_register(env, burst, clients[0])
        # vigil files normally after the crash, with a fresh id
        reply = await clients[1].command('file', fields={'name': 'after kill9', 'abstract': 'x'})
        assert command_of(reply).get('status') == 'completed', reply
        assert form_values(command_of(reply))['id'] not in burst.completed.values()
    finally:
        for c in clients:
            await c.stop()
    return '%(acknowledged)d acknowledged, %(found)d found, %(missing)d missing, %(twice)d twice' % figures


async def test_prosody_restart_during_burst(env):
    """Prosody restarted during a burst of filings: every acknowledged filing is there once"""
    clients = [await connect(env.prosody, u, 'burst') for u in BURST_CLIENTS]
    burst = Burst('prosody')
    offset = len(env.vigil.log_text())
    try:
        acked, in_flight = await burst.run(clients, env.prosody.restart, after_acks=15)
        diag('prosody: restarted after %d acknowledgements, %d filings issued and unanswered then' % (
            acked, in_flight))
    finally:
        for c in clients:
            await c.stop()
    env.vigil.wait_log(r'joined \S+ as vigil', timeout=20, after=offset)
    assert env.vigil.running(), 'vigil died when the server went away'
    # the clients come back
    clients = [await connect(env.prosody, u, 'again') for u in BURST_CLIENTS]
    try:
        await clients[2].join()
        await clients[2].wait_occupant('vigil', timeout=20)
        figures = await check_register(env, burst, clients[0])
        reply = await clients[1].command('file', fields={'name': 'after prosody', 'abstract': 'x'})
        assert command_of(reply).get('status') == 'completed', reply
    finally:
        for c in clients:
            await c.stop()
    return '%(acknowledged)d acknowledged, %(found)d found, %(missing)d missing, %(twice)d twice' % figures


# --- storage faults -----------------------------------------------------------

class Tmpfs:
    """A small tmpfs of our own for the database; always unmounted again."""

    def __init__(self, size='4m'):
        self.dir = tempfile.mkdtemp(prefix='vigil-faults-')
        try:
            p = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=%s,mode=0700' % size,
                                'tmpfs', self.dir], capture_output=True, text=True, timeout=30)
            why = p.stderr.strip() or 'exit %d' % p.returncode
        except OSError as e:  # no mount(8)
            p, why = None, str(e)
        self.mounted = p is not None and p.returncode == 0
        if not self.mounted:
            os.rmdir(self.dir)
            raise Skip('cannot mount a tmpfs here: %s' % why.splitlines()[0])
        self.db = os.path.join(self.dir, 'vigil.db')

    def remount(self, mode):
        p = subprocess.run(['mount', '-o', 'remount,' + mode, self.dir], capture_output=True,
                           text=True, timeout=30)
        return p.returncode, p.stderr.strip()

    def fill(self):
        """Fills the file system to the last byte."""
        subprocess.run(['dd', 'if=/dev/zero', 'of=' + os.path.join(self.dir, 'filler'), 'bs=4k'],
                       capture_output=True, timeout=60)
        st = os.statvfs(self.dir)
        assert st.f_bavail == 0, 'the tmpfs still has %d blocks free' % st.f_bavail

    def unfill(self):
        os.unlink(os.path.join(self.dir, 'filler'))

    def cleanup(self):
        if self.mounted:
            self.remount('rw')
            p = subprocess.run(['umount', self.dir], capture_output=True, text=True, timeout=30)
            if p.returncode != 0:  # something still holds it: detach it all the same
                subprocess.run(['umount', '-l', self.dir], capture_output=True, timeout=30)
            self.mounted = False
        os.rmdir(self.dir)


def refusal(reply):
    """What the user was told when a write was refused: the error note of
    an `executing` answer (the form kept) or the text of an iq error. None
    when the command completed."""
    cmd = command_of(reply)
    if reply['type'] == 'error':
        return 'iq error %s' % (error_of(reply),), text_of_error(reply), None
    if cmd is not None and cmd.get('status') == 'completed':
        return None
    errors = [t for k, t in notes(cmd) if k == 'error']
    return 'note', ' '.join(errors), form_values(cmd)


async def check_refused_and_reads(client, cause_words, known, problems):
    """A filing is refused with a message naming the cause; list (over
    several pages) and show of the known threats still answer. What goes
    wrong is added to `problems`; returns what the user was told."""
    big = {'name': 'refused filing', 'abstract': 'a' * 2000, 'definition': 'd' * 16000}
    reply = await client.command('file', fields=big)
    got = refusal(reply)
    if got is None:
        problems.append('a filing completed on the faulty storage: %s' % reply)
        return 'completed', ''
    kind, text, form = got
    diag('refused filing: %s: %r' % (kind, text))
    if not re.search(cause_words, text, re.I):
        problems.append('the refusal does not say why (/%s/): %s %r' % (cause_words, kind, text))
    if kind == 'note' and form.get('name') != big['name']:
        problems.append('the error note came without the submitted values')
    # reads go on: show each, and list page by page (list_page = 2)
    for tid, name in known.items():
        reply = await client.command('show', fields={'id': tid})
        cmd = command_of(reply)
        if reply['type'] != 'result' or cmd.get('status') != 'completed' \
                or form_values(cmd).get('name') != name:
            problems.append('show %s: %s' % (tid, reply))
    reply = await client.command('list', fields={})
    rows = []
    while True:
        cmd = command_of(reply)
        if reply['type'] != 'result':
            problems.append('list, page %d: %s %r' % (len(rows) // 2 + 1, error_of(reply),
                                                      text_of_error(reply)))
            break
        # a `next` past the last page completes it ("Done."): no lines
        rows += threat_rows(cmd) if 'threats' in form_values(cmd) else []
        if cmd.get('status') != 'executing' or len(rows) > len(known):
            if sorted(r['id'] for r in rows) != sorted(known):
                problems.append('list shows %s, expected %s' % (
                    [r['id'] for r in rows], sorted(known)))
            break
        reply = await client.command('list', action='next', sessionid=cmd.get('sessionid'))
    return kind, text


async def file_ok(client, name):
    reply = await client.command('file', fields={'name': name, 'abstract': 'x'})
    cmd = command_of(reply)
    assert reply['type'] == 'result' and cmd.get('status') == 'completed', (
        'filing %r: %s' % (name, reply))
    return form_values(cmd)['id']


async def seed(client, count=3):
    known = {}
    for i in range(count):
        name = 'before the fault %d' % i
        known[await file_ok(client, name)] = name
    return known


def stored_names(db):
    return [name for _, name, _ in register_rows(db)]


async def test_disk_full(env):
    """disk full: a filing is refused with a clear message, reads go on, filing works again once space is back"""
    fs = Tmpfs()
    old = env.restart_vigil(start=False, storage__path=fs.db, commands__list_page=2)
    problems = []
    try:
        env.start_vigil()
        alice = await connect(env.prosody, 'alice')
        try:
            known = await seed(alice)
            fs.fill()
            kind, text = await check_refused_and_reads(alice, r'full|space', known, problems)
            assert env.vigil.running(), 'vigil died on a full disk'
            fs.unfill()
            try:
                tid = await file_ok(alice, 'after the disk was full')
                known[tid] = 'after the disk was full'
            except AssertionError as e:
                problems.append('no recovery once space is back: %s' % e)
        finally:
            await alice.stop()
        if 'refused filing' in stored_names(fs.db):
            problems.append('the refused filing was stored')
        assert not problems, '\n'.join(problems)
        assert sorted(stored_names(fs.db)) == sorted(known.values())
    finally:
        env.vigil.stop()
        fs.cleanup()
        env.restart_vigil(**old)
    return 'refused with %s: %s' % (kind, text[:80])


async def test_read_only(env):
    """read-only file system: a filing is refused with a clear message, reads go on, filing works again once writable"""
    fs = Tmpfs()
    old = env.restart_vigil(start=False, storage__path=fs.db, commands__list_page=2)
    how = 'live'
    problems = []
    try:
        env.start_vigil()
        alice = await connect(env.prosody, 'alice')
        try:
            known = await seed(alice)
            rc, err = fs.remount('ro')
            if rc != 0:
                # Linux refuses to make a file system read-only while a file on
                # it is open for writing (vigil keeps its database open), so the
                # fault is injected around a restart: vigil starts on it.
                assert 'busy' in err, 'remount,ro failed: %s' % err
                how = 'at start'
                diag('remount,ro refused while vigil runs (%s): vigil restarted on the '
                     'read-only file system instead' % err)
                env.vigil.stop()
                rc, err = fs.remount('ro')
                assert rc == 0, 'remount,ro with vigil stopped: %s' % err
                offset = len(env.vigil.log_text())
                try:
                    env.start_vigil()
                except AssertionError:
                    raise AssertionError('vigil did not come up on a read-only database: '
                                         'exit %s, log: %s' % (
                                             env.vigil.wait_exit(1),
                                             env.vigil.log_text()[offset:].strip()))
                await alice.stop()
                alice = await connect(env.prosody, 'alice')
            kind, text = await check_refused_and_reads(alice, r'read-only|read only', known,
                                                       problems)
            assert env.vigil.running(), 'vigil died on a read-only file system'
            rc, err = fs.remount('rw')
            assert rc == 0, 'remount,rw: %s' % err
            try:
                tid = await file_ok(alice, 'after the file system was read-only')
                known[tid] = 'after the file system was read-only'
            except AssertionError as e:
                problems.append('no recovery once writable: %s' % e)
        finally:
            await alice.stop()
        if 'refused filing' in stored_names(fs.db):
            problems.append('the refused filing was stored')
        assert not problems, '\n'.join(problems)
        assert sorted(stored_names(fs.db)) == sorted(known.values())
    finally:
        env.vigil.stop()
        fs.cleanup()
        env.restart_vigil(**old)
    return '(%s) refused with %s: %s' % (how, kind, text[:80])


# --- corrupt database -----------------------------------------------------------

async def test_corrupt_database(env):
    """a corrupt database at start: a clear message naming the file, a non-zero exit, the file untouched"""
    work = tempfile.mkdtemp(prefix='vigil-corrupt-')
    old = None
    results = []
    try:
        garbage = os.path.join(work, 'garbage', 'vigil.db')
        os.makedirs(os.path.dirname(garbage))
        line = 'this is not a database, it is the minutes of the SIG meeting\n'
        with open(garbage, 'w') as f:
            f.write((line * (4096 // len(line) + 1))[:4096])
        # a real register whose pages after the first were overwritten
        damaged = os.path.join(work, 'damaged', 'vigil.db')
        os.makedirs(os.path.dirname(damaged))
        env.vigil.stop()  # cleanly: the WAL is checkpointed into the file
        shutil.copyfile(env.vigil.db, damaged)
        size = os.path.getsize(damaged)
        assert size >= 4 * 4096, 'the register is too small to damage: %d bytes' % size
        with open(damaged, 'r+b') as f:
            f.seek(4096)
            f.write(b'\xa5\x5a' * ((size - 4096) // 2))
        for what, path in (('4096 bytes of text', garbage), ('damaged pages', damaged)):
            with open(path, 'rb') as f:
                before = f.read()
            replaced = env.restart_vigil(start=False, storage__path=path)
            old = old or replaced
            offset = len(env.vigil.log_text())
            started = time.monotonic()
            env.vigil.start()
            code = env.vigil.wait_exit(15)
            took = time.monotonic() - started
            log = env.vigil.log_text()[offset:]
            env.vigil.stop()
            errors = [l for l in log.splitlines() if ' error: ' in l]
            diag('%s: exit %s after %.2f s: %s' % (what, code, took, errors or log[-300:]))
            assert code is not None, '%s: vigil still running after 15 s' % what
            assert code != 0, '%s: vigil exited 0' % what
            assert errors and path in errors[0], '%s: no error naming %s: %r' % (what, path, log)
            assert re.search(r'damaged|corrupt|not a database|integrity', errors[0]), errors[0]
            with open(path, 'rb') as f:
                assert f.read() == before, '%s: the file was changed' % what
            extra = sorted(set(os.listdir(os.path.dirname(path))) - {'vigil.db'})
            assert not extra, '%s: vigil left %s beside the file' % (what, extra)
            results.append('%s: exit %s in %.1f s' % (what, code, took))
    finally:
        if old is not None:
            env.restart_vigil(**old)
        elif not env.vigil.running():
            env.start_vigil()
        shutil.rmtree(work, ignore_errors=True)
    return '; '.join(results)


async def test_sessions_expired_while_down(env):
    """sessions a killed vigil left, expired meanwhile, are removed as soon as vigil is back (not a sweep interval later, which a vigil restarted more often never reached)"""
    carol = await connect(env.prosody, 'carol')
    try:
        cmd = command_of(await carol.command('edit'))
        assert cmd.get('status') == 'executing', cmd
        sid = cmd.get('sessionid')
    finally:
        await carol.stop()
    env.vigil.kill()
    con = sqlite3.connect(env.vigil.db)
    try:  # expired while vigil was down (as if it had been down long)
        assert con.execute('UPDATE sessions SET expires = 1 WHERE id = ?', (sid,)).rowcount == 1
        con.commit()
    finally:
        con.close()
    env.start_vigil()
    alice = await connect(env.prosody, 'alice')
    try:
        await sentinel(alice)  # vigil has turned its loop since it started
    finally:
        await alice.stop()
    con = sqlite3.connect('file:%s?mode=ro' % env.vigil.db, uri=True)
    try:
        left = con.execute('SELECT count(*) FROM sessions WHERE id = ?', (sid,)).fetchone()[0]
    finally:
        con.close()
    assert left == 0, 'the expired session is still stored'


if __name__ == '__main__':
    run([test_sigkill_during_burst, test_prosody_restart_during_burst, test_disk_full,
         test_read_only, test_corrupt_database, test_sessions_expired_while_down])
