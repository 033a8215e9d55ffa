# SPDX-License-Identifier: MIT
"""Twelve realistic XMPP threats, used to fill a register for the export tests and the demo;
and the attack tree the tests type (TREE, SMALL_TREE)."""

# PROTOCOL.md §7's example: OR and AND nodes, every attribute, in one text
TREE = ("Read another user's messages\n"
        "  OR Get plaintext in transit\n"
        "    Sniff an unencrypted c2s link [cost=0, impossible]\n"
        "    Strip STARTTLS [cost=1000]\n"
        "  AND Compromise the server\n"
        "    Gain a shell [cost=50000, equipment]\n"
        "    Read the archive [cost=0]")
# three lines of it, for the tests that type a tree into a real client line by line
SMALL_TREE = ("Read another user's messages",
              "  Sniff an unencrypted c2s link [cost=0, impossible]",
              "  Strip STARTTLS [cost=1000]")

THREATS = [
    # 1. likelihood medium, damage high -> priority high
    {
        "name": "Domain impersonation by spoofing Server Dialback",
        "abstract": (
            "An attacker who can influence DNS resolution or routing between two "
            "federating servers can pass Server Dialback verification and impersonate "
            "a whole domain. Dialback without authenticated TLS provides only weak "
            "identity verification."
        ),
        "definition": """Server Dialback (XEP-0220) authenticates a sending domain by having the receiving server open a connection back to the authoritative server for the claimed domain, located through DNS SRV and address records, and ask it to confirm a dialback key. The only thing binding the claimed domain to the verifying peer is therefore the answer the receiving server gets from DNS and the routing of the verification connection. An attacker who can poison the resolver used by the receiving server, who controls a network path to the authoritative server, or who can hijack the relevant prefix in BGP can point the verification connection at a host under their control, answer the db:verify request with type valid, and thereafter inject stanzas that appear to come from any JID at the victim domain.

The consequences are forged messages and presence from any user at the impersonated domain, forged subscription approvals, and the ability to receive traffic addressed to that domain when the same redirection is applied in the other direction. Because many servers still accept dialback over TLS sessions whose certificates were not verified, or over plaintext links, in order to federate with domains that present self-signed certificates, the weak check remains the effective authentication on a noticeable part of the federated network.""",
        "attack-tree": """Impersonate a domain towards a federated server
  OR Pass dialback verification for the domain
    AND Redirect the verification connection
      Poison the DNS resolver used by the receiving server [cost=5000]
      Answer db:verify as valid from a rogue host [cost=200]
    Hijack the BGP route to the authoritative server [cost=50000, equipment]
  Obtain a CA-signed certificate for the domain [cost=20000]""",
        "likelihood": "medium",
        "damage": "high",
        "existing-approaches": """RFC 6120 defines SASL EXTERNAL with PKIX certificates for server-to-server authentication, and XEP-0178 gives best practices for using it. RFC 7590 recommends TLS with certificate validation for all XMPP streams. XEP-0344 describes how TLS with validated certificates and DNSSEC strengthen dialback, including skipping the callback when the certificate already authenticates the domain. RFC 7673 (DANE with SRV records) and RFC 7711 (POSH) let a domain publish which certificate or delegated host it uses, and RFC 7712 ties these into XMPP domain name associations. XEP-0185 specifies how dialback keys are generated and validated, which prevents key reuse and guessing but not DNS redirection. XEP-0288 reduces the number of connections that need to be authenticated.""",
        "gap": """Dialback on its own still trusts unauthenticated DNS. Operators keep it enabled as a fallback for peers with self-signed or mismatched certificates, and DNSSEC and DANE deployment among XMPP domains remains low, so a receiving server frequently has no cryptographic evidence of the peer identity. There is no widely deployed way for a domain to signal that it must only be accepted with an authenticated certificate, so an attacker can always fall back to the weakest path.""",
        "potential-approaches": """(a) Require certificate-based authentication (SASL EXTERNAL per XEP-0178, or dialback over TLS with a validated certificate per XEP-0344) and drop plain dialback. This breaks federation with domains lacking valid certificates, which has become far cheaper to fix with free automated CAs.
(b) Accept plain dialback only when the DNS answers were DNSSEC-validated; implementation cost is moderate, but it requires validating resolvers on the server.
(c) Publish a policy through DANE TLSA records or POSH stating that the domain must be authenticated with a certificate, and honour it at receiving servers.
(d) Trust-on-first-use pinning of peer certificates, with alerts on change; cheap, but noisy when certificates rotate.""",
        "recommended-approach": """Recommend that server implementations default to requiring an authenticated certificate for s2s and treat dialback-only peers as unauthenticated, offering an operator switch for legacy peers. Encourage a best-practice document that combines XEP-0344, DANE and POSH into a single policy-signalling profile.""",
    },
    # 2. likelihood medium, damage high -> priority high
    {
        "name": "STARTTLS stripping on client-to-server and server-to-server streams",
        "abstract": (
            "An on-path attacker removes the STARTTLS offer from the stream features so "
            "that a client or peer server that tolerates plaintext continues without "
            "encryption. All stanzas and, with weak SASL mechanisms, the password are "
            "then exposed."
        ),
        "definition": """On a stream opened on the standard ports, TLS is negotiated in-band: the receiving entity advertises the starttls feature and the initiating entity asks to upgrade. The feature advertisement itself is sent in the clear, so an attacker with an on-path position (a hostile Wi-Fi hotspot, a compromised router, or a transit network between two servers) can delete the starttls element, or the required child inside it, before it reaches the initiating entity. If that entity is willing to continue without TLS, it proceeds in plaintext and the attacker can read and modify every stanza.

On client-to-server streams the most damaging result is credential capture when the client then offers PLAIN; even with SCRAM the attacker obtains a salted verifier exchange that can be attacked offline, and in any case captures the session. On server-to-server streams stripping is harder to detect because no user is present to notice, and older deployments fall back to plaintext with dialback, which gives the attacker both the content and the ability to impersonate the peer domain.""",
        "attack-tree": """Read c2s or s2s traffic in the clear
  AND Strip STARTTLS from a c2s stream
    Gain an on-path position on the client network [cost=100]
    Remove the starttls element from the stream features [cost=50]
    Client is configured to allow plaintext [cost=0]
  AND Strip STARTTLS from an s2s stream
    Gain an on-path position between two servers [cost=20000, equipment]
    Both servers allow plaintext s2s fallback [cost=0]
  Sniff a client that uses direct TLS per XEP-0368 [cost=0, impossible]""",
        "likelihood": "medium",
        "damage": "high",
        "existing-approaches": """RFC 6120 makes TLS mandatory to implement and lets the receiving entity mark STARTTLS as required, and RFC 7590 recommends that TLS be used and required on all streams. XEP-0368 defines SRV records for direct TLS, where the TLS handshake happens before any XMPP data and there is nothing to strip. Most current clients refuse to continue without TLS by default, and the 2014 public statement on ubiquitous encryption led large parts of the public network to require TLS on both c2s and s2s. XEP-0178 and RFC 7712 cover certificate validation once TLS is in place.""",
        "gap": """The required marker is sent before TLS and can be removed, so protection depends entirely on local policy at the initiating entity. Some clients, embedded devices and bots still allow plaintext, and some s2s deployments still accept it to federate with old peers. XMPP has no equivalent of a pinned, authenticated policy that tells a peer in advance that a domain always supports TLS, comparable to MTA-STS for mail.""",
        "potential-approaches": """(a) Make refusal of plaintext the non-configurable default in libraries and servers; low implementation cost, some interoperability cost with legacy peers.
(b) Prefer XEP-0368 direct TLS and fall back to STARTTLS only when the SRV records for it are absent, with a remembered preference per domain.
(c) Use DANE TLSA records under DNSSEC as a downgrade-resistant signal that a domain supports TLS.
(d) Define an XMPP TLS policy document, for example served over HTTPS next to host-meta, that servers can cache.""",
        "recommended-approach": """Recommend that all implementations refuse plaintext c2s and s2s by default and that the XSF publish guidance deprecating plaintext fallback; encourage XEP-0368 deployment and DANE where DNSSEC is available.""",
    },
    # 3. likelihood low, damage high -> priority medium
    {
        "name": "SASL mechanism and channel-binding downgrade through a TLS man-in-the-middle",
        "abstract": (
            "An attacker able to terminate TLS towards a client strips SCRAM-PLUS or all "
            "SCRAM mechanisms from the advertised list so that channel binding does not "
            "reveal the interception. The client then authenticates through the attacker "
            "and may disclose its password."
        ),
        "definition": """SCRAM with channel binding (SCRAM-SHA-1-PLUS and SCRAM-SHA-256-PLUS, RFC 5802 and RFC 7677) ties the authentication exchange to the TLS channel, so a man-in-the-middle who terminates TLS with a mis-issued certificate, a certificate the user was tricked into accepting, or an interception proxy is detected by the server. The defence only works if the client actually negotiates a PLUS mechanism with a strong binding type. The mechanism list and the list of supported channel-binding types are sent inside the TLS session that the attacker controls, so the attacker can edit them.

Removing only the PLUS variants does not work against a client that supports channel binding: the client then sets the gs2 flag y, and a server that supports channel binding rejects the exchange. Removing all SCRAM mechanisms and leaving PLAIN does work against a client that accepts PLAIN without remembering that the server previously offered SCRAM-PLUS, and yields the cleartext password. A subtler variant downgrades the binding type from tls-exporter or tls-unique to tls-server-end-point, which binds only to the server certificate and therefore does not detect an attacker who holds the genuine certificate key, for example at a compromised TLS-terminating front end.""",
        "attack-tree": """Capture credentials despite SCRAM-PLUS
  AND Downgrade authentication through a TLS man-in-the-middle
    OR Terminate TLS towards the client
      Obtain a mis-issued certificate for the domain [cost=30000]
      Trick the user into accepting an untrusted certificate [cost=500]
    Strip all SCRAM mechanisms so that only PLAIN is offered [cost=100]
    Client accepts PLAIN without mechanism pinning [cost=0]
  Strip only the PLUS variants and rely on the y flag going unnoticed [cost=100, impossible]""",
        "likelihood": "low",
        "damage": "high",
        "existing-approaches": """RFC 5802 defines channel binding for SCRAM and the gs2 y flag that detects removal of PLUS mechanisms; RFC 5929 and RFC 9266 define the tls-unique, tls-server-end-point and tls-exporter binding types. XEP-0440 lets the server announce its supported channel-binding types, and XEP-0474 protects the mechanism and channel-binding lists against tampering by covering them in the authenticated SCRAM exchange. XEP-0388 (SASL2) carries the same negotiation. Several mobile clients pin the strongest mechanism they have seen for an account and refuse to downgrade.""",
        "gap": """Nothing in the SCRAM exchange can protect a client that is willing to fall back to PLAIN, because no SCRAM exchange takes place. XEP-0474 is still Experimental and not widely deployed, and mechanism pinning is an implementation practice rather than a documented requirement. Many servers do not yet support tls-exporter, so TLS 1.3 connections often end up with tls-server-end-point or no binding at all.""",
        "potential-approaches": """(a) Require clients to pin the strongest mechanism and binding type seen for an account and to refuse lower ones unless the user explicitly resets the account; low cost, small usability impact after server migrations.
(b) Advance XEP-0474 and XEP-0440 and require tls-exporter support in servers that offer TLS 1.3.
(c) Deprecate PLAIN on public servers where all supported clients implement SCRAM; costly for deployments that use external password backends that store plaintext-equivalent hashes.""",
        "recommended-approach": """Recommend documenting mechanism and channel-binding pinning as a client requirement, and encourage server and client developers to implement XEP-0440 and XEP-0474 so that they can advance beyond Experimental.""",
    },
    # 4. likelihood medium, damage medium -> priority medium
    {
        "name": "Real-JID disclosure of occupants in semi-anonymous MUC rooms",
        "abstract": (
            "In semi-anonymous XEP-0045 rooms the real JIDs of occupants are visible to "
            "moderators, the moderator set can change at any time, and the room can be "
            "reconfigured as non-anonymous. Occupants who rely on nickname anonymity can "
            "therefore be de-anonymised."
        ),
        "definition": """Multi-User Chat (XEP-0045) distinguishes non-anonymous rooms, where every occupant sees the real JIDs of all others, from semi-anonymous rooms, where only moderators do. Users often treat semi-anonymous rooms as pseudonymous, but the protection is weak. Any owner or admin can grant the moderator role to any occupant, a room created by the attacker makes the attacker moderator from the start, and an owner can switch the room to non-anonymous while occupants are present. The room then sends status code 172, but several clients do not surface it prominently, so an occupant continues to talk while exposed.

Independently of room configuration, the MUC service itself always knows the real JID of every occupant, so a hostile or compromised service on another domain learns the real identities of all participants. Affiliation lists also expose bare JIDs of members to owners and admins. Real-JID disclosure links a pseudonym to an account, and therefore often to a person, which matters for activists, whistleblowers and support rooms.""",
        "attack-tree": """Learn the real JID behind a nickname in a semi-anonymous room
  OR Become a moderator
    Get granted the moderator role by a careless owner [cost=50]
    Create the room and invite the victim [cost=10]
  AND Switch the room to non-anonymous
    Own the room [cost=10]
    Victim client ignores status code 172 [cost=0]
  Operate the MUC service that hosts the room [cost=500]""",
        "likelihood": "medium",
        "damage": "medium",
        "existing-approaches": """XEP-0045 defines the muc#roomconfig_whois option and status codes 100, 172, 173 and 174 that tell occupants whether their real JID is visible. XEP-0421 provides stable anonymous occupant identifiers so that rooms can recognise returning occupants without sharing real JIDs. XEP-0369 (MIX) was designed with JID-hidden channels as a first-class mode. Users can also join sensitive rooms from a separate account.""",
        "gap": """Clients do not consistently warn before joining or while in a room where real JIDs are visible, and there is no mechanism for an occupant to require that the room stay semi-anonymous. Anonymity against the service and against moderators is not addressed at all, and users are rarely told this.""",
        "potential-approaches": """(a) Client guidance: show a persistent indicator of who can see the real JID, and require confirmation when a room becomes non-anonymous; low cost.
(b) Server option to refuse changing whois to anyone while occupants are present, or to kick occupants who do not rejoin after the change.
(c) Encourage separate pseudonymous accounts on a different server for sensitive rooms; no protocol change, but a usability cost.""",
        "recommended-approach": """Recommend client UI guidance in an informational XEP or in the XEP-0045 implementation notes, and suggest that servers make anonymity changes in occupied rooms require occupants to rejoin.""",
    },
    # 5. likelihood low, damage high -> priority medium
    {
        "name": "Exposure of message archives on a compromised server",
        "abstract": (
            "Servers that implement Message Archive Management keep long-term copies of "
            "conversations, usually in plaintext. A compromise of the server, its backups "
            "or its operator exposes the history and the metadata of every user at once."
        ),
        "definition": """Message Archive Management (XEP-0313) lets a server store messages so that clients can synchronise history across devices. To be useful the archive must be searchable by the server, and in most deployments message bodies of unencrypted one-to-one chats and of MUC rooms are stored as they were received. An attacker who gains access to the database, for example through a server vulnerability, a stolen unencrypted backup, a careless hosting provider or legal compulsion of the operator, obtains months or years of history for all users of the server in one step.

End-to-end encryption such as OMEMO (XEP-0384) protects the bodies, but not the metadata: the archive still records who communicated with whom, when, and how often, and MUC archives are often unencrypted. The damage therefore extends beyond the content to the social graph of the whole user base.""",
        "attack-tree": """Read archived conversations of many users
  AND Obtain the archive
    OR Gain access to server storage
      Exploit a server vulnerability [cost=40000]
      Steal an unencrypted backup [cost=5000]
      Compel the operator legally [cost=10000]
    Archive stores bodies in plaintext [cost=0]
  Decrypt archived OMEMO payloads [cost=0, impossible]""",
        "likelihood": "low",
        "damage": "high",
        "existing-approaches": """XEP-0313 lets users set archiving preferences (always, never, or roster contacts only). End-to-end encryption with XEP-0384 or XEP-0373 keeps bodies unreadable to the server. The no-store hint of XEP-0334 asks servers not to archive individual messages. Server implementations support retention limits and expiry of old archive entries, and operators can encrypt storage and backups at rest.""",
        "gap": """Retention policies are not advertised to users in a standard way, so users cannot know how long their history is kept. Metadata is not protected by any current approach. E2EE is not the default for MUC and for many clients, and storage encryption at rest does not help against an attacker with access to the running server.""",
        "potential-approaches": """(a) A discoverable retention policy, for example in service discovery or a data form, that clients can show to users; low cost.
(b) Make E2EE the default in one-to-one and private group chats; already the case in several clients.
(c) Client-side encrypted archives, where the server stores ciphertext under a key only the user devices hold; prevents server-side search and complicates multi-device setup.
(d) Operator guidance on short default retention and encrypted backups.""",
        "recommended-approach": """Recommend publishing operator guidance on retention and backup encryption and a standard way to advertise retention, while continuing to encourage E2EE by default.""",
    },
    # 6. not assessed
    {
        "name": "OMEMO device list injection by a malicious or compromised server",
        "abstract": (
            "OMEMO device lists and key bundles are published through PEP, which the "
            "server of the account controls. A hostile server, or an attacker with publish "
            "access, can add a device it controls and receive future messages from "
            "contacts that trust new devices automatically."
        ),
        "definition": """In OMEMO (XEP-0384) a sender encrypts each message for every device listed in the device list node of the recipient and of its own account. The device list and the bundles containing identity keys and prekeys are stored in PEP nodes on the server of the account owner. The server is therefore in a position to add an extra device ID with an attacker-controlled bundle, either for all subscribers or selectively for one contact, and an attacker who has the account password or who exploits a flaw in PEP access control can do the same.

Whether the injection succeeds depends on the trust policy of the sending client. Clients that use blind trust before verification encrypt to every new device of a contact whose keys have never been verified, so the injected device silently receives the message keys. Clients that require manual verification, or that have verified at least one device of the contact, show the new device as untrusted. The attack is thus mainly a risk for the large majority of users who never compare fingerprints.""",
        "attack-tree": """AND Read OMEMO messages sent to a user
  AND Inject a device into the device list of the victim
    OR Get publish access to the devices node
      Operate or compromise the server of the victim [cost=40000]
      Steal the account password of the victim [cost=2000]
      Exploit a flaw in PEP publish access control
    Publish a bundle for the injected device [cost=0]
  OR Get the sender to encrypt to the injected device
    Sender uses blind trust before verification [cost=0]
    Convince the sender to verify a fake fingerprint [cost=1000]""",
        "likelihood": "",
        "damage": "",
        "existing-approaches": """XEP-0384 requires clients to let users verify identity key fingerprints and to distinguish trusted from untrusted devices. XEP-0434 (Trust Messages) and XEP-0450 (Automatic Trust Management) let a device that the user has authenticated vouch for or distrust other devices, so verification only has to be done once per contact. Several clients show a notice when a contact gains a new device.""",
        "gap": """Most users never verify, and blind trust before verification means injected devices are accepted for those users. Trust Messages and Automatic Trust Management are not widely implemented. There is no transparency mechanism that would let a user discover that their server served a different device list to some contacts.""",
        "potential-approaches": """(a) Wider implementation of XEP-0450 so that verification propagates across devices.
(b) Device lists signed by an account-level identity key, so that a server cannot add devices without access to that key; requires a change to XEP-0384.
(c) Key transparency: an append-only log of device lists that clients audit; significant infrastructure cost.
(d) Stronger UI: warn when a new device appears for a contact and delay sending until the user acknowledges it.""",
        "recommended-approach": """Not yet assessed. Recommend that the SIG complete the likelihood and damage assessment with input from OMEMO client developers before recommending protocol changes.""",
    },
    # 7. likelihood medium, damage low -> priority low
    {
        "name": "Leaking or guessing HTTP File Upload URLs",
        "abstract": (
            "Files shared with HTTP File Upload are fetched through a plain GET URL that "
            "acts as a bearer capability. Anyone who learns or guesses the URL can "
            "download the file until it expires."
        ),
        "definition": """With HTTP File Upload (XEP-0363) a client asks its server for an upload slot, uploads the file with HTTP PUT, and shares the resulting GET URL in a message. The GET URL requires no authentication, so access control rests entirely on keeping the URL secret. URLs leak in many ways: they are posted in public MUC rooms whose logs are published on the web, fetched by link-preview services and proxies that log them, stored in browser history, and forwarded by recipients. If an upload service builds the path from a small counter, a timestamp or the original file name, an attacker can also enumerate URLs directly.

When the file is shared with end-to-end encryption (the aesgcm scheme of XEP-0454, or XEP-0448), the key is carried in the URL fragment and never sent to the upload server, so a leaked path without its fragment only yields ciphertext; but a leaked full URL, for example copied from a decrypted message, still discloses the file.""",
        "attack-tree": """Download a file shared by another user
  OR Obtain the GET URL
    Guess a low-entropy URL path [cost=500]
    Read the URL from a public MUC log [cost=10]
    Harvest URLs from link-preview or proxy logs [cost=2000]
  AND Decrypt an encrypted share
    Obtain the URL including the key fragment [cost=10]
    Fetch the ciphertext before the file expires [cost=0]""",
        "likelihood": "medium",
        "damage": "low",
        "existing-approaches": """XEP-0363 requires HTTPS for the URLs and recommends that GET URLs be hard to guess; common upload services use long random path components. XEP-0454 and XEP-0448 encrypt files client-side with the key in the URL fragment. Servers typically expire uploads after a configurable period and enforce quotas.""",
        "gap": """The security model (bearer URLs) is not obvious to users, who may assume files are restricted to the chat participants. Expiry periods are not advertised, and there is no standard way to revoke a shared file.""",
        "potential-approaches": """(a) Keep bearer URLs but recommend minimum entropy and advertise expiry; no protocol change.
(b) Authenticated downloads bound to the JIDs that received the message; requires the HTTP service to know XMPP identities, which is complex across domains.
(c) Encourage clients to encrypt all uploads, including in MUC rooms; low cost with XEP-0448.""",
        "recommended-approach": """Recommend documenting the bearer-URL model and minimum entropy for GET URLs in XEP-0363 security considerations, and encourage clients to encrypt uploads by default.""",
    },
    # 8. likelihood high, damage medium -> priority high
    {
        "name": "Stanza flooding and resource exhaustion of servers",
        "abstract": (
            "Authenticated clients, remote servers or many unauthenticated connections can "
            "send stanzas or open streams faster than a server can process them. MUC and "
            "presence fan-out amplify the load, degrading service for all users."
        ),
        "definition": """An XMPP server keeps per-stream state, parses every incoming byte as XML, and routes, stores or broadcasts stanzas. An attacker can exhaust CPU, memory or bandwidth by sending many small stanzas, very large stanzas, or many connections that never finish authentication. Protocol features multiply the effect: a single groupchat message is delivered to every occupant of a large room, a presence change is broadcast to every contact and every interested PEP subscriber, expensive archive queries can be issued repeatedly, and stream management (XEP-0198) makes the server hold unacknowledged stanzas for sessions that may be resumed.

The attacker may be a single abusive account, a federated server under hostile control, or a botnet of registered accounts. The effect ranges from degraded latency to crashes that disconnect all users of the server and interrupt federation with it.""",
        "attack-tree": """Exhaust resources of an XMPP server
  OR Flood from a single account
    Send stanzas faster than the configured rate limit [cost=0, impossible]
    Trigger fan-out in a large MUC room [cost=50]
  AND Flood from many sources
    Register or compromise many accounts [cost=1000]
    Coordinate a botnet of clients [cost=5000, equipment]
  Open many unauthenticated connections [cost=200]""",
        "likelihood": "high",
        "damage": "medium",
        "existing-approaches": """RFC 6120 defines the policy-violation and resource-constraint stream errors for shedding load. XEP-0205 gives best practices to discourage denial-of-service attacks, including connection and bandwidth limits. XEP-0478 lets servers advertise maximum stanza size and idle timeouts. Servers implement per-connection rate limiting, limits on unauthenticated connections, and bounds on the XEP-0198 resumption queue. XEP-0268 describes incident handling between server operators.""",
        "gap": """There is no standard way to signal throttling to a peer, so a slowed-down peer cannot tell rate limiting from failure. Federated floods from a hostile domain can only be handled by blocking the entire domain. Amplification through MUC and presence is bounded only by local configuration.""",
        "potential-approaches": """(a) Standardise rate-limit signalling, for example an error or stream feature that states current limits; moderate cost.
(b) Per-domain quotas on s2s traffic and automatic temporary blocking; implementation-only.
(c) Limits on MUC room size and message rate per occupant, with room-level slow mode.
(d) Update XEP-0205 with current practice on fan-out and resumption queues.""",
        "recommended-approach": """Recommend updating XEP-0205 with current practice and starting work on rate-limit signalling, building on XEP-0478.""",
    },
    # 9. likelihood high, damage high -> priority critical
    {
        "name": "Spam and abuse through open in-band registration",
        "abstract": (
            "Public servers that allow open in-band registration let spammers create "
            "accounts in bulk and send unsolicited messages and subscription requests "
            "across the federation. The sending server is then blocklisted by its peers, "
            "which harms its legitimate users."
        ),
        "definition": """In-Band Registration (XEP-0077) lets a client create an account on a server directly over XMPP. On public servers that leave it open, a script can register thousands of accounts, harvest target JIDs from public MUC rooms and directories, and send messages, subscription requests and MUC invitations to users on any federated domain. Spammers also run their own throwaway domains, which costs little and bypasses registration controls entirely.

Spam is the most visible abuse problem on the public XMPP network today. Besides nuisance to recipients, it carries phishing links and malware, loads servers, and leads operators to block whole domains, so legitimate users of a server that was abused lose federation with parts of the network. The cost to the attacker per account and per message is close to zero.""",
        "attack-tree": """AND Send spam to many users across the federation
  OR Obtain sending accounts
    AND Mass-register on open servers
      Find servers with open in-band registration [cost=0]
      Solve or bypass CAPTCHA forms [cost=5]
    Run a throwaway domain and server [cost=20]
  Harvest target JIDs from public MUC rooms [cost=10]
  Send faster than reports take effect [cost=0]""",
        "likelihood": "high",
        "damage": "high",
        "existing-approaches": """XEP-0077 can carry a data form, and XEP-0158 adds CAPTCHA challenges to it. XEP-0401 (Easy User Onboarding) and XEP-0445 (Pre-Authenticated In-Band Registration) support invitation-based registration. XEP-0377 lets users report spam and abuse when blocking a sender with XEP-0191. XEP-0268 describes incident handling between operators. Operators rely on registration rate limits per IP address, server-side filters, and community-maintained blocklists of abusive domains.""",
        "gap": """CAPTCHAs are cheaply solved by services, and many servers still run open registration without any challenge. Spam reports usually stay on the receiving server; there is no standard way to share them with the originating server or with other operators. Domain blocklists are not distributed in a standardised format, and throwaway domains are cheap to rotate.""",
        "potential-approaches": """(a) Make invitation-based registration (XEP-0401, XEP-0445) the default in server software, with open registration an explicit choice; low protocol cost, some friction for new users.
(b) Standardise distribution of shared domain and JID reputation lists, for example over PubSub; governance is the hard part.
(c) Forward XEP-0377 reports to the originating server so that it can suspend accounts quickly.
(d) Quarantine first-contact messages and subscription requests from strangers in clients.""",
        "recommended-approach": """Recommend invitation-based registration as the default for new deployments, promote XEP-0377 implementation in clients and servers, and start work on a standard format for sharing blocklists between operators.""",
    },
    # 10. not assessed
    {
        "name": "Information leak through PEP nodes with overly broad access models",
        "abstract": (
            "Personal Eventing via PubSub publishes data such as location, tune and avatar "
            "to every presence subscriber by default. Private data can also leak when a "
            "server ignores publish-options and stores it with the default access model."
        ),
        "definition": """Personal Eventing via PubSub (XEP-0163) gives every account a set of PubSub nodes whose default access model is presence: any entity with a presence subscription to the account can retrieve the items, and contacts that announce interest through entity capabilities (XEP-0115) receive updates automatically. Clients publish user location (XEP-0080), tune (XEP-0118), avatars (XEP-0084) and similar data there, and users rarely review who holds a presence subscription; approvals granted years ago are seldom revoked.

PEP is also used for private storage such as bookmarks (XEP-0402), which must use the whitelist access model requested through publish-options as described in XEP-0223. If a server does not support publish-options and silently accepts the publish, and the client does not check the feature first, the private data ends up readable by all presence subscribers, including the list of rooms the user joins and, in older formats, room passwords.""",
        "attack-tree": """AND Learn private data published through PEP
  OR Be an approved presence subscriber
    Keep an old subscription that was never revoked [cost=0]
    Get a new subscription request approved [cost=10]
  OR Find private data under the presence access model
    Client publishes location or tune by default [cost=0]
    AND Private storage falls back to the default model
      Server ignores publish-options [cost=0]
      Client does not check for publish-options support [cost=0]""",
        "likelihood": "",
        "damage": "",
        "existing-approaches": """XEP-0060 defines access models and publish-options preconditions, and XEP-0223 requires clients to check for publish-options support before storing private data. XEP-0402 specifies the whitelist access model for bookmarks. Users can remove presence subscriptions through roster management, and most clients make publishing location opt-in.""",
        "gap": """Users do not see which PEP data each contact can read. Compliance with the publish-options precondition has historically varied among servers and clients, and there is no audit tool for the access model of existing nodes.""",
        "potential-approaches": """(a) Client UI that lists published PEP nodes with their access models; low cost.
(b) Servers that reject, rather than ignore, unsupported publish-options, as XEP-0060 already requires.
(c) Periodic prompts to review old presence subscriptions.""",
        "recommended-approach": """Not yet assessed; recommend a survey of server and client compliance with XEP-0223 before assigning a priority.""",
    },
    # 11. likelihood low, damage medium -> priority low (candidate for retirement)
    {
        "name": "XML entity expansion (billion laughs) against stream parsers",
        "abstract": (
            "An attacker sends a document type declaration with nested entity definitions "
            "so that a naive XML parser expands them into gigabytes of text. Conforming "
            "XMPP parsers reject such streams, which makes this threat largely obsolete."
        ),
        "definition": """The classic billion laughs attack defines an entity in an internal DTD subset and then defines further entities that each reference the previous one ten times, for example <!ENTITY lol "lol"> followed by <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"> and so on up to lol9. A single reference to &lol9; in element content then expands to a billion copies of the string, so a few hundred bytes on the wire can exhaust memory and CPU of a parser that performs the expansion. A related quadratic blow-up uses one large entity referenced many times.

XMPP is largely immune by design: RFC 6120 forbids DTDs, comments, processing instructions and entity references other than the five predefined ones (&lt; &gt; &amp; &quot; &apos;) and numeric character references, and a receiving entity that sees any of them must close the stream with a restricted-xml error. The attack is therefore only possible against implementations that feed the stream to a general-purpose parser with DTD processing left on, which is mostly a concern for small or hand-written client libraries. Note that 'quotes' and "double quotes" inside attribute values are unaffected: they are ordinary character data and need no entity declarations.""",
        "attack-tree": """Exhaust memory of an XMPP entity with entity expansion
  AND Attack a server stream parser
    Open a c2s or s2s stream without authenticating [cost=0]
    Send an internal DTD subset with nested entities [cost=0]
    Parser expands entities instead of closing the stream [cost=0, impossible]
  AND Attack a client instead of a server
    Run a server that the victim client connects to [cost=500]
    Client library leaves DTD processing enabled [cost=0, possible]""",
        "likelihood": "low",
        "damage": "medium",
        "existing-approaches": """RFC 6120 defines restricted XML for streams and the restricted-xml stream error. Common parsers used by XMPP servers reject or bound DTD processing, and recent expat releases include built-in protection against entity amplification. XEP-0205 recommends limiting resource use per connection, and XEP-0478 lets servers advertise stanza size limits.""",
        "gap": """No protocol gap remains. The residual risk lies in individual implementations that configure their parser incorrectly.""",
        "potential-approaches": """(a) Add a test for DTD rejection to interoperability and compliance test suites.
(b) Mention the attack explicitly in library documentation for XML parser configuration.""",
        "recommended-approach": """Do nothing at this time. The threat is addressed by RFC 6120 restricted XML, and the SIG should consider retiring it once a compliance test confirms that major implementations reject DTDs.""",
    },
    # 12. likelihood low, damage low -> priority note
    {
        "name": "Message Carbons delivered to a rogue resource",
        "abstract": (
            "An attacker who has the account password binds an extra resource and enables "
            "Message Carbons, silently receiving copies of messages sent and received by "
            "the other resources. The marginal damage is low because such an attacker can "
            "already read the archive."
        ),
        "definition": """Message Carbons (XEP-0280) has the server copy every eligible message sent or received by any resource of an account to all other resources of that account that enabled carbons. An attacker who knows the password can log in with an inconspicuous resource, enable carbons, and follow conversations in real time while the legitimate user remains unaware, unless the user client lists other active sessions.

The exposure is limited. Carbons are only delivered among resources of the same bare JID, and clients must reject carbons whose sender is not their own bare JID, which prevents a different account from forging them. OMEMO-encrypted messages are copied only as ciphertext, which the rogue resource cannot read unless it is also trusted as an OMEMO device. Most importantly, an attacker holding the password can already fetch the full message archive through XEP-0313, so carbons add little beyond real-time delivery.""",
        "attack-tree": """Silently receive copies of messages of another account
  AND Bind a rogue resource to the account
    Obtain the account password [cost=2000]
    Enable carbons on the rogue resource [cost=0]
  Forge a carbon from a different account [cost=100, impossible]
  Read OMEMO payloads from the carbons [cost=0, impossible]""",
        "likelihood": "low",
        "damage": "low",
        "existing-approaches": """XEP-0280 security considerations require clients to check that forwarded carbons come from their own bare JID, and the private element lets a sender exclude individual messages from carbons. XEP-0388 (SASL2), XEP-0386 (Bind 2) and XEP-0484 (FAST) give servers stable client identifiers, which enables listing and revoking sessions. Strong passwords and SCRAM limit credential theft.""",
        "gap": """Users are rarely shown which resources are online on their account. This is a general account-compromise issue rather than a carbons issue.""",
        "potential-approaches": """(a) Clients list active sessions and notify the user when a new client logs in.
(b) Server-side notification of new logins from unknown clients.""",
        "recommended-approach": """Do nothing at this time with respect to carbons; the underlying risk is covered by threats on credential compromise and archive exposure.""",
    },
]

RETIRE = 11
