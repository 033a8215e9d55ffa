/* SPDX-License-Identifier: MIT */
/* The top of the daemon: it makes the loop, the sender, the store and the
 * modules (muc, pubsub, disco, router, connection, the announcements) and
 * wires their callbacks; nothing below calls back into it. One instance
 * lives in main(). */
#ifndef VIGIL_DAEMON_H
#define VIGIL_DAEMON_H

#include <signal.h>
#include <strophe.h>

#include "commands/register/context.h"
#include "component/disco.h"
#include "component/stream_sender.h"
#include "config/config.h"

struct chat_ctx;
struct announcer;
struct publisher;
struct connection;
struct loop;
struct muc;
struct pubsub;
struct ratelimit;
struct router;
struct store;

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
	xmpp_rand_t *rand;
	struct loop *loop;            /* every timer */
	struct stream_sender stream;  /* every stanza sent */
	struct store *store;
	struct commands_ctx commands; /* what the commands layer works with */
	struct chat_ctx *chat;        /* chat commands: dialogues, rate limits */
	struct ratelimit *iq_rate;    /* command and PubSub requests per bare JID */
	struct muc *muc;
	struct pubsub *pubsub;
	struct disco disco;
	struct router *router;
	struct connection *connection;
	struct announcer *announcer;  /* announcements (component/announce/announce.c) */
	struct publisher *publisher;  /* the site in publish.dir, or NULL (component/publish.c) */

	int pidfile;                  /* the lock an import finds vigil by, or -1 */
	int in_room_once;             /* systemd has been told READY */
	int stopping;                 /* shutdown in progress: do not reconnect */
	int done;                     /* the event loop should end */
	int exit_status;
};

/* Set by the signal handlers, acted on by the main loop: stop (SIGINT,
 * SIGTERM); read the events another process wrote (SIGUSR1, from
 * `vigil import`: component/pidfile.h). */
extern volatile sig_atomic_t daemon_signal_stop;
extern volatile sig_atomic_t daemon_signal_events;

int daemon_init(struct daemon *d, struct vigil_config *cfg);
/* Runs the event loop until a signal or a fatal error; returns the exit status. */
int daemon_run(struct daemon *d);
void daemon_cleanup(struct daemon *d);

/* What happens when the handshake is done on conn (the connection's "up"):
 * sends may go, the room is joined. The fuzz target calls it on a stream
 * without a socket. */
void daemon_stream_up(struct daemon *d, xmpp_conn_t *conn);

/* Tells systemd (if NOTIFY_SOCKET is set) the given state, e.g. "READY=1". */
void daemon_notify_systemd(const char *state);

#endif
