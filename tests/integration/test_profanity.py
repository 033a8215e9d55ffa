# SPDX-License-Identifier: MIT
"""A real terminal client: Profanity, run in a private tmux server,
driven as a person would — keys typed, the screen read with capture-pane.

alice logs in to the harness's server, joins the room, lists vigil's ad-hoc
commands, files a threat and assesses it through Profanity's data-form
windows (/cmd exec, /fieldN, /form submit), and reads vigil's announcements
in the room. Each step is checked on the server side too (a slixmpp client in
the room, `show` through ad-hoc). Profanity gets its own HOME and XDG
directories in a temporary directory; the tmux server has its own socket
there and is stopped with kill-server on that socket, Profanity by PID.

VIGIL_PROFANITY_KEEP=<dir> keeps the final screens (room and console) there.
"""
import asyncio
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from harness import (COMPONENT, ET, NS_COMMANDS, ROOM, SERVER, Env, Skip, command_of,
                     connect, form_values, run)
from sample_threats import SMALL_TREE

PROFANITY = shutil.which('profanity')
TMUX = shutil.which('tmux')
WIDTH, HEIGHT = 200, 50
NAME = 'Terminal client spoofing'
ABSTRACT = ('A member files this from Profanity in tmux.', 'Second line of the abstract.')
RATIONALE = 'Seen from a terminal.'
# a text-multi takes one `add` per line; a quoted value keeps its leading spaces
TREE = SMALL_TREE


