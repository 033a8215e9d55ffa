/* SPDX-License-Identifier: MIT */
/* The daemon: it makes the loop, the sender, the store and the modules,
 * wires their callbacks, and runs the event loop. Signals only set
 * daemon_signal_stop; the loop acts on it. */
#include "component/daemon.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "commands/adhoc/adhoc.h"
#include "commands/adhoc/sessions.h"
#include "commands/chat/chat.h"
#include "commands/chat/ratelimit.h"
#include "commands/register/template.h"
#include "component/connection.h"
#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/muc.h"
#include "component/announce/announce.h"
#include "component/pidfile.h"
#include "component/publish.h"
#include "component/pubsub/pubsub.h"
#include "component/router.h"
#include "component/xmpp/send_guard.h"
#include "storage/store.h"

#define LOOP_TIMEOUT_MS 100
#define SESSION_SWEEP_MS 60000
#define SHUTDOWN_GRACE_S 3
#define WRITABLE_RETRY_MS 10000
#define TIMER_SESSIONS_SWEEP "sessions-sweep"
#define TIMER_STORAGE_WRITABLE "storage-writable"

volatile sig_atomic_t daemon_signal_stop;
volatile sig_atomic_t daemon_signal_events;

/* libstrophe's own log with VIGIL_XMPP_TRACE=1: its debug output is every
 * byte on the wire. */
static void strophe_log(void *userdata, xmpp_log_level_t level, const char *area,
			const char *msg)
{
	switch (level) {
	case XMPP_LEVEL_ERROR:
		log_error("xmpp %s: %s", area, msg);
		break;
	case XMPP_LEVEL_WARN:
		log_warn("xmpp %s: %s", area, msg);
		break;
	default:
		log_debug("xmpp %s: %s", area, msg);
	}
}

static xmpp_log_t strophe_logger = { strophe_log, NULL };

static long long wall_clock(void)
{
	return loop_wall_seconds();
}

static double monotonic_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- timers of the daemon's own ------------------------------------------ */

/* Ad-hoc sessions left unfinished expire (commands.session_timeout). */
static void sweep_sessions(void *arg)
{
	struct daemon *d = arg;
	int n = adhoc_expire(&d->commands);

	chat_expire(d->chat);
	if (n > 0)
		log_debug("expired %d ad-hoc session%s", n, n == 1 ? "" : "s");
	loop_timer_set(d->loop, TIMER_SESSIONS_SWEEP, SESSION_SWEEP_MS, sweep_sessions, d);
}

/* Started read-only (a read-only file system or file): the next change
 * tries to write anyway (store_begin); this says when it works again and
 * lets the announcer clear what it sent meanwhile. */
static void retry_writable(void *arg)
{
	struct daemon *d = arg;

	if (store_is_readonly(d->store) && store_try_writable(d->store) < 0) {
		loop_timer_set(d->loop, TIMER_STORAGE_WRITABLE, WRITABLE_RETRY_MS, retry_writable, d);
		return;
	}
	log_info("%s is writable again: changes are accepted", d->cfg->storage_path);
}

/* --- the announcements: every call into component/announce/announce.c is here ---- */

/* vigil may speak in the room: room lines waiting may go */
static void announcements_may_go(void *arg)
{
	struct daemon *d = arg;

	if (d->announcer)
		announce_room_ready(d->announcer);
}

/* The room refused a line (stream_sender.h): said again later. */
static void announcements_refused(void *arg, unsigned long long mark)
{
	struct daemon *d = arg;

	if (d->announcer)
		announce_room_refused(d->announcer, mark);
}

/* The server confirmed more of what was sent (stream_sender.h). */
static void announcements_confirmed(void *arg)
{
	struct daemon *d = arg;

	if (d->announcer)
		announce_confirmed(d->announcer);
}

static int announcements_answer(void *arg, xmpp_stanza_t *iq)
{
	struct daemon *d = arg;

	return d->announcer ? announce_handle_answer(d->announcer, iq) : 0;
}

static int room_ready(void *arg)
{
	return muc_can_speak(((struct daemon *)arg)->muc);
}

