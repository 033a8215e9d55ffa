# SPDX-License-Identifier: MIT
"""A desktop client: Gajim, on a private X server (Xvfb), driven
as a person would — keys typed and clicks made with xdotool, windows found by
their titles, screenshots taken of each step.

alice's account is written into Gajim's settings before it starts, with
Gajim's own settings code (a custom host on the harness's server, a plain
connection: the private servers offer no TLS on loopback). Then: Accounts →
Discover Services… on localhost, the row of vigil (threats.localhost)
selected and its Command button pressed; in the command list "File a
threat"; the name and a two-line abstract typed, likelihood and damage left
as they come, Complete. Each step is checked on the server side too: Gajim's
resource is online, the commands it received are the ones disco gives alice,
and the filed threat, read back with `show` by a slixmpp client, has the name
and the abstract, and likelihood and damage `unassessed`. Then "List
threats" from the command list: the answer carries the threat's line in
`threats`, and Gajim draws it on its Completed page (no "Executing…").

Gajim refuses to run as root: as root, Xvfb and Gajim run as `nobody`
(setpriv); their files are in a temporary directory. Both are stopped by PID.
Gajim is started with -v: its log has every stanza, which the test reads to
know when an answer has arrived and what it said.

VIGIL_GAJIM_KEEP=<dir> keeps the screenshots there; without it they are
kept only when a step fails, in a directory the failure names.
"""
import asyncio
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

from harness import (COMPONENT, NS_COMMANDS, SERVER, Env, Skip, command_of, connect, file_threat,
                     form_values, run)
from unprivileged import User

GAJIM = shutil.which('gajim')
XVFB = shutil.which('Xvfb')
XDOTOOL = shutil.which('xdotool')
IMPORT = shutil.which('import')  # imagemagick
NAME = 'Desktop client spoofing'
ABSTRACT = ('A member files this from Gajim under Xvfb.', 'Likelihood and damage are left alone.')
RESOURCE = 'gajim'
# Gajim's log: each entry starts with its time and level; -v logs the data
LOG_ENTRY = re.compile(r'^\d\d/\d\d/\d\d \d\d:\d\d:\d\d \(\w\) ', re.M)
LOG_DATA = re.compile(r'::::: DATA (RECEIVED|SENT) ::::\n\n')

# Run with Gajim's own python modules, as the user who will run Gajim:
# writes alice's account into the settings database of the config
# directory given (the equivalent of the account wizard with "advanced"
# custom host, without the wizard), passwords in the settings (no keyring).
ACCOUNT_SCRIPT = r'''
import sys
from gajim.common import configpaths
configpaths.set_config_root(sys.argv[1])
configpaths.init()
configpaths.create_paths()
from gajim.common import app
from gajim.common.settings import Settings
app.settings = Settings()
app.settings.init()
app.settings.set_app_setting('use_keyring', False)
app.settings.set_app_setting('check_for_update', False)
app.settings.add_account('alice')
for key, value in (('name', 'alice'), ('hostname', 'localhost'), ('password', 'alice'),
                   ('resource', sys.argv[3]), ('account_label', 'alice@localhost'),
                   ('use_custom_host', True), ('custom_host', '127.0.0.1'),
                   ('custom_port', int(sys.argv[2])), ('custom_type', 'PLAIN'),
                   ('use_plain_connection', True),
                   ('confirm_unencrypted_connection', False), ('active', True)):
    app.settings.set_account_setting('alice', key, value)
app.settings.shutdown()
print('account alice written')
'''


def gajim_python():
    """The interpreter Gajim runs with (its script's #! line): its modules are there."""
    try:
        with open(GAJIM) as f:
            line = f.readline()
    except OSError:
        line = ''
    return line[2:].strip().split()[0] if line.startswith('#!') and line[2:].strip() else sys.executable


