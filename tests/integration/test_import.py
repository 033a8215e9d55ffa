# SPDX-License-Identifier: MIT
"""vigil import and export --format json beside the running daemon:
the import is announced without a restart (woken by SIGUSR1) as one digest
line in the room and one PubSub item per threat, vigil answers meanwhile, a
bad file imports nothing and says where, and the daemon's register exported
while it runs comes back byte for byte in an empty one."""
import json
import os
import shutil

import jsonschema
import subprocess
import tempfile
import time

from harness import (COMPONENT, VIGIL_BIN, command_of, connect, file_threat, pubsub, sentinel, run,
                     wait_until)
from harness import pubsub_events as events

LEVELS = ['', 'low', 'medium', 'high']


def room_lines(client):
    return [m['body'] for m in client.messages
            if m['type'] == 'groupchat' and m['from'].resource in ('vigil', 'vigil_')]


def document(n, first_id=None):
    """n new threats, mixed priorities, names with 1- to 4-byte characters."""
    threats = []
    for i in range(n):
        t = {'fields': {'name': 'Imported %d: é € 𝄞' % i, 'abstract': 'From the wiki, line %d.' % i,
                        'likelihood': LEVELS[i % 4], 'damage': LEVELS[(i // 4) % 4]}}
        if first_id is not None:
            t['id'] = 'T-%d' % (first_id + i)
        threats.append(t)
    return {'format': 'vigil-register', 'version': 1, 'threats': threats}


def vigil(env, *args):
    return subprocess.run([VIGIL_BIN] + list(args), capture_output=True, text=True, timeout=120)


def write(obj):
    fd, path = tempfile.mkstemp(suffix='.json')
    with os.fdopen(fd, 'w') as f:
        json.dump(obj, f, ensure_ascii=False)
    return path


async def test_import_announced_as_digest(env):
    """100 threats imported while vigil runs: one digest line and feed entry, 100 items, list answered"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    path = write(document(100))
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        for node in ('threats', 'feed'):
            reply = await carol.iq(pubsub('subscribe', node=node, jid='carol@localhost'),
                                   itype='set')
            assert reply['type'] == 'result', reply
        before = len(room_lines(carol))
        done = vigil(env, 'import', '-c', env.vigil.config, '--by', 'alice', path)
        assert done.returncode == 0, done.stderr
        assert 'imported 100 threats (100 new, 0 replaced) as import:alice' in done.stdout, done.stdout
        # the list is answered while the announcements go out
        start = time.monotonic()
        listed = await alice.command('list')
        latency = time.monotonic() - start
        assert command_of(listed) is not None, listed
        await wait_until(lambda: len(events(carol, 'threats')) >= 100, timeout=30,
                         what='100 PubSub items')
        await wait_until(lambda: any('imported by alice' in l for l in room_lines(carol)),
                         what='the digest in the room')
        await sentinel(carol, room=True)
        said = room_lines(carol)[before:]
        assert len(said) == 1, said
        digest = said[0]
        assert digest.startswith('T-1…T-100: 100 threats imported by alice — '), digest
        assert digest in done.stdout, (digest, done.stdout)
        ids = [i for i, _ in events(carol, 'threats')]
        assert sorted(set(ids)) == sorted('T-%d' % i for i in range(1, 101)), ids[:5]
        # the feed: the digest is the batch's one entry, as in the room
        await wait_until(lambda: events(carol, 'feed'), what='the feed entry')
        await sentinel(carol)
        feed = events(carol, 'feed')
        assert [(i, e.findtext('{http://www.w3.org/2005/Atom}title')) for i, e in feed] == \
            [('T-1-r1-digest', digest)], feed
        # vigil's own change after the import: announced as ever
        tid = await file_threat(alice, name='After the import')
        assert tid == 'T-101', tid
        await wait_until(lambda: any(tid in l and 'filed' in l for l in room_lines(carol)),
                         what='the next filing announced')
        return 'digest: %s; a list during its announcements: %.0f ms' % (digest, latency * 1000)
    finally:
        os.unlink(path)
        for c in (alice, carol):
            await c.stop()


async def test_bad_file_imports_nothing(env):
    """a bad file: refused, every problem with its path, nothing imported or announced"""
    carol = await connect(env.prosody, 'carol')
    doc = document(3, first_id=1)  # T-1..T-3 exist: refused without --replace
    doc['threats'].append({'fields': {'name': 'x', 'abstract': 'y', 'likelihood': 'huge'}})
    doc['threats'].append({'fields': {'name': 'z', 'abstract': 'w'}, 'assessments': [
        {'who': 'not a jid', 'at': '2026-01-01T00:00:00Z', 'likelihood': 'low', 'damage': 'low',
         'rationale': None}], 'comments': [
        {'id': 90, 'revision': 1, 'who': 'carol@localhost', 'at': '2026-01-01T00:00:00Z',
         'text': None, 'stanza-id': None, 'deleted-by': None, 'deleted-at': None},
        {'id': 91, 'revision': 1, 'who': 'carol@localhost', 'at': '2026-01-01T00:00:00Z',
         'text': 'ok', 'stanza-id': 'x' * 1024, 'deleted-by': None, 'deleted-at': None}]})
    path = write(doc)
    bad_json = write({})
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        before = len(room_lines(carol))
        done = vigil(env, 'import', '-c', env.vigil.config, path)
        assert done.returncode != 0
        for want in ('$.threats[0]: T-1 is in the register already (--replace overwrites it)',
                     '$.threats[3].fields.likelihood: "huge" is not one of',
                     '$.threats[4].assessments[0]: who: "not a jid" is not a bare JID',
                     '$.threats[4].comments[0]: "text" is missing (null only when deleted)',
                     '$.threats[4].comments[1]: stanza-id: 1,024 characters, the limit is 1,023',
                     '7 problems in %s (listed above): nothing was imported' % path):
            assert want in done.stderr, (want, done.stderr)
        with open(bad_json, 'w') as f:
            f.write('{"format": "vigil-register", "version": 1, "threats": [')
        done = vigil(env, 'import', '-c', env.vigil.config, bad_json)
        assert done.returncode != 0 and 'line 1' in done.stderr, done.stderr
        await sentinel(carol, room=True)
        assert room_lines(carol)[before:] == [], room_lines(carol)[before:]
        listed = vigil(env, 'export', '-c', env.vigil.config, '--format', 'csv')
        assert listed.returncode == 0, listed.stderr
        assert 'Imported 0' in listed.stdout and ',x,' not in listed.stdout
    finally:
        os.unlink(path)
        os.unlink(bad_json)
        await carol.stop()


def empty_register(env, work, name):
    """A configuration like the daemon's on an empty register of its own."""
    conf = os.path.join(work, name + '.conf')
    with open(env.vigil.config) as f, open(conf, 'w') as out:
        for line in f:
            out.write('storage.path = %s\n' % os.path.join(work, name + '.db')
                      if line.startswith('storage.path') else line)
    return conf


def import_then_export(env, work, name, path):
    """path imported into an empty register, then exported: the export's bytes."""
    conf = empty_register(env, work, name)
    done = vigil(env, 'import', '-c', conf, path)
    assert done.returncode == 0, done.stderr
    assert 'vigil is not running on' in done.stdout, done.stdout
    out = os.path.join(work, name + '.json')
    done = vigil(env, 'export', '-c', conf, '--format', 'json', '-o', out)
    assert done.returncode == 0, done.stderr
    with open(out, 'rb') as f:
        return f.read()


async def test_round_trip_beside_daemon(env):
    """export --format json while vigil runs, import into an empty register, export: same bytes"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    carol = await connect(env.prosody, 'carol')
    work = tempfile.mkdtemp(prefix='vigil-rt-')
    rationale = 'Seen: é € 脆 𝄞 🔓 in the wild'  # 1-, 2-, 3- and 4-byte characters
    try:
        tid = await file_threat(alice, name='Round trip “quotes” & <markup> 𝄞')
        reply = await bob.command('assess', fields={'id': tid, 'likelihood': 'high',
                                                   'damage': 'high'})
        assert command_of(reply).get('status') == 'completed', reply
        reply = await alice.command('assess', fields={'id': tid, 'likelihood': 'medium',
                                                     'damage': 'high', 'rationale': rationale})
        assert command_of(reply).get('status') == 'completed', reply
        said = []
        for text in ('First: ü ∑ 😀', 'Posted by mistake'):
            carol.send_message(mto=COMPONENT, mbody='!comment %s %s' % (tid, text), mtype='chat')
            await wait_until(lambda: len([m for m in carol.messages if m['type'] == 'chat' and
                                          m['body'].startswith('Comment #')]) > len(said),
                             what='the comment kept')
            said = [m['body'] for m in carol.messages if m['type'] == 'chat' and
                    m['body'].startswith('Comment #')]
        number = said[-1].split(' ')[1]
        carol.send_message(mto=COMPONENT, mbody='!delete-comment ' + number, mtype='chat')
        await wait_until(lambda: any(m['body'].startswith('Deleted comment ' + number)
                                     for m in carol.messages), what='the comment deleted')
        first = os.path.join(work, 'first.json')
        done = vigil(env, 'export', '-c', env.vigil.config, '--format', 'json', '-o', first)
        assert done.returncode == 0, done.stderr
        with open(first, 'rb') as a:
            one = a.read()
        two = import_then_export(env, work, 'empty', first)
        assert one == two, 'the round trip changed the document'
        threat = [t for t in json.loads(one)['threats'] if t['id'] == tid][0]
        # by time, then assessor: both may fall in the same second
        assert sorted((a['who'], a['rationale'] or '') for a in threat['assessments']) == [
            ('alice@localhost', rationale), ('bob@localhost', '')], threat['assessments']
        assert [(c['text'], c['deleted-by']) for c in threat['comments']] == [
            ('First: ü ∑ 😀', None), (None, 'carol@localhost')], threat['comments']
        # a comment said in a room whose server gives stanza-ids (XEP-0359):
        # vigil's own export of it comes back byte for byte too
        doc = json.loads(one)
        [t for t in doc['threats'] if t['id'] == tid][0]['comments'][0]['stanza-id'] = 'sid-ℵ-1'
        with_sid = write(doc)
        three = import_then_export(env, work, 'sid', with_sid)
        os.unlink(with_sid)
        assert b'"stanza-id": "sid-\xe2\x84\xb5-1"' in three, three[:2000]
        sid_path = os.path.join(work, 'sid.json')
        four = import_then_export(env, work, 'sid-again', sid_path)
        assert three == four, 'the round trip changed the document with a stanza-id'
        schema_path = os.path.join(os.environ.get('VIGIL_SRCDIR', '.'), 'data',
                                   'register.schema.json')
        with open(schema_path) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        for doc in (one, three):
            problems = [e.message for e in
                        jsonschema.Draft202012Validator(schema).iter_errors(json.loads(doc))]
            assert not problems, 'the export is not valid against its schema: %s' % problems[:3]
        revs = [(r['who'], r['changed']) for r in threat['revisions']]
        assert [w for w, _ in revs[:3]] == ['alice@localhost', 'bob@localhost',
                                             'alice@localhost'], revs
        assert [c for _, c in revs[3:]] == ['comment', 'comment', 'comment-deleted'], revs
        return ('%d bytes, identical (2 assessments, a comment and a deleted one); with a '
                'stanza-id %d bytes, identical; valid against data/register.schema.json'
                % (len(one), len(three)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for c in (alice, bob, carol):
            await c.stop()


async def test_threat_dragon_and_adtool(env):
    """the Threat Dragon sample model and an ADTool tree imported while vigil runs, announced"""
    carol = await connect(env.prosody, 'carol')
    model = os.path.join(os.environ.get('VIGIL_SRCDIR', '.'), 'tests', 'data',
                         'threat-dragon-xmpp.json')
    work = tempfile.mkdtemp(prefix='vigil-td-')
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        before = len(room_lines(carol))
        done = vigil(env, 'import', '-c', env.vigil.config, '--from', 'threat-dragon', '--by',
                     'alice', model)
        assert done.returncode == 0, done.stderr
        await wait_until(lambda: any('8 threats imported by alice' in l
                                     for l in room_lines(carol)[before:]), what='the digest')
        digest = [l for l in room_lines(carol)[before:] if 'imported by alice' in l][0]
        assert digest.endswith('— 1 critical, 2 high, 3 medium, 1 low, 1 unassessed'), digest
        first = int(digest.split('…')[0][2:])
        # T-<first+2> is "SCRAM downgrade to PLAIN"; give it a tree through ADTool
        xml = os.path.join(work, 'tree.xml')
        with open(xml, 'w') as f:
            f.write('<?xml version="1.0"?><adtree><node refinement="conjunctive"><label>Downgrade '
                    'SASL</label><node refinement="disjunctive"><label>Sit in the path</label>'
                    '<parameter domainId="c">1000</parameter></node><node refinement='
                    '"disjunctive"><label>Offer PLAIN only</label></node></node><domain id="c">'
                    '<class>lu.uni.adtool.domains.adtpredefined.MinCost</class></domain></adtree>')
        tid = 'T-%d' % (first + 2)
        done = vigil(env, 'import', '-c', env.vigil.config, '--from', 'adtool', '--threat', tid,
                     '--by', 'alice', xml)
        assert done.returncode == 0, done.stderr
        out = vigil(env, 'export', '-c', env.vigil.config, '--format', 'adtool', '--threat', tid)
        assert out.returncode == 0 and '<label>Offer PLAIN only</label>' in out.stdout, out
        doc = json.loads(vigil(env, 'export', '-c', env.vigil.config, '--format', 'json').stdout)
        t = [x for x in doc['threats'] if x['id'] == tid][0]
        assert t['fields']['name'] == 'SCRAM downgrade to PLAIN', t['fields']['name']
        assert t['fields']['attack-tree'] == ('AND Downgrade SASL\n  Sit in the path [cost=1000]\n'
                                              '  Offer PLAIN only\n'), t['fields']['attack-tree']
        assert t['revisions'][-1]['who'] == 'import:alice', t['revisions'][-1]
        return digest
    finally:
        await carol.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    run([test_import_announced_as_digest, test_bad_file_imports_nothing,
         test_round_trip_beside_daemon, test_threat_dragon_and_adtool])
