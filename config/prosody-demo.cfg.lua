-- SPDX-License-Identifier: MIT
-- Private Prosody for the vigil demo (config/run-demo): loopback only, the
-- standard ports so any client can connect, data and logs in a temporary
-- directory. @VAR@ are filled in by config/run-demo.
run_as_root = true
daemonize = false
pidfile = "@DIR@/prosody.pid"
data_path = "@DIR@/data"
log = { info = "@DIR@/prosody.log" }
certificates = "@DIR@/certs"

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { @C2S_PORT@ }
c2s_interfaces = { "127.0.0.1" }
component_ports = { @COMPONENT_PORT@ }
component_interfaces = { "127.0.0.1" }
s2s_ports = { }
-- the register on the web: publish.dir served at http://127.0.0.1:@HTTP_PORT@/sig/
http_ports = { @HTTP_PORT@ }
http_interfaces = { "127.0.0.1" }
http_default_host = "localhost"
http_files_dir = "@DIR@/site"
http_paths = { files = "/sig" }
https_ports = { }
c2s_direct_tls_ports = { }

modules_enabled = { "roster", "saslauth", "disco", "ping", "pep", "admin_adhoc", "http_files" }
modules_disabled = { "s2s", "limits", "tls", "offline" }

c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
storage = "internal"
admins = { "alice@localhost" }

VirtualHost "localhost"

Component "conference.localhost" "muc"
	muc_room_locking = false
	muc_tombstones = false
	restrict_room_creation = false

Component "pubsub.localhost" "pubsub"
	-- vigil may create its nodes here when pubsub.external_service points at it
	admins = { "threats.localhost" }

Component "threats.localhost"
	component_secret = "@SECRET@"
