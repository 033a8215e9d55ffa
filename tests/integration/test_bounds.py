# SPDX-License-Identifier: MIT
"""Replies that list things are bounded by construction: a threat's
history comes in pages, a chat reply in at most eight messages and a note, a
list page of the longest names stays small (doc/SECURITY.md, "The bounds").
Each test prints its largest reply as a "# figure:" line."""
import sqlite3
import sys

from harness import (COMPONENT, Env, command_of, connect, form_values, notes, revision_rows,
                     run, threat_rows, wait_until)

LIMIT = 128 * 1024
LOCK = '\U0001F512'


def size_of(stanza):
    return len(str(stanza).encode('utf-8'))


def figure(name, value):
    print('# figure: %s = %s' % (name, value))
    sys.stdout.flush()


async def long_history(alice, bob, revisions):
    """A threat whose every revision carries a 2,000-character rationale of
    4-byte characters (8 KB each): its whole history is megabytes."""
    reply = await alice.command('file', fields={'name': 'Much discussed', 'abstract': 'a'})
    tid = form_values(command_of(reply))['id']
    levels = ('high', 'low')
    for i in range(revisions - 1):
        first = await bob.command('assess', fields={'id': tid})
        reply = await bob.command('assess', action='complete',
                                  sessionid=command_of(first).get('sessionid'),
                                  fields={'likelihood': levels[i % 2], 'damage': 'medium',
                                          'rationale': LOCK * 2000})
        assert command_of(reply).get('status') == 'completed', notes(command_of(reply))
    return tid


async def test_history_pages(env):
    """a history of 120 revisions of 8 KB comes in pages under 128 KiB; next and prev walk it"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        tid = await long_history(alice, bob, 120)
        reply = await alice.command('history', fields={'id': tid})
        cmd = command_of(reply)
        seen, largest, pages = [], 0, 0
        while True:
            largest = max(largest, size_of(reply))
            pages += 1
            rows = revision_rows(cmd)
            assert rows, reply
            # each line keeps 200 characters of its 2,000-character rationale
            assert all(r['note'] == LOCK * 199 + '\u2026' for r in rows if r['note']), rows[-1]
            seen += [int(r['revision']) for r in rows]
            said = 'revisions %d–%d of 120 of %s.' % (int(rows[0]['revision']),
                                                      int(rows[-1]['revision']), tid)
            # in the note and in the `note` field: several clients drop notes
            assert ('info', said) in notes(cmd) and form_values(cmd)['note'] == said, notes(cmd)
            assert len(rows) == 50 or rows[-1]['revision'] == '120', len(rows)  # list_page
            if cmd.get('status') == 'completed' or cmd.find(
                    '{http://jabber.org/protocol/commands}actions/'
                    '{http://jabber.org/protocol/commands}next') is None:
                break
            reply = await alice.command('history', action='next', sessionid=cmd.get('sessionid'))
            cmd = command_of(reply)
        assert seen == list(range(1, 121)), seen
        assert largest < LIMIT and pages > 1, (largest, pages)
        # back one page from the last: the revisions just before it
        last_first = int(revision_rows(cmd)[0]['revision'])
        reply = await alice.command('history', action='prev', sessionid=cmd.get('sessionid'))
        rows = revision_rows(command_of(reply))
        assert int(rows[-1]['revision']) == last_first - 1, rows[-1]
        reply = await alice.command('history', action='cancel',
                                    sessionid=command_of(reply).get('sessionid'))
        figure('largest history page (bytes)', largest)
        figure('history pages for 120 revisions of 8 KB', pages)
        # a short history stays one completed answer
        short = form_values(command_of(await alice.command(
            'file', fields={'name': 'Quiet', 'abstract': 'a'})))['id']
        reply = await alice.command('history', fields={'id': short})
        assert command_of(reply).get('status') == 'completed', reply
        return '%d pages, the largest %d bytes' % (pages, largest)
    finally:
        await alice.stop()
        await bob.stop()


async def test_chat_history_capped(env):
    """!history of the same threat: at most 8 messages under 128 KiB and a note saying the rest is left out"""
    alice = await connect(env.prosody, 'alice')
    try:
        start = len(alice.messages)
        alice.send_message(mto=COMPONENT, mbody='history T-1', mtype='chat')

        def answers():
            return [m for m in alice.messages[start:]
                    if m['type'] == 'chat' and m['from'].bare == COMPONENT]
        await wait_until(lambda: any('The rest is left out' in m['body'] for m in answers()),
                         what='the note that closes a capped reply')
        got = answers()
        assert len(got) == 9, len(got)
        largest = max(size_of(m) for m in got)
        assert largest < LIMIT, largest
        figure('largest chat message (bytes)', largest)
        return '%d messages, the largest %d bytes' % (len(got), largest)
    finally:
        await alice.stop()


async def test_list_page_of_long_names(env):
    """a list page of 100 threats with 200-character names that all need escaping stays under 128 KiB"""
    old = env.restart_vigil(commands__list_page=100)
    alice = await connect(env.prosody, 'alice')
    try:
        for i in range(100):
            reply = await alice.command('file', fields={'name': '&' * 196 + '%04d' % i,
                                                        'abstract': 'a'})
            assert command_of(reply).get('status') == 'completed'
        reply = await alice.command('list', fields={})
        rows = threat_rows(command_of(reply))
        size = size_of(reply)
        assert len(rows) == 100 and size < LIMIT, (len(rows), size)
        assert all(r['name'] == '&' * 99 + '\u2026' for r in rows if r['name'].startswith('&')), \
            rows[0]
        figure('list page of 100 escaped 200-character names (bytes)', size)
        return '%d bytes' % size
    finally:
        await alice.stop()
        env.restart_vigil(**old)


async def test_line_breaks_count(env):
    """every line of a text-multi field is a <value/>: texts made of line breaks are held to the same 128 KiB"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        # 8,000 line breaks, 120 KB as the lines of a form (a field may have at
        # most 4,096 lines: forms.c's MAX_VALUES; a text at most 1,000 lines,
        # TEMPLATE_MAX_LINES)
        fields = {'name': 'Lines', 'abstract': 'a', 'definition': 'x' + '\n' * 4000,
                  'gap': 'x' + '\n' * 4000}
        reply = await alice.command('file', fields=fields)
        cmd = command_of(reply)
        assert cmd.get('status') == 'executing' and size_of(reply) < LIMIT, size_of(reply)
        assert 'definition: 4,001 lines, the limit is 1,000' in \
            ' '.join(t for _, t in notes(cmd)), notes(cmd)
        shown = cmd.find("{jabber:x:data}x/{jabber:x:data}field[@var='definition']")
        assert len(shown.findall('{jabber:x:data}value')) == 1000, \
            'the form shown again holds the first 1,000 lines'
        # as many as allowed in every long text are filed (75 KB as lines),
        # and every form showing them stays small
        lines = 'x' + '\n' * 999
        reply = await alice.command('file', fields={
            'name': 'Lines', 'abstract': 'a', 'definition': lines, 'existing-approaches': lines,
            'gap': lines, 'potential-approaches': lines, 'recommended-approach': lines})
        tid = form_values(command_of(reply))['id']
        largest = 0
        for node in ('show', 'edit'):
            reply = await alice.command(node, fields={'id': tid})
            largest = max(largest, size_of(reply))
        # rationales of "&" and line breaks: the history's pages still fit
        for i in range(10):
            first = await bob.command('assess', fields={'id': tid})
            reply = await bob.command('assess', action='complete',
                                      sessionid=command_of(first).get('sessionid'),
                                      fields={'likelihood': ('high', 'low')[i % 2],
                                              'damage': 'low', 'rationale': '&\n' * 1000})
            assert command_of(reply).get('status') == 'completed', notes(command_of(reply))
        reply = await alice.command('history', fields={'id': tid})
        while True:
            largest = max(largest, size_of(reply))
            cmd = command_of(reply)
            if cmd.find('{http://jabber.org/protocol/commands}actions/'
                        '{http://jabber.org/protocol/commands}next') is None:
                break
            reply = await alice.command('history', action='next', sessionid=cmd.get('sessionid'))
        assert largest < LIMIT, largest
        figure('largest reply with line-break texts (bytes)', largest)
        return '%d bytes' % largest
    finally:
        await alice.stop()
        await bob.stop()


