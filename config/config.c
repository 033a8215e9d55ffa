/* SPDX-License-Identifier: MIT */
/* Configuration file parsing: one table of keys drives parsing, defaults and
 * messages. Format: `key = value` lines, `#` comments, dotted keys
 * (`room.jid`) or `[section]` headers followed by bare keys. */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>

#include "commands/text/text.h"

#define MAX_LINE 4096
#define MAX_JID 3071

enum key_type { KEY_STRING, KEY_DOMAIN, KEY_ROOM_JID, KEY_INT, KEY_BOOL, KEY_LIST, KEY_ENUM };

/* One key. The same entry parses the key, gives its default, words its
 * error messages and documents it: config/gen_config_docs writes
 * vigil.conf(5) and vigil.conf.example from this table. */
struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	const char *def;            /* default as written in the file, NULL = none */
	long min, max;              /* KEY_INT */
	const char *unit;           /* KEY_INT: "seconds"...; NULL = "an integer" */
	const char *const *choices; /* KEY_ENUM */
	const char *expect;         /* other types: what a value should look like */
	const char *example;        /* a value for the example file when there is no default */
	int required;
	const char *doc;            /* what the key does: sentences, one a line */
};

static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };
static const char *const access_models[] = { "open", "presence", "whitelist", "authorize", NULL };

#define OFF(field) offsetof(struct vigil_config, field)