class Profanity:
    """Profanity in a detached tmux session on a private socket."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='vigil-profanity-')
        self.socket = os.path.join(self.dir, 'tmux.sock')
        self.pidfile = os.path.join(self.dir, 'profanity.pid')
        self.home = os.path.join(self.dir, 'home')
        self.pid = None
        self.started = False
        self.joined = False  # logged in and in the room: the later steps need it
        self.screens = {}  # name -> the last capture of each window we read
        config = os.path.join(self.home, '.config')
        os.makedirs(os.path.join(config, 'profanity'))
        with open(os.path.join(config, 'profanity', 'profrc'), 'w') as f:
            # no desktop notifications (no D-Bus here); nothing else differs from a new user's
            f.write('[notifications]\nmessage=false\nroom=false\ninvite=false\nsub=false\n')
        self.env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'HOME': self.home,
            'XDG_CONFIG_HOME': config,
            'XDG_DATA_HOME': os.path.join(self.home, '.local', 'share'),
            'TERM': 'xterm-256color',  # CI may have none; tmux needs one to start
            'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8',
        }

    def tmux(self, *args, check=True):
        return subprocess.run([TMUX, '-S', self.socket, '-f', '/dev/null'] + list(args),
                              env=self.env, capture_output=True, encoding='utf-8', errors='replace',
                              timeout=10,
                              check=check)

    def start(self):
        # the pane's shell writes its PID and becomes profanity (exec)
        command = "echo $$ > '%s'; exec '%s' -l DEBUG" % (self.pidfile, PROFANITY)
        self.tmux('new-session', '-d', '-s', 'vigil', '-x', str(WIDTH), '-y', str(HEIGHT),
                  'sh', '-c', command)
        self.started = True
        deadline = time.monotonic() + 10
        while self.pid is None and time.monotonic() < deadline:
            try:
                with open(self.pidfile) as f:
                    self.pid = int(f.read().strip() or 0) or None
            except (OSError, ValueError):
                time.sleep(0.05)
        if self.pid is None:
            raise AssertionError('profanity did not start in tmux')
        # the PID is the shell's until it has exec'd profanity: on a busy
        # machine alive() would otherwise see "sh" and call it exited
        while time.monotonic() < deadline and not self.alive():
            time.sleep(0.05)
        if not self.alive():
            raise AssertionError('profanity did not start in tmux (still %s)' % self.comm())

    def comm(self):
        try:
            with open('/proc/%d/comm' % self.pid) as f:
                return f.read().strip()
        except (OSError, TypeError):
            return None

    def alive(self):
        return bool(self.pid) and self.comm() == 'profanity'

    def screen(self):
        p = self.tmux('capture-pane', '-p', '-t', 'vigil', check=False)
        return p.stdout if p.returncode == 0 else '(no screen: %s)' % p.stderr.strip()

    def type(self, line):
        """Types a line and presses Enter."""
        self.tmux('send-keys', '-t', 'vigil', '-l', line)
        self.tmux('send-keys', '-t', 'vigil', 'Enter')

    async def wait(self, pattern, timeout=15, what=None):
        """Polls the screen until the regex matches; returns the match.
        On timeout the screen goes into the failure message (and the log)."""
        deadline = time.monotonic() + timeout
        text = ''
        while time.monotonic() < deadline:
            text = self.screen()
            m = re.search(pattern, text, re.M)
            if m:
                return m
            if not self.alive():
                break
            await asyncio.sleep(0.1)
        raise AssertionError('%s never appeared on Profanity\'s screen (%s):\n%s' % (
            what or repr(pattern), 'profanity exited' if not self.alive() else
            '%ss' % timeout, text))

    async def set_field(self, tag, label, value):
        """One /fieldN command in a form window, waiting for Profanity's echo."""
        self.type('/%s %s' % (tag, value))
        await self.wait(r'Field updated\.\.\.\n[^\n]*\[%s\] %s' % (tag, re.escape(label)),
                        what='the update of %s (%s)' % (tag, label))

    async def tags(self, labels, what):
        """The form window's tags (field1, field2, ...) of these labels, read
        from the screen: Profanity numbers the visible fields in form order."""
        await self.wait(r'Use \'/form (submit|cancel)\'', what=what)
        text = self.screen()
        found = {}
        for label in labels:
            m = re.search(r'\[(field\d+)\] %s( \(required\))?:' % re.escape(label), text)
            assert m, 'no field %r in the form on screen:\n%s' % (label, text)
            found[label] = m.group(1)
        return found

    def log_tail(self, lines=25):
        path = os.path.join(self.env['XDG_DATA_HOME'], 'profanity', 'logs', 'profanity.log')
        try:
            with open(path, errors='replace') as f:
                return f.readlines()[-lines:]
        except OSError:
            return []

    def stop(self):
        if self.started and self.alive():
            self.type('/quit')
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.1)
        if self.started:
            self.tmux('kill-server', check=False)  # our socket only
            self.started = False
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.alive():
                os.kill(self.pid, signal.SIGKILL)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class ProfanityEnv(Env):
    def __init__(self):
        super().__init__()
        self.profanity = None
        self.threat = None

    def logs(self):
        out = super().logs()
        if self.profanity and self.profanity.started:
            out += ['--- Profanity\'s screen ---'] + self.profanity.screen().splitlines()
        if self.profanity:
            out += ['--- profanity.log (last lines) ---'] + self.profanity.log_tail()
        return out

    def cleanup(self):
        if self.profanity:
            self.profanity.cleanup()
        super().cleanup()


def installed():
    if not PROFANITY:
        raise Skip('profanity is not installed (apt-get install profanity)')
    if not TMUX:
        raise Skip('tmux is not installed')


def need_profanity(env):
    installed()
    if env.profanity is None or not env.profanity.joined or not env.profanity.alive():
        raise Skip('Profanity is not logged in and in the room (see the first step)')
    return env.profanity


def from_vigil(m):
    return (m['type'] == 'groupchat' and m['from'].bare == ROOM and
            m['from'].resource == 'vigil')


async def observer(env):
    """carol in the room, to see what vigil says there."""
    carol = await connect(env.prosody, 'carol', 'observer')
    await carol.join()
    await carol.wait_occupant('vigil')
    return carol


