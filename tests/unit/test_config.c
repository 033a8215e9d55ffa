/* SPDX-License-Identifier: MIT */
/* Configuration parsing (config/config.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include <unistr.h>

#include "tests/unit/tap.h"

#define REQUIRED "component.jid = threats.localhost\ncomponent.secret = s\nroom.jid = sig@conference.localhost\n"

/* Parses text; returns rc and leaves the message in err. */
static int parse(struct vigil_config *cfg, const char *text, char *err, size_t errlen)
{
	config_defaults(cfg);
	err[0] = '\0';
	return config_parse(cfg, "t.conf", text, err, errlen);
}

static void test_defaults(void)
{
	struct vigil_config cfg;
	char err[512];

	is_int(parse(&cfg, REQUIRED, err, sizeof err), 0, "the three required keys are enough");
	is_str(cfg.component_host, "127.0.0.1", "component.host defaults to 127.0.0.1");
	is_int(cfg.component_port, 5347, "component.port defaults to 5347");
	is_str(cfg.room_nick, "vigil", "room.nick defaults to vigil");
	is_str(cfg.storage_path, "vigil.db", "storage.path defaults to vigil.db");
	is_int(cfg.list_page, 50, "commands.list_page defaults to 50");
	is_int(cfg.session_timeout, 600, "commands.session_timeout defaults to 600");
	is_int(cfg.log_level, 2, "log.level defaults to info");
	is_str(cfg.pubsub_access_model, "open", "pubsub.access_model defaults to open");
	ok(cfg.pubsub_external_service == NULL, "no external pubsub by default");
	is_int(cfg.max_subscriptions_per_jid, 10, "pubsub.max_subscriptions_per_jid defaults to 10");
	is_int(cfg.admins.count, 0, "no admins by default");
	config_free(&cfg);
}

static void expect_error(const char *text, const char *want, const char *what);

/* The discussion's keys: mentions unfold, assessments by quorum. */
static void test_discussion_keys(void)
{
	struct vigil_config cfg;
	char err[512];

	is_int(parse(&cfg, REQUIRED, err, sizeof err), 0, "defaults parse");
	is_int(cfg.chat_unfold, 1, "chat.unfold defaults to true");
	is_int(cfg.chat_unfold_interval, 600, "chat.unfold_interval defaults to 10 minutes");
	is_int(cfg.assess_quorum, 1, "assess.quorum defaults to 1 (one assessor's word)");
	config_free(&cfg);
	is_int(parse(&cfg, REQUIRED "[chat]\nunfold = false\nunfold_interval = 30\n[assess]\nquorum = 3\n",
		     err, sizeof err), 0, "the keys are read from their sections");
	is_int(cfg.chat_unfold, 0, "chat.unfold = false");
	is_int(cfg.chat_unfold_interval, 30, "chat.unfold_interval = 30");
	is_int(cfg.assess_quorum, 3, "assess.quorum = 3");
	config_free(&cfg);
	expect_error(REQUIRED "chat.unfold = yes\n", "t.conf:4: chat.unfold: expected true or false, got \"yes\"",
		     "chat.unfold takes only true or false");
	expect_error(REQUIRED "assess.quorum = 0\n", "t.conf:4: assess.quorum: expected an integer 1-100",
		     "assess.quorum below 1 is refused");
	expect_error(REQUIRED "chat.unfold_interval = -1\n", "chat.unfold_interval: expected seconds, 0-86400",
		     "a negative interval is refused");
}

static void test_styles(void)
{
	struct vigil_config cfg;
	char err[512];

	is_int(parse(&cfg,
		     "# comment\n\n[component]\njid = threats.example.org  # trailing comment\n"
		     "secret = \"with # hash \"\nport=5348\n[room]\njid = sig@muc.example.org\n"
		     "nick = \" bot\"\naccess.admins = Alice@Example.org, bob@example.org\n"
		     "[log]\nlevel = debug\n", err, sizeof err), 0, "sections, quotes and comments parse");
	is_str(cfg.component_jid, "threats.example.org", "[component] jid");
	is_str(cfg.component_secret, "with # hash ", "a quoted value keeps # and blanks");
	is_int(cfg.component_port, 5348, "port read");
	is_str(cfg.room_nick, " bot", "a quoted nick keeps its leading blank");
	is_int(cfg.admins.count, 2, "a dotted key works after a section header");
	ok(config_list_has(&cfg.admins, "alice@example.org"), "configured JIDs are normalised");
	ok(!config_list_has(&cfg.admins, "carol@example.org"), "and find only members");
	is_int(cfg.log_level, 3, "log.level debug");
	config_free(&cfg);
}