static int room_say(void *arg, const char *text)
{
	struct daemon *d = arg;
	char *linked = publish_room_line(d->cfg, text); /* ends with its page (publish.base_url) */
	int rc = muc_say(d->muc, linked ? linked : text);

	free(linked);
	return rc;
}

static int publish(void *arg, const char *node, const char *item_id,
		   xmpp_stanza_t *(*build)(void *build_arg), void *build_arg)
{
	return pubsub_publish(((struct daemon *)arg)->pubsub, node, item_id, build, build_arg);
}

static int publish_busy(void *arg)
{
	return pubsub_fanout_busy(((struct daemon *)arg)->pubsub);
}

static int publish_step(void *arg)
{
	return pubsub_fanout_step(((struct daemon *)arg)->pubsub);
}

static void publish_reset(void *arg)
{
	pubsub_fanout_reset(((struct daemon *)arg)->pubsub);
}

static unsigned long long stanzas_queued(void *arg)
{
	return ((struct daemon *)arg)->stream.queued;
}

/* In the change's transaction: the announcer keeps its PubSub items. */
static void recording(void *arg, const struct change *change)
{
	announce_recording(((struct daemon *)arg)->announcer, change);
}

/* The operations' listener: each committed change goes to the announcer and
 * to the publisher (publish.dir). */
static void changed(void *arg, const struct change *change)
{
	struct daemon *d = arg;

	announce_changed(d->announcer, change);
	publish_changed(d->publisher, change);
}

/* Every committed change is handed to the announcer (the operations' listener);
 * what an earlier run left unannounced is taken up first. */
static int announcements_init(struct daemon *d)
{
	const struct announce_deps deps = { room_ready, room_say, publish, publish_busy,
					    publish_step, publish_reset, stanzas_queued, d };
	/* bursts paced by the server's confirmations (stream_sender.h) */
	const struct announce_options opts = {
		.external_service = d->cfg->pubsub_external_service,
		.access_model = d->cfg->pubsub_access_model,
		.service = d->cfg->component_jid, .base_url = d->cfg->publish_base_url,
		.pace = 1, .settle_ms = ANNOUNCE_SETTLE_MS,
	};

	d->announcer = announce_new(d->loop, &d->stream.sender, d->store, &deps, &opts);
	if (!d->announcer)
		return -1;
	d->stream.on_confirmed = announcements_confirmed;
	d->stream.on_refused = announcements_refused;
	d->stream.listener_arg = d;
	d->commands.changes.recording = recording;
	d->commands.changes.changed = changed;
	d->commands.changes.ctx = d;
	if (announce_load(d->announcer) < 0)
		log_warn("could not read the changes left to announce: %s", store_errmsg(d->store));
	return 0;
}

/* --- the room ---------------------------------------------------------------- */

static void room_joined(void *arg)
{
	struct daemon *d = arg;

	if (!d->in_room_once) {
		d->in_room_once = 1;
		daemon_notify_systemd("READY=1\nSTATUS=in the room");
	}
}

static void room_message(void *arg, const struct chat_message *msg, chat_reply_fn reply,
			 void *reply_ctx)
{
	struct daemon *d = arg;

	chat_dispatch(d->chat, msg, reply, reply_ctx);
}

/* --- the stream ------------------------------------------------------------- */

void daemon_stream_up(struct daemon *d, xmpp_conn_t *conn)
{
	stream_sender_attach(&d->stream, conn);
	muc_on_connected(d->muc);
	announce_connected(d->announcer);
}

static void stream_up(void *arg, xmpp_conn_t *conn)
{
	daemon_stream_up(arg, conn);
}

static void stream_down(void *arg)
{
	struct daemon *d = arg;

	stream_sender_detach(&d->stream);
	muc_on_disconnected(d->muc);
	announce_disconnected(d->announcer);
}

static void stream_stanza(void *arg, xmpp_stanza_t *stanza)
{
	struct daemon *d = arg;
	const char *name = xmpp_stanza_get_name(stanza);

	if (stream_sender_take_answer(&d->stream, stanza))
		return;
	if (name && strcmp(name, "message") == 0)
		stream_sender_see_echo(&d->stream, stanza); /* the room module sees it too */
	router_dispatch(d->router, stanza);
}

