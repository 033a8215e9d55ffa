/* The component stream's life cycle.
 *
 * libstrophe 0.12 has no reconnect of its own: retries are driven from a
 * global timed handler (per-connection timers only fire while connected),
 * and a fresh xmpp_conn_t is made for each attempt. A failed handshake
 * arrives as XMPP_CONN_DISCONNECT with stream_error set (never
 * XMPP_CONN_FAIL), and xmpp_conn_is_connected() is true before the
 * handshake, so d->ready is the only "stream is usable" flag. */
#include "component/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "component/daemon.h"
#include "component/log.h"
#include "component/muc.h"
#include "component/outbox.h"
#include "component/router.h"

#define NS_PING "urn:xmpp:ping"
#define BACKOFF_BASE_MS 500UL

/* The component's socket while connected (vigil has one stream), for
 * connection_ack_promptly; -1 otherwise. */
static int stream_fd = -1;

static void schedule_reconnect(struct daemon *d);

static long long now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

unsigned long connection_backoff_ms(int attempt, int max_seconds, int random)
{
	unsigned long cap = (unsigned long)(max_seconds > 0 ? max_seconds : 1) * 1000UL;
	unsigned long delay = BACKOFF_BASE_MS;
	int i;

	for (i = 0; i < attempt && delay < cap; i++)
		delay *= 2;
	if (delay > cap)
		delay = cap;
	/* full jitter over the upper half keeps restarts of many components apart */
	return delay / 2 + (unsigned long)random % (delay / 2 + 1);
}

/* --- keepalive: a dead server is noticed by unanswered pings, not by TCP -- */

static long long ping_sent_at;

static int ping_answered(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct daemon *d = userdata;

	/* any answer, even an error, proves the server is alive */
	d->ping_outstanding = 0;
	return 0;
}

static int ping_tick(xmpp_conn_t *conn, void *userdata)
{
	struct daemon *d = userdata;
	xmpp_stanza_t *iq;
	char *id;
	const char *service = strchr(d->cfg->room_jid, '@');

	if (!d->ready)
		return 1;
	if (d->ping_outstanding)
		return 1; /* ping_watch decides when it is too late */
	id = daemon_new_id(d);
	iq = xmpp_iq_new(d->ctx, "get", id);
	if (!iq || !id)
		goto out;
	/* the MUC service is always local to our server, so it always answers */
	xmpp_stanza_set_to(iq, service ? service + 1 : d->cfg->room_jid);
	xmpp_stanza_set_from(iq, d->cfg->component_jid);
	{
		xmpp_stanza_t *ping = xmpp_stanza_new(d->ctx);
		xmpp_stanza_set_name(ping, "ping");
		xmpp_stanza_set_ns(ping, NS_PING);
		xmpp_stanza_add_child_ex(iq, ping, 0);
	}
	xmpp_id_handler_add(conn, ping_answered, id, d);
	d->ping_outstanding = 1;
	ping_sent_at = now_seconds();
	daemon_send(d, iq);
out:
	if (iq)
		xmpp_stanza_release(iq);
	if (id)
		free(id);
	return 1;
}

static int ping_watch(xmpp_conn_t *conn, void *userdata)
{
	struct daemon *d = userdata;

	if (d->ready && d->ping_outstanding &&
	    now_seconds() - ping_sent_at >= d->cfg->ping_timeout) {
		log_warn("server did not answer a ping within %d s: dropping the connection",
			 d->cfg->ping_timeout);
		d->ping_outstanding = 0;
		xmpp_disconnect(conn);
		return 0;
	}
	return 1;
}

/* --- connection events -------------------------------------------------- */

static int fatal_stream_error(const xmpp_stream_error_t *se)
{
	return se && (se->type == XMPP_SE_NOT_AUTHORIZED || se->type == XMPP_SE_HOST_UNKNOWN);
}

static void on_connect(struct daemon *d, xmpp_conn_t *conn)
{
	d->ready = 1;
	d->ever_connected = 1;
	d->reconnect_attempt = 0;
	d->ping_outstanding = 0;
	log_info("connected to %s:%d as %s", d->cfg->component_host, d->cfg->component_port,
		 d->cfg->component_jid);
	router_attach(d, conn);
	xmpp_timed_handler_add(conn, ping_tick, (unsigned long)d->cfg->ping_interval * 1000UL, d);
	xmpp_timed_handler_add(conn, ping_watch, 1000, d);
	muc_on_connected(d);
}

static void on_disconnect(struct daemon *d, int error, xmpp_stream_error_t *se)
{
	int was_ready = d->ready;

	d->ready = 0;
	muc_on_disconnected(d);
	outbox_on_disconnected(d);
	if (fatal_stream_error(se)) {
		if (se->type == XMPP_SE_NOT_AUTHORIZED)
			log_error("the server at %s:%d refused the component secret for %s "
				  "(stream error not-authorized): check component.secret "
				  "or VIGIL_COMPONENT_SECRET",
				  d->cfg->component_host, d->cfg->component_port,
				  d->cfg->component_jid);
		else
			log_error("the server at %s:%d does not know the component %s "
				  "(stream error host-unknown): check component.jid and the "
				  "server's component configuration",
				  d->cfg->component_host, d->cfg->component_port,
				  d->cfg->component_jid);
		d->exit_status = VIGIL_EXIT_CONFIG;
		d->stopping = 1;
		d->done = 1;
		return;
	}
	if (d->stopping) {
		d->done = 1;
		return;
	}
	if (se)
		log_warn("stream error from the server: %s%s", se->text ? se->text : "(no text)",
			 se->type == XMPP_SE_CONFLICT ?
			 " (conflict: the server still holds our old session)" : "");
	else if (was_ready)
		log_warn("connection to %s:%d lost%s%s", d->cfg->component_host,
			 d->cfg->component_port, error ? ": " : "", error ? strerror(error) : "");
	else
		log_warn("could not connect to %s:%d%s%s", d->cfg->component_host,
			 d->cfg->component_port, error ? ": " : "", error ? strerror(error) : "");
	schedule_reconnect(d);
}

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
			 xmpp_stream_error_t *stream_error, void *userdata)
{
	struct daemon *d = userdata;

	if (conn != d->conn)
		return; /* an old connection's late event */
	if (status == XMPP_CONN_CONNECT)
		on_connect(d, conn);
	else if (status == XMPP_CONN_DISCONNECT || status == XMPP_CONN_FAIL) {
		stream_fd = -1;
		on_disconnect(d, error, stream_error);
	}
}

