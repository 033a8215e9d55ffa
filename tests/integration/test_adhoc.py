# SPDX-License-Identifier: MIT
"""The register over XEP-0050 ad-hoc commands."""

from slixmpp.xmlstream import ET

from harness import (NS_COMMANDS, NS_DATA, NS_THREAT, command_of, connect, error_of, form_values,
                     notes, revision_rows, run, threat_rows)
from sample_threats import TREE

NASTY = "Dialback <spoofing> & ]]> 'quotes' \"double\" \U0001F512 '; DROP TABLE threats; -- %_"
FULL = {
    'name': NASTY,
    'abstract': 'An attacker forges XEP-0220 dialback keys.\nSecond line & <markup>',
    'definition': 'A long definition.\n\n  indented ]]> line',
    'attack-tree': TREE,
    'likelihood': 'medium',
    'damage': 'high',
    'existing-approaches': 'XEP-0220 and XEP-0178; see also XEP-9999.',
    'gap': 'Dialback without DNSSEC.',
    'potential-approaches': 'POSH (XEP-0288)? DANE.',
    'recommended-approach': 'do nothing at this time',
}


def status_of(reply):
    return command_of(reply).get('status')



def actions_of(cmd):
    """(default action, {offered actions}) of a command response."""
    actions = cmd.find('{%s}actions' % NS_COMMANDS)
    if actions is None:
        return None
    return actions.get('execute'), {a.tag.split('}')[1] for a in actions}

async def file_threat(client, fields):
    """Single-stage file (execute + submit without a session): returns the id."""
    reply = await client.command('file', fields=fields)
    assert status_of(reply) == 'completed', reply
    return form_values(command_of(reply))['id']


async def test_file_full_template(env):
    """file: the form has every template field; a full submission completes with id and priority"""
    alice = await connect(env.prosody, 'alice')
    try:
        reply = await alice.command('file')
        cmd = command_of(reply)
        assert cmd.get('status') == 'executing', reply
        form = cmd.find('{jabber:x:data}x')
        vars_ = [f.get('var') for f in form.findall('{jabber:x:data}field')]
        assert vars_ == ['FORM_TYPE', 'name', 'abstract', 'definition', 'attack-tree', 'likelihood',
                         'damage', 'existing-approaches', 'gap', 'potential-approaches',
                         'recommended-approach'], vars_
        name = form.find("{jabber:x:data}field[@var='name']")
        assert name.get('label') and name.find('{jabber:x:data}desc') is not None
        assert name.find('{jabber:x:data}required') is not None
        actions = cmd.find('{http://jabber.org/protocol/commands}actions')
        assert actions is not None and actions.get('execute') == 'complete', reply
        reply = await alice.command('file', action='complete', sessionid=cmd.get('sessionid'),
                                    fields=FULL)
        cmd = command_of(reply)
        assert cmd.get('status') == 'completed', reply
        values = form_values(cmd)
        assert values['id'] == 'T-1' and values['priority'] == 'high', values
        text = ' '.join(t for _, t in notes(cmd))
        assert 'XEP-0220 (Server Dialback' in text and 'XEP-9999 (unknown XEP)' in text, text
    finally:
        await alice.stop()


async def test_show_byte_for_byte(env):
    """show: every field comes back byte for byte, with author, dates and the tree's evaluation"""
    carol = await connect(env.prosody, 'carol')
    try:
        reply = await carol.command('show', fields={'id': 'T-1'})
        assert status_of(reply) == 'completed', reply
        values = form_values(command_of(reply))
        for var, value in FULL.items():
            assert values[var] == value, (var, values[var], value)
        assert values['priority'] == 'high' and values['author'] == 'alice@localhost', values
        assert values['status'] == 'identified' and values['revision'] == '1', values
        assert 'possible' in values['evaluation'] and '1000' in values['evaluation'], values
        assert 'Strip STARTTLS' in values['evaluation'], values['evaluation']
    finally:
        await carol.stop()


