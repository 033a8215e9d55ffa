# SPDX-License-Identifier: MIT
"""The register on the web: vigil runs with publish.dir under the
test server, which serves that directory over HTTP at /sig/ (Prosody's
mod_http_files, ejabberd's mod_http_fileserver, on a free loopback port).

The site is published when vigil starts and again after every change (a
burst coalesced), only what changed rewritten; room announcements and !show
end with the threat's page link (publish.base_url). Then Debian's chromium
(playwright-core, tests/integration/web/site.mjs) opens every page through
the server: each loads with no console error and no request outside the
site, the drawn tree has the cheapest attack on the right nodes, the risk
matrix counts what was filed, axe-core finds no serious or critical
violation, the print view hides the navigation and fits the drawing, and
the threats filed with `<script>`, `</svg>`, `]]>`, `javascript:` links and
Markdown/HTML in their fields open no dialog and run no script. feed.atom
is valid against tests/data/atom.rng, threats.xml against xep.dtd.

Screenshots (screen and print, each tree, PDFs) and the browser's report
(report.json) are kept in VIGIL_SITE_KEEP=DIR when set. The browser part is
skipped, with the reason, without node, npm or chromium. On ejabberd the
site is asked for at http://localhost:PORT/sig/ (mod_http_fileserver serves
a virtual host's requests), on Prosody at 127.0.0.1.
"""
import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

from harness import (ROOM, SERVER, SRCDIR, Env, Skip, command_of, connect, file_threat,
                     form_values, run, sentinel, wait_until)
from sample_threats import TREE

try:
    from lxml import etree
except ImportError:
    etree = None

WEB = os.path.join(SRCDIR, 'tests', 'integration', 'web')
PACKAGE = ('package.json', 'package-lock.json', 'site.mjs')
NODE, NPM = shutil.which('node'), shutil.which('npm')
CHROMIUM = os.environ.get('CHROMIUM') or '/usr/bin/chromium'
KEEP = os.environ.get('VIGIL_SITE_KEEP')

HOSTILE = {
    'name': '<script>alert("name")</script></svg>]]> & "q"',
    'abstract': ('[click me](javascript:alert("md")) <img src=x onerror=alert("img")>\n'
                 '<a href="javascript:alert(\'a\')">a link</a> <!-- comment --> ]]>\n'
                 '# not a heading\n*not bold* `not code` </p></section></main><h1>injected</h1>'),
    'definition': '<svg onload=alert("svg")><script>alert("def")</script></svg>',
    'attack-tree': ('</svg><script>alert("tree")</script>\n'
                    '  OR <style>*{display:none}</style> [cost=5]\n'
                    '  javascript:alert("leaf") \\N \\G [cost=9]'),
    'likelihood': 'high', 'damage': 'medium',
}
KNOWN = {'name': 'Reading messages (the example tree)', 'abstract': 'The example of PROTOCOL.md §7.',
         'attack-tree': TREE, 'likelihood': 'low', 'damage': 'high'}
PLAIN = {'name': 'Not assessed yet', 'abstract': 'Nobody looked yet.'}
CHEAPEST = ["Read another user's messages", 'Get plaintext in transit', 'Strip STARTTLS']


class SiteEnv(Env):
    def __init__(self):
        super().__init__(start_vigil=False)
        self.dir = tempfile.mkdtemp(prefix='vigil-site-')
        self.shots = KEEP or os.path.join(self.dir, 'shots')
        os.makedirs(self.shots, exist_ok=True)
        self.ids = {}
        self.vigil.settings.update({'publish.dir': self.prosody.site_dir,
                                    'publish.base_url': self.prosody.site_url})
        self.vigil.write_config()
        try:
            self.start_vigil()
        except Exception:
            for line in self.logs():
                print('# ' + line.rstrip())
            self.cleanup()
            raise

    def path(self, name):
        return os.path.join(self.prosody.site_dir, name)

    def cleanup(self):
        super().cleanup()
        shutil.rmtree(self.dir, ignore_errors=True)


