# SPDX-License-Identifier: MIT
"""Chat commands in the room, in direct and in private messages."""
import asyncio
import time

from slixmpp.exceptions import IqTimeout

from harness import (COMPONENT, ET, ROOM, command_of, connect, file_threat, form_values,
                     run, sentinel, wait_until)
from sample_threats import TREE

NS_PUBSUB = 'http://jabber.org/protocol/pubsub'


def from_vigil(m):
    if m['type'] == 'groupchat':
        return m['from'].bare == ROOM and m['from'].resource.startswith('vigil')
    return m['from'].bare == COMPONENT or (m['from'].bare == ROOM and
                                           m['from'].resource.startswith('vigil'))


async def ask(client, to, body, mtype='chat', count=1, timeout=10):
    """Sends body and returns the bodies of vigil's replies: at least `count`,
    and every one it sent before answering a sentinel after them."""
    start = len(client.messages)
    client.send_message(mto=to, mbody=body, mtype=mtype)
    deadline = time.monotonic() + timeout

    def replies():
        return [m['body'] for m in client.messages[start:] if from_vigil(m) and m['type'] == mtype]
    while time.monotonic() < deadline:
        if len(replies()) >= count:
            await sentinel(client, room=(mtype == 'groupchat'))
            return replies()
        await asyncio.sleep(0.05)
    raise AssertionError('no reply to %r (got %s)' % (body, replies()))


async def test_help_in_room(env):
    """!help in the room is answered in the room; ordinary talk is ignored"""
    carol = await connect(env.prosody, 'carol')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        start = len(carol.messages)
        carol.send_message(mto=ROOM, mbody='help me with lunch', mtype='groupchat')
        await sentinel(carol, room=True)
        assert not [m for m in carol.messages[start:] if from_vigil(m)], 'ordinary talk ignored'
        replies = await ask(carol, ROOM, '!help', 'groupchat')
        assert '!assess T-7 likelihood=high damage=medium' in replies[0], replies
    finally:
        await carol.stop()


async def test_file_in_room(env):
    """!file in the room files a threat, and the room sees the announcement"""
    carol = await connect(env.prosody, 'carol')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        replies = await ask(carol, ROOM, '!file Room filing <&> | Filed from the room', 'groupchat',
                            count=2)
        assert any(r.startswith('Filed T-1 "Room filing <&>"') for r in replies), replies
        assert any('T-1 "Room filing <&>" filed by carol@localhost' in r for r in replies), replies
    finally:
        await carol.stop()


async def test_direct_messages(env):
    """direct messages: the ! is optional; list, top, show with the tree outline, history"""
    alice = await connect(env.prosody, 'alice')
    try:
        reply = await alice.command('file', fields={'name': 'Tree threat', 'abstract': 'XEP-0045 rooms',
                                                    'attack-tree': TREE, 'likelihood': 'high',
                                                    'damage': 'high'})
        tid = form_values(command_of(reply))['id']
        replies = await ask(alice, COMPONENT, 'list')
        assert replies[0].startswith('Open threats, page 1 of 1:'), replies
        assert '%s [critical] Tree threat' % tid in replies[0], replies
        replies = await ask(alice, COMPONENT, '!top 1')
        assert replies[0].splitlines()[1].startswith(tid), replies
        shown = '\n'.join(await ask(alice, COMPONENT, 'show %s' % tid))
        assert '%s "Tree threat" — priority critical' % tid in shown, shown
        assert '★ Strip STARTTLS [cost 1000]' in shown, shown
        assert '✗ Sniff an unencrypted c2s link [cost 0, impossible]' in shown, shown
        assert 'AND Compromise the server' in shown and 'Evaluation: possible' in shown, shown
        assert 'XEP-0045 (Multi-User Chat' in shown, shown
        replies = await ask(alice, COMPONENT, 'history %s' % tid)
        assert replies[0].startswith('History of %s' % tid) and 'r1 ' in replies[0], replies
    finally:
        await alice.stop()