async def test_assess(env):
    """assess (bob, assessor): two stages, the note says old → new priority"""
    bob = await connect(env.prosody, 'bob')
    try:
        reply = await bob.command('assess')
        cmd = command_of(reply)
        assert cmd.get('status') == 'executing'
        sid = cmd.get('sessionid')
        reply = await bob.command('assess', action='next', sessionid=sid, fields={'id': 'T-1'})
        cmd = command_of(reply)
        values = form_values(cmd)
        assert values['likelihood'] == 'medium' and values['damage'] == 'high', values
        reply = await bob.command('assess', action='complete', sessionid=sid,
                                  fields={'likelihood': 'high', 'damage': 'high',
                                          'rationale': 'Seen in the wild.'})
        cmd = command_of(reply)
        assert cmd.get('status') == 'completed', reply
        text = ' '.join(t for _, t in notes(cmd))
        assert 'high → critical' in text, text
    finally:
        await bob.stop()


async def test_edit_and_stale(env):
    """edit by the author; an edit made on a stale revision is refused and nothing is lost"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        a = command_of(await alice.command('edit'))
        a = command_of(await alice.command('edit', action='next', sessionid=a.get('sessionid'),
                                           fields={'id': 'T-1'}))
        values = form_values(a)
        assert values['revision'] == '2' and values['name'] == NASTY, values
        b = command_of(await bob.command('edit'))
        b = command_of(await bob.command('edit', action='next', sessionid=b.get('sessionid'),
                                         fields={'id': 'T-1'}))
        edited = dict(values, gap='Dialback without DNSSEC, and without TLS.')
        del edited['FORM_TYPE']
        a = command_of(await alice.command('edit', action='complete', sessionid=a.get('sessionid'),
                                           fields=edited))
        assert a.get('status') == 'completed', a
        theirs = dict(form_values(b), definition='bob was here')
        del theirs['FORM_TYPE']
        b = command_of(await bob.command('edit', action='complete', sessionid=b.get('sessionid'),
                                         fields=theirs))
        assert b.get('status') == 'executing', 'a stale edit must not complete'
        text = ' '.join(t for k, t in notes(b) if k == 'error')
        assert 'changed by someone else' in text, notes(b)
        assert form_values(b)['revision'] == '3', form_values(b)
        shown = form_values(command_of(await bob.command('show', fields={'id': 'T-1'})))
        assert shown['gap'] == edited['gap'] and shown['definition'] == FULL['definition'], shown
    finally:
        await alice.stop()
        await bob.stop()


async def test_history(env):
    """history: one line of `revisions` per revision with when, who, changed fields and the note"""
    carol = await connect(env.prosody, 'carol')
    try:
        reply = await carol.command('history', fields={'id': 'T-1'})
        rows = revision_rows(command_of(reply))
        assert [r['revision'] for r in rows] == ['1', '2', '3'], rows
        assert rows[0]['who'] == 'alice@localhost' and rows[0]['changed'] == 'filed', rows[0]
        assert rows[1]['who'] == 'bob@localhost' and 'likelihood' in rows[1]['changed'], rows[1]
        assert rows[1]['note'] == 'Seen in the wild.', rows[1]
        assert rows[2]['changed'] == 'gap' and rows[2]['when'].endswith('Z'), rows[2]
        # what the note says stands in a field too: several clients drop notes
        assert notes(command_of(reply)) == [('info', '3 revisions of T-1.')], notes(command_of(reply))
        assert form_values(command_of(reply))['note'] == '3 revisions of T-1.', reply
    finally:
        await carol.stop()


async def test_roles(env):
    """roles: carol may not assess or retire (not listed, forbidden), nor edit another's threat"""
    carol = await connect(env.prosody, 'carol')
    try:
        for node in ('assess', 'retire'):
            reply = await carol.command(node)
            assert error_of(reply) == ('forbidden', None), (node, reply)
        e = command_of(await carol.command('edit'))
        reply = await carol.command('edit', action='next', sessionid=e.get('sessionid'),
                                    fields={'id': 'T-1'})
        assert error_of(reply) == ('forbidden', None), reply
        mine = await file_threat(carol, {'name': 'carol threat', 'abstract': 'mine'})
        e = command_of(await carol.command('edit'))
        e = command_of(await carol.command('edit', action='next', sessionid=e.get('sessionid'),
                                           fields={'id': mine}))
        assert e.get('status') == 'executing' and form_values(e)['name'] == 'carol threat'
    finally:
        await carol.stop()


