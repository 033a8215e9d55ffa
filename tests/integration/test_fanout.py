# SPDX-License-Identifier: MIT
"""Server-side fan-out: with pubsub.external_service pointing at
the server's own PubSub service, clients subscribed there get vigil's items
from the server; config/'s snippets are what the test and demo servers run.
Runs against whichever server `make check` uses (SERVER=ejabberd too)."""
import asyncio
import os
import re
import time

import yaml

from harness import (NS_PUBSUB, NS_THREAT, SERVER, SRCDIR, Env, command_of, connect, error_of,
                     file_threat, pubsub, pubsub_events, run, wait_until)

SERVICE = 'pubsub.localhost'
# what config/run-demo puts in place of the templates' @VAR@ (the snippets'
# values); the tests' free ports and secrets are the harness's business
DEMO_VALUES = {'C2S_PORT': '5222', 'COMPONENT_PORT': '5347', 'SECRET': 'secret', 'DIR': '/demo'}


def read_config(*path):
    with open(os.path.join(SRCDIR, *path)) as f:
        text = f.read()
    return re.sub(r'@([A-Z0-9_]+)@', lambda m: DEMO_VALUES.get(m.group(1), m.group(0)), text)


def lua_settings(text):
    """{section: {key: value}} of a Prosody config: section '' is the global
    one, then 'VirtualHost "x"' / 'Component "x" "muc"' as written."""
    sections = {'': {}}
    current = sections['']
    for line in text.splitlines():
        line = line.split('--', 1)[0].strip()
        if not line:
            continue
        if line.startswith(('Component ', 'VirtualHost ')):
            current = sections.setdefault(' '.join(line.split()), {})
            continue
        key, sep, value = line.partition('=')
        assert sep, 'not a setting: %r' % line
        current[key.strip()] = ' '.join(value.split())
    return sections


def lua_missing(snippet, config):
    """What the snippet sets that the config does not (or differently)."""
    missing = []
    for section, settings in snippet.items():
        for key, value in settings.items():
            got = config.get(section, {}).get(key)
            if got != value:
                missing.append('%s %s = %s (has %s)' % (section or '(global)', key, value, got))
        if section not in config:
            missing.append('%s (no such section)' % section)
    return missing


def yaml_missing(snippet, config, path='/'):
    """What the snippet holds that the config does not: mappings by key,
    lists element by element (each snippet element is in some config
    element), scalars equal."""
    if isinstance(snippet, dict):
        if not isinstance(config, dict):
            return ['%s: a mapping in the snippet, %r in the config' % (path, config)]
        out = []
        for key, value in snippet.items():
            if key not in config:
                out.append('%s%s: missing' % (path, key))
            else:
                out += yaml_missing(value, config[key], '%s%s/' % (path, key))
        return out
    if isinstance(snippet, list):
        if not isinstance(config, list):
            return ['%s: a list in the snippet, %r in the config' % (path, config)]
        out = []
        for i, element in enumerate(snippet):
            if all(yaml_missing(element, c) for c in config):
                out.append('%s[%d] = %r: in no element of the config' % (path, i, element))
        return out
    if str(snippet) == str(config):
        return []
    return ['%s: %r, config has %r' % (path, snippet, config)]


async def test_snippets_match(env):
    """config/'s snippets hold, setting for setting, in the servers the tests and the demo run"""
    prosody = lua_settings(read_config('config', 'prosody-snippet.cfg.lua'))
    assert prosody[''] and len(prosody) == 4, prosody  # not parsed into nothing
    for name in (('config', 'prosody-demo.cfg.lua'),
                 ('tests', 'integration', 'prosody.cfg.lua.in')):
        config = lua_settings(read_config(*name))
        if 'test' in name[-1]:  # free ports, set by the harness
            config['']['component_ports'] = '{ %s }' % DEMO_VALUES['COMPONENT_PORT']
        missing = lua_missing(prosody, config)
        assert not missing, '%s lacks: %s' % ('/'.join(name), '; '.join(missing))
    ejabberd = yaml.safe_load(read_config('config', 'ejabberd-snippet.yml'))
    assert set(ejabberd) == {'listen', 'acl', 'access_rules', 'modules'}, ejabberd
    config = yaml.safe_load(read_config('tests', 'integration', 'ejabberd.yml.in'))
    missing = yaml_missing(ejabberd, config)
    assert not missing, 'tests/integration/ejabberd.yml.in lacks: ' + '; '.join(missing)
    # and a check that can fail: a changed value is noticed
    assert yaml_missing({'modules': {'mod_pubsub': {'host': 'x'}}}, config)
    assert lua_missing({'Component "pubsub.localhost" "pubsub"': {'admins': '{ }'}},
                       lua_settings(read_config('config', 'prosody-demo.cfg.lua')))