async def test_show_many_assessors(env):
    """the ad-hoc show of a threat assessed by 300 assessors (as an import may bring) stays under 128 KiB"""
    alice = await connect(env.prosody, 'alice')
    try:
        reply = await alice.command('file', fields={'name': 'Crowded', 'abstract': 'a'})
        tid = form_values(command_of(reply))['id']
        # what the assessors said, written beside the running daemon: each
        # rationale of "&" and line breaks is 400 characters in a show
        con = sqlite3.connect(env.vigil.db, timeout=10)
        with con:
            con.executemany(
                "INSERT INTO assessments (threat_id, assessor, likelihood, damage, rationale, at)"
                " VALUES (?, ?, 'high', 'low', ?, '2026-01-01T00:00:00Z')",
                [(int(tid[2:]), 'assessor%03d@localhost' % i, '&\n' * 1000) for i in range(300)])
        con.close()
        reply = await alice.command('show', fields={'id': tid})
        cmd = command_of(reply)
        assert cmd.get('status') == 'completed', reply
        size = size_of(reply)
        assert size < LIMIT, size
        shown = form_values(cmd).get('assessments', '')
        assert '300 assessors' in shown, shown[:300]
        figure('show with 300 assessments (bytes)', size)
        return '%d bytes' % size
    finally:
        await alice.stop()


if __name__ == '__main__':
    run([test_history_pages, test_chat_history_capped, test_list_page_of_long_names,
         test_line_breaks_count, test_show_many_assessors],
        env_factory=lambda: Env({'chat.rate_per_minute': 6000}))