async def test_invalid_submissions(env):
    """invalid submissions store nothing and return the form with the values and a precise note"""
    alice = await connect(env.prosody, 'alice')
    try:
        cases = [
            ({'name': '', 'abstract': 'x'}, 'name: required'),
            ({'name': 'n', 'abstract': 'x', 'likelihood': 'severe'}, '"severe" is not one of'),
            ({'name': 'n' * 201, 'abstract': 'x'}, 'name: 201 characters, the limit is 200'),
            ({'name': 'n', 'abstract': 'a' * 2001}, 'abstract: 2,001 characters'),
            ({'name': 'n', 'abstract': 'x', 'attack-tree': 'Goal\n  A [cost=-1]'},
             'attack-tree: line 2'),
            # C0 controls cannot travel in XML at all; C1 controls can and are refused
            ({'name': 'n', 'abstract': 'x', 'gap': 'next line \u0085 here'},
             'gap: control character U+0085'),
        ]
        before = form_values(command_of(await alice.command('list', fields={})))
        for fields, want in cases:
            start = command_of(await alice.command('file'))
            reply = await alice.command('file', action='complete', sessionid=start.get('sessionid'),
                                        fields=fields)
            cmd = command_of(reply)
            assert cmd.get('status') == 'executing', (fields, reply)
            errors = [t for k, t in notes(cmd) if k == 'error']
            assert errors and want in errors[0], (want, errors)
            kept = form_values(cmd)
            assert kept['name'] == fields['name'], 'the submitted values are kept'
        after = form_values(command_of(await alice.command('list', fields={})))
        assert before == after, 'nothing was stored'
    finally:
        await alice.stop()