static const struct key keys[] = {
	{ .name = "component.jid", .type = KEY_DOMAIN, .offset = OFF(component_jid), .required = 1,
	  .expect = "the component's domain, e.g. threats.localhost", .example = "threats.localhost",
	  .doc = "The component's domain.\n"
		 "The server must have a component of this name, e.g. Prosody's "
		 "Component \"threats.localhost\"." },
	{ .name = "component.secret", .type = KEY_STRING, .offset = OFF(component_secret),
	  .required = 1, .expect = "the shared secret of the server's component listener",
	  .example = "secret",
	  .doc = "The shared secret of the server's component listener.\n"
		 "The environment variable VIGIL_COMPONENT_SECRET, when set, wins over this "
		 "key, so that the secret need not sit in this file; the key may then be "
		 "left out." },
	{ .name = "component.host", .type = KEY_STRING, .offset = OFF(component_host),
	  .def = "127.0.0.1", .expect = "a host name or address",
	  .doc = "The host name or address of the server's component listener.\n"
		 "Keep it on loopback or a private network: XEP-0114 streams are not "
		 "encrypted." },
	{ .name = "component.port", .type = KEY_INT, .offset = OFF(component_port),
	  .def = "5347", .min = 1, .max = 65535,
	  .doc = "The port of the server's component listener." },
	{ .name = "component.ping_interval", .type = KEY_INT, .offset = OFF(ping_interval),
	  .def = "60", .min = 1, .max = 86400, .unit = "seconds",
	  .doc = "vigil pings itself through the server every this many seconds, to "
		 "notice a connection that went silent." },
	{ .name = "component.ping_timeout", .type = KEY_INT, .offset = OFF(ping_timeout),
	  .def = "20", .min = 1, .max = 3600, .unit = "seconds",
	  .doc = "A ping not answered within this many seconds drops the connection, and "
		 "vigil connects again." },
	{ .name = "component.reconnect_max_delay", .type = KEY_INT,
	  .offset = OFF(reconnect_max_delay), .def = "60", .min = 1, .max = 3600,
	  .unit = "seconds",
	  .doc = "After a lost connection vigil retries with exponential backoff and "
		 "jitter, waiting at most this many seconds between two attempts." },

	{ .name = "room.jid", .type = KEY_ROOM_JID, .offset = OFF(room_jid), .required = 1,
	  .expect = "the room's bare JID, e.g. sig@conference.localhost",
	  .example = "sig@conference.localhost",
	  .doc = "The Security SIG's multi-user chat room (XEP-0045), as a bare JID.\n"
		 "vigil creates the room when it does not exist (persistent, "
		 "non-anonymous) and stays in it." },
	{ .name = "room.nick", .type = KEY_STRING, .offset = OFF(room_nick), .def = "vigil",
	  .expect = "a nickname",
	  .doc = "vigil's nickname in the room.\n"
		 "When it is taken, vigil tries it with _ appended, then _2, _3 and so on." },
	{ .name = "room.selfping_interval", .type = KEY_INT,
	  .offset = OFF(room_selfping_interval), .def = "120", .min = 1, .max = 86400,
	  .unit = "seconds",
	  .doc = "vigil pings itself in the room (XEP-0410) every this many seconds, to "
		 "notice a silent loss of membership, and then joins again." },

	{ .name = "storage.path", .type = KEY_STRING, .offset = OFF(storage_path),
	  .def = "vigil.db", .expect = "a file path",
	  .doc = "The sqlite3 database that holds the register, relative to the working "
		 "directory unless absolute.\n"
		 "Beside it, the file of the same name with .pid appended holds the "
		 "daemon's pid, locked while it runs." },

	{ .name = "commands.session_timeout", .type = KEY_INT, .offset = OFF(session_timeout),
	  .def = "600", .min = 10, .max = 86400, .unit = "seconds",
	  .doc = "An unfinished ad-hoc command session expires after this many "
		 "seconds without a step." },
	/* at most 100 rows (ROWS_PAGE_MAX), so a page stays under 128 KiB (commands/adhoc/rows.h) */
	{ .name = "commands.list_page", .type = KEY_INT, .offset = OFF(list_page),
	  .def = "50", .min = 1, .max = 100,
	  .doc = "Rows on one page of list, search and history (threats or revisions)." },
	{ .name = "commands.max_sessions_per_jid", .type = KEY_INT,
	  .offset = OFF(max_sessions_per_jid), .def = "10", .min = 1, .max = 1000,
	  .doc = "Unfinished command sessions one bare JID may hold at once.\n"
		 "Beyond, a new session is refused with resource-constraint until one ends "
		 "or expires." },
	{ .name = "commands.max_sessions", .type = KEY_INT, .offset = OFF(max_sessions),
	  .def = "1000", .min = 1, .max = 1000000,
	  .doc = "Unfinished command sessions of all JIDs together.\n"
		 "Beyond, a new session is refused with resource-constraint." },

	/* 20,000 bytes stay under 128 KiB even when every one is escaped */
	{ .name = "chat.max_reply", .type = KEY_INT, .offset = OFF(chat_max_reply),
	  .def = "3000", .min = 200, .max = 20000, .unit = "bytes",
	  .doc = "A reply to a chat command is split at line boundaries into messages "
		 "below this many bytes, never inside a character.\n"
		 "A reply takes at most 8 messages; the rest is left out with a note." },
	{ .name = "chat.rate_per_minute", .type = KEY_INT, .offset = OFF(chat_rate_per_minute),
	  .def = "30", .min = 1, .max = 6000, .unit = "commands a minute",
	  .doc = "Chat commands accepted from one JID a minute; one notice says when "
		 "the limit is exceeded.\n"
		 "Comments and answered mentions count against it too." },
	{ .name = "chat.unfold", .type = KEY_BOOL, .offset = OFF(chat_unfold), .def = "true",
	  .doc = "Whether a room message that mentions threat ids (T-7) is answered "
		 "with a one-line summary of each, at most three threats a message.\n"
		 "Unknown ids stay silent." },
	{ .name = "chat.unfold_interval", .type = KEY_INT, .offset = OFF(chat_unfold_interval),
	  .def = "600", .min = 0, .max = 86400, .unit = "seconds",
	  .doc = "One threat is unfolded at most once every this many seconds." },

	{ .name = "assess.quorum", .type = KEY_INT, .offset = OFF(assess_quorum),
	  .def = "1", .min = 1, .max = 100,
	  .doc = "Assessments (each assessor's latest) needed before a threat gets a "
		 "priority; below it the threat stays unassessed, shown as "
		 "\"1 of 2 assessments\".\n"
		 "With 1, one assessor's word sets the priority." },

	{ .name = "access.rate_per_minute", .type = KEY_INT, .offset = OFF(rate_per_minute),
	  .def = "120", .min = 1, .max = 60000, .unit = "requests a minute",
	  .doc = "Ad-hoc command and PubSub requests accepted from one bare JID a "
		 "minute.\n"
		 "Beyond, requests are answered with policy-violation." },
	{ .name = "access.allow_domains", .type = KEY_LIST, .offset = OFF(allow_domains),
	  .expect = "comma-separated domains", .example = "localhost",
	  .doc = "The domains whose users may use vigil at all.\n"
		 "Unset or empty: every domain." },
	{ .name = "access.assessors", .type = KEY_LIST, .offset = OFF(assessors),
	  .expect = "comma-separated bare JIDs", .example = "bob@localhost",
	  .doc = "The bare JIDs that may assess and edit any threat." },
	{ .name = "access.admins", .type = KEY_LIST, .offset = OFF(admins),
	  .expect = "comma-separated bare JIDs", .example = "alice@localhost",
	  .doc = "The bare JIDs that may do everything, retiring threats included." },

	{ .name = "pubsub.external_service", .type = KEY_DOMAIN,
	  .offset = OFF(pubsub_external_service),
	  .expect = "a PubSub service's JID, e.g. pubsub.localhost", .example = "pubsub.localhost",
	  .doc = "A PubSub service (XEP-0060), e.g. the server's own, to which vigil "
		 "also publishes every announcement.\n"
		 "Unset: vigil publishes on its own service only." },
	{ .name = "pubsub.access_model", .type = KEY_ENUM, .offset = OFF(pubsub_access_model),
	  .def = "open", .choices = access_models,
	  .doc = "The access model of the nodes vigil creates on "
		 "pubsub.external_service." },
	{ .name = "pubsub.max_subscriptions_per_jid", .type = KEY_INT,
	  .offset = OFF(max_subscriptions_per_jid), .def = "10", .min = 1, .max = 100,
	  .doc = "Subscriptions to vigil's own nodes that one account may hold: its bare "
		 "JID and all its full JIDs, on every node together.\n"
		 "Beyond, a subscription is refused with policy-violation and "
		 "too-many-subscriptions (XEP-0060 6.1.3.9); subscribing again to what "
		 "is held still succeeds.\n"
		 "A change notifies at most this many JIDs of one account, and "
		 "<subscriptions/> lists at most this many." },

	{ .name = "publish.dir", .type = KEY_STRING, .offset = OFF(publish_dir),
	  .expect = "a directory vigil may write, e.g. /var/www/vigil",
	  .example = "/var/www/vigil",
	  .doc = "A directory into which vigil writes the register's site (what vigil "
		 "export --format site writes) when it starts and after every change.\n"
		 "Each file is written beside its place and renamed over it, so that a "
		 "reader never sees half of one.\n"
		 "The directory is created if missing.\n"
		 "It must be writable by vigil (under the systemd unit: a directory owned "
		 "by vigil and named in a ReadWritePaths= drop-in) and readable by the web "
		 "server that serves it.\n"
		 "Unset: nothing is written." },
	{ .name = "publish.base_url", .type = KEY_STRING, .offset = OFF(publish_base_url),
	  .expect = "the URL publish.dir is served at, e.g. http://127.0.0.1:5280/sig/",
	  .example = "http://127.0.0.1:5280/sig/",
	  .doc = "The URL at which publish.dir is served.\n"
		 "Room announcements and !show then end with the threat's page, and the "
		 "feed's links are absolute.\n"
		 "Unset: no links." },

	{ .name = "log.level", .type = KEY_ENUM, .offset = OFF(log_level), .def = "info",
	  .choices = log_levels,
	  .doc = "The least severe messages logged.\n"
		 "The option -v logs debug messages whatever this key says." },
};
#define KEY_COUNT (sizeof keys / sizeof keys[0])