async def room_says(client, pattern, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in client.messages:
            if from_vigil(m) and re.search(pattern, m['body']):
                return m['body']
        await asyncio.sleep(0.05)
    raise AssertionError('vigil never said %r in the room; it said %s' % (
        pattern, [m['body'] for m in client.messages if from_vigil(m)]))


def elapsed(start):
    return '%.1f s' % (time.monotonic() - start)


async def test_login_and_join(env):
    """Profanity: alice logs in (no TLS, private server) and joins the room"""
    installed()
    start = time.monotonic()
    p = env.profanity = Profanity()
    p.start()
    await p.wait(r'Profanity\. Type /help', what='Profanity\'s title bar')
    # the harness's servers offer no TLS on loopback: Prosody with
    # c2s_require_encryption = false, ejabberd with starttls: false
    p.type('/connect alice@localhost server 127.0.0.1 port %d tls disable' % env.prosody.c2s_port)
    await p.wait(r'Enter password', what='the password prompt')
    p.type('alice')
    await p.wait(r'alice@localhost/\S+ logged in successfully', what='the login')
    carol = await observer(env)
    try:
        p.type('/join %s' % ROOM)
        await p.wait(r'You have joined the room as alice', what='the join')
        await carol.wait_occupant('alice')  # the server has alice in the room
    finally:
        await carol.stop()
    p.joined = True
    return elapsed(start)


async def test_cmd_list(env):
    """Profanity: /cmd list shows the commands vigil offers alice, as disco does"""
    p = need_profanity(env)
    start = time.monotonic()
    p.type('/cmd list %s' % COMPONENT)
    p.type('/win 1')  # Profanity lists them in its console
    m = await p.wait(r'Ad hoc commands:\n((?:.*!   \S+\n)+)', what='the command list')
    shown = set(re.findall(r'!   (\S+)', m.group(1)))
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        items = await alice['xep_0030'].get_items(jid=COMPONENT, node=NS_COMMANDS)
        nodes = {item[1] for item in items['disco_items']['items']}
    finally:
        await alice.stop()
    assert shown == nodes, (shown, nodes)
    assert {'file', 'assess', 'list', 'show', 'retire'} <= shown, shown
    return '%s, %d commands' % (elapsed(start), len(shown))


async def test_file(env):
    """Profanity: /cmd exec file, the form filled with /fieldN, /form submit; the threat is stored"""
    p = need_profanity(env)
    start = time.monotonic()
    carol = await observer(env)
    try:
        p.type('/cmd exec file %s' % COMPONENT)
        await p.wait(r'Form title: File a threat', what='the file form')
        tags = await p.tags(['Name', 'Abstract', 'Attack tree', 'Likelihood', 'Damage'],
                            'the file form')
        await p.set_field(tags['Name'], 'Name', '"%s"' % NAME)  # quoted: spaces
        await p.wait(r'\[%s\] Name \(required\): %s$' % (tags['Name'], NAME), what='the name')
        for line in ABSTRACT:  # one value per line of a text-multi
            await p.set_field(tags['Abstract'], 'Abstract', 'add ' + line)
        for line in TREE:
            await p.set_field(tags['Attack tree'], 'Attack tree', 'add "%s"' % line)
        await p.set_field(tags['Likelihood'], 'Likelihood', 'low')
        await p.set_field(tags['Damage'], 'Damage', 'medium')
        p.type('/form submit')
        # the completed command's result form opens in a window of its own
        await p.wait(r'Form title: Threat filed', what='the result window')
        tid = (await p.wait(r'\] Threat: (T-\d+)', what='the threat id')).group(1)
        await p.wait(r'\] Priority: low$', what='the priority')
        env.threat = tid
        p.type('/form cancel')  # closes the result window
        said = await room_says(carol, r'^%s "%s" filed by alice@localhost' % (tid, NAME))
    finally:
        await carol.stop()
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        shown = form_values(command_of(await alice.command('show', fields={'id': tid})))
    finally:
        await alice.stop()
    assert shown['name'] == NAME and shown['abstract'] == '\n'.join(ABSTRACT), shown
    assert (shown['likelihood'], shown['damage'], shown['priority']) == ('low', 'medium', 'low'), shown
    assert shown['attack-tree'] == '\n'.join(TREE), shown
    assert shown['author'] == 'alice@localhost', shown
    return '%s, %s; room: %s' % (elapsed(start), tid, said)


async def test_assess(env):
    """Profanity: /cmd exec assess, two form stages; the priority changes low → high"""
    p = need_profanity(env)
    tid = env.threat
    assert tid, 'no threat was filed'
    start = time.monotonic()
    carol = await observer(env)
    try:
        p.type('/cmd exec assess %s' % COMPONENT)
        await p.wait(r'Form title: Assess a threat', what='the assess form')
        tags = await p.tags(['Threat'], 'the assess form')
        await p.set_field(tags['Threat'], 'Threat', tid)
        p.type('/form submit')
        await p.wait(r'Form title: Assess %s: %s' % (tid, NAME), what='the second stage')
        tags = await p.tags(['Likelihood', 'Damage', 'Rationale'], 'the second stage')
        await p.set_field(tags['Likelihood'], 'Likelihood', 'high')
        await p.set_field(tags['Damage'], 'Damage', 'medium')
        await p.set_field(tags['Rationale'], 'Rationale', 'add ' + RATIONALE)
        p.type('/form submit')
        # the answer's result form holds the note in its `note` field: Profanity
        # shows that form (and, for a completed command without one, printed
        # the status and the note in its console)
        await p.wait(r'(assess completed\n.*|Note: )%s "%s": priority low → high' % (tid, NAME),
                     what='the completed assessment')
        said = await room_says(carol, r'^%s "%s": priority low → high .*assessed by alice@localhost'
                               % (tid, NAME))
    finally:
        await carol.stop()
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        shown = form_values(command_of(await alice.command('show', fields={'id': tid})))
        history = await alice.command('history', fields={'id': tid})
    finally:
        await alice.stop()
    assert (shown['likelihood'], shown['damage'], shown['priority']) == ('high', 'medium', 'high'), shown
    assert shown['revision'] == '2', shown
    assert RATIONALE in ET.tostring(history.xml, encoding='unicode'), 'the rationale is in the history'
    p.screens['console'] = p.screen()
    return '%s; room: %s' % (elapsed(start), said)


async def test_room(env):
    """Profanity: the room window shows both announcements, and !show there answers"""
    p = need_profanity(env)
    tid = env.threat
    assert tid, 'no threat was filed'
    start = time.monotonic()
    p.type('/win 2')
    await p.wait(r'vigil: %s "%s" filed by alice@localhost: priority low' % (tid, NAME),
                 what='the filing announcement')
    await p.wait(r'vigil: %s "%s": priority low → high \(likelihood high, damage medium\), '
                 r'assessed by alice@localhost' % (tid, NAME), what='the assessment announcement')
    # the chat commands work from Profanity too (for clients without forms)
    p.type('!show %s' % tid)
    await p.wait(r'vigil: %s "%s" — priority high' % (tid, NAME), what='the answer to !show')
    await p.wait(r'★ Strip STARTTLS \[cost 1000\]', what='the attack tree in !show')
    final = p.screens['room'] = p.screen()
    keep = os.environ.get('VIGIL_PROFANITY_KEEP')
    if keep:
        os.makedirs(keep, exist_ok=True)
        for name, text in sorted(p.screens.items()):
            with open(os.path.join(keep, 'profanity-%s-%s.txt' % (SERVER, name)), 'w') as f:
                f.write(text)
    for title, text in (('final screen (the room)', final),
                        ('console after the assessment', p.screens.get('console', ''))):
        print('# --- Profanity\'s %s, blank lines left out ---' % title)
        for line in text.splitlines():
            if line.strip():
                print('# ' + line.rstrip())
    return elapsed(start)


if __name__ == '__main__':
    run([test_login_and_join, test_cmd_list, test_file, test_assess, test_room],
        env_factory=ProfanityEnv)
