/* XEP-0050 ad-hoc commands: sessions, actions, the command list and the
 * response envelope. Each command's stages live in commands/cmd_*.c. */
#ifndef VIGIL_ADHOC_H
#define VIGIL_ADHOC_H

#include <strophe.h>

#include "component/xmpp/forms.h"

#define NS_COMMANDS "http://jabber.org/protocol/commands"

struct store;
struct vigil_config;

/* What the commands layer needs from the daemon. */
struct commands_ctx {
	xmpp_ctx_t *xmpp;
	xmpp_rand_t *rand;
	struct store *store;
	const struct vigil_config *cfg;
	const char *service_jid;     /* the component JID */
	long long (*now)(void);      /* unix seconds; tests may replace it */
	double (*monotonic)(void);   /* seconds, for rate limits; the fuzzers replace it */
	struct spare_session *spare; /* sessions the database refused (sessions.c) */
};

enum adhoc_action { ADHOC_EXECUTE, ADHOC_NEXT, ADHOC_PREV, ADHOC_COMPLETE };
enum adhoc_status { ADHOC_EXECUTING, ADHOC_COMPLETED };

/* One step of a command, handed to the command's step function. */
struct adhoc_step {
	struct commands_ctx *cc;
	const char *requester;       /* full JID */
	const char *who;             /* bare JID */
	enum adhoc_action action;
	const struct form *submitted; /* the submitted form, NULL when none */
	int forms;                   /* data forms in the request (a second one is refused) */
	int stage;                   /* in: the stage last shown (0 = none); out: now shown */
	char *state;                 /* in/out: session state (commands/adhoc/kv.h), owned */
	xmpp_stanza_t *command;      /* the response <command/> to fill */
	enum adhoc_status status;    /* out */
	/* out, when executing: the actions offered; `execute` is the default */
	int offer_prev, offer_next, offer_complete;
	/* out: set by adhoc_fail() to answer with an iq error instead */
	const char *error_type, *error_condition, *error_app;
	char error_text[1024];
};

typedef int (*adhoc_step_fn)(struct adhoc_step *s);

enum role { ROLE_NONE, ROLE_MEMBER, ROLE_ASSESSOR, ROLE_ADMIN };

struct adhoc_command {
	const char *node;
	const char *name;
	enum role min_role;
	adhoc_step_fn step;
};

/* Answers an iq set with <command xmlns=NS_COMMANDS>. Returns the reply for
 * the caller to send (and release); NULL only on allocation failure. */
xmpp_stanza_t *adhoc_handle(struct commands_ctx *cc, xmpp_stanza_t *iq);

/* Adds an <item/> to a disco#items query for each command requester may run. */
void adhoc_list_commands(struct commands_ctx *cc, const char *requester, xmpp_stanza_t *query);

/* The command named by node, or NULL. */
const struct adhoc_command *adhoc_find(const char *node);

/* Deletes expired sessions; returns how many or negative. */
int adhoc_expire(struct commands_ctx *cc);

/* Helpers for step functions. */
int adhoc_note(struct adhoc_step *s, const char *type, const char *text);
void adhoc_fail(struct adhoc_step *s, const char *type, const char *condition,
		const char *app, const char *text);

/* The requester's role from access.* (ROLE_NONE: outside allow_domains). */
enum role role_of(const struct vigil_config *cfg, const char *bare_jid);

#endif