static void set_error(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void set_error(char *err, size_t errlen, const char *name, int line, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (line > 0)
		text_format(err, errlen, "%s:%d: ", name, line);
	else
		text_format(err, errlen, "%s: ", name);
	n = strlen(err);
	if (n + 1 >= errlen)
		return;
	va_start(ap, fmt);
	text_vformat(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

/* What a value should look like, as error messages and the docs say it:
 * numbers and choices from their limits, the rest from the table. */
static void describe_value(const struct key *k, char *buf, size_t len)
{
	size_t n, i;

	switch (k->type) {
	case KEY_INT:
		if (k->unit)
			text_format(buf, len, "%s, %ld-%ld", k->unit, k->min, k->max);
		else
			text_format(buf, len, "an integer %ld-%ld", k->min, k->max);
		return;
	case KEY_BOOL:
		text_format(buf, len, "true or false");
		return;
	case KEY_ENUM:
		buf[0] = '\0';
		for (i = 0; k->choices[i]; i++) {
			n = strlen(buf);
			text_format(buf + n, len - n, "%s%s", i == 0 ? "" : k->choices[i + 1] ? ", " : " or ",
				    k->choices[i]);
		}
		return;
	default:
		text_format(buf, len, "%s", k->expect);
		return;
	}
}

int config_key_doc(size_t i, struct config_key_doc *out)
{
	if (i >= KEY_COUNT)
		return -1;
	out->name = keys[i].name;
	describe_value(&keys[i], out->value, sizeof out->value);
	out->def = keys[i].def;
	out->example = keys[i].example;
	out->doc = keys[i].doc;
	out->required = keys[i].required;
	return 0;
}

static const struct key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static void list_clear(struct config_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

/* A JID part check good enough to catch typos: no spaces or controls, a
 * domain with no empty labels, not too long. */
static int plausible_domain(const char *s)
{
	size_t len = strlen(s);
	const char *p;

	if (!len || len > 1023 || s[0] == '.' || s[len - 1] == '.' || strstr(s, ".."))
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("@/\"&'<>:", *p))
			return 0;
	return 1;
}

static int plausible_bare_jid(const char *s, int need_node)
{
	const char *at = strchr(s, '@');
	const char *p;

	if (strlen(s) > MAX_JID || strchr(s, '/'))
		return 0;
	if (!at)
		return !need_node && plausible_domain(s);
	if (at == s || strchr(at + 1, '@'))
		return 0;
	for (p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"&'/:<>@", *p))
			return 0;
	return plausible_domain(at + 1);
}

int config_jid_plausible(const char *s)
{
	return s && plausible_bare_jid(s, 0);
}

/* A JID as the servers compare them: case-folded and in Unicode normal form
 * KC (what nodeprep and nameprep do to the parts that matter here), so that
 * the `from` of a stanza, which the server has prepared, matches with a
 * plain strcmp. Invalid UTF-8 is kept as written (and matches nothing). */
static char *normalized_jid(const char *text, size_t len)
{
	size_t outlen = 0;
	uint8_t *folded = u8_casefold((const uint8_t *)text, len, NULL, UNINORM_NFKC, NULL, &outlen);
	char *out;

	if (!folded)
		return errno == EILSEQ ? strndup(text, len) : NULL;
	out = malloc(outlen + 1);
	if (out) {
		memcpy(out, folded, outlen);
		out[outlen] = '\0';
	}
	free(folded);
	return out;
}

static int parse_list(const char *value, struct config_list *out, int domains_only)
{
	const char *p = value;

	list_clear(out);
	while (*p) {
		const char *start, *end;
		char *item, **grown;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		item = normalized_jid(start, (size_t)(end - start));
		if (!item)
			return -1;
		if (domains_only ? !plausible_domain(item) : !plausible_bare_jid(item, 0)) {
			free(item);
			return -2;
		}
		grown = realloc(out->items, (out->count + 1) * sizeof *grown);
		if (!grown) {
			free(item);
			return -1;
		}
		out->items = grown;
		out->items[out->count++] = item;
	}
	return 0;
}

static int set_value(struct vigil_config *cfg, const struct key *k, const char *value,
		     char *why, size_t whylen)
{
	char quoted[TEXT_QUOTE_BYTES], expect[CONFIG_VALUE_TEXT];
	char *base = (char *)cfg + k->offset;
	char *copy, *end;
	long n;
	int i, rc;

	switch (k->type) {
	case KEY_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (!*value || *end || errno || n < k->min || n > k->max)
			goto bad;
		*(int *)base = (int)n;
		return 0;
	case KEY_BOOL:
		if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
			goto bad;
		*(int *)base = strcmp(value, "true") == 0;
		return 0;
	case KEY_ENUM:
		for (i = 0; k->choices[i] && strcmp(k->choices[i], value) != 0; i++)
			;
		if (!k->choices[i])
			goto bad;
		if (k->offset == OFF(log_level)) {
			*(int *)base = i;
			return 0;
		}
		break;
	case KEY_LIST:
		rc = parse_list(value, (struct config_list *)base,
				k->offset == OFF(allow_domains));
		if (rc == -2)
			goto bad;
		return rc;
	case KEY_DOMAIN:
		if (!plausible_domain(value))
			goto bad;
		break;
	case KEY_ROOM_JID:
		if (!plausible_bare_jid(value, 1))
			goto bad;
		break;
	case KEY_STRING:
		if (!*value)
			goto bad;
		break;
	}
	copy = strdup(value);
	if (!copy)
		return -1;
	free(*(char **)base);
	*(char **)base = copy;
	return 0;
bad:
	describe_value(k, expect, sizeof expect);
	text_format(why, whylen, "%s: expected %s, got \"%s\"", k->name, expect,
		    text_quote(quoted, sizeof quoted, value));
	return -2;
}

void config_defaults(struct vigil_config *cfg)
{
	char why[256];
	size_t i;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < KEY_COUNT; i++)
		if (keys[i].def)
			set_value(cfg, &keys[i], keys[i].def, why, sizeof why);
	cfg->log_level = 2; /* info */
}

/* Removes surrounding blanks; strips a trailing comment (a # after a blank)
 * unless the value is quoted. Returns the value or NULL on a bad quote. */
static char *clean_value(char *v)
{
	char *end;

	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '"') {
		end = strchr(v + 1, '"');
		if (!end)
			return NULL;
		*end = '\0';
		for (end++; *end == ' ' || *end == '\t'; end++)
			;
		if (*end && *end != '#')
			return NULL;
		return v + 1;
	}
	for (end = v; *end; end++)
		if (*end == '#' && (end == v || end[-1] == ' ' || end[-1] == '\t')) {
			*end = '\0';
			break;
		}
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return v;
}

