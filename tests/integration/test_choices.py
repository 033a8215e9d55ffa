# SPDX-License-Identifier: MIT
"""Forms as the clients people use draw them: every choice has a
non-empty value ("unassessed" for not assessed, the default), results carry
values rather than empty drop-downs, `list` answers its first page at once
(filters in `search`), listings come as lines of text. Every form vigil sends is
also checked against XEP-0004's and XEP-0050's schemas by the harness."""
from harness import (COMPONENT, NS_DATA, command_of, connect, form_lines, form_values, notes,
                     revision_rows, run, threat_rows, wait_until)

CHOICES = ('likelihood', 'damage')


def fields_of(cmd):
    x = cmd.find('{%s}x' % NS_DATA)
    return {} if x is None else {f.get('var'): f for f in x.findall('{%s}field' % NS_DATA)}


def options_of(field):
    return [o.findtext('{%s}value' % NS_DATA) for o in field.findall('{%s}option' % NS_DATA)]


def echo(cmd, **change):
    """What a client that leaves every field as shown submits, with changes."""
    values = form_values(cmd)
    values.update(change)
    return values


async def stages(client, node, tid):
    """The forms a command shows: its first stage and, for two-stage
    commands, the second one for threat tid."""
    first = command_of(await client.command(node))
    out = [first]
    if node in ('edit', 'assess'):
        out.append(command_of(await client.command(node, action='next',
                                                   sessionid=first.get('sessionid'),
                                                   fields={'id': tid})))
    for cmd in out:
        await client.command(node, action='cancel', sessionid=cmd.get('sessionid'))
    return out


async def test_every_option_has_a_value(env):
    """no option of any form has an empty value; likelihood and damage start on unassessed"""
    alice = await connect(env.prosody, 'alice')
    try:
        tid = form_values(command_of(await alice.command(
            'file', fields={'name': 'Options', 'abstract': 'a'})))['id']
        seen = 0
        for node in ('file', 'edit', 'assess', 'search', 'show', 'history', 'retire'):
            for cmd in await stages(alice, node, tid):
                for var, field in fields_of(cmd).items():
                    for value in options_of(field):
                        assert value, (node, var, 'an option without a value')
                        seen += 1
                    if var in CHOICES:
                        assert options_of(field)[0] == 'unassessed', (node, options_of(field))
                        assert form_values(cmd)[var] == 'unassessed', (node, form_values(cmd))
        assert form_values((await stages(alice, 'search', tid))[0])['min-priority'] == 'any'
        return '%d options' % seen
    finally:
        await alice.stop()


async def test_untouched_choices_file_unassessed(env):
    """a filing that leaves the drop-downs as shown is unassessed, not critical"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        form = command_of(await alice.command('file'))
        reply = await alice.command('file', action='complete', sessionid=form.get('sessionid'),
                                    fields=echo(form, name='Left alone', abstract='untouched'))
        cmd = command_of(reply)
        assert cmd.get('status') == 'completed', notes(cmd)
        tid = form_values(cmd)['id']
        assert form_values(cmd)['priority'] == 'unassessed', form_values(cmd)
        await wait_until(lambda: any('%s "Left alone" filed by alice@localhost: priority unassessed'
                                     % tid in (m['body'] or '') for m in carol.messages),
                         what='the announcement')
        shown = form_values(command_of(await alice.command('show', fields={'id': tid})))
        assert (shown['likelihood'], shown['damage'], shown['priority']) == \
            ('unassessed', 'unassessed', 'unassessed'), shown
        # an empty value is still read the same (PROTOCOL.md §3)
        cmd = command_of(await alice.command('file', fields={'name': 'Empty', 'abstract': 'a',
                                                             'likelihood': '', 'damage': ''}))
        assert form_values(cmd)['priority'] == 'unassessed', notes(cmd)
        # and a chosen one is kept
        cmd = command_of(await alice.command('file', fields={'name': 'Chosen', 'abstract': 'a',
                                                             'likelihood': 'high',
                                                             'damage': 'low'}))
        assert form_values(cmd)['priority'] == 'medium', notes(cmd)
    finally:
        await alice.stop()
        await carol.stop()


async def test_unassessed_everywhere(env):
    """unassessed is accepted by assess, edit and the chat command"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        tid = form_values(command_of(await alice.command(
            'file', fields={'name': 'Back and forth', 'abstract': 'a', 'likelihood': 'high',
                            'damage': 'high'})))['id']
        first = command_of(await bob.command('assess', fields={'id': tid}))
        assert form_values(first)['likelihood'] == 'high', form_values(first)
        cmd = command_of(await bob.command('assess', action='complete',
                                           sessionid=first.get('sessionid'),
                                           fields={'likelihood': 'unassessed', 'damage': 'high'}))
        assert cmd.get('status') == 'completed', notes(cmd)
        assert 'priority critical → unassessed' in ' '.join(t for _, t in notes(cmd)), notes(cmd)
        start = len(bob.messages)
        bob.send_message(mto=COMPONENT, mbody='assess %s likelihood=low damage=unassessed' % tid,
                         mtype='chat')
        await wait_until(lambda: [m for m in bob.messages[start:] if m['from'].bare == COMPONENT],
                         what='the chat answer')
        answer = [m['body'] for m in bob.messages[start:] if m['from'].bare == COMPONENT][0]
        assert 'likelihood low, damage not assessed' in answer, answer
        edit = command_of(await alice.command('edit', fields={'id': tid}))
        assert form_values(edit)['damage'] == 'unassessed', form_values(edit)
        cmd = command_of(await alice.command('edit', action='complete',
                                             sessionid=edit.get('sessionid'),
                                             fields=echo(edit, likelihood='unassessed')))
        assert cmd.get('status') == 'completed', notes(cmd)
        shown = form_values(command_of(await alice.command('show', fields={'id': tid})))
        assert shown['priority'] == 'unassessed', shown
    finally:
        await alice.stop()
        await bob.stop()


