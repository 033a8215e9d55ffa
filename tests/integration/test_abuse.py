# SPDX-License-Identifier: MIT
"""Abuse limits: access.allow_domains, per-JID request
rate, caps on open command sessions, threats too large for a stanza, and
PubSub replies bounded by construction (items named many times, max_items,
subscriptions per account, RSM pages)."""
import asyncio
import sys

from harness import (COMPONENT, NS_RSM, command_of, connect, error_of, file_threat, form_values,
                     items_request, notes, pubsub, pubsub_events, rsm_set, run, sentinel,
                     wait_until)
from slixmpp.xmlstream import ET

NS_PUBSUB = 'http://jabber.org/protocol/pubsub'
NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors'
NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items'
STANZA_LIMIT = 128 * 1024
LOCK = '\U0001F512'  # 4 bytes in UTF-8
# the largest threat vigil accepts (test_threat_too_large): a ~90 KB payload
BIG = {'abstract': 'x', 'definition': LOCK * 8000, 'existing-approaches': '&' * 8000,
       'gap': '<' * 4000}


def error_text(iq):
    err = iq.xml.find('{jabber:client}error')
    text = err.find('{urn:ietf:params:xml:ns:xmpp-stanzas}text') if err is not None else None
    return text.text if text is not None else ''


def subscribe(node, jid):
    pubsub = ET.Element('{%s}pubsub' % NS_PUBSUB)
    ET.SubElement(pubsub, '{%s}subscribe' % NS_PUBSUB, node=node, jid=jid)
    return pubsub


async def test_allow_domains(env):
    """a JID outside access.allow_domains gets forbidden for commands, PubSub and chat"""
    old = env.restart_vigil(access__allow_domains='example.org')
    carol = await connect(env.prosody, 'carol')
    try:
        # admins and assessors are named one by one and keep their access
        reply = await carol.command('file')
        assert error_of(reply) == ('forbidden', None), reply
        assert 'domain' in error_text(reply), error_text(reply)
        reply = await carol.iq(subscribe('threats', 'carol@localhost'), itype='set')
        assert error_of(reply) == ('forbidden', None), reply
        disco = ET.Element('{http://jabber.org/protocol/disco#info}query')
        reply = await carol.iq(disco)
        assert reply['type'] == 'result', 'disco stays open: anyone may see what vigil is'
        carol.send_message(mto='threats.localhost', mbody='list', mtype='chat')
        msg = await carol.wait_for(lambda m: m.get_from().bare == 'threats.localhost'
                                   and m['body'], what='a chat answer')
        assert 'may not use this service' in msg['body'], msg['body']
    finally:
        await carol.stop()
        env.restart_vigil(**old)


async def test_request_rate(env):
    """over access.rate_per_minute, requests get policy-violation; other JIDs are not affected"""
    old = env.restart_vigil(access__rate_per_minute=5)
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        answers = []
        for _ in range(8):
            answers.append(await alice.command('list', fields={}))
        conditions = [error_of(a) for a in answers]
        assert conditions[:5] == [None] * 5, conditions
        assert conditions[5:] == [('policy-violation', None)] * 3, conditions
        assert 'Too many requests' in error_text(answers[5])
        reply = await alice.iq(subscribe('threats', 'alice@localhost'), itype='set')
        assert error_of(reply) == ('policy-violation', None), 'PubSub counts too'
        ping = ET.Element('{urn:xmpp:ping}ping')
        assert (await alice.iq(ping))['type'] == 'result', 'ping is not rate limited'
        reply = await carol.command('list', fields={})
        assert error_of(reply) is None, 'another JID has its own allowance'
    finally:
        await alice.stop()
        await carol.stop()
        env.restart_vigil(**old)


