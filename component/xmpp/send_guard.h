/* SPDX-License-Identifier: MIT */
/* The one chokepoint every outgoing stanza passes (daemon_send): a stanza
 * that is not valid UTF-8, holds a character XML cannot carry, or is larger
 * than SEND_GUARD_MAX_BYTES makes the server close vigil's whole stream
 * (Prosody and ejabberd answer not-well-formed or policy-violation), so it
 * must never leave. */
#ifndef VIGIL_SEND_GUARD_H
#define VIGIL_SEND_GUARD_H

#include <stddef.h>

/* PROTOCOL.md §3: no stanza vigil sends is larger than 128 KiB. */
#define SEND_GUARD_MAX_BYTES (128 * 1024)

enum send_guard_mode {
	SEND_GUARD_PRODUCTION, /* cheap checks; a bad stanza is logged and replaced */
	SEND_GUARD_STRICT,     /* tests and fuzzing: also parsed by libxml2; abort */
};

/* The mode asked for by the environment: VIGIL_CHECK_SENDS=1 is strict. */
enum send_guard_mode send_guard_mode_from_env(void);

/* Checks a serialised stanza. Returns 0, or -1 with the reason in why. */
int send_guard_check(const char *buf, size_t len, enum send_guard_mode mode, char *why,
		     size_t whylen);

#endif