async def test_session_errors(env):
    """bad, foreign and form-less requests get the XEP-0050 errors; cancel stores nothing"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        reply = await alice.command('file', action='complete', sessionid='no-such-session',
                                    fields={'name': 'n', 'abstract': 'a'})
        assert error_of(reply) == ('bad-request', 'bad-sessionid'), reply
        sid = command_of(await alice.command('file')).get('sessionid')
        reply = await bob.command('file', action='complete', sessionid=sid,
                                  fields={'name': 'stolen', 'abstract': 'a'})
        assert error_of(reply) == ('bad-request', 'bad-sessionid'), 'foreign session: %s' % reply
        reply = await alice.command('file', action='complete', sessionid=sid)
        assert error_of(reply) == ('bad-request', 'bad-payload'), reply
        reply = await alice.command('file', action='cancel', sessionid=sid)
        assert status_of(reply) == 'canceled', reply
        reply = await alice.command('file', action='complete', sessionid=sid,
                                    fields={'name': 'n', 'abstract': 'a'})
        assert error_of(reply) == ('bad-request', 'bad-sessionid'), 'a canceled session is gone'
        reply = await alice.command('nonsense')
        assert error_of(reply) == ('item-not-found', None), reply
    finally:
        await alice.stop()
        await bob.stop()


async def test_prev(env):
    """prev on a multi-stage command goes back to the first stage"""
    bob = await connect(env.prosody, 'bob')
    try:
        sid = command_of(await bob.command('assess')).get('sessionid')
        cmd = command_of(await bob.command('assess', action='next', sessionid=sid,
                                           fields={'id': 'T-1'}))
        actions = cmd.find('{http://jabber.org/protocol/commands}actions')
        assert actions.find('{http://jabber.org/protocol/commands}prev') is not None
        cmd = command_of(await bob.command('assess', action='prev', sessionid=sid))
        assert 'id' in form_values(cmd) and 'likelihood' not in form_values(cmd), form_values(cmd)
        await bob.command('assess', action='cancel', sessionid=sid)
    finally:
        await bob.stop()


async def test_list_paging(env):
    """list over 120+ threats: pages of 50 with next/prev, filters, highest priority first"""
    alice = await connect(env.prosody, 'alice')
    try:
        levels = ['low', 'medium', 'high']
        for i in range(120):
            await file_threat(alice, {'name': 'bulk threat %d%s' % (i, ' needle' if i % 12 == 0 else ''),
                                      'abstract': 'bulk', 'likelihood': levels[i % 3],
                                      'damage': levels[(i // 3) % 3]})
        cmd = command_of(await alice.command('list', fields={}))
        total = int(notes(cmd)[0][1].split(' of ')[1])
        assert total >= 122, notes(cmd)
        assert notes(cmd)[0][1] == 'items 1–50 of %d' % total, notes(cmd)
        assert form_values(cmd)['note'] == 'items 1–50 of %d' % total, form_values(cmd)
        rows = threat_rows(cmd)
        assert len(rows) == 50, rows
        order = ['critical', 'high', 'medium', 'low', 'note', 'unassessed']
        ranks = [order.index(r['priority']) for r in rows]
        assert ranks == sorted(ranks), 'highest priority first'
        assert rows[0]['id'] == 'T-1', rows[0]
        assert cmd.get('status') == 'executing'
        sid = cmd.get('sessionid')
        cmd = command_of(await alice.command('list', action='next', sessionid=sid))
        assert notes(cmd)[0][1] == 'items 51–100 of %d' % total, notes(cmd)
        assert form_values(cmd)['note'] == 'items 51–100 of %d' % total, form_values(cmd)
        page2 = threat_rows(cmd)
        assert len(page2) == 50 and not {r['id'] for r in page2} & {r['id'] for r in rows}, page2
        assert actions_of(cmd) == ('next', {'prev', 'next'}), actions_of(cmd)
        cmd = command_of(await alice.command('list', action='prev', sessionid=sid))
        assert notes(cmd)[0][1] == 'items 1–50 of %d' % total, notes(cmd)
        await alice.command('list', action='next', sessionid=sid)
        cmd = command_of(await alice.command('list', action='next', sessionid=sid))
        assert notes(cmd)[0][1] == 'items 101–%d of %d' % (total, total), notes(cmd)
        assert len(threat_rows(cmd)) == total - 100
        # the last page can still go back: executing with prev and complete (XEP-0050 §3.4)
        assert cmd.get('status') == 'executing', cmd
        assert actions_of(cmd) == ('complete', {'prev', 'complete'}), actions_of(cmd)
        cmd = command_of(await alice.command('list', action='complete', sessionid=sid))
        assert cmd.get('status') == 'completed', cmd
        cmd = command_of(await alice.command('list', fields={'text': 'NEEDLE bulk'}))
        assert notes(cmd)[0][1] == 'items 1–10 of 10', notes(cmd)
        cmd = command_of(await alice.command('list', fields={'min-priority': 'critical'}))
        assert all(r['priority'] == 'critical' for r in threat_rows(cmd))
    finally:
        await alice.stop()


async def test_retire(env):
    """retire (alice, admin): status retired, gone from the default list, kept in history"""
    alice = await connect(env.prosody, 'alice')
    try:
        reply = await alice.command('retire', fields={'id': 'T-2', 'reason': 'duplicate of T-1'})
        assert status_of(reply) == 'completed', reply
        values = form_values(command_of(await alice.command('show', fields={'id': 'T-2'})))
        assert values['status'] == 'retired', values
        ids = [r['id'] for r in threat_rows(command_of(await alice.command(
            'list', fields={'text': 'carol'})))]
        assert 'T-2' not in ids, ids
        rows = revision_rows(command_of(await alice.command('history', fields={'id': 'T-2'})))
        assert rows[-1]['note'] == 'duplicate of T-1' and rows[-1]['changed'] == 'status', rows
    finally:
        await alice.stop()


async def test_restart(env):
    """after a restart: threats and history are there, and an open session continues"""
    bob = await connect(env.prosody, 'bob')
    try:
        sid = command_of(await bob.command('assess')).get('sessionid')
        cmd = command_of(await bob.command('assess', action='next', sessionid=sid,
                                           fields={'id': 'T-3'}))
        assert cmd.get('status') == 'executing'
        env.restart_vigil()
        reply = await bob.command('assess', action='complete', sessionid=sid,
                                  fields={'likelihood': 'low', 'damage': 'low'})
        assert status_of(reply) == 'completed', 'the session survived: %s' % reply
        values = form_values(command_of(await bob.command('show', fields={'id': 'T-1'})))
        assert values['name'] == NASTY and values['revision'] == '3', values
        rows = revision_rows(command_of(await bob.command('history', fields={'id': 'T-1'})))
        assert len(rows) == 3, rows
    finally:
        await bob.stop()


async def test_session_expiry(env):
    """an expired session answers not-allowed + session-expired"""
    old = env.restart_vigil(commands__session_timeout=10)
    alice = await connect(env.prosody, 'alice')
    try:
        sid = command_of(await alice.command('file')).get('sessionid')
        env.vigil.advance_clock(11)  # the session expires after its 10 s
        reply = await alice.command('file', action='complete', sessionid=sid,
                                    fields={'name': 'late', 'abstract': 'late'})
        assert error_of(reply) == ('not-allowed', 'session-expired'), reply
    finally:
        await alice.stop()
        env.restart_vigil(**old)


async def test_stale_without_revision(env):
    """an edit whose client dropped the hidden revision is still checked for staleness"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        tid = await file_threat(alice, {'name': 'Stale check', 'abstract': 'original'})
        a = command_of(await alice.command('edit'))
        a = command_of(await alice.command('edit', action='next', sessionid=a.get('sessionid'),
                                           fields={'id': tid}))
        b = command_of(await bob.command('edit'))
        b = command_of(await bob.command('edit', action='next', sessionid=b.get('sessionid'),
                                         fields={'id': tid}))
        theirs = dict(form_values(b), abstract='bob saved first')
        del theirs['FORM_TYPE']
        b = command_of(await bob.command('edit', action='complete', sessionid=b.get('sessionid'),
                                         fields=theirs))
        assert b.get('status') == 'completed', b
        mine = dict(form_values(a), abstract='alice overwrites')
        del mine['revision']  # as a client that drops the hidden revision (not FORM_TYPE)
        a = command_of(await alice.command('edit', action='complete', sessionid=a.get('sessionid'),
                                           fields=mine))
        assert a.get('status') == 'executing', 'a stale edit must not complete'
        assert any('changed by someone else' in t for _, t in notes(a)), notes(a)
        shown = form_values(command_of(await alice.command('show', fields={'id': tid})))
        assert shown['abstract'] == 'bob saved first', shown
    finally:
        await alice.stop()
        await bob.stop()


