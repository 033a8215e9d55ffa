# SPDX-License-Identifier: MIT
"""The SIG's discussion joins the register: mentions unfold,
replies become comments, assessments by consensus and a quorum.

With VIGIL_TRANSCRIPT=path the last test also writes the room transcript
and the show output it prints to that file."""
import asyncio
import os
import subprocess
import tempfile
import time

from harness import (COMPONENT, ET, ROOM, SERVER, SRCDIR, VIGIL_BIN, command_of, connect, file_threat,
                     form_lines, form_values, pubsub, run, sentinel)

NS_REPLY = 'urn:xmpp:reply:0'         # XEP-0461
NS_FALLBACK = 'urn:xmpp:fallback:0'   # XEP-0428
NS_SID = 'urn:xmpp:sid:0'             # XEP-0359
NS_DELAY = 'urn:xmpp:delay'           # XEP-0203
NS_PUBSUB = 'http://jabber.org/protocol/pubsub'
NS_THREAT = 'urn:vigil:threat:0'
VIGIL = ROOM + '/vigil'


def from_vigil(m):
    if m['type'] == 'groupchat':
        return m['from'].bare == ROOM and m['from'].resource.startswith('vigil')
    return m['from'].bare == COMPONENT


def room_lines(client, start=0):
    return [m['body'] for m in client.messages[start:] if m['type'] == 'groupchat' and from_vigil(m)]


