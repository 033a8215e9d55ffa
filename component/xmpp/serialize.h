/* SPDX-License-Identifier: MIT */
/* A stanza as text, walked through libstrophe's API: the same bytes as
 * xmpp_stanza_to_text() (0.12), without its snprintf() for every attribute
 * and an escaped copy of every text, which made serialising an answer cost
 * more than building it. The send chokepoint (stream_sender.c) uses it. */
#ifndef VIGIL_SERIALIZE_H
#define VIGIL_SERIALIZE_H

#include <stddef.h>
#include <strophe.h>

/* Serialises stanza into *buf (malloc'd, NUL-terminated; free() it), its
 * length in *len. 0, or -1 when out of memory or an element has no name or
 * a text no data (where xmpp_stanza_to_text() fails too). */
int stanza_serialize(xmpp_stanza_t *stanza, char **buf, size_t *len);

#endif
