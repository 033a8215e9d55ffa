# SPDX-License-Identifier: MIT
"""The chaos run (`make chaos`): mixed load from several clients
while faults strike at random moments, and after every round the
invariants checked against the database and what the clients received.

Load (each client a loop of its own): alice (admin) files, edits her
threats and retires; bob (assessor) assesses; carol files by chat command
(`!file`), edits hers, subscribes and unsubscribes; erin pages through
`list`. dave is the witness: in the room (its lines) and subscribed to the
`threats` node (one notification per revision).

Faults, one a round at a random moment of the load: vigil SIGKILLed and
restarted; the XMPP server restarted (the proxy holds vigil off until the
witness is back, so that what vigil sends after the restart can arrive);
and, through tests/integration/fault_proxy.py between vigil and the server, the
component connection dropped, reset in the middle of a chunk, left
half-open, delayed, slowed.

Invariants after every round (a violation is printed and counted; the
run fails if any):
  - every acknowledged change is stored exactly once with its revision
    (a filing: one threat of that name; an edit, assessment or retirement:
    exactly one revision introduced its marker);
  - revisions are 1..n without a gap for every threat;
  - every committed revision reached the subscriber (item T-n, payload
    revision r) at least once, and every filing, retirement and priority
    change has its room line (bursts "T-a…T-b: k threats ..." credit k of
    them), duplicates counted;
  - vigil is back in the room and answers;
  - no session leaks: no expired session row left after a sweep, and no
    more rows than multi-stage commands left unfinished by faults;
  - PRAGMA integrity_check is ok.

Environment: CHAOS_ROUNDS (100), CHAOS_SEED, CHAOS_FAULTS (kinds, all by
default), CHAOS_BREAK=<invariant> to break one check on purpose (shows the
checks can fail), CHAOS_KEEP=1 to keep vigil's and the server's folders,
VIGIL_BIN.
Prints a table of figures at the end and writes them as JSON
(tests/results/envelope.py: date, machine, commit) to tests/chaos/results/
(or $CHAOS_RESULTS), named by date and commit; `make results` renders them
into doc/RESULTS.md.
"""
import asyncio
import contextlib
import io
import os
import random
import re
import signal
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
sys.path.insert(0, os.path.join(HERE, '..', 'results'))

import envelope  # noqa: E402
import harness  # noqa: E402
from harness import (COMPONENT, NS_COMMANDS, NS_DATA, NS_EVENT, NS_THREAT, ROOM, Client,  # noqa: E402
                     command_of, form_values, pubsub, threat_rows)
from fault_proxy import FaultProxy  # noqa: E402
from slixmpp.exceptions import IqError, IqTimeout  # noqa: E402
from slixmpp.xmlstream import ET  # noqa: E402

ROUNDS = int(os.environ.get('CHAOS_ROUNDS', '100'))
SEED = int(os.environ.get('CHAOS_SEED', str(int(time.time()))))
BREAK = os.environ.get('CHAOS_BREAK', '')
ALL_FAULTS = ('kill', 'server', 'drop', 'reset', 'half_open', 'delay', 'slow')
FAULTS = tuple(os.environ.get('CHAOS_FAULTS', ' '.join(ALL_FAULTS)).split())
OP_TIMEOUT = 5
RECOVERY_TIMEOUT = 60
SESSION_TIMEOUT = 10


def say(text):
    print(text)
    sys.stdout.flush()


class Ledger:
    """What the clients were told: acknowledged changes and their markers."""

    def __init__(self):
        self.filings = {}     # name -> (id, who) acknowledged
        self.markers = []     # (kind, id, column, marker) acknowledged edits/assessments/retirements
        self.open = {}        # multi-stage commands not ended (a session row may stay): token -> when
        self.cut_off = 0      # of which a fault left unanswered
        self.failed_ops = 0
        self.ops = {}         # kind -> count acknowledged
        self.seq = 0

    def open_session(self):
        self.seq += 1
        self.open[self.seq] = time.monotonic()
        return self.seq

    def close_session(self, token):
        self.open.pop(token, None)

    def may_hold_rows(self, horizon):
        """Sessions not ended and younger than horizon seconds."""
        now = time.monotonic()
        return sum(1 for t in self.open.values() if now - t < horizon)

    def ack(self, kind):
        self.ops[kind] = self.ops.get(kind, 0) + 1

    def next(self, tag):
        self.seq += 1
        return '%s-%d' % (tag, self.seq)


