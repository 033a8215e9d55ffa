"""vigil in the SIG room: presence, nick conflict, kick, destruction (issue 3)."""
import asyncio

from harness import COMPONENT, ROOM, SERVER, Skip, connect, run
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
        reply = await c.iq(query, ito=ROOM, itype='set')
        assert reply['type'] == 'result', reply
        env.vigil.wait_log(r'room destroyed', timeout=5)
    finally:
        await c.stop()
    c = await connect(env.prosody, 'alice', 'again')
    try:
        await asyncio.sleep(0.5)
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
        await asyncio.sleep(1)
        assert env.vigil.running()
        assert 'vigil' in c.occupants()
    finally:
        await c.stop()


ROOM_LUA = 'local r = prosody.hosts["conference.localhost"].modules.muc.get_room_from_jid("%s"); ' % ROOM


async def test_silent_loss(env):
    """membership lost without a presence (server-side): the XEP-0410 self-ping notices, vigil rejoins"""
    if SERVER != 'prosody':
        raise Skip('drops the occupant through Prosody\'s admin shell')
    c = await connect(env.prosody, 'carol')
    try:
        await c.join()
        await c.wait_occupant('vigil')
        offset = len(env.vigil.log_text())
        # drop vigil's occupant inside Prosody: nobody is told, vigil included
        out = env.prosody.shell(ROOM_LUA + 'local o = r:get_occupant_by_nick("%s/vigil"); '
                                'o.role = nil; r:save_occupant(o); return "dropped"' % ROOM)
        assert 'dropped' in out, out
        out = env.prosody.shell(ROOM_LUA + 'return tostring(r:get_occupant_by_nick("%s/vigil") ~= nil)'
                                % ROOM)
        assert 'false' in out, 'really gone: %s' % out
        # selfping_interval is 5 s in the tests
        env.vigil.wait_log(r'not in \S+ any more \(not-acceptable\): rejoining', 15, after=offset)
        env.vigil.wait_log(r'joined \S+ as vigil', 15, after=offset)
        out = env.prosody.shell(ROOM_LUA + 'return tostring(r:get_occupant_by_nick("%s/vigil") ~= nil)'
                                % ROOM)
        assert 'true' in out, 'back in the room: %s' % out
    finally:
        await c.stop()


if __name__ == '__main__':
    run([test_occupant, test_room_configured, test_kicked, test_destroyed, test_nick_conflict,
         test_chat_does_not_disturb, test_silent_loss])
