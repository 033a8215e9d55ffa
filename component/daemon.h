/* The daemon's state, shared by the component/ modules. One instance lives in
 * main(); every handler gets it as userdata. */
#ifndef VIGIL_DAEMON_H
#define VIGIL_DAEMON_H

#include <signal.h>
#include <strophe.h>

#include "commands/adhoc/adhoc.h"
#include "config/config.h"

struct store;
struct muc_room;
struct pubsub_fanout;
struct outbox_state;

/* Exit statuses (sysexits.h values, so systemd can tell them apart). */
enum {
	VIGIL_EXIT_OK = 0,
	VIGIL_EXIT_FAILURE = 1,
	VIGIL_EXIT_USAGE = 64,
	VIGIL_EXIT_CONFIG = 78, /* bad config or secret refused: do not restart */
};

struct daemon {
	struct vigil_config *cfg;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;        /* current connection, NULL between attempts */
	xmpp_rand_t *rand;
	struct store *store;
	struct muc_room *room;
	struct commands_ctx commands; /* what the commands layer works with */
	struct pubsub_fanout *fanout; /* notifications being sent, or NULL */
	struct outbox_state *outbox;  /* announcements in flight */
	struct chat_ctx *chat;        /* chat commands: dialogues, rate limits */
	struct ratelimit *iq_rate;    /* command and PubSub requests per bare JID */

	unsigned long long stanzas_queued; /* handed to libstrophe by daemon_send */
	int send_mode;            /* enum send_guard_mode: how daemon_send checks */
	int ready;                /* handshake done: stanzas may be sent */
	int reconnect_attempt;    /* failures since the last successful handshake */
	int ping_outstanding;     /* keepalive pings sent without an answer */
	int stopping;             /* shutdown in progress: do not reconnect */
	int done;                 /* the event loop should end */
	int exit_status;
	int ever_connected;
};

/* Set by the signal handler, acted on by the main loop. */
extern volatile sig_atomic_t daemon_signal_stop;

int daemon_init(struct daemon *d, struct vigil_config *cfg);
/* Runs the event loop until a signal or a fatal error; returns the exit status. */
int daemon_run(struct daemon *d);
void daemon_cleanup(struct daemon *d);

/* Sends a stanza if the stream is up (handshake done), after the checks of
 * component/xmpp/send_guard.h: every stanza vigil sends goes through here.
 * Returns 0 when handed to libstrophe, -1 when not connected or refused
 * (the stanza is not kept). */
int daemon_send(struct daemon *d, xmpp_stanza_t *stanza);

/* A fresh random id for an outgoing stanza (caller frees with free()). */
char *daemon_new_id(struct daemon *d);

/* Tells systemd (if NOTIFY_SOCKET is set) the given state, e.g. "READY=1". */
void daemon_notify_systemd(const char *state);

#endif
