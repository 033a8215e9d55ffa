/* SPDX-License-Identifier: MIT */
/* The send chokepoint's checks (component/xmpp/send_guard.c): size, UTF-8, the
 * characters XML allows, and in strict mode well-formedness. */
#include <stdlib.h>
#include <string.h>

#include "component/xmpp/send_guard.h"
#include "tests/unit/tap.h"

static int check(const char *s, enum send_guard_mode mode, char *why, size_t whylen)
{
	return send_guard_check(s, strlen(s), mode, why, whylen);
}

int main(void)
{
	char why[256], *big;

	is_int(check("<message><body>caf\xc3\xa9 \xf0\x9f\x94\x92</body></message>", SEND_GUARD_STRICT,
		     why, sizeof why), 0, "a well-formed stanza with multi-byte text passes");
	is_int(check("<message><body>caf\xc3</body></message>", SEND_GUARD_PRODUCTION, why, sizeof why),
	       -1, "half a character is refused even in production");
	ok(strstr(why, "not valid UTF-8 at byte 18") != NULL, "and the byte is named: %s", why);
	is_int(check("<message><body>\xed\xa0\x80</body></message>", SEND_GUARD_PRODUCTION, why,
		     sizeof why), -1, "an encoded surrogate is not UTF-8");
	is_int(check("<message><body>a\x01</body></message>", SEND_GUARD_PRODUCTION, why, sizeof why),
	       -1, "a control character XML cannot carry is refused");
	is_int(check("<message><body>\xef\xbf\xbf</body></message>", SEND_GUARD_PRODUCTION, why,
		     sizeof why), -1, "U+FFFF is refused");
	is_int(check("<message><body>a\tb\nc\r</body></message>", SEND_GUARD_PRODUCTION, why,
		     sizeof why), 0, "tab, newline and carriage return pass");
	is_int(check("<message><body>a</message>", SEND_GUARD_PRODUCTION, why, sizeof why), 0,
	       "production mode does not parse (libstrophe's serialiser balances tags)");
	is_int(check("<message><body>a</message>", SEND_GUARD_STRICT, why, sizeof why), -1,
	       "strict mode parses: unbalanced tags are refused");
	ok(strstr(why, "not well-formed") != NULL, "with libxml2's reason: %s", why);

	big = malloc(SEND_GUARD_MAX_BYTES + 2);
	memset(big, 'a', SEND_GUARD_MAX_BYTES + 1);
	memcpy(big, "<m>", 3);
	memcpy(big + SEND_GUARD_MAX_BYTES - 4, "</m>", 4);
	big[SEND_GUARD_MAX_BYTES] = '\0';
	is_int(check(big, SEND_GUARD_STRICT, why, sizeof why), 0, "exactly 128 KiB passes");
	big[SEND_GUARD_MAX_BYTES] = 'a';
	big[SEND_GUARD_MAX_BYTES + 1] = '\0';
	is_int(check(big, SEND_GUARD_PRODUCTION, why, sizeof why), -1, "one byte more is refused");
	ok(strstr(why, "131073 bytes, over the 131072-byte limit") != NULL, "%s", why);
	free(big);
	return done_testing();
}