async def iq_command(client, node, action='execute', sessionid=None, fields=None):
    """One XEP-0050 request with an iq id of its own (concurrent requests)."""
    cmd = ET.Element('{%s}command' % NS_COMMANDS, node=node)
    if action:
        cmd.set('action', action)
    if sessionid:
        cmd.set('sessionid', sessionid)
    if fields is not None:
        x = ET.SubElement(cmd, '{%s}x' % NS_DATA, type='submit')
        for var, value in dict({'FORM_TYPE': NS_THREAT}, **fields).items():
            field = ET.SubElement(x, '{%s}field' % NS_DATA, var=var)
            for v in value if isinstance(value, list) else str(value).split('\n'):
                ET.SubElement(field, '{%s}value' % NS_DATA).text = v
    iq = client.make_iq(id=client.new_id(), ito=COMPONENT, itype='set')
    iq.append(cmd)
    try:
        reply = await iq.send(timeout=OP_TIMEOUT)
    except IqError as e:
        reply = e.iq
    return command_of(reply) if reply['type'] == 'result' else None


def completed(cmd):
    return cmd is not None and cmd.get('status') == 'completed'


class Load:
    """The clients and their loops."""

    def __init__(self, chaos):
        self.chaos = chaos
        self.ledger = chaos.ledger
        self.clients = {}
        self.own = {'alice': [], 'carol': []}   # threat ids each may edit
        self.subscribed = None                   # carol's last acknowledged state of `priority`
        self.sub_pending = False                 # an unacknowledged (un)subscribe since

    async def connect_all(self):
        server = self.chaos.server
        for user in ('alice', 'bob', 'carol', 'erin'):
            self.clients[user] = await Client(user, 'chaos').start(server)

    async def disconnect_all(self):
        for c in self.clients.values():
            try:
                await c.stop()
            except Exception:
                pass
        self.clients = {}

    def ids(self):
        return [tid for _, (tid, _) in self.ledger.filings.items()]

    async def op_file(self, user):
        name = self.ledger.next('f')
        cmd = await iq_command(self.clients[user], 'file',
                               fields={'name': name, 'abstract': 'chaos ' + name,
                                       'likelihood': random.choice(('low', 'medium', 'high'))})
        if completed(cmd):
            tid = form_values(cmd)['id']
            self.ledger.filings[name] = (tid, user)
            self.own.setdefault(user, []).append(tid)
            self.ledger.ack('file')

    async def op_chat_file(self, user):
        name = self.ledger.next('c')
        client = self.clients[user]
        start = len(client.messages)
        client.send_message(mto=COMPONENT, mbody='!file %s | chat %s' % (name, name), mtype='chat')
        deadline = time.monotonic() + OP_TIMEOUT
        while time.monotonic() < deadline:
            for m in client.messages[start:]:
                if m['from'].bare == COMPONENT and m['type'] == 'chat':
                    found = re.search(r'(T-\d+)', m['body'] or '')
                    if found and name in m['body']:
                        self.ledger.filings[name] = (found.group(1), user)
                        self.own.setdefault(user, []).append(found.group(1))
                        self.ledger.ack('chat-file')
                        return
            await asyncio.sleep(0.05)

    async def two_stage(self, user, node, tid, fields_of, kind, column, marker):
        client = self.clients[user]
        token = self.ledger.open_session()  # until it ends either way
        cmd = await iq_command(client, node)
        if cmd is None:
            return
        if cmd.get('status') != 'executing':
            self.ledger.close_session(token)
            return
        sid = cmd.get('sessionid')
        cmd = await iq_command(client, node, action='next', sessionid=sid, fields={'id': tid})
        if cmd is None:
            return
        if cmd.get('status') == 'executing':
            cmd = await iq_command(client, node, action='complete', sessionid=sid,
                                   fields=fields_of(form_values(cmd)))
            if cmd is None:
                return
            if completed(cmd):
                self.ledger.markers.append((kind, tid, column, marker))
                self.ledger.ack(kind)
            elif cmd.get('status') == 'executing':  # refused (stale): end the session
                if await iq_command(client, node, action='cancel', sessionid=sid) is None:
                    return
        self.ledger.close_session(token)

    async def op_edit(self, user):
        if not self.own.get(user):
            return
        tid = random.choice(self.own[user])
        marker = self.ledger.next('e')

        def fields_of(values):
            values.pop('FORM_TYPE', None)
            values['gap'] = marker
            values['damage'] = random.choice(('low', 'medium', 'high'))
            return values
        await self.two_stage(user, 'edit', tid, fields_of, 'edit', 'gap', marker)

    async def op_assess(self, user):
        ids = self.ids()
        if not ids:
            return
        marker = self.ledger.next('a')
        await self.two_stage(user, 'assess', random.choice(ids),
                             lambda v: {'likelihood': random.choice(('low', 'medium', 'high')),
                                        'damage': random.choice(('low', 'medium', 'high')),
                                        'rationale': marker},
                             'assess', 'note', marker)

    async def op_retire(self, user):
        ids = self.ids()
        if len(ids) < 5:
            return
        marker = self.ledger.next('r')
        tid = random.choice(ids)
        token = self.ledger.open_session()
        cmd = await iq_command(self.clients[user], 'retire', fields={'id': tid, 'reason': marker})
        if cmd is None:
            return
        if completed(cmd):
            self.ledger.markers.append(('retire', tid, 'note', marker))
            self.ledger.ack('retire')
        elif cmd.get('status') == 'executing':  # refused (retired already): end it
            if await iq_command(self.clients[user], 'retire', action='cancel',
                                sessionid=cmd.get('sessionid')) is None:
                return
        self.ledger.close_session(token)

    async def op_subscribe(self, user):
        client = self.clients[user]
        want = random.choice(('subscribe', 'unsubscribe'))
        self.sub_pending = True
        try:
            reply = await client.iq(pubsub(want, node='priority', jid=client.boundjid.bare),
                                    itype='set', timeout=OP_TIMEOUT)
        except IqTimeout:
            return
        if reply['type'] == 'result':
            self.subscribed, self.sub_pending = want == 'subscribe', False
            self.ledger.ack(want)

    async def op_list(self, user):
        client = self.clients[user]
        token = self.ledger.open_session()
        cmd = await iq_command(client, 'list',
                               fields={'status': ['identified', 'analyzed', 'addressed', 'retired']})
        if cmd is None:
            return
        if cmd.get('status') != 'executing':
            self.ledger.close_session(token)
            token = None
        pages = 0
        while token and pages < 5 and \
                cmd.find('{%s}actions/{%s}next' % (NS_COMMANDS, NS_COMMANDS)) is not None:
            threat_rows(cmd)
            cmd = await iq_command(client, 'list', action='next', sessionid=cmd.get('sessionid'))
            pages += 1
            if cmd is None:
                return  # cut off: its row may stay until it expires
            if cmd.get('status') != 'executing':
                self.ledger.close_session(token)
                token = None
        if token:
            if await iq_command(client, 'list', action='cancel',
                                sessionid=cmd.get('sessionid')) is None:
                return
            self.ledger.close_session(token)
        self.ledger.ack('list')

    async def loop(self, user, ops, until):
        while time.monotonic() < until:
            op = random.choice(ops)
            try:
                await op(user)
            except Exception:  # a client cut off by a server restart, a timeout
                self.ledger.failed_ops += 1
                await asyncio.sleep(0.2)
            await asyncio.sleep(random.uniform(0, 0.05))

    async def run(self, seconds):
        until = time.monotonic() + seconds
        await asyncio.gather(
            self.loop('alice', [self.op_file, self.op_file, self.op_edit, self.op_retire], until),
            self.loop('bob', [self.op_assess], until),
            self.loop('carol', [self.op_chat_file, self.op_edit, self.op_subscribe], until),
            self.loop('erin', [self.op_list], until))


