# SPDX-License-Identifier: MIT
"""The README's first Quick start command, as a newcomer uses it: config/run-demo
starts a private Prosody and vigil, alice and bob log in with the passwords
the README gives, a threat filed in the room reaches the demo's web page, and
Ctrl-C stops everything and removes the demo's directory.

The demo runs on free ports (VIGIL_DEMO_*_PORT) with the suite's own build
(VIGIL_BIN), so it neither collides with a demo already running nor builds
vigil again; everything else is the script as the README runs it. It is
Prosody's demo, so it runs in the Prosody passes only (check-interop
leaves it out).
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness import (NS_COMMANDS, ROOM, SRCDIR, VIGIL_BIN, Client, Vigil, free_port, run, tail,
                     wait_port)
from slixmpp.xmlstream import ET

if os.environ.get('VIGIL_TEST_SERVER', 'prosody') != 'prosody':
    print('1..0 # SKIP the demo runs Prosody: tried in the Prosody pass')
    sys.exit(0)


class DemoServer:
    """Where the demo's clients connect (what Client.start reads)."""

    def __init__(self):
        self.c2s_port = free_port()
        self.component_port = free_port()
        self.http_port = free_port()


class Demo(Vigil):
    """`sh config/run-demo` in a session of its own, so that Ctrl-C can be sent
    to its whole process group as a terminal sends it. A Vigil whose log is
    the script's output, vigil's log included (log_text, refused_sends and
    wait_log read it)."""

    def __init__(self):  # no Vigil.__init__: run-demo writes vigil's config
        self.server = DemoServer()
        self.dir = tempfile.mkdtemp(prefix='vigil-demo-test-')
        self.log_path = os.path.join(self.dir, 'run-demo.out')

    def start(self):
        env = dict(os.environ, VIGIL_BIN=VIGIL_BIN, VIGIL_CHECK_SENDS='1',
                   VIGIL_DEMO_C2S_PORT=str(self.server.c2s_port),
                   VIGIL_DEMO_COMPONENT_PORT=str(self.server.component_port),
                   VIGIL_DEMO_HTTP_PORT=str(self.server.http_port))
        self.log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(['sh', os.path.join(SRCDIR, 'config', 'run-demo')],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=SRCDIR,
                                     start_new_session=True)
        return self

    def ctrl_c(self):
        os.killpg(self.proc.pid, signal.SIGINT)

    def stop(self, grace=10):
        if self.proc and self.proc.poll() is None:
            self.ctrl_c()  # the script's own clean-up stops Prosody by its PID
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self.proc:
            self.log.close()
            code, self.proc = self.proc.returncode, None
            return code
        return None


class DemoEnv:
    def __init__(self):
        self.vigil = self.demo = Demo().start()
        self.prosody = self.demo.server
        try:
            self.demo.wait_log(r'joined %s as vigil' % re.escape(ROOM), 60)
        except Exception:
            for line in self.logs():  # why the set-up failed
                print('# ' + line.rstrip())
            self.cleanup()
            raise

    def start_vigil(self):
        raise RuntimeError('the demo is not restarted after a failure')

    def logs(self):
        return ['--- run-demo output (last lines) ---'] + tail(self.demo.log_path, 60)

    def cleanup(self):
        self.demo.cleanup()


async def commands_of(client):
    items = ET.Element('{http://jabber.org/protocol/disco#items}query', node=NS_COMMANDS)
    reply = await client.iq(items)
    return {item.get('node') for item in reply.xml.iter('{http://jabber.org/protocol/disco#items}item')}


async def test_banner(env):
    """run-demo says where to log in, and vigil is in the room"""
    out = env.demo.log_text()
    assert 'alice@localhost  password  alice' in out, out
    assert 'port %d, no TLS' % env.prosody.c2s_port in out, out
    assert 'http://127.0.0.1:%d/sig/index.html' % env.prosody.http_port in out, out


async def test_users(env):
    """alice (admin) and bob (assessor) log in with the README's passwords"""
    alice = await Client('alice').start(env.prosody)
    bob = await Client('bob').start(env.prosody)
    try:
        await alice.join()
        assert 'vigil' in alice.occupants(), alice.occupants()
        alice_commands, bob_commands = await commands_of(alice), await commands_of(bob)
        assert {'file', 'assess', 'retire'} <= alice_commands, alice_commands
        assert 'assess' in bob_commands and 'retire' not in bob_commands, bob_commands
    finally:
        await alice.stop()
        await bob.stop()


async def test_filed_to_site(env):
    """a threat filed in the room is on the demo's web page"""
    alice = await Client('alice').start(env.prosody)
    try:
        await alice.join()
        name = 'Demo dialback spoofing'
        alice.send_message(mto=ROOM, mbody='!file %s | Filed while trying the demo' % name,
                           mtype='groupchat')
        await alice.wait_for(lambda m: m.name == 'message' and m['type'] == 'groupchat'
                             and m['from'].resource == 'vigil' and name in m['body'],
                             what="vigil's room line")
        url = 'http://127.0.0.1:%d/sig/index.html' % env.prosody.http_port
        deadline = time.monotonic() + 15
        page = ''
        while time.monotonic() < deadline and name not in page:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    page = r.read().decode('utf-8')
            except OSError:
                pass
            time.sleep(0.2)
        assert name in page, 'the threat never reached %s' % url
    finally:
        await alice.stop()


async def test_ctrl_c(env):
    """Ctrl-C stops vigil and Prosody and removes the demo's directory"""
    env.demo.ctrl_c()
    env.demo.proc.wait(20)
    m = env.demo.wait_log(r'run-demo: stopped; (\S+) removed', 5)
    assert not os.path.exists(m.group(1)), m.group(1)
    assert not wait_port(env.prosody.c2s_port, timeout=1), 'Prosody still listens'


if __name__ == '__main__':
    run([test_banner, test_users, test_filed_to_site, test_ctrl_c], env_factory=DemoEnv)
