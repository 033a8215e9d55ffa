"""vigil import and export --format json beside the running daemon (issue 19):
the import is announced without a restart (woken by SIGUSR1) as one digest
line in the room and one PubSub item per threat, vigil answers meanwhile, a
bad file imports nothing and says where, and the daemon's register exported
while it runs comes back byte for byte in an empty one."""
import json
import os

import jsonschema
import subprocess
import tempfile
import time

from harness import (VIGIL_BIN, command_of, connect, file_threat, pubsub, sentinel, run,
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
    """100 threats imported while vigil runs: one digest line, 100 PubSub items, list answered"""
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    path = write(document(100))
    try:
        await carol.join()
        await carol.wait_occupant('vigil')
        reply = await carol.iq(pubsub('subscribe', node='threats', jid='carol@localhost'),
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
                     '4 problems in %s (listed above): nothing was imported' % path):
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


async def test_round_trip_beside_daemon(env):
    """export --format json while vigil runs, import into an empty register, export: same bytes"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    work = tempfile.mkdtemp(prefix='vigil-rt-')
    try:
        tid = await file_threat(alice, name='Round trip “quotes” & <markup> 𝄞')
        reply = await bob.command('assess', fields={'id': tid, 'likelihood': 'high',
                                                   'damage': 'high'})
        assert command_of(reply).get('status') == 'completed', reply
        first = os.path.join(work, 'first.json')
        done = vigil(env, 'export', '-c', env.vigil.config, '--format', 'json', '-o', first)
        assert done.returncode == 0, done.stderr
        conf = os.path.join(work, 'empty.conf')
        with open(env.vigil.config) as f, open(conf, 'w') as out:
            for line in f:
                out.write('storage.path = %s\n' % os.path.join(work, 'empty.db')
                          if line.startswith('storage.path') else line)
        done = vigil(env, 'import', '-c', conf, first)
        assert done.returncode == 0, done.stderr
        assert 'vigil is not running on' in done.stdout, done.stdout
        second = os.path.join(work, 'second.json')
        done = vigil(env, 'export', '-c', conf, '--format', 'json', '-o', second)
        assert done.returncode == 0, done.stderr
        with open(first, 'rb') as a, open(second, 'rb') as b:
            one, two = a.read(), b.read()
        assert one == two, 'the round trip changed the document'
        schema_path = os.path.join(os.environ.get('VIGIL_SRCDIR', '.'), 'data',
                                   'register.schema.json')
        with open(schema_path) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        problems = [e.message for e in
                    jsonschema.Draft202012Validator(schema).iter_errors(json.loads(one))]
        assert not problems, 'the export is not valid against its schema: %s' % problems[:3]
        revs = [r['who'] for t in json.loads(one)['threats'] if t['id'] == tid
                for r in t['revisions']]
        assert revs == ['alice@localhost', 'bob@localhost'], revs
        return '%d bytes, identical, valid against data/register.schema.json' % len(one)
    finally:
        for c in (alice, bob):
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


if __name__ == '__main__':
    run([test_import_announced_as_digest, test_bad_file_imports_nothing,
         test_round_trip_beside_daemon, test_threat_dragon_and_adtool])