/* Configured JIDs are compared as the server prepares a `from`: case-folded
 * (Unicode, not ASCII only) and NFKC; 1-, 2-, 3- and 4-byte characters. */
static void test_jid_normalisation(void)
{
	struct vigil_config cfg;
	char err[512];

	is_int(parse(&cfg,
		     "component.jid = threats.example.org\ncomponent.secret = s\n"
		     "room.jid = sig@muc.example.org\n"
		     "access.admins = ÉLODIE@Example.ORG, \xef\xbd\x81lice@example.org\n"
		     "access.assessors = STRASSE@example.org, \xce\xa3\xce\xb9\xcf\x83@example.org, "
		     "\xf0\x90\x90\x80x@example.org\n", err, sizeof err), 0,
	       "access lists with non-ASCII JIDs parse");
	ok(config_list_has(&cfg.admins, "élodie@example.org"), "É (2 bytes) folds to é");
	ok(config_list_has(&cfg.admins, "alice@example.org"),
	   "a fullwidth ａ (3 bytes) is an a after NFKC");
	ok(config_list_has(&cfg.assessors, "strasse@example.org"), "ASCII upper case folds");
	ok(config_list_has(&cfg.assessors, "σισ@example.org"), "Greek capitals fold");
	ok(config_list_has(&cfg.assessors, "\xf0\x90\x90\xa8x@example.org"),
	   "a Deseret capital (4 bytes) folds to its small letter");
	ok(!config_list_has(&cfg.admins, "ÉLODIE@Example.ORG"),
	   "a JID the server did not prepare is not matched by case-blind luck");
	config_free(&cfg);
}

/* An error quoting a long value of 2-, 3- and 4-byte characters cuts it
 * between characters: the message is valid UTF-8 and says it was cut. */
static void test_error_quotes_by_characters(void)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe2\x9c\x93", "\xf0\x9d\x84\x9e" };
	struct vigil_config cfg;
	char text[2048], err[512];
	size_t i, j, n;

	for (i = 0; i < 3; i++) {
		n = (size_t)snprintf(text, sizeof text, "component.port = ");
		for (j = 0; j < 300 && n + 5 < sizeof text - 2; j++)
			n += (size_t)snprintf(text + n, sizeof text - n, "%s", chars[i]);
		snprintf(text + n, sizeof text - n, "\n");
		ok(parse(&cfg, text, err, sizeof err) < 0 && !u8_check((const uint8_t *)err, strlen(err)) &&
		   strstr(err, "\xe2\x80\xa6"), "a %zu-byte character quoted in an error is never split: %s",
		   i + 2, err);
		config_free(&cfg);
		n = (size_t)snprintf(text, sizeof text, "[");
		for (j = 0; j < 300 && n + 5 < sizeof text - 3; j++)
			n += (size_t)snprintf(text + n, sizeof text - n, "%s", chars[i]);
		snprintf(text + n, sizeof text - n, "\n");
		ok(parse(&cfg, text, err, sizeof err) < 0 && !u8_check((const uint8_t *)err, strlen(err)),
		   "and a malformed section header of them neither");
		config_free(&cfg);
	}
}

static void expect_error(const char *text, const char *want, const char *what)
{
	struct vigil_config cfg;
	char err[512];
	int rc = parse(&cfg, text, err, sizeof err);

	ok(rc < 0 && strstr(err, want) != NULL, "%s", what);
	if (rc >= 0 || !strstr(err, want))
		diag("got \"%s\", want it to contain \"%s\"", err, want);
	config_free(&cfg);
}

