/* The daemon: libstrophe context, storage, the event loop and shutdown.
 * Signals only set daemon_signal_stop; the loop acts on it. */
#include "component/daemon.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "commands/chat/chat.h"
#include "commands/chat/ratelimit.h"
#include "commands/adhoc/sessions.h"
#include "commands/register/template.h"
#include "component/connection.h"
#include "component/log.h"
#include "component/muc.h"
#include "component/outbox.h"
#include "component/pubsub.h"
#include "component/xmpp/send_guard.h"
#include "component/xmpp/stanza.h"
#include "storage/store.h"

#define LOOP_TIMEOUT_MS 100
#define SESSION_SWEEP_MS 60000
#define SHUTDOWN_GRACE_S 3
#define WRITABLE_RETRY_MS 10000

volatile sig_atomic_t daemon_signal_stop;

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
	return (long long)time(NULL);
}

static double monotonic_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ad-hoc sessions left unfinished expire (commands.session_timeout). */
static int sweep_sessions(xmpp_ctx_t *ctx, void *userdata)
{
	struct daemon *d = userdata;
	int n = adhoc_expire(&d->commands);

	chat_expire(d->chat);
	if (n > 0)
		log_debug("expired %d ad-hoc session%s", n, n == 1 ? "" : "s");
	return 1;
}

/* Started read-only (a read-only file system or file): the next change
 * tries to write anyway (store_begin); this says when it works again and
 * lets the outbox clear what it sent meanwhile. */
static int retry_writable(xmpp_ctx_t *ctx, void *userdata)
{
	struct daemon *d = userdata;

	if (store_is_readonly(d->store) && store_try_writable(d->store) < 0)
		return 1;
	log_info("%s is writable again: changes are accepted", d->cfg->storage_path);
	return 0; /* done: the handler is removed */
}