class Witness:
    """dave: in the room and subscribed to `threats`, never cut off except by
    a server restart (then back before vigil)."""

    def __init__(self, chaos):
        self.chaos = chaos
        self.room_lines = []        # vigil's lines in the room, across reconnections
        self.room_ids = set()       # their stanza-ids (XEP-0359): history seen live is not counted twice
        self.notifications = []     # (item id, revision)
        self.client = None

    def _collect(self, m):
        if m['type'] == 'groupchat' and m['from'].bare == ROOM and m['from'].resource == 'vigil':
            # the history the room sends on a rejoin holds lines already
            # seen live: those are told apart by the room's stanza-id
            sid = m.xml.find('{urn:xmpp:sid:0}stanza-id')
            sid = sid.get('id') if sid is not None and sid.get('by') == ROOM else None
            delayed = m.xml.find('{urn:xmpp:delay}delay') is not None
            if sid in self.room_ids or (delayed and sid is None):
                return
            if sid:
                self.room_ids.add(sid)
            self.room_lines.append(m['body'])
            return
        if m['from'] != COMPONENT:
            return
        items = m.xml.find('{%s}event/{%s}items' % (NS_EVENT, NS_EVENT))
        if items is None or items.get('node') != 'threats':
            return
        for item in items.findall('{%s}item' % NS_EVENT):
            payload = item.find('{%s}threat' % NS_THREAT)
            self.notifications.append((item.get('id'), payload.get('revision')
                                       if payload is not None else None))

    async def connect(self, subscribe=False):
        self.client = Client('dave', 'witness')
        self.client.register_handler(harness.Callback(
            'witness', harness.MatchXPath('{jabber:client}message'), self._collect))
        await self.client.start(self.chaos.server)
        # with the room's recent history: lines the server took while dave
        # was away (a server restart) come with it (keep_room_history)
        # (Debian's slixmpp 1.8 prints each history message's delay: kept quiet)
        with contextlib.redirect_stdout(io.StringIO()):
            _, _, _, history = await asyncio.wait_for(self.client['xep_0045'].join_muc_wait(
                ROOM, 'dave', maxstanzas=50), 10)
        for m in history:
            self._collect(m)
        if subscribe:
            reply = await self.client.iq(pubsub('subscribe', node='threats',
                                                jid=self.client.boundjid.bare), itype='set')
            assert reply['type'] == 'result', reply

    async def vigil_back(self, timeout):
        """Waits until vigil answers a ping and a command in the room."""
        deadline = time.monotonic() + timeout
        c = self.client
        while time.monotonic() < deadline:
            try:
                reply = await c.iq(ET.Element('{urn:xmpp:ping}ping'), timeout=2)
                if reply['type'] == 'result':
                    start = len(c.messages)
                    c.send_message(mto=ROOM, mbody='!help', mtype='groupchat')
                    end = time.monotonic() + 1
                    while time.monotonic() < end:
                        if any(m['type'] == 'groupchat' and m['from'].resource == 'vigil'
                               and '!file' in (m['body'] or '') for m in c.messages[start:]):
                            return True
                        await asyncio.sleep(0.02)
                else:  # the component is not connected (service-unavailable)
                    await asyncio.sleep(0.05)
            except Exception:
                await asyncio.sleep(0.05)
        return False


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def sanitizer(binary):
    """'ASan+UBSan', 'ASan' or 'UBSan' when vigil was built with them, else None."""
    try:
        with open(binary, 'rb') as f:
            image = f.read()
    except OSError:
        return None
    found = [name for name, symbol in (('ASan', b'__asan_init'), ('UBSan', b'__ubsan_handle_'))
             if symbol in image]
    return '+'.join(found) or None