async def test_results_are_values(env):
    """results use types that show a value: no list-single without options"""
    alice = await connect(env.prosody, 'alice')
    try:
        tid = form_values(command_of(await alice.command(
            'file', fields={'name': 'Values', 'abstract': 'a', 'likelihood': 'low'})))['id']
        cmd = command_of(await alice.command('show', fields={'id': tid}))
        types = {var: f.get('type') for var, f in fields_of(cmd).items()}
        for var in ('likelihood', 'damage', 'status', 'priority', 'id'):
            assert types[var] == 'text-single', (var, types[var])
        assert form_values(cmd)['status'] == 'identified'
        for var, field in fields_of(cmd).items():
            assert field.get('type') != 'list-single' or options_of(field), var
    finally:
        await alice.stop()


async def test_list_at_once_and_search(env):
    """`list` answers the open threats at once; `search` asks for filters; the last page offers prev"""
    alice = await connect(env.prosody, 'alice')
    try:
        cmd = command_of(await alice.command('list'))
        rows = threat_rows(cmd)  # lines of `threats`, no multi-item table
        assert rows and all(r['status'] != 'retired' for r in rows), rows
        assert all(r['priority'] in ('unassessed', 'note', 'low', 'medium', 'high', 'critical')
                   for r in rows), rows
        first = command_of(await alice.command('search'))
        assert 'threats' not in fields_of(first) and 'min-priority' in fields_of(first), first
        cmd = command_of(await alice.command('search', action='complete',
                                             sessionid=first.get('sessionid'),
                                             fields=echo(first, text='Values')))
        assert [r['name'] for r in threat_rows(cmd)] == ['Values'], threat_rows(cmd)
        assert cmd.get('status') == 'completed', 'one page: done'
        assert form_values(cmd)['note'] == 'items 1–1 of 1', form_values(cmd)
    finally:
        await alice.stop()


async def test_history_as_text(env):
    """history carries its revisions as the lines of `revisions`, one a revision, line breaks flattened"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        tid = form_values(command_of(await alice.command(
            'file', fields={'name': 'Told', 'abstract': 'a'})))['id']
        first = command_of(await bob.command('assess', fields={'id': tid}))
        await bob.command('assess', action='complete', sessionid=first.get('sessionid'),
                          fields={'likelihood': 'low', 'damage': 'low', 'rationale': 'why\nnot'})
        cmd = command_of(await alice.command('history', fields={'id': tid}))
        assert notes(cmd) == [('info', '2 revisions of %s.' % tid)], notes(cmd)
        assert form_values(cmd)['note'] == '2 revisions of %s.' % tid, form_values(cmd)
        lines = form_lines(cmd, 'revisions')
        assert len(lines) == 2, lines
        assert lines[0].startswith('r1 ') and lines[0].endswith('alice@localhost: filed'), lines
        assert lines[1].startswith('r2 ') and 'bob@localhost: likelihood, damage' in lines[1] \
            and lines[1].endswith('— why not'), lines
        assert [r['note'] for r in revision_rows(cmd)] == ['', 'why not'], revision_rows(cmd)
    finally:
        await alice.stop()
        await bob.stop()


if __name__ == '__main__':
    run([test_every_option_has_a_value, test_untouched_choices_file_unassessed,
         test_unassessed_everywhere, test_results_are_values, test_list_at_once_and_search,
         test_history_as_text])
