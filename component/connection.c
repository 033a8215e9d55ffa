/* SPDX-License-Identifier: MIT */
/* The component stream's life cycle.
 *
 * libstrophe 0.12 has no reconnect of its own: retries are the loop's
 * "reconnect" timer, and a fresh xmpp_conn_t is made for each attempt. A
 * failed handshake arrives as XMPP_CONN_DISCONNECT with stream_error set
 * (never XMPP_CONN_FAIL), and xmpp_conn_is_connected() is true before the
 * handshake, so `ready` is the only "stream is usable" flag. */
#include "component/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"
#include "config/config.h"

#define BACKOFF_BASE_MS 500UL
#define TIMER_RECONNECT "reconnect"
#define TIMER_PING "ping"
#define TIMER_PING_TIMEOUT "ping-timeout"

struct connection {
	const struct vigil_config *cfg;
	xmpp_ctx_t *ctx;
	xmpp_rand_t *rand;
	struct loop *loop;
	const struct sender *sender;
	struct connection_callbacks cb;
	xmpp_conn_t *conn;        /* current connection, NULL between attempts */
	int fd;                   /* its socket while connected, -1 otherwise */
	int ready;                /* handshake done */
	int reconnect_attempt;    /* failures since the last successful handshake */
	int stopping;             /* closing: do not reconnect */
	char ping_id[32];         /* the keepalive ping awaiting its answer, "" none */
};

static void schedule_reconnect(struct connection *c);

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

static void ping_timeout(void *arg)
{
	struct connection *c = arg;

	if (!c->ready || !c->ping_id[0])
		return;
	log_warn("server silent for %d s after a ping: dropping the connection",
		 c->cfg->ping_timeout);
	c->ping_id[0] = '\0';
	xmpp_disconnect(c->conn);
}

static void ping_tick(void *arg)
{
	struct connection *c = arg;
	xmpp_stanza_t *iq = NULL;
	char *id;

	if (!c->ready)
		return;
	loop_timer_set(c->loop, TIMER_PING, (long long)c->cfg->ping_interval * 1000, ping_tick, c);
	if (c->ping_id[0])
		return; /* the timeout decides when it is too late */
	id = sender_new_id(c->sender);
	/* to vigil itself: the server routes it back over this stream and the
	 * router answers it, so the round trip needs nothing of the server but
	 * the stream (a MUC service may swallow pings; vigil never does) */
	iq = id ? stanza_ping_new(c->ctx, id, c->cfg->component_jid, c->cfg->component_jid) : NULL;
	if (!iq)
		goto out;
	snprintf(c->ping_id, sizeof c->ping_id, "%s", id);
	loop_timer_set(c->loop, TIMER_PING_TIMEOUT, (long long)c->cfg->ping_timeout * 1000,
		       ping_timeout, c);
	sender_send(c->sender, iq);
out:
	if (iq)
		xmpp_stanza_release(iq);
	free(id);
}

/* The answer to the keepalive ping: any, even an error, proves the server
 * is alive. 1 when stanza was it. */
static int ping_answered(struct connection *c, xmpp_stanza_t *stanza)
{
	const char *id = xmpp_stanza_get_id(stanza);
	const char *type = xmpp_stanza_get_type(stanza);

	if (!c->ping_id[0] || !id || strcmp(id, c->ping_id) != 0 || !type ||
	    (strcmp(type, "result") != 0 && strcmp(type, "error") != 0) ||
	    strcmp(xmpp_stanza_get_name(stanza), "iq") != 0)
		return 0;
	c->ping_id[0] = '\0';
	loop_timer_cancel(c->loop, TIMER_PING_TIMEOUT);
	return 1;
}

static int stanza_handler(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
	struct connection *c = userdata;

	if (conn != c->conn || ping_answered(c, stanza))
		return 1;
	/* anything the server sends proves it alive as well as the answer
	 * would: a server busy with a crowd of logins may answer the ping
	 * late, so what counts is silence for ping_timeout after a ping */
	if (c->ping_id[0])
		loop_timer_set(c->loop, TIMER_PING_TIMEOUT, (long long)c->cfg->ping_timeout * 1000,
			       ping_timeout, c);
	if (c->cb.stanza)
		c->cb.stanza(c->cb.arg, stanza);
	return 1;
}