static void test_errors(void)
{
	expect_error(REQUIRED "component.port = abc\n", "t.conf:4: component.port: expected an integer 1-65535",
		     "a bad port names file, line and what was expected");
	expect_error(REQUIRED "component.port = 70000\n", "t.conf:4:", "a port out of range is refused");
	expect_error(REQUIRED "room.colour = blue\n", "t.conf:4: unknown key \"room.colour\"",
		     "an unknown key is refused with its line");
	expect_error(REQUIRED "room.nick = a\nroom.nick = b\n", "t.conf:5: room.nick is set twice",
		     "a key set twice is refused");
	expect_error("component.secret = s\nroom.jid = sig@conference.localhost\n",
		     "missing required key component.jid", "a missing component.jid is named");
	expect_error("component.jid = t.localhost\ncomponent.secret = s\n",
		     "missing required key room.jid", "a missing room.jid is named");
	expect_error(REQUIRED "room.jid = sig@conference.localhost\n", "set twice",
		     "room.jid twice");
	expect_error("component.jid = t.localhost\ncomponent.secret = s\nroom.jid = conference.localhost\n",
		     "t.conf:3: room.jid: expected the room's bare JID", "a room JID needs a node");
	expect_error("component.jid = user@t.localhost\n", "t.conf:1: component.jid",
		     "a component JID is a bare domain");
	expect_error(REQUIRED "log.level = loud\n", "expected error, warn, info or debug",
		     "an enum lists its choices");
	expect_error(REQUIRED "access.admins = alice@localhost, not a jid\n", "t.conf:4: access.admins",
		     "a bad JID in a list is refused");
	expect_error(REQUIRED "just words\n", "t.conf:4: expected \"key = value\"", "a line without =");
	expect_error(REQUIRED "[room\n", "t.conf:4: malformed section header", "a broken section header");
	expect_error(REQUIRED "room.nick = \"open\n", "unterminated", "an unterminated quote");
	expect_error(REQUIRED "commands.list_page = 0\n", "an integer 1-100", "list_page has limits");
	expect_error(REQUIRED "pubsub.max_subscriptions_per_jid = 0\n",
		     "t.conf:4: pubsub.max_subscriptions_per_jid: expected an integer 1-100",
		     "max_subscriptions_per_jid is at least 1");
	expect_error(REQUIRED "[pubsub]\nmax_subscriptions_per_jid = 101\n", "t.conf:5: ",
		     "and at most 100");
	expect_error(REQUIRED "pubsub.max_subscriptions_per_jid = ten\n", "expected an integer 1-100",
		     "and a number");
}

static void test_subscription_cap(void)
{
	struct vigil_config cfg;
	char err[512];

	is_int(parse(&cfg, REQUIRED "[pubsub]\nmax_subscriptions_per_jid = 100\n", err, sizeof err), 0,
	       "pubsub.max_subscriptions_per_jid in its section");
	is_int(cfg.max_subscriptions_per_jid, 100, "read");
	config_free(&cfg);
	is_int(parse(&cfg, REQUIRED "pubsub.max_subscriptions_per_jid = 1\n", err, sizeof err), 0,
	       "as a dotted key");
	is_int(cfg.max_subscriptions_per_jid, 1, "1 is allowed");
	config_free(&cfg);
}

static void test_secret_from_environment(void)
{
	struct vigil_config cfg;
	char err[512];

	setenv("VIGIL_COMPONENT_SECRET", "from-env", 1);
	is_int(parse(&cfg, "component.jid = t.localhost\nroom.jid = sig@conference.localhost\n",
		     err, sizeof err), 0, "the secret may come from VIGIL_COMPONENT_SECRET alone");
	is_str(cfg.component_secret, "from-env", "and is used");
	config_free(&cfg);
	is_int(parse(&cfg, REQUIRED, err, sizeof err), 0, "a file secret and the environment");
	is_str(cfg.component_secret, "from-env", "the environment wins over the file");
	config_free(&cfg);
	unsetenv("VIGIL_COMPONENT_SECRET");
	expect_error("component.jid = t.localhost\nroom.jid = sig@conference.localhost\n",
		     "VIGIL_COMPONENT_SECRET", "without either, the message mentions the variable");
}

static void test_example_and_files(void)
{
	struct vigil_config cfg;
	const char *srcdir = getenv("VIGIL_SRCDIR");
	char path[1024], err[512];

	config_defaults(&cfg);
	is_int(config_load(&cfg, "/nonexistent/vigil.conf", err, sizeof err), -1, "a missing file fails");
	ok(strstr(err, "/nonexistent/vigil.conf: cannot open") != NULL, "and says which file");
	config_free(&cfg);
	snprintf(path, sizeof path, "%s/config/vigil.conf.example", srcdir ? srcdir : ".");
	config_defaults(&cfg);
	err[0] = '\0';
	is_int(config_load(&cfg, path, err, sizeof err), 0, "the annotated example config is valid");
	if (err[0])
		diag("%s", err);
	is_str(cfg.component_jid, "threats.localhost", "and uses the PROTOCOL.md defaults");
	is_int(cfg.max_subscriptions_per_jid, 10, "and the default subscription cap");
	config_free(&cfg);
}

int main(void)
{
	unsetenv("VIGIL_COMPONENT_SECRET");
	test_defaults();
	test_styles();
	test_errors();
	test_discussion_keys();
	test_jid_normalisation();
	test_error_quotes_by_characters();
	test_subscription_cap();
	test_secret_from_environment();
	test_example_and_files();
	return done_testing();
}
