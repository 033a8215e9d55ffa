# SPDX-License-Identifier: MIT
"""Announcements: the room, vigil's own PubSub service, nothing lost.
The external PubSub service (pubsub.external_service): test_fanout.py."""
import asyncio
import signal
import time

from harness import (COMPONENT, ET, NS_COMMANDS, NS_EVENT, NS_PUBSUB, NS_THREAT, ROOM, command_of,
                     connect, error_of, file_threat, pubsub, run, sentinel, wait_until)
from harness import pubsub_events as events
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath



async def subscribe(client, node, jid=None):
    reply = await client.iq(pubsub('subscribe', node=node, jid=jid or client.boundjid.bare),
                            itype='set')
    assert reply['type'] == 'result', reply
    return reply


def room_lines(client):
    return [m['body'] for m in client.messages
            if m['type'] == 'groupchat' and m['from'].resource in ('vigil', 'vigil_')]


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
        await sentinel(dave, bob)
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
        await sentinel(carol, room=True)
        assert not any(tid in l for l in room_lines(carol)), 'vigil is not in the room'
        query = ET.Element('{%s}query' % admin_ns)
        ET.SubElement(query, '{%s}item' % admin_ns, jid=COMPONENT, affiliation='none')
        assert (await alice.iq(query, ito=ROOM, itype='set'))['type'] == 'result'
        await wait_until(lambda: any(tid in l for l in room_lines(carol)), timeout=40,
                         what='the message after the rejoin')
        await sentinel(carol, room=True)
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
            await asyncio.sleep(0.2)  # polls: vigil publishes once it is connected again
        assert set(ids) <= got, (ids, got)
        assert env.vigil.running()
    finally:
        await carol.stop()


async def test_sigkill_then_restart(env):
    """SIGKILL right after `completed`: the announcement arrives (at least once: the answer
    leaves before the announcements, so one sent before the kill may come again)"""
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
        await sentinel(carol, room=True)  # a second copy, if any, is in by now
        notified = [i for i, _ in events(carol, 'threats')].count(tid)
        said = sum(tid in l for l in room_lines(carol))
        print('# after SIGKILL: %d notification(s), %d room line(s) (duplicates: %d, %d)'
              % (notified, said, notified - 1, said - 1))
        assert notified >= 1, events(carol, 'threats')
        assert said >= 1, room_lines(carol)
        reply = await carol.iq(pubsub('subscriptions'))
        subs = reply.xml.find('{%s}pubsub/{%s}subscriptions' % (NS_PUBSUB, NS_PUBSUB))
        assert len(subs) == 1, 'the subscription survived the restart'
    finally:
        await alice.stop()
        await carol.stop()


NS_OWNER = 'http://jabber.org/protocol/pubsub#owner'
NS_ERRORS = 'http://jabber.org/protocol/pubsub#errors'


def items_of(reply):
    """Item ids of an items reply, in order."""
    items = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
    assert items is not None, reply
    return [i.get('id') for i in items]


def subscriptions_of(reply):
    subs = reply.xml.find('{%s}pubsub/{%s}subscriptions' % (NS_PUBSUB, NS_PUBSUB))
    assert subs is not None, reply
    return {(s.get('node'), s.get('jid')) for s in subs}


async def unsubscribe_all(client):
    """Leaves (best effort) every subscription of this account: tests start and end clean."""
    for node, jid in subscriptions_of(await client.iq(pubsub('subscriptions'))):
        await client.iq(pubsub('unsubscribe', node=node, jid=jid), itype='set')


def error_detail(reply):
    """(error type, condition, app condition, feature attribute) of an error reply."""
    err = reply.xml.find('{jabber:client}error')
    if reply['type'] != 'error' or err is None:
        return (reply['type'], None, None, None)
    cond, app = error_of(reply)
    unsupported = err.find('{%s}unsupported' % NS_ERRORS)
    return (err.get('type'), cond, app,
            unsupported.get('feature') if unsupported is not None else None)