async def test_session_bound_to_full_jid(env):
    """a session belongs to one full JID: another resource of the same account cannot use it"""
    phone = await connect(env.prosody, 'alice', 'phone')
    laptop = await connect(env.prosody, 'alice', 'laptop')
    try:
        sid = command_of(await phone.command('file')).get('sessionid')
        reply = await laptop.command('file', action='complete', sessionid=sid,
                                     fields={'name': 'n', 'abstract': 'a'})
        assert error_of(reply) == ('bad-request', 'bad-sessionid'), reply
        reply = await phone.command('file', action='cancel', sessionid=sid)
        assert status_of(reply) == 'canceled', 'the owner still has it'
    finally:
        await phone.stop()
        await laptop.stop()


async def test_list_status_filter(env):
    """list's status filter (list-multi): retired only, or identified and analyzed"""
    alice = await connect(env.prosody, 'alice')
    try:
        cmd = command_of(await alice.command('list', fields={'status': ['retired']}))
        rows = threat_rows(cmd)
        assert rows and all(r['status'] == 'retired' for r in rows), rows
        assert 'T-2' in [r['id'] for r in rows], rows
        cmd = command_of(await alice.command('list', fields={'status': ['identified', 'analyzed']}))
        statuses = {r['status'] for r in threat_rows(cmd)}
        assert statuses and statuses <= {'identified', 'analyzed'}, statuses
        assert 'analyzed' in statuses, 'T-1 was assessed, so analyzed'
    finally:
        await alice.stop()


