# SPDX-License-Identifier: MIT
"""The sentinel (harness.sentinel) the "nothing arrived" assertions rely on:
what vigil sends because of a request has arrived by the time the sentinel
returns — a chat answer, a room answer, the announcement and the PubSub
notification of a filing. If vigil ever sends those later than that, the
tests asserting that something did not arrive would pass without proving
it: this file fails first."""
from harness import (ROOM, NS_PUBSUB, connect, file_threat, pubsub, pubsub_events, run,
                     sentinel)
from slixmpp.xmlstream import ET

ROUNDS = 5  # each check a few times: an order that holds only by luck shows


def answers(client, start, mtype):
    return [m for m in client.messages[start:] if m['type'] == mtype and
            str(m['body']).lstrip().startswith('vigil keeps') and
            (m['from'].bare != ROOM or m['from'].resource == 'vigil')]


async def test_chat_answer(env):
    """a direct !help: its answer is in before the sentinel returns"""
    carol = await connect(env.prosody, 'carol')
    try:
        for i in range(ROUNDS):
            start = len(carol.messages)
            carol.send_message(mto='threats.localhost', mbody='!help', mtype='chat')
            await sentinel(carol)
            assert len(answers(carol, start, 'chat')) == 1, 'round %d: %s' % (
                i, [m['body'][:40] for m in carol.messages[start:]])
    finally:
        await carol.stop()


async def test_room_answer(env):
    """!help in the room: its answer is in before the sentinel (room=True) returns"""
    carol = await connect(env.prosody, 'carol')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        for i in range(ROUNDS):
            start = len(carol.messages)
            carol.send_message(mto=ROOM, mbody='!help', mtype='groupchat')
            await sentinel(carol, room=True)
            assert len(answers(carol, start, 'groupchat')) == 1, 'round %d: %s' % (
                i, [m['body'][:40] for m in carol.messages[start:]])
    finally:
        await carol.stop()


async def test_announcement(env):
    """a filing: the room line and the PubSub notification are in before the sentinel returns"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        reply = await carol.iq(pubsub('subscribe', node='threats', jid='carol@localhost'),
                               itype='set')
        assert reply['type'] == 'result', reply
        for i in range(ROUNDS):
            tid = await file_threat(alice, name='sentinel round %d' % i)
            await sentinel(carol, room=True)
            said = [m['body'] for m in carol.messages if m['type'] == 'groupchat' and
                    m['from'].resource == 'vigil' and tid in m['body']]
            notified = [item for item, _ in pubsub_events(carol, 'threats') if item == tid]
            assert said and notified, 'round %d, %s: room %s, notification %s' % (
                i, tid, said, notified)
    finally:
        unsubscribe = ET.Element('{%s}pubsub' % NS_PUBSUB)
        ET.SubElement(unsubscribe, '{%s}unsubscribe' % NS_PUBSUB, node='threats',
                      jid='carol@localhost')
        await carol.iq(unsubscribe, itype='set')
        await alice.stop()
        await carol.stop()


if __name__ == '__main__':
    run([test_chat_answer, test_room_answer, test_announcement])
