/* Incoming stanza routing: iq by payload namespace, messages to the chat
 * dispatch point, presences to the room. */
#ifndef VIGIL_ROUTER_H
#define VIGIL_ROUTER_H

#include <strophe.h>

struct daemon;

/* Registers vigil's stanza handlers on a freshly connected stream. */
void router_attach(struct daemon *d, xmpp_conn_t *conn);

/* Handles one incoming stanza as the stream handlers would (also used by
 * the fuzz target). Returns 1. */
int router_dispatch(struct daemon *d, xmpp_stanza_t *stanza);

#endif