static void stream_ended(void *arg, int config_refused)
{
	struct daemon *d = arg;

	if (config_refused)
		d->exit_status = VIGIL_EXIT_CONFIG;
	d->stopping = 1;
	d->done = 1;
}

/* --- life cycle --------------------------------------------------------------- */

static int open_store(struct daemon *d)
{
	char err[512];
	int rc = store_open(&d->store, d->cfg->storage_path, STORE_OPEN_WRITE_OR_READ,
			    template_schema(), err, sizeof err);

	if (rc < 0) {
		log_error("%s", err);
		return -1;
	}
	/* sqlite's default threshold, 1,000 pages (4 MB), written back by a
	 * thread: no commit waits for it */
	if (store_checkpoint_in_background(d->store, 1000) < 0)
		log_warn("%s: no thread to checkpoint the database; commits checkpoint it "
			 "themselves", d->cfg->storage_path);
	if (store_is_readonly(d->store)) {
		/* serve reads; changes are refused with a note until it is writable */
		log_warn("%s: the database cannot be written: serving reads only until it can",
			 d->cfg->storage_path);
		if (loop_timer_set(d->loop, TIMER_STORAGE_WRITABLE, WRITABLE_RETRY_MS,
				   retry_writable, d) < 0)
			return -1;
	}
	return 0;
}

/* The modules, each given what it needs; the router last, as it reaches them all. */
static int make_modules(struct daemon *d)
{
	const struct sender *sender = &d->stream.sender;
	const struct muc_callbacks room = { room_joined, announcements_may_go, room_message, d };
	const struct connection_callbacks stream = { stream_up, stream_down, stream_stanza,
						     stream_ended, d };
	struct router_deps routes = {
		.cfg = d->cfg, .sender = sender, .commands = &d->commands, .chat = d->chat,
		.iq_rate = d->iq_rate, .disco = &d->disco,
	};

	d->muc = muc_new(d->cfg, sender, d->loop, &room);
	d->pubsub = pubsub_new(d->cfg, d->store, sender);
	if (!d->muc || !d->pubsub)
		return -1;
	d->disco.cfg = d->cfg;
	d->disco.sender = sender;
	d->disco.commands = &d->commands;
	d->disco.pubsub = d->pubsub;
	routes.muc = d->muc;
	routes.pubsub = d->pubsub;
	d->router = router_new(&routes);
	if (!d->router || router_on_answer(d->router, muc_handle_answer, d->muc) < 0 ||
	    router_on_answer(d->router, announcements_answer, d) < 0)
		return -1;
	d->connection = connection_new(d->cfg, d->ctx, d->rand, d->loop, sender, &stream);
	return d->connection ? 0 : -1;
}

int daemon_init(struct daemon *d, struct vigil_config *cfg)
{
	char err[512];
	int publish_failed;

	memset(d, 0, sizeof *d);
	d->cfg = cfg;
	d->pidfile = -1;
	xmpp_initialize();
	/* libstrophe formats every debug line (each stanza, in and out) before
	 * the handler can drop it, unless the handler is its own filtering
	 * logger: without tracing, that one takes its warnings and errors (to
	 * stderr, in libstrophe's format), and nothing is formatted for naught */
	d->ctx = xmpp_ctx_new(NULL, getenv("VIGIL_XMPP_TRACE") ? &strophe_logger :
				    xmpp_get_default_logger(XMPP_LEVEL_WARN));
	if (!d->ctx)
		goto fail;
	xmpp_ctx_set_timeout(d->ctx, LOOP_TIMEOUT_MS);
	d->rand = xmpp_rand_new(d->ctx);
	d->loop = loop_new(NULL, NULL);
	if (!d->rand || !d->loop)
		goto fail;
	/* the MUC service is our server's own: it answers the pings that
	 * confirm what was sent (stream_sender.h) */
	stream_sender_init(&d->stream, d->ctx, d->rand, d->loop, cfg->component_jid,
			   strchr(cfg->room_jid, '@') ? strchr(cfg->room_jid, '@') + 1 : cfg->room_jid,
			   cfg->room_jid, send_guard_mode_from_env());
	if (open_store(d) < 0) {
		d->exit_status = VIGIL_EXIT_FAILURE;
		return -1;
	}
	/* an import finds vigil by it; without it, what it imports is
	 * announced with vigil's next change or start */
	if ((d->pidfile = pidfile_hold(cfg->storage_path, err, sizeof err)) < 0)
		log_warn("%s: `vigil import` cannot wake this vigil", err);
	d->commands.xmpp = d->ctx;
	d->commands.rand = d->rand;
	d->commands.store = d->store;
	d->commands.cfg = cfg;
	d->commands.service_jid = cfg->component_jid;
	d->commands.now = wall_clock;
	d->commands.monotonic = monotonic_clock;
	d->chat = chat_new(&d->commands);
	/* a minute's worth may come at once (a client opening a few forms) */
	d->iq_rate = ratelimit_new(cfg->rate_per_minute, cfg->rate_per_minute);
	d->publisher = publish_new(cfg, d->loop, &publish_failed);
	if (!d->chat || !d->iq_rate || make_modules(d) < 0 || announcements_init(d) < 0 ||
	    publish_failed ||
	    /* the first sweep at once: a vigil restarted more often than every
	     * SESSION_SWEEP_MS (crashes) would otherwise never expire the
	     * sessions left by the runs before it */
	    loop_timer_set(d->loop, TIMER_SESSIONS_SWEEP, 0, sweep_sessions, d) < 0)
		goto fail;
	return 0;
fail:
	log_error("out of memory while starting");
	d->exit_status = VIGIL_EXIT_FAILURE;
	return -1;
}

