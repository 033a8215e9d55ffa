"""Abuse limits (issue 8): access.allow_domains, per-JID request rate,
caps on open command sessions, and threats too large for a stanza."""
from harness import (command_of, connect, error_of, form_values, notes, run)
from slixmpp.xmlstream import ET

NS_PUBSUB = 'http://jabber.org/protocol/pubsub'


def restart_with(env, **settings):
    env.vigil.stop()
    env.vigil.settings.update({k.replace('__', '.'): v for k, v in settings.items()})
    env.vigil.write_config()
    env.start_vigil()


def error_text(iq):
    err = iq.xml.find('{jabber:client}error')
    text = err.find('{urn:ietf:params:xml:ns:xmpp-stanzas}text') if err is not None else None
    return text.text if text is not None else ''


def subscribe(node, jid):
    pubsub = ET.Element('{%s}pubsub' % NS_PUBSUB)
    ET.SubElement(pubsub, '{%s}subscribe' % NS_PUBSUB, node=node, jid=jid)
    return pubsub


async def test_allow_domains(env):
    """a JID outside access.allow_domains gets forbidden for commands, PubSub and chat"""
    restart_with(env, access__allow_domains='example.org')
    carol = await connect(env.prosody, 'carol')
    try:
        # admins and assessors are named one by one and keep their access
        reply = await carol.command('file')
        assert error_of(reply) == ('forbidden', None), reply
        assert 'domain' in error_text(reply), error_text(reply)
        reply = await carol.iq(subscribe('threats', 'carol@localhost'), itype='set')
        assert error_of(reply) == ('forbidden', None), reply
        disco = ET.Element('{http://jabber.org/protocol/disco#info}query')
        reply = await carol.iq(disco)
        assert reply['type'] == 'result', 'disco stays open: anyone may see what vigil is'
        carol.send_message(mto='threats.localhost', mbody='list', mtype='chat')
        msg = await carol.wait_for(lambda m: m.get_from().bare == 'threats.localhost'
                                   and m['body'], what='a chat answer')
        assert 'may not use this service' in msg['body'], msg['body']
    finally:
        await carol.stop()
        restart_with(env, access__allow_domains=None)


async def test_request_rate(env):
    """over access.rate_per_minute, requests get policy-violation; other JIDs are not affected"""
    restart_with(env, access__rate_per_minute=5)
    alice = await connect(env.prosody, 'alice')
    carol = await connect(env.prosody, 'carol')
    try:
        answers = []
        for _ in range(8):
            answers.append(await alice.command('list', fields={}))
        conditions = [error_of(a) for a in answers]
        assert conditions[:5] == [None] * 5, conditions
        assert conditions[5:] == [('policy-violation', None)] * 3, conditions
        assert 'Too many requests' in error_text(answers[5])
        reply = await alice.iq(subscribe('threats', 'alice@localhost'), itype='set')
        assert error_of(reply) == ('policy-violation', None), 'PubSub counts too'
        ping = ET.Element('{urn:xmpp:ping}ping')
        assert (await alice.iq(ping))['type'] == 'result', 'ping is not rate limited'
        reply = await carol.command('list', fields={})
        assert error_of(reply) is None, 'another JID has its own allowance'
    finally:
        await alice.stop()
        await carol.stop()
        restart_with(env, access__rate_per_minute=60000)


async def test_session_caps(env):
    """open sessions are capped per JID and in total; a finished one frees its place"""
    restart_with(env, commands__max_sessions_per_jid=2, commands__max_sessions=3)
    alice = await connect(env.prosody, 'alice', 'one')
    alice2 = await connect(env.prosody, 'alice', 'two')
    bob = await connect(env.prosody, 'bob')
    try:
        first = command_of(await alice.command('file'))
        second = command_of(await alice2.command('show'))
        assert first.get('status') == second.get('status') == 'executing'
        reply = await alice.command('assess')
        assert error_of(reply) == ('resource-constraint', None), reply
        assert 'unfinished' in error_text(reply), error_text(reply)
        reply = await alice.command('list', fields={})
        assert error_of(reply) is None, 'a single-stage request needs no session'
        await alice.command('file', action='cancel', sessionid=first.get('sessionid'))
        third = command_of(await alice.command('assess'))
        assert third.get('status') == 'executing', 'canceling freed a place'
        assert command_of(await bob.command('file')).get('status') == 'executing'
        reply = await bob.command('show')
        assert error_of(reply) == ('resource-constraint', None), 'the total cap (3) holds'
        assert 'vigil has too many' in error_text(reply), error_text(reply)
    finally:
        for c in (alice, alice2, bob):
            await c.stop()
        restart_with(env, commands__max_sessions_per_jid=1000, commands__max_sessions=None)


async def test_threat_too_large(env):
    """a threat too large to fit a stanza is refused with the reason; the largest allowed fits"""
    alice = await connect(env.prosody, 'alice')
    try:
        lock = '\U0001F512'  # 4 bytes in UTF-8
        huge = {'name': 'Huge', 'abstract': 'x', 'definition': lock * 16000,
                'attack-tree': 'Goal\n' + ('  Step ' + lock * 900 + '\n') * 16, 'gap': '&' * 8000}
        reply = await alice.command('file', fields=huge)
        cmd = command_of(reply)
        assert cmd.get('status') == 'executing', 'refused, not filed'
        text = ' '.join(t for k, t in notes(cmd) if k == 'error')
        assert 'too large' in text and 'KiB' in text, notes(cmd)
        assert form_values(cmd)['definition'] == lock * 16000, 'the values are kept'
        # the largest threat that is accepted: each reply carrying it stays below 128 KiB
        big = {'name': 'Big', 'abstract': 'x', 'definition': lock * 8000,
               'existing-approaches': '&' * 8000, 'gap': '<' * 4000}
        reply = await alice.command('file', fields=big)
        cmd = command_of(reply)
        assert cmd.get('status') == 'completed', notes(cmd)
        tid = form_values(cmd)['id']
        for node in ('show', 'edit'):
            first = command_of(await alice.command(node))
            reply = await alice.command(node, action='next', sessionid=first.get('sessionid'),
                                        fields={'id': tid})
            size = len(str(reply).encode('utf-8'))
            assert size < 128 * 1024, (node, size)
            assert form_values(command_of(reply))['definition'] == lock * 8000
    finally:
        await alice.stop()


if __name__ == '__main__':
    run([test_allow_domains, test_request_rate, test_session_caps, test_threat_too_large])