async def test_session_caps(env):
    """open sessions are capped per JID and in total; a finished one frees its place"""
    old = env.restart_vigil(commands__max_sessions_per_jid=2, commands__max_sessions=3)
    alice = await connect(env.prosody, 'alice', 'one')
    alice2 = await connect(env.prosody, 'alice', 'two')
    bob = await connect(env.prosody, 'bob')
    try:
        first = command_of(await alice.command('file'))
        second = command_of(await alice2.command('show'))
        assert first.get('status') == second.get('status') == 'executing'
        reply = await alice.command('assess')
        assert error_of(reply) == ('resource-constraint', None), reply
        assert 'unfinished' in error_text(reply), error_text(reply)
        reply = await alice.command('list', fields={})
        assert error_of(reply) is None, 'a single-stage request needs no session'
        await alice.command('file', action='cancel', sessionid=first.get('sessionid'))
        third = command_of(await alice.command('assess'))
        assert third.get('status') == 'executing', 'canceling freed a place'
        assert command_of(await bob.command('file')).get('status') == 'executing'
        reply = await bob.command('show')
        assert error_of(reply) == ('resource-constraint', None), 'the total cap (3) holds'
        assert 'vigil has too many' in error_text(reply), error_text(reply)
    finally:
        for c in (alice, alice2, bob):
            await c.stop()
        env.restart_vigil(**old)


async def test_threat_too_large(env):
    """a threat too large to fit a stanza is refused with the reason; the largest allowed fits"""
    alice = await connect(env.prosody, 'alice')
    try:
        lock = '\U0001F512'  # 4 bytes in UTF-8
        huge = {'name': 'Huge', 'abstract': 'x', 'definition': lock * 16000,
                'attack-tree': 'Goal\n' + ('  Step ' + lock * 900 + '\n') * 16, 'gap': '&' * 8000}
        reply = await alice.command('file', fields=huge)
        cmd = command_of(reply)
        assert cmd.get('status') == 'executing', 'refused, not filed'
        text = ' '.join(t for k, t in notes(cmd) if k == 'error')
        assert 'too large' in text and 'KiB' in text, notes(cmd)
        # the form comes back under 128 KiB: whole in template order while it fits,
        # then shortened by characters, and the note says which
        assert size_of(reply) < 128 * 1024
        figure('refused oversized filing, the form shown again (bytes)', size_of(reply))
        values = form_values(cmd)
        assert values['definition'] == lock * 16000, 'what fits is kept whole'
        assert values['attack-tree'].endswith('\u2026') and values['gap'] == '', values['gap'][:20]
        assert 'attack-tree, gap shortened' in text, text
        # the largest threat that is accepted: each reply carrying it stays below 128 KiB
        big = {'name': 'Big', 'abstract': 'x', 'definition': lock * 8000,
               'existing-approaches': '&' * 8000, 'gap': '<' * 4000}
        reply = await alice.command('file', fields=big)
        cmd = command_of(reply)
        assert cmd.get('status') == 'completed', notes(cmd)
        tid = form_values(cmd)['id']
        for node in ('show', 'edit'):
            first = command_of(await alice.command(node))
            reply = await alice.command(node, action='next', sessionid=first.get('sessionid'),
                                        fields={'id': tid})
            size = size_of(reply)
            assert size < 128 * 1024, (node, size)
            figure('%s of the largest threat (bytes)' % node, size)
            assert form_values(command_of(reply))['definition'] == lock * 8000
    finally:
        await alice.stop()


def size_of(stanza):
    """Bytes of a stanza as serialised (slixmpp's serialisation of what it
    parsed: the same elements, attributes and escapes vigil sent)."""
    return len(str(stanza).encode('utf-8'))


def figure(name, value):
    """Shows a measured figure in the test log, as a TAP comment."""
    print('# figure: %s = %s' % (name, value))
    sys.stdout.flush()


def items_of(reply):
    items = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
    assert items is not None, reply
    return [i.get('id') for i in items.findall('{%s}item' % NS_PUBSUB)]


def rsm_of(parent):
    """{'first', 'index', 'last', 'count'} of the RSM <set/> under parent, or None."""
    el = parent.find('{%s}set' % NS_RSM)
    if el is None:
        return None
    first = el.find('{%s}first' % NS_RSM)
    return {'first': first.text if first is not None else None,
            'index': first.get('index') if first is not None else None,
            'last': el.findtext('{%s}last' % NS_RSM), 'count': el.findtext('{%s}count' % NS_RSM)}


def pubsub_rsm(reply):
    return rsm_of(reply.xml.find('{%s}pubsub' % NS_PUBSUB))


def vm_kb(env, field):
    """A field of /proc/PID/status of vigil (VmRSS, VmHWM), in kB."""
    with open('/proc/%d/status' % env.vigil.proc.pid) as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise AssertionError('no %s for vigil' % field)


def asan(env):
    """Whether vigil runs under AddressSanitizer."""
    with open('/proc/%d/maps' % env.vigil.proc.pid) as f:
        return 'libasan' in f.read()