class Gajim:
    """Xvfb and Gajim as an unprivileged user, and the means to drive them."""

    def __init__(self):
        self.user = User()
        if self.user.reason:
            raise Skip(self.user.reason)
        self.dir = self.user.mkdtemp('vigil-gajim-')
        self.home = os.path.join(self.dir, 'home')
        self.config = os.path.join(self.dir, 'gajim')
        self.log_path = os.path.join(self.dir, 'gajim.log')
        self.shots_dir = tempfile.mkdtemp(prefix='vigil-gajim-shots-')
        os.makedirs(self.home)
        self.env = self.user.environ(self.home, NO_AT_BRIDGE='1', GDK_BACKEND='x11')
        self.user.own(self.dir)
        self.xvfb = self.gajim = None
        self.display = None
        self.shots = []
        self.ready = False  # online with the main window up: the later steps need it

    # --- processes ----------------------------------------------------------

    def write_account(self, port):
        p = subprocess.run(self.user.argv([gajim_python(), '-c', ACCOUNT_SCRIPT, self.config,
                                           str(port), RESOURCE]),
                           env=self.env, capture_output=True, text=True, timeout=60, cwd=self.dir)
        assert p.returncode == 0 and 'account alice written' in p.stdout, (
            'writing the account with Gajim\'s settings code failed (%d):\n%s%s'
            % (p.returncode, p.stdout, p.stderr))

    def start_xvfb(self):
        read, write = os.pipe()
        try:
            self.xvfb = subprocess.Popen(
                self.user.argv([XVFB, '-displayfd', str(write), '-screen', '0', '1280x1024x24',
                                '-nolisten', 'tcp']),
                env=self.env, pass_fds=(write,), stdin=subprocess.DEVNULL,
                stdout=open(os.path.join(self.dir, 'xvfb.log'), 'ab'), stderr=subprocess.STDOUT,
                cwd=self.dir)
            os.close(write)
            write = None
            number = b''
            deadline = time.monotonic() + 20
            while not number.endswith(b'\n') and time.monotonic() < deadline:
                ready, _, _ = select.select([read], [], [], 0.5)
                if ready:
                    chunk = os.read(read, 16)
                    if not chunk:
                        break
                    number += chunk
        finally:
            os.close(read)
            if write is not None:
                os.close(write)
        if not number.strip().isdigit():
            raise Skip('Xvfb did not start: %s' % self.tail(os.path.join(self.dir, 'xvfb.log')))
        self.display = ':' + number.decode().strip()
        self.env['DISPLAY'] = self.display

    def start_gajim(self):
        self.gajim = subprocess.Popen(self.user.argv([GAJIM, '-c', self.config, '-v']),
                                      env=self.env, stdin=subprocess.DEVNULL,
                                      stdout=open(self.log_path, 'ab'), stderr=subprocess.STDOUT,
                                      cwd=self.dir)

    def alive(self):
        return self.gajim is not None and self.gajim.poll() is None

    def stop(self):
        for proc in (self.gajim, self.xvfb):  # Gajim quits on SIGTERM
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    # --- the screen ---------------------------------------------------------

    def xdo(self, *args, check=True):
        return subprocess.run([XDOTOOL] + [str(a) for a in args], env={'DISPLAY': self.display},
                              capture_output=True, text=True, timeout=20, check=check)

    def windows(self, title):
        """Visible windows whose title matches the regex, newest last."""
        p = self.xdo('search', '--onlyvisible', '--name', title, check=False)
        return [w for w in p.stdout.split()]

    def titles(self):
        return [self.xdo('getwindowname', w, check=False).stdout.strip()
                for w in self.windows('.')]

    async def wait_window(self, title, timeout=20, what=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.windows(title)
            if found:
                return found[-1]
            if not self.alive():
                break
            await asyncio.sleep(0.2)  # polls
        raise AssertionError('%s: no window titled %r after %ss (%s); windows: %s' % (
            what or title, title, timeout, 'Gajim exited' if not self.alive() else 'Gajim runs',
            self.titles()))

    def focus(self, window):
        # no window manager: the keyboard goes where the input focus is set
        self.xdo('windowfocus', '--sync', window, check=False)

    def key(self, *keys):
        self.xdo('key', '--delay', '80', *keys)

    def type(self, text):
        self.xdo('type', '--delay', '30', text)

    def click(self, window, x_share, y_share):
        """A click at a share of the window's width and height."""
        geometry = self.xdo('getwindowgeometry', '--shell', window).stdout
        size = dict(line.split('=', 1) for line in geometry.split() if '=' in line)
        x = int(int(size['WIDTH']) * x_share)
        y = int(int(size['HEIGHT']) * y_share)
        self.xdo('mousemove', '--window', window, x, y, 'click', '1')

    def shot(self, name):
        path = os.path.join(self.shots_dir, '%02d-%s-%s.png' % (len(self.shots) + 1, SERVER, name))
        p = subprocess.run([IMPORT, '-window', 'root', path], env={'DISPLAY': self.display},
                           capture_output=True, timeout=30)
        if p.returncode == 0:
            self.shots.append(path)
        return path

    def keep_shots(self, failed):
        """Copies the screenshots to VIGIL_GAJIM_KEEP, or on a failure leaves
        them where they are; returns where they are, or None."""
        keep = os.environ.get('VIGIL_GAJIM_KEEP')
        if keep:
            os.makedirs(keep, exist_ok=True)
            for path in self.shots:
                shutil.copy(path, keep)
            return keep
        return self.shots_dir if failed and self.shots else None

    # --- Gajim's log (every stanza, with -v) --------------------------------

    def log_text(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    async def wait_log(self, pattern, after=0, timeout=20, what=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.log_text()[after:], re.S)
            if m:
                return m
            if not self.alive():
                break
            await asyncio.sleep(0.1)  # polls
        raise AssertionError('%s never appeared in Gajim\'s log (%s)' % (
            what or repr(pattern), 'Gajim exited' if not self.alive() else '%ss' % timeout))

    def stanzas(self, after=0):
        """The stanzas Gajim sent and received, parsed from its log (with -v
        it logs every chunk of data read or written, ::::: DATA RECEIVED ::::
        and the chunk; a chunk may hold several stanzas or part of one), those
        complete after log offset `after`, in the order they were logged."""
        text = self.log_text()
        starts = [m.start() for m in LOG_ENTRY.finditer(text)] + [len(text)]
        parsers, depths, out = {}, {}, []
        for start, end in zip(starts, starts[1:]):
            m = LOG_DATA.search(text, start, end)
            if not m:
                continue
            direction, data = m.group(1), text[m.end():end]
            if data.endswith('\n\n'):  # the message's newline and the handler's
                data = data[:-2]
            if direction not in parsers or data.lstrip().startswith(('<?xml', '<stream:stream')):
                parsers[direction] = ET.XMLPullParser(events=('start', 'end'))  # a new stream
                depths[direction] = 0
            parser = parsers[direction]
            try:
                parser.feed(data)
                for event, element in parser.read_events():
                    if event == 'start':
                        depths[direction] += 1
                    else:
                        depths[direction] -= 1
                        if depths[direction] == 1 and end > after:  # a child of the stream
                            out.append(element)
            except ET.ParseError:
                del parsers[direction]  # resynchronised at the next stream
        return out

    async def wait_stanza(self, predicate, after=0, timeout=20, what='a stanza'):
        """Waits for a logged stanza for which predicate returns a true value; returns that."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for stanza in self.stanzas(after):
                found = predicate(stanza)
                if found:
                    return found
            if not self.alive():
                break
            await asyncio.sleep(0.2)  # polls
        raise AssertionError('%s never appeared in Gajim\'s log (%s)' % (
            what, 'Gajim exited' if not self.alive() else '%ss' % timeout))

    @staticmethod
    def tail(path, lines=30):
        try:
            with open(path, errors='replace') as f:
                return ''.join(line[:400] for line in f.readlines()[-lines:])
        except OSError:
            return ''

    def cleanup(self, failed=False):
        self.stop()
        kept = self.keep_shots(failed)
        if kept != self.shots_dir:
            shutil.rmtree(self.shots_dir, ignore_errors=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        return kept


class GajimEnv(Env):
    def __init__(self):
        # one threat a page: a second filing makes list's two pages
        super().__init__(vigil_overrides={'commands__list_page': 1})
        self.gajim = None
        self.threat = None
        self.failed = False

    def logs(self):
        # called when a step fails: a last screenshot, and where they all are
        self.failed = True
        out = super().logs()
        g = self.gajim
        if g:
            if g.display and g.xvfb and g.xvfb.poll() is None:
                g.shot('failure')
                out += ['--- windows: %s' % g.titles()]
            out += ['--- Gajim\'s log (last lines) ---'] + g.tail(g.log_path).splitlines()
            out += ['--- screenshots: %s (kept %s)' % (
                ', '.join(os.path.basename(s) for s in g.shots),
                'in ' + os.environ['VIGIL_GAJIM_KEEP'] if os.environ.get('VIGIL_GAJIM_KEEP')
                else 'in ' + g.shots_dir)]
        return out

    def cleanup(self):
        if self.gajim:
            kept = self.gajim.cleanup(self.failed)
            if kept:
                print('# screenshots in %s' % kept)
        super().cleanup()


def installed():
    for program, package in ((GAJIM, 'gajim'), (XVFB, 'xvfb'), (XDOTOOL, 'xdotool'),
                             (IMPORT, 'imagemagick')):
        if not program:
            raise Skip('%s is not installed (apt-get install %s)' % (package, package))


def need_gajim(env):
    installed()
    if env.gajim is None or not env.gajim.ready or not env.gajim.alive():
        raise Skip('Gajim is not up and online (see the first step)')
    return env.gajim


def elapsed(start):
    return '%.1f s' % (time.monotonic() - start)


async def test_start(env):
    """Gajim: starts as an unprivileged user under Xvfb with alice's account pre-set; the server has her online"""
    installed()
    start = time.monotonic()
    g = env.gajim = Gajim()
    g.write_account(env.prosody.c2s_port)
    g.start_xvfb()
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        g.start_gajim()
        await asyncio.sleep(1)  # real time: a Gajim that cannot start exits within a second
        if not g.alive():
            raise Skip('Gajim did not start: %s' % g.tail(g.log_path, 10))
        try:
            await g.wait_window('^Gajim$', timeout=60, what='Gajim\'s main window')
        except AssertionError:
            if not g.alive():
                raise Skip('Gajim exited before its window showed: %s' % g.tail(g.log_path, 10))
            raise
        # seen from the server: alice's other resource gets the presence of Gajim's
        jid = 'alice@localhost/' + RESOURCE
        await alice.wait_for(lambda s: s.name == 'presence' and s['from'] == jid and
                             s['type'] in ('', 'available'), timeout=60,
                             what='the presence of ' + jid)
    finally:
        await alice.stop()
    g.shot('main-window')
    g.ready = True
    return '%s, display %s, as %s' % (elapsed(start), g.display, g.user.name)


async def open_discovery(g):
    """Accounts → Discover Services… from the main window's menu bar, by
    keyboard: F10 opens the first menu (Gajim), → the next (Accounts, the
    account's menu: Modify Account…, Add Contact…, Profile, Discover
    Services…, ...)."""
    main = await g.wait_window('^Gajim$')
    g.focus(main)
    g.key('F10')
    await asyncio.sleep(0.3)  # the UI: GTK opens the menu on its own main-loop turn
    g.key('Right')
    await asyncio.sleep(0.3)  # the UI: the next menu opens
    g.key('Down', 'Down', 'Down', 'Down', 'Return')
    return await g.wait_window('^Browsing localhost using account alice$', timeout=15,
                               what='the Service Discovery window')


async def close_windows(g, title):
    """Escape closes Gajim's discovery and command windows."""
    for window in g.windows(title):
        g.focus(window)
        g.key('Escape')
        await asyncio.sleep(0.5)  # the UI: the window closes


async def open_command_list(g):
    """Discover Services, vigil's row selected, its Command button: the
    Command List window. Returns (log offset before the request, the
    failed attempts)."""
    failures = []
    for attempt in range(1, 4):
        try:
            browser = await open_discovery(g)
            # the Command button is enabled once the item's disco#info is in
            # (Gajim may have asked at login already: anywhere in its log)
            await g.wait_stanza(lambda st: st.get('from') == COMPONENT and st.get('type') == 'result'
                                and st.find('{http://jabber.org/protocol/disco#info}query')
                                is not None, what='the disco#info of %s' % COMPONENT)
            await asyncio.sleep(0.5)  # drawn in the same main-loop turn; a margin
            g.shot('discovery-%d' % attempt)
            # the list's type-ahead search (on its first column, the address)
            # selects vigil's row; a click in the list's empty part focuses it
            g.focus(browser)
            g.click(browser, 0.5, 0.8)
            await asyncio.sleep(0.3)  # the UI: the click focuses the list
            g.type('threats')
            await asyncio.sleep(0.5)  # the UI: type-ahead selects the row
            g.shot('discovery-selected-%d' % attempt)
            g.key('Escape')  # closes the search entry, keeps the selection
            await asyncio.sleep(0.3)  # the UI: the search entry closes
            offset = len(g.log_text())
            g.key('alt+c')  # _Command
            await g.wait_window('^Command List$', timeout=15, what='the command list')
            break
        except AssertionError as e:
            failures.append('attempt %d: %s' % (attempt, e))
            g.shot('discovery-failed-%d' % attempt)
            await close_windows(g, '^(Browsing .*|Command List|Requesting Command List)$')
    else:
        raise AssertionError('\n'.join(failures))
    return offset, failures


async def execute(g, name):
    """In the Command List window, the command named `name` run by the
    list's type-ahead and Return (Execute). Returns the log offset before
    the request."""
    commands = await g.wait_window('^Command List$', timeout=5)
    offset = len(g.log_text())
    g.focus(commands)
    g.click(commands, 0.5, 0.7)  # the list's empty part: focus
    await asyncio.sleep(0.3)  # the UI: the click focuses the list
    g.type(name)  # type-ahead on the command names
    await asyncio.sleep(0.5)  # the UI: type-ahead selects the row
    g.key('Return')  # activates the row: Execute
    return offset


async def test_discover(env):
    """Gajim: Accounts → Discover Services… shows vigil on localhost; its Command button lists vigil's commands"""
    g = need_gajim(env)
    start = time.monotonic()
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        items = await alice['xep_0030'].get_items(jid=COMPONENT, node=NS_COMMANDS)
        names = [item[2] for item in items['disco_items']['items']]
    finally:
        await alice.stop()
    offset, failures = await open_command_list(g)
    # what Gajim received from vigil: every command disco gives alice
    def command_names(stanza):
        query = stanza.find('{http://jabber.org/protocol/disco#items}query')
        if stanza.get('from') != COMPONENT or query is None or query.get('node') != NS_COMMANDS:
            return None
        return [item.get('name') for item in query]
    received = await g.wait_stanza(command_names, after=offset, what='the command list')
    assert sorted(received) == sorted(names), 'Gajim received %s; disco gives alice %s' % (
        received, names)
    g.shot('command-list')
    return '%s, %d commands%s' % (elapsed(start), len(names),
                                  ' (%d attempts)' % len(failures + [1]) if failures else '')


async def test_file(env):
    """Gajim: "File a threat" from the list, name and abstract typed, likelihood/damage untouched, Complete; filed unassessed"""
    g = need_gajim(env)
    start = time.monotonic()
    failures = []
    for attempt in range(1, 4):
        try:
            offset = await execute(g, 'File a threat')
            await g.wait_stanza(lambda st: st.get('from') == COMPONENT and
                                st.find('{%s}command/{jabber:x:data}x' % NS_COMMANDS) is not None,
                                after=offset, what='the file form')
            stage = await g.wait_window('^Stage$', timeout=15, what='the form\'s page')
            break
        except AssertionError as e:
            failures.append('attempt %d: %s' % (attempt, e))
            g.shot('command-list-failed-%d' % attempt)
    else:
        raise AssertionError('\n'.join(failures))
    await asyncio.sleep(0.5)  # the UI: the form is drawn before the screenshot
    g.shot('file-form')
    g.focus(stage)
    # the first Tab reaches the first entry, Name; the next one the Abstract
    g.key('Tab')
    g.type(NAME)
    g.key('Tab')
    for number, line in enumerate(ABSTRACT):
        if number:
            g.key('Return')
        g.type(line)
    await asyncio.sleep(0.3)  # the UI: the typed text is drawn before the screenshot
    g.shot('file-filled')
    # back to Name (Ctrl+Shift+Tab leaves a text view); Enter there
    # activates the default button, Complete
    offset = len(g.log_text())
    g.key('ctrl+shift+Tab')
    await asyncio.sleep(0.2)  # the UI: the focus moves
    g.key('Return')
    def completed(stanza):
        cmd = stanza.find('{%s}command' % NS_COMMANDS)
        if stanza.get('from') != COMPONENT or cmd is None or cmd.get('node') != 'file' or \
                cmd.get('status') != 'completed':
            return None
        return form_values(cmd)
    result = await g.wait_stanza(completed, after=offset, timeout=30,
                                 what='the completed file command')
    tid, priority = result.get('id'), result.get('priority')
    assert tid and re.match(r'T-\d+$', tid), result
    env.threat = tid
    await g.wait_window('^Completed$', what='the Completed page')
    await asyncio.sleep(0.5)  # the UI: the page is drawn before the screenshot
    g.shot('file-completed')
    # the action of Gajim's submission (the request Gajim sent after offset)
    actions = [c.get('action') for st in g.stanzas(offset) if st.get('to') == COMPONENT
               for c in st.findall('{%s}command' % NS_COMMANDS) if c.get('node') == 'file']
    action = actions[0] if actions else None
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        shown = form_values(command_of(await alice.command('show', fields={'id': tid})))
    finally:
        await alice.stop()
    assert shown.get('name') == NAME, shown
    assert shown.get('abstract') == '\n'.join(ABSTRACT), shown
    assert shown.get('author') == 'alice@localhost', shown
    assert shown.get('priority') == priority, (priority, shown)
    assert (shown.get('likelihood'), shown.get('damage')) == ('unassessed', 'unassessed'), (
        'filed with likelihood %r, damage %r (priority %s)' % (
            shown.get('likelihood'), shown.get('damage'), priority))
    await close_windows(g, '^(Completed|Browsing .*)$')
    return '%s, %s, priority %s; Gajim sent action=%s%s' % (
        elapsed(start), tid, priority, action,
        ' (%d attempts)' % len(failures + [1]) if failures else '')


async def test_list(env):
    """Gajim: "List threats" from the list shows the completed result with the threat's line, not "Executing…\""""
    g = need_gajim(env)
    if not env.threat:
        raise Skip('the filing step failed: no threat to list')
    start = time.monotonic()
    _, failures = await open_command_list(g)
    offset = await execute(g, 'List threats')

    def listed(stanza):
        cmd = stanza.find('{%s}command' % NS_COMMANDS)
        if stanza.get('from') != COMPONENT or cmd is None or cmd.get('node') != 'list':
            return None
        return cmd
    cmd = await g.wait_stanza(listed, after=offset, timeout=30, what='the list command\'s answer')
    line = '%s [unassessed] %s (identified)' % (env.threat, NAME)
    assert cmd.get('status') == 'completed' and form_values(cmd).get('threats') == line and \
        form_values(cmd).get('note') == 'items 1–1 of 1', ET.tostring(cmd, 'unicode')[:2000]
    # Gajim 1.7.3 raised AttributeError on a multi-item form and stayed on
    # its "Executing…" page; the lines' form is drawn on the Completed page
    await g.wait_window('^Completed$', what='the Completed page with the list')
    await asyncio.sleep(0.5)  # the UI: the page is drawn before the screenshot
    shot = g.shot('list-completed')
    assert not g.windows('^Executing'), 'Gajim still shows "Executing…": %s' % g.titles()
    errors = re.findall(r'Traceback|AttributeError', g.log_text()[offset:])
    assert not errors, 'Gajim logged %s while drawing the list:\n%s' % (errors, g.tail(g.log_path))
    await close_windows(g, '^(Completed|Browsing .*)$')
    return '%s, the Completed page drawn (%s)%s' % (
        elapsed(start), os.path.basename(shot),
        ' (%d attempts)' % len(failures + [1]) if failures else '')


async def test_list_pages(env):
    """Gajim: with two pages, "List threats" shows page 1 on a Stage page; Next shows page 2 in its place"""
    g = need_gajim(env)
    if not env.threat:
        raise Skip('the filing step failed: no threat to list')
    start = time.monotonic()
    alice = await connect(env.prosody, 'alice', 'check')
    try:
        second = await file_threat(alice, name='Second desktop threat', likelihood='high', damage='high')
    finally:
        await alice.stop()
    _, failures = await open_command_list(g)
    offset = await execute(g, 'List threats')

    def page(note):
        def answer(stanza):
            cmd = stanza.find('{%s}command' % NS_COMMANDS)
            if stanza.get('from') != COMPONENT or cmd is None or cmd.get('node') != 'list' or \
                    form_values(cmd).get('note') != note:
                return None
            return cmd
        return answer
    cmd = await g.wait_stanza(page('items 1–1 of 2'), after=offset, timeout=30,
                              what='list\'s first page')
    assert form_values(cmd).get('threats', '').startswith(second + ' [critical]'), form_values(cmd)
    stage = await g.wait_window('^Stage$', what='the Stage page with page 1')
    await asyncio.sleep(0.5)  # the UI: the page is drawn before the screenshot
    g.shot('list-page-1')
    # Next is the default button: Enter in the Note entry (Tab reaches the
    # Threats text view, Ctrl+Tab leaves it for the entry)
    offset = len(g.log_text())
    g.focus(stage)
    g.key('Tab')
    g.key('ctrl+Tab')
    await asyncio.sleep(0.2)  # the UI: the focus moves
    g.key('Return')
    cmd = await g.wait_stanza(page('items 2–2 of 2'), after=offset, timeout=30,
                              what='list\'s second page (after Enter on the default button, Next)')
    assert form_values(cmd).get('threats') == '%s [unassessed] %s (identified)' % (env.threat, NAME), \
        form_values(cmd)
    await g.wait_window('^Stage$', what='the Stage page with page 2')
    await asyncio.sleep(0.5)  # the UI: the page is drawn before the screenshot
    shot = g.shot('list-page-2')
    assert not g.windows('^Executing'), 'Gajim still shows "Executing…": %s' % g.titles()
    errors = re.findall(r'Traceback|AttributeError', g.log_text()[offset:])
    assert not errors, 'Gajim logged %s while drawing page 2:\n%s' % (errors, g.tail(g.log_path))
    await close_windows(g, '^(Stage|Browsing .*)$')
    return '%s, pages 1 and 2 drawn (%s)%s' % (
        elapsed(start), os.path.basename(shot),
        ' (%d attempts)' % len(failures + [1]) if failures else '')


if __name__ == '__main__':
    run([test_start, test_discover, test_file, test_list, test_list_pages], env_factory=GajimEnv)
