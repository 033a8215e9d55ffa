# SPDX-License-Identifier: MIT
"""A second terminal client: poezio, run in a private tmux server,
driven as a person would — keys typed, the screen read with capture-pane.

alice logs in to the harness's server (no TLS: poezio's force_encryption is
off, custom_host/custom_port point at the private server), opens
`/ad-hoc threats.localhost`, picks `file` in the list, fills the name and a
two-line abstract, leaves the likelihood and damage drop-downs as they come
and submits with Ctrl+Y; then picks `list` and reads the threat's line
in the Threats field. Each step is checked on the server side: the
commands poezio lists are the ones disco gives alice, and the filed threat,
read back with `show` by a slixmpp client, has the name, the abstract, and
likelihood and damage `unassessed`.

Two things poezio 0.14 does that other clients do not: every drop-down
starts on its option matching the field's value, else on its first option,
and cannot be left empty (so a form whose likelihood has no default files
whatever comes first); and it answers every stage with action `next`, even
a last stage that offers only `complete` — XEP-0050 §3.4 has `next` mean
"the default action", which there is `complete`.

poezio refuses to run as root: as root, it runs as `nobody` (setpriv), and
so does its tmux server. Its config, data and cache directories are in a
temporary directory; the tmux server has its own socket there and is
stopped with kill-server on that socket, poezio by PID.

VIGIL_POEZIO_KEEP=<dir> keeps the screens read at each step there.
"""
import asyncio
import os
import re
import shutil
import signal
import subprocess
import time

from harness import COMPONENT, NS_COMMANDS, SERVER, Env, Skip, command_of, connect, form_values, run
from unprivileged import User

POEZIO = shutil.which('poezio')
TMUX = shutil.which('tmux')
WIDTH, HEIGHT = 160, 50
NAME = 'Curses client spoofing'
ABSTRACT = ('A member files this from poezio in tmux.', 'The drop-downs are left alone.')
SGR = re.compile(r'\x1b\[([0-9;]*)m')


def highlighted(escaped):
    """Runs of text drawn on a coloured background (poezio's selected row and
    selected form field), right of the tab list, from capture-pane -e."""
    runs = []
    for line in escaped.splitlines():
        cells, bg, pos = [], None, 0
        for m in SGR.finditer(line + '\x1b[m'):
            for ch in line[pos:m.start()]:
                cells.append((ch, bg))
            pos = m.end()
            params = (m.group(1) or '0').split(';')
            i = 0
            while i < len(params):
                p = params[i] or '0'
                if p in ('38', '48'):  # 38/48;5;N or 38/48;2;R;G;B
                    skip = 3 if i + 1 < len(params) and params[i + 1] == '5' else 5
                    if p == '48':
                        bg = ';'.join(params[i:i + skip])
                    i += skip
                    continue
                n = int(p)
                if n == 0 or n == 49:
                    bg = None
                elif 40 <= n <= 47 or 100 <= n <= 107:
                    bg = p
                i += 1
        text = ''.join(ch for ch, _ in cells)
        start = text.find('│') + 1  # the vertical tab list ends at the first bar
        run = ''
        for ch, cbg in cells[start:] + [(' ', None)]:
            if cbg is not None:
                run += ch
            elif run:
                if run.strip():
                    runs.append(run.strip())
                run = ''
    return runs


