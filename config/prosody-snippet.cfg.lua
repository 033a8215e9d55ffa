-- vigil on Prosody (0.12): what to add to prosody.cfg.lua. Names and the
-- secret are vigil's defaults (vigil.conf: component.*, room.jid,
-- pubsub.external_service); change them together. tests/integration/
-- test_fanout.py checks that the test and demo servers run exactly this.

-- The component listener (XEP-0114) for vigil: loopback only, since
-- whoever reaches it with the secret can speak as any user.
component_ports = { 5347 }
component_interfaces = { "127.0.0.1" }

-- The SIG room's service (room.jid = sig@conference.localhost). vigil
-- creates the room when it is missing: persistent, non-anonymous and
-- unmoderated.
Component "conference.localhost" "muc"
	restrict_room_creation = false

-- Optional: the server's own PubSub service, for pubsub.external_service =
-- pubsub.localhost. Prosody answers a publish to a missing node with
-- item-not-found; vigil then creates the node with pubsub.access_model and
-- owns it. As an admin of the service vigil may also publish to nodes that
-- already exist.
Component "pubsub.localhost" "pubsub"
	admins = { "threats.localhost" }

-- vigil itself (component.jid, component.secret: use a long random one, or
-- VIGIL_COMPONENT_SECRET).
Component "threats.localhost"
	component_secret = "secret"