/* --- attempts ----------------------------------------------------------- */

/* libstrophe 0.12.2 allocates its stream-management state only in
 * xmpp_connect_client() yet dereferences it on every send and disconnect,
 * component streams included (a NULL read in _send_raw). Borrow one from a
 * client attempt that a refusing sockopt callback ends before any socket
 * exists: no packet is sent, and the state is freed with the connection. */
static int refuse_socket(xmpp_conn_t *conn, void *sock)
{
	return -1;
}

static void ignore_event(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
			 xmpp_stream_error_t *stream_error, void *userdata)
{
}

int connection_give_sm_state(xmpp_ctx_t *ctx, xmpp_conn_t *conn)
{
	xmpp_conn_t *donor = xmpp_conn_new(ctx);
	xmpp_sm_state_t *sm = NULL;

	if (!donor)
		return -1;
	xmpp_conn_set_jid(donor, "vigil@127.0.0.1");
	xmpp_conn_set_sockopt_callback(donor, refuse_socket);
	xmpp_connect_client(donor, "127.0.0.1", 9, ignore_event, NULL); /* fails at once */
	sm = xmpp_conn_get_sm_state(donor);
	xmpp_conn_release(donor);
	if (!sm)
		return -1;
	if (xmpp_conn_set_sm_state(conn, sm) != XMPP_EOK) {
		xmpp_free_sm_state(sm);
		return -1;
	}
	return 0;
}

/* TCP keepalive (libstrophe's), and no Nagle: vigil writes an announcement,
 * then the answer it held for it, and should not wait for the server to
 * acknowledge the first before sending the second. */
static int set_socket_options(xmpp_conn_t *conn, void *socket)
{
	int on = 1;

	stream_fd = *(int *)socket;
	if (setsockopt(stream_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) < 0)
		log_debug("TCP_NODELAY refused: answers may wait for acknowledgements");
	return xmpp_sockopt_cb_keepalive(conn, socket);
}

void connection_ack_promptly(void)
{
#ifdef TCP_QUICKACK
	int on = 1;

	/* not sticky: the kernel may fall back to delayed ACKs, so every turn */
	if (stream_fd >= 0)
		setsockopt(stream_fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#endif
}

static int attempt(struct daemon *d)
{
	if (d->conn) {
		xmpp_conn_release(d->conn);
		d->conn = NULL;
	}
	d->conn = xmpp_conn_new(d->ctx);
	if (!d->conn || connection_give_sm_state(d->ctx, d->conn) < 0)
		return -1;
	xmpp_conn_set_jid(d->conn, d->cfg->component_jid);
	xmpp_conn_set_pass(d->conn, d->cfg->component_secret);
	xmpp_conn_set_sockopt_callback(d->conn, set_socket_options);
	log_debug("connecting to %s:%d", d->cfg->component_host, d->cfg->component_port);
	/* may fail at once (e.g. connection refused) without calling conn_handler */
	if (xmpp_connect_component(d->conn, d->cfg->component_host,
				   (unsigned short)d->cfg->component_port, conn_handler, d) != XMPP_EOK)
		return -1;
	return 0;
}

static int reconnect_due(xmpp_ctx_t *ctx, void *userdata)
{
	struct daemon *d = userdata;

	if (d->stopping)
		return 0;
	if (attempt(d) < 0) {
		log_warn("could not start a connection to %s:%d", d->cfg->component_host,
			 d->cfg->component_port);
		schedule_reconnect(d);
	}
	return 0; /* one-shot */
}

static void schedule_reconnect(struct daemon *d)
{
	unsigned long delay = connection_backoff_ms(d->reconnect_attempt,
						    d->cfg->reconnect_max_delay,
						    xmpp_rand(d->rand) & 0x7fffffff);

	d->reconnect_attempt++;
	log_info("reconnecting in %lu ms (attempt %d)", delay, d->reconnect_attempt);
	xmpp_global_timed_handler_delete(d->ctx, reconnect_due);
	xmpp_global_timed_handler_add(d->ctx, reconnect_due, delay, d);
}

void connection_start(struct daemon *d)
{
	if (attempt(d) < 0) {
		log_warn("could not start a connection to %s:%d", d->cfg->component_host,
			 d->cfg->component_port);
		schedule_reconnect(d);
	}
}

void connection_close(struct daemon *d)
{
	d->stopping = 1;
	xmpp_global_timed_handler_delete(d->ctx, reconnect_due);
	if (d->conn && !xmpp_conn_is_disconnected(d->conn))
		xmpp_disconnect(d->conn);
}

void connection_release(struct daemon *d)
{
	if (d->ctx)
		xmpp_global_timed_handler_delete(d->ctx, reconnect_due);
	if (d->conn) {
		xmpp_conn_release(d->conn);
		d->conn = NULL;
	}
}
