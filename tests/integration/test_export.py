# SPDX-License-Identifier: MIT
"""The evolving document: a register filled through the real daemon
with twelve realistic threats, exported with `vigil export` while the daemon
runs, in the three formats; the XEP format checked with xmllint --dtdvalid."""
import os
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from xml.etree import ElementTree

from harness import SRCDIR, VIGIL_BIN, command_of, connect, form_values, run
import sample_threats
from sample_threats import RETIRE

# the register as the tests leave it: the samples, one of them assessed later
THREATS = [dict(t) for t in sample_threats.THREATS]
ASSESSED = next(i for i, t in enumerate(THREATS, 1) if not t['likelihood'])

DTD = os.path.join(SRCDIR, 'tests', 'data', 'xep.dtd')
RANK = {'critical': 5, 'high': 4, 'medium': 3, 'low': 2, 'note': 1, 'unassessed': 0}
TABLE = {('low', 'low'): 'note', ('low', 'medium'): 'low', ('low', 'high'): 'medium',
         ('medium', 'low'): 'low', ('medium', 'medium'): 'medium', ('medium', 'high'): 'high',
         ('high', 'low'): 'medium', ('high', 'medium'): 'high', ('high', 'high'): 'critical'}


def priority(threat):
    return TABLE.get((threat['likelihood'], threat['damage']), 'unassessed')


