/* SPDX-License-Identifier: MIT */
/* A change waiting to be announced: see state.h. */
#include "component/announce/state.h"

#include <stdlib.h>

struct item_source waiting_source(const struct announcer *a, const struct waiting *w)
{
	struct item_source src = { &w->threat, w->threat_id, w->revision, w->kind,
				   w->old_priority, w->by, w->room_text,
				   a ? a->opts.service : NULL, a ? a->opts.base_url : NULL,
				   w->feed_done };

	return src;
}

int waiting_priority_moved(const struct waiting *w)
{
	struct item_source src = waiting_source(NULL, w);

	return item_priority_moved(&src);
}

void waiting_free(struct waiting *w)
{
	threat_clear(&w->threat);
	free(w->old_priority);
	free(w->by);
	free(w->room_text);
	free(w);
}

int waiting_complete(const struct waiting *w)
{
	return w->loaded && (w->done & w->targets) == w->targets;
}

xmpp_stanza_t *payload_build(void *arg)
{
	const struct payload_source *p = arg;

	return item_payload(p->ctx, p->store, &p->src, p->stage);
}
