# SPDX-License-Identifier: MIT
"""Handshake, discovery, ping, version, errors, command line."""
import os
import re
import signal
import socket
import subprocess
import tempfile

from harness import (COMPONENT, ET, Vigil, VIGIL_BIN, connect, error_of, run)

FEATURES = [
    'http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/disco#items',
    'http://jabber.org/protocol/commands', 'jabber:x:data',
    'http://jabber.org/protocol/pubsub', 'http://jabber.org/protocol/pubsub#subscribe',
    'http://jabber.org/protocol/pubsub#retrieve-items',
    'http://jabber.org/protocol/pubsub#retrieve-subscriptions',
    'urn:xmpp:ping', 'jabber:iq:version', 'urn:vigil:threat:0',
    'urn:xmpp:pubsub-social-feed:1',  # the feed node (§6.5, XEP-0472)
]


async def test_disco_info(env):
    """disco#info on the component: identities and every feature of PROTOCOL.md §2"""
    c = await connect(env.prosody, 'alice')
    try:
        info = await c['xep_0030'].get_info(jid=COMPONENT)
        identities = {(i[0], i[1]) for i in info['disco_info']['identities']}
        assert ('component', 'generic') in identities, identities
        assert ('pubsub', 'service') in identities, identities
        features = set(info['disco_info']['features'])
        missing = [f for f in FEATURES if f not in features]
        assert not missing, 'missing features: %s' % missing
    finally:
        await c.stop()


async def test_disco_items(env):
    """disco#items: the pubsub nodes, and the command list"""
    c = await connect(env.prosody, 'carol')
    try:
        items = await c['xep_0030'].get_items(jid=COMPONENT)
        nodes = {i[1] for i in items['disco_items']['items']}
        assert nodes == {'threats', 'priority', 'feed'}, nodes
        items = await c['xep_0030'].get_items(jid=COMPONENT,
                                              node='http://jabber.org/protocol/commands')
        commands = {i[1] for i in items['disco_items']['items']}
        assert {'file', 'list', 'show', 'history', 'edit'} <= commands, commands
        assert 'retire' not in commands and 'assess' not in commands, \
            'carol is no admin or assessor: %s' % commands
    finally:
        await c.stop()


async def test_ping(env):
    """XEP-0199 ping is answered"""
    c = await connect(env.prosody, 'alice')
    try:
        reply = await c.iq(ET.Element('{urn:xmpp:ping}ping'))
        assert reply['type'] == 'result', reply
        assert reply['from'] == COMPONENT, reply['from']
    finally:
        await c.stop()


async def test_version(env):
    """XEP-0092 version names vigil and its version"""
    c = await connect(env.prosody, 'alice')
    try:
        reply = await c.iq(ET.Element('{jabber:iq:version}query'))
        assert reply['type'] == 'result', reply
        assert reply['software_version']['name'] == 'vigil', reply
        assert reply['software_version']['version'], reply
    finally:
        await c.stop()


async def test_unknown_iq(env):
    """unknown iq get and set are answered service-unavailable"""
    c = await connect(env.prosody, 'alice')
    try:
        for itype in ('get', 'set'):
            reply = await c.iq(ET.Element('{urn:example:nothing}query'), itype=itype)
            assert error_of(reply) == ('service-unavailable', None), (itype, reply)
    finally:
        await c.stop()


async def test_wrong_secret(env):
    """a wrong secret: vigil says so and exits 78"""
    v = Vigil(env.prosody, component__secret='not-the-secret')
    try:
        v.start()
        code = v.wait_exit(15)
        assert code == 78, 'exit status %r' % code
        assert 'refused the component secret' in v.log_text(), v.log_text()
    finally:
        v.cleanup()


async def test_secret_from_environment(env):
    """the secret may come from VIGIL_COMPONENT_SECRET instead of the file"""
    v = Vigil(env.prosody, component__secret='wrong-in-file')
    env.vigil.stop()  # the server takes one connection per component
    try:
        v.start(env=dict(os.environ, VIGIL_COMPONENT_SECRET=env.prosody.secret))
        v.wait_log(r'connected to ')
    finally:
        v.cleanup()
        env.start_vigil()


async def test_check_config(env):
    """--check-config accepts a good file and names FILE:LINE for a bad one"""
    out = subprocess.run([VIGIL_BIN, '--check-config', '-c', env.vigil.config],
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and 'configuration OK' in out.stdout, out
    with tempfile.NamedTemporaryFile('w', suffix='.conf', delete=False) as f:
        f.write('component.jid = threats.localhost\n# fine\ncomponent.port = seventy\n')
    try:
        out = subprocess.run([VIGIL_BIN, '--check-config', '-c', f.name],
                             capture_output=True, text=True, timeout=10)
        assert out.returncode == 78, out
        assert '%s:3: component.port' % f.name in out.stderr, out.stderr
    finally:
        os.unlink(f.name)


async def test_command_line(env):
    """--help and --version answer; a bad option is a usage error"""
    out = subprocess.run([VIGIL_BIN, '--version'], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and out.stdout.startswith('vigil '), out
    out = subprocess.run([VIGIL_BIN, '--help'], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and '--check-config' in out.stdout, out
    out = subprocess.run([VIGIL_BIN, '--bogus'], capture_output=True, text=True, timeout=10)
    assert out.returncode == 64, out


async def test_clean_stop(env):
    """SIGTERM: vigil leaves the room, closes the stream and exits 0"""
    c = await connect(env.prosody, 'alice')
    try:
        await c.join()
        await c.wait_occupant('vigil')
        code = env.vigil.stop()
        assert code == 0, 'exit status %r' % code
        await c.wait_occupant('vigil', present=False, timeout=5)
        assert 'leaving ' in env.vigil.log_text()
        env.start_vigil()
        await c.wait_occupant('vigil')
    finally:
        await c.stop()


async def test_sigint(env):
    """SIGINT stops vigil as cleanly as SIGTERM"""
    c = await connect(env.prosody, 'alice')
    try:
        await c.join()
        await c.wait_occupant('vigil')
        env.vigil.signal(signal.SIGINT)
        code = env.vigil.wait_exit(10)
        assert code == 0, 'exit status %r' % code
        await c.wait_occupant('vigil', present=False, timeout=5)
        env.start_vigil()
        await c.wait_occupant('vigil')
    finally:
        await c.stop()


async def test_systemd_readiness(env):
    """READY=1 reaches systemd's NOTIFY_SOCKET only once vigil is in the room"""
    env.vigil.stop()
    path = os.path.join(env.vigil.dir, 'notify.sock')
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(15)
    try:
        offset = len(env.vigil.log_text())
        env.vigil.start(env=dict(os.environ, NOTIFY_SOCKET=path))
        message = sock.recv(256).decode()
        log = env.vigil.log_text()[offset:]
        assert 'READY=1' in message, message
        assert re.search(r'joined \S+ as vigil', log), 'READY=1 came before the join:\n' + log
    finally:
        sock.close()
        env.vigil.stop()
        env.start_vigil()


if __name__ == '__main__':
    run([test_disco_info, test_disco_items, test_ping, test_version, test_unknown_iq,
         test_wrong_secret, test_secret_from_environment, test_check_config,
         test_command_line, test_clean_stop, test_sigint, test_systemd_readiness])
