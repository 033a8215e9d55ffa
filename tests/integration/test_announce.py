"""Announcements: the room, vigil's own PubSub service, nothing lost (issue 5)."""
import asyncio
import time

from harness import (COMPONENT, ET, ROOM, command_of, connect, error_of, form_values, run)

NS_PUBSUB = 'http://jabber.org/protocol/pubsub'
NS_EVENT = 'http://jabber.org/protocol/pubsub#event'
NS_THREAT = 'urn:vigil:threat:0'


def pubsub(child, **attrs):
    el = ET.Element('{%s}pubsub' % NS_PUBSUB)
    ET.SubElement(el, '{%s}%s' % (NS_PUBSUB, child), **attrs)
    return el


async def subscribe(client, node, jid=None):
    reply = await client.iq(pubsub('subscribe', node=node, jid=jid or client.boundjid.bare),
                            itype='set')
    assert reply['type'] == 'result', reply
    return reply


def events(client, node):
    """(item id, payload element) of every notification the client got for node."""
    out = []
    for m in client.messages:
        if m['from'] != COMPONENT:
            continue
        ev = m.xml.find('{%s}event' % NS_EVENT)
        items = ev.find('{%s}items' % NS_EVENT) if ev is not None else None
        if items is None or items.get('node') != node:
            continue
        for item in items.findall('{%s}item' % NS_EVENT):
            out.append((item.get('id'), list(item)[0] if len(item) else None))
    return out


def room_lines(client):
    return [m['body'] for m in client.messages
            if m['type'] == 'groupchat' and m['from'].resource in ('vigil', 'vigil_')]