async def big_threat(env, client, name):
    """Files the largest threat vigil accepts; returns its id."""
    return await file_threat(client, name=name, **BIG)


async def test_items_named_repeatedly(env):
    """an items request naming one large threat 1,000 times gets it once, well under 128 KiB"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        small = await file_threat(alice, name='Named with it')
        tid = await big_threat(env, alice, 'Named often')
        reply = await carol.iq(items_request(ids=[tid] * 1000))
        assert error_of(reply) is None, reply
        assert items_of(reply) == [tid], 'named 1,000 times, answered once'
        size = size_of(reply)
        assert 80 * 1024 < size < STANZA_LIMIT, size
        figure('items reply, one threat named 1,000 times (bytes)', size)
        # repeats of a few ids still answer each once, in the order asked
        reply = await carol.iq(items_request(ids=[small, tid, small, 'nope', tid] * 200))
        assert items_of(reply) == [small, tid], items_of(reply)
        assert size_of(reply) < STANZA_LIMIT
        # beyond 100 distinct ids: refused with a reason
        reply = await carol.iq(items_request(ids=['T-%d' % i for i in range(1, 102)]))
        assert error_of(reply) == ('not-acceptable', None), reply
        assert 'At most 100' in error_text(reply), error_text(reply)
        reply = await carol.iq(items_request(ids=['T-%d' % i for i in range(1, 101)]))
        assert error_of(reply) is None, '100 distinct ids are answered'
        assert size_of(reply) < STANZA_LIMIT, size_of(reply)
        figure('items reply, 100 distinct ids (bytes)', size_of(reply))
    finally:
        await alice.stop()
        await carol.stop()
    return '%d bytes' % size


async def test_items_budget_and_rsm(env):
    """two large threats do not fit one reply: all items are paged with RSM, each page under 128 KiB"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        first = await big_threat(env, alice, 'Large one')
        second = await big_threat(env, alice, 'Large two')
        largest = 0
        # all items: the newest fits, then the reply is full
        reply = await carol.iq(items_request())
        assert error_of(reply) is None, reply
        largest = max(largest, size_of(reply))
        assert items_of(reply) == [second], items_of(reply)
        page = pubsub_rsm(reply)
        assert page and page['first'] == page['last'] == second and page['index'] == '0', page
        total = int(page['count'])
        assert total >= 2, page
        # the next page, after the last item received, starts with the other one
        reply = await carol.iq(items_request(rsm={'after': second}))
        largest = max(largest, size_of(reply))
        assert items_of(reply)[:1] == [first], items_of(reply)
        page = pubsub_rsm(reply)
        assert page['index'] == '1' and page['count'] == str(total), page
        # paging on to the end returns every item once
        seen = [second] + items_of(reply)
        while len(seen) < total:
            reply = await carol.iq(items_request(rsm={'after': seen[-1]}))
            assert error_of(reply) is None, reply
            largest = max(largest, size_of(reply))
            got = items_of(reply)
            assert got, 'a page makes progress (%d of %d)' % (len(seen), total)
            seen += got
        assert len(seen) == len(set(seen)) == total, seen
        # the named branch holds to the same budget
        reply = await carol.iq(items_request(ids=[first, second]))
        largest = max(largest, size_of(reply))
        assert items_of(reply) == [first], items_of(reply)
        assert pubsub_rsm(reply)['count'] == '2', 'a cut list of named items says so'
        # <max/>, and a count only
        reply = await carol.iq(items_request(node='priority', rsm={'max': '1'}))
        assert len(items_of(reply)) <= 1 and pubsub_rsm(reply) is not None, reply
        reply = await carol.iq(items_request(rsm={'max': '0'}))
        assert items_of(reply) == [] and pubsub_rsm(reply)['count'] == str(total), reply
        # what vigil does not do, and a page whose item is gone
        reply = await carol.iq(items_request(rsm={'before': ''}))
        assert error_of(reply) == ('feature-not-implemented', None), reply
        assert '<after/>' in error_text(reply), error_text(reply)
        reply = await carol.iq(items_request(rsm={'after': 'T-999999'}))
        assert error_of(reply) == ('item-not-found', None), reply
        reply = await carol.iq(items_request(rsm={'max': 'many'}))
        assert error_of(reply) == ('bad-request', None), reply
        assert largest < STANZA_LIMIT, largest
        figure('items reply, all items with large threats (bytes)', largest)
        # disco#items on the node pages the same way
        query = ET.Element('{%s}query' % NS_DISCO_ITEMS, node='threats')
        query.append(rsm_set(max='2'))
        reply = await carol.iq(query)
        result = reply.xml.find('{%s}query' % NS_DISCO_ITEMS)
        names = [i.get('name') for i in result.findall('{%s}item' % NS_DISCO_ITEMS)]
        page = rsm_of(result)
        assert names == [second, first] and page['last'] == first, (names, page)
        assert page['count'] == str(total), page
        query = ET.Element('{%s}query' % NS_DISCO_ITEMS, node='threats')
        query.append(rsm_set(max='2', after=first))
        reply = await carol.iq(query)
        result = reply.xml.find('{%s}query' % NS_DISCO_ITEMS)
        assert rsm_of(result)['index'] == '2', rsm_of(result)
        assert first not in [i.get('name') for i in result], 'the next page'
    finally:
        await alice.stop()
        await carol.stop()
    return 'largest page %d bytes' % largest