async def test_unsubscribed_get_nothing(env):
    """after unsubscribing a client gets no notification; one still subscribed does"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob', 'assessor')
    carol = await connect(env.prosody, 'carol')
    dave = await connect(env.prosody, 'dave')
    try:
        await unsubscribe_all(carol)
        await unsubscribe_all(dave)
        await subscribe(carol, 'threats')
        await subscribe(carol, 'priority', jid=str(carol.boundjid))  # full JID
        for node, jid in (('threats', 'carol@localhost'), ('priority', str(carol.boundjid))):
            reply = await carol.iq(pubsub('unsubscribe', node=node, jid=jid), itype='set')
            assert reply['type'] == 'result', reply
        assert subscriptions_of(await carol.iq(pubsub('subscriptions'))) == set()
        await subscribe(dave, 'threats')
        await subscribe(dave, 'priority')
        tid = await file_threat(alice, name='after the unsubscription', likelihood='low',
                                damage='low')
        reply = await bob.command('assess', fields={'id': tid, 'likelihood': 'high',
                                                   'damage': 'low'})
        assert command_of(reply).get('status') == 'completed', reply
        await wait_until(lambda: [i for i, _ in events(dave, 'threats')].count(tid) == 2 and
                         len(events(dave, 'priority')) == 2, what='the still-subscribed client')
        assert [(p.get('from'), p.get('to')) for _, p in events(dave, 'priority')] == \
            [('unassessed', 'note'), ('note', 'medium')], events(dave, 'priority')
        await sentinel(carol)
        got = [m for m in carol.messages if m['from'] == COMPONENT]
        assert not got, 'the unsubscribed client received %s' % got
    finally:
        for c in (dave, carol):
            try:
                await unsubscribe_all(c)
            except Exception:
                pass
        for c in (alice, bob, carol, dave):
            await c.stop()


async def test_restart_keeps_items_and_subscriptions(env):
    """items (all, by id), disco#items and subscriptions are the same after vigil restarts"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        await unsubscribe_all(carol)
        await subscribe(carol, 'threats')
        await subscribe(carol, 'priority', jid=str(carol.boundjid))
        tid = await file_threat(alice, name='kept across the restart', likelihood='high',
                                damage='high')
        await wait_until(lambda: any(i == tid for i, _ in events(carol, 'threats')) and
                         any(p.get('threat') == tid for _, p in events(carol, 'priority')),
                         what='the notifications before the restart')

        async def snapshot():
            by_id = pubsub('items', node='threats')
            ET.SubElement(by_id[0], '{%s}item' % NS_PUBSUB, id=tid)
            reply = await carol.iq(by_id)
            one = reply.xml.find('{%s}pubsub/{%s}items/{%s}item' % ((NS_PUBSUB,) * 3))
            disco = await carol['xep_0030'].get_items(jid=COMPONENT, node='threats')
            return {
                'threats': items_of(await carol.iq(pubsub('items', node='threats'))),
                'priority': items_of(await carol.iq(pubsub('items', node='priority'))),
                'by id': (one.get('id'), ET.tostring(one[0])) if one is not None else None,
                'disco': sorted(i[2] for i in disco['disco_items']['items']),
                'subscriptions': subscriptions_of(await carol.iq(pubsub('subscriptions'))),
            }
        before = await snapshot()
        assert tid in before['threats'] and before['by id'][0] == tid, before
        assert sorted(before['threats']) == before['disco'], before
        assert before['subscriptions'] == {('threats', 'carol@localhost'),
                                           ('priority', str(carol.boundjid))}, before
        env.restart_vigil()
        after = await snapshot()
        for key in before:
            assert after[key] == before[key], (key, before[key], after[key])
        # and the surviving subscriptions are used
        second = await file_threat(alice, name='after the restart', likelihood='low',
                                   damage='high')
        await wait_until(lambda: any(i == second for i, _ in events(carol, 'threats')) and
                         any(p.get('threat') == second for _, p in events(carol, 'priority')),
                         what='notifications after the restart')
    finally:
        await unsubscribe_all(carol)
        await alice.stop()
        await carol.stop()


async def test_more_service_errors(env):
    """retract and owner delete forbidden; options, configure, default, affiliations unsupported"""
    carol = await connect(env.prosody, 'carol')
    try:
        def owner(child, **attrs):
            el = ET.Element('{%s}pubsub' % NS_OWNER)
            ET.SubElement(el, '{%s}%s' % (NS_OWNER, child), **attrs)
            return el
        retract = pubsub('retract', node='threats')
        ET.SubElement(retract[0], '{%s}item' % NS_PUBSUB, id='T-1')
        fni = 'feature-not-implemented'
        cases = [
            # XEP-0060 7.2.3.1: only the publisher (vigil) may retract
            ('retract', retract, 'set', ('auth', 'forbidden', None, None)),
            # 8.4.3.1: only the owner (vigil) may delete a node
            ('owner delete', owner('delete', node='threats'), 'set',
             ('auth', 'forbidden', None, None)),
            # 6.3.4.5: no subscription options
            ('options', pubsub('options', node='threats', jid='carol@localhost'), 'get',
             ('cancel', fni, 'unsupported', 'subscription-options')),
            # 5.7: no affiliations retrieval
            ('affiliations', pubsub('affiliations'), 'get',
             ('cancel', fni, 'unsupported', 'retrieve-affiliations')),
            # 8.2.3.1: node configuration (the owner namespace) is not supported at all
            ('owner configure', owner('configure', node='threats'), 'get',
             ('cancel', fni, 'unsupported', 'config-node')),
            ('configure', pubsub('configure', node='threats'), 'get',
             ('cancel', fni, 'unsupported', 'config-node')),
            # 8.3.3.1: nor, then, default node configuration
            ('owner default', owner('default'), 'get',
             {('cancel', fni, 'unsupported', 'config-node'),
              ('cancel', fni, 'unsupported', 'retrieve-default')}),
            # 6.4.3: <default/> in the pubsub namespace asks for the default
            # *subscription* options, not node configuration
            ('default', pubsub('default', node='threats'), 'get',
             {('cancel', fni, 'unsupported', 'subscription-options'),
              ('cancel', fni, 'unsupported', 'retrieve-default-sub')}),
            # 6.5.9.11: items of a node that does not exist
            ('items of an unknown node', pubsub('items', node='nope'), 'get',
             ('cancel', 'item-not-found', None, None)),
        ]
        wrong = []
        for what, payload, itype, want in cases:
            got = error_detail(await carol.iq(payload, itype=itype))
            if got not in (want if isinstance(want, set) else {want}):
                wrong.append('%s: got %s, want %s' % (what, got, ' or '.join(
                    map(str, want if isinstance(want, set) else [want]))))
        assert not wrong, '; '.join(wrong)
        assert items_of(await carol.iq(pubsub('items', node='threats'))), 'T-1 was not retracted'
    finally:
        await carol.stop()