static long long monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Each turn: the timers that are due, then libstrophe reads and writes for
 * as long as the next timer allows, then the signals. */
int daemon_run(struct daemon *d)
{
	long long deadline = 0;

	connection_start(d->connection);
	while (!d->done) {
		/* the answers of the last turn leave before the timers' work (the
		 * announcements they caused) is done and queued behind them:
		 * libstrophe writes its queue at the start of a turn (and does not
		 * count a stanza written in part among the queued ones) */
		if (connection_is_up(d->connection)) {
			xmpp_run_once(d->ctx, 0);
			if (d->done)
				break;
		}
		loop_run_due(d->loop);
		connection_ack_promptly(d->connection);
		/* during a fan-out the announcer's timer is due at once: one
		 * batch per turn, incoming stanzas served between batches */
		xmpp_run_once(d->ctx, (unsigned long)loop_next_ms(d->loop, LOOP_TIMEOUT_MS));
		if (daemon_signal_events) {
			daemon_signal_events = 0;
			log_debug("woken to announce changes another process made");
			announce_reread(d->announcer);
		}
		if (daemon_signal_stop && !d->stopping) {
			log_info("shutting down");
			announce_stop(d->announcer);
			muc_leave(d->muc, "vigil is shutting down");
			d->stopping = 1;
			connection_close(d->connection);
			deadline = monotonic_seconds() + SHUTDOWN_GRACE_S;
		}
		if (d->stopping && (connection_is_down(d->connection) ||
				    (deadline && monotonic_seconds() >= deadline)))
			d->done = 1;
	}
	return d->exit_status;
}

void daemon_cleanup(struct daemon *d)
{
	if (d->cfg && d->pidfile >= 0)
		pidfile_release(d->cfg->storage_path, d->pidfile);
	/* first: releasing a stream still up tells the modules it went down */
	connection_free(d->connection);
	publish_free(d->publisher);
	announce_free(d->announcer);
	pubsub_free(d->pubsub);
	chat_free(d->chat);
	sessions_free(&d->commands);
	ratelimit_free(d->iq_rate);
	router_free(d->router);
	muc_free(d->muc);
	if (d->store) {
		store_close(d->store);
		d->store = NULL;
	}
	loop_free(d->loop);
	if (d->rand)
		xmpp_rand_free(d->ctx, d->rand);
	if (d->ctx)
		xmpp_ctx_free(d->ctx);
	xmpp_shutdown();
	memset(d, 0, sizeof *d);
}

void daemon_notify_systemd(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || !*path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof addr.sun_path)
		return;
	memcpy(addr.sun_path, path, len);
	if (addr.sun_path[0] == '@')
		addr.sun_path[0] = '\0'; /* abstract socket */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), 0, (struct sockaddr *)&addr,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		log_debug("sd_notify: %s", strerror(errno));
	close(fd);
}
