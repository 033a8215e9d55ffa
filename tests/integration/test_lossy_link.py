"""A component connection that loses what vigil writes (issue 20): the
announcements of a change are sent again after the reconnection, because
vigil counts one as done only once the server has confirmed it (a ping
answered after it on the same stream), not once it is written to the
socket. The link is cut by tests/integration/fault_proxy.py between vigil
and the server: what vigil writes vanishes, what the server sends still
arrives (so the request reaches vigil), until vigil's keepalive gives up on
the silent server and reconnects."""
import asyncio
import sqlite3

from fault_proxy import FaultProxy
from harness import COMPONENT, NS_EVENT, NS_THREAT, ROOM, Env, connect, pubsub, run, wait_until

PROXY = []


def env_factory():
    env = Env(start_vigil=False)
    proxy = FaultProxy(env.prosody.component_port)
    PROXY.append(proxy)
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
        finally:
            con.close()
        env.vigil.wait_log(r'dropping the connection', 20)
        await wait_until(lambda: notified(carol, 'T-1', '1'), 30, 'the notification of T-1')
        await wait_until(lambda: any(m['type'] == 'groupchat' and m['from'].bare == ROOM and
                                     (m['body'] or '').startswith('T-1 "Swallowed" filed')
                                     for m in carol.messages), 30, 'the room line of T-1')
    finally:
        await carol.stop()
        await alice.stop()


if __name__ == '__main__':
    run([test_swallowed_announcements_are_sent_again], env_factory)