async def said(client, start, predicate, what, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in client.messages[start:]:
            if m['type'] == 'groupchat' and from_vigil(m) and predicate(m['body']):
                return m
        await asyncio.sleep(0.05)
    raise AssertionError('vigil never said %s in the room (it said %s)' % (
        what, room_lines(client, start)))


async def ask(client, to, body, mtype='chat', count=1, timeout=10):
    """Sends body; returns the bodies of vigil's replies (at least count)."""
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


async def silent(client, body, extra=()):
    """Sends body to the room (with extra elements); asserts vigil says nothing."""
    start = len(client.messages)
    msg = client.make_message(mto=ROOM, mbody=body, mtype='groupchat')
    for el in extra:
        msg.append(el)
    msg.send()
    await sentinel(client, room=True)
    lines = [m['body'] for m in client.messages[start:] if from_vigil(m)]
    assert not lines, 'vigil answered %r: %s' % (body, lines)


async def in_room(env, *users):
    clients = []
    for user in users:
        c = await connect(env.prosody, user)
        await c.join()
        await c.wait_occupant('vigil')
        clients.append(c)
    return clients


async def stop(*clients):
    for c in clients:
        await c.stop()


async def test_mention_unfolds_once(env):
    """a mention of T-n unfolds once; again within chat.unfold_interval: silent"""
    alice, carol = await in_room(env, 'alice', 'carol')
    try:
        tid = await file_threat(alice, name='Dialback spoofing ✓ é 𝄞')
        start = len(carol.messages)
        carol.send_message(mto=ROOM, mbody='I think %s is worse than we thought' % tid,
                           mtype='groupchat')
        m = await said(carol, start, lambda b: b.startswith('%s "Dialback spoofing ✓ é 𝄞": priority'
                                                          % tid), 'the summary of ' + tid)
        assert m['body'] == '%s "Dialback spoofing ✓ é 𝄞": priority unassessed, identified' % tid, \
            m['body']
        await sentinel(carol, room=True)
        await silent(alice, 'yes, %s again, %s.' % (tid, tid))
        # unknown ids, ids inside words, commands and history stay silent
        await silent(carol, 'what about T-999 or XT-1 or T-1x?')
        # (Prosody passes on a delay that does not claim to be from the room)
        delay = ET.Element('{%s}delay' % NS_DELAY, stamp='2020-01-01T00:00:00Z',
                           attrib={'from': 'carol@localhost'})
        other = await file_threat(alice, name='Second')
        await sentinel(carol, room=True)
        await silent(carol, 'old talk about %s' % other, [delay])
    finally:
        await stop(alice, carol)


async def test_commands_and_off(env):
    """a command naming T-n is answered as a command, not unfolded; chat.unfold = false: silent"""
    alice, carol = await in_room(env, 'alice', 'carol')
    try:
        tid = await file_threat(alice, name='Named in a command')
        await sentinel(carol, room=True)
        start = len(carol.messages)
        r = await ask(carol, ROOM, '!history ' + tid, 'groupchat')
        assert len(r) == 1 and r[0].startswith('History of ' + tid), r
    finally:
        await stop(alice, carol)
    old = env.restart_vigil(**{'chat.unfold': 'false'})
    alice, carol = await in_room(env, 'alice', 'carol')
    try:
        await silent(carol, 'and %s, is it bad?' % tid)
    finally:
        await stop(alice, carol)
        env.restart_vigil(**old)


async def test_three_per_message(env):
    """at most three threats are unfolded per message"""
    alice, carol = await in_room(env, 'alice', 'carol')
    try:
        ids = [await file_threat(alice, name='Many %d' % i) for i in range(4)]
        await sentinel(carol, room=True)
        start = len(carol.messages)
        carol.send_message(mto=ROOM, mbody='compare ' + ', '.join(ids), mtype='groupchat')
        m = await said(carol, start, lambda b: b.startswith(ids[0] + ' '), 'the summaries')
        lines = m['body'].split('\n')
        assert [line.split(' ')[0] for line in lines] == ids[:3], lines
        await sentinel(carol, room=True)
        assert len(room_lines(carol, start)) == 1, room_lines(carol, start)
        # ids that name nothing are looked up too: a message of 10,000 of
        # them costs the register 10,000 reads unless a few are looked at
        # (talk.c: the first 16 ids a message names), so the known id after
        # them is not unfolded
        many = ' '.join('T-%d' % (500000 + i) for i in range(10000))
        start = len(carol.messages)
        carol.send_message(mto=ROOM, mbody=many + ' and ' + ids[3], mtype='groupchat')
        await sentinel(carol, room=True)
        assert not room_lines(carol, start), room_lines(carol, start)
    finally:
        await stop(alice, carol)


def reply_element(announcement):
    """<reply/> naming vigil's room message by its stanza-id, else its id (XEP-0461 §3)."""
    sid = announcement.xml.find('{%s}stanza-id' % NS_SID)
    ident = sid.get('id') if sid is not None and sid.get('by') == ROOM else announcement['id']
    assert ident, 'the announcement has an id to reply to'
    return ET.Element('{%s}reply' % NS_REPLY, to=VIGIL, id=ident)


async def announced(env, alice, carol, name):
    start = len(carol.messages)
    tid = await file_threat(alice, name=name)
    m = await said(carol, start, lambda b: b.startswith('%s "%s" filed by' % (tid, name)),
                   'the filing of ' + tid)
    return tid, m


async def comments_of(client, tid):
    r = await ask(client, COMPONENT, '!show ' + tid)
    return '\n'.join(r)


async def test_xep0461_reply(env):
    """a XEP-0461 reply to vigil's announcement becomes a comment on its threat"""
    alice, carol = await in_room(env, 'alice', 'carol')
    try:
        tid, ann = await announced(env, alice, carol, 'Replied to')
        quote = '> %s\n' % ann['body']
        body = quote + 'Seen in the wild ✓ 𝄞'
        msg = carol.make_message(mto=ROOM, mbody=body, mtype='groupchat')
        msg.append(reply_element(ann))
        fallback = ET.Element('{%s}fallback' % NS_FALLBACK, attrib={'for': NS_REPLY})
        ET.SubElement(fallback, '{%s}body' % NS_FALLBACK, start='0', end=str(len(quote)))
        msg.append(fallback)
        start = len(carol.messages)
        msg.send()
        m = await said(carol, start, lambda b: b.startswith('Comment #'), 'the comment kept')
        assert ('kept with %s "Replied to"' % tid) in m['body'], m['body']
        # without a fallback quote: the reply's id alone names the threat
        msg = carol.make_message(mto=ROOM, mbody='And patched upstream', mtype='groupchat')
        msg.append(reply_element(ann))
        start = len(carol.messages)
        msg.send()
        m = await said(carol, start, lambda b: b.startswith('Comment #'), 'the second comment')
        assert tid in m['body'], m['body']
        shown = await comments_of(carol, tid)
        assert 'Comments (2):' in shown, shown
        assert 'carol@localhost' in shown and 'Seen in the wild ✓ 𝄞' in shown, shown
        assert 'And patched upstream' in shown and '> ' not in shown.split('Comments')[1], shown
        # a reply to someone else is ordinary talk
        other = ET.Element('{%s}reply' % NS_REPLY, to=ROOM + '/alice', id='x')
        await silent(carol, 'I agree with alice', [other])
        # even when its fallback quotes alice's quote of vigil's line
        # (XEP-0461 §5): carol answered alice, not the register
        other = ET.Element('{%s}reply' % NS_REPLY, to=ROOM + '/alice', id='y')
        await silent(carol, '> > %s\n> the same at work\nAlice, which version?' % ann['body'], [other])
        shown = await comments_of(carol, tid)
        assert 'Comments (2):' in shown and 'which version' not in shown, shown
    finally:
        await stop(alice, carol)


async def test_quoted_reply(env):
    """a quote of vigil's announcement (XEP-0393 >) becomes a comment"""
    alice, dave = await in_room(env, 'alice', 'dave')
    try:
        tid, ann = await announced(env, alice, dave, 'Quoted')
        replies = await ask(dave, ROOM, '> %s\nThis one is real' % ann['body'], 'groupchat')
        assert replies[0].startswith('Comment #') and tid in replies[0], replies
        shown = await comments_of(dave, tid)
        assert 'dave@localhost' in shown and 'This one is real' in shown, shown
        # a quote of someone else's words is not a comment
        await silent(dave, '> lunch at noon?\nyes')
    finally:
        await stop(alice, dave)


async def assess(client, tid, likelihood, damage, rationale=''):
    r = await ask(client, COMPONENT, '!assess %s likelihood=%s damage=%s %s' % (
        tid, likelihood, damage, rationale))
    return r[0]


async def test_median_of_three(env):
    """three assessors: the median sets the priority, the room says how the group stands"""
    env.restart_vigil(**{'access.assessors': 'bob@localhost, carol@localhost, dave@localhost'})
    alice, bob, carol, dave = await in_room(env, 'alice', 'bob', 'carol', 'dave')
    try:
        tid = await file_threat(alice, name='Group assessed')
        await sentinel(alice, room=True)
        r = await assess(bob, tid, 'high', 'high', 'bob thinks so')
        assert 'priority unassessed → critical' in r, r
        r = await assess(carol, tid, 'high', 'medium')
        assert '1 of 2 assessors: critical' in r and 'priority stays critical' in r, r
        start = len(alice.messages)
        r = await assess(dave, tid, 'low', 'medium', 'not that likely')
        # likelihood: low, high, high -> high; damage: medium, medium, high -> medium
        assert '1 of 3 assessors: high' in r and 'priority critical → high' in r, r
        m = await said(alice, start, lambda b: b.startswith(tid + ' '), 'the assessment')
        assert m['body'] == ('%s "Group assessed": 1 of 3 assessors: high, assessors disagree '
                             '(two levels apart); priority critical → high (likelihood high, '
                             'damage medium), assessed by dave@localhost' % tid), m['body']
        shown = await comments_of(alice, tid)
        assert 'priority high (likelihood high, damage medium)' in shown, shown
        for line in ('bob@localhost: likelihood high, damage high', 'bob thinks so',
                     'carol@localhost: likelihood high, damage medium',
                     'dave@localhost: likelihood low, damage medium', 'Disagreement'):
            assert line in shown, (line, shown)
        # the ad-hoc show lists them too
        values = form_values(command_of(await alice.command('show', fields={'id': tid})))
        assert values.get('assessments', '').startswith(
            'Assessments: 1 of 3 assessors: high, assessors disagree'), values
        assert 'dave@localhost: likelihood low, damage medium' in values['assessments'], values
        # an assessor's latest assessment replaces their earlier one
        r = await assess(dave, tid, 'high', 'medium')
        assert '2 of 3 assessors: high' in r and 'disagree' not in r, r
    finally:
        await stop(alice, bob, carol, dave)


async def test_quorum(env):
    """assess.quorum = 2: one assessment leaves the threat unassessed, "1 of 2 assessments" """
    old = env.restart_vigil(**{'assess.quorum': 2,
                               'access.assessors': 'bob@localhost, carol@localhost'})
    alice, bob, carol = await in_room(env, 'alice', 'bob', 'carol')
    try:
        tid = await file_threat(alice, name='Held back')
        r = await assess(bob, tid, 'high', 'high')
        assert '1 of 2 assessments' in r and 'priority stays unassessed' in r, r
        shown = await comments_of(alice, tid)
        assert 'priority unassessed' in shown and 'Assessments (1 of 2 assessments)' in shown, shown
        start = len(alice.messages)
        r = await assess(carol, tid, 'high', 'high')
        assert '2 of 2 assessors: critical' in r and 'priority unassessed → critical' in r, r
        m = await said(alice, start, lambda b: b.startswith(tid + ' '), 'the assessment')
        assert '2 of 2 assessors: critical; priority unassessed → critical' in m['body'], m['body']
    finally:
        await stop(alice, bob, carol)
        env.restart_vigil(**old)


async def test_comments_and_delete(env):
    """!comment and the ad-hoc comment keep comments; a deleted one leaves its mark"""
    alice, carol, dave = await in_room(env, 'alice', 'carol', 'dave')
    try:
        tid = await file_threat(alice, name='Commented')
        r = await ask(carol, COMPONENT, '!comment %s Ümlaut ✓ 𝄞 matters' % tid)
        assert r[0].startswith('Comment #') and tid in r[0], r
        number = r[0].split(' ')[1]
        r = await ask(dave, COMPONENT, '!delete-comment ' + number)
        assert 'Only its author (carol@localhost) and admins may delete comment %s' % number in r[0], r
        r = await ask(carol, COMPONENT, '!delete-comment ' + number)
        assert r[0].startswith('Deleted comment %s on %s' % (number, tid)), r
        r = await ask(carol, COMPONENT, '!delete-comment ' + number)
        assert 'was deleted already, by carol@localhost' in r[0], r
        history = '\n'.join(await ask(carol, COMPONENT, '!history ' + tid))
        assert '%s carol@localhost' % number in history and 'deleted by carol@localhost' in history, history
        assert 'Ümlaut' not in history, history
        assert 'comment-deleted — comment %s deleted' % number in history, history
        # limits: 2,000 characters, counted as characters (4 bytes each here)
        r = await ask(carol, COMPONENT, '!comment %s %s' % (tid, '𝄞' * 2000))
        assert r[0].startswith('Comment #'), r[0][:200]
        r = await ask(carol, COMPONENT, '!comment %s %s' % (tid, '𝄞' * 2001))
        assert 'comment' in r[0] and '2,000' in r[0] and 'usage: !comment T-7 TEXT' in r[0], r[0][:300]
        r = await ask(carol, COMPONENT, '!comment %s' % tid)
        assert 'comment: required' in r[0], r
        r = await ask(carol, COMPONENT, '!comment T-999 hello')
        assert 'There is no threat T-999' in r[0], r
        # the ad-hoc command
        reply = await dave.command('comment', fields={'id': tid, 'comment': 'from a form é'})
        cmd = command_of(reply)
        assert cmd is not None and cmd.get('status') == 'completed', reply
        shown = await comments_of(dave, tid)
        assert 'from a form é' in shown and 'deleted by carol@localhost' in shown, shown
        values = form_values(command_of(await dave.command('show', fields={'id': tid})))
        assert values.get('comments', '').startswith('Comments: 3.'), values
        assert '#%s carol@localhost' % number[1:] in values['comments'], values
        # the ad-hoc history has the entries too: a comment, or its mark
        log = '\n'.join(form_lines(command_of(await dave.command('history', fields={'id': tid})),
                                    'revisions'))
        assert '%s deleted by carol@localhost' % number in log and ': from a form é' in log, log
        # the ad-hoc delete-comment
        reply = await carol.command('delete-comment', fields={'comment': '#999'})
        assert 'There is no comment #999' in str(reply), reply
        r = await ask(carol, COMPONENT, '!help')
        assert '!comment T-7 TEXT' in r[0] and '!delete-comment #3' in r[0], r
        # the PubSub item: how many comments, and the latest
        request = pubsub('items', node='threats')
        ET.SubElement(request.find('{%s}items' % NS_PUBSUB), '{%s}item' % NS_PUBSUB, id=tid)
        reply = await dave.iq(request)
        comments = reply.xml.find('.//{%s}threat/{%s}comments' % (NS_THREAT, NS_THREAT))
        assert comments is not None and comments.get('count') == '3', reply
        latest = comments.find('{%s}comment' % NS_THREAT)
        assert latest.text == 'from a form é' and latest.get('by') == 'dave@localhost', reply
    finally:
        await stop(alice, carol, dave)


async def test_transcript(env):
    """the room transcript: a mention unfolded, a reply kept as a comment, a consensus announced"""
    env.restart_vigil(**{'access.assessors': 'bob@localhost, carol@localhost, dave@localhost'})
    alice, bob, carol, dave = await in_room(env, 'alice', 'bob', 'carol', 'dave')
    try:
        start = len(alice.messages)
        tid, ann = await announced(env, alice, carol, 'S2S dialback spoofing')
        carol.send_message(mto=ROOM, mbody='%s is worse than we thought' % tid, mtype='groupchat')
        await said(alice, start, lambda b: b.startswith(tid + ' "S2S dialback spoofing": priority'),
                   'the unfolding')
        msg = dave.make_message(mto=ROOM, mbody='> %s\nSeen against two servers this week'
                                % ann['body'], mtype='groupchat')
        msg.append(reply_element(ann))
        msg.send()
        await said(alice, start, lambda b: b.startswith('Comment #'), 'the comment')
        await assess(bob, tid, 'high', 'medium', 'trivial with a rogue DNS')
        await assess(carol, tid, 'high', 'medium')
        await assess(dave, tid, 'low', 'low', 'needs a DNS attack first')
        await said(alice, start, lambda b: 'assessed by dave@localhost' in b, 'the consensus')
        await sentinel(alice, room=True)
        lines = []
        for m in alice.messages[start:]:
            if m['type'] == 'groupchat' and m['from'].bare == ROOM and \
                    not m['body'].startswith('sentinel '):
                lines.append('<%s> %s' % (m['from'].resource, m['body']))
        shown = await ask(alice, COMPONENT, '!show ' + tid)
        text = '--- room transcript (%s) ---\n%s\n--- !show %s ---\n%s\n' % (
            SERVER, '\n'.join(lines), tid, '\n'.join(shown))
        for line in text.splitlines():
            print('# ' + line)
        if os.environ.get('VIGIL_TRANSCRIPT'):
            with open(os.environ['VIGIL_TRANSCRIPT'], 'w') as f:
                f.write(text)
        assert any('assessors' in line for line in lines), lines
        # the exports list every assessment and the comments
        for fmt in ('markdown', 'html', 'xep'):
            p = subprocess.run([VIGIL_BIN, 'export', '-c', env.vigil.config, '--format', fmt],
                               capture_output=True, timeout=60)
            doc = p.stdout.decode('utf-8')
            assert p.returncode == 0, p.stderr
            for want in ('Assessments: 2 of 3 assessors: high', 'bob@localhost: likelihood high',
                         'dave@localhost: likelihood low, damage low',
                         'Seen against two servers this week'):
                assert want in doc, (fmt, want)
        with tempfile.NamedTemporaryFile('w', suffix='.xml', delete=False) as f:
            f.write(doc)
        try:
            p = subprocess.run(['xmllint', '--noout', '--dtdvalid',
                                os.path.join(SRCDIR, 'tests', 'data', 'xep.dtd'), f.name],
                               capture_output=True, timeout=60)
            assert p.returncode == 0, p.stderr
        finally:
            os.unlink(f.name)
    finally:
        await stop(alice, bob, carol, dave)


if __name__ == '__main__':
    run([test_mention_unfolds_once, test_commands_and_off, test_three_per_message, test_xep0461_reply, test_quoted_reply,
         test_median_of_three, test_quorum, test_comments_and_delete, test_transcript])
