# SPDX-License-Identifier: MIT
"""vigil in the SIG room: presence, nick conflict, kick, destruction."""
from harness import COMPONENT, ROOM, SERVER, connect, file_threat, run, sentinel, wait_until
from slixmpp.xmlstream import ET

NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin'
NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner'


async def test_occupant(env):
    """vigil is an occupant of the room with its configured nick"""
    c = await connect(env.prosody, 'carol')
    try:
        await c.join()
        await c.wait_occupant('vigil')
    finally:
        await c.stop()


async def test_room_configured(env):
    """the room vigil created is non-anonymous, so vigil sees real JIDs"""
    c = await connect(env.prosody, 'alice')
    try:
        await c.join()
        await c.wait_occupant('vigil')
        jid = c['xep_0045'].get_jid_property(ROOM, 'vigil', 'jid')
        assert jid and str(jid).startswith(COMPONENT), 'vigil real JID seen: %r' % jid
    finally:
        await c.stop()


async def test_kicked(env):
    """kicked by a moderator: vigil is back in the room within 15 s"""
    c = await connect(env.prosody, 'alice')  # server admin: owner of every room
    try:
        await c.join()
        await c.wait_occupant('vigil')
        if SERVER == 'ejabberd':
            # ejabberd never kicks an owner (vigil created the room): demote it first
            query = ET.Element('{%s}query' % NS_MUC_ADMIN)
            ET.SubElement(query, '{%s}item' % NS_MUC_ADMIN, jid=COMPONENT, affiliation='member')
            reply = await c.iq(query, ito=ROOM, itype='set')
            assert reply['type'] == 'result', reply
        query = ET.Element('{%s}query' % NS_MUC_ADMIN)
        ET.SubElement(query, '{%s}item' % NS_MUC_ADMIN, nick='vigil', role='none')
        reply = await c.iq(query, ito=ROOM, itype='set')
        assert reply['type'] == 'result', reply
        await c.wait_occupant('vigil', present=False, timeout=5)
        await c.wait_occupant('vigil', timeout=15)
        assert 'kicked' in env.vigil.log_text()
    finally:
        await c.stop()


async def test_destroyed(env):
    """the room destroyed: vigil creates it again and is back within 15 s"""
    c = await connect(env.prosody, 'alice')
    try:
        await c.join()
        await c.wait_occupant('vigil')
        query = ET.Element('{%s}query' % NS_MUC_OWNER)
        ET.SubElement(query, '{%s}destroy' % NS_MUC_OWNER)
        offset = len(env.vigil.log_text())
        reply = await c.iq(query, ito=ROOM, itype='set')
        assert reply['type'] == 'result', reply
        env.vigil.wait_log(r'room destroyed', timeout=5, after=offset)
    finally:
        await c.stop()
    c = await connect(env.prosody, 'alice', 'again')
    try:
        # vigil has created the room again (else alice's join would)
        env.vigil.wait_log(r'joined \S+ as ', timeout=15, after=offset)
        await c.join()
        await c.wait_occupant('vigil', timeout=15)
    finally:
        await c.stop()


async def test_nick_conflict(env):
    """the nick is taken when vigil joins: vigil joins as vigil_"""
    env.vigil.stop()
    bob = await connect(env.prosody, 'bob')
    try:
        await bob.join(nick='vigil')
        env.start_vigil()
        await bob.wait_occupant('vigil_')
        assert 'nick taken' in env.vigil.log_text()
    finally:
        await bob.stop()
    env.vigil.stop()
    env.start_vigil()


async def test_chat_does_not_disturb(env):
    """room chatter and a direct message leave vigil running and in the room"""
    c = await connect(env.prosody, 'carol')
    try:
        await c.join()
        await c.wait_occupant('vigil')
        c.send_message(mto=ROOM, mbody='hello room', mtype='groupchat')
        c.send_message(mto=COMPONENT, mbody='hello vigil', mtype='chat')
        await sentinel(c, room=True)  # vigil has read both
        assert env.vigil.running()
        assert 'vigil' in c.occupants()
    finally:
        await c.stop()


def room_config(**fields):
    """A muc#owner submission setting muc#roomconfig_<name> = value."""
    query = ET.Element('{%s}query' % NS_MUC_OWNER)
    x = ET.SubElement(query, '{jabber:x:data}x', type='submit')
    for var, value in dict(FORM_TYPE='http://jabber.org/protocol/muc#roomconfig',
                           **{'muc#roomconfig_' + k: v for k, v in fields.items()}).items():
        field = ET.SubElement(x, '{jabber:x:data}field', var=var)
        ET.SubElement(field, '{jabber:x:data}value').text = value
    return query


