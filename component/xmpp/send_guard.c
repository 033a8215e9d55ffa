/* SPDX-License-Identifier: MIT */
/* Checks on outgoing stanzas: see send_guard.h. */
#include "component/xmpp/send_guard.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <unistr.h>

#include "commands/text/text.h"

enum send_guard_mode send_guard_mode_from_env(void)
{
	const char *v = getenv("VIGIL_CHECK_SENDS");

	return v && strcmp(v, "1") == 0 ? SEND_GUARD_STRICT : SEND_GUARD_PRODUCTION;
}

/* XML 1.0 §2.2: no C0 control but tab, LF and CR; no U+FFFE or U+FFFF
 * (surrogates are not valid UTF-8, which u8_check() already refuses). */
static const char *bad_character(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf, *end = p + len;

	for (; p < end; p++) {
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return (const char *)p;
		if (*p == 0xef && end - p >= 3 && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
			return (const char *)p;
	}
	return NULL;
}

/* The whole stanza through libxml2: the oracle the fuzzers and tests use. */
static int well_formed(const char *buf, size_t len, char *why, size_t whylen)
{
	xmlDocPtr doc;
	const xmlError *err;
	const char *message;
	size_t n;

	if (len > INT32_MAX)
		return -1;
	doc = xmlReadMemory(buf, (int)len, "stanza.xml", "UTF-8",
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc) {
		xmlFreeDoc(doc);
		return 0;
	}
	err = xmlGetLastError();
	message = err && err->message ? err->message : "?";
	text_format(why, whylen, "is not well-formed XML (line %d: %s", err ? err->line : 0, message);
	n = strlen(why);
	while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
		n--; /* libxml2's messages end with a newline */
	text_format(why + n, whylen - n, ")");
	xmlResetLastError();
	return -1;
}

int send_guard_check(const char *buf, size_t len, enum send_guard_mode mode, char *why,
		     size_t whylen)
{
	const uint8_t *invalid;
	const char *bad;

	if (len > SEND_GUARD_MAX_BYTES) {
		snprintf(why, whylen, "is %zu bytes, over the %d-byte limit", len,
			 SEND_GUARD_MAX_BYTES);
		return -1;
	}
	invalid = u8_check((const uint8_t *)buf, len);
	if (invalid) {
		snprintf(why, whylen, "is not valid UTF-8 at byte %zu",
			 (size_t)(invalid - (const uint8_t *)buf));
		return -1;
	}
	bad = bad_character(buf, len);
	if (bad) {
		snprintf(why, whylen, "holds a character XML does not allow at byte %zu",
			 (size_t)(bad - buf));
		return -1;
	}
	if (mode == SEND_GUARD_STRICT)
		return well_formed(buf, len, why, whylen);
	return 0;
}