async def test_assess_and_roles(env):
    """!assess by an assessor changes the priority; others are refused"""
    bob = await connect(env.prosody, 'bob')
    carol = await connect(env.prosody, 'carol')
    try:
        replies = await ask(bob, COMPONENT, '!assess T-1 likelihood=high damage=medium because')
        assert 'T-1 "Room filing <&>": priority unassessed → high' in replies[0], replies

        replies = await ask(carol, COMPONENT, '!assess T-1 likelihood=low damage=low')
        assert 'Only assessors and admins' in replies[0], replies
    finally:
        await bob.stop()
        await carol.stop()


async def test_bad_input(env):
    """unknown commands, wrong ids, bad values: one line with the problem and the usage"""
    carol = await connect(env.prosody, 'carol')
    bob = await connect(env.prosody, 'bob')
    try:
        r = await ask(carol, COMPONENT, '!frobnicate now')
        assert r[0].startswith('Unknown command "frobnicate" — usage:'), r
        r = await ask(carol, COMPONENT, 'show T-999')
        assert 'There is no threat T-999' in r[0] and 'usage: !show T-7' in r[0], r
        r = await ask(carol, COMPONENT, 'show banana')
        assert '"banana" is not a threat id' in r[0], r
        r = await ask(carol, COMPONENT, 'file only a name')
        assert 'usage: !file NAME | ABSTRACT' in r[0], r
        r = await ask(bob, COMPONENT, 'assess T-1 likelihood=severe damage=high')
        assert '"severe" is not one of unassessed, high, medium, low' in r[0], r
        r = await ask(carol, COMPONENT, 'list 999')
        assert r[0] == 'There are only 1 page.', r
    finally:
        await carol.stop()
        await bob.stop()


async def test_guided_filing(env):
    """`file` in a direct message: one field at a time, skip, back, validation, summary, yes"""
    dave = await connect(env.prosody, 'dave')
    try:
        r = await ask(dave, COMPONENT, 'file', count=2)
        assert '(1/10) Name' in r[-1], r
        r = await ask(dave, COMPONENT, 'skip')
        assert 'Name is required' in r[0], r
        r = await ask(dave, COMPONENT, 'Guided threat')
        assert '(2/10) Abstract' in r[0], r
        r = await ask(dave, COMPONENT, 'A first abstract')
        assert '(3/10) Definition' in r[0], r
        r = await ask(dave, COMPONENT, 'back')
        assert '(2/10) Abstract' in r[0], r
        r = await ask(dave, COMPONENT, 'The abstract, second try')
        r = await ask(dave, COMPONENT, 'skip')                     # definition
        r = await ask(dave, COMPONENT, 'Goal\n\tTabbed')           # attack tree: refused
        assert 'attack-tree: line 2: indent with spaces' in r[0] and '(4/10)' in r[0], r
        r = await ask(dave, COMPONENT, 'Goal\n  Step [cost=5]')
        r = await ask(dave, COMPONENT, 'Severe')                   # likelihood: refused
        assert 'is not one of unassessed, high, medium, low' in r[0], r
        r = await ask(dave, COMPONENT, 'High')
        r = await ask(dave, COMPONENT, 'low')                      # damage
        for _ in range(4):
            r = await ask(dave, COMPONENT, 'skip')
        assert r[0].startswith('Summary of the new threat:'), r
        assert 'Abstract: The abstract, second try' in r[0], r
        r = await ask(dave, COMPONENT, 'yes')
        assert r[0].startswith('Filed T-') and 'priority medium' in r[0], r
        tid = r[0].split()[1]
        values = form_values(command_of(await dave.command('show', fields={'id': tid})))
        assert values['name'] == 'Guided threat' and values['attack-tree'] == 'Goal\n  Step [cost=5]'
        assert values['author'] == 'dave@localhost', values
        r = await ask(dave, COMPONENT, 'file', count=2)
        r = await ask(dave, COMPONENT, 'cancel')
        assert r[0] == 'Canceled: nothing was filed.', r
    finally:
        await dave.stop()


