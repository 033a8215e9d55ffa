/* Recording announcements: see announce.h. */
#include "commands/register/announce.h"

#include <stdio.h>
#include <string.h>

#include "commands/register/context.h"
#include "commands/register/ops.h"
#include "commands/register/text.h"
#include "config/config.h"
#include "storage/store.h"

/* Serialises a payload element with libstrophe; caller frees with xmpp_free. */
static char *to_text(struct commands_ctx *cc, xmpp_stanza_t *el)
{
	char *buf = NULL;
	size_t len;

	if (!el || xmpp_stanza_to_text(el, &buf, &len) != XMPP_EOK)
		buf = NULL;
	if (el)
		xmpp_stanza_release(el);
	return buf;
}

/* One item for vigil's own service, kept for retrieval as part of the change,
 * and the same for the external one. */
static int add_item(struct commands_ctx *cc, const char *node, const char *item_id,
		    const char *payload)
{
	int rc = store_item_put(cc->store, node, item_id, payload);

	if (rc == 0)
		rc = store_outbox_add(cc->store, OUTBOX_PUBSUB, node, item_id, payload);

	if (rc == 0 && cc->cfg->pubsub_external_service)
		rc = store_outbox_add(cc->store, OUTBOX_EXTERNAL, node, item_id, payload);
	return rc;
}

int announce_change(struct commands_ctx *cc, enum announce_kind kind, const struct threat *t,
		    const char *old_priority, const char *by)
{
	char text[1024], tid[32], change_id[64];
	char *payload;
	int rc = 0, priority_moved;

	priority_moved = t->priority && strcmp(old_priority ? old_priority : "unassessed", t->priority) != 0;
	if (kind == ANNOUNCE_FILED || kind == ANNOUNCE_RETIRED || priority_moved) {
		payload_room_text(kind == ANNOUNCE_EDITED ? ANNOUNCE_PRIORITY : kind, t, old_priority, by,
				  text, sizeof text);
		if ((rc = store_outbox_add(cc->store, OUTBOX_ROOM, NULL, NULL, text)) < 0)
			return rc;
	}
	threat_id_format(t->id, tid, sizeof tid);
	payload = to_text(cc, payload_threat(cc->xmpp, t));
	if (!payload)
		return STORE_ERROR;
	rc = add_item(cc, NODE_THREATS, tid, payload);
	xmpp_free(cc->xmpp, payload);
	if (rc < 0 || !priority_moved)
		return rc;
	text_format(change_id, sizeof change_id, "%s-r%lld", tid, t->revision);
	payload = to_text(cc, payload_priority_change(cc->xmpp, t, old_priority, by, t->updated));
	if (!payload)
		return STORE_ERROR;
	rc = add_item(cc, NODE_PRIORITY, change_id, payload);
	xmpp_free(cc->xmpp, payload);
	return rc;
}
