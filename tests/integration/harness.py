# SPDX-License-Identifier: MIT
"""Integration harness: a private Prosody on loopback, the real vigil daemon,
and slixmpp clients, with TAP output.

Every server a test starts listens on 127.0.0.1 on free ports and is stopped
by PID by the test that started it. Every wait is bounded in time.
"""
import asyncio
import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import traceback

import slixmpp
from slixmpp.exceptions import IqError
from slixmpp.xmlstream import ET, tostring
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

try:  # Debian's python3-lxml: libxml2's XML Schema validator
    from lxml import etree as lxml_etree
except ImportError:  # Schemas.load() says what to install
    lxml_etree = None

SRCDIR = os.environ.get('VIGIL_SRCDIR') or os.path.abspath(
    os.path.join(os.path.dirname(__file__), '..', '..'))
VIGIL_BIN = os.environ.get('VIGIL_BIN') or os.path.join(SRCDIR, 'vigil')
PROSODY = os.environ.get('PROSODY') or shutil.which('prosody') or '/usr/bin/prosody'
PROSODYCTL = os.path.join(os.path.dirname(PROSODY), 'prosodyctl')

NS_COMMANDS = 'http://jabber.org/protocol/commands'
NS_DATA = 'jabber:x:data'
NS_PUBSUB = 'http://jabber.org/protocol/pubsub'
NS_EVENT = 'http://jabber.org/protocol/pubsub#event'
NS_RSM = 'http://jabber.org/protocol/rsm'
NS_THREAT = 'urn:vigil:threat:0'
COMPONENT = 'threats.localhost'
ROOM = 'sig@conference.localhost'
USERS = ('alice', 'bob', 'carol', 'dave', 'erin')  # erin: only test_chat's flood uses her

_started = []  # everything to stop at exit, even after a failure


def _stop_all():
    for proc in reversed(_started):
        proc.stop()


atexit.register(_stop_all)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def tail(path, lines=40):
    try:
        with open(path, errors='replace') as f:
            return f.readlines()[-lines:]
    except OSError:
        return []