async def test_dialogues_are_private(env):
    """two people filing at once never see each other's answers"""
    bob = await connect(env.prosody, 'bob')
    carol = await connect(env.prosody, 'carol')
    try:
        await ask(bob, COMPONENT, 'file', count=2)
        await ask(carol, COMPONENT, 'file', count=2)
        rb = await ask(bob, COMPONENT, 'Bob secret name')
        rc = await ask(carol, COMPONENT, 'Carol name')
        assert '(2/10)' in rb[0] and '(2/10)' in rc[0]
        await ask(bob, COMPONENT, 'bob abstract')
        for _ in range(8):
            rb = await ask(bob, COMPONENT, 'skip')
        assert 'Bob secret name' in rb[0] and 'Carol' not in rb[0], rb
        await ask(carol, COMPONENT, 'cancel')
        rb = await ask(bob, COMPONENT, 'cancel')
        assert 'Bob' not in str(carol.messages[-1]['body'])
    finally:
        await bob.stop()
        await carol.stop()


async def test_private_message(env):
    """a private message through the room is answered privately"""
    carol = await connect(env.prosody, 'carol')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        r = await ask(carol, ROOM + '/vigil', 'top 1')
        assert r and r[0].startswith('Top 1 of'), r
    finally:
        await carol.stop()


async def test_consistent_with_adhoc(env):
    """a chat filing has the same id, priority and PubSub item as the ad-hoc view of it"""
    alice = await connect(env.prosody, 'alice')
    try:
        r = await ask(alice, COMPONENT, 'file Consistency | checked both ways')
        tid = r[0].split()[1]
        values = form_values(command_of(await alice.command('show', fields={'id': tid})))
        assert values['name'] == 'Consistency' and values['priority'] == 'unassessed'
        el = ET.Element('{%s}pubsub' % NS_PUBSUB)
        items = ET.SubElement(el, '{%s}items' % NS_PUBSUB, node='threats')
        ET.SubElement(items, '{%s}item' % NS_PUBSUB, id=tid)
        deadline = time.monotonic() + 5
        while True:
            reply = await alice.iq(el)
            got = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
            if len(got) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)  # polls: the item is published on the turn after the answer
        threat = got[0][0]
        assert threat.get('id') == tid and threat.get('author') == 'alice@localhost', threat.attrib
    finally:
        await alice.stop()


async def test_rate_limit(env):
    """a flood gets a burst of answers and one notice, not one per message"""
    # erin sends nothing anywhere else, so her allowance is whole: a burst
    # of 10, plus what refills (30 a minute) while the 25 arrive
    erin = await connect(env.prosody, 'erin')
    try:
        start = len(erin.messages)
        for _ in range(25):
            erin.send_message(mto=COMPONENT, mbody='!help', mtype='chat')
        await sentinel(erin)  # vigil has answered (or not) all 25
        bodies = [m['body'] for m in erin.messages[start:] if from_vigil(m)]
        notices = [b for b in bodies if b.startswith('Too many commands')]
        helps = [b for b in bodies if b.startswith('vigil keeps')]
        assert len(notices) == 1, bodies
        assert 10 <= len(helps) <= 12, len(helps)
    finally:
        await erin.stop()


async def test_long_replies_split(env):
    """long replies are split at line boundaries below chat.max_reply"""
    old = env.restart_vigil(chat__max_reply=300)
    alice = await connect(env.prosody, 'alice')
    try:
        long_gap = '\n'.join('gap line %02d with some words in it' % i for i in range(30))
        reply = await alice.command('file', fields={'name': 'Long one', 'abstract': 'a',
                                                    'gap': long_gap})
        tid = form_values(command_of(reply))['id']
        parts = await ask(alice, COMPONENT, 'show ' + tid, count=3)
        assert len(parts) >= 3 and all(len(p) <= 300 for p in parts), [len(p) for p in parts]
        joined = '\n'.join(parts)
        for i in range(30):
            assert 'gap line %02d with some words in it' % i in joined, i
    finally:
        await alice.stop()
        env.restart_vigil(**old)


