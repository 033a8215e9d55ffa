# SPDX-License-Identifier: MIT
"""vigil's benchmarks (`make bench`): vigil against the bare XMPP path and
against Prosody's own PubSub, side by side in one run, on a private Prosody
on 127.0.0.1. Prints its figures; asserts nothing (tests assert behaviour).

  filing   C clients (1 and 10) file threats through ad-hoc `file` with full,
           varied forms: filings/s and p50/p99 latency, vigil vs. two
           references (baseline.c): a minimal libstrophe component that
           answers `completed` at once (the bare path), and the same that
           also posts one room line per filing (the room reference)
  fanout   S subscribers on `priority`; one `assess`: time until the last has
           the notification, vs. Prosody's mod_pubsub publishing to as many;
           and the latency of a `list` sent during the fan-out
  scale    10,000 threats (100 revisions for 100), 1,000 subscriptions:
           resident memory, list/show p99, start-up to "in the room" (also
           with 100,000 threats), database size per threat
  cost     callgrind: instructions in the whole daemon per `file` (after a
           warm-up), with the top functions; the two references' beside it
  import   BENCH_IMPORT_THREATS (10,000) threats imported by `vigil import`
           while vigil runs: the import's time, its announcements (one
           PubSub item a threat, one digest line in the room) and `list`s
           answered meanwhile (not in the default run: BENCH_ARGS=import)
  publish  publish.dir with 1,000 and 10,000 threats: the whole site at start,
           then one change at a time (BENCH_PUBLISH_CHANGES, default 5): how
           long until the site is current, the child's time, how long the
           event loop was blocked (goal <= 50 ms) and pings answered
           meanwhile, the site's size (not in the default run: BENCH_ARGS=publish)
  abuse    1,000 clients each opening the session cap, 10,000 subscriptions
           from distinct full JIDs, 100 chat dialogues left open, 1 MB
           messages (refused by the server): vigil's resident memory and
           database size after each, and the p99 of another client's `show`
           meanwhile (not in the default run: BENCH_ARGS=abuse; sizes
           BENCH_ABUSE_CLIENTS, BENCH_ABUSE_RESOURCES, BENCH_ABUSE_BIG)

Ends with one table (figure, vigil, reference, against, ratio, goal, met?), also
written as JSON to tests/bench/results/ (or $BENCH_RESULTS) with the machine
and the commit (tests/results/envelope.py); `make results` renders it into
doc/RESULTS.md.

Usage: bench.py [filing] [fanout] [scale] [cost] [publish] [import] [abuse]
(default: filing fanout scale cost)
Sizes: BENCH_FILINGS (per client, default 200), BENCH_SUBSCRIBERS (1000),
BENCH_ROUNDS (of the filing part, default 3: each figure their median).
Every loop is bounded in count and time; everything started is stopped by PID.
"""
import asyncio
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration'))
sys.path.insert(0, os.path.join(HERE, '..', 'results'))

import slixmpp  # noqa: E402
from slixmpp.xmlstream import ET  # noqa: E402
from slixmpp.xmlstream.handler import Callback  # noqa: E402
from slixmpp.xmlstream.matcher import MatchXPath  # noqa: E402

import envelope  # noqa: E402
import harness  # noqa: E402
from harness import (COMPONENT, NS_COMMANDS, NS_DATA, NS_THREAT, Prosody, Vigil,  # noqa: E402
                     command_of)
from sample_threats import THREATS  # noqa: E402
import wire  # noqa: E402

BENCH_BIN = os.environ.get('VIGIL_BENCH_BIN') or os.path.join(harness.SRCDIR, 'tests', 'bench')
BASELINE = 'baseline.localhost'  # the bare path
ROOM_REFERENCE = 'baseline-room.localhost'  # the bare path + one room line a filing
# the room reference's own room, its occupants as in vigil's (ROOM): only the
# component itself; the filing clients are in neither
REFERENCE_ROOM = 'sig-reference@conference.localhost'
REFERENCE_NICK = 'vigil'
NS_PUBSUB = 'http://jabber.org/protocol/pubsub'
FILINGS = int(os.environ.get('BENCH_FILINGS', '200'))
SUBSCRIBERS = int(os.environ.get('BENCH_SUBSCRIBERS', '1000'))
ROUNDS = max(1, int(os.environ.get('BENCH_ROUNDS', '3')))  # of the filing measurements
DEADLINE = 600  # seconds any one measurement may take


def say(line=''):
    print(line, flush=True)


# The report: one row per figure, printed as a table at the end and written
# as JSON to tests/bench/results/.
RESULTS = []
FILING = {}  # every filing measurement: FILING['C=1']['vigil'] = {...}
COST = {}  # instructions per filing: COST['vigil'], COST['bare'], COST['room ref']


def record(figure, vigil, reference=None, goal=None, met=None, unit='', against=None):
    """A figure of vigil's, its reference if any and which one it is
    (against: 'bare', 'room ref', 'Prosody'), the ratio, and the goal with
    whether it was met (None: no goal)."""
    ratio = vigil / reference if reference and vigil is not None else None
    RESULTS.append({'figure': figure, 'vigil': vigil, 'reference': reference,
                    'against': against if reference is not None else None, 'ratio': ratio,
                    'unit': unit, 'goal': goal, 'met': met})


def number(value):
    if value is None:
        return '-'
    return '%.0f' % value if abs(value) >= 100 else '%.2f' % value if abs(value) < 10 else \
        '%.1f' % value


def report_table():
    say()
    say('== report (references: bare = baseline.c answering at once; room ref = the same, '
        'also posting one room line a filing)')
    row = '%-46s %10s %10s %-8s %6s  %-22s %s'
    say(row % ('figure', 'vigil', 'reference', 'against', 'ratio', 'goal', 'met?'))
    for r in RESULTS:
        met = '-' if r['met'] is None else 'yes' if r['met'] else 'NO'
        say(row % ((r['figure'] + (' (%s)' % r['unit'] if r['unit'] else ''))[:46],
                   number(r['vigil']), number(r['reference']), r.get('against') or '-',
                   number(r['ratio']), r['goal'] or '-', met))


def write_json(parts, started, info):
    out_dir = os.environ.get('BENCH_RESULTS') or os.path.join(harness.SRCDIR, 'tests', 'bench',
                                                              'results')
    (path,), _ = envelope.write(out_dir + '/', started, harness.SRCDIR, {
        'parts': parts, 'filings_per_client': FILINGS, 'subscribers': SUBSCRIBERS,
        'rounds': ROUNDS, 'results': RESULTS, 'filing': FILING, 'instructions_per_filing': COST},
        info)
    say('written to %s (%s, %d CPUs, commit %s)' % (path, info['cpu'],
                                                   info['nproc'], info['commit'] or 'unknown'))


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- the server ---------------------------------------------------------------

