/* SPDX-License-Identifier: MIT */
/* What every command layer (ad-hoc, chat, the operations) needs from the
 * daemon, and who may do what (PROTOCOL.md §9). Lives with the register so
 * that the operations and the chat layer need not include commands/adhoc/. */
#ifndef VIGIL_COMMANDS_CONTEXT_H
#define VIGIL_COMMANDS_CONTEXT_H

#include <strophe.h>

#include "commands/register/change.h"

struct store;
struct vigil_config;
struct spare_session;

/* What the commands layer needs from the daemon. */
struct commands_ctx {
	xmpp_ctx_t *xmpp;
	xmpp_rand_t *rand;
	struct store *store;
	const struct vigil_config *cfg;
	const char *service_jid;     /* the component JID */
	long long (*now)(void);      /* unix seconds; tests may replace it */
	double (*monotonic)(void);   /* seconds, for rate limits; the fuzzers replace it */
	struct spare_session *spare; /* sessions the database refused (commands/adhoc/sessions.c) */
	struct change_listener changes; /* told of each committed change (component/announce/announce.c) */
};

enum role { ROLE_NONE, ROLE_MEMBER, ROLE_ASSESSOR, ROLE_ADMIN };

/* Who makes a request: the role is worked out once per request (by the
 * ad-hoc or chat layer) and handed to the operations with the JID. */
struct actor {
	const char *jid;  /* bare JID */
	enum role role;
};

/* The requester's role from access.* (ROLE_NONE: outside allow_domains). */
enum role role_of(const struct vigil_config *cfg, const char *bare_jid);

#endif