async def room_gone(client, timeout=10):
    """Waits until ROOM answers disco#info with an error: destroyed (ejabberd
    ends the room's process after answering the destroy request)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = await client.iq(ET.Element('{http://jabber.org/protocol/disco#info}query'),
                                    ito=ROOM, timeout=1)
            if reply['type'] == 'error':
                return
        except IqTimeout:
            pass  # ejabberd drops a query that reaches the room's process as it ends
        assert time.monotonic() < deadline, 'the room was never destroyed'
        await asyncio.sleep(0.05)  # polls


async def test_anonymous_room(env):
    """in a room that hides real JIDs, changes are refused with directions to a direct message"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        env.vigil.stop()
        owner_ns = 'http://jabber.org/protocol/muc#owner'
        query = ET.Element('{%s}query' % owner_ns)
        ET.SubElement(query, '{%s}destroy' % owner_ns)
        await alice.iq(query, ito=ROOM, itype='set')
        await room_gone(alice)
        await alice.join()  # alice creates it again, semi-anonymous (Prosody's default)
        env.start_vigil()
        await carol.join()
        await carol.wait_occupant('vigil')
        r = await ask(carol, ROOM, '!file Anonymous | should be refused', 'groupchat')
        assert 'cannot see your real JID' in r[0] and COMPONENT in r[0], r
        r = await ask(carol, ROOM, '!top 1', 'groupchat')
        assert r[0].startswith('Top 1 of'), 'reading is fine: %s' % r
    finally:
        await alice.stop()
        await carol.stop()


NS_EVENT = 'http://jabber.org/protocol/pubsub#event'
NS_THREAT = 'urn:vigil:threat:0'


def helps(client, start=0, mtype=None):
    """vigil's answers to !help (whatever else it says, such as announcements, aside)."""
    return [m for m in client.messages[start:] if from_vigil(m) and
            (mtype is None or m['type'] == mtype) and
            str(m['body']).lstrip().startswith('vigil keeps')]


def room_lines(client):
    return [m['body'] for m in client.messages if m['type'] == 'groupchat' and from_vigil(m)]


def priority_events(client):
    """The priority-change payloads the client was notified of."""
    out = []
    for m in client.messages:
        if m['from'] != COMPONENT:
            continue
        items = m.xml.find('{%s}event/{%s}items' % (NS_EVENT, NS_EVENT))
        if items is None or items.get('node') != 'priority':
            continue
        out += [item[0] for item in items.findall('{%s}item' % NS_EVENT) if len(item)]
    return out


async def test_search(env):
    """!search WORDS [min=] [status=] in a direct message and in the room: lines as !list, 20 a page, plain errors"""
    old = env.restart_vigil(chat__rate_per_minute=1000)  # some 20 commands in a row
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        for i in range(23):  # two pages of matches
            await file_threat(alice, name='Haystack needle %02d' % i, abstract='searched',
                              likelihood=('high', 'low')[i % 2], damage='high')
        await file_threat(alice, name='Unrelated', abstract='needle in the abstract only')
        r = await ask(alice, COMPONENT, 'search haystack NEEDLE')
        lines = r[0].splitlines()
        assert lines[0] == 'Matching threats, page 1 of 2:', r
        assert len(lines) == 21 and all(' [' in l and 'Haystack needle' in l for l in lines[1:]), r
        # the same line as !list gives the same threat
        listed = {l.split(' ')[0]: l for l in '\n'.join(await ask(alice, COMPONENT, 'list')).splitlines()}
        same = [l for l in lines[1:] if l.split(' ')[0] in listed]
        assert same and all(listed[l.split(' ')[0]] == l for l in same), (lines, listed)
        assert lines[1].startswith('T-') and '[critical] Haystack needle' in lines[1], lines
        r = await ask(alice, COMPONENT, '!search haystack needle page=2')
        assert r[0].splitlines()[0] == 'Matching threats, page 2 of 2:', r
        assert len(r[0].splitlines()) == 4, r
        r = await ask(alice, COMPONENT, 'search needle min=critical')
        assert r[0].startswith('Matching threats, page 1 of 1:'), r
        assert len(r[0].splitlines()) == 13 and all('[critical]' in l for l in r[0].splitlines()[1:]), r
        r = await ask(alice, COMPONENT, 'search needle status=identified,analyzed')
        assert 'page 1 of 2' in r[0], r
        r = await ask(alice, COMPONENT, 'search needle status=retired')
        assert r == ['No threat matches.'], r
        r = await ask(alice, COMPONENT, 'search abstract only')
        assert 'Unrelated' in r[0] and len(r[0].splitlines()) == 2, r
        # bad options: one line naming the option and the usage
        usage = 'usage: !search WORDS [min=PRIORITY] [status=STATUS,…] [page=N]'
        for body, problem in (('search needle min=severe', 'min: "severe" is not a priority'),
                              ('search needle status=open', 'status: "open" is not a status'),
                              ('search needle page=0', 'page: "0" is not a page number'),
                              ('search', 'Search for what?'),
                              ('search ' + 'w' * 201, 'words: 201 characters, the limit is 200')):
            r = await ask(alice, COMPONENT, body)
            assert len(r) == 1 and r[0].startswith(problem) and r[0].endswith(usage), (body, r)
        r = await ask(alice, COMPONENT, 'search needle page=9')
        assert r[0].startswith('There are only 2 pages.'), r
        # in the room, answered in the room
        await bob.join()
        await bob.wait_occupant('vigil')
        r = await ask(bob, ROOM, '!search haystack min=critical', 'groupchat')
        assert r[0].startswith('Matching threats, page 1 of 1:') and '[critical] Haystack' in r[0], r
        help_text = '\n'.join(await ask(bob, COMPONENT, 'help'))
        assert '!search WORDS [min=PRIORITY] [status=STATUS,…] [page=N] — ' in help_text, help_text
        r = await ask(bob, COMPONENT, 'frobnicate')
        assert '!search' in r[0], r
    finally:
        await alice.stop()
        await bob.stop()
        env.restart_vigil(**old)


