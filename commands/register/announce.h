/* Announcements of a change (PROTOCOL.md §6), recorded in the outbox inside
 * the transaction of the change itself, so none is lost: the component
 * sends them once the connection (and the room) is there. */
#ifndef VIGIL_ANNOUNCE_H
#define VIGIL_ANNOUNCE_H

#include "component/xmpp/payload.h"
#include "storage/threat.h"

struct commands_ctx;

#define OUTBOX_ROOM "room"
#define OUTBOX_PUBSUB "pubsub"
#define OUTBOX_EXTERNAL "external"

#define NODE_THREATS "threats"
#define NODE_PRIORITY "priority"

/* Records what a change announces: a room message for a filing, a priority
 * change or a retirement; the threat's state on the `threats` node; a
 * priority-change item on `priority` when the priority moved (each item kept
 * on its node at once, so it can be retrieved before it is sent); the same
 * items for the external service when one is configured. Call inside the
 * change's transaction. Returns 0 or a negative STORE_ code. */
int announce_change(struct commands_ctx *cc, enum announce_kind kind, const struct threat *t,
		    const char *old_priority, const char *by);

#endif