/* --- connection events -------------------------------------------------- */

static int fatal_stream_error(const xmpp_stream_error_t *se)
{
	return se && (se->type == XMPP_SE_NOT_AUTHORIZED || se->type == XMPP_SE_HOST_UNKNOWN);
}

static void on_connect(struct connection *c, xmpp_conn_t *conn)
{
	c->ready = 1;
	c->reconnect_attempt = 0;
	c->ping_id[0] = '\0';
	log_info("connected to %s:%d as %s", c->cfg->component_host, c->cfg->component_port,
		 c->cfg->component_jid);
	/* one handler for every stanza: libstrophe refuses the same
	 * (handler, userdata) pair twice */
	xmpp_handler_add(conn, stanza_handler, NULL, NULL, NULL, c);
	loop_timer_set(c->loop, TIMER_PING, (long long)c->cfg->ping_interval * 1000, ping_tick, c);
	c->cb.up(c->cb.arg, conn);
}

static void log_refusal(const struct connection *c, const xmpp_stream_error_t *se)
{
	if (se->type == XMPP_SE_NOT_AUTHORIZED)
		log_error("the server at %s:%d refused the component secret for %s "
			  "(stream error not-authorized): check component.secret "
			  "or VIGIL_COMPONENT_SECRET",
			  c->cfg->component_host, c->cfg->component_port, c->cfg->component_jid);
	else
		log_error("the server at %s:%d does not know the component %s "
			  "(stream error host-unknown): check component.jid and the "
			  "server's component configuration",
			  c->cfg->component_host, c->cfg->component_port, c->cfg->component_jid);
}

static void on_disconnect(struct connection *c, int error, xmpp_stream_error_t *se)
{
	int was_ready = c->ready;

	c->ready = 0;
	c->fd = -1;
	c->ping_id[0] = '\0';
	loop_timer_cancel(c->loop, TIMER_PING);
	loop_timer_cancel(c->loop, TIMER_PING_TIMEOUT);
	c->cb.down(c->cb.arg);
	if (fatal_stream_error(se)) {
		log_refusal(c, se);
		c->stopping = 1;
		c->cb.ended(c->cb.arg, 1);
		return;
	}
	if (c->stopping) {
		c->cb.ended(c->cb.arg, 0);
		return;
	}
	if (se)
		log_warn("stream error from the server: %s%s", se->text ? se->text : "(no text)",
			 se->type == XMPP_SE_CONFLICT ?
			 " (conflict: the server still holds our old session)" : "");
	else if (was_ready)
		log_warn("connection to %s:%d lost%s%s", c->cfg->component_host,
			 c->cfg->component_port, error ? ": " : "", error ? strerror(error) : "");
	else
		log_warn("could not connect to %s:%d%s%s", c->cfg->component_host,
			 c->cfg->component_port, error ? ": " : "", error ? strerror(error) : "");
	schedule_reconnect(c);
}

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
			 xmpp_stream_error_t *stream_error, void *userdata)
{
	struct connection *c = userdata;

	if (conn != c->conn)
		return; /* an old connection's late event */
	if (status == XMPP_CONN_CONNECT)
		on_connect(c, conn);
	else if (status == XMPP_CONN_DISCONNECT || status == XMPP_CONN_FAIL)
		on_disconnect(c, error, stream_error);
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

/* libstrophe's sockopt callback gets no userdata, and may run from the
 * event loop (the next address of a name): the one connection that sets
 * one up is found here. */
static struct connection *socket_owner;

/* TCP keepalive (libstrophe's), and no Nagle: vigil writes an announcement,
 * then an answer, and should not wait for the server to acknowledge the
 * first before sending the second. */
static int set_socket_options(xmpp_conn_t *conn, void *socket)
{
	int on = 1, fd = *(int *)socket;

	if (socket_owner && socket_owner->conn == conn)
		socket_owner->fd = fd;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) < 0)
		log_debug("TCP_NODELAY refused: answers may wait for acknowledgements");
	return xmpp_sockopt_cb_keepalive(conn, socket);
}