class Poezio:
    """poezio in a detached tmux session on a private socket, as an
    unprivileged user."""

    def __init__(self, server):
        self.user = User()
        if self.user.reason:
            raise Skip(self.user.reason)
        self.dir = self.user.mkdtemp('vigil-poezio-')
        self.socket = os.path.join(self.dir, 'tmux.sock')
        self.pidfile = os.path.join(self.dir, 'poezio.pid')
        self.debug_log = os.path.join(self.dir, 'poezio-debug.log')
        home = os.path.join(self.dir, 'home')
        self.env = self.user.environ(home, TERM='xterm-256color')
        config = os.path.join(self.env['XDG_CONFIG_HOME'], 'poezio')
        os.makedirs(config)
        with open(os.path.join(config, 'poezio.cfg'), 'w') as f:
            # the harness's servers offer no TLS on loopback (Prosody without
            # mod_tls, ejabberd with starttls: false)
            f.write('[Poezio]\njid = alice@localhost\npassword = alice\n'
                    'custom_host = 127.0.0.1\ncustom_port = %d\nforce_encryption = false\n'
                    % server.c2s_port)
        self.user.own(self.dir)
        self.pid = None
        self.started = False
        self.logged_in = False
        self.screens = {}  # step -> the screen read there

    def tmux(self, *args, check=True):
        return subprocess.run(self.user.argv([TMUX, '-S', self.socket, '-f', '/dev/null'] + list(args)),
                              env=self.env, capture_output=True, encoding='utf-8', errors='replace',
                              timeout=10, check=check, cwd=self.dir)  # a directory the user can enter

    def start(self):
        # the pane's shell writes its PID and becomes poezio (exec)
        command = "echo $$ > '%s'; exec '%s' -d '%s'" % (self.pidfile, POEZIO, self.debug_log)
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
            raise Skip('poezio could not be started in tmux: %s' % self.screen())
        # the PID is the shell's until it has exec'd poezio: on a busy
        # machine alive() would otherwise see "sh" and call it exited
        while time.monotonic() < deadline and not self.alive():
            time.sleep(0.05)

    def alive(self):
        if not self.pid:
            return False
        try:
            with open('/proc/%d/comm' % self.pid) as f:
                return f.read().strip() == 'poezio'
        except OSError:
            return False

    def screen(self, escapes=False):
        p = self.tmux('capture-pane', '-p', *(['-e'] if escapes else []), '-t', 'vigil', check=False)
        return p.stdout if p.returncode == 0 else '(no screen: %s)' % p.stderr.strip()

    def keys(self, *keys):
        """Named keys (Enter, Down, C-y, ...), one tmux call each."""
        for key in keys:
            self.tmux('send-keys', '-t', 'vigil', key)

    async def press(self, key, read_as, timeout=10):
        """Presses a key and waits until poezio has read it (its debug log
        names every key it reads), for keys that change nothing on screen."""
        offset = len(self.debug_text())
        self.keys(key)
        pattern = "Got from keyboard: \\(\\['%s'\\],\\)" % re.escape(read_as)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.debug_text()[offset:]):
                return
            await asyncio.sleep(0.05)
        raise AssertionError('poezio never read the key %s' % key)

    def debug_text(self):
        try:
            with open(self.debug_log, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def type(self, text):
        self.tmux('send-keys', '-t', 'vigil', '-l', text)

    async def wait(self, pattern, timeout=20, what=None, escapes=False):
        """Polls the screen until the regex matches; returns the match.
        On timeout the screen goes into the failure message (and the log)."""
        deadline = time.monotonic() + timeout
        text = ''
        while time.monotonic() < deadline:
            text = self.screen(escapes)
            m = re.search(pattern, text, re.M)
            if m:
                return m
            if not self.alive():
                break
            await asyncio.sleep(0.1)
        raise AssertionError('%s never appeared on poezio\'s screen (%s):\n%s' % (
            what or repr(pattern), 'poezio exited' if not self.alive() else
            '%ss' % timeout, self.screen()))

    async def wait_selected(self, label, what, timeout=10):
        """Waits until `label` is the highlighted row or form field."""
        deadline = time.monotonic() + timeout
        runs = []
        while time.monotonic() < deadline:
            runs = highlighted(self.screen(escapes=True))
            if any(r == label or r.startswith(label + ' ') for r in runs):
                return
            await asyncio.sleep(0.1)
        raise AssertionError('%s: %r is not highlighted (highlighted: %s):\n%s' % (
            what, label, runs, self.screen()))

    async def command(self, line):
        """Types a /command: poezio opens its command line on the '/' key
        and reads what follows only once it is open, so each is waited for."""
        for attempt in range(3):
            self.type('/')
            try:
                await self.wait(r'│/$', timeout=5, what='the command line')
                break
            except AssertionError:
                if attempt == 2:
                    raise
                self.keys('Escape')
        self.type(line[1:] if line.startswith('/') else line)
        await self.wait(r'│%s\s*$' % re.escape(line), what='the typed command')
        self.keys('Enter')

    def action_sent(self, node):
        """The action of the last command request poezio sent for node (its
        debug log has every stanza)."""
        text = self.debug_text()
        found = re.findall(r'SEND: <iq [^\n]*<command [^>]*node="%s"[^>]*>' % re.escape(node), text)
        actions = [re.search(r'action="([^"]+)"', c) for c in found]
        return actions[-1].group(1) if actions and actions[-1] else None

    def log_tail(self, lines=25):
        try:
            with open(self.debug_log, errors='replace') as f:
                return [line[:400] for line in f.readlines()[-lines:]]
        except OSError:
            return []

    def keep(self):
        keep = os.environ.get('VIGIL_POEZIO_KEEP')
        if keep:
            os.makedirs(keep, exist_ok=True)
            for name, text in sorted(self.screens.items()):
                with open(os.path.join(keep, 'poezio-%s-%s.txt' % (SERVER, name)), 'w') as f:
                    f.write(text)

    def stop(self):
        if self.started and self.alive():
            self.type('/')
            time.sleep(0.3)  # the UI: poezio opens its command line first
            self.type('quit')
            self.keys('Enter')
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
        self.keep()
        shutil.rmtree(self.dir, ignore_errors=True)


class PoezioEnv(Env):
    def __init__(self):
        super().__init__()
        self.poezio = None
        self.threat = None

    def logs(self):
        out = super().logs()
        if self.poezio and self.poezio.started:
            out += ['--- poezio\'s screen ---'] + self.poezio.screen().splitlines()
        if self.poezio:
            out += ['--- poezio debug log (last lines) ---'] + self.poezio.log_tail()
        return out

    def cleanup(self):
        if self.poezio:
            self.poezio.cleanup()
        super().cleanup()


def installed():
    if not POEZIO:
        raise Skip('poezio is not installed (apt-get install poezio)')
    if not TMUX:
        raise Skip('tmux is not installed')


def need_poezio(env):
    installed()
    if env.poezio is None or not env.poezio.logged_in or not env.poezio.alive():
        raise Skip('poezio is not logged in (see the first step)')
    return env.poezio


def command_rows(screen):
    """The nodes in poezio's list of ad-hoc commands, top to bottom."""
    rows, inside = [], False
    for line in screen.splitlines():
        right = line.split('│', 1)[-1]
        if re.match(r'Node +Description', right):
            inside = True
        elif inside:
            m = re.match(r'(\S+) {2,}\S', right)
            if not m:
                break
            rows.append(m.group(1))
    return rows


def elapsed(start):
    return '%.1f s' % (time.monotonic() - start)


async def test_login(env):
    """poezio: alice logs in (no TLS, private server); the server has her resource online"""
    installed()
    start = time.monotonic()
    p = env.poezio = Poezio(env.prosody)
    p.start()
    resource = (await p.wait(r'Your JID is alice@localhost/(\S+)', timeout=30,
                             what='the login')).group(1)
    # seen from the server: alice's other resource gets the presence of this one
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        await alice.wait_for(lambda s: s['from'] == 'alice@localhost/' + resource and
                             s.name == 'presence' and s['type'] in ('', 'available'),
                             what='the presence of alice@localhost/' + resource)
    finally:
        await alice.stop()
    p.logged_in = True
    p.screens['login'] = p.screen()
    return '%s, alice@localhost/%s' % (elapsed(start), resource)


async def test_command_list(env):
    """poezio: /ad-hoc lists the commands vigil offers alice, as disco does"""
    p = need_poezio(env)
    start = time.monotonic()
    await p.command('/ad-hoc %s' % COMPONENT)
    await p.wait(r'│Ad-hoc commands of JID %s *$' % re.escape(COMPONENT), what='the list of commands')
    shown = command_rows(p.screen())
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        items = await alice['xep_0030'].get_items(jid=COMPONENT, node=NS_COMMANDS)
        nodes = [item[1] for item in items['disco_items']['items']]
    finally:
        await alice.stop()
    assert sorted(shown) == sorted(nodes), (shown, nodes)
    assert 'file' in shown, shown
    p.screens['commands'] = p.screen()
    return '%s, %d commands: %s' % (elapsed(start), len(shown), ' '.join(shown))


async def test_file(env):
    """poezio: `file` picked in the list, name and abstract typed, drop-downs untouched, Ctrl+Y; filed unassessed"""
    p = need_poezio(env)
    start = time.monotonic()
    text = p.screen()
    rows = command_rows(text)
    assert 'file' in rows, 'the command list is not on the screen:\n' + text
    # the list starts on its first row; go to the top, then down to `file`
    p.keys(*['Up'] * len(rows))
    p.keys(*['Down'] * rows.index('file'))
    await p.wait_selected('file', 'the command list')
    p.keys('Enter')
    await p.wait(r'│File a threat *\n', what='the file form')
    await p.wait(r'Ctrl\+Y: send form', what='the form\'s key help')
    form = p.screens['form'] = p.screen()
    # what the drop-downs show before anyone touches them
    shown = {}
    for label in ('Likelihood', 'Damage'):
        m = re.search(r'│%s +(?:←\s*)?(\S(?:.*\S)?)\s*$' % label, form, re.M)
        assert m, 'no %s on the form:\n%s' % (label, form)
        shown[label] = m.group(1).strip('←→ ')
    # the first field (Name, a text-single) has the cursor: type into it
    await p.wait_selected('Name', 'the form as it opens')
    p.type(NAME)
    await p.wait(r'│Name +%s *$' % re.escape(NAME), what='the name')
    p.keys('Down')
    await p.wait_selected('Abstract', 'after Down')
    # a text-multi: Enter opens the entry's editor, Enter ends it (the entry
    # is then drawn centred, → to the empty entry after it); → goes there
    for number, line in enumerate(ABSTRACT):
        if number:
            p.keys('Right')
            await p.wait(r'│Abstract +← *$', what='the empty entry after line %d' % number)
        await p.press('Enter', '^M')  # the editor opens on no visible change
        p.type(line)
        await p.wait(r'│Abstract +%s *$' % re.escape(line), what='abstract line %d typed' % (number + 1))
        p.keys('Enter')
        await p.wait(r'│Abstract +(← +)?%s +→ *$' % re.escape(line),
                     what='abstract line %d entered' % (number + 1))
    p.screens['filled'] = p.screen()
    p.keys('C-y')
    await p.wait(r'│Threat filed *\n', what='the result form')
    tid = (await p.wait(r'│Threat +(T-\d+) *$', what='the threat id')).group(1)
    priority = (await p.wait(r'│Priority +(\S+) *$', what='the priority')).group(1)
    p.screens['result'] = p.screen()
    env.threat = tid
    action = p.action_sent('file')
    p.keys('C-g')  # closes the result tab
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        shown_by_vigil = form_values(command_of(await alice.command('show', fields={'id': tid})))
    finally:
        await alice.stop()
    assert shown_by_vigil.get('name') == NAME, shown_by_vigil
    assert shown_by_vigil.get('abstract') == '\n'.join(ABSTRACT), shown_by_vigil
    assert shown_by_vigil.get('author') == 'alice@localhost', shown_by_vigil
    assert shown_by_vigil.get('priority') == priority, (priority, shown_by_vigil)
    # drop-downs left as they come file a threat that is not
    # assessed, not one at the first option (it was high/high: critical)
    assert (shown_by_vigil.get('likelihood'), shown_by_vigil.get('damage')) == \
        ('unassessed', 'unassessed'), (
            'filed with likelihood %r, damage %r (priority %s) from drop-downs that showed '
            'Likelihood %r, Damage %r' % (shown_by_vigil.get('likelihood'),
                                          shown_by_vigil.get('damage'), priority,
                                          shown['Likelihood'], shown['Damage']))
    return ('%s, %s, priority %s; the drop-downs showed %r/%r; poezio sent action=%s'
            % (elapsed(start), tid, priority, shown['Likelihood'], shown['Damage'], action))


async def test_list(env):
    """poezio: `list` picked in the list shows the threats' lines (one at a time, → for the next) and the note"""
    p = need_poezio(env)
    if not env.threat:
        raise Skip('the filing step failed: no threat to list')
    start = time.monotonic()
    await p.command('/ad-hoc %s' % COMPONENT)
    await p.wait(r'│Ad-hoc commands of JID %s *$' % re.escape(COMPONENT), what='the list of commands')
    rows = command_rows(p.screen())
    assert 'list' in rows, 'the command list is not on the screen:\n' + p.screen()
    p.keys(*['Up'] * len(rows))
    p.keys(*['Down'] * rows.index('list'))
    await p.wait_selected('list', 'the command list')
    p.keys('Enter')
    line = '%s [unassessed] %s (identified)' % (env.threat, NAME)
    await p.wait(r'│Threats +%s' % re.escape(line), what='the threat\'s line in the Threats field')
    await p.wait(r'│Note +items 1–1 of 1 *$', what='the note in a field')
    p.screens['list'] = p.screen()
    p.keys('C-g')  # closes the result tab
    return '%s, the Threats field shows %r' % (elapsed(start), line)


async def test_screens(env):
    """poezio: the screens of the form as it opened and of the result"""
    p = need_poezio(env)
    assert env.threat, 'no threat was filed'
    for title, name in (('form as it opened', 'form'), ('result', 'result'), ('list', 'list')):
        print('# --- poezio\'s %s, blank lines left out ---' % title)
        for line in p.screens.get(name, '').splitlines():
            if line.strip(' │'):
                print('# ' + line.rstrip())
    return None


if __name__ == '__main__':
    run([test_login, test_command_list, test_file, test_list, test_screens], env_factory=PoezioEnv)