def keep_room_history(server):
    """The SIG room as the README asks a deployment to keep it: persistent,
    with its history archived (Prosody's mod_muc_mam), so that a line the
    server took just before it stopped reaches the occupants when they are
    back. Without it such a line can be lost with the server's memory.
    Prosody only: ejabberd's MUC keeps its
    history in memory in the test configuration."""
    if not isinstance(server, harness.Prosody):
        return
    with open(server.config) as f:
        text = f.read()
    muc = 'Component "conference.localhost" "muc"\n'
    assert muc in text, 'the test configuration has no MUC service'
    text = text.replace(muc, muc + '\tmodules_enabled = { "muc_mam" }\n'
                        '\tmuc_log_all_rooms = true\n\tmuc_log_by_default = true\n')
    with open(server.config, 'w') as f:
        f.write(text)


class Chaos:
    def __init__(self):
        server = harness.Server()
        keep_room_history(server)
        self.server = server.start()
        self.proxy = FaultProxy(self.server.component_port)
        self.vigil = harness.Vigil(self.server, component__port=self.proxy.port,
                                   component__ping_interval=2, component__ping_timeout=2,
                                   component__reconnect_max_delay=1,
                                   room__selfping_interval=5,
                                   commands__session_timeout=SESSION_TIMEOUT)
        self.ledger = Ledger()
        self.faults = {k: 0 for k in FAULTS}
        self.recovery = {k: [] for k in FAULTS}
        self.violations = []
        self.seen = set()
        self.figures = {}

    def start_vigil(self):
        offset = len(self.vigil.log_text())
        self.vigil.start()
        self.vigil.wait_log(r'joined \S+ as ', 60, after=offset)

    def violation(self, rnd, text):
        """Counts a violation once, in the round it was first seen (the
        checks cover everything since the start, every round)."""
        if text in self.seen:
            return
        self.seen.add(text)
        self.violations.append('round %d: %s' % (rnd, text))
        say('# VIOLATION round %d: %s' % (rnd, text))

    async def inject(self, kind, load, witness):
        """Injects one fault; returns when it is over (the moment recovery is timed from)."""
        self.faults[kind] += 1
        if kind == 'kill':
            self.vigil.proc.send_signal(signal.SIGKILL)
            self.vigil.proc.wait(10)
            self.vigil.stop()
            await asyncio.sleep(random.uniform(0, 0.5))
            self.vigil.start()
        elif kind == 'server':
            self.proxy.inject('block')
            self.server.stop()
            self.proxy.inject('drop')
            self.server.start()
            await load.disconnect_all()
            await witness.connect()
            await load.connect_all()
            self.proxy.inject('unblock')
        elif kind == 'drop':
            self.proxy.inject(kind)
        elif kind == 'half_open':
            self.proxy.inject(kind, seconds=6)
        elif kind == 'reset':
            self.proxy.inject('reset')
            await asyncio.sleep(1)
            self.proxy.reset_stragglers()
        elif kind in ('delay', 'slow'):
            self.proxy.inject(kind, seconds=3)
            await asyncio.sleep(3)

    async def round(self, rnd, load, witness):
        kind = random.choice(FAULTS)
        seconds = random.uniform(2, 4)
        at = random.uniform(0.3, seconds - 0.5)
        task = asyncio.ensure_future(load.run(seconds))
        await asyncio.sleep(at)
        await self.inject(kind, load, witness)
        # timed from the end of the fault, while the load goes on
        healed = time.monotonic()
        back = await witness.vigil_back(RECOVERY_TIMEOUT)
        recovered = time.monotonic() - healed
        await task
        if not back:
            self.violation(rnd, 'vigil not back in the room %ds after %s' % (RECOVERY_TIMEOUT, kind))
            return kind
        self.recovery[kind].append(recovered)
        # everything caused so far written: no event left waiting
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        while self.waiting_events() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if self.waiting_events():
            self.violation(rnd, '%d announcement(s) still waiting' % self.waiting_events())
        await harness.sentinel(witness.client, room=True)
        self.check(rnd, witness)
        return kind

    def db(self):
        return sqlite3.connect('file:%s?mode=ro' % self.vigil.db, uri=True, timeout=10)

    def waiting_events(self):
        con = self.db()
        try:
            return con.execute('SELECT count(*) FROM events').fetchone()[0]
        finally:
            con.close()

    def check(self, rnd, witness):
        con = self.db()
        try:
            self._check(rnd, witness, con)
        finally:
            con.close()

    def _check(self, rnd, witness, con):
        f = self.figures = {}
        ok = con.execute('PRAGMA integrity_check').fetchall()
        if ok != [('ok',)] or BREAK == 'integrity':
            self.violation(rnd, 'integrity_check: %s' % ok[:3])
        # acknowledged filings: one threat each
        names = {}
        for (name,) in con.execute('SELECT name FROM threats'):
            names[name] = names.get(name, 0) + 1
        lost = twice = 0
        for name, (tid, _) in self.ledger.filings.items():
            n = names.get(name, 0)
            if BREAK == 'lost' and name == next(iter(self.ledger.filings)):
                n = 0
            if n == 0:
                lost += 1
                self.violation(rnd, 'acknowledged filing %s (%s) is not stored' % (name, tid))
            elif n > 1:
                twice += 1
                self.violation(rnd, 'acknowledged filing %s stored %d times' % (name, n))
            else:
                row = con.execute("SELECT 'T-' || id FROM threats WHERE name = ?", (name,)).fetchone()
                if row[0] != tid:
                    self.violation(rnd, 'filing %s acknowledged as %s, stored as %s' % (name, tid, row[0]))
        # acknowledged edits, assessments, retirements: exactly one revision introduced the marker
        for kind, tid, column, marker in self.ledger.markers:
            rows = con.execute(
                'SELECT r.revision FROM threat_revisions r LEFT JOIN threat_revisions p '
                'ON p.threat_id = r.threat_id AND p.revision = r.revision - 1 '
                'WHERE r.threat_id = ? AND r.%s = ? AND (p.%s IS NULL OR p.%s != ?)'
                % (column, column, column), (int(tid[2:]), marker, marker)).fetchall()
            if column == 'note':  # a note is the revision's own: exactly one row has it
                rows = con.execute('SELECT revision FROM threat_revisions WHERE threat_id = ? '
                                   'AND note = ?', (int(tid[2:]), marker)).fetchall()
            if not rows:
                lost += 1
                self.violation(rnd, 'acknowledged %s %s of %s is not stored' % (kind, marker, tid))
            elif len(rows) > 1:
                twice += 1
                self.violation(rnd, 'acknowledged %s %s of %s stored %d times' % (kind, marker, tid, len(rows)))
        f['lost'], f['twice'] = lost, twice
        # revisions gapless
        for tid, top, n, lo, hi in con.execute(
                'SELECT t.id, t.revision, count(r.revision), min(r.revision), max(r.revision) '
                'FROM threats t LEFT JOIN threat_revisions r ON r.threat_id = t.id GROUP BY t.id'):
            if BREAK == 'gapless':
                n -= 1
            if not (lo == 1 and hi == top and n == top):
                self.violation(rnd, 'T-%d: revisions %s..%s, %s rows, threat at %s' % (tid, lo, hi, n, top))
        # announcements: the subscriber
        got = {}
        for item, rev in witness.notifications:
            got[(item, rev)] = got.get((item, rev), 0) + 1
        missing = dup = expected = 0
        revisions = con.execute('SELECT threat_id, revision, who, status, priority '
                                'FROM threat_revisions ORDER BY threat_id, revision').fetchall()
        for tid, rev, *_ in revisions:
            expected += 1
            n = got.get(('T-%d' % tid, str(rev)), 0)
            if BREAK == 'announce' and expected == 1:
                n = 0
            if n == 0:
                missing += 1
                self.violation(rnd, 'T-%d revision %d never reached the subscriber' % (tid, rev))
            dup += max(0, n - 1)
        # announcements: the room
        want = []  # [kind, id, who, credited]
        prev = {}
        for tid, rev, who, status, priority in revisions:
            p = prev.get(tid)
            if rev == 1:
                want.append(['filed', tid, who, 0])
            elif status == 'retired' and p and p[0] != 'retired':
                want.append(['retired', tid, who, 0])
            elif p and p[1] != priority:
                want.append(['prio', tid, who, 0])
            prev[tid] = (status, priority)
        index = {}
        for w in want:
            index.setdefault((w[0], w[1]), []).append(w)
        room_dup = 0
        for line in witness.room_lines:
            line = line or ''
            # "T-12…T-40: 29 threats filed by alice@localhost; 2 critical"
            m = re.match(r'T-(\d+)…T-(\d+): (\d+) threats (filed|retired|assessed|edited) by ([^\s;]+)',
                         line)
            if m:
                a, b, k = int(m.group(1)), int(m.group(2)), int(m.group(3))
                verb = {'filed': 'filed', 'retired': 'retired'}.get(m.group(4), 'prio')
                for tid in range(a, b + 1):
                    for w in index.get((verb, tid), []):
                        if k and w[2] == m.group(5):
                            w[3] += 1
                            k -= 1
                            break
                room_dup += k  # lines for changes already credited
                continue
            m = re.match(r'T-(\d+) "(.*)" (filed|retired) by', line) or \
                re.match(r'T-(\d+) "(.*)": priority (\S+ → \S+)', line)
            if not m:
                continue
            verb = m.group(3) if m.group(3) in ('filed', 'retired') else 'prio'
            entries = index.get((verb, int(m.group(1))), [])
            target = next((w for w in entries if w[3] == 0), entries[0] if entries else None)
            if target is None:
                room_dup += 1
            else:
                target[3] += 1
        room_missing = 0
        for w in want:
            if BREAK == 'room' and w is want[0]:
                w[3] = 0
            if w[3] == 0:
                room_missing += 1
                self.violation(rnd, 'room line for %s of T-%d never came' % (w[0], w[1]))
            room_dup += max(0, w[3] - 1)
        f.update(expected=expected, missing=missing, dup=dup, room_expected=len(want),
                 room_missing=room_missing, room_dup=room_dup)
        # carol's subscription to `priority`, if her last (un)subscribe was acknowledged
        if self.load.subscribed is not None and not self.load.sub_pending:
            has = con.execute("SELECT count(*) FROM subscriptions WHERE node = 'priority' "
                              "AND jid = 'carol@localhost'").fetchone()[0]
            if bool(has) != self.load.subscribed:
                self.violation(rnd, 'carol\'s acknowledged %s of priority not stored' % (
                    'subscription' if self.load.subscribed else 'unsubscription'))
        # sessions
        now = int(time.time())
        rows, stale = con.execute('SELECT count(*), coalesce(sum(expires < ?), 0) FROM sessions',
                                  (now - 70,)).fetchone()
        if BREAK == 'sessions':
            stale += 1
        if stale:
            self.violation(rnd, '%d session row(s) expired more than a sweep ago' % stale)
        allowed = self.ledger.may_hold_rows(SESSION_TIMEOUT + 70)
        if rows > allowed:
            self.violation(rnd, '%d session rows, only %d commands left unfinished lately' % (
                rows, allowed))
        f['sessions'] = rows

    async def main(self):
        random.seed(SEED)
        self.start_vigil()
        witness = Witness(self)
        await witness.connect(subscribe=True)
        self.load = load = Load(self)
        await load.connect_all()
        say('# chaos: %d rounds, seed %d, vigil %s' % (ROUNDS, SEED, harness.VIGIL_BIN))
        self.started, self.machine = time.time(), envelope.machine(harness.SRCDIR)
        started = time.monotonic()
        for rnd in range(1, ROUNDS + 1):
            kind = await self.round(rnd, load, witness)
            f = self.figures
            say('round %d %-9s acks=%d lost=%d twice=%d sub-missing=%s dup=%s room-missing=%s '
                'room-dup=%s sessions=%s violations=%d' % (
                    rnd, kind, sum(v for k, v in self.ledger.ops.items() if k != 'list'),
                    f.get('lost', 0), f.get('twice', 0), f.get('missing'), f.get('dup'),
                    f.get('room_missing'), f.get('room_dup'), f.get('sessions'),
                    len(self.violations)))
        await load.disconnect_all()
        await witness.client.stop()
        if self.violations:
            self.dump(witness)
        asan = [line for line in self.vigil.log_text().splitlines()
                if 'ERROR: AddressSanitizer' in line or 'runtime error:' in line]
        if asan:
            self.violation(ROUNDS, 'sanitizer report in vigil log: %s' % asan[0])
        results = self.results(time.monotonic() - started)
        self.table(results)
        out = os.environ.get('CHAOS_RESULTS') or os.path.join(harness.SRCDIR, 'tests', 'chaos',
                                                              'results')
        (path,), _ = envelope.write(out + '/', self.started, harness.SRCDIR, results,
                                    self.machine)
        say('# written to %s' % path)
        return not self.violations

    def results(self, elapsed):
        """The run's figures, for the table and the JSON alike."""
        f, led = self.figures, self.ledger
        changes = {k: v for k, v in sorted(led.ops.items()) if k != 'list'}
        exp, room_exp = f.get('expected', 0), f.get('room_expected', 0)
        return {
            'rounds': ROUNDS, 'seed': SEED, 'seconds': round(elapsed, 1),
            'sanitizer': sanitizer(harness.VIGIL_BIN),
            'faults': dict(self.faults),
            'changes': sum(v for k, v in changes.items() if k not in ('subscribe', 'unsubscribe')),
            'acknowledged': changes,
            'list_pagings': led.ops.get('list', 0),
            'cut_off': led.failed_ops,
            'lost': f.get('lost', 0), 'stored_twice': f.get('twice', 0),
            'notifications': {'expected': exp, 'missing': f.get('missing', 0),
                              'duplicated': f.get('dup', 0)},
            'room_lines': {'expected': room_exp, 'missing': f.get('room_missing', 0),
                           'duplicated': f.get('room_dup', 0)},
            'unfinished': len(led.open),
            'recovery': {k: {'n': len(r), 'p50': percentile(r, 50), 'p99': percentile(r, 99)}
                         for k, r in self.recovery.items() if r},
            'violations': len(self.violations)}

    def table(self, r):
        def share(part, whole):
            return 100.0 * part / whole if whole else 0
        say('')
        say('| figure | value |')
        say('|---|---|')
        say('| rounds | %d (seed %d, %.0f s%s) |' % (
            r['rounds'], r['seed'], r['seconds'],
            ', ' + r['sanitizer'] if r['sanitizer'] else ''))
        say('| faults injected | %s |' % ', '.join('%s %d' % kv for kv in r['faults'].items()))
        say('| changes acknowledged | %d (%s) |' % (r['changes'], ', '.join(
            '%s %d' % kv for kv in r['acknowledged'].items())))
        say('| list pagings answered | %d |' % r['list_pagings'])
        say('| requests cut off by faults | %d |' % r['cut_off'])
        say('| lost | %d |' % r['lost'])
        say('| stored twice | %d |' % r['stored_twice'])
        n, room = r['notifications'], r['room_lines']
        say('| subscriber notifications missing | %d of %d revisions |' % (
            n['missing'], n['expected']))
        say('| subscriber notifications duplicated | %d (%.2f %%) |' % (
            n['duplicated'], share(n['duplicated'], n['expected'])))
        say('| room lines missing | %d of %d |' % (room['missing'], room['expected']))
        say('| room lines duplicated | %d (%.2f %%) |' % (
            room['duplicated'], share(room['duplicated'], room['expected'])))
        say('| commands left unfinished by faults | %d |' % r['unfinished'])
        for k, rec in r['recovery'].items():
            say('| recovery after %s (n=%d) | p50 %.2f s, p99 %.2f s |' % (
                k, rec['n'], rec['p50'], rec['p99']))
        say('| invariant violations | %d |' % r['violations'])

    def dump(self, witness):
        """What the witness received, beside vigil's log, for a violation."""
        with open(os.path.join(self.vigil.dir, 'witness.txt'), 'w') as f:
            for line in witness.room_lines:
                f.write('room: %s\n' % line)
            for item, rev in witness.notifications:
                f.write('item: %s r%s\n' % (item, rev))

    def cleanup(self):
        self.vigil.stop()
        self.proxy.stop()
        self.server.stop()
        if not self.violations and not os.environ.get('CHAOS_KEEP'):
            self.vigil.cleanup()
            self.server.cleanup()
        else:
            say('# kept: %s %s' % (self.vigil.dir, self.server.dir))


def main():
    # stopped by SIGTERM: the finally below stops vigil and the server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    chaos = Chaos()
    try:
        ok = asyncio.run(chaos.main())
    except Exception:
        import traceback
        traceback.print_exc()
        for line in harness.tail(chaos.vigil.log_path):
            say('# ' + line.rstrip())
        ok = False
    finally:
        chaos.cleanup()
    if chaos.violations:
        say('# %d violation(s); first: %s' % (len(chaos.violations), chaos.violations[0]))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