def server_events(client, node):
    """(item id, payload) of every notification from the server's service."""
    return pubsub_events(client, node, SERVICE)


async def subscribe_when_created(client, node, timeout=15):
    """Subscribes at the server's service once vigil's first publish created the node."""
    deadline = time.monotonic() + timeout
    while True:
        reply = await client.iq(pubsub('subscribe', node=node, jid=client.boundjid.bare),
                                ito=SERVICE, itype='set')
        if reply['type'] == 'result' or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)  # polls
    assert reply['type'] == 'result', 'no node %s on %s: %s' % (node, SERVICE, error_of(reply))


async def test_fanout(env):
    """a client subscribed at the server's PubSub gets each filing, assessment and retirement"""
    alice = await connect(env.server, 'alice')
    bob = await connect(env.server, 'bob')
    carol = await connect(env.server, 'carol')
    dave = await connect(env.server, 'dave')
    try:
        # the first filing (it has a priority: an item on each node) creates the nodes
        first = await file_threat(alice, name='creates the nodes', likelihood='low', damage='low')
        await subscribe_when_created(carol, 'threats')
        await subscribe_when_created(carol, 'priority')
        if SERVER == 'prosody':
            # Prosody refuses a publish to a missing node: vigil creates it
            assert 'creating node threats on %s (access model open)' % SERVICE \
                in env.vigil.log_text()
        # ejabberd creates it itself at the first publish (XEP-0060 §7.1.4
        # auto-create) with its default_node_config: either way it is open
        info = await carol['xep_0030'].get_info(jid=SERVICE, node='threats')
        form = info['disco_info'].xml.find('{jabber:x:data}x')
        fields = {f.get('var'): [v.text for v in f.findall('{jabber:x:data}value')]
                  for f in (form if form is not None else [])}
        assert fields.get('pubsub#access_model') == ['open'], fields

        tid = await file_threat(alice, name='Seen through the server', likelihood='medium',
                                damage='medium')
        await wait_until(lambda: any(i == tid for i, _ in server_events(carol, 'threats')),
                         what='the filing from %s' % SERVICE)
        payload = [p for i, p in server_events(carol, 'threats') if i == tid][-1]
        assert payload.tag == '{%s}threat' % NS_THREAT, payload
        assert (payload.get('revision'), payload.get('priority'), payload.get('author')) == \
            ('1', 'medium', 'alice@localhost'), payload.attrib
        assert payload.findtext('{%s}name' % NS_THREAT) == 'Seen through the server'

        reply = await bob.command('assess', fields={'id': tid, 'likelihood': 'high',
                                                   'damage': 'high', 'rationale': 'tried it'})
        assert command_of(reply).get('status') == 'completed', reply

        def change():
            return [p for i, p in server_events(carol, 'priority') if i == '%s-r2' % tid]
        await wait_until(change, what='the priority change from %s' % SERVICE)
        assert (change()[0].get('from'), change()[0].get('to'), change()[0].get('by')) == \
            ('medium', 'critical', 'bob@localhost'), change()[0].attrib

        reply = await alice.command('retire', fields={'id': tid, 'reason': 'fixed'})
        assert command_of(reply).get('status') == 'completed', reply
        await wait_until(lambda: any(i == tid and p.get('status') == 'retired'
                                     for i, p in server_events(carol, 'threats')),
                         what='the retirement from %s' % SERVICE)
        # every revision came once, in order
        revisions = [p.get('revision') for i, p in server_events(carol, 'threats') if i == tid]
        assert revisions == ['1', '2', '3'], revisions

        # the server keeps an item per threat, its latest state (on Prosody
        # vigil asks for that when it creates the node; ejabberd's
        # default_node_config keeps as many)
        reply = await dave.iq(pubsub('items', node='threats'), ito=SERVICE)
        items = reply.xml.find('{%s}pubsub/{%s}items' % (NS_PUBSUB, NS_PUBSUB))
        latest = {i.get('id'): i[0].get('revision') for i in items}
        assert first != tid
        assert latest.get(tid) == '3' and latest.get(first) == '1', latest
        # that answer came from the service after it had published revision 3:
        # a notification to dave would have come before it
        assert not server_events(dave, 'threats') and not server_events(dave, 'priority'), \
            'dave is not subscribed'
    finally:
        for c in (alice, bob, carol, dave):
            await c.stop()


if __name__ == '__main__':
    run([test_snippets_match, test_fanout],
        lambda: Env({'pubsub.external_service': SERVICE}))