async def test_max_items_validated(env):
    """max_items abc, 0, -1, 1x or too large is bad-request with a text; max_items=1 gives one item"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        for name in ('Max one', 'Max two'):
            last = int((await file_threat(alice, name=name))[2:])
        for bad in ('abc', '0', '-1', '1x', ' 1', '', '99999999999999999999999999'):
            reply = await carol.iq(items_request(max_items=bad))
            assert error_of(reply) == ('bad-request', None), (bad, reply)
            assert 'positive integer' in error_text(reply), error_text(reply)
        reply = await carol.iq(items_request(max_items='1'))
        assert len(items_of(reply)) == 1, reply
        reply = await carol.iq(items_request(max_items='2'))
        assert items_of(reply) == ['T-%d' % n for n in (last, last - 1)], 'the two newest'
        reply = await carol.iq(items_request(max_items='+2'))
        assert len(items_of(reply)) == 2, 'an xs:positiveInteger may carry a sign'
    finally:
        await alice.stop()
        await carol.stop()


def long_resource(i, filler):
    """A resource of about 1,000 bytes, distinct per i."""
    return ('r%02d-' % i + filler * 1000)[:1000]


async def connect_resources(env, user, count, filler):
    return await asyncio.gather(*(connect(env.prosody, user, long_resource(i, filler))
                                  for i in range(count)))


async def test_subscriptions_per_account(env):
    """12 resources of one account: 10 subscribe, the 11th gets too-many-subscriptions; a change reaches 10"""
    alice = await connect(env.prosody, 'alice')
    # resources of 1,000 bytes, with characters that take more once escaped
    clients = await connect_resources(env, 'carol', 12, 'x&"<>\'')
    try:
        answers = []
        for c in clients:
            answers.append(await c.iq(pubsub('subscribe', node='threats', jid=str(c.boundjid)),
                                      itype='set'))
        conditions = [error_of(a) for a in answers]
        assert conditions[:10] == [None] * 10, conditions
        assert conditions[10:] == [('policy-violation', 'too-many-subscriptions')] * 2, conditions
        err = answers[10].xml.find('{jabber:client}error')
        assert err.find('{%s}too-many-subscriptions' % NS_PUBSUB_ERRORS) is not None
        assert 'one account may hold 10' in error_text(answers[10]), error_text(answers[10])
        # the bare JID and the other node count too; what is held may be asked again
        reply = await clients[11].iq(pubsub('subscribe', node='priority', jid='carol@localhost'),
                                     itype='set')
        assert error_of(reply) == ('policy-violation', 'too-many-subscriptions'), reply
        reply = await clients[0].iq(pubsub('subscribe', node='threats',
                                           jid=str(clients[0].boundjid)), itype='set')
        assert error_of(reply) is None, 're-subscribing is idempotent at the cap'
        # <subscriptions/>: the ten, within the stanza limit
        reply = await clients[11].iq(pubsub('subscriptions'))
        subs = reply.xml.find('{%s}pubsub/{%s}subscriptions' % (NS_PUBSUB, NS_PUBSUB))
        assert len(subs) == 10, len(subs)
        assert size_of(reply) < STANZA_LIMIT, size_of(reply)
        figure('subscriptions reply, 10 JIDs of 1,000-byte resources (bytes)', size_of(reply))
        size = size_of(reply)
        # a filing notifies the ten subscribed resources, no more
        tid = await file_threat(alice, name='Fan-out per account')
        subscribed = clients[:10]
        await wait_until(lambda: all(any(i == tid for i, _ in pubsub_events(c, 'threats'))
                                     for c in subscribed), what='ten notifications')
        await sentinel(*clients)
        notified = sum(1 for c in clients for i, _ in pubsub_events(c, 'threats') if i == tid)
        assert notified == 10, notified
        # unsubscribing frees a place
        reply = await clients[0].iq(pubsub('unsubscribe', node='threats',
                                           jid=str(clients[0].boundjid)), itype='set')
        assert error_of(reply) is None, reply
        reply = await clients[11].iq(pubsub('subscribe', node='threats',
                                            jid=str(clients[11].boundjid)), itype='set')
        assert error_of(reply) is None, 'a place was freed'
    finally:
        for c in clients:
            await c.iq(pubsub('unsubscribe', node='threats', jid=str(c.boundjid)), itype='set')
            await c.stop()
        await alice.stop()
    return '10 of 12, subscriptions reply %d bytes' % size


async def test_subscriptions_reply_cut(env):
    """with a cap of 40, forty resources of escaped text: <subscriptions/> is cut under 128 KiB with an RSM count"""
    old = env.restart_vigil(pubsub__max_subscriptions_per_jid=40)
    clients = []
    try:
        clients = await connect_resources(env, 'dave', 40, '"')
        for c in clients:
            reply = await c.iq(pubsub('subscribe', node='threats', jid=str(c.boundjid)), itype='set')
            assert error_of(reply) is None, reply
        reply = await clients[0].iq(pubsub('subscriptions'))
        assert error_of(reply) is None, reply
        size = size_of(reply)
        subs = reply.xml.find('{%s}pubsub/{%s}subscriptions' % (NS_PUBSUB, NS_PUBSUB))
        assert 10 < len(subs) < 40 and size < STANZA_LIMIT, (len(subs), size)
        assert pubsub_rsm(reply)['count'] == '40', pubsub_rsm(reply)
        figure('subscriptions reply, 40 JIDs of 6 KB escaped, cut (bytes)', size)
    finally:
        for c in clients:
            await c.iq(pubsub('unsubscribe', node='threats', jid=str(c.boundjid)), itype='set')
            await c.stop()
        env.restart_vigil(**old)
    return '%d of 40 listed in %d bytes' % (len(subs), size)


async def test_items_memory(env):
    """1,000 items requests naming a large threat 1,000 times: vigil's memory stays flat"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        tid = await big_threat(env, alice, 'Asked for often')

        async def ask():
            # an id of its own: the harness's iq() reuses one, which allows
            # a single request in flight
            iq = carol.make_iq(id=carol.new_id(), ito=COMPONENT, itype='get')
            iq.append(items_request(ids=[tid] * 1000))
            return await iq.send(timeout=60)
        await ask()
        before, peak_before = vm_kb(env, 'VmRSS'), vm_kb(env, 'VmHWM')
        for _ in range(100):
            replies = await asyncio.gather(*(ask() for _ in range(10)))
            assert all(items_of(r) == [tid] for r in replies)
        after, peak = vm_kb(env, 'VmRSS'), vm_kb(env, 'VmHWM')
        figure('vigil VmRSS before 1,000 items requests (kB)', before)
        figure('vigil VmRSS after 1,000 items requests (kB)', after)
        figure('vigil VmHWM (peak) before 1,000 items requests (kB)', peak_before)
        figure('vigil VmHWM (peak) after 1,000 items requests (kB)', peak)
        if asan(env):
            # ASan's quarantine keeps freed memory (256 MB) and adds to RSS:
            # the figure means nothing there, leaks are LeakSanitizer's
            return 'VmRSS %d kB before, %d kB after: under ASan, not checked' % (before, after)
        assert after - before < 8 * 1024, (before, after)
    finally:
        await alice.stop()
        await carol.stop()
    return 'VmRSS %d kB before, %d kB after, peak %d kB' % (before, after, peak)


if __name__ == '__main__':
    run([test_allow_domains, test_request_rate, test_session_caps, test_threat_too_large,
         test_items_named_repeatedly, test_items_budget_and_rsm, test_max_items_validated,
         test_subscriptions_per_account, test_subscriptions_reply_cut, test_items_memory])
