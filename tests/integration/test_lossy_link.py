# SPDX-License-Identifier: MIT
"""A component connection that loses what vigil writes: the
announcements of a change are sent again after the reconnection, because
vigil counts one as done only once the server has confirmed it (a ping
answered after it on the same stream), not once it is written to the
socket. The link is cut by tests/integration/fault_proxy.py between vigil
and the server: what vigil writes vanishes, what the server sends still
arrives (so the request reaches vigil), until vigil's keepalive gives up on
the silent server and reconnects.

How the server confirms (component/stream_sender.h): the room's echo of a
room line confirms it and all before it, with no ping; a ping asks for the
rest, and one the service does not answer is asked again, of vigil's own
JID, which the server routes back."""
import asyncio
import re
import sqlite3

from fault_proxy import FaultProxy
from harness import (COMPONENT, NS_EVENT, NS_THREAT, ROOM, Env, connect, file_threat, pubsub, run,
                     wait_until)

PROXY = []
SERVICE = ROOM.split('@')[1]  # the MUC service, asked to confirm by a ping


def ping_to(jid):
    """A ping iq to jid as vigil writes it."""
    return rb'<iq\b[^>]*\bto=["\']' + re.escape(jid.encode()) + rb'["\'][^>]*>\s*<ping\b'


def env_factory():
    env = Env(start_vigil=False)
    proxy = FaultProxy(env.prosody.component_port)
    PROXY.append(proxy)
    proxy.watch('pings to the service', ping_to(SERVICE))
    proxy.watch('pings to vigil', ping_to(COMPONENT))
    env.restart_vigil(component__port=proxy.port, component__ping_interval=1,
                      component__ping_timeout=2, component__reconnect_max_delay=1)
    cleanup = env.cleanup

    def stop():
        cleanup()
        proxy.stop()
    env.cleanup = stop
    return env


def notified(client, tid, revision):
    for m in client.messages:
        if m['from'] != COMPONENT:
            continue
        for item in m.xml.findall('{%s}event/{%s}items/{%s}item' % (NS_EVENT, NS_EVENT, NS_EVENT)):
            threat = item.find('{%s}threat' % NS_THREAT)
            if item.get('id') == tid and threat is not None and threat.get('revision') == revision:
                return True
    return False


def events_left(env):
    con = sqlite3.connect('file:%s?mode=ro' % env.vigil.db, uri=True, timeout=5)
    try:
        return con.execute('SELECT count(*) FROM events').fetchone()[0]
    finally:
        con.close()


async def test_room_echo_confirms(env):
    """with nobody subscribed, the room's echo of each line confirms the filing: no ping is sent"""
    alice = await connect(env.prosody, 'alice')
    try:
        before = PROXY[0].counts.get('pings to the service', 0)
        for i in range(3):
            await file_threat(alice, name='Echoed %d' % i)
        await wait_until(lambda: events_left(env) == 0, 15, 'every announcement confirmed')
        pings = PROXY[0].counts.get('pings to the service', 0) - before
        assert pings == 0, '%d pings sent where the echoes confirmed' % pings
    finally:
        await alice.stop()


async def test_keepalive_needs_no_service(env):
    """a MUC service that swallows pings does not make the keepalive drop the stream: it pings vigil itself"""
    offset = len(env.vigil.log_text())
    counts = dict(PROXY[0].counts)
    PROXY[0].mute(rb'<iq\b[^>]*\bfrom=["\']' + re.escape(SERVICE.encode()) +
                  rb'["\'][^>]*?(?:/>|>.*?</iq>)')
    try:
        # four keepalive pings (ping_interval 1 s) span more than the 2 s
        # ping_timeout after the first: an unanswered one would have dropped
        await wait_until(lambda: PROXY[0].counts.get('pings to vigil', 0) -
                         counts.get('pings to vigil', 0) >= 4, 15, 'four keepalive pings')
    finally:
        PROXY[0].mutes.clear()
    log = env.vigil.log_text()[offset:]
    assert 'dropping the connection' not in log, log
    assert PROXY[0].counts.get('pings to the service', 0) == \
        counts.get('pings to the service', 0), 'nothing to confirm, so no ping to the service'