def export(env, fmt, out=None):
    """Runs `vigil export`; returns (exit status, stdout, stderr)."""
    argv = [VIGIL_BIN, 'export', '-c', env.vigil.config, '--format', fmt]
    if out:
        argv += ['-o', out]
    p = subprocess.run(argv, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')


def xmllint_dtdvalid(text):
    with tempfile.NamedTemporaryFile('w', suffix='.xml', delete=False) as f:
        f.write(text)
    try:
        p = subprocess.run(['xmllint', '--noout', '--dtdvalid', DTD, f.name],
                           capture_output=True, timeout=60)
        return p.returncode, p.stderr.decode('utf-8', 'replace')
    finally:
        os.unlink(f.name)


def expected_order():
    """Open threats as (id, name), by priority then id; the retired one apart."""
    open_ = [('T-%d' % (i + 1), t) for i, t in enumerate(THREATS) if i + 1 != RETIRE]
    open_.sort(key=lambda p: (-RANK[priority(p[1])], int(p[0][2:])))
    return [tid for tid, _ in open_]


async def test_empty_register(env):
    """an empty register exports as a valid XEP document, HTML and Markdown"""
    status, xep, err = export(env, 'xep')
    assert status == 0, err
    rc, lint = xmllint_dtdvalid(xep)
    assert rc == 0, lint
    root = ElementTree.fromstring(xep.encode('utf-8'))
    assert [s.get('anchor') for s in root.findall('section1')] == ['intro'], xep
    for fmt in ('html', 'markdown'):
        status, text, err = export(env, fmt)
        assert status == 0 and 'The register has no open threat.' in text, (fmt, err)


async def test_fill_register(env):
    """twelve realistic threats filed through ad-hoc, one assessed again, one retired"""
    alice = await connect(env.prosody, 'alice')
    try:
        for i, threat in enumerate(THREATS, 1):
            reply = await alice.command('file', fields=sample_threats.THREATS[i - 1])
            cmd = command_of(reply)
            assert cmd.get('status') == 'completed', (threat['name'], reply)
            values = form_values(cmd)
            assert values['id'] == 'T-%d' % i and values['priority'] == priority(threat), values
        reply = await alice.command('retire', fields={'id': 'T-%d' % RETIRE,
                                                      'reason': 'Obsolete & superseded'})
        assert command_of(reply).get('status') == 'completed', reply
    finally:
        await alice.stop()
    bob = await connect(env.prosody, 'bob')
    try:
        cmd = command_of(await bob.command('assess'))
        await bob.command('assess', action='next', sessionid=cmd.get('sessionid'),
                          fields={'id': 'T-%d' % ASSESSED})
        reply = await bob.command('assess', action='complete', sessionid=cmd.get('sessionid'),
                                  fields={'likelihood': 'medium', 'damage': 'high',
                                          'rationale': 'Seen in the wild.'})
        assert command_of(reply).get('status') == 'completed', reply
        THREATS[ASSESSED - 1].update(likelihood='medium', damage='high')
    finally:
        await bob.stop()


async def test_xep_document(env):
    """XEP format: valid against xep.dtd, a section per open threat by priority, ten items each"""
    status, xep, err = export(env, 'xep')
    assert status == 0, err
    rc, lint = xmllint_dtdvalid(xep)
    assert rc == 0, lint
    root = ElementTree.fromstring(xep.encode('utf-8'))
    anchors = [s.get('anchor') for s in root.findall('section1')]
    assert anchors == ['intro'] + expected_order() + ['retired'], anchors
    for i, threat in enumerate(THREATS, 1):
        tid = 'T-%d' % i
        if i == RETIRE:
            retired = root.find("section1[@anchor='retired']")
            assert any(li.text.startswith(tid + ': ') for li in retired.iter('li'))
            continue
        section = root.find("section1[@anchor='%s']" % tid)
        assert section.get('topic') == '%s: %s (priority %s)' % (tid, threat['name'],
                                                                 priority(threat)), section.get('topic')
        topics = [s.get('topic')[:2] for s in section.findall('section2')]
        assert topics == ['a)', 'b)', 'c)', 'd)', 'e)', 'f)', 'g)', 'h)', 'i)', 'j)'], topics
        text = ''.join(section.itertext())
        # XEP references become links with titles: compare the text around them
        for piece in re.split(r'XEP-\d{4}', threat['abstract'].split('\n')[0]):
            assert piece in text, (tid, piece)
        if threat['attack-tree']:
            assert 'Evaluation: ' in text, tid
    links = [l.get('url') for l in root.iter('link')]
    assert any(u.endswith('xep-0220.html') for u in links), links


class Outline(HTMLParser):
    """Collects the ids of h2 headings, the links and anything external."""

    def __init__(self):
        super().__init__()
        self.ids, self.external, self.cheapest = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'h2' and attrs.get('id', '').startswith('T-'):
            self.ids.append(attrs['id'])
        if 'src' in attrs or tag == 'link':
            self.external.append((tag, attrs))
        if attrs.get('class') == 'cheapest':
            self.cheapest += 1


async def test_html_document(env):
    """HTML: standalone, a section per threat by priority, retired in the appendix, text escaped"""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'register.html')
        status, stdout, err = export(env, 'html', out)
        assert status == 0 and stdout == '', err
        with open(out, encoding='utf-8') as f:
            page = f.read()
    assert page.startswith('<!DOCTYPE html>'), page[:40]
    # HTML Tidy (HTML5) reports nothing: no error, no warning
    p = subprocess.run(['tidy', '-errors', '-q'], input=page.encode('utf-8'),
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode('utf-8', 'replace')
    outline = Outline()
    outline.feed(page)
    assert outline.ids == expected_order() + ['T-%d' % RETIRE], outline.ids
    assert outline.external == [], outline.external
    assert outline.cheapest > 0
    # the threat with markup in its definition shows it as text
    raw = [t for t in THREATS if '<' in t['definition']]
    assert raw and '&lt;' in page and '<!ENTITY' not in page


async def test_markdown_document(env):
    """Markdown: contents, summary table and sections by priority"""
    status, md, err = export(env, 'markdown')
    assert status == 0, err
    headings = re.findall(r'^## (T-\d+): ', md, re.M)
    assert headings == expected_order() + ['T-%d' % RETIRE], headings
    rows = re.findall(r'^\| \[(T-\d+)\]', md, re.M)
    assert rows[:len(expected_order())] == expected_order(), rows
    assert '<' not in md.replace('<!--', ''), 'raw markup in Markdown'


async def test_keep_documents(env):
    """the three documents are kept in $VIGIL_EXPORT_KEEP when it is set (for reading them)"""
    keep = os.environ.get('VIGIL_EXPORT_KEEP')
    if not keep:
        return
    os.makedirs(keep, exist_ok=True)
    for fmt, name in (('xep', 'register.xml'), ('html', 'register.html'),
                      ('markdown', 'register.md')):
        status, _, err = export(env, fmt, os.path.join(keep, name))
        assert status == 0, err


async def test_bad_arguments(env):
    """export: an unknown format and an unwritable output are refused plainly"""
    status, _, err = export(env, 'pdf')
    assert status == 64 and 'unknown format "pdf"' in err, (status, err)
    status, _, err = export(env, 'xep', '/nonexistent/dir/out.xml')
    assert status == 1 and '/nonexistent/dir/out.xml' in err, (status, err)


async def test_no_secret_needed(env):
    """export reads the daemon's configuration without needing the component secret"""
    with tempfile.TemporaryDirectory() as d:
        config = os.path.join(d, 'vigil.conf')
        with open(env.vigil.config) as src, open(config, 'w') as dst:
            dst.writelines(l for l in src if not l.startswith('component.secret'))
        env_ = {k: v for k, v in os.environ.items() if k != 'VIGIL_COMPONENT_SECRET'}
        p = subprocess.run([VIGIL_BIN, 'export', '-c', config, '--format', 'markdown'],
                           capture_output=True, timeout=60, env=env_)
        assert p.returncode == 0 and b'## T-1: ' in p.stdout, p.stderr
        p = subprocess.run([VIGIL_BIN, '--check-config', '-c', config],
                           capture_output=True, timeout=60, env=env_)
        assert p.returncode == 78 and b'component.secret' in p.stderr, 'the daemon still needs it'


if __name__ == '__main__':
    run([test_empty_register, test_fill_register, test_xep_document, test_html_document,
         test_markdown_document, test_keep_documents, test_bad_arguments,
         test_no_secret_needed])