class BenchProsody(Prosody):
    """The test harness's Prosody with plain-text accounts written directly
    (1,000 registrations through prosodyctl would take minutes), a log at
    info level and two more components for the references (bare, room)."""

    def __init__(self, users):
        super().__init__()
        with open(self.config) as f:
            text = f.read()
        text = text.replace('authentication = "internal_hashed"', 'authentication = "internal_plain"')
        # the tests' debug log costs Prosody more than routing does: a
        # production server logs at info
        text = text.replace('log = { debug =', 'log = { info =')
        for jid in (BASELINE, ROOM_REFERENCE):
            text += '\nComponent "%s"\n\tcomponent_secret = "%s"\n' % (jid, self.secret)
        with open(self.config, 'w') as f:
            f.write(text)
        accounts = os.path.join(self.dir, 'data', 'localhost', 'accounts')
        os.makedirs(accounts, exist_ok=True)
        for user in list(harness.USERS) + users:
            with open(os.path.join(accounts, user + '.dat'), 'w') as f:
                f.write('return {\n\t["password"] = "%s";\n};\n' % user)


class DeployedVigil(Vigil):
    """vigil started as a deployment runs it (config/vigil.service.in): at the
    configured log level, without -v, and with the send guard's production
    checks — not the tests' strict mode, which also parses every stanza it
    sends with libxml2, a cost a deployment does not pay."""

    def start(self, env=None, wrap=()):
        """wrap: argv before vigil's (valgrind)."""
        env = dict(os.environ if env is None else env)
        env.pop('VIGIL_CHECK_SENDS', None)
        self._spawn(list(wrap) + [harness.VIGIL_BIN, '-c', self.config], self.log_path, env=env)
        return self


class Baseline(harness.Process):
    """baseline.c as the bare path (room None) or as the room reference (in
    room, posting one line a filing). wrap: argv before it (valgrind)."""

    def __init__(self, prosody, jid=BASELINE, room=None, wrap=()):
        self.prosody = prosody
        self.jid = jid
        self.room = room
        self.wrap = list(wrap)
        self.log_path = os.path.join(prosody.dir, jid + '.log')

    def start(self, timeout=15):
        after = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        argv = self.wrap + [os.path.join(BENCH_BIN, 'baseline')]
        if self.room:
            argv += ['--room', '%s/%s' % (self.room, REFERENCE_NICK)]
        self._spawn(argv + [self.jid, '127.0.0.1', str(self.prosody.component_port),
                            self.prosody.secret], self.log_path)
        ready = 'baseline: joined' if self.room else 'baseline: connected'
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                if ready in f.read()[after:]:
                    return self
            if not self.running():
                break
            time.sleep(0.05)
        raise RuntimeError('%s did not %s:\n%s' % (
            self.jid, 'join %s' % self.room if self.room else 'connect',
            ''.join(harness.tail(self.log_path))))


def occupants(prosody, room):
    """The nicks in a room of conference.localhost, from inside Prosody."""
    out = prosody.shell('local r = prosody.hosts["conference.localhost"].modules.muc'
                        '.get_room_from_jid("%s"); if not r then return "no room" end; '
                        'local n = {}; for nick in r:each_occupant() do n[#n + 1] = nick end; '
                        'table.sort(n); return "occupants: " .. table.concat(n, " ")' % room)
    m = re.search(r'occupants:([^\n]*)', out)
    return sorted(x.rsplit('/', 1)[-1] for x in m.group(1).split()) if m else None


# --- light clients --------------------------------------------------------------

class Light(slixmpp.ClientXMPP):
    """A client without plugins: a thousand of them fit in one process."""

    def __init__(self, user, resource='bench'):
        super().__init__('%s@localhost/%s' % (user, resource), user)
        self['feature_mechanisms'].unencrypted_plain = True
        self.events = []
        self.register_handler(Callback('events', MatchXPath(
            '{jabber:client}message/{http://jabber.org/protocol/pubsub#event}event'),
            lambda m: self.events.append(time.monotonic())))

    async def start(self, prosody):
        self.connect(('127.0.0.1', prosody.c2s_port), use_ssl=False, disable_starttls=True)
        await asyncio.wait_for(self.wait_until('session_start'), 60)
        self.send_presence()  # notifications to the bare JID need an available resource
        return self

    async def stop(self):
        self.disconnect()
        try:
            await asyncio.wait_for(self.wait_until('disconnected'), 5)
        except asyncio.TimeoutError:
            pass

    async def iq(self, payload, ito, itype='set', timeout=30, iq_id=None):
        iq = self.make_iq(ito=ito, itype=itype)
        if iq_id:
            iq['id'] = iq_id
        iq.append(payload)
        return await iq.send(timeout=timeout)


async def connect_all(prosody, users, batch=50):
    clients = []
    for i in range(0, len(users), batch):
        clients += await asyncio.gather(*(Light(u).start(prosody) for u in users[i:i + batch]))
    return clients


def command(node, fields=None):
    cmd = ET.Element('{%s}command' % NS_COMMANDS, node=node, action='execute')
    if fields is not None:
        x = ET.SubElement(cmd, '{%s}x' % NS_DATA, type='submit')
        # the hidden FORM_TYPE, echoed as clients do (vigil refuses a form without it)
        for var, value in dict({'FORM_TYPE': NS_THREAT}, **fields).items():
            field = ET.SubElement(x, '{%s}field' % NS_DATA, var=var)
            for line in (value if isinstance(value, list) else [value]):
                ET.SubElement(field, '{%s}value' % NS_DATA).text = line
    return cmd


def varied_form(n):
    """A full template, different each time (text-multi values as lines)."""
    t = dict(THREATS[n % len(THREATS)])
    t['name'] = '%s (%d)' % (t['name'][:180], n)
    return {k: v.split('\n') if '\n' in v else v for k, v in t.items()}


# --- filing ---------------------------------------------------------------------

async def file_many(client, target, count, offset):
    latencies = []
    for i in range(count):
        started = time.monotonic()
        reply = await client.iq(command('file', varied_form(offset + i)), target)
        latencies.append(time.monotonic() - started)
        cmd = command_of(reply)
        if cmd is None or cmd.get('status') != 'completed':
            raise RuntimeError('filing %d was not completed: %s' % (i, reply))
    return latencies