async def test_every_command_in_room(env):
    """!list, !show, !history and !assess (by an assessor) are answered in the room"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        await bob.join()
        await bob.wait_occupant('vigil')
        tid = await file_threat(alice, name='Room commands', likelihood='low', damage='low')
        await wait_until(lambda: any(l.startswith(tid + ' "Room commands" filed')
                                     for l in room_lines(bob)), what='the filing announced')
        r = await ask(bob, ROOM, '!list', 'groupchat')
        assert r[0].startswith('Open threats, page 1 of'), r
        assert '%s [note] Room commands' % tid in '\n'.join(r), r
        shown = '\n'.join(await ask(bob, ROOM, '!show %s' % tid, 'groupchat'))
        assert '%s "Room commands" — priority note' % tid in shown, shown
        r = await ask(bob, ROOM, '!history %s' % tid, 'groupchat')
        assert r[0].startswith('History of %s' % tid) and 'r1 ' in r[0], r
        want = ('%s "Room commands": priority note → medium (likelihood high, damage low), '
                'assessed by bob@localhost' % tid)
        r = await ask(bob, ROOM, '!assess %s likelihood=high damage=low seen in the wild' % tid,
                      'groupchat', count=2)
        assert any('%s "Room commands": priority note → medium' % tid in l for l in r), r
        assert want in r, (want, r)
        values = form_values(command_of(await alice.command('show', fields={'id': tid})))
        assert (values['likelihood'], values['damage'], values['priority']) == \
            ('high', 'low', 'medium'), values
    finally:
        await alice.stop()
        await bob.stop()


async def test_never_answered(env):
    """no answer to an error message, to a groupchat with a delay, nor to the room's history"""
    carol = await connect(env.prosody, 'carol')
    try:
        # a direct message of type error: answering could start a loop
        start = len(carol.messages)
        carol.send_message(mto=COMPONENT, mbody='!help', mtype='error')
        r = await ask(carol, COMPONENT, '!help')  # stanzas stay in order: this one comes after
        assert len(helps(carol, start)) == 1, [m['body'][:40] for m in helps(carol, start)]
        assert len(r) == 1, r

        await carol.join()
        await carol.wait_occupant('vigil')
        # a groupchat message carrying an XEP-0203 delay (Prosody passes on a delay
        # that does not claim to be from the room)
        start = len(carol.messages)
        msg = carol.make_message(mto=ROOM, mbody='!help', mtype='groupchat')
        ET.SubElement(msg.xml, '{urn:xmpp:delay}delay', stamp='2026-01-01T00:00:00Z',
                      attrib={'from': 'carol@localhost'})
        msg.send()
        await wait_until(lambda: any(m['from'] == ROOM + '/carol' and
                                     m.xml.find('{urn:xmpp:delay}delay') is not None
                                     for m in carol.messages[start:]),
                         what='the echo of the delayed message')
        await sentinel(carol, room=True)
        assert not helps(carol, start), 'vigil answered a message with a delay'

        # the room's history: vigil joins without it and must not answer it either
        env.vigil.stop()
        await carol.wait_occupant('vigil', present=False)
        start = len(carol.messages)
        carol.send_message(mto=ROOM, mbody='!help', mtype='groupchat')
        await wait_until(lambda: any(m['from'] == ROOM + '/carol' and m['body'] == '!help'
                                     for m in carol.messages[start:]),
                         what='the room to take the !help')
        history = await connect(env.prosody, 'dave')
        try:  # the room does hold the message as history
            join = history.make_presence(pto=ROOM + '/dave')
            x = ET.SubElement(join.xml, '{http://jabber.org/protocol/muc}x')
            ET.SubElement(x, '{http://jabber.org/protocol/muc}history', maxstanzas='20')
            join.send()
            await wait_until(lambda: any(m['body'] == '!help' and m['type'] == 'groupchat' and
                                         m.xml.find('{urn:xmpp:delay}delay') is not None
                                         for m in history.messages),
                             what='the !help in the room history')
        finally:
            await history.stop()
        start = len(carol.messages)
        env.start_vigil()
        await carol.wait_occupant('vigil')
        await sentinel(carol, room=True)
        assert not helps(carol, start), 'vigil answered the room history'
        r = await ask(carol, ROOM, '!help', 'groupchat')
        assert len(helps(carol, start)) == 1, 'a live !help is answered once'
    finally:
        await carol.stop()
        if not env.vigil.running():
            env.start_vigil()


