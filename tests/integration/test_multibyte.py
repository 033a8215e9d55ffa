# SPDX-License-Identifier: MIT
"""Text of every UTF-8 length at every limit: names and values of
1-, 2-, 3- and 4-byte characters and combining sequences, at each length
around each limit and at every byte offset, filed, quoted back in errors,
announced, published, shown, listed, exported. Every stanza vigil sends is
checked as it leaves (VIGIL_CHECK_SENDS=1, set by the harness: well-formed,
valid UTF-8, at most 128 KiB); here we also check what arrives: each answer,
announcement and payload carries exactly the text sent, or a prefix of it
that ends with an ellipsis, and vigil is never dropped by the server."""
import html
import subprocess
import tempfile
import time

from harness import (COMPONENT, ROOM, VIGIL_BIN, Env, command_of, connect, error_of,
                     form_values, notes, pubsub, pubsub_events, run, sentinel, threat_rows,
                     wait_until)

NS_THREAT = 'urn:vigil:threat:0'
ELLIPSIS = '\u2026'

# one unit of each kind, as code points: the combining sequence is two
KINDS = {
    '1-byte': 'x',
    '2-byte': '\u00e9',
    '3-byte': '\u20ac',
    '4-byte': '\U0001F512',
    'combining': 'e\u0301',
}


def text_of(kind, length, prefix=0):
    """`prefix` ASCII letters, then units of `kind`, `length` code points in all
    (a combining sequence may end cut after its base letter: that is text too)."""
    units = KINDS[kind] * length
    return ('a' * prefix + units)[:length]


def valid_quote(quoted, sent):
    """A quote is what was sent, or a prefix of it ending with the ellipsis."""
    if quoted == sent:
        return True
    return quoted.endswith(ELLIPSIS) and sent.startswith(quoted[:-1])


def room_bodies(client):
    return [m['body'] for m in client.messages
            if m['type'] == 'groupchat' and m['from'].resource.startswith('vigil')]


def chat_bodies(client, start):
    return [m['body'] for m in client.messages[start:]
            if m['type'] == 'chat' and m['from'].bare == COMPONENT]


async def chat(client, body, count=1, timeout=10):
    start = len(client.messages)
    client.send_message(mto=COMPONENT, mbody=body, mtype='chat')
    await wait_until(lambda: len(chat_bodies(client, start)) >= count, timeout,
                     what='an answer to %r' % body[:40])
    await sentinel(client)  # and every other answer to it
    return chat_bodies(client, start)


def never_dropped(env, offset):
    """vigil's stream was never closed by the server since offset."""
    log = env.vigil.log_text()[offset:]
    for sign in ('stream error', 'connection to', 'reconnecting in'):
        assert sign not in log, 'vigil lost its stream (%s): %s' % (sign, log[-2000:])


async def test_names_at_the_limit(env):
    """names of each kind at 199, 200 and 201 characters, at every byte offset: filed or refused, never cut"""
    offset = len(env.vigil.log_text())
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    cases = 0
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        await carol.iq(pubsub('subscribe', node='threats', jid='carol@localhost'), itype='set')
        filed = {}
        for kind in KINDS:
            for prefix in range(4):  # a cut at 200 bytes falls at each byte offset in turn
                for length in (199, 200, 201):
                    name = text_of(kind, length, prefix)
                    reply = await alice.command('file', fields={'name': name, 'abstract': 'a'})
                    cmd = command_of(reply)
                    cases += 1
                    if length <= 200:
                        assert cmd.get('status') == 'completed', (kind, length, reply)
                        tid = form_values(cmd)['id']
                        filed[tid] = name
                        assert any(name in text for _, text in notes(cmd)), notes(cmd)
                    else:
                        assert cmd.get('status') == 'executing', (kind, length, reply)
                        assert any(t == 'error' and 'name: 201 characters, the limit is 200' in text
                                   for t, text in notes(cmd)), notes(cmd)
                        # the form comes back with the value kept, whole
                        assert form_values(cmd)['name'] == name
        # every filing announced in the room with the whole name, and published
        await wait_until(lambda: all(any('%s "%s" filed by' % (tid, name) in b
                                         for b in room_bodies(carol))
                                     for tid, name in filed.items()), 20,
                         what='the room announcements')
        await wait_until(lambda: len(pubsub_events(carol, 'threats')) >= len(filed), 20,
                         what='the notifications')
        for tid, payload in pubsub_events(carol, 'threats'):
            assert payload.find('{%s}name' % NS_THREAT).text == filed[tid], tid
        # show, the pickers and the list carry each name whole (or, in the list, shortened
        # between characters)
        for tid, name in list(filed.items())[:12]:
            reply = await alice.command('show', fields={'id': tid})
            assert form_values(command_of(reply))['name'] == name
        for node in ('show', 'edit', 'assess', 'history', 'retire'):
            reply = await alice.command(node)
            assert command_of(reply).get('status') == 'executing', (node, reply)
            cases += 1
        reply = await alice.command('list', fields={})
        for row in threat_rows(command_of(reply)):
            assert valid_quote(row['name'], filed[row['id']]), row
        cases += len(filed)
        # items by id, each once however often it is named, and the whole node
        items = ET_items(['T-1'] * 50 + list(filed)[:5])
        reply = await alice.iq(items)
        got = [i.get('id') for i in reply.xml.iter('{http://jabber.org/protocol/pubsub}item')]
        assert len(got) == len(set(got)) and 'T-1' in got, got
        never_dropped(env, offset)
    finally:
        await alice.stop()
        await carol.stop()
    return '%d filings and reads' % cases