def cpu_seconds(pid):
    """User and system CPU time a process has used."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


async def measure_filing(prosody, target, component_pid, clients_count, per_client):
    """filings/s, p50 and p99 ms, and the CPU ms a filing cost the component,
    Prosody and the clients."""
    clients = await connect_all(prosody, ['user%d' % i for i in range(clients_count)])
    try:
        await file_many(clients[0], target, 5, 10 ** 6)  # warm up
        cpu = [cpu_seconds(component_pid), cpu_seconds(prosody.proc.pid), time.process_time()]
        started = time.monotonic()
        results = await asyncio.wait_for(asyncio.gather(
            *(file_many(c, target, per_client, i * per_client) for i, c in enumerate(clients))),
            DEADLINE)
        elapsed = time.monotonic() - started
        cpu = [cpu_seconds(component_pid) - cpu[0], cpu_seconds(prosody.proc.pid) - cpu[1],
               time.process_time() - cpu[2]]
    finally:
        for c in clients:
            await c.stop()
    latencies = [x for r in results for x in r]
    n = len(latencies)
    return (n / elapsed, percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000) + \
        tuple(c * 1000 / n for c in cpu)


def bench_filing(prosody):
    say('== filing: ad-hoc `file` with full, varied template forms (%d per client)' % FILINGS)
    bare = Baseline(prosody).start()
    room_ref = Baseline(prosody, ROOM_REFERENCE, REFERENCE_ROOM).start()
    vigil = DeployedVigil(prosody, access__rate_per_minute=60000)
    try:
        vigil.start()
        vigil.wait_log(r'joined \S+ as ', 15)
        # the two rooms alike: made by their component on joining, each
        # with that component alone in it (the filing clients are in neither)
        rooms = {'vigil': occupants(prosody, harness.ROOM),
                 'room ref': occupants(prosody, REFERENCE_ROOM)}
        say('occupants: %s %s, room reference\'s %s %s%s' % (
            harness.ROOM, rooms['vigil'], REFERENCE_ROOM, rooms['room ref'],
            '' if rooms['vigil'] == rooms['room ref'] and rooms['vigil'] else
            '  -- NOT ALIKE: the comparison is off'))
        say('%-8s %3s %10s %10s %10s   %s' % ('target', 'C', 'filings/s', 'p50 ms', 'p99 ms',
                                               'CPU ms a filing: component, Prosody, clients'))
        keys = ('throughput', 'p50', 'p99', 'cpu_component', 'cpu_prosody', 'cpu_clients')
        targets = (('bare', BASELINE, bare.proc.pid),
                   ('room ref', ROOM_REFERENCE, room_ref.proc.pid),
                   ('vigil', COMPONENT, vigil.proc.pid))
        for c in (1, 10):
            # the three in turn, ROUNDS times, each round starting with the
            # next one; each figure the median of its rounds (on two cores
            # shared by the clients, Prosody and the component one run
            # moves by ±10 % or more)
            runs = {name: [] for name, _, _ in targets}
            for i in range(ROUNDS):
                for name, target, pid in targets[i % 3:] + targets[:i % 3]:
                    runs[name].append(asyncio.run(measure_filing(prosody, target, pid, c,
                                                                 FILINGS)))
                    say('%-8s %3d %10.0f %10.2f %10.2f   %.2f, %.2f, %.2f' %
                        ((name, c) + runs[name][-1]))
            rows = {name: tuple(median([r[i] for r in rs]) for i in range(len(keys)))
                    for name, rs in runs.items()}
            if ROUNDS > 1:
                for name, _, _ in targets:
                    say('%-8s %3d %10.0f %10.2f %10.2f   %.2f, %.2f, %.2f   (median of %d)' %
                        ((name, c) + rows[name] + (ROUNDS,)))
            FILING['C=%d' % c] = {name: dict(zip(keys, row), rounds=[dict(zip(keys, r))
                                                                      for r in runs[name]])
                                  for name, row in rows.items()}
            v, b, r = rows['vigil'], rows['bare'], rows['room ref']
            say('C=%d: throughput %.2f x room ref (goal >= 0.9), %.2f x bare%s; p50 %.2f x bare%s; '
                'p99 %.2f x bare (goal <= 2); the room line costs the reference %.2f x its '
                'throughput' % (c, v[0] / r[0], v[0] / b[0], ' (goal >= 0.8)' if c == 1 else '',
                                v[1] / b[1], ' (goal <= 1.3)' if c == 1 else '', v[2] / b[2],
                                r[0] / b[0]))
            record('filing C=%d throughput' % c, v[0], r[0], '>= 0.9 x room ref',
                   v[0] >= 0.9 * r[0], 'filings/s', 'room ref')
            if c == 1:
                record('filing C=%d throughput' % c, v[0], b[0], '>= 0.8 x bare',
                       v[0] >= 0.8 * b[0], 'filings/s', 'bare')
                record('filing C=%d latency p50' % c, v[1], b[1], '<= 1.3 x bare',
                       v[1] <= 1.3 * b[1], 'ms', 'bare')
            else:
                record('filing C=%d throughput' % c, v[0], b[0], unit='filings/s', against='bare')
                record('filing C=%d latency p50' % c, v[1], b[1], unit='ms', against='bare')
            record('filing C=%d latency p50' % c, v[1], r[1], unit='ms', against='room ref')
            record('filing C=%d latency p99' % c, v[2], b[2], '<= 2 x bare', v[2] <= 2 * b[2],
                   'ms', 'bare')
            record('filing C=%d CPU in the component' % c, v[3], r[3], unit='ms a filing',
                   against='room ref')
            record('filing C=%d CPU in Prosody' % c, v[4], r[4], unit='ms a filing',
                   against='room ref')
    finally:
        vigil.cleanup()
        room_ref.stop()
        bare.stop()


# --- fan-out --------------------------------------------------------------------

def subscribe(node, jid):
    pubsub = ET.Element('{%s}pubsub' % NS_PUBSUB)
    ET.SubElement(pubsub, '{%s}subscribe' % NS_PUBSUB, node=node, jid=jid)
    return pubsub


def publish(node, payload):
    pubsub = ET.Element('{%s}pubsub' % NS_PUBSUB)
    item = ET.SubElement(ET.SubElement(pubsub, '{%s}publish' % NS_PUBSUB, node=node), 'item')
    item.append(payload)
    return pubsub


async def wait_all(subscribers, since, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = [c.events[-1] for c in subscribers if c.events and c.events[-1] >= since]
        if len(got) == len(subscribers):
            return max(got) - since
        await asyncio.sleep(0.01)
    raise RuntimeError('only %d of %d subscribers were notified' % (len(got), len(subscribers)))


def list_probe(c2s_port, conn):
    """In a process of its own: connects as carol, says "ready", and on "go"
    sends a `list` and sends back how long the answer took (ms). Its own
    process, so that the time is vigil's and the server's, not that of the
    thousand subscribers' process parsing their notifications meanwhile."""
    class Where:
        pass
    where = Where()
    where.c2s_port = c2s_port

    async def run():
        carol = await Light('carol').start(where)
        try:
            loop = asyncio.get_running_loop()
            conn.send('ready')
            await loop.run_in_executor(None, conn.recv)
            started = time.monotonic()
            await carol.iq(command('list', {}), COMPONENT)
            conn.send((time.monotonic() - started) * 1000)
        finally:
            await carol.stop()
    asyncio.run(run())