class Process:
    """A child process stopped by PID: SIGTERM, then SIGKILL after a grace."""
    proc = None

    def _spawn(self, argv, log_path, env=None, cwd=None):
        self.log = open(log_path, 'ab')
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        if self not in _started:
            _started.append(self)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace=10):
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        code = self.proc.returncode
        self.log.close()
        self.proc = None
        return code

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        return self.stop()

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        """Stops it and removes its temporary directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Prosody(Process):
    def __init__(self, secret='secret'):
        self.dir = tempfile.mkdtemp(prefix='vigil-prosody-')
        self.c2s_port = free_port()
        self.component_port = free_port()
        # its WebSocket endpoint (mod_websocket), for test_converse.py
        self.http_port = free_port()
        self.websocket_url = 'ws://127.0.0.1:%d/xmpp-websocket' % self.http_port
        # a directory the server serves at /sig/ (vigil's publish.dir in test_site.py)
        self.site_dir = os.path.join(self.dir, 'site')
        self.site_url = 'http://127.0.0.1:%d/sig/' % self.http_port
        self.secret = secret
        self.config = os.path.join(self.dir, 'prosody.cfg.lua')
        self.log_path = os.path.join(self.dir, 'prosody.log')
        os.makedirs(os.path.join(self.dir, 'data'))
        os.makedirs(os.path.join(self.dir, 'certs'))
        with open(os.path.join(SRCDIR, 'tests', 'integration', 'prosody.cfg.lua.in')) as f:
            text = f.read()
        for key, value in (('DIR', self.dir), ('C2S_PORT', self.c2s_port),
                           ('COMPONENT_PORT', self.component_port), ('SECRET', secret),
                           ('HTTP_PORT', self.http_port), ('SITE_DIR', self.site_dir)):
            text = text.replace('@%s@' % key, str(value))
        with open(self.config, 'w') as f:
            f.write(text)
        for user in USERS:
            subprocess.run([PROSODYCTL, '--config', self.config, 'register', user,
                            'localhost', user], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)

    def start(self):
        self._spawn([PROSODY, '-F', '--config', self.config],
                    os.path.join(self.dir, 'prosody.stdout'))
        if not (wait_port(self.c2s_port) and wait_port(self.component_port)):
            raise RuntimeError('prosody did not start:\n' + ''.join(tail(self.log_path)))
        return self

    def shell(self, lua, timeout=20):
        """Runs Lua in the running server (mod_admin_shell); returns its output."""
        p = subprocess.run([PROSODYCTL, '--config', self.config, 'shell', '> ' + lua],
                           capture_output=True, text=True, timeout=timeout)
        return p.stdout


class Ejabberd(Process):
    """A private ejabberd (Debian's package), the same services as the Prosody
    above. erl is run directly: ejabberdctl insists on su to the ejabberd
    user, and its foreground mode would leave beam.smp behind a SIGTERM to
    its shell. No epmd: the node's distribution port is a free loopback port."""
    # where Debian keeps ejabberd's ebin: /usr/lib/<multiarch triplet>
    ERL_LIBS = os.path.join('/usr/lib', sysconfig.get_config_var('MULTIARCH') or '')

    def __init__(self, secret='secret'):
        self.dir = tempfile.mkdtemp(prefix='vigil-ejabberd-')
        self.c2s_port, self.component_port = free_port(), free_port()
        self.dist_port = free_port()
        # its WebSocket endpoint (ejabberd_http_ws), for test_converse.py
        self.http_port = free_port()
        self.websocket_url = 'ws://127.0.0.1:%d/xmpp-websocket' % self.http_port
        # a directory the server serves at /sig/ (vigil's publish.dir in test_site.py)
        self.site_dir = os.path.join(self.dir, 'site')
        os.makedirs(self.site_dir)
        # mod_http_fileserver serves a virtual host's requests: Host must be localhost
        self.site_url = 'http://localhost:%d/sig/' % self.http_port
        self.secret = secret
        self.node = 'vigil%d_%d@localhost' % (os.getpid(), self.c2s_port)
        self.cookie = os.urandom(12).hex()
        self.spool = os.path.join(self.dir, 'spool')
        self.logs = os.path.join(self.dir, 'logs')
        os.makedirs(self.spool)
        os.makedirs(self.logs)
        self.config = os.path.join(self.dir, 'ejabberd.yml')
        self.log_path = os.path.join(self.logs, 'ejabberd.log')
        with open(os.path.join(SRCDIR, 'tests', 'integration', 'ejabberd.yml.in')) as f:
            text = f.read()
        for key, value in (('C2S_PORT', self.c2s_port), ('COMPONENT_PORT', self.component_port),
                           ('SECRET', secret), ('HTTP_PORT', self.http_port),
                           ('SITE_DIR', self.site_dir)):
            if key.endswith('_PORT'):  # "@HTTP_PORT@": quoted to parse as YAML unfilled
                text = text.replace('"@%s@"' % key, str(value))
            text = text.replace('@%s@' % key, str(value))
        with open(self.config, 'w') as f:
            f.write(text)
        with open(os.path.join(self.dir, 'inetrc'), 'w') as f:
            f.write('{lookup,["file","native"]}.\n{host,{127,0,0,1}, ["localhost"]}.\n')

    def start(self):
        ready = os.path.join(self.dir, 'ready')
        if os.path.exists(ready):
            os.unlink(ready)
        users = ','.join('<<"%s">>' % u for u in USERS)
        argv = ['erl', '-sname', self.node, '-setcookie', self.cookie,
                '-start_epmd', 'false', '-erl_epmd_port', str(self.dist_port),
                '-kernel', 'inet_dist_use_interface', '{127,0,0,1}',
                '-mnesia', 'dir', '"%s"' % self.spool, '-noinput', '-s', 'ejabberd',
                '-eval', '[ejabberd_auth:try_register(U, <<"localhost">>, U) || U <- [%s]], '
                         'file:write_file("%s", <<>>)' % (users, ready)]
        env = dict(os.environ, EJABBERD_CONFIG_PATH=self.config, EJABBERD_LOG_PATH=self.log_path,
                   ERL_LIBS=self.ERL_LIBS, ERL_INETRC=os.path.join(self.dir, 'inetrc'),
                   ERL_CRASH_DUMP=os.path.join(self.logs, 'erl_crash.dump'),
                   ERL_CRASH_DUMP_BYTES='0', HOME=self.dir)
        self._spawn(argv, os.path.join(self.dir, 'ejabberd.stdout'), env=env, cwd=self.spool)
        deadline = time.monotonic() + 30
        while not os.path.exists(ready):
            if not self.running() or time.monotonic() > deadline:
                raise RuntimeError('ejabberd did not start:\n' + ''.join(tail(self.log_path)))
            time.sleep(0.05)
        if not (wait_port(self.c2s_port) and wait_port(self.component_port)):
            raise RuntimeError('ejabberd does not listen:\n' + ''.join(tail(self.log_path)))
        return self

    def shell(self, lua, timeout=20):
        raise NotImplementedError('no Lua in ejabberd: use erl()')

    def erl(self, expr, timeout=20):
        """Evaluates Erlang expressions in the running node (as ejabberdctl's
        debug shell would); returns the result printed with ~p. The caller is
        a hidden node that does not listen, so it needs no epmd either."""
        code = ('{ok, T, _} = erl_scan:string(%s), {ok, E} = erl_parse:parse_exprs(T), '
                'R = case rpc:call(%s, erl_eval, exprs, [E, []]) of '
                '{value, V, _} -> V; Error -> Error end, '
                'io:format("~p~n", [R]), halt().' % (erl_string(expr), self.node))
        p = subprocess.run(['erl', '-sname', 'ctl%d_%d@localhost' % (os.getpid(), free_port()),
                            '-setcookie', self.cookie, '-hidden', '-start_epmd', 'false',
                            '-erl_epmd_port', str(self.dist_port), '-dist_listen', 'false',
                            '-noinput', '-eval', code],
                           capture_output=True, text=True, timeout=timeout, cwd=self.dir,
                           env=dict(os.environ, ERL_INETRC=os.path.join(self.dir, 'inetrc'),
                                    HOME=self.dir))
        return p.stdout + p.stderr


def erl_string(text):
    """text as an Erlang string literal."""
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


SERVER = os.environ.get('VIGIL_TEST_SERVER') or 'prosody'


class Skip(Exception):
    """Raised by a test that cannot run here; TAP shows it as skipped."""


def Server(secret='secret'):
    """The XMPP server the tests run against (make check SERVER=ejabberd)."""
    return Ejabberd(secret) if SERVER == 'ejabberd' else Prosody(secret)


class Vigil(Process):
    def __init__(self, prosody, **overrides):
        self.prosody = prosody
        self.dir = tempfile.mkdtemp(prefix='vigil-')
        self.db = os.path.join(self.dir, 'vigil.db')
        self.config = os.path.join(self.dir, 'vigil.conf')
        self.log_path = os.path.join(self.dir, 'vigil.log')
        self.settings = {
            'component.jid': COMPONENT,
            'component.secret': prosody.secret,
            'component.host': '127.0.0.1',
            'component.port': prosody.component_port,
            'component.reconnect_max_delay': 2,
            'component.ping_interval': 5,
            'component.ping_timeout': 3,
            'room.jid': ROOM,
            'room.nick': 'vigil',
            'room.selfping_interval': 5,
            'storage.path': self.db,
            'access.admins': 'alice@localhost',
            'access.assessors': 'bob@localhost',
            # tests file hundreds of threats in seconds and leave sessions
            # open; test_abuse.py sets the production limits it checks
            'access.rate_per_minute': 60000,
            'commands.max_sessions_per_jid': 1000,
        }
        self.settings.update({k.replace('__', '.'): v for k, v in overrides.items()})
        self.write_config()

    def write_config(self):
        with open(self.config, 'w') as f:
            for key, value in self.settings.items():
                if value is not None:
                    f.write('%s = %s\n' % (key, value))

    def start(self, env=None):
        # every stanza vigil sends is parsed before it leaves (send_guard.h);
        # a bad one aborts vigil with "refusing to send" in its log
        env = dict(os.environ if env is None else env)
        env.setdefault('VIGIL_CHECK_SENDS', '1')
        # its wall clock, which sessions expire on, moves by advance_clock()
        env.setdefault('VIGIL_TEST_CLOCK', os.path.join(self.dir, 'clock'))
        self._spawn([VIGIL_BIN, '-v', '-c', self.config], self.log_path, env=env)
        return self

    def advance_clock(self, seconds):
        """Moves vigil's wall clock (loop.h: loop_wall_seconds) forward, as
        if that many seconds had passed: sessions expire without a wait."""
        path = os.path.join(self.dir, 'clock')
        try:
            with open(path) as f:
                offset = int(f.read().strip() or 0)
        except FileNotFoundError:
            offset = 0
        with open(path + '.tmp', 'w') as f:  # renamed: vigil never reads half of it
            f.write('%d\n' % (offset + seconds))
        os.replace(path + '.tmp', path)

    def refused_sends(self, after=0):
        """Lines where vigil's send guard caught a bad stanza."""
        return [line[:2000] for line in self.log_text()[after:].splitlines()
                if 'refusing to send a stanza' in line or 'not sending a <' in line]

    def log_text(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def wait_log(self, pattern, timeout=15, after=0):
        """Waits for a regex in the log (from offset `after`); returns the match."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.log_text()[after:])
            if m:
                return m
            if not self.running():
                break
            time.sleep(0.1)
        raise AssertionError('vigil log never matched %r' % pattern)

    def wait_exit(self, timeout=15):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None


# --- what vigil sends, against XEP-0004's and XEP-0050's schemas ----------

VIGIL_NICK = 'vigil'  # vigil's nick in ROOM (Vigil's room.nick)


class Schemas:
    """The XML schemas of XEP-0004 and XEP-0050 (tests/data/*.xsd, taken from
    the XEPs' text), compiled once per test file by libxml2 (lxml), and what
    every test client found with them: each stanza a Client receives from
    vigil (from the component's domain, or from vigil's nick in the room) has
    each <command xmlns='http://jabber.org/protocol/commands'/> (any element
    of that namespace not inside another) validated against XEP-0050's
    schema, and each <x xmlns='jabber:x:data'/> anywhere in it (in commands,
    disco#info extensions, messages) against XEP-0004's. run() fails the test
    during which an invalid one arrived, and prints the counts."""
    NS = {NS_DATA: 'XEP-0004', NS_COMMANDS: 'XEP-0050'}
    FILES = {'XEP-0004': 'xep-0004.xsd', 'XEP-0050': 'xep-0050.xsd'}

    def __init__(self):
        self.schemas = None
        self.stanzas = 0  # stanzas from vigil that carried something checked
        self.counts = {'XEP-0004': 0, 'XEP-0050': 0}
        self.violations = []  # one line each: where, what, libxml2's message
        self.test = 'set-up'  # the test running, named in a violation

    def load(self):
        """Compiles the schemas (once), then proves they refuse what they must."""
        if self.schemas is not None:
            return self
        if lxml_etree is None:
            raise RuntimeError('python3-lxml is missing (tests/install-deps installs it): '
                               'every stanza from vigil is validated with it')
        data = os.path.join(SRCDIR, 'tests', 'data')
        self.schemas = {xep: lxml_etree.XMLSchema(lxml_etree.parse(os.path.join(data, name)))
                        for xep, name in self.FILES.items()}
        self.self_test()
        return self

    def self_test(self):
        """A valid form and command pass; <value> after <option> (XEP-0004:
        desc?, required?, value*, option*) and an unknown status fail."""
        x, c = '<x xmlns="%s" type="form">%%s</x>' % NS_DATA, \
            '<command xmlns="%s" node="n" %%s</command>' % NS_COMMANDS
        field = '<field var="f" type="list-single">%s</field>'
        opt = '<option label="One"><value>1</value></option>'
        cases = [
            ('XEP-0004', x % (field % ('<value>1</value>' + opt)), None),
            ('XEP-0004', x % (field % (opt + '<value>1</value>')),
             "Element '{jabber:x:data}value': This element is not expected. "
             "Expected is ( {jabber:x:data}option )."),
            ('XEP-0050', c % ('status="executing"><actions execute="next"><next/></actions>'
                              + x % (field % '<value>1</value>')), None),
            ('XEP-0050', c % 'status="done">', "'done' is not an element of the set"),
            ('XEP-0050', c % ('status="executing">' + x % (field % (opt + '<value>1</value>'))),
             "Element '{jabber:x:data}value': This element is not expected."),
        ]
        for xep, text, expected in cases:
            errors = self.errors(xep, lxml_etree.fromstring(text))
            if (expected is None) != (not errors) or \
                    (expected and not any(expected in e for e in errors)):
                raise AssertionError('the %s schema check is broken: %s gave %r, expected %r'
                                     % (xep, text, errors, expected or 'valid'))

    def errors(self, xep, element, forms=True):
        """libxml2's messages for an lxml element, each with a readable path;
        forms=False leaves out those about a data form (checked on its own)."""
        schema = self.schemas[xep]
        if schema.validate(element):
            return []
        prefixes = {p: uri for el in element.iter() for p, uri in el.nsmap.items() if p}
        out = []
        for e in schema.error_log:
            try:
                where = element.getroottree().xpath(e.path, namespaces=prefixes) if e.path else []
            except lxml_etree.XPathError:
                where = []
            if not forms and where and isinstance(where[0], lxml_etree._Element) and any(
                    str(a.tag).startswith('{%s}' % NS_DATA)
                    for a in [where[0]] + list(where[0].iterancestors())):
                continue  # in a data form: reported with the form, against XEP-0004
            out.append('%s: %s' % (self.path(where[0]) if where else e.path, e.message))
        return out

    @staticmethod
    def path(el):
        """x/field[@var='likelihood']/value[2]: where in the element."""
        steps = []
        while el is not None:
            name = lxml_etree.QName(el).localname
            parent = el.getparent()
            if el.get('var') is not None:
                name += "[@var='%s']" % el.get('var')
            elif el.get('node') is not None:
                name += "[@node='%s']" % el.get('node')
            elif parent is not None and len(parent.findall(el.tag)) > 1:
                name += '[%d]' % (parent.findall(el.tag).index(el) + 1)
            steps.append(name)
            el = parent
        return '/'.join(reversed(steps))

    @staticmethod
    def from_vigil(sender):
        bare, _, resource = (sender or '').partition('/')
        domain = bare.rpartition('@')[2]
        return domain == COMPONENT or (bare == ROOM and resource == VIGIL_NICK)

    def check_stanza(self, stanza):
        """Client's incoming filter: validates what vigil sent; passes the
        stanza on unchanged."""
        try:
            xml = stanza.xml
            if self.schemas is not None and self.from_vigil(xml.get('from')):
                found = []
                self._find(xml, found, None)
                if found:
                    self.stanzas += 1
                    for xep, element in found:
                        self._check(xep, element, xml)
        except Exception as e:  # a harness bug must fail the test, not vanish
            self.violations.append('[%s] the schema check itself failed: %r' % (self.test, e))
        return stanza

    def _find(self, el, found, inside):
        ns = el.tag[1:].partition('}')[0] if el.tag.startswith('{') else ''
        xep = self.NS.get(ns)
        if xep and xep != inside:  # the outermost of its namespace
            found.append((xep, el))
        for child in el:
            self._find(child, found, xep or inside)

    def _check(self, xep, element, stanza):
        self.counts[xep] += 1
        text = tostring(element)  # with xmlns= declarations, as vigil sent it
        parsed = lxml_etree.fromstring(text.encode())
        errors = self.errors(xep, parsed, forms=(xep == 'XEP-0004'))
        if errors:
            cmd = stanza.find('.//{%s}command' % NS_COMMANDS)
            form = element if element.tag == '{%s}x' % NS_DATA else \
                element.find('{%s}x' % NS_DATA)
            title = form.findtext('{%s}title' % NS_DATA) if form is not None else None
            context = ', '.join(part for part in (
                '%s from %s' % (stanza.tag.partition('}')[2], stanza.get('from')),
                cmd is not None and 'command node=%s status=%s' % (cmd.get('node'),
                                                                    cmd.get('status')),
                title and 'form %r' % title) if part)
            self.violations.append('[%s] %s invalid against %s\'s schema (%s): %s\n    %s' % (
                self.test, element.tag.partition('}')[2], xep, context, '; '.join(errors),
                text if len(text) < 1500 else text[:1500] + '...'))

    def figure(self):
        return ('figure: stanzas from vigil checked = %d, data forms validated against '
                'XEP-0004 = %d, commands against XEP-0050 = %d, invalid = %d' % (
                    self.stanzas, self.counts['XEP-0004'], self.counts['XEP-0050'],
                    len(self.violations)))


SCHEMAS = Schemas()


# --- clients --------------------------------------------------------------

class Client(slixmpp.ClientXMPP):
    def __init__(self, user, resource='test'):
        super().__init__('%s@localhost/%s' % (user, resource), user)
        for plugin in ('xep_0030', 'xep_0004', 'xep_0045', 'xep_0050', 'xep_0060',
                       'xep_0092', 'xep_0199'):
            self.register_plugin(plugin)
        self['feature_mechanisms'].unencrypted_plain = True
        # what vigil sends, against XEP-0004's and XEP-0050's schemas (run() fails on any)
        self.add_filter('in', SCHEMAS.check_stanza)
        self.messages = []
        self.presences = []
        # every message as it arrives (plugins such as xep_0060 would otherwise
        # turn pubsub notifications into their own events)
        self.register_handler(Callback('all messages', MatchXPath('{jabber:client}message'),
                                       self.messages.append))
        self.add_event_handler('presence', self.presences.append)

    async def start(self, prosody, timeout=15):
        self.connect(('127.0.0.1', prosody.c2s_port), use_ssl=False, disable_starttls=True)
        await asyncio.wait_for(self.wait_until('session_start'), timeout)
        self.send_presence()
        return self

    async def stop(self):
        self.disconnect()
        try:
            await asyncio.wait_for(self.wait_until('disconnected'), 5)
        except asyncio.TimeoutError:
            pass

    async def iq(self, payload, ito=COMPONENT, itype='get', timeout=10):
        """Sends an iq carrying `payload` (an ET element); returns the reply
        stanza, error replies included."""
        iq = self.make_iq(ito=ito, itype=itype)
        iq.append(payload)
        try:
            return await iq.send(timeout=timeout)
        except IqError as e:
            return e.iq

    async def command(self, node, action='execute', sessionid=None, fields=None,
                      form_type='submit', timeout=10, echo=NS_THREAT, extra=()):
        """One XEP-0050 request; fields is a dict var -> str or list, or a
        list of (var, value) pairs (a var may then repeat). A hidden field
        "is returned with the form" (XEP-0004 §3.3), and clients do return
        it (Profanity's form_create_submission(), test_profanity.py), so
        the form starts with the hidden FORM_TYPE `echo` unless fields has
        one; echo=None leaves it out, as a client that drops it would.
        extra: elements added to the command after the form."""
        cmd = ET.Element('{%s}command' % NS_COMMANDS, node=node)
        if action:
            cmd.set('action', action)
        if sessionid:
            cmd.set('sessionid', sessionid)
        if fields is not None:
            x = ET.SubElement(cmd, '{%s}x' % NS_DATA, type=form_type)
            pairs = list(fields.items() if isinstance(fields, dict) else fields)
            if echo is not None and 'FORM_TYPE' not in [var for var, _ in pairs]:
                pairs.insert(0, ('FORM_TYPE', echo))
            for var, value in pairs:
                field = ET.SubElement(x, '{%s}field' % NS_DATA, var=var)
                values = value if isinstance(value, list) else str(value).split('\n')
                for v in values:
                    ET.SubElement(field, '{%s}value' % NS_DATA).text = v
        for element in extra:
            cmd.append(element)
        return await self.iq(cmd, itype='set', timeout=timeout)

    async def join(self, room=ROOM, nick=None, timeout=10):
        nick = nick or self.boundjid.user
        await asyncio.wait_for(self['xep_0045'].join_muc_wait(room, nick, maxchars=0), timeout)
        return nick

    async def wait_for(self, predicate, timeout=15, what='a stanza'):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for stanza in list(self.messages) + list(self.presences):
                if predicate(stanza):
                    return stanza
            await asyncio.sleep(0.05)
        raise AssertionError('timed out waiting for %s' % what)

    def occupants(self, room=ROOM):
        return set(self['xep_0045'].get_roster(room) or [])

    async def wait_occupant(self, nick, present=True, room=ROOM, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (nick in self.occupants(room)) == present:
                return True
            await asyncio.sleep(0.1)
        raise AssertionError('%s %s the room after %ss (occupants: %s)' % (
            nick, 'never joined' if present else 'never left', timeout,
            sorted(self.occupants(room))))


async def connect(prosody, user, resource='test'):
    return await Client(user, resource).start(prosody)


# --- reading replies ------------------------------------------------------

def command_of(iq):
    return iq.xml.find('{%s}command' % NS_COMMANDS)


def error_of(iq):
    """(condition, app condition) of an error reply, or None."""
    if iq['type'] != 'error':
        return None
    err = iq.xml.find('{jabber:client}error')
    cond = app = None
    for child in err if err is not None else []:
        ns, _, name = child.tag[1:].partition('}')
        if ns == 'urn:ietf:params:xml:ns:xmpp-stanzas' and name != 'text':
            cond = name
        elif ns != 'urn:ietf:params:xml:ns:xmpp-stanzas':
            app = name
    return cond, app


def form_values(element):
    """{var: text} for the first data form under element (values joined by newlines)."""
    x = element.find('{%s}x' % NS_DATA)
    if x is None:
        return {}
    return {f.get('var'): '\n'.join(v.text or '' for v in f.findall('{%s}value' % NS_DATA))
            for f in x.findall('{%s}field' % NS_DATA)}


def form_lines(element, var):
    """The lines of a text-multi field of the first data form under
    element: one <value/> a line; [] when the field has no value."""
    x = element.find('{%s}x' % NS_DATA)
    for f in (x.findall('{%s}field' % NS_DATA) if x is not None else []):
        if f.get('var') == var:
            return [v.text or '' for v in f.findall('{%s}value' % NS_DATA)]
    raise AssertionError('no field %r in %s' % (var, ET.tostring(element, 'unicode')[:2000]))


THREAT_LINE = re.compile(r'(T-\d+) \[([a-z]+)\] (.*) \(([a-z]+)\)')
REVISION_LINE = re.compile(r'r(\d+) (\S+) (\S+): (.*?)(?: — (.*))?')


def _rows(element, var, pattern, keys):
    """A listing's rows (PROTOCOL.md §5): the lines of the text-multi field
    var, each parsed by pattern into {key: text}. Listings carry no
    multi-item table (reported/item): Gajim 1.7 hangs on one."""
    assert element.find('{%s}x/{%s}reported' % (NS_DATA, NS_DATA)) is None and \
        element.find('{%s}x/{%s}item' % (NS_DATA, NS_DATA)) is None, 'a multi-item table'
    rows = []
    for line in form_lines(element, var):
        m = pattern.fullmatch(line)
        assert m, 'not a %s line: %r' % (var, line)
        rows.append({k: v or '' for k, v in zip(keys, m.groups())})
    return rows


def threat_rows(element):
    """The rows of a list or search page: [{id, priority, name, status}]."""
    return _rows(element, 'threats', THREAT_LINE, ('id', 'priority', 'name', 'status'))


def revision_rows(element):
    """The rows of a history page: [{revision, when, who, changed, note}];
    changed as shown, "likelihood, damage" ("filed" for revision 1)."""
    return _rows(element, 'revisions', REVISION_LINE, ('revision', 'when', 'who', 'changed', 'note'))


async def wait_until(predicate, timeout=10, what='condition'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError('timed out waiting for ' + what)


_sentinels = [0]


async def sentinel(*clients, room=False, timeout=10):
    """Returns once everything vigil sent these clients so far has arrived, so
    that a test may then assert that something did NOT arrive, without a
    fixed sleep. vigil reads its stream in order, answers each stanza once it
    has handled it, and sends what a change causes (announcements, PubSub
    notifications) on the loop turn after the change; for each client:

      room=True: a message through the room back to the client: every room
          message it sent before has reached every occupant, vigil included;
      two pings to vigil, each answered (an error counts too: the order is
          what matters) on a loop turn of its own: vigil has handled every
          stanza the client sent before, and whatever it sent this client
          directly before them has arrived (one stream, in order);
      room=True: a message through the room again: what vigil said in the
          room before answering has come through the room too.

    room=True needs the client in ROOM (Client.join)."""
    for client in clients:
        if room:
            await _room_echo(client, timeout)
        for _ in range(2):
            reply = await client.iq(ET.Element('{urn:xmpp:ping}ping'), timeout=timeout)
            assert reply['type'] in ('result', 'error'), reply
        if room:
            await _room_echo(client, timeout)


async def _room_echo(client, timeout):
    _sentinels[0] += 1
    body = 'sentinel %d.%d' % (os.getpid(), _sentinels[0])
    client.send_message(mto=ROOM, mbody=body, mtype='groupchat')
    await wait_until(lambda: any(m['type'] == 'groupchat' and m['from'].bare == ROOM and
                                 m['body'] == body for m in client.messages),
                     timeout, 'the sentinel %r through the room' % body)


async def file_threat(client, **fields):
    """Files a threat in one ad-hoc submission (abstract 'a' unless given); returns its id."""
    reply = await client.command('file', fields=dict({'abstract': 'a'}, **fields))
    cmd = command_of(reply)
    assert cmd is not None and cmd.get('status') == 'completed', reply
    return form_values(cmd)['id']


def pubsub(child, **attrs):
    """<pubsub><child .../></pubsub>, a PubSub request's payload."""
    el = ET.Element('{%s}pubsub' % NS_PUBSUB)
    ET.SubElement(el, '{%s}%s' % (NS_PUBSUB, child), **attrs)
    return el


def rsm_set(**values):
    """<set xmlns='http://jabber.org/protocol/rsm'> with <max/>, <after/>..."""
    el = ET.Element('{%s}set' % NS_RSM)
    for name, value in values.items():
        ET.SubElement(el, '{%s}%s' % (NS_RSM, name)).text = value
    return el


def items_request(node='threats', ids=(), rsm=None, **attrs):
    """<pubsub><items node=...><item id=.../>...</items><set/></pubsub>"""
    el = pubsub('items', node=node, **attrs)
    for item_id in ids:
        ET.SubElement(el[0], '{%s}item' % NS_PUBSUB, id=item_id)
    if rsm is not None:
        el.append(rsm_set(**rsm))
    return el


def pubsub_events(client, node, service=COMPONENT):
    """(item id, payload element) of every notification the client got for
    node from service."""
    out = []
    for m in client.messages:
        if m['from'] != service:
            continue
        items = m.xml.find('{%s}event/{%s}items' % (NS_EVENT, NS_EVENT))
        if items is None or items.get('node') != node:
            continue
        for item in items.findall('{%s}item' % NS_EVENT):
            out.append((item.get('id'), list(item)[0] if len(item) else None))
    return out


def notes(element):
    return [(n.get('type'), n.text or '') for n in element.findall('{%s}note' % NS_COMMANDS)]


# --- TAP runner -----------------------------------------------------------

class Env:
    """What a test works with: Prosody, vigil, and helpers to make clients."""

    def __init__(self, vigil_overrides=None, start_vigil=True):
        # `prosody` names whichever server runs (make check SERVER=ejabberd)
        self.prosody = self.server = Server().start()
        self.vigil = Vigil(self.prosody, **(vigil_overrides or {}))
        if start_vigil:
            try:
                self.start_vigil()
            except Exception:
                for line in self.logs():  # why the set-up failed
                    print('# ' + line.rstrip())
                self.cleanup()
                raise

    def start_vigil(self, timeout=30):
        # generous: a set-up under ASan or valgrind on a loaded machine is
        # slow, and how fast vigil starts is the benchmark's to say
        offset = len(self.vigil.log_text())
        self.vigil.start()
        self.vigil.wait_log(r'joined \S+ as ', timeout, after=offset)

    def restart_vigil(self, start=True, **settings):
        """Stops vigil, changes its settings (`a__b=v` or `**{'a.b': v}`; None
        removes one), writes its config and, unless start=False, starts it
        again and waits until it is in the room. Returns the settings it
        replaced: restart_vigil(**old) puts them back."""
        self.vigil.stop()
        settings = {k.replace('__', '.'): v for k, v in settings.items()}
        old = {k: self.vigil.settings.get(k) for k in settings}
        self.vigil.settings.update(settings)
        self.vigil.write_config()
        if start:
            self.start_vigil()
        return old

    def logs(self):
        out = ['--- vigil log (last lines) ---'] + tail(self.vigil.log_path)
        out += ['--- prosody log (last lines) ---'] + tail(self.prosody.log_path, 20)
        return out

    def cleanup(self):
        self.vigil.cleanup()
        self.prosody.cleanup()


def run(tests, env_factory=Env):
    """Runs each async test(env) in order against one Env; prints TAP."""
    env = None
    failed = 0
    try:
        SCHEMAS.load()
        env = env_factory()
    except Exception:
        print('not ok 1 - set-up')
        for line in traceback.format_exc().splitlines():
            print('# ' + line)
        print('1..1')
        sys.exit(1)
    reported = 0  # SCHEMAS.violations already failed a test
    try:
        for number, test in enumerate(tests, 1):
            name = (test.__doc__ or test.__name__).strip().splitlines()[0]
            try:
                offset = len(env.vigil.log_text())
                SCHEMAS.test = name
                # a test may return its figures, shown after its name
                figures = asyncio.run(asyncio.wait_for(test(env), 120))
                refused = env.vigil.refused_sends(offset)
                assert not refused, 'vigil built a stanza it may not send: %s' % refused[0]
                # every invalid form or command since the last test's check
                invalid, reported = SCHEMAS.violations[reported:], len(SCHEMAS.violations)
                assert not invalid, 'vigil sent %d stanza(s) invalid against XEP-0004/0050:\n%s' % (
                    len(invalid), '\n'.join(invalid))
                print('ok %d - %s%s' % (number, name, ' (%s)' % figures if figures else ''))
            except Skip as why:
                print('ok %d - %s # SKIP %s' % (number, name, why))
            except Exception:
                failed += 1
                print('not ok %d - %s' % (number, name))
                for line in traceback.format_exc().splitlines():
                    print('# ' + line)
                # invalid stanzas of a test that failed for another reason
                for line in '\n'.join(SCHEMAS.violations[reported:]).splitlines():
                    print('# ' + line)
                reported = len(SCHEMAS.violations)
                for line in env.logs():
                    print('# ' + line.rstrip('\n'))
                if not env.vigil.running():  # the next test needs a running vigil
                    try:
                        env.start_vigil()
                    except Exception as e:
                        print('# could not restart vigil: %s' % e)
            sys.stdout.flush()
        late = SCHEMAS.violations[reported:]  # after the last test, or in a skipped one
        if late:
            failed += 1
            for line in ('invalid against XEP-0004/0050, not yet reported:\n'
                         + '\n'.join(late)).splitlines():
                print('# ' + line)
        print('# ' + SCHEMAS.figure())
        print('1..%d' % len(tests))
    finally:
        env.cleanup()
    sys.exit(1 if failed else 0)