async def test_guided_filing_expires(env):
    """a guided filing left unanswered past commands.session_timeout expires; nothing is filed"""
    old = env.restart_vigil(commands__session_timeout=10)
    carol = await connect(env.prosody, 'carol', 'expiry')
    try:
        r = await ask(carol, COMPONENT, 'file', count=2)
        assert '(1/10) Name' in r[-1], r
        r = await ask(carol, COMPONENT, 'Expiring threat')
        assert '(2/10) Abstract' in r[0], r
        env.vigil.advance_clock(12)  # the session expires after its 10 s
        r = await ask(carol, COMPONENT, 'An abstract too late')
        assert 'expired' in r[0] and 'nothing was filed' in r[0], r
        r = await ask(carol, COMPONENT, 'yes')  # no dialogue any more: not a filing
        assert not any(l.startswith('Filed') for l in r), r
        el = ET.Element('{%s}pubsub' % NS_PUBSUB)
        ET.SubElement(el, '{%s}items' % NS_PUBSUB, node='threats')
        items = (await carol.iq(el)).xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
        names = [i[0].findtext('{%s}name' % NS_THREAT) for i in items]
        assert names and 'Expiring threat' not in names, names
    finally:
        await carol.stop()
        env.restart_vigil(**old)


async def test_two_resources_private(env):
    """two resources of one account filing at once never see each other's answers"""
    phone = await connect(env.prosody, 'alice', 'phone')
    laptop = await connect(env.prosody, 'alice', 'laptop')
    try:
        await ask(phone, COMPONENT, 'file', count=2)
        await ask(laptop, COMPONENT, 'file', count=2)
        rp = await ask(phone, COMPONENT, 'Phone secret name')
        rl = await ask(laptop, COMPONENT, 'Laptop secret name')
        assert '(2/10)' in rp[0] and '(2/10)' in rl[0], (rp, rl)
        rp = await ask(phone, COMPONENT, 'phone abstract')
        rl = await ask(laptop, COMPONENT, 'laptop abstract')
        assert '(3/10)' in rp[0] and '(3/10)' in rl[0], (rp, rl)
        for _ in range(8):
            rp = await ask(phone, COMPONENT, 'skip')
            rl = await ask(laptop, COMPONENT, 'skip')
        assert 'Phone secret name' in rp[0] and 'phone abstract' in rp[0], rp
        assert 'Laptop secret name' in rl[0] and 'laptop abstract' in rl[0], rl
        rp = await ask(phone, COMPONENT, 'yes')
        assert rp[0].startswith('Filed T-'), rp
        tid = rp[0].split()[1]
        rl = await ask(laptop, COMPONENT, 'cancel')
        assert rl[0] == 'Canceled: nothing was filed.', rl
        for client, other in ((phone, 'laptop'), (laptop, 'phone')):
            leaked = [m['body'] for m in client.messages if other in str(m['body']).lower()]
            assert not leaked, (client.boundjid.resource, leaked)
        values = form_values(command_of(await phone.command('show', fields={'id': tid})))
        assert (values['name'], values['abstract'], values['author']) == \
            ('Phone secret name', 'phone abstract', 'alice@localhost'), values
    finally:
        await phone.stop()
        await laptop.stop()


