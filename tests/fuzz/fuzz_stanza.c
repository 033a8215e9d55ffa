/* SPDX-License-Identifier: MIT */
/* Fuzz target: one incoming stanza through vigil's whole dispatch (ad-hoc
 * commands and their forms, PubSub requests, disco, chat commands, MUC
 * presences) against a real database in a temporary directory.
 *
 * The daemon is set up as if the handshake were done, without a socket:
 * every reply vigil sends is built, serialised and checked by the send
 * guard in strict mode (the oracle: well-formed, valid UTF-8, at most
 * 128 KiB), then dropped. State (sessions, dialogues, threats) carries
 * over between inputs, as it does in the running daemon. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <strophe.h>

#include "commands/text/text.h"
#include "component/daemon.h"
#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/router.h"
#include "config/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT (256 * 1024) /* Prosody's default c2s stanza limit */

static struct vigil_config cfg;
static struct daemon d;
static xmpp_conn_t *stream; /* a stream without a socket: sends are serialised, checked, dropped */
static char dir[] = "/tmp/vigil-fuzz-stanza-XXXXXX";

static void remove_dir(void)
{
	static const char *const files[] = { "vigil.db", "vigil.db-wal", "vigil.db-shm" };
	char path[sizeof dir + 32];
	size_t i;

	for (i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void cleanup(void)
{
	stream_sender_detach(&d.stream);
	xmpp_conn_release(stream);
	daemon_cleanup(&d);
	config_free(&cfg);
	if (getenv("VIGIL_FUZZ_KEEP"))
		fprintf(stderr, "fuzz_stanza: the database is kept in %s\n", dir);
	else
		remove_dir();
}

/* Rate limits hold a member to so many requests a minute; the fuzzer sends
 * thousands a second from the same few JIDs, and would otherwise explore
 * the limiter only. Its clock moves an hour per input. */
static double fuzz_clock;

static double fuzz_monotonic(void)
{
	return fuzz_clock;
}

static void dispatch_text(const char *text)
{
	xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(d.ctx, text);
	int turns;

	if (!stanza)
		abort();
	router_dispatch(d.router, stanza);
	xmpp_stanza_release(stanza);
	/* what the event loop does between inputs: the announcer's timer,
	 * armed at 0 ms by a change (component/announce/announce.c) */
	for (turns = 0; turns < 8 && loop_next_ms(d.loop, 1000) == 0; turns++)
		loop_run_due(d.loop);
}

/* Files a threat from alice whose definition is `chars` characters of
 * "&" (five bytes each in XML). */
static void file_large(int chars)
{
	static const char head[] =
		"<iq xmlns='jabber:component:accept' type='set' id='big' from='alice@localhost/pc' "
		"to='threats.localhost'><command xmlns='http://jabber.org/protocol/commands' "
		"node='file'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
		"<value>urn:vigil:threat:0</value></field><field var='name'><value>Large</value>"
		"</field><field var='abstract'><value>a</value></field><field var='definition'><value>";
	static const char tail[] = "</value></field></x></command></iq>";
	struct text t = { 0 };
	char *text;
	int i;

	text_put(&t, head);
	for (i = 0; i < chars; i++)
		text_put(&t, "&amp;");
	text_put(&t, tail);
	text = text_take(&t);
	if (!text)
		abort();
	dispatch_text(text);
	free(text);
}

/* Every input starts from vigil in the room (announcements are sent) with
 * a register holding two threats near the size limit (T-1: 75 KB of text
 * once encoded, T-2: 60 KB), so that replies that list or repeat them can
 * outgrow a stanza. Inputs then join, leave and file as they like. */
static void start_register(void)
{
	dispatch_text("<presence xmlns='jabber:component:accept' from='sig@conference.localhost/vigil' "
		      "to='threats.localhost'><x xmlns='http://jabber.org/protocol/muc#user'>"
		      "<item affiliation='owner' role='moderator' jid='threats.localhost'/>"
		      "<status code='110'/></x></presence>");
	file_large(15000);
	file_large(12000);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char text[1024], err[512];

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(text, sizeof text,
		 "component.jid = threats.localhost\n"
		 "component.secret = fuzz\n"
		 "room.jid = sig@conference.localhost\n"
		 "storage.path = %s/vigil.db\n"
		 "access.admins = alice@localhost\n"
		 "access.assessors = bob@localhost\n"
		 "pubsub.external_service = pubsub.localhost\n", dir);
	/* every reply is checked as it leaves: ill-formed XML, invalid UTF-8
	 * or a stanza over 128 KiB aborts (component/xmpp/send_guard.h) */
	setenv("VIGIL_CHECK_SENDS", "1", 1);
	config_defaults(&cfg);
	if (config_parse(&cfg, "fuzz.conf", text, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_stanza: %s\n", err);
		abort();
	}
	log_set_level(getenv("VIGIL_FUZZ_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	if (daemon_init(&d, &cfg) < 0)
		abort();
	d.commands.monotonic = fuzz_monotonic;
	/* no server to confirm what is sent (stream_sender.h): written counts */
	d.stream.sender.confirmed = NULL;
	stream = xmpp_conn_new(d.ctx);
	if (!stream)
		abort();
	daemon_stream_up(&d, stream);
	start_register();
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmpp_stanza_t *stanza;
	char *text;
	int turns;

	if (size > MAX_INPUT)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* the server has parsed the stream: vigil sees whole stanzas */
	stanza = xmpp_stanza_new_from_string(d.ctx, text);
	free(text);
	if (!stanza)
		return 0;
	fuzz_clock += 3600;
	router_dispatch(d.router, stanza);
	xmpp_stanza_release(stanza);
	for (turns = 0; turns < 8 && loop_next_ms(d.loop, 1000) == 0; turns++)
		loop_run_due(d.loop); /* as in dispatch_text() */
	return 0;
}