async def test_unanswered_ping_asked_again(env):
    """a MUC service that swallows pings: the confirmation is asked again, of vigil itself"""
    # the keepalive pings vigil itself too: out of the way, so that the
    # pings to vigil counted below are the confirmation's
    old = env.restart_vigil(component__ping_interval=300)
    carol = await connect(env.prosody, 'carol')
    alice = await connect(env.prosody, 'alice')
    offset = len(env.vigil.log_text())
    counts = dict(PROXY[0].counts)  # the proxy's counts go on across the tests
    try:
        # a subscriber: notifications follow the room line, a ping must ask
        reply = await carol.iq(pubsub('subscribe', node='threats', jid=carol.boundjid.bare),
                               itype='set')
        assert reply['type'] == 'result', reply
        # the service's answers to vigil vanish from now on
        PROXY[0].mute(rb'<iq\b[^>]*\bfrom=["\']' + re.escape(SERVICE.encode()) +
                      rb'["\'][^>]*?(?:/>|>.*?</iq>)')
        tid = await file_threat(alice, name='Unanswered')
        env.vigil.wait_log(r'did not answer a ping in \d+ ms: asking %s instead' %
                           re.escape(COMPONENT), 20, after=offset)
        await wait_until(lambda: events_left(env) == 0, 15, 'the announcement confirmed')
        # sent before the confirmation was asked; its way to carol may be slower
        await wait_until(lambda: notified(carol, tid, '1'), 10, 'the notification at the subscriber')
        tid = await file_threat(alice, name='Unanswered again')
        await wait_until(lambda: events_left(env) == 0, 15, 'the next one confirmed')
        log = env.vigil.log_text()[offset:]
        assert len(re.findall('did not answer a ping', log)) == 1, \
            'the pings went to vigil itself after the first time-out:\n' + log
        def since(name):
            return PROXY[0].counts.get(name, 0) - counts.get(name, 0)
        assert since('muted') >= 1, 'the service answered and was muted'
        assert since('pings to vigil') >= 2, PROXY[0].counts
    finally:
        PROXY[0].mutes.clear()
        await carol.stop()
        await alice.stop()
        env.restart_vigil(**old)


async def test_swallowed_announcements_are_sent_again(env):
    """a filing whose answer and announcements vanish on the link reaches the room and the subscriber after the reconnection"""
    carol = await connect(env.prosody, 'carol')
    alice = await connect(env.prosody, 'alice')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        reply = await carol.iq(pubsub('subscribe', node='threats', jid=carol.boundjid.bare),
                               itype='set')
        assert reply['type'] == 'result', reply
        # from now on what vigil writes vanishes; the server's side of the
        # old stream is reset after 4 s, as its TCP would give up
        PROXY[0].inject('swallow', seconds=4)
        try:
            await alice.command('file', fields={'name': 'Swallowed', 'abstract': 'a'}, timeout=3)
        except Exception:
            pass  # the answer vanished too: not acknowledged, but committed
        con = sqlite3.connect('file:%s?mode=ro' % env.vigil.db, uri=True, timeout=5)
        try:
            await wait_until(lambda: con.execute(
                "SELECT count(*) FROM threats WHERE name = 'Swallowed'").fetchone()[0] == 1,
                10, 'the filing committed')
            tid = 'T-%d' % con.execute("SELECT id FROM threats WHERE name = 'Swallowed'"
                                       ).fetchone()[0]
        finally:
            con.close()
        env.vigil.wait_log(r'dropping the connection', 20)
        await wait_until(lambda: notified(carol, tid, '1'), 30, 'the notification of ' + tid)
        await wait_until(lambda: any(m['type'] == 'groupchat' and m['from'].bare == ROOM and
                                     (m['body'] or '').startswith(tid + ' "Swallowed" filed')
                                     for m in carol.messages), 30, 'the room line of ' + tid)
    finally:
        await carol.stop()
        await alice.stop()


if __name__ == '__main__':
    run([test_room_echo_confirms, test_keepalive_needs_no_service, test_unanswered_ping_asked_again,
         test_swallowed_announcements_are_sent_again], env_factory)