def ET_items(ids):
    el = pubsub('items', node='threats')
    items = el.find('{http://jabber.org/protocol/pubsub}items')
    for i in ids:
        child = items.makeelement('{http://jabber.org/protocol/pubsub}item', {'id': i})
        items.append(child)
    return el


async def test_long_fields_at_the_limit(env):
    """abstract (2,000) and definition (16,000) of each kind at the limit and one over"""
    offset = len(env.vigil.log_text())
    alice = await connect(env.prosody, 'alice')
    cases = 0
    try:
        for var, limit in (('abstract', 2000), ('definition', 16000)):
            for kind in KINDS:
                for length in (limit, limit + 1):
                    value = text_of(kind, length, 1)
                    fields = {'name': 'Long %s %s %d' % (var, kind, length), 'abstract': 'a'}
                    fields[var] = value
                    reply = await alice.command('file', fields=fields)
                    cmd = command_of(reply)
                    cases += 1
                    if length == limit:
                        assert cmd.get('status') == 'completed', (var, kind, notes(cmd))
                        tid = form_values(cmd)['id']
                        shown = form_values(command_of(await alice.command(
                            'show', fields={'id': tid})))
                        assert shown[var] == value, (var, kind)
                    else:
                        assert any('%s: %s characters, the limit is %s' % (
                            var, format(length, ','), format(limit, ',')) in text
                                   for _, text in notes(cmd)), notes(cmd)
        never_dropped(env, offset)
    finally:
        await alice.stop()
    return '%d filings' % cases


async def test_quoted_errors(env):
    """error replies quote what was sent by characters: chat commands, ids, form values, the dialogue"""
    offset = len(env.vigil.log_text())
    alice = await connect(env.prosody, 'alice')
    cases = 0
    try:
        tid = form_values(command_of(await alice.command(
            'file', fields={'name': 'Quoted', 'abstract': 'a'})))['id']
        for kind in KINDS:
            for prefix in range(4):
                for length in (39, 40, 41, 60):
                    word = text_of(kind, length, prefix)
                    # an unknown chat command, and !show of something that is no id
                    body = (await chat(alice, word))[0]
                    quoted = body.split('"')[1]
                    assert valid_quote(quoted, word), (kind, length, body)
                    body = (await chat(alice, 'show ' + word))[0]
                    assert valid_quote(body.split('"')[1], word), (kind, length, body)
                    cases += 2
            # a bad choice in a form and a bad id, quoted in the note
            word = text_of(kind, 45, 1)
            reply = await alice.command('file', fields={'name': 'n', 'abstract': 'a',
                                                        'likelihood': word})
            texts = [t for ty, t in notes(command_of(reply)) if ty == 'error']
            assert texts and valid_quote(texts[0].split('"')[1], word), texts
            reply = await alice.command('show', fields={'id': word})
            texts = [t for ty, t in notes(command_of(reply)) if ty == 'error']
            assert texts and valid_quote(texts[0].split('"')[1], word), texts
            reply = await alice.command('list', fields={'min-priority': word})
            texts = [t for ty, t in notes(command_of(reply)) if ty == 'error']
            assert texts and valid_quote(texts[0].split('"')[1], word), texts
            # a chat assessment with a bad likelihood
            body = (await chat(alice, 'assess %s likelihood=%s damage=high' % (tid, word[:12])))[0]
            assert valid_quote(body.split('"')[1], word[:12]), body
            cases += 4
        # the guided dialogue: a long answer is summarised by characters
        await chat(alice, 'file')
        long_name = text_of('combining', 200, 1)
        await chat(alice, long_name)
        await chat(alice, text_of('4-byte', 2000))
        for _ in range(2):
            await chat(alice, 'skip')
        body = (await chat(alice, text_of('2-byte', 30)))[0]  # not a likelihood
        assert valid_quote(body.split('"')[1], text_of('2-byte', 30)), body
        for answer in ('high', 'high', 'skip', 'skip', 'skip'):
            await chat(alice, answer)
        summary = '\n'.join(await chat(alice, 'skip'))  # the last field: the summary follows
        assert 'Summary of the new threat' in summary, summary
        lines = {line.split(': ', 1)[0]: line.split(': ', 1)[1]
                 for line in summary.splitlines() if ': ' in line}
        # 200 code points, but 101 characters as a reader counts them: whole
        assert lines['Name'] == long_name, lines
        assert lines['Abstract'] == text_of('4-byte', 119) + ELLIPSIS, lines
        await chat(alice, 'cancel')
        cases += 2
        never_dropped(env, offset)
    finally:
        await alice.stop()
    return '%d quoted errors' % cases


async def test_exports(env):
    """the XEP, HTML and Markdown exports of all of it are valid UTF-8, the XEP well-formed"""
    cases = 0
    for fmt in ('xep', 'html', 'markdown'):
        with tempfile.NamedTemporaryFile(suffix='.' + fmt) as f:
            p = subprocess.run([VIGIL_BIN, 'export', '-c', env.vigil.config, '--format', fmt,
                                '-o', f.name], capture_output=True, timeout=120)
            assert p.returncode == 0, p.stderr
            data = open(f.name, 'rb').read()
            text = data.decode('utf-8')  # raises on a cut character
            if fmt == 'html':
                text = html.unescape(text)  # libxml2 may write character references
            assert text_of('4-byte', 200, 3) in text, fmt  # names whole
            if fmt == 'xep':
                p = subprocess.run(['xmllint', '--noout', f.name], capture_output=True)
                assert p.returncode == 0, p.stderr[:2000]
            cases += 1
    return '%d documents' % cases


if __name__ == '__main__':
    run([test_names_at_the_limit, test_long_fields_at_the_limit, test_quoted_errors, test_exports],
        env_factory=lambda: Env({'chat.rate_per_minute': 6000}))