async def test_chat_assess_like_adhoc(env):
    """!assess publishes the same priority item and room line as the ad-hoc assess"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    carol = await connect(env.prosody, 'carol')
    el = ET.Element('{%s}pubsub' % NS_PUBSUB)
    ET.SubElement(el, '{%s}subscribe' % NS_PUBSUB, node='priority', jid='carol@localhost')
    try:
        assert (await carol.iq(el, itype='set'))['type'] == 'result'
        await carol.join()
        await carol.wait_occupant('vigil')
        by_adhoc = await file_threat(alice, name='Assessed by form', likelihood='medium',
                                    damage='medium')
        by_chat = await file_threat(alice, name='Assessed by chat', likelihood='medium',
                                   damage='medium')
        reply = await bob.command('assess', fields={'id': by_adhoc, 'likelihood': 'high',
                                                   'damage': 'medium', 'rationale': 'same'})
        assert command_of(reply).get('status') == 'completed', reply
        r = await ask(bob, COMPONENT, '!assess %s likelihood=high damage=medium same' % by_chat)
        assert 'priority medium → high' in r[0], r

        def change(tid):
            got = [p for p in priority_events(carol) if p.get('threat') == tid and
                   p.get('from') == 'medium']
            return got[-1] if got else None
        await wait_until(lambda: change(by_adhoc) is not None and change(by_chat) is not None,
                         what='both priority changes')
        seen = {}
        for tid, name in ((by_adhoc, 'Assessed by form'), (by_chat, 'Assessed by chat')):
            p = change(tid)
            assert p.tag == '{%s}priority-change' % NS_THREAT, p.tag
            seen[tid] = (p.get('from'), p.get('to'), p.get('by'), bool(p.get('at')),
                         p.findtext('{%s}name' % NS_THREAT) == name)
        assert seen[by_chat] == seen[by_adhoc] == ('medium', 'high', 'bob@localhost', True, True), \
            seen
        lines = {}
        for tid, name in ((by_adhoc, 'Assessed by form'), (by_chat, 'Assessed by chat')):
            want = ('%s "%s": priority medium → high (likelihood high, damage medium), '
                    'assessed by bob@localhost' % (tid, name))
            await wait_until(lambda: want in room_lines(carol), what='the room line ' + want)
            lines[tid] = [l for l in room_lines(carol) if l.startswith(tid + ' ')]
        assert len(lines[by_adhoc]) == len(lines[by_chat]) == 2, lines  # filed, assessed
    finally:
        el[0].tag = '{%s}unsubscribe' % NS_PUBSUB
        await carol.iq(el, itype='set')
        for c in (alice, bob, carol):
            await c.stop()


if __name__ == '__main__':
    run([test_help_in_room, test_file_in_room, test_direct_messages, test_assess_and_roles,
         test_bad_input, test_guided_filing, test_dialogues_are_private, test_private_message,
         test_consistent_with_adhoc, test_rate_limit, test_long_replies_split,
         # these need the non-anonymous room vigil creates: before test_anonymous_room
         test_every_command_in_room, test_never_answered, test_guided_filing_expires,
         test_two_resources_private, test_chat_assess_like_adhoc,
         test_search,  # its 24 threats fill !list's first page
         test_anonymous_room])