async def wait_until(predicate, timeout=10, what='condition'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError('timed out waiting for ' + what)


async def file_threat(client, **fields):
    reply = await client.command('file', fields=dict({'abstract': 'a'}, **fields))
    cmd = command_of(reply)
    assert cmd is not None and cmd.get('status') == 'completed', reply
    return form_values(cmd)['id']


async def test_subscribe_and_notify(env):
    """subscribers get file, assess and retire events with their payload; the room the messages"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    carol = await connect(env.prosody, 'carol')
    dave = await connect(env.prosody, 'dave')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        await subscribe(carol, 'threats')
        await subscribe(bob, 'priority', jid=str(bob.boundjid))  # a full JID works too
        tid = await file_threat(alice, name='Dialback spoofing & <co>', likelihood='medium',
                                damage='medium')
        await wait_until(lambda: events(carol, 'threats') and events(bob, 'priority'),
                         what='notifications of the filing')
        item_id, payload = events(carol, 'threats')[-1]
        assert item_id == tid and payload.tag == '{%s}threat' % NS_THREAT, (item_id, payload)
        assert payload.get('priority') == 'medium' and payload.get('revision') == '1'
        assert payload.find('{%s}name' % NS_THREAT).text == 'Dialback spoofing & <co>'
        await wait_until(lambda: any(tid in l and 'filed' in l for l in room_lines(carol)),
                         what='the room message of the filing')
        start = time.monotonic()
        reply = await bob.command('assess', fields={'id': tid, 'likelihood': 'high',
                                                   'damage': 'medium'})
        assert command_of(reply).get('status') == 'completed', reply
        await wait_until(lambda: len(events(bob, 'priority')) == 2, what='the priority change')
        elapsed = time.monotonic() - start
        assert elapsed < 1.0, 'notification took %.2f s' % elapsed
        change = events(bob, 'priority')[-1][1]
        assert change.tag == '{%s}priority-change' % NS_THREAT
        assert (change.get('threat'), change.get('from'), change.get('to'), change.get('by')) == \
            (tid, 'medium', 'high', 'bob@localhost'), change.attrib
        want = '%s "Dialback spoofing & <co>": priority medium → high (likelihood high, ' \
               'damage medium), assessed by bob@localhost' % tid
        await wait_until(lambda: want in room_lines(carol), what='the room message: ' + want)
        reply = await alice.command('retire', fields={'id': tid, 'reason': 'test'})
        assert command_of(reply).get('status') == 'completed', reply
        await wait_until(lambda: any(p is not None and p.get('status') == 'retired'
                                     for _, p in events(carol, 'threats')), what='retire event')
        await wait_until(lambda: any('retired' in l for l in room_lines(carol)), what='retire msg')
        await asyncio.sleep(0.5)
        assert not events(dave, 'threats') and not events(dave, 'priority'), \
            'an unsubscribed client receives nothing'
        assert len(events(bob, 'threats')) == 0, 'bob subscribed to priority only'
    finally:
        for c in (alice, bob, carol, dave):
            await c.stop()


async def test_service_errors(env):
    """subscription rules and errors: invalid-jid, unknown node, publish forbidden, not-subscribed"""
    carol = await connect(env.prosody, 'carol')
    try:
        reply = await carol.iq(pubsub('subscribe', node='threats', jid='dave@localhost'), itype='set')
        assert error_of(reply) == ('bad-request', 'invalid-jid'), reply
        reply = await carol.iq(pubsub('subscribe', node='nope', jid='carol@localhost'), itype='set')
        assert error_of(reply) == ('item-not-found', None), reply
        reply = await carol.iq(pubsub('publish', node='threats'), itype='set')
        assert error_of(reply) == ('forbidden', None), reply
        reply = await carol.iq(pubsub('create', node='mine'), itype='set')
        assert error_of(reply) == ('feature-not-implemented', 'unsupported'), reply
        reply = await carol.iq(pubsub('unsubscribe', node='priority', jid='carol@localhost'),
                               itype='set')
        assert error_of(reply) == ('unexpected-request', 'not-subscribed'), reply
        reply = await carol.iq(pubsub('subscriptions'))
        subs = reply.xml.find('{%s}pubsub/{%s}subscriptions' % (NS_PUBSUB, NS_PUBSUB))
        nodes = {(s.get('node'), s.get('jid')) for s in subs}
        assert nodes == {('threats', 'carol@localhost')}, nodes
        reply = await carol.iq(pubsub('unsubscribe', node='threats', jid='carol@localhost'),
                               itype='set')
        assert reply['type'] == 'result', reply
        reply = await carol.iq(pubsub('subscriptions'))
        subs = reply.xml.find('{%s}pubsub/{%s}subscriptions' % (NS_PUBSUB, NS_PUBSUB))
        assert len(subs) == 0, 'unsubscribed'
    finally:
        await carol.stop()


async def test_items_and_disco(env):
    """items: all, max_items, by id; disco#info with meta-data and disco#items on a node"""
    carol = await connect(env.prosody, 'carol')
    try:
        reply = await carol.iq(pubsub('items', node='threats'))
        items = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
        assert len(items) >= 1, reply
        reply = await carol.iq(pubsub('items', node='priority', max_items='1'))
        items = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
        assert len(items) == 1, reply
        el = pubsub('items', node='threats')
        ET.SubElement(el[0], '{%s}item' % NS_PUBSUB, id='T-1')
        reply = await carol.iq(el)
        items = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
        assert [i.get('id') for i in items] == ['T-1'], reply
        info = await carol['xep_0030'].get_info(jid=COMPONENT, node='priority')
        assert ('pubsub', 'leaf') in {(i[0], i[1]) for i in info['disco_info']['identities']}
        form = info['disco_info'].xml.find('{jabber:x:data}x')
        fields = {f.get('var'): f.findtext('{jabber:x:data}value') for f in form}
        assert fields['FORM_TYPE'] == 'http://jabber.org/protocol/pubsub#meta-data', fields
        assert fields['pubsub#type'] == NS_THREAT, fields
        items = await carol['xep_0030'].get_items(jid=COMPONENT, node='threats')
        assert 'T-1' in {i[2] for i in items['disco_items']['items']}, items
    finally:
        await carol.stop()


async def test_room_waits_for_join(env):
    """a change made while vigil is out of the room is announced once it is back"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    admin_ns = 'http://jabber.org/protocol/muc#admin'
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        query = ET.Element('{%s}query' % admin_ns)
        ET.SubElement(query, '{%s}item' % admin_ns, jid=COMPONENT, affiliation='outcast')
        assert (await alice.iq(query, ito=ROOM, itype='set'))['type'] == 'result'
        await carol.wait_occupant('vigil', present=False)
        tid = await file_threat(alice, name='while banned')
        await asyncio.sleep(1)
        assert not any(tid in l for l in room_lines(carol)), 'vigil is not in the room'
        query = ET.Element('{%s}query' % admin_ns)
        ET.SubElement(query, '{%s}item' % admin_ns, jid=COMPONENT, affiliation='none')
        assert (await alice.iq(query, ito=ROOM, itype='set'))['type'] == 'result'
        await wait_until(lambda: any(tid in l for l in room_lines(carol)), timeout=40,
                         what='the message after the rejoin')
        await asyncio.sleep(0.5)
        assert sum(tid in l for l in room_lines(carol)) == 1, room_lines(carol)
    finally:
        await alice.stop()
        await carol.stop()


async def test_server_restart_keeps_announcements(env):
    """filings right before Prosody restarts are all published once it is back"""
    alice = await connect(env.prosody, 'alice')
    ids = [await file_threat(alice, name='burst %d' % i) for i in range(5)]
    await alice.stop()
    env.prosody.restart()
    carol = await connect(env.prosody, 'carol')
    try:
        # subscriptions survived in vigil's database; items are retrievable after the restart
        await carol.join()
        await carol.wait_occupant('vigil', timeout=20)
        deadline = time.monotonic() + 15
        while True:
            reply = await carol.iq(pubsub('items', node='threats', max_items='50'))
            got = {i.get('id') for i in reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))}
            if set(ids) <= got or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert set(ids) <= got, (ids, got)
        assert env.vigil.running()
    finally:
        await carol.stop()


async def test_sigkill_then_restart(env):
    """SIGKILL right after `completed`: the announcement arrives after the restart, exactly once"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        await subscribe(carol, 'threats')
        await carol.join()
        await carol.wait_occupant('vigil')
        tid = await file_threat(alice, name='killed right after')
        env.vigil.kill()
        env.start_vigil()
        await wait_until(lambda: any(i == tid for i, _ in events(carol, 'threats')), timeout=15,
                         what='the notification after the restart')
        await wait_until(lambda: any(tid in l for l in room_lines(carol)), timeout=15,
                         what='the room message after the restart')
        await asyncio.sleep(1)
        assert [i for i, _ in events(carol, 'threats')].count(tid) == 1, events(carol, 'threats')
        assert sum(tid in l for l in room_lines(carol)) == 1, room_lines(carol)
        reply = await carol.iq(pubsub('subscriptions'))
        subs = reply.xml.find('{%s}pubsub/{%s}subscriptions' % (NS_PUBSUB, NS_PUBSUB))
        assert len(subs) == 1, 'the subscription survived the restart'
    finally:
        await alice.stop()
        await carol.stop()


async def test_external_pubsub(env):
    """with pubsub.external_service, items also reach subscribers of the server's own PubSub"""
    env.vigil.stop()
    env.vigil.settings['pubsub.external_service'] = 'pubsub.localhost'
    env.vigil.write_config()
    env.start_vigil()
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        first = await file_threat(alice, name='creates the external node')
        await wait_until(lambda: 'creating node threats on pubsub.localhost' in env.vigil.log_text(),
                         what='the node creation')
        deadline = time.monotonic() + 10
        while True:  # the node exists once vigil's first publish went through
            reply = await carol.iq(pubsub('subscribe', node='threats', jid='carol@localhost'),
                                   ito='pubsub.localhost', itype='set')
            if reply['type'] == 'result' or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        assert reply['type'] == 'result', reply
        tid = await file_threat(alice, name='seen through the server')
        def got():
            return any(m['from'] == 'pubsub.localhost' and tid in str(m) for m in carol.messages)
        await wait_until(got, what='the notification from pubsub.localhost')
        assert first != tid
    finally:
        await alice.stop()
        await carol.stop()
        env.vigil.stop()
        env.vigil.settings['pubsub.external_service'] = None
        env.vigil.write_config()
        env.start_vigil()


if __name__ == '__main__':
    run([test_subscribe_and_notify, test_service_errors, test_items_and_disco,
         test_room_waits_for_join, test_server_restart_keeps_announcements,
         test_sigkill_then_restart, test_external_pubsub])