# --- strict forms and actions ------------------------------------

ALL_STATUSES = ['identified', 'analyzed', 'addressed', 'retired']


def error_text(cmd):
    return ' '.join(t for k, t in notes(cmd) if k == 'error')


async def threat_count(client):
    """How many threats the register holds, retired ones included."""
    cmd = command_of(await client.command('list', fields={'status': ALL_STATUSES}))
    note = notes(cmd)[0][1]
    await client.command('list', action='cancel', sessionid=cmd.get('sessionid'))
    return 0 if note == 'No threat matches.' else int(note.split(' of ')[1])


async def refused_filing(client, fields, want, **kwargs):
    """A `file` submission answered `executing` with the form again, the
    values kept and an error note containing want. Returns (command, note)."""
    start = command_of(await client.command('file'))
    reply = await client.command('file', action='complete', sessionid=start.get('sessionid'),
                                 fields=fields, **kwargs)
    cmd = command_of(reply)
    assert cmd is not None and cmd.get('status') == 'executing', (fields, reply)
    text = error_text(cmd)
    assert want in text, (want, notes(cmd))
    values = form_values(cmd)
    assert values['FORM_TYPE'] == NS_THREAT, 'the same form again: %s' % values
    assert values['name'] == 'kept name' and values['abstract'] == 'kept abstract', values
    return cmd, text


KEPT = {'name': 'kept name', 'abstract': 'kept abstract'}


def data_form(pairs, form_type='submit'):
    x = ET.Element('{%s}x' % NS_DATA, type=form_type)
    for var, value in pairs:
        ET.SubElement(ET.SubElement(x, '{%s}field' % NS_DATA, var=var),
                      '{%s}value' % NS_DATA).text = value
    return x


async def test_form_type(env):
    """a submission without FORM_TYPE, or with another form's, is refused with a note; nothing is stored"""
    alice = await connect(env.prosody, 'alice')
    try:
        before = await threat_count(alice)
        await refused_filing(alice, KEPT, 'FORM_TYPE: missing', echo=None)
        for foreign in ('jabber:iq:register', 'urn:vigil:threat:1', ''):
            await refused_filing(alice, KEPT, 'FORM_TYPE: "%s" is not urn:vigil:threat:0.' % foreign,
                                 echo=foreign)
        await refused_filing(alice, [('FORM_TYPE', [NS_THREAT, 'urn:other'])] + list(KEPT.items()),
                             'FORM_TYPE: 2 values')
        # a one-shot request on a first stage is held to it too (show's id)
        cmd = command_of(await alice.command('show', fields={'id': 'T-1'}, echo=None))
        assert cmd.get('status') == 'executing', 'refused, not shown'
        assert 'FORM_TYPE: missing' in error_text(cmd), notes(cmd)
        assert await threat_count(alice) == before, 'nothing was stored'
    finally:
        await alice.stop()


