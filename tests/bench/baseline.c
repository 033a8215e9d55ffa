/* The baseline for the filing benchmark: the smallest XEP-0114 component
 * that answers an ad-hoc command. Every <command/> execute or submit gets
 * `completed` at once with a tiny result form (id, priority) — the cost of
 * the XMPP path alone, without vigil's forms, validation and storage.
 *
 *   baseline JID HOST PORT SECRET
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "component/connection.h"

#define NS_COMMANDS "http://jabber.org/protocol/commands"

static volatile sig_atomic_t stop;
static long long counter;

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

static int on_iq(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *userdata)
{
	xmpp_ctx_t *ctx = userdata;
	const char *type = xmpp_stanza_get_type(iq);
	xmpp_stanza_t *command, *reply, *out, *x;
	char id[32];

	if (!type || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return 1;
	reply = xmpp_stanza_reply(iq);
	xmpp_stanza_set_from(reply, xmpp_stanza_get_to(iq)); /* servers drop a reply without it */
	xmpp_stanza_set_type(reply, "result");
	command = xmpp_stanza_get_child_by_name_and_ns(iq, "command", NS_COMMANDS);
	if (command) {
		out = child(ctx, reply, "command", NS_COMMANDS);
		xmpp_stanza_set_attribute(out, "node", xmpp_stanza_get_attribute(command, "node"));
		xmpp_stanza_set_attribute(out, "sessionid", "baseline");
		xmpp_stanza_set_attribute(out, "status", "completed");
		x = child(ctx, out, "x", "jabber:x:data");
		xmpp_stanza_set_type(x, "result");
		snprintf(id, sizeof id, "T-%lld", ++counter);
		field(ctx, x, "id", id);
		field(ctx, x, "priority", "high");
	}
	xmpp_send(conn, reply);
	xmpp_stanza_release(reply);
	return 1;
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
		    xmpp_stream_error_t *stream_error, void *userdata)
{
	xmpp_ctx_t *ctx = userdata;

	if (status == XMPP_CONN_CONNECT) {
		xmpp_handler_add(conn, on_iq, NULL, "iq", NULL, ctx);
		printf("baseline: connected\n");
		fflush(stdout);
	} else {
		fprintf(stderr, "baseline: disconnected (%d)\n", error);
		xmpp_stop(ctx);
	}
}

int main(int argc, char **argv)
{
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;

	if (argc != 5) {
		fprintf(stderr, "usage: baseline JID HOST PORT SECRET\n");
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
	if (connection_give_sm_state(ctx, conn) < 0) /* the libstrophe 0.12.2 work-around */
		return 1;
	if (xmpp_connect_component(conn, argv[2], (unsigned short)atoi(argv[3]), on_conn, ctx) < 0) {
		fprintf(stderr, "baseline: cannot connect\n");
		return 1;
	}
	while (!stop && !xmpp_conn_is_disconnected(conn))
		xmpp_run_once(ctx, 100);
	xmpp_conn_release(conn);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
}
