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

struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	const char *def;           /* default as text, NULL = none */
	long min, max;             /* KEY_INT */
	const char *const *choices; /* KEY_ENUM */
	const char *expect;        /* what a value should look like */
	int required;
};

static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };
static const char *const access_models[] = { "open", "presence", "whitelist", "authorize", NULL };

#define OFF(field) offsetof(struct vigil_config, field)

static const struct key keys[] = {
	{ "component.jid", KEY_DOMAIN, OFF(component_jid), NULL, 0, 0, NULL,
	  "the component's domain, e.g. threats.localhost", 1 },
	{ "component.secret", KEY_STRING, OFF(component_secret), NULL, 0, 0, NULL,
	  "the shared secret of the server's component listener", 1 },
	{ "component.host", KEY_STRING, OFF(component_host), "127.0.0.1", 0, 0, NULL,
	  "a host name or address", 0 },
	{ "component.port", KEY_INT, OFF(component_port), "5347", 1, 65535, NULL,
	  "an integer 1-65535", 0 },
	{ "component.ping_interval", KEY_INT, OFF(ping_interval), "60", 1, 86400, NULL,
	  "seconds, 1-86400", 0 },
	{ "component.ping_timeout", KEY_INT, OFF(ping_timeout), "20", 1, 3600, NULL,
	  "seconds, 1-3600", 0 },
	{ "component.reconnect_max_delay", KEY_INT, OFF(reconnect_max_delay), "60", 1, 3600, NULL,
	  "seconds, 1-3600", 0 },
	{ "room.jid", KEY_ROOM_JID, OFF(room_jid), NULL, 0, 0, NULL,
	  "the room's bare JID, e.g. sig@conference.localhost", 1 },
	{ "room.nick", KEY_STRING, OFF(room_nick), "vigil", 0, 0, NULL, "a nickname", 0 },
	{ "room.selfping_interval", KEY_INT, OFF(room_selfping_interval), "120", 1, 86400, NULL,
	  "seconds, 1-86400", 0 },
	{ "storage.path", KEY_STRING, OFF(storage_path), "vigil.db", 0, 0, NULL,
	  "a file path", 0 },
	{ "commands.session_timeout", KEY_INT, OFF(session_timeout), "600", 10, 86400, NULL,
	  "seconds, 10-86400", 0 },
	/* at most 100 rows, so a page stays under 128 KiB (commands/adhoc/cmd_list.c) */
	{ "commands.list_page", KEY_INT, OFF(list_page), "50", 1, 100, NULL,
	  "an integer 1-100", 0 },
	{ "commands.max_sessions_per_jid", KEY_INT, OFF(max_sessions_per_jid), "10", 1, 1000, NULL,
	  "an integer 1-1000", 0 },
	{ "commands.max_sessions", KEY_INT, OFF(max_sessions), "1000", 1, 1000000, NULL,
	  "an integer 1-1000000", 0 },
	/* 20,000 bytes stay under 128 KiB even when every one is escaped */
	{ "chat.max_reply", KEY_INT, OFF(chat_max_reply), "3000", 200, 20000, NULL,
	  "bytes, 200-20000", 0 },
	{ "chat.rate_per_minute", KEY_INT, OFF(chat_rate_per_minute), "30", 1, 6000, NULL,
	  "commands a minute, 1-6000", 0 },
	/* mentions of T-n in the room answered with a one-line summary */
	{ "chat.unfold", KEY_BOOL, OFF(chat_unfold), "true", 0, 0, NULL, "true or false", 0 },
	{ "chat.unfold_interval", KEY_INT, OFF(chat_unfold_interval), "600", 0, 86400, NULL,
	  "seconds, 0-86400", 0 },
	/* assessments needed before a priority is set (1: one assessor's word) */
	{ "assess.quorum", KEY_INT, OFF(assess_quorum), "1", 1, 100, NULL,
	  "an integer 1-100", 0 },
	{ "access.rate_per_minute", KEY_INT, OFF(rate_per_minute), "120", 1, 60000, NULL,
	  "requests a minute, 1-60000", 0 },
	{ "access.allow_domains", KEY_LIST, OFF(allow_domains), NULL, 0, 0, NULL,
	  "comma-separated domains", 0 },
	{ "access.assessors", KEY_LIST, OFF(assessors), NULL, 0, 0, NULL,
	  "comma-separated bare JIDs", 0 },
	{ "access.admins", KEY_LIST, OFF(admins), NULL, 0, 0, NULL,
	  "comma-separated bare JIDs", 0 },
	{ "pubsub.external_service", KEY_DOMAIN, OFF(pubsub_external_service), NULL, 0, 0, NULL,
	  "a PubSub service's JID, e.g. pubsub.localhost", 0 },
	{ "pubsub.access_model", KEY_ENUM, OFF(pubsub_access_model), "open", 0, 0, access_models,
	  "open, presence, whitelist or authorize", 0 },
	{ "pubsub.max_subscriptions_per_jid", KEY_INT, OFF(max_subscriptions_per_jid), "10", 1, 100,
	  NULL, "an integer 1-100", 0 },
	{ "publish.dir", KEY_STRING, OFF(publish_dir), NULL, 0, 0, NULL,
	  "a directory vigil may write, e.g. /var/lib/vigil/site", 0 },
	{ "publish.base_url", KEY_STRING, OFF(publish_base_url), NULL, 0, 0, NULL,
	  "the URL publish.dir is served at, e.g. http://127.0.0.1:5280/sig/", 0 },
	{ "log.level", KEY_ENUM, OFF(log_level), "info", 0, 0, log_levels,
	  "error, warn, info or debug", 0 },
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
	char quoted[TEXT_QUOTE_BYTES];
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
	text_format(why, whylen, "%s: expected %s, got \"%s\"", k->name, k->expect,
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
		set_error(err, errlen, name, lineno, "unknown key \"%s\" (see vigil.conf.example for "
			  "the known keys)", keyname);
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