async def test_unknown_fields(env):
    """fields the stage did not offer are refused with a note naming a few of them, shortened"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        before = await threat_count(alice)
        _, text = await refused_filing(alice, dict(KEPT, colour='red'), 'colour')
        assert 'Not fields of this form' in text, text
        # status and revision are edit's fields, priority is computed: not the file form's
        _, text = await refused_filing(alice, dict(KEPT, status='retired', priority='high'), 'status')
        assert 'priority' in text, text
        many = dict(KEPT)
        many['y' * 300] = 'long'
        many.update({'extra-%02d' % i: 'x' for i in range(40)})
        _, text = await refused_filing(alice, many, 'and 38 more')
        assert 'yyyy' in text and 'y' * 40 not in text and len(text) < 400, text
        # assess: stage 2's fields are not stage 1's
        sid = command_of(await bob.command('assess')).get('sessionid')
        cmd = command_of(await bob.command('assess', action='next', sessionid=sid,
                                           fields={'id': 'T-1', 'likelihood': 'low'}))
        assert cmd.get('status') == 'executing' and 'likelihood' in error_text(cmd), notes(cmd)
        assert 'likelihood' not in form_values(cmd), 'still the first stage'
        cmd = command_of(await bob.command('assess', action='next', sessionid=sid,
                                           fields={'id': 'T-1'}))
        cmd = command_of(await bob.command('assess', action='complete', sessionid=sid,
                                           fields={'likelihood': 'low', 'damage': 'low', 'id': 'T-1'}))
        assert cmd.get('status') == 'executing' and 'form: id' in error_text(cmd), notes(cmd)
        assert form_values(cmd)['likelihood'] == 'low', 'the values are kept'
        await bob.command('assess', action='cancel', sessionid=sid)
        assert await threat_count(alice) == before, 'nothing was stored'
    finally:
        await alice.stop()
        await bob.stop()


async def test_duplicate_fields(env):
    """a field given twice is refused with a note naming it, FORM_TYPE included"""
    alice = await connect(env.prosody, 'alice')
    try:
        before = await threat_count(alice)
        _, text = await refused_filing(
            alice, [('name', 'kept name'), ('abstract', 'kept abstract'), ('name', 'other name')],
            'name')
        assert 'more than once' in text, text
        _, text = await refused_filing(alice, [('FORM_TYPE', NS_THREAT), ('FORM_TYPE', NS_THREAT)] +
                                       list(KEPT.items()), 'FORM_TYPE')
        assert 'more than once' in text, text
        assert await threat_count(alice) == before, 'nothing was stored'
    finally:
        await alice.stop()


async def test_second_form(env):
    """a second data form in the command is refused with a note"""
    alice = await connect(env.prosody, 'alice')
    try:
        before = await threat_count(alice)
        second = data_form([('FORM_TYPE', NS_THREAT), ('name', 'the other one')])
        _, text = await refused_filing(alice, KEPT, '2 data forms', extra=[second])
        assert await threat_count(alice) == before, 'nothing was stored'
    finally:
        await alice.stop()


async def test_bad_actions(env):
    """prev on a first stage and prev/next/complete without a session: bad-request + bad-action"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        before = await threat_count(alice)
        for action in ('prev', 'next', 'complete'):
            reply = await alice.command('file', action=action, fields=KEPT)
            assert error_of(reply) == ('bad-request', 'bad-action'), (action, reply)
            reply = await alice.command('list', action=action)
            assert error_of(reply) == ('bad-request', 'bad-action'), (action, reply)
        assert await threat_count(alice) == before, 'nothing was stored'
        # prev on the first stage: refused, and the session (with the values
        # still in the client) goes on
        sid = command_of(await alice.command('file')).get('sessionid')
        reply = await alice.command('file', action='prev', sessionid=sid, fields=KEPT)
        assert error_of(reply) == ('bad-request', 'bad-action'), reply
        cmd = command_of(await alice.command('file', action='complete', sessionid=sid, fields=KEPT))
        assert cmd.get('status') == 'completed', 'the session survived a bad action'
        sid = command_of(await bob.command('assess')).get('sessionid')
        reply = await bob.command('assess', action='prev', sessionid=sid)
        assert error_of(reply) == ('bad-request', 'bad-action'), reply
        cmd = command_of(await bob.command('assess', action='next', sessionid=sid,
                                           fields={'id': 'T-1'}))
        assert 'likelihood' in form_values(cmd), 'on to the second stage'
        # prev from the second stage with values: back to the first, and told
        # that those values were not kept
        cmd = command_of(await bob.command('assess', action='prev', sessionid=sid,
                                           fields={'likelihood': 'low', 'damage': 'low'}))
        assert cmd.get('status') == 'executing' and 'id' in form_values(cmd), form_values(cmd)
        assert any(k == 'info' and 'not kept' in t for k, t in notes(cmd)), notes(cmd)
        await bob.command('assess', action='cancel', sessionid=sid)
    finally:
        await alice.stop()
        await bob.stop()