static int parse_line(struct vigil_config *cfg, const char *name, int lineno, char *line,
		      char *section, size_t sectionlen, unsigned char *seen,
		      char *err, size_t errlen)
{
	char keyname[160], why[512], quoted[TEXT_QUOTE_BYTES];
	char *eq, *key, *value, *end;
	const struct key *k;
	int rc;

	while (*line == ' ' || *line == '\t')
		line++;
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	if (!*line || *line == '#')
		return 0;
	if (*line == '[') {
		end = strchr(line, ']');
		if (!end || end[1] || end == line + 1 || (size_t)(end - line) >= sectionlen) {
			set_error(err, errlen, name, lineno, "malformed section header \"%s\"",
				  text_quote(quoted, sizeof quoted, line));
			return -1;
		}
		*end = '\0'; /* fits: checked above */
		memcpy(section, line + 1, (size_t)(end - line));
		return 0;
	}
	eq = strchr(line, '=');
	if (!eq) {
		set_error(err, errlen, name, lineno, "expected \"key = value\", got \"%s\"",
			  text_quote(quoted, sizeof quoted, line));
		return -1;
	}
	*eq = '\0';
	key = line;
	end = eq;
	while (end > key && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	/* a name too long for keyname is no key of ours: shortened, it is
	 * still refused as unknown, and said by characters */
	if (strchr(key, '.') || !*section)
		text_format(keyname, sizeof keyname, "%s", key);
	else
		text_format(keyname, sizeof keyname, "%s.%s", section, key);
	k = find_key(keyname);
	if (!k) {
		set_error(err, errlen, name, lineno, "unknown key \"%s\" (vigil.conf(5) lists the "
			  "known keys)", keyname);
		return -1;
	}
	if (seen[k - keys]) {
		set_error(err, errlen, name, lineno, "%s is set twice", keyname);
		return -1;
	}
	seen[k - keys] = 1;
	value = clean_value(eq + 1);
	if (!value) {
		set_error(err, errlen, name, lineno, "%s: unterminated or malformed quoted value", keyname);
		return -1;
	}
	rc = set_value(cfg, k, value, why, sizeof why);
	if (rc == -2)
		set_error(err, errlen, name, lineno, "%s", why);
	else if (rc < 0)
		set_error(err, errlen, name, lineno, "out of memory");
	return rc < 0 ? -1 : 0;
}

int config_parse(struct vigil_config *cfg, const char *name, const char *text,
		 char *err, size_t errlen)
{
	unsigned char seen[KEY_COUNT] = { 0 };
	char section[64] = "", line[MAX_LINE + 2];
	const char *p = text, *env = getenv("VIGIL_COMPONENT_SECRET");
	int lineno = 0;
	size_t i;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		lineno++;
		if (len > MAX_LINE) {
			set_error(err, errlen, name, lineno, "line longer than %d characters", MAX_LINE);
			return -1;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (strlen(line) != len) {
			set_error(err, errlen, name, lineno, "NUL byte in the line");
			return -1;
		}
		if (parse_line(cfg, name, lineno, line, section, sizeof section, seen, err, errlen) < 0)
			return -1;
		p = nl ? nl + 1 : p + len;
	}
	if (env && *env) {
		char *copy = strdup(env);
		if (!copy)
			return -1;
		free(cfg->component_secret);
		cfg->component_secret = copy;
	}
	for (i = 0; i < KEY_COUNT; i++) {
		char **value = (char **)((char *)cfg + keys[i].offset);
		if (keys[i].required && !*value &&
		    !(cfg->secret_optional && keys[i].offset == OFF(component_secret))) {
			set_error(err, errlen, name, 0, "missing required key %s (%s)%s", keys[i].name,
				  keys[i].expect,
				  keys[i].offset == OFF(component_secret) ?
				  "; it may also come from VIGIL_COMPONENT_SECRET" : "");
			return -1;
		}
	}
	return 0;
}

int config_load(struct vigil_config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	if (!f) {
		set_error(err, errlen, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *grown;
			cap = cap ? cap * 2 : 8192;
			if (cap > (1u << 20)) {
				set_error(err, errlen, path, 0, "larger than 1 MiB: not a configuration file?");
				goto out;
			}
			grown = realloc(text, cap);
			if (!grown)
				goto out;
			text = grown;
		}
		n = fread(text + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	if (ferror(f)) {
		set_error(err, errlen, path, 0, "read error: %s", strerror(errno));
		goto out;
	}
	text[len] = '\0';
	rc = config_parse(cfg, path, text, err, errlen);
out:
	free(text);
	fclose(f);
	return rc;
}

int config_list_has(const struct config_list *list, const char *jid)
{
	size_t i;

	for (i = 0; jid && i < list->count; i++)
		if (strcmp(list->items[i], jid) == 0)
			return 1;
	return 0;
}

void config_free(struct vigil_config *cfg)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++) {
		char *base = (char *)cfg + keys[i].offset;
		if (keys[i].type == KEY_LIST)
			list_clear((struct config_list *)base);
		else if (keys[i].type != KEY_INT && keys[i].type != KEY_BOOL &&
			 keys[i].offset != OFF(log_level))
			free(*(char **)base), *(char **)base = NULL;
	}
}