def get(env, name):
    """(status, content type, body) of a file of the site, through the server."""
    try:
        with urllib.request.urlopen(env.prosody.site_url + name, timeout=10) as r:
            return r.status, r.headers.get('Content-Type', ''), r.read()
    except urllib.error.HTTPError as e:
        return e.code, '', b''


async def published(env, offset, timeout=20):
    """Waits for the next publication of pages after offset (not the
    documents' own, which follow later); returns its log line."""
    m = env.vigil.wait_log(r'published (every page|\d+ threat pages?)[^\n]*\(the loop was blocked '
                           r'[0-9.]+ ms\)', timeout, after=offset)
    return m.group(0)


async def test_published_at_start(env):
    """at start vigil publishes the whole site into publish.dir, served by the server at /sig/"""
    line = await published(env, 0)
    assert 'every page' in line, line
    for name in ('index.html', 'threats.xml', 'threats.md', 'feed.atom'):
        assert os.path.isfile(env.path(name)), name
    status, ctype, body = get(env, 'index.html')
    if status == 404 and SERVER == 'ejabberd':
        raise Skip('ejabberd does not serve publish.dir at /sig/ (mod_http_fileserver)')
    assert status == 200 and b'Threats to XMPP Technologies' in body, (status, body[:200])
    assert 'text/html' in ctype, ctype
    return line


async def test_published_on_change(env):
    """filings and an assessment are published within a second, a burst as one publication, only what changed"""
    alice = await connect(env.prosody, 'alice')
    bob = await connect(env.prosody, 'bob')
    try:
        before = os.stat(env.path('index.html')).st_mtime_ns
        offset = len(env.vigil.log_text())
        start = time.monotonic()
        for key, fields in (('known', KNOWN), ('hostile', HOSTILE), ('plain', PLAIN)):
            env.ids[key] = await file_threat(alice, **fields)
        line = await published(env, offset)
        took = time.monotonic() - start
        assert os.stat(env.path('index.html')).st_mtime_ns != before
        pages = [env.ids[k] + '.html' for k in ('known', 'hostile', 'plain')]
        # one publication, unless the filings took longer than the burst window
        await wait_until(lambda: all(os.path.isfile(env.path(p)) for p in pages), 10,
                         'the three pages')
        # one more change: only its page (and the index, documents, feed) again
        await asyncio.sleep(0.5)  # a late second publication of the burst, if any
        kept = {p: os.stat(env.path(p)).st_mtime_ns for p in pages}
        offset = len(env.vigil.log_text())
        cmd = command_of(await bob.command('assess'))
        await bob.command('assess', action='next', sessionid=cmd.get('sessionid'),
                          fields={'id': env.ids['plain']})
        reply = await bob.command('assess', action='complete', sessionid=cmd.get('sessionid'),
                                  fields={'likelihood': 'medium', 'damage': 'medium',
                                          'rationale': 'Looked at it: <b>medium</b>.'})
        assert command_of(reply).get('status') == 'completed', reply
        line2 = await published(env, offset)
        assert '1 threat page' in line2, line2
        changed = [p for p in pages if os.stat(env.path(p)).st_mtime_ns != kept[p]]
        assert changed == [env.ids['plain'] + '.html'], changed
        blocked = [float(x) for x in re.findall(r'blocked ([0-9.]+) ms', env.vigil.log_text())]
        assert max(blocked) < 50, blocked
        leftovers = [n for n in os.listdir(env.prosody.site_dir) if n.startswith('.')]
        assert not leftovers, leftovers
        return '%.2f s from the first filing to the site; %s; loop blocked at most %.2f ms' % (
            took, line2.split(': ', 1)[1], max(blocked))
    finally:
        await alice.stop()
        await bob.stop()