void connection_ack_promptly(const struct connection *c)
{
#ifdef TCP_QUICKACK
	int on = 1;

	/* not sticky: the kernel may fall back to delayed ACKs, so every turn */
	if (c->fd >= 0)
		setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#endif
}

int connection_is_up(const struct connection *c)
{
	return c->conn && c->ready;
}

static int attempt(struct connection *c)
{
	if (c->conn) {
		xmpp_conn_release(c->conn);
		c->conn = NULL;
	}
	c->fd = -1;
	c->conn = xmpp_conn_new(c->ctx);
	if (!c->conn || connection_give_sm_state(c->ctx, c->conn) < 0)
		return -1;
	xmpp_conn_set_jid(c->conn, c->cfg->component_jid);
	xmpp_conn_set_pass(c->conn, c->cfg->component_secret);
	xmpp_conn_set_sockopt_callback(c->conn, set_socket_options);
	socket_owner = c;
	log_debug("connecting to %s:%d", c->cfg->component_host, c->cfg->component_port);
	/* may fail at once (e.g. connection refused) without calling conn_handler */
	if (xmpp_connect_component(c->conn, c->cfg->component_host,
				   (unsigned short)c->cfg->component_port, conn_handler, c) != XMPP_EOK)
		return -1;
	return 0;
}

static void reconnect_due(void *arg)
{
	struct connection *c = arg;

	if (c->stopping)
		return;
	if (attempt(c) < 0) {
		log_warn("could not start a connection to %s:%d", c->cfg->component_host,
			 c->cfg->component_port);
		schedule_reconnect(c);
	}
}

static void schedule_reconnect(struct connection *c)
{
	unsigned long delay = connection_backoff_ms(c->reconnect_attempt,
						    c->cfg->reconnect_max_delay,
						    xmpp_rand(c->rand) & 0x7fffffff);

	c->reconnect_attempt++;
	log_info("reconnecting in %lu ms (attempt %d)", delay, c->reconnect_attempt);
	loop_timer_set(c->loop, TIMER_RECONNECT, (long long)delay, reconnect_due, c);
}

struct connection *connection_new(const struct vigil_config *cfg, xmpp_ctx_t *ctx,
				  xmpp_rand_t *rand, struct loop *loop,
				  const struct sender *sender,
				  const struct connection_callbacks *cb)
{
	struct connection *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->cfg = cfg;
	c->ctx = ctx;
	c->rand = rand;
	c->loop = loop;
	c->sender = sender;
	c->cb = *cb;
	c->fd = -1;
	return c;
}

void connection_start(struct connection *c)
{
	if (attempt(c) < 0) {
		log_warn("could not start a connection to %s:%d", c->cfg->component_host,
			 c->cfg->component_port);
		schedule_reconnect(c);
	}
}

void connection_close(struct connection *c)
{
	c->stopping = 1;
	loop_timer_cancel(c->loop, TIMER_RECONNECT);
	if (c->conn && !xmpp_conn_is_disconnected(c->conn))
		xmpp_disconnect(c->conn);
}

int connection_is_down(const struct connection *c)
{
	return !c->conn || xmpp_conn_is_disconnected(c->conn);
}

void connection_free(struct connection *c)
{
	if (!c)
		return;
	loop_timer_cancel(c->loop, TIMER_RECONNECT);
	loop_timer_cancel(c->loop, TIMER_PING);
	loop_timer_cancel(c->loop, TIMER_PING_TIMEOUT);
	if (c->conn)
		xmpp_conn_release(c->conn);
	if (socket_owner == c)
		socket_owner = NULL;
	free(c);
}
