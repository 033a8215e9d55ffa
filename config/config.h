/* SPDX-License-Identifier: MIT */
/* vigil's settings: parsed from a `key = value` file (vigil.conf(5)). */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stddef.h>

/* A list of strings from a comma-separated value ("a@x, b@y"). */
struct config_list {
	char **items;   /* owned; each item owned */
	size_t count;
};

/* Each field holds one key of the table in config.c, which gives its
 * default, limits and meaning (vigil.conf(5)). */
struct vigil_config {
	/* [component]: the XEP-0114 connection */
	char *component_jid;        /* component.jid */
	char *component_secret;     /* component.secret, or $VIGIL_COMPONENT_SECRET */
	char *component_host;       /* component.host */
	int component_port;         /* component.port */
	int ping_interval;          /* component.ping_interval, seconds */
	int ping_timeout;           /* component.ping_timeout, seconds */
	int reconnect_max_delay;    /* component.reconnect_max_delay, seconds */

	/* [room]: the SIG's MUC room */
	char *room_jid;             /* room.jid, a bare room JID */
	char *room_nick;            /* room.nick */
	int room_selfping_interval; /* room.selfping_interval, seconds */

	/* [storage] */
	char *storage_path;         /* storage.path */

	/* [commands] */
	int session_timeout;        /* commands.session_timeout, seconds */
	int list_page;              /* commands.list_page */
	int max_sessions_per_jid;   /* commands.max_sessions_per_jid */
	int max_sessions;           /* commands.max_sessions, all JIDs */

	/* [chat]: plain-message commands */
	int chat_max_reply;         /* chat.max_reply, bytes a message */
	int chat_rate_per_minute;   /* chat.rate_per_minute, commands a JID */
	int chat_unfold;            /* chat.unfold: answer mentions of T-n */
	int chat_unfold_interval;   /* chat.unfold_interval, seconds */

	/* [assess] */
	int assess_quorum;          /* assess.quorum */

	/* [access]: bare JIDs / domains */
	int rate_per_minute;        /* access.rate_per_minute, requests a bare JID */
	struct config_list allow_domains; /* access.allow_domains, empty = all */
	struct config_list assessors;     /* access.assessors */
	struct config_list admins;        /* access.admins */

	/* [pubsub] */
	char *pubsub_external_service;    /* pubsub.external_service, NULL = off */
	char *pubsub_access_model;        /* pubsub.access_model */
	int max_subscriptions_per_jid;    /* pubsub.max_subscriptions_per_jid */

	/* [publish]: the register on the web (commands/export/site.c) */
	char *publish_dir;          /* publish.dir, NULL = off */
	char *publish_base_url;     /* publish.base_url, NULL = unknown */

	/* [log] */
	int log_level;              /* log.level: error|warn|info|debug -> LOG_ERR.. (see log.h) */

	/* set by the caller before loading, not from the file: tools that never
	 * connect (vigil export) do not need the secret */
	int secret_optional;
};

/* Sets every field to its default (strings allocated) so a caller may free
 * the result with config_free() whether or not loading succeeded. */
void config_defaults(struct vigil_config *cfg);

/* Reads `path` into `cfg` (which config_defaults() prepared). On error returns a
 * negative value and writes "FILE:LINE: message" (or "FILE: message" for a
 * missing key / unreadable file) into err. Unknown keys, bad values and missing
 * required keys are errors. The secret may instead come from the environment
 * variable VIGIL_COMPONENT_SECRET, which wins over the file. */
int config_load(struct vigil_config *cfg, const char *path, char *err, size_t errlen);

/* Parses from a buffer; `name` is used in messages. Same rules as config_load. */
int config_parse(struct vigil_config *cfg, const char *name, const char *text,
		 char *err, size_t errlen);

/* True when bare JID `jid` (as the server gives it: prepared, so lower case
 * and NFKC) appears in `list`, whose items were normalised that way when
 * the configuration was read. */
int config_list_has(const struct config_list *list, const char *jid);

/* Whether s looks like a bare JID (node@domain or domain): the check the
 * configuration's lists get, good enough to catch typos. */
int config_jid_plausible(const char *s);

void config_free(struct vigil_config *cfg);

#define CONFIG_VALUE_TEXT 128

/* A key as vigil.conf(5) and vigil.conf.example document it. */
struct config_key_doc {
	const char *name;               /* section.name */
	char value[CONFIG_VALUE_TEXT];  /* what a value looks like, as errors say it */
	const char *def;                /* the default as written in the file; NULL: none */
	const char *example;            /* a value to show when there is no default */
	const char *doc;                /* what the key does: sentences, one a line */
	int required;
};

/* Fills out with the i-th key of the table, in the table's order (keys of
 * one section together); returns 0, or -1 past the last key. */
int config_key_doc(size_t i, struct config_key_doc *out);

#endif
