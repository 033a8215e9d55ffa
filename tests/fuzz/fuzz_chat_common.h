/* SPDX-License-Identifier: MIT */
/* Shared by the chat fuzz targets (fuzz_chat.c, fuzz_dialogue.c): the
 * daemon set up as fuzz_stanza.c does (a real database in a temporary
 * directory, no socket), and the oracle every chat reply passes: valid
 * UTF-8, no character XML cannot carry or the register refuses (controls
 * other than newline and tab), never starting with "!" (another bot must
 * not run it), at most chat.max_reply characters, and at most
 * MAX_REPLIES replies to one message. Included once per target. */
#ifndef VIGIL_FUZZ_CHAT_COMMON_H
#define VIGIL_FUZZ_CHAT_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/chat/chat.h"
#include "component/base/log.h"
#include "component/daemon.h"
#include "config/config.h"

#define MAX_REPLIES 16 /* a reply's 8 parts and its note, and the dialogue's prompt */

static struct vigil_config cfg;
static struct daemon d;
static char dir[] = "/tmp/vigil-fuzz-chat-XXXXXX";
static int replies; /* to the message being handled */
static double fuzz_clock;

/* Rate limits would otherwise be all the fuzzer explores: the clock moves
 * an hour per input, as in fuzz_stanza.c. */
static double fuzz_monotonic(void)
{
	return fuzz_clock;
}

/* Code points of valid UTF-8 without the controls the register refuses;
 * -1 when s is not. */
static long chars_of_valid_text(const unsigned char *s, size_t len)
{
	size_t i = 0;
	long n = 0;

	while (i < len) {
		unsigned c = s[i], cp, need, k;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				return -1;
			i++, n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return -1;
		if (i + need >= len)
			return -1;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
			return -1;
		i += need + 1;
		n++;
	}
	return n;
}

static void check_reply(void *ctx, const char *text)
{
	long chars = chars_of_valid_text((const unsigned char *)text, strlen(text));

	(void)ctx;
	if (chars < 0) {
		fprintf(stderr, "reply is not valid text: %s\n", text);
		abort();
	}
	if (chars > cfg.chat_max_reply + 200 || text[0] == '!') {
		fprintf(stderr, "reply of %ld characters (limit %d) or starting with '!': %.200s\n",
			chars, cfg.chat_max_reply, text);
		abort();
	}
	if (++replies > MAX_REPLIES) {
		fprintf(stderr, "more than %d replies to one message\n", MAX_REPLIES);
		abort();
	}
}

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
	daemon_cleanup(&d);
	config_free(&cfg);
	remove_dir();
}

/* Sends one message; body must be valid text (as the server's parser
 * guarantees). */
static void say(enum chat_origin origin, const char *from, const char *sender, const char *body)
{
	struct chat_message msg = {
		.origin = origin, .from = from, .sender = sender,
		.nick = origin == CHAT_DIRECT ? NULL : "nick", .body = body,
		.stanza_id = NULL, .reply_to = 0,
	};

	replies = 0;
	fuzz_clock += 3600;
	chat_dispatch(d.chat, &msg, check_reply, NULL);
}

static void setup(void)
{
	char text[1024], err[512];

	if (!mkdtemp(dir))
		abort();
	snprintf(text, sizeof text,
		 "component.jid = threats.localhost\n"
		 "component.secret = fuzz\n"
		 "room.jid = sig@conference.localhost\n"
		 "storage.path = %s/vigil.db\n"
		 "chat.max_reply = 300\n" /* replies split often */
		 "access.admins = alice@localhost\n"
		 "access.assessors = bob@localhost\n", dir);
	config_defaults(&cfg);
	if (config_parse(&cfg, "fuzz.conf", text, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	log_set_level(getenv("VIGIL_FUZZ_LOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
	if (daemon_init(&d, &cfg) < 0)
		abort();
	d.commands.monotonic = fuzz_monotonic;
	/* a register to talk about: threats to show, assess, list */
	say(CHAT_DIRECT, "alice@localhost/pc", "alice@localhost", "!file Dialback spoofing | A → B 🐍");
	say(CHAT_DIRECT, "carol@localhost/pc", "carol@localhost", "!file Ελληνικά | 定义 𝄞");
	say(CHAT_DIRECT, "bob@localhost/pc", "bob@localhost", "!assess T-1 likelihood=high damage=medium seen");
	atexit(cleanup);
}

#endif
