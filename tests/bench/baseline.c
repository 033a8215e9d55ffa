/* SPDX-License-Identifier: MIT */
/* The references for the filing benchmark: the smallest XEP-0114 component
 * that answers an ad-hoc command. Every <command/> execute or submit gets
 * `completed` at once with a tiny result form (id, priority) — the cost of
 * the XMPP path alone, without vigil's forms, validation and storage.
 *
 * With --room ROOM@SERVICE/NICK it is also in a MUC room, as vigil is: it
 * joins at start (no history; a room it creates is configured as vigil
 * configures the SIG room) and, after answering a `file`, posts one
 * groupchat line of the shape and size of vigil's announcement
 * ("T-N \"name\" filed by alice@localhost: priority high") — the answer
 * first, then the room line, as vigil does. That is the unavoidable cost of
 * announcing filings in the room.
 *
 *   baseline [--room ROOM@SERVICE/NICK] JID HOST PORT SECRET
 *
 * It says "baseline: connected" once the stream is up and, with --room,
 * "baseline: joined ROOM as NICK" once the room has sent its self-presence.
 *
 * Its socket is set up as vigil's (component/connection.c): no Nagle, and
 * an immediate ACK before every read — else Prosody's Nagle holds the next
 * request until a delayed ACK (up to 40 ms) for the room's echo, which
 * needs no answer.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <strophe.h>

#include "component/connection.h"

#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NS_DATA "jabber:x:data"
#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"

static volatile sig_atomic_t stop;
static long long counter;
static int fd = -1; /* the stream's socket */

/* --room: the occupant JID, the bare room, and whether we are in it */
static const char *occupant;
static char room[1024];
static int joined;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static xmpp_stanza_t *child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
			    const char *ns)
{
	xmpp_stanza_t *c = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(c, name);
	if (ns)
		xmpp_stanza_set_ns(c, ns);
	xmpp_stanza_add_child_ex(parent, c, 0);
	return c;
}

static void field(xmpp_ctx_t *ctx, xmpp_stanza_t *x, const char *var, const char *value)
{
	xmpp_stanza_t *f = child(ctx, x, "field", NULL), *v = child(ctx, f, "value", NULL);
	xmpp_stanza_t *text = xmpp_stanza_new(ctx);

	xmpp_stanza_set_attribute(f, "var", var);
	xmpp_stanza_set_text(text, value);
	xmpp_stanza_add_child_ex(v, text, 0);
}

/* The text of the first <value/> of a submitted form's field, or NULL
 * (to be freed with xmpp_free). */
static char *form_value(xmpp_stanza_t *command, const char *var)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(command, "x", NS_DATA);
	xmpp_stanza_t *f, *v;

	for (f = x ? xmpp_stanza_get_children(x) : NULL; f; f = xmpp_stanza_get_next(f)) {
		const char *name = xmpp_stanza_get_name(f), *fvar = xmpp_stanza_get_attribute(f, "var");

		if (name && strcmp(name, "field") == 0 && fvar && strcmp(fvar, var) == 0) {
			v = xmpp_stanza_get_child_by_name(f, "value");
			return v ? xmpp_stanza_get_text(v) : NULL;
		}
	}
	return NULL;
}

/* One groupchat line per filing, built as vigil's room announcement is:
 * <message type="groupchat" to=ROOM from=JID><body>…</body></message>. */
static void announce(xmpp_conn_t *conn, xmpp_ctx_t *ctx, xmpp_stanza_t *iq,
		     xmpp_stanza_t *command, const char *id)
{
	char *name = form_value(command, "name");
	char *by = xmpp_jid_bare(ctx, xmpp_stanza_get_from(iq));
	size_t len = strlen(id) + (name ? strlen(name) : 0) + (by ? strlen(by) : 0) + 64;
	char *text = malloc(len);
	xmpp_stanza_t *msg = xmpp_message_new(ctx, "groupchat", room, NULL);

	if (text && msg) {
		snprintf(text, len, "%s \"%s\" filed by %s: priority %s", id, name ? name : "",
			 by ? by : "", "high");
		xmpp_stanza_set_from(msg, xmpp_conn_get_jid(conn));
		xmpp_message_set_body(msg, text);
		xmpp_send(conn, msg);
	}
	if (msg)
		xmpp_stanza_release(msg);
	free(text);
	if (by)
		xmpp_free(ctx, by);
	if (name)
		xmpp_free(ctx, name);
}