async def fanout_run(prosody, probe):
    users = ['user%d' % i for i in range(SUBSCRIBERS)]
    started = time.monotonic()
    subscribers = await connect_all(prosody, users)
    say('%d subscribers connected in %.1f s' % (len(subscribers), time.monotonic() - started))
    alice, bob = await connect_all(prosody, ['alice', 'bob'])
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, probe.recv) == 'ready'
    try:
        # vigil: everyone on `priority`, then one assessment that changes it
        for i in range(0, len(subscribers), 100):
            await asyncio.gather(*(c.iq(subscribe('priority', c.boundjid.bare), COMPONENT)
                                   for c in subscribers[i:i + 100]))
        reply = await alice.iq(command('file', {'name': 'Fan-out', 'abstract': 'x'}), COMPONENT)
        tid = [f.find('{%s}value' % NS_DATA).text for f in command_of(reply).iter('{%s}field' % NS_DATA)
               if f.get('var') == 'id'][0]
        cmd = command_of(await bob.iq(command('assess'), COMPONENT))
        sid = cmd.get('sessionid')
        stage = ET.Element('{%s}command' % NS_COMMANDS, node='assess', action='next', sessionid=sid)
        x = ET.SubElement(stage, '{%s}x' % NS_DATA, type='submit')
        for var, value in (('FORM_TYPE', NS_THREAT), ('id', tid)):
            ET.SubElement(ET.SubElement(x, '{%s}field' % NS_DATA, var=var),
                          '{%s}value' % NS_DATA).text = value
        await bob.iq(stage, COMPONENT)
        final = ET.Element('{%s}command' % NS_COMMANDS, node='assess', action='complete', sessionid=sid)
        x = ET.SubElement(final, '{%s}x' % NS_DATA, type='submit')
        for var, value in (('FORM_TYPE', NS_THREAT), ('likelihood', 'high'), ('damage', 'high'),
                           ('rationale', 'bench')):
            ET.SubElement(ET.SubElement(x, '{%s}field' % NS_DATA, var=var),
                          '{%s}value' % NS_DATA).text = value
        since = time.monotonic()
        await bob.iq(final, COMPONENT)
        # the answer leaves before the notifications: the list goes while
        # vigil fans them out
        probe.send('go')
        list_ms = await loop.run_in_executor(None, probe.recv)
        vigil_s = await wait_all(subscribers, since)

        # Prosody's mod_pubsub: the same subscribers on a node of pubsub.localhost
        node = 'bench-priority'
        create = ET.Element('{%s}pubsub' % NS_PUBSUB)
        ET.SubElement(create, '{%s}create' % NS_PUBSUB, node=node)
        await alice.iq(create, 'pubsub.localhost')
        for i in range(0, len(subscribers), 100):
            await asyncio.gather(*(c.iq(subscribe(node, c.boundjid.bare), 'pubsub.localhost')
                                   for c in subscribers[i:i + 100]))
        payload = ET.Element('{urn:vigil:threat:0}priority-change', threat=tid, to='critical')
        ET.SubElement(payload, '{urn:vigil:threat:0}name').text = 'Fan-out'
        since = time.monotonic()
        await alice.iq(publish(node, payload), 'pubsub.localhost')
        prosody_s = await wait_all(subscribers, since)
    finally:
        for c in subscribers + [alice, bob]:
            await c.stop()
    return vigil_s, prosody_s, list_ms


def bench_fanout(prosody):
    say('== fan-out: %d subscribers, one change of priority' % SUBSCRIBERS)
    vigil = DeployedVigil(prosody, access__rate_per_minute=60000)
    try:
        vigil.start()
        vigil.wait_log(r'joined \S+ as ', 15)
        here, there = multiprocessing.Pipe()
        probe = multiprocessing.get_context('fork').Process(target=list_probe,
                                                            args=(prosody.c2s_port, there))
        probe.start()
        try:
            vigil_s, prosody_s, list_ms = asyncio.run(fanout_run(prosody, here))
        except Exception:
            say('vigil\'s log ends:\n' + ''.join(harness.tail(vigil.log_path, 15)).rstrip())
            raise
        finally:
            probe.join(10)
            if probe.is_alive():
                probe.kill()
        say('vigil: last subscriber notified after %.0f ms' % (vigil_s * 1000))
        say('Prosody mod_pubsub: last subscriber notified after %.0f ms' % (prosody_s * 1000))
        say('ratio: %.2f x Prosody (goal <= 1.5)' % (vigil_s / prosody_s))
        say('a `list` sent during the fan-out answered in %.1f ms (goal <= 100)' % list_ms)
        record('fan-out to %d subscribers' % SUBSCRIBERS, vigil_s * 1000, prosody_s * 1000,
               '<= 1.5 x Prosody', vigil_s <= 1.5 * prosody_s, 'ms', 'Prosody')
        record('list during the fan-out', list_ms, None, '<= 100 ms', list_ms <= 100, 'ms')
    finally:
        vigil.cleanup()


# --- scale ----------------------------------------------------------------------

def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        fields = dict(line.split(':', 1) for line in f)
    return int(fields['VmRSS'].split()[0]), int(fields['VmHWM'].split()[0])


def generate(db, threats, revised, revisions, subscribers):
    started = time.monotonic()
    subprocess.run([os.path.join(BENCH_BIN, 'gen_register'), db, str(threats), str(revised),
                    str(revisions), str(subscribers)], check=True, timeout=DEADLINE)
    return time.monotonic() - started


def start_timed(vigil):
    started = time.monotonic()
    vigil.start()
    vigil.wait_log(r'joined \S+ as ', 60)
    return time.monotonic() - started


async def latencies(prosody, node, fields, count):
    (client,) = await connect_all(prosody, ['carol'])
    try:
        out = []
        for i in range(count):
            started = time.monotonic()
            reply = await client.iq(command(node, fields(i)), COMPONENT)
            if command_of(reply) is None:
                raise RuntimeError('%s failed: %s' % (node, reply))
            out.append((time.monotonic() - started) * 1000)
        return out
    finally:
        await client.stop()