async def test_links_in_the_room(env):
    """room announcements and !show end with the threat's page link"""
    alice = await connect(env.prosody, 'alice')
    try:
        await alice.join()
        offset = env.documents_offset = len(env.vigil.log_text())
        tid = await file_threat(alice, name='Announced with its link', abstract='a')
        env.ids['linked'] = tid
        await published(env, offset)
        url = env.prosody.site_url + tid + '.html'
        await wait_until(lambda: any(m['type'] == 'groupchat' and m['body'].startswith(tid + ' ')
                                     and m['body'].endswith(' ' + url) for m in alice.messages),
                         15, 'the announcement ending with %s' % url)
        alice.send_message(mto=ROOM, mbody='!show %s' % env.ids['known'], mtype='groupchat')
        want = 'Page: %s%s.html' % (env.prosody.site_url, env.ids['known'])
        await wait_until(lambda: any(want in (m['body'] or '') for m in alice.messages), 15, want)
        return url
    finally:
        await alice.stop()


async def test_documents_valid(env):
    """feed.atom is valid Atom 1.0 (an entry per announcement, newest first), threats.xml valid XEP"""
    if etree is None:
        raise Skip('python3-lxml is not installed')
    status, ctype, body = get(env, 'feed.atom')
    if status == 404 and SERVER == 'ejabberd':
        raise Skip('ejabberd does not serve publish.dir')
    assert status == 200, status
    feed = etree.fromstring(body)
    schema = etree.RelaxNG(etree.parse(os.path.join(SRCDIR, 'tests', 'data', 'atom.rng')))
    assert schema.validate(feed), schema.error_log
    ns = {'a': 'http://www.w3.org/2005/Atom'}
    titles = [t.text for t in feed.findall('a:entry/a:title', ns)]
    assert titles[0].startswith(env.ids['linked'] + ' "Announced with its link" filed by alice@localhost'), titles
    assert titles[1].startswith(env.ids['plain'] + ' ') and 'priority unassessed → medium' in titles[1], titles
    assert len(titles) == 5, titles  # four filings and one change of priority
    hrefs = [l.get('href') for l in feed.findall('a:entry/a:link', ns)]
    assert all(h.startswith(env.prosody.site_url) for h in hrefs), hrefs
    # the documents follow the pages on their own timer (5 s after a change)
    env.vigil.wait_log(r'published the documents: ', 15, after=env.documents_offset)
    await wait_until(lambda: b'Announced with its link' in get(env, 'threats.xml')[2], 15,
                     'threats.xml with the last filing')
    status, _, body = get(env, 'threats.xml')
    dtd = etree.DTD(os.path.join(SRCDIR, 'tests', 'data', 'xep.dtd'))
    assert status == 200 and dtd.validate(etree.fromstring(body)), dtd.error_log
    status, _, body = get(env, 'threats.md')
    assert status == 200 and b'<script' not in body and b'[click me](javascript' not in body
    return '%d entries' % len(titles)


