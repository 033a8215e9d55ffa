# SPDX-License-Identifier: MIT
"""The `feed` node (PROTOCOL.md §6.5): every announcement as an Atom entry,
notified to its subscribers, retrievable like the other nodes, described as
an XEP-0472 social feed; each entry valid Atom (tests/data/atom.rng)."""
import os
import subprocess
import tempfile

from harness import (COMPONENT, ET, NS_PUBSUB, SRCDIR, Env, command_of, connect, file_threat,
                     items_request, pubsub, run, wait_until)
from harness import pubsub_events as events

NS_ATOM = 'http://www.w3.org/2005/Atom'
NS_SOCIAL_FEED = 'urn:xmpp:pubsub-social-feed:1'
BASE_URL = 'https://sig.example.org/threats/'


def a(name):
    return '{%s}%s' % (NS_ATOM, name)


def room_lines(client):
    return [m['body'] for m in client.messages
            if m['type'] == 'groupchat' and m['from'].resource in ('vigil', 'vigil_')]


def valid_atom(entries):
    """Whether the entries, in a feed, are valid against tests/data/atom.rng (xmllint)."""
    feed = ET.Element(a('feed'))
    ET.SubElement(feed, a('id')).text = 'tag:test,2026:feed'
    ET.SubElement(feed, a('title')).text = 'feed'
    ET.SubElement(feed, a('updated')).text = '2026-12-07T10:00:00Z'
    feed.extend(entries)
    with tempfile.NamedTemporaryFile('wb', suffix='.atom', delete=False) as f:
        f.write(ET.tostring(feed, encoding='utf-8'))
    try:
        check = subprocess.run(['xmllint', '--noout', '--relaxng',
                                os.path.join(SRCDIR, 'tests', 'data', 'atom.rng'), f.name],
                               capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    assert check.returncode == 0, check.stderr
    return True


def items_of(reply):
    items = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
    assert items is not None, reply
    return [(i.get('id'), list(i)[0] if len(i) else None)
            for i in items.findall('{%s}item' % NS_PUBSUB)]


async def test_file_assess_retire(env):
    """a subscriber to feed gets an Atom entry per announcement: filing, priority, retirement"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    carol = await connect(env.prosody, 'carol')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        reply = await carol.iq(pubsub('subscribe', node='feed', jid=carol.boundjid.bare),
                               itype='set')
        assert reply['type'] == 'result', reply
        tid = await file_threat(alice, name='Feed <&> “quoted” 𝄞', abstract='What & why <b>',
                                likelihood='medium', damage='medium')
        reply = await bob.command('assess', fields={'id': tid, 'likelihood': 'high',
                                                   'damage': 'medium'})
        assert command_of(reply).get('status') == 'completed', reply
        reply = await alice.command('retire', fields={'id': tid, 'reason': 'Fixed <in> & out'})
        assert command_of(reply).get('status') == 'completed', reply
        await wait_until(lambda: len([i for i, _ in events(carol, 'feed')
                                      if i.startswith(tid + '-')]) >= 3,
                         what='three feed entries')
        mine = [(i, e) for i, e in events(carol, 'feed') if i.startswith(tid + '-')]
        assert [i for i, _ in mine] == [tid + '-r1', tid + '-r2', tid + '-r3'], mine
        titles = [e.findtext(a('title')) for _, e in mine]
        assert titles[0] == ('%s "Feed <&> “quoted” 𝄞" filed by alice@localhost: priority medium'
                             % tid), titles
        assert titles[1] == ('%s "Feed <&> “quoted” 𝄞": priority medium → high (likelihood high, '
                             'damage medium), assessed by bob@localhost' % tid), titles
        assert titles[2] == '%s "Feed <&> “quoted” 𝄞" retired by alice@localhost' % tid, titles
        await wait_until(lambda: all(t in room_lines(carol) for t in titles),
                         what='the same lines in the room')
        # the line, then the abstract, or the revision's note (a reason) as feed.atom has it
        after = ['. What & why <b>', '. What & why <b>', ' — Fixed <in> & out']
        for (_, e), tail in zip(mine, after):
            assert e.tag == a('entry'), e.tag
            assert e.findtext(a('content')) == e.findtext(a('title')) + tail, \
                ET.tostring(e, encoding='unicode')
            assert e.find(a('content')).get('type') == 'text'
            assert e.findtext(a('id')).startswith('tag:%s,' % COMPONENT), e.findtext(a('id'))
            assert e.findtext(a('updated')) and e.findtext(a('author') + '/' + a('name'))
            assert e.find(a('link')) is None, 'no publish.base_url: no link'
        assert valid_atom([e for _, e in mine])
    finally:
        for c in (alice, bob, carol):
            await c.stop()


async def test_items(env):
    """feed items: all, max_items, by id, RSM pages; the newest first"""
    alice = await connect(env.prosody, 'alice')
    try:
        for n in range(3):
            await file_threat(alice, name='Paged %d' % n)
        every = items_of(await alice.iq(items_request('feed')))
        assert len(every) >= 6, every
        assert all(e is not None and e.tag == a('entry') for _, e in every), every
        assert valid_atom([e for _, e in every])
        newest = items_of(await alice.iq(items_request('feed', max_items='1')))
        assert [i for i, _ in newest] == [every[0][0]], (newest, every[0])
        assert newest[0][1].findtext(a('title')).startswith(newest[0][0].split('-r')[0] + ' "Paged 2"')
        by_id = items_of(await alice.iq(items_request('feed', ids=[every[2][0]])))
        assert [i for i, _ in by_id] == [every[2][0]], by_id
        page = items_of(await alice.iq(items_request('feed', rsm={'max': '2'})))
        assert [i for i, _ in page] == [i for i, _ in every[:2]], page
        page = items_of(await alice.iq(items_request('feed', rsm={'max': '2', 'after': page[-1][0]})))
        assert [i for i, _ in page] == [i for i, _ in every[2:4]], page
    finally:
        await alice.stop()


async def test_disco(env):
    """disco: the service's XEP-0472 feature, feed beside threats and priority, its meta-data"""
    carol = await connect(env.prosody, 'carol')
    try:
        info = await carol['xep_0030'].get_info(jid=COMPONENT)
        assert NS_SOCIAL_FEED in info['disco_info']['features'], info
        items = await carol['xep_0030'].get_items(jid=COMPONENT)
        nodes = {i[1] for i in items['disco_items']['items']}
        assert {'threats', 'priority', 'feed'} <= nodes, nodes
        info = await carol['xep_0030'].get_info(jid=COMPONENT, node='feed')
        assert ('pubsub', 'leaf') in {(i[0], i[1]) for i in info['disco_info']['identities']}
        form = info['disco_info'].xml.find('{jabber:x:data}x')
        fields = {f.get('var'): f.findtext('{jabber:x:data}value') for f in form}
        assert fields['FORM_TYPE'] == 'http://jabber.org/protocol/pubsub#meta-data', fields
        assert fields['pubsub#type'] == NS_SOCIAL_FEED, fields
        assert fields['pubsub#title'] and fields['pubsub#description'], fields
    finally:
        await carol.stop()


async def test_link_with_base_url(env):
    """with publish.base_url, an entry links to the threat's page"""
    old = env.restart_vigil(**{'publish.base_url': BASE_URL})
    alice = await connect(env.prosody, 'alice')
    try:
        tid = await file_threat(alice, name='Linked')
        got = items_of(await alice.iq(items_request('feed', ids=[tid + '-r1'])))
        assert len(got) == 1, got
        link = got[0][1].find(a('link'))
        assert link is not None and link.get('href') == BASE_URL + tid + '.html', \
            ET.tostring(got[0][1])
        assert link.get('rel') == 'alternate' and link.get('type') == 'text/html'
        assert valid_atom([got[0][1]])
    finally:
        await alice.stop()
        env.restart_vigil(**old)


if __name__ == '__main__':
    run([test_file_assess_retire, test_items, test_disco, test_link_with_base_url], Env)