async def test_announced_across_server_restart(env):
    """vigil stopped while Prosody restarts: each filing is announced afterwards, at least once"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    subscriber = dave = None
    try:
        await unsubscribe_all(carol)
        await subscribe(carol, 'threats')
        await carol.join()
        await carol.wait_occupant('vigil')
        # one filing answered `completed` and announced right before vigil is
        # stopped: SIGSTOP the moment its notification arrives, so vigil has sent
        # it but not yet had its next turn; it may come again, never not at all ...
        stopped = []

        def stop_vigil(message):
            if not stopped:
                env.vigil.signal(signal.SIGSTOP)
                stopped.append(message)
        carol.register_handler(Callback('SIGSTOP on the first notification', MatchXPath(
            '{jabber:client}message/{%s}event' % NS_EVENT), stop_vigil))
        answered = await file_threat(alice, name='answered before SIGSTOP')
        await wait_until(lambda: stopped, timeout=5, what='the notification before SIGSTOP')
        try:
            # ... and one that reaches vigil while it is stopped: it is committed
            # only after Prosody went away, so its announcements wait for the
            # reconnection (the answer to alice is lost with the old stream)
            late = alice.make_iq(ito=COMPONENT, itype='set')
            cmd = ET.SubElement(late.xml, '{%s}command' % NS_COMMANDS, node='file',
                                action='execute')
            x = ET.SubElement(cmd, '{jabber:x:data}x', type='submit')
            for var, value in (('FORM_TYPE', NS_THREAT), ('name', 'received while stopped'),
                               ('abstract', 'a')):
                field = ET.SubElement(x, '{jabber:x:data}field', var=var)
                ET.SubElement(field, '{jabber:x:data}value').text = value
            late.send(callback=lambda iq: None, timeout_callback=lambda iq: None)
            await asyncio.sleep(1)  # Prosody hands it to the component stream
            await alice.stop()
            await carol.stop()
            env.prosody.restart()
            # the subscriber is online again before vigil sends anything
            subscriber = await connect(env.prosody, 'carol', 'after')
            dave = await connect(env.prosody, 'dave')
            await dave.join()
        finally:
            env.vigil.signal(signal.SIGCONT)
        await dave.wait_occupant('vigil', timeout=30)

        def notified(name):
            return [i for c in (carol, subscriber) for i, p in events(c, 'threats')
                    if p is not None and p.findtext('{%s}name' % NS_THREAT) == name]

        def said(name):
            return [l for c in (carol, dave) for l in room_lines(c) if name in l]
        for name in ('answered before SIGSTOP', 'received while stopped'):
            await wait_until(lambda: notified(name), timeout=20,
                             what='the notification of "%s"' % name)
            await wait_until(lambda: said(name), timeout=20,
                             what='the room line of "%s"' % name)
        # second copies, if any, come within a moment; they are only counted
        # (the clients' streams went through a server restart: no sentinel)
        await asyncio.sleep(2)
        counts = {name: (len(notified(name)), len(said(name)))
                  for name in ('answered before SIGSTOP', 'received while stopped')}
        print('# (notifications, room lines) of each filing: %s; duplicates: %d' % (
            counts, sum(n - 1 + r - 1 for n, r in counts.values())))
        assert all(n >= 1 and r >= 1 for n, r in counts.values()), \
            '(notifications, room lines) of each filing: %s' % counts
        assert set(notified('answered before SIGSTOP')) == {answered}
        # the late filing was stored once
        reply = await dave.iq(pubsub('items', node='threats'))
        names = [i[0].findtext('{%s}name' % NS_THREAT) for i in
                 reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))]
        assert names.count('received while stopped') == 1, names
    finally:
        env.vigil.signal(signal.SIGCONT)
        if subscriber:
            try:
                await unsubscribe_all(subscriber)
            except Exception:
                pass
        for c in (alice, carol, subscriber, dave):
            if c and c.is_connected():
                await c.stop()


if __name__ == '__main__':
    run([test_subscribe_and_notify, test_service_errors, test_items_and_disco,
         test_room_waits_for_join, test_server_restart_keeps_announcements,
         test_sigkill_then_restart, test_unsubscribed_get_nothing,
         test_restart_keeps_items_and_subscriptions, test_more_service_errors,
         test_announced_across_server_restart])