def package(env):
    if not NODE or not NPM:
        raise Skip('node and npm are not installed (apt-get install nodejs npm)')
    if not os.access(CHROMIUM, os.X_OK):
        raise Skip('chromium is not installed (apt-get install chromium)')
    modules = os.path.join(WEB, 'node_modules')
    if all(os.path.isfile(os.path.join(modules, n, 'package.json')) for n in ('playwright-core', 'axe-core')):
        return WEB
    copy = os.path.join(env.dir, 'web')
    os.makedirs(copy)
    for name in PACKAGE:
        shutil.copy(os.path.join(WEB, name), copy)
    p = subprocess.run([NPM, 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
                       cwd=copy, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, 'npm ci failed:\n' + p.stdout[-2000:] + p.stderr[-2000:]
    return copy


async def test_in_the_browser(env):
    """chromium: no console error, nothing outside the site, the cheapest path drawn, matrix counts, axe, print, no injection"""
    status, _, _ = get(env, 'index.html')
    if status == 404 and SERVER == 'ejabberd':
        raise Skip('ejabberd does not serve publish.dir')
    web = package(env)
    ids = env.ids
    pages = ['index.html'] + ['%s.html' % ids[k] for k in ('known', 'hostile', 'plain')] + [
        'feed.atom', 'threats.xml', 'threats.md']
    request = {'base': env.prosody.site_url, 'pages': pages, 'shots': env.shots,
               'profile': os.path.join(env.dir, 'profile')}
    p = subprocess.run([NODE, os.path.join(web, 'site.mjs')], input=json.dumps(request),
                       capture_output=True, text=True, timeout=300, cwd=web,
                       env=dict(os.environ, CHROMIUM=CHROMIUM))
    out = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {'error': p.stderr[-3000:]}
    assert 'error' not in out, out.get('error')
    report = out['pages']
    with open(os.path.join(env.shots, 'report.json'), 'w') as f:
        json.dump(report, f, indent=1)
    serious = []
    for name, r in report.items():
        assert r['status'] == 200, (name, r['status'])
        want = {'atom': 'application/atom+xml', 'xml': 'xml', 'md': 'text/', 'html': 'text/html'}
        assert want[name.rsplit('.', 1)[1]] in (r['content_type'] or ''), (name, r['content_type'])
        assert not r['outside'], (name, r['outside'])
        assert not r['dialogs'], (name, 'a dialog opened', r['dialogs'])
        assert not [c for c in r['console'] if c.startswith(('error', 'pageerror'))], (name, r['console'])
        if 'dom' not in r:
            continue
        dom = r['dom']
        assert dom['scripts'] == 0 and dom['handlers'] == 0 and dom['javascript_links'] == 0, (name, dom)
        assert dom['styles'] == 0 and dom['iframes'] == 0, (name, dom)
        assert len(dom['h1']) == 1 and dom['footer'], (name, dom['h1'])
        assert all(not h.startswith(('http:', 'https:', '//')) or h.startswith('https://xmpp.org/')
                   for h in dom['links']), (name, dom['links'])
        serious += ['%s: %s (%s, %d nodes: %s)' % (name, v['id'], v['impact'], v['nodes'], v['targets'])
                    for v in r['axe']['violations'] if v['impact'] in ('serious', 'critical')]
        assert r['print']['nav_hidden'] and r['print']['svg_fits'], (name, r['print'])
    assert not serious, serious
    known = report['%s.html' % ids['known']]['dom']
    assert known['svgs'] == 1 and len(known['nodes']) == 7, known['nodes']
    assert known['cheapest'] == CHEAPEST, known['cheapest']
    assert known['cheapest_edges'] == 2, known['cheapest_edges']
    kinds = {n['title']: n['classes'] for n in known['nodes']}
    assert 'and' in kinds['Compromise the server'] and 'or' in kinds['Get plaintext in transit']
    assert 'impossible' in kinds['Sniff an unencrypted c2s link'] and 'equipment' in kinds['Gain a shell']
    hostile = report['%s.html' % ids['hostile']]['dom']
    assert hostile['h1'] == ['%s: %s' % (ids['hostile'], HOSTILE['name'])], hostile['h1']
    assert hostile['nodes'][0]['title'] == '</svg><script>alert("tree")</script>', hostile['nodes'][0]
    assert hostile['svgs'] == 1
    index = report['index.html']['dom']
    matrix = {k: v['count'] for k, v in index['matrix'].items()}
    # what was filed, open: known low/high, hostile high/medium, plain medium/medium
    # after bob's assessment, the linked one unassessed
    want = {'high/low': 0, 'high/medium': 1, 'high/high': 0, 'medium/low': 0, 'medium/medium': 1,
            'medium/high': 0, 'low/low': 0, 'low/medium': 0, 'low/high': 1, 'unassessed': 1}
    assert matrix == want, matrix
    assert all(str(v['count']) == v['shown'] for v in index['matrix'].values()), index['matrix']
    assert index['matrix']['high/medium']['links'] == ['%s.html' % ids['hostile']]
    assert index['summary_rows'] == 4, index['summary_rows']
    minor = sorted({'%s (%s)' % (v['id'], v['impact']) for r in report.values() if 'axe' in r
                    for v in r['axe']['violations']})
    return 'axe: 0 serious/critical, %s%s' % (
        'others: ' + ', '.join(minor) if minor else 'no other violation',
        '; screenshots in %s' % env.shots if KEEP else '')


if __name__ == '__main__':
    run([test_published_at_start, test_published_on_change, test_links_in_the_room,
         test_documents_valid, test_in_the_browser], env_factory=SiteEnv)