async def test_next_as_complete(env):
    """poezio 0.14 sends `next` on a last stage offering only `complete`: taken as complete"""
    alice = await connect(env.prosody, 'alice')
    try:
        cmd = command_of(await alice.command('file'))
        actions = cmd.find('{http://jabber.org/protocol/commands}actions')
        assert [a.tag.split('}')[1] for a in actions] == ['complete'], 'only complete is offered'
        reply = await alice.command('file', action='next', sessionid=cmd.get('sessionid'),
                                    fields={'name': 'filed by poezio', 'abstract': 'next, not complete'})
        cmd = command_of(reply)
        assert cmd.get('status') == 'completed', reply
        shown = form_values(command_of(await alice.command('show', fields={'id': form_values(cmd)['id']})))
        assert shown['name'] == 'filed by poezio', shown
    finally:
        await alice.stop()


async def test_tree_and_xep_numbers(env):
    """an attack-tree attribute given twice or contradicted is refused by line; XEP-12345 is flagged"""
    alice = await connect(env.prosody, 'alice')
    try:
        for tree, want in (('Goal\n  A [cost=1, cost=2]', 'attack-tree: line 2: cost= given twice'),
                           ('Goal\n  A\n  B [impossible, possible]',
                            'attack-tree: line 3: impossible and possible contradict each other')):
            await refused_filing(alice, dict(KEPT, **{'attack-tree': tree}), want)
        cmd = command_of(await alice.command('file', fields=dict(KEPT, gap='See XEP-12345 and XEP-0045.')))
        assert cmd.get('status') == 'completed', notes(cmd)
        text = ' '.join(t for _, t in notes(cmd))
        assert 'XEP-12345 (not a XEP number' in text and 'XEP-0045 (Multi-User Chat' in text, text
    finally:
        await alice.stop()


async def test_clients_echo_every_field(env):
    """a client that submits back every field of each stage, hidden ones included, is accepted"""
    alice = await connect(env.prosody, 'alice')

    async def step(node, sid=None, action='execute', change=None, echo_of=None):
        fields = None
        if echo_of is not None:
            fields = dict(form_values(echo_of), **(change or {}))
        cmd = command_of(await alice.command(node, action=action, sessionid=sid, fields=fields,
                                             echo=None))
        assert cmd is not None and not error_text(cmd), (node, notes(cmd))
        return cmd

    try:
        cmd = await step('file')
        cmd = await step('file', cmd.get('sessionid'), 'complete', KEPT, cmd)
        assert cmd.get('status') == 'completed'
        tid = form_values(cmd)['id']
        for node, change in (('edit', {'gap': 'echoed'}),
                             ('assess', {'likelihood': 'high', 'damage': 'low', 'rationale': 'r'})):
            cmd = await step(node)
            sid = cmd.get('sessionid')
            cmd = await step(node, sid, 'next', {'id': tid}, cmd)
            assert cmd.get('status') == 'executing'
            cmd = await step(node, sid, 'complete', change, cmd)
            assert cmd.get('status') == 'completed', (node, notes(cmd))
        for node in ('show', 'history'):
            cmd = await step(node)
            cmd = await step(node, cmd.get('sessionid'), 'complete', {'id': tid}, cmd)
            assert cmd.get('status') == 'completed', (node, notes(cmd))
        cmd = await step('search')
        cmd = await step('search', cmd.get('sessionid'), 'next', {'text': 'kept'}, cmd)
        assert threat_rows(cmd), 'the filters were read'
        cmd = await step('retire')
        cmd = await step('retire', cmd.get('sessionid'), 'complete', {'id': tid, 'reason': 'echo'}, cmd)
        assert cmd.get('status') == 'completed', notes(cmd)
        assert form_values(command_of(await alice.command('show', fields={'id': tid})))['status'] == 'retired'
    finally:
        await alice.stop()


if __name__ == '__main__':
    run([test_file_full_template, test_show_byte_for_byte, test_assess, test_edit_and_stale,
         test_history, test_roles, test_invalid_submissions, test_session_errors, test_prev,
         test_list_paging, test_retire, test_restart, test_session_expiry,
         test_stale_without_revision, test_session_bound_to_full_jid, test_list_status_filter,
         test_form_type, test_unknown_fields, test_duplicate_fields, test_second_form,
         test_bad_actions, test_next_as_complete, test_tree_and_xep_numbers,
         test_clients_echo_every_field])