async def test_voice(env):
    """a visitor in a moderated room: vigil asks for voice, and announces once given it"""
    alice = await connect(env.prosody, 'alice')  # server admin: owner of every room
    try:
        await alice.join()
        await alice.wait_occupant('vigil')
        reply = await alice.iq(room_config(moderatedroom='1'), ito=ROOM, itype='set')
        assert reply['type'] == 'result', reply
        offset = len(env.vigil.log_text())
        # vigil created the room: an owner, whom no server makes a visitor
        for attrs in ({'jid': COMPONENT, 'affiliation': 'none'},
                      {'nick': 'vigil', 'role': 'visitor'}):
            query = ET.Element('{%s}query' % NS_MUC_ADMIN)
            ET.SubElement(query, '{%s}item' % NS_MUC_ADMIN, **attrs)
            reply = await alice.iq(query, ito=ROOM, itype='set')
            assert reply['type'] == 'result', reply
        env.vigil.wait_log(r'without voice', 10, after=offset)
        # the moderators get vigil's voice request (XEP-0045 §8.6)
        await alice.wait_for(lambda m: m.xml.find('{jabber:x:data}x') is not None and any(
            v.text == 'http://jabber.org/protocol/muc#request'
            for v in m.xml.iter('{jabber:x:data}value')), 10, 'the voice request')
        tid = await file_threat(alice, name='said once voiced')

        def said():
            return [m for m in alice.messages if m['type'] == 'groupchat' and
                    m['from'].resource == 'vigil' and tid in m['body']]
        await sentinel(alice, room=True)
        assert not said(), 'a visitor cannot speak: the announcement waits'
        query = ET.Element('{%s}query' % NS_MUC_ADMIN)
        ET.SubElement(query, '{%s}item' % NS_MUC_ADMIN, nick='vigil', role='participant')
        reply = await alice.iq(query, ito=ROOM, itype='set')
        assert reply['type'] == 'result', reply
        await wait_until(said, 10, 'the announcement once voiced')
        await sentinel(alice, room=True)
        assert len(said()) == 1, [m['body'] for m in said()]
    finally:
        await alice.iq(room_config(moderatedroom='0'), ito=ROOM, itype='set')
        await alice.stop()


ROOM_LUA = 'local r = prosody.hosts["conference.localhost"].modules.muc.get_room_from_jid("%s"); ' % ROOM
ROOM_ERL = '{ok, P} = mod_muc:find_online_room(<<"%s">>, <<"%s">>), ' % tuple(ROOM.split('@'))


async def test_silent_loss(env):
    """membership lost without a presence (server-side): the XEP-0410 self-ping notices, vigil rejoins"""
    c = await connect(env.prosody, 'carol')
    d = None
    try:
        await c.join()
        await c.wait_occupant('vigil')
        offset = len(env.vigil.log_text())
        if SERVER == 'ejabberd':
            # kill the room's process inside ejabberd: nobody is told, vigil
            # included; the next stanza loads the persistent room again, empty
            out = env.prosody.erl(ROOM_ERL + 'exit(P, kill), killed.')
            assert 'killed' in out, out
        else:
            # drop vigil's occupant inside Prosody: nobody is told, vigil included
            out = env.prosody.shell(ROOM_LUA + 'local o = r:get_occupant_by_nick("%s/vigil"); '
                                    'o.role = nil; r:save_occupant(o); return "dropped"' % ROOM)
            assert 'dropped' in out, out
            out = env.prosody.shell(ROOM_LUA + 'return tostring(r:get_occupant_by_nick('
                                    '"%s/vigil") ~= nil)' % ROOM)
            assert 'false' in out, 'really gone: %s' % out
        # selfping_interval is 5 s in the tests
        env.vigil.wait_log(r'not in \S+ any more \(not-acceptable\): rejoining', 15, after=offset)
        env.vigil.wait_log(r'joined \S+ as vigil', 15, after=offset)
        if SERVER == 'prosody':
            out = env.prosody.shell(ROOM_LUA + 'return tostring(r:get_occupant_by_nick('
                                    '"%s/vigil") ~= nil)' % ROOM)
            assert 'true' in out, 'back in the room: %s' % out
        # and a newcomer sees it there
        d = await connect(env.prosody, 'dave')
        await d.join()
        await d.wait_occupant('vigil')
    finally:
        await c.stop()
        if d:
            await d.stop()


if __name__ == '__main__':
    run([test_occupant, test_room_configured, test_kicked, test_destroyed, test_nick_conflict,
         test_chat_does_not_disturb, test_voice, test_silent_loss])