def bench_scale(prosody):
    say('== scale')
    for threats, revised, subs in ((10000, 100, 1000), (100000, 0, 1000)):
        vigil = DeployedVigil(prosody)
        try:
            took = generate(vigil.db, threats, revised, 100, subs)
            size = os.path.getsize(vigil.db)
            say('register: %d threats (%d with 100 revisions), %d subscriptions, made in %.0f s; '
                'database %.1f MB, %.0f bytes a threat' % (threats, revised, subs, took,
                                                          size / 1e6, size / threats))
            startup = start_timed(vigil)
            rss, _ = rss_kib(vigil.proc.pid)
            say('start-up to "in the room": %.0f ms (goal <= 1000 with 100,000 threats); '
                'resident memory after start %.1f MB' % (startup * 1000, rss / 1024))
            label = '%dk threats' % (threats // 1000)
            record('database per threat, ' + label, size / threats, unit='bytes')
            if threats >= 100000:
                record('start-up to "in the room", ' + label, startup * 1000, None, '<= 1000 ms',
                       startup <= 1, 'ms')
            else:
                record('start-up to "in the room", ' + label, startup * 1000, unit='ms')
            if threats == 10000:
                lists = asyncio.run(latencies(prosody, 'list', lambda i: {}, 200))
                shows = asyncio.run(latencies(prosody, 'show',
                                              lambda i: {'id': 'T-%d' % (1 + i * 37 % threats)}, 200))
                say('list (first page of 50): p50 %.1f ms, p99 %.1f ms' %
                    (percentile(lists, 50), percentile(lists, 99)))
                say('show: p50 %.1f ms, p99 %.1f ms' % (percentile(shows, 50), percentile(shows, 99)))
                rss, hwm = rss_kib(vigil.proc.pid)
                say('resident memory after 400 requests: %.1f MB, peak %.1f MB (goal <= 16 MB)' %
                    (rss / 1024, hwm / 1024))
                record('list p50, ' + label, percentile(lists, 50), unit='ms')
                record('list p99, ' + label, percentile(lists, 99), unit='ms')
                record('show p50, ' + label, percentile(shows, 50), unit='ms')
                record('show p99, ' + label, percentile(shows, 99), unit='ms')
                record('peak resident memory, ' + label, hwm / 1024, None, '<= 16 MB',
                       hwm / 1024 <= 16, 'MB')
        finally:
            vigil.cleanup()


# --- import ---------------------------------------------------------------------

IMPORT_THREATS = int(os.environ.get('BENCH_IMPORT_THREATS', '10000'))


def import_document(n):
    """n threats with full, varied templates (sample_threats.py), as a
    wiki's or spreadsheet's register would come: no ids, no history."""
    levels = ['', 'low', 'medium', 'high']
    threats = []
    for i in range(n):
        t = dict(THREATS[i % len(THREATS)])
        t['name'] = '%s (%d)' % (t['name'][:180], i)
        t['likelihood'] = levels[i % 4]
        t['damage'] = levels[(i // 4) % 4]
        t.pop('status', None)
        threats.append({'fields': t})
    return {'format': 'vigil-register', 'version': 1, 'threats': threats}


def list_probe_many(c2s_port, conn):
    """In a process of its own: on "go", sends a `list` after each answer
    (20 ms apart) until "stop"; sends back every answer's time (ms)."""
    class Where:
        pass
    where = Where()
    where.c2s_port = c2s_port

    async def run():
        carol = await Light('carol').start(where)
        try:
            loop = asyncio.get_running_loop()
            conn.send('ready')
            await loop.run_in_executor(None, conn.recv)
            times = []
            while not conn.poll() and len(times) < 10000:
                started = time.monotonic()
                await carol.iq(command('list', {}), COMPONENT)
                times.append((time.monotonic() - started) * 1000)
                await asyncio.sleep(0.02)
            conn.recv()
            conn.send(times)
        finally:
            await carol.stop()
    asyncio.run(run())


async def import_run(prosody, vigil, path, probe):
    (subscriber,) = await connect_all(prosody, ['user0'])
    room = await harness.connect(prosody, 'dave')
    loop = asyncio.get_running_loop()
    try:
        await room.join()
        await room.wait_occupant('vigil')
        await subscriber.iq(subscribe('threats', subscriber.boundjid.bare), COMPONENT)
        assert await loop.run_in_executor(None, probe.recv) == 'ready'
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            harness.VIGIL_BIN, 'import', '-c', vigil.config, '--by', 'alice', path,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = await proc.communicate()
        took = time.monotonic() - started
        if proc.returncode != 0:
            raise RuntimeError('vigil import failed: %s' % err.decode())
        probe.send('go')
        deadline = time.monotonic() + DEADLINE
        while len(subscriber.events) < IMPORT_THREATS and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        announced = time.monotonic() - started - took
        probe.send('stop')
        lists = await loop.run_in_executor(None, probe.recv)
        lines = [m['body'] for m in room.messages if m['type'] == 'groupchat' and
                 m['from'].resource == 'vigil' and 'imported by' in (m['body'] or '')]
        return took, announced, len(subscriber.events), lists, lines, out.decode()
    finally:
        await subscriber.stop()
        await room.stop()


def bench_import(prosody):
    say('== import: %d threats with full templates while vigil runs' % IMPORT_THREATS)
    vigil = DeployedVigil(prosody)
    path = os.path.join(vigil.dir, 'import.json')
    with open(path, 'w') as f:
        json.dump(import_document(IMPORT_THREATS), f, ensure_ascii=False)
    try:
        vigil.start()
        vigil.wait_log(r'joined \S+ as ', 15)
        here, there = multiprocessing.Pipe()
        probe = multiprocessing.get_context('fork').Process(target=list_probe_many,
                                                            args=(prosody.c2s_port, there))
        probe.start()
        try:
            took, announced, items, lists, lines, out = asyncio.run(
                import_run(prosody, vigil, path, here))
        finally:
            probe.join(10)
            if probe.is_alive():
                probe.kill()
        say('file: %.1f MB; `vigil import` took %.2f s (parse, check, one transaction)' %
            (os.path.getsize(path) / 1e6, took))
        say('announced after the import: %d PubSub items in %.2f s' % (items, announced))
        say('the room got %d line(s) for it: %s' % (len(lines), ' | '.join(lines)))
        if lists:
            say('%d `list`s during the announcements: p50 %.1f ms, p99 %.1f ms, max %.1f ms' %
                (len(lists), percentile(lists, 50), percentile(lists, 99), max(lists)))
            record('list during a %d-threat import\'s announcements, p99' % IMPORT_THREATS,
                   percentile(lists, 99), None, '<= 100 ms', percentile(lists, 99) <= 100, 'ms')
        record('import of %d threats' % IMPORT_THREATS, took * 1000, unit='ms')
        record('its announcements (%d PubSub items, one room line)' % items, announced * 1000,
               unit='ms')
    finally:
        vigil.cleanup()


# --- abuse ------------------------------------------------------------------------

ABUSE_CLIENTS = int(os.environ.get('BENCH_ABUSE_CLIENTS', '1000'))
ABUSE_RESOURCES = int(os.environ.get('BENCH_ABUSE_RESOURCES', '10'))  # full JIDs per account
ABUSE_DIALOGUES = 100
ABUSE_BIG = int(os.environ.get('BENCH_ABUSE_BIG', '50'))  # 1 MB messages


class Probe:
    """Another client served meanwhile: a `show` every 0.6 s (within the
    production access.rate_per_minute of 120), its latency; beside each, a
    ping (XEP-0199) to the server itself and one to vigil, so that the
    figure can be told apart: the server's own delay under the load, the
    way to vigil and back, and vigil's work for a `show`. The three take
    turns at going first after the pause: the figures count the first ones,
    which arrive at any moment as another client's would. The requests to
    vigil carry ids starting with MARKER, for the capture at vigil's socket
    (wire.py)."""

    MARKER = 'probe-'

    def __init__(self, prosody):
        self.prosody = prosody
        self.latencies = {'show': [], 'server ping': [], 'vigil ping': []}
        self.failed = 0
        self.running = True
        self.sent = 0

    async def timed(self, what, ask, first):
        started = time.monotonic()
        self.sent += 1
        iq_id = '%s%d' % (self.MARKER, self.sent)
        try:
            if await ask(iq_id):
                self.latencies[what].append((time.time(), (time.monotonic() - started) * 1000,
                                             first, iq_id))
                return
        except Exception:  # noqa: BLE001
            pass
        self.failed += 1

    async def run(self):
        (client,) = await connect_all(self.prosody, ['carol'])
        server = client.boundjid.domain

        async def show(iq_id):
            reply = await client.iq(command('show', {'id': 'T-1'}), COMPONENT, timeout=10,
                                    iq_id=iq_id)
            return command_of(reply) is not None

        async def ping(to, iq_id):
            ping = ET.Element('{urn:xmpp:ping}ping')
            return (await client.iq(ping, to, itype='get', timeout=10,
                                    iq_id=iq_id))['type'] == 'result'
        try:
            asks = [('show', show), ('server ping', lambda i: ping(server, i)),
                    ('vigil ping', lambda i: ping(COMPONENT, i))]
            while self.running:
                # each first in turn: the first after the pause arrives at
                # any moment and meets whatever queued meanwhile; the ones
                # after it follow an answer, when the queue has just drained
                for i, (what, ask) in enumerate(asks):
                    await self.timed(what, ask, i == 0)
                asks.append(asks.pop(0))
                await asyncio.sleep(0.6)
        finally:
            await client.stop()


def probe_process(c2s_port, conn):
    """The probe in a process of its own (the thousand clients' parsing
    would otherwise be in its figure): runs until told, sends latencies."""
    prosody = type('P', (), {'c2s_port': c2s_port})()
    probe = Probe(prosody)

    async def run():
        task = asyncio.ensure_future(probe.run())
        while not conn.poll():
            await asyncio.sleep(0.1)
        probe.running = False
        await task
    asyncio.run(run())
    conn.send((probe.latencies, probe.failed))


def say_by_step(steps, timed):
    """The p99 of (when, ms) samples within each step of the abuse."""
    for (start, _), (end, step) in zip(steps, steps[1:]):
        during = [ms for at, ms in timed if start <= at < end]
        if during:
            say('    until %-40s %5d, p99 %6.1f ms' % (step, len(during), percentile(during, 99)))


def db_bytes(vigil):
    return sum(os.path.getsize(vigil.db + s) for s in ('', '-wal') if os.path.exists(vigil.db + s))


async def abuse_run(prosody, vigil):
    users = ['user%d' % i for i in range(ABUSE_CLIENTS)]
    pid = vigil.proc.pid
    figures = {}

    steps = []  # (when it ended, what), for the probe's figures by step

    def mark(what):
        steps.append((time.time(), what))
        rss, hwm = rss_kib(pid)
        figures[what] = (rss / 1024, hwm / 1024, db_bytes(vigil) / 1e6)
        say('%-46s RSS %.1f MB (peak %.1f MB), database %.2f MB' % (((what + ':'),) + figures[what]))

    (alice,) = await connect_all(prosody, ['alice'])
    reply = await alice.iq(command('file', {'name': 'Probe target', 'abstract': 'a'}), COMPONENT)
    assert command_of(reply) is not None, reply
    await alice.stop()
    mark('start (one threat)')
    # the capture first: the probe logs in before its first request
    wire_here, wire_there = multiprocessing.Pipe()
    capturing = multiprocessing.Process(target=wire.capture, args=(
        prosody.component_port, Probe.MARKER, wire_there))
    capturing.start()
    wire_there.close()  # the capture's end: recv() fails, not hangs, should it die
    here, there = multiprocessing.Pipe()
    probing = multiprocessing.Process(target=probe_process, args=(prosody.c2s_port, there))
    probing.start()
    # the abusers would be other machines: here they share two cores with
    # vigil, Prosody and the probe, so they run niced (the probe, started
    # before, and the servers are not), and the probe's figure is vigil's
    # and the server's, not the clients' own parsing
    os.nice(10)
    try:
        # 1. every client opens the session cap (and one more): stage 1 of `edit`
        clients = await connect_all(prosody, users)
        cap = int(vigil.settings.get('commands.max_sessions_per_jid') or 10)
        opened = refused = 0

        async def sessions(c):
            nonlocal opened, refused
            for _ in range(cap + 1):
                try:
                    reply = await c.iq(command('edit'), COMPONENT)
                    cmd = command_of(reply)
                    opened += cmd is not None and cmd.get('status') == 'executing'
                except Exception:  # noqa: BLE001  (an error reply: refused)
                    refused += 1
        for i in range(0, len(clients), 100):
            await asyncio.gather(*(sessions(c) for c in clients[i:i + 100]))
        say('sessions: %d clients x %d asked: %d opened, %d refused' % (
            len(clients), cap + 1, opened, refused))
        figures['sessions'] = (opened, refused)
        mark('after the session cap from every client')
        await asyncio.gather(*(c.stop() for c in clients))
        # 2. subscriptions from distinct full JIDs: each account from
        # ABUSE_RESOURCES resources (pubsub.max_subscriptions_per_jid each)
        accepted = denied = 0
        for r in range(ABUSE_RESOURCES):
            batch = []
            for i in range(0, len(users), 100):
                batch = await asyncio.gather(*(Light(u, 'r%d' % r).start(prosody)
                                               for u in users[i:i + 100]))

                async def sub(c):
                    nonlocal accepted, denied
                    try:
                        reply = await c.iq(ET.fromstring(
                            "<pubsub xmlns='%s'><subscribe node='threats' jid='%s'/></pubsub>"
                            % (NS_PUBSUB, c.boundjid.full)), COMPONENT)
                        accepted += reply['type'] == 'result'
                    except Exception:  # noqa: BLE001
                        denied += 1
                await asyncio.gather(*(sub(c) for c in batch))
                await asyncio.gather(*(c.stop() for c in batch))
        say('subscriptions from distinct full JIDs: %d accepted, %d refused' % (accepted, denied))
        figures['subscriptions'] = (accepted, denied)
        mark('after the subscriptions')
        # 3. open chat dialogues (guided filings left open)
        talkers = await connect_all(prosody, users[:ABUSE_DIALOGUES])
        for c in talkers:
            c.send_message(mto=COMPONENT, mbody='file', mtype='chat')
        await asyncio.sleep(2)  # a bench, not a test: the dialogues' first questions
        mark('with %d dialogues open' % len(talkers))
        # 4. 1 MB messages: the server refuses them (its stanza limit) and
        # closes the sender's stream; vigil never sees them
        big = 'x' * (1 << 20)
        for c in talkers[:ABUSE_BIG]:
            c.send_message(mto=COMPONENT, mbody=big, mtype='chat')
        await asyncio.sleep(3)
        mark('after %d messages of 1 MB' % min(ABUSE_BIG, len(talkers)))
        # together: those the server cut off never say they disconnected
        # (each stop then waits its 5 s)
        await asyncio.gather(*(c.stop() for c in talkers))
    finally:
        here.send('stop')
        lat, failed = here.recv()
        probing.join(30)
        try:
            wire_here.send('stop')
            at_vigil, dropped = wire_here.recv()
        except (EOFError, BrokenPipeError):  # it died: see its traceback above (root only)
            at_vigil, dropped = {}, 0
        capturing.join(30)
        os.nice(-10)
    say('another client meanwhile (a process of its own), %d failed:' % failed)
    steps.append((time.time(), 'the end'))
    say('  (each asked first after the pause, at any moment, as another client would)')
    firsts = {}  # what: [(when, ms)] of those asked first
    for what, samples in lat.items():
        firsts[what] = [(at, ms) for at, ms, first, _ in samples if first]
        values = [ms for _, ms in firsts[what]]
        later = [ms for _, ms, first, _ in samples if not first]
        say('  %-12s %5d, p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms (asked later: p99 %.1f ms)' % (
            what, len(values), percentile(values, 50), percentile(values, 99), max(values),
            percentile(later, 99)))
        say_by_step(steps, firsts[what])
    # vigil's own part: from the request reaching its socket to its answer leaving
    say('  at vigil\'s socket (a capture of the component connection, %d packets dropped):'
        % dropped)
    own = {}
    for what in ('show', 'vigil ping'):
        timed = [(at, (at_vigil[i][1] - at_vigil[i][0]) * 1000)
                 for at, _, first, i in lat[what]
                 if first and i in at_vigil and None not in at_vigil[i]]
        own[what] = [ms for _, ms in timed]
        if not timed:
            say('  %-12s none captured' % what)
            continue
        say('  %-12s %5d, p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms' % (
            what, len(timed), percentile(own[what], 50), percentile(own[what], 99),
            max(own[what])))
        say_by_step(steps, timed)
    figures['show at vigil p99'] = percentile(own['show'], 99) if own['show'] else None
    shows = [ms for _, ms in firsts['show']]
    figures['probe'] = (percentile(shows, 50), percentile(shows, 99), failed)
    figures['server ping p99'] = percentile([ms for _, ms in firsts['server ping']], 99)
    return figures


def bench_abuse(prosody):
    say('== abuse (production limits: commands.max_sessions_per_jid, pubsub.max_subscriptions_per_jid,'
        ' access.rate_per_minute at their defaults)')
    vigil = DeployedVigil(prosody, **{'commands.max_sessions_per_jid': None,
                                      'access.rate_per_minute': None})
    try:
        vigil.start()
        vigil.wait_log(r'joined \S+ as ', 60)
        f = asyncio.run(abuse_run(prosody, vigil))
        peak = max(v[1] for k, v in f.items() if isinstance(v, tuple) and len(v) == 3
                   and k not in ('probe', 'sessions', 'subscriptions'))
        size = max(v[2] for k, v in f.items() if isinstance(v, tuple) and len(v) == 3
                   and k not in ('probe', 'sessions', 'subscriptions'))
        record('abuse: sessions opened (of %d asked)' % sum(f['sessions']), f['sessions'][0])
        record('abuse: subscriptions accepted (of %d asked)' % sum(f['subscriptions']),
               f['subscriptions'][0])
        record('abuse: peak resident memory', peak, unit='MB')
        record('abuse: largest database', size, unit='MB')
        record('abuse: another client\'s show p99', f['probe'][1], None, '<= 100 ms',
               f['probe'][1] <= 100, 'ms')
        record('abuse: the server\'s own ping p99', f['server ping p99'], unit='ms')
        own = f['show at vigil p99']
        record('abuse: show at vigil\'s socket p99 (request in, answer out)', own, None,
               '<= 100 ms', own is not None and own <= 100, 'ms')
    finally:
        vigil.cleanup()


# --- the register on the web -----------------------------------------------------

# component/publish.c's line for a publication of pages (the documents follow apart)
PUBLISHED = re.compile(r'published (every page|(\d+) threat pages?), the index[^:]*: (\d+) files, '
                       r'(\d+) bytes in ([0-9.]+) ms \(the loop was blocked ([0-9.]+) ms\)')
DOCUMENTS = re.compile(r'published the documents: (\d+) files, (\d+) bytes in ([0-9.]+) ms '
                       r'\(the loop was blocked ([0-9.]+) ms\)')
PUBLISH_CHANGES = int(os.environ.get('BENCH_PUBLISH_CHANGES', '5'))


def site_size(path):
    files = [os.path.join(path, n) for n in os.listdir(path) if not n.startswith('.')]
    return len(files), sum(os.path.getsize(f) for f in files)


def wait_published(vigil, offset, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = PUBLISHED.search(vigil.log_text()[offset:])
        if m:
            return m
        time.sleep(0.01)
    raise RuntimeError('no publication within %d s' % timeout)


async def publish_changes(prosody, vigil, count):
    """count filings one after another, each waited for on the site; XEP-0199
    pings to vigil meanwhile (the loop answers them while the child writes)."""
    (client,) = await connect_all(prosody, ['carol'])
    out = []
    try:
        for i in range(count):
            offset = len(vigil.log_text())
            started = time.monotonic()
            reply = await client.iq(command('file', {'name': 'Published change %d' % i,
                                                     'abstract': 'One change, then the site.'}),
                                    COMPONENT)
            if command_of(reply) is None:
                raise RuntimeError('file failed: %s' % reply)
            pings = []
            while not PUBLISHED.search(vigil.log_text()[offset:]):
                if time.monotonic() - started > DEADLINE:
                    raise RuntimeError('no publication after a filing')
                sent = time.monotonic()
                await client.iq(ET.Element('{urn:xmpp:ping}ping'), COMPONENT, itype='get')
                pings.append((time.monotonic() - sent) * 1000)
            m = PUBLISHED.search(vigil.log_text()[offset:])
            out.append({'child_ms': float(m.group(5)), 'blocked_ms': float(m.group(6)),
                        'files': int(m.group(3)), 'bytes': int(m.group(4)),
                        'visible_ms': (time.monotonic() - started) * 1000,
                        'ping_max_ms': max(pings) if pings else 0.0, 'pings': len(pings),
                        'ping_list': pings})
        return out
    finally:
        await client.stop()


def bench_publish(prosody):
    """The site in publish.dir (component/publish.c): the whole site at
    start, then one change at a time with 1,000 and 10,000 threats."""
    say('== publish')
    for threats in (1000, 10000):
        vigil = DeployedVigil(prosody)
        site = os.path.join(vigil.dir, 'site')
        vigil.settings['publish.dir'] = site
        vigil.write_config()
        try:
            generate(vigil.db, threats, threats // 100, 10, 0)
            offset = len(vigil.log_text())
            vigil.start()
            vigil.wait_log(r'joined \S+ as ', 60)
            first = wait_published(vigil, offset, DEADLINE)
            files, size = site_size(site)
            index = os.path.getsize(os.path.join(site, 'index.html'))
            label = '%dk threats' % (threats // 1000)
            say('%s: the whole site at start in %.0f ms (in the child; the loop blocked %.2f ms): '
                '%d files, %.1f MB (index.html %.1f MB)' % (label, float(first.group(5)),
                                                             float(first.group(6)), files, size / 1e6,
                                                             index / 1e6))
            offset = len(vigil.log_text())
            runs = asyncio.run(publish_changes(prosody, vigil, PUBLISH_CHANGES))
            deadline = time.monotonic() + 60
            while not DOCUMENTS.search(vigil.log_text()[offset:]) and time.monotonic() < deadline:
                time.sleep(0.05)
            documents = [float(m.group(3)) for m in DOCUMENTS.finditer(vigil.log_text()[offset:])]
            child = median([r['child_ms'] for r in runs])
            blocked = max(r['blocked_ms'] for r in runs + [{'blocked_ms': float(first.group(6))}])
            visible = median([r['visible_ms'] for r in runs])
            ping = max(r['ping_max_ms'] for r in runs)
            ping50 = median([p for r in runs for p in r['ping_list']] or [0.0])
            load = os.getloadavg()[0]
            written = median([r['bytes'] for r in runs])
            say('%s: one change: its page, the index and the feed current %.0f ms after the answer '
                '(median of %d; 200 ms of it the burst window), the child writing %d files, %.1f MB '
                'in %.0f ms; the loop blocked at most %.2f ms; pings to vigil meanwhile: at most '
                '%.1f ms, median %.1f ms (%d pings; load average %.1f)' % (
                    label, visible, len(runs), runs[0]['files'], written / 1e6, child, blocked, ping,
                    ping50, sum(r['pings'] for r in runs), load))
            record('publish, whole site at start, ' + label, float(first.group(5)), unit='ms')
            record('publish after one change, ' + label, child, unit='ms')
            record('site current after one change, ' + label, visible, unit='ms')
            record('loop blocked by a publication, ' + label, blocked, None, '<= 50 ms',
                   blocked <= 50, 'ms')
            # the whole path, Prosody and the machine's load included: for
            # reading beside the loop's own figure, no goal of its own
            record('ping p50 during a publication, ' + label, ping50, unit='ms')
            record('ping max during a publication, ' + label, ping, unit='ms')
            if documents:
                say('%s: threats.xml and threats.md after the changes (%d s later at most): %.0f ms '
                    'in the child' % (label, 5, max(documents)))
                record('documents after changes, ' + label, max(documents), unit='ms')
            record('site size, ' + label, size / 1e6, unit='MB')
            record('written after one change, ' + label, written / 1e6, unit='MB')
        finally:
            vigil.cleanup()


# --- instructions per filing ------------------------------------------------------

def top_functions(annotate, binary, count):
    """callgrind_annotate's lines as 'instructions (share) function [file]',
    below the callers that hold everything, once each; only binary's when
    given."""
    rows, seen = [], set()
    for line in annotate.splitlines():
        m = re.match(r'\s*([\d,]+) \(\s*([\d.]+)%\)\s+(\S+?):(\S+)(?: \[(.*)\])?$', line)
        if not m or float(m.group(2)) >= 90 or 'below main' in m.group(4):
            continue
        if binary and m.group(5) != os.path.abspath(binary):
            continue
        name = m.group(4)
        if name in seen:
            continue
        seen.add(name)
        rows.append('%14s (%5s%%)  %s  %s' % (m.group(1), m.group(2), name,
                                               os.path.basename(m.group(3)) if m.group(3) != '???'
                                               else os.path.basename(m.group(5) or '')))
    return rows[:count]


def callgrind_total(out_dir, count):
    """Instructions per filing in the last callgrind dump in out_dir (the
    one since the zeroing), and callgrind_annotate's inclusive listing."""
    dumps = sorted(f for f in os.listdir(out_dir) if f.startswith('callgrind.out'))
    out = os.path.join(out_dir, dumps[-1])
    annotate = subprocess.run(['callgrind_annotate', '--inclusive=yes', '--threshold=100', out],
                              capture_output=True, text=True, timeout=120).stdout
    total = re.search(r'([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS', annotate) or \
        re.search(r'([\d,]+)\s+PROGRAM TOTALS', annotate)
    return int(total.group(1).replace(',', '')) / count, out, annotate


def callgrind_filings(prosody, pid, target, count):
    """count filings into target (a process under callgrind), counters zeroed
    after a warm-up of 5: from there on the whole process (XML in, the
    command, the answer and the room line out, the loop)."""
    async def run():
        (client,) = await connect_all(prosody, ['alice'])
        try:
            await file_many(client, target, 5, 10 ** 6)  # warm up
            subprocess.run(['callgrind_control', '-z', str(pid)],
                           capture_output=True, timeout=60, check=True)
            await file_many(client, target, count, 0)
        finally:
            await client.stop()
    asyncio.run(run())


def bench_cost(prosody):
    count = 200
    say('== cost: callgrind, instructions per `file` in vigil and in the room reference '
        '(%d filings)' % count)
    if not shutil.which('valgrind'):
        say('valgrind is not installed: skipped')
        return
    # the references: the XMPP path alone (libstrophe parsing the form and
    # answering), and the same with one room line a filing
    refs = {}
    for name, jid, room in (('bare', BASELINE, None), ('room ref', ROOM_REFERENCE, REFERENCE_ROOM)):
        ref_dir = os.path.join(prosody.dir, 'callgrind-' + jid)
        os.makedirs(ref_dir, exist_ok=True)
        ref = Baseline(prosody, jid, room,
                       wrap=['valgrind', '--tool=callgrind',
                             '--callgrind-out-file=' + os.path.join(ref_dir, 'callgrind.out')])
        try:
            ref.start(timeout=120)
            callgrind_filings(prosody, ref.proc.pid, jid, count)
        finally:
            ref.stop(grace=60)
        refs[name], _, _ = callgrind_total(ref_dir, count)
        say('%d instructions per filing in the %s' % (
            refs[name], 'bare path' if name == 'bare' else 'room reference'))
    ref_instructions = refs['room ref']
    COST.update(refs)

    vigil = DeployedVigil(prosody, access__rate_per_minute=60000)
    out = os.path.join(vigil.dir, 'callgrind.out')
    vigil.start(wrap=['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out])
    try:
        vigil.wait_log(r'joined \S+ as ', 120)
        callgrind_filings(prosody, vigil.proc.pid, COMPONENT, count)
        vigil.stop(grace=60)
        instructions, out, annotate = callgrind_total(vigil.dir, count)
        if os.environ.get('VIGIL_BENCH_KEEP'):
            shutil.copy(out, os.environ['VIGIL_BENCH_KEEP'])
        say('%d instructions per filing in the whole daemon (goal <= 1.0 M; %.2f x the room '
            'reference, %.2f x the bare path)' % (instructions, instructions / ref_instructions,
                                                  instructions / refs['bare']))
        COST['vigil'] = instructions
        record('instructions per filing (callgrind)', instructions, ref_instructions,
               '<= 1.0 M', instructions <= 1.0e6, against='room ref')
        say('top functions of vigil (inclusive):')
        for line in top_functions(annotate, harness.VIGIL_BIN, 12):
            say('  ' + line)
        serializer = re.search(r'([\d,]+) \(\s*([\d.]+)%\)\s+\S+:xmpp_stanza_to_text ', annotate)
        if serializer:
            say('  of which libstrophe\'s xmpp_stanza_to_text: %s (%s%%), also called by '
                'libstrophe itself on every stanza received' % serializer.groups())
        exclusive = subprocess.run(['callgrind_annotate', '--threshold=100', out],
                                   capture_output=True, text=True, timeout=120).stdout
        say('top functions anywhere (self):')
        for line in top_functions(exclusive, None, 10):
            say('  ' + line)
    finally:
        vigil.cleanup()


def main():
    wanted = sys.argv[1:] or ['filing', 'fanout', 'scale', 'cost']
    users = ['user%d' % i for i in range(max(SUBSCRIBERS, 10))]
    prosody = BenchProsody(users)
    started, info = time.time(), envelope.machine(harness.SRCDIR)  # what is measured
    failed = []
    try:
        prosody.start()
        say('vigil benchmarks, %s; Prosody on 127.0.0.1:%d' % (time.strftime('%Y-%m-%d %H:%M'),
                                                               prosody.c2s_port))
        for name in wanted:
            # a part that fails is reported in the table; the others still run
            try:
                globals()['bench_' + name](prosody)
            except Exception as e:  # noqa: BLE001
                traceback.print_exc(file=sys.stdout)
                say('%s FAILED: %s: %s' % (name, type(e).__name__, e))
                failed.append(name)
                record('%s: the part failed (see above)' % name, None, goal='runs', met=False)
    finally:
        prosody.cleanup()
    report_table()
    write_json(wanted, started, info)
    if failed:
        say('failed: %s' % ' '.join(failed))
        sys.exit(1)


if __name__ == '__main__':
    main()
