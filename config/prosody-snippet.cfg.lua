-- SPDX-License-Identifier: MIT
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

-- Optional: the register on the web. vigil rewrites the site in
-- publish.dir after every change; Prosody's mod_http_files serves it at
-- http://127.0.0.1:5280/sig/ (vigil.conf: publish.base_url =
-- http://127.0.0.1:5280/sig/). Add "http_files" to modules_enabled and set,
-- in the global section (before any VirtualHost or Component; the
-- directory must be readable by prosody and writable by vigil):
--   http_ports = { 5280 }
--   http_interfaces = { "127.0.0.1" }
--   http_files_dir = "/var/lib/vigil/site"
--   http_paths = { files = "/sig" }
-- Behind a reverse proxy, serve the directory itself instead; the links
-- between its files are relative.

-- vigil itself (component.jid, component.secret: use a long random one, or
-- VIGIL_COMPONENT_SECRET).
Component "threats.localhost"
	component_secret = "secret"