int daemon_init(struct daemon *d, struct vigil_config *cfg)
{
	char err[512];
	int rc;

	memset(d, 0, sizeof *d);
	d->cfg = cfg;
	d->send_mode = send_guard_mode_from_env();
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
	if (!d->rand || muc_init(d) < 0)
		goto fail;
	rc = store_open(&d->store, cfg->storage_path, STORE_OPEN_WRITE_OR_READ, template_schema(), err,
			sizeof err);
	if (rc == 0 && store_is_readonly(d->store)) {
		/* serve reads; changes are refused with a note until it is writable */
		log_warn("%s: the database cannot be written: serving reads only until it can",
			 cfg->storage_path);
		xmpp_global_timed_handler_add(d->ctx, retry_writable, WRITABLE_RETRY_MS, d);
	} else if (rc < 0) {
		log_error("%s", err);
		d->exit_status = VIGIL_EXIT_FAILURE;
		return -1;
	}
	d->commands.xmpp = d->ctx;
	d->commands.rand = d->rand;
	d->commands.store = d->store;
	d->commands.cfg = cfg;
	d->commands.service_jid = cfg->component_jid;
	d->commands.now = wall_clock;
	d->commands.monotonic = monotonic_clock;
	xmpp_global_timed_handler_add(d->ctx, sweep_sessions, SESSION_SWEEP_MS, d);
	d->chat = chat_new(&d->commands);
	/* a minute's worth may come at once (a client opening a few forms) */
	d->iq_rate = ratelimit_new(cfg->rate_per_minute, cfg->rate_per_minute);
	if (!d->chat || !d->iq_rate || outbox_init(d) < 0)
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

int daemon_run(struct daemon *d)
{
	long long deadline = 0;

	connection_start(d);
	while (!d->done) {
		/* during a fan-out, one batch per turn: incoming stanzas are served
		 * between batches, and the loop does not sleep for long */
		connection_ack_promptly();
		xmpp_run_once(d->ctx, outbox_loop_timeout(d, LOOP_TIMEOUT_MS));
		if (outbox_busy(d))
			outbox_pump(d);
		if (daemon_signal_stop && !d->stopping) {
			log_info("shutting down");
			muc_leave(d, "vigil is shutting down");
			connection_close(d);
			deadline = monotonic_seconds() + SHUTDOWN_GRACE_S;
		}
		if (d->stopping && (!d->conn || xmpp_conn_is_disconnected(d->conn) ||
				    (deadline && monotonic_seconds() >= deadline)))
			d->done = 1;
	}
	return d->exit_status;
}

void daemon_cleanup(struct daemon *d)
{
	/* libstrophe 0.12 does not free global timed handlers with the context */
	if (d->ctx) {
		xmpp_global_timed_handler_delete(d->ctx, sweep_sessions);
		xmpp_global_timed_handler_delete(d->ctx, retry_writable);
	}
	outbox_free(d);
	pubsub_free(d);
	chat_free(d->chat);
	sessions_free(&d->commands);
	ratelimit_free(d->iq_rate);
	connection_release(d);
	muc_free(d);
	if (d->store) {
		store_close(d->store);
		d->store = NULL;
	}
	if (d->rand)
		xmpp_rand_free(d->ctx, d->rand);
	if (d->ctx)
		xmpp_ctx_free(d->ctx);
	xmpp_shutdown();
	memset(d, 0, sizeof *d);
}

/* What goes out in place of a stanza the guard refused: for an answer to
 * a request (iq result or error), an internal-server-error, so the
 * requester is not left waiting; anything else is not sent at all. */
static xmpp_stanza_t *refused_stand_in(struct daemon *d, xmpp_stanza_t *stanza)
{
	const char *type = xmpp_stanza_get_type(stanza);
	xmpp_stanza_t *iq, *error, *condition, *text, *body;

	if (strcmp(xmpp_stanza_get_name(stanza), "iq") != 0 || !type ||
	    (strcmp(type, "result") != 0 && strcmp(type, "error") != 0))
		return NULL;
	iq = xmpp_iq_new(d->ctx, "error", xmpp_stanza_get_id(stanza));
	if (!iq)
		return NULL;
	if (xmpp_stanza_get_from(stanza)) /* libstrophe 0.12 cannot set NULL */
		xmpp_stanza_set_from(iq, xmpp_stanza_get_from(stanza));
	if (xmpp_stanza_get_to(stanza))
		xmpp_stanza_set_to(iq, xmpp_stanza_get_to(stanza));
	error = stanza_add_child(iq, "error", NULL);
	condition = error ? stanza_add_child(error, "internal-server-error", NS_STANZAS) : NULL;
	text = condition ? stanza_add_child(error, "text", NS_STANZAS) : NULL;
	body = text ? xmpp_stanza_new(d->ctx) : NULL;
	if (!body) {
		xmpp_stanza_release(iq);
		return NULL;
	}
	xmpp_stanza_set_type(error, "wait");
	xmpp_stanza_set_text(body, "vigil could not build this answer; the problem is logged.");
	if (xmpp_stanza_add_child_ex(text, body, 0) != XMPP_EOK)
		xmpp_stanza_release(body);
	return iq;
}

/* Serialises, checks (send_guard.h) and queues one stanza. */
static int send_checked(struct daemon *d, xmpp_stanza_t *stanza, int stand_in)
{
	char *buf = NULL, why[256];
	size_t len = 0;
	xmpp_stanza_t *other;
	int rc = -1;

	if (xmpp_stanza_to_text(stanza, &buf, &len) != XMPP_EOK)
		return -1;
	if (send_guard_check(buf, len, d->send_mode, why, sizeof why) < 0) {
		if (d->send_mode == SEND_GUARD_STRICT) {
			log_error("refusing to send a stanza that %s: %s", why, buf);
			abort(); /* tests and fuzzers: the bug is found here */
		}
		log_error("not sending a <%s/> to %s that %s (a bug in vigil: please report it)",
			  xmpp_stanza_get_name(stanza),
			  xmpp_stanza_get_to(stanza) ? xmpp_stanza_get_to(stanza) : "?", why);
		other = stand_in ? refused_stand_in(d, stanza) : NULL;
		if (other) {
			rc = send_checked(d, other, 0);
			xmpp_stanza_release(other);
		}
		goto out;
	}
	xmpp_send_raw(d->conn, buf, len);
	d->stanzas_queued++; /* the outbox tells from it what has been written */
	rc = 0;
out:
	xmpp_free(d->ctx, buf);
	return rc;
}

int daemon_send(struct daemon *d, xmpp_stanza_t *stanza)
{
	if (!d->ready || !d->conn)
		return -1;
	return send_checked(d, stanza, 1);
}

char *daemon_new_id(struct daemon *d)
{
	char nonce[17];
	size_t len = sizeof nonce;
	char *id;

	xmpp_rand_nonce(d->rand, nonce, len);
	id = malloc(len);
	if (id)
		memcpy(id, nonce, len);
	return id;
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