static int on_iq(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *userdata)
{
	xmpp_ctx_t *ctx = userdata;
	const char *type = xmpp_stanza_get_type(iq);
	const char *node;
	xmpp_stanza_t *command, *reply, *out, *x;
	char id[32];

	if (!type || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return 1;
	reply = xmpp_stanza_reply(iq);
	xmpp_stanza_set_from(reply, xmpp_stanza_get_to(iq)); /* servers drop a reply without it */
	xmpp_stanza_set_type(reply, "result");
	command = xmpp_stanza_get_child_by_name_and_ns(iq, "command", NS_COMMANDS);
	node = command ? xmpp_stanza_get_attribute(command, "node") : NULL;
	if (command) {
		out = child(ctx, reply, "command", NS_COMMANDS);
		xmpp_stanza_set_attribute(out, "node", node);
		xmpp_stanza_set_attribute(out, "sessionid", "baseline");
		xmpp_stanza_set_attribute(out, "status", "completed");
		x = child(ctx, out, "x", NS_DATA);
		xmpp_stanza_set_type(x, "result");
		snprintf(id, sizeof id, "T-%lld", ++counter);
		field(ctx, x, "id", id);
		field(ctx, x, "priority", "high");
	}
	xmpp_send(conn, reply); /* the answer first, */
	xmpp_stanza_release(reply);
	if (command && joined && node && strcmp(node, "file") == 0)
		announce(conn, ctx, iq, command, id); /* then the room line */
	return 1;
}

/* A room we created (status 201): persistent, non-anonymous, unmoderated —
 * the form vigil submits for the SIG room. */
static void configure_room(xmpp_conn_t *conn, xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", "baseline-configure");
	xmpp_stanza_t *query = child(ctx, iq, "query", NS_MUC_OWNER);
	xmpp_stanza_t *form = child(ctx, query, "x", NS_DATA);

	xmpp_stanza_set_from(iq, xmpp_conn_get_jid(conn));
	xmpp_stanza_set_to(iq, room);
	xmpp_stanza_set_type(form, "submit");
	field(ctx, form, "FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig");
	field(ctx, form, "muc#roomconfig_roomname", "Security SIG");
	field(ctx, form, "muc#roomconfig_persistentroom", "1");
	field(ctx, form, "muc#roomconfig_whois", "anyone");
	field(ctx, form, "muc#roomconfig_moderatedroom", "0");
	xmpp_send(conn, iq);
	xmpp_stanza_release(iq);
}

static int has_status(xmpp_stanza_t *x, const char *code)
{
	xmpp_stanza_t *c;

	for (c = x ? xmpp_stanza_get_children(x) : NULL; c; c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_get_name(c), *value = xmpp_stanza_get_attribute(c, "code");

		if (name && strcmp(name, "status") == 0 && value && strcmp(value, code) == 0)
			return 1;
	}
	return 0;
}

static int on_presence(xmpp_conn_t *conn, xmpp_stanza_t *presence, void *userdata)
{
	xmpp_ctx_t *ctx = userdata;
	const char *from = xmpp_stanza_get_from(presence);
	const char *type = xmpp_stanza_get_type(presence);
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", NS_MUC_USER);

	if (!from || strcmp(from, occupant) != 0)
		return 1;
	if (type && (strcmp(type, "error") == 0 || strcmp(type, "unavailable") == 0)) {
		fprintf(stderr, "baseline: not in %s (%s)\n", room, type);
		joined = 0;
		return 1;
	}
	if (!joined) {
		joined = 1;
		if (has_status(x, "201"))
			configure_room(conn, ctx);
		printf("baseline: joined %s as %s\n", room, strchr(occupant, '/') + 1);
		fflush(stdout);
	}
	return 1;
}

/* <presence to=ROOM/NICK><x xmlns=muc><history maxchars=0/></x></presence>,
 * as vigil joins */
static void join_room(xmpp_conn_t *conn, xmpp_ctx_t *ctx)
{
	xmpp_stanza_t *presence = xmpp_presence_new(ctx);
	xmpp_stanza_t *x = child(ctx, presence, "x", NS_MUC);
	xmpp_stanza_t *history = child(ctx, x, "history", NULL);

	xmpp_stanza_set_from(presence, xmpp_conn_get_jid(conn));
	xmpp_stanza_set_to(presence, occupant);
	xmpp_stanza_set_attribute(history, "maxchars", "0");
	xmpp_send(conn, presence);
	xmpp_stanza_release(presence);
}

/* TCP keepalive (libstrophe's) and no Nagle, as vigil */
static int set_socket_options(xmpp_conn_t *conn, void *socket)
{
	int on = 1;

	fd = *(int *)socket;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	return xmpp_sockopt_cb_keepalive(conn, socket);
}

/* before every read, as vigil: not sticky, so every turn */
static void ack_promptly(void)
{
#ifdef TCP_QUICKACK
	int on = 1;

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#endif
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
		    xmpp_stream_error_t *stream_error, void *userdata)
{
	xmpp_ctx_t *ctx = userdata;

	(void)stream_error;
	if (status == XMPP_CONN_CONNECT) {
		xmpp_handler_add(conn, on_iq, NULL, "iq", NULL, ctx);
		printf("baseline: connected\n");
		fflush(stdout);
		if (occupant) {
			xmpp_handler_add(conn, on_presence, NULL, "presence", NULL, ctx);
			join_room(conn, ctx);
		}
	} else {
		fprintf(stderr, "baseline: disconnected (%d)\n", error);
		xmpp_stop(ctx);
	}
}

int main(int argc, char **argv)
{
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	const char *slash;

	if (argc == 7 && strcmp(argv[1], "--room") == 0) {
		occupant = argv[2];
		slash = strchr(occupant, '/');
		if (!slash || slash == occupant || !slash[1] || !strchr(occupant, '@') ||
		    (size_t)(slash - occupant) >= sizeof room) {
			fprintf(stderr, "baseline: --room wants ROOM@SERVICE/NICK\n");
			return 64;
		}
		snprintf(room, sizeof room, "%.*s", (int)(slash - occupant), occupant);
		argv += 2;
		argc -= 2;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: baseline [--room ROOM@SERVICE/NICK] JID HOST PORT SECRET\n");
		return 64;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, getenv("BASELINE_DEBUG") ? xmpp_get_default_logger(XMPP_LEVEL_DEBUG)
							  : NULL);
	conn = xmpp_conn_new(ctx);
	xmpp_conn_set_jid(conn, argv[1]);
	xmpp_conn_set_pass(conn, argv[4]);
	xmpp_conn_set_sockopt_callback(conn, set_socket_options);
	if (connection_give_sm_state(ctx, conn) < 0) /* the libstrophe 0.12.2 work-around */
		return 1;
	if (xmpp_connect_component(conn, argv[2], (unsigned short)atoi(argv[3]), on_conn, ctx) < 0) {
		fprintf(stderr, "baseline: cannot connect\n");
		return 1;
	}
	while (!stop && !xmpp_conn_is_disconnected(conn)) {
		ack_promptly();
		xmpp_run_once(ctx, 100);
	}
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
}
