/* Replies to vigil's announcements: see reply_ids.h. */
#include "component/reply_ids.h"

#include <stdlib.h>
#include <string.h>

long long reply_ids_threat_of(const char *body)
{
	char *end;
	long long n;

	if (!body || body[0] != 'T' || body[1] != '-' || body[2] < '0' || body[2] > '9')
		return 0;
	n = strtoll(body + 2, &end, 10);
	/* "T-7 ..." and "T-7: ..."; not a burst "T-7…T-9" */
	return n > 0 && (*end == ' ' || *end == ':') ? n : 0;
}

void reply_ids_remember(struct reply_ids *r, const char *id, long long threat)
{
	size_t len = id ? strlen(id) : 0;

	if (!len || len >= REPLY_ID_MAX || threat <= 0)
		return;
	memcpy(r->slot[r->next].id, id, len + 1);
	r->slot[r->next].threat = threat;
	r->next = (r->next + 1) % REPLY_IDS_KEPT;
}

long long reply_ids_find(const struct reply_ids *r, const char *id)
{
	unsigned i;

	for (i = 0; id && *id && i < REPLY_IDS_KEPT; i++)
		if (r->slot[i].threat && strcmp(r->slot[i].id, id) == 0)
			return r->slot[i].threat;
	return 0;
}
