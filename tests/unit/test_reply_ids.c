/* Which of vigil's room lines named which threat (component/reply_ids.c),
 * for XEP-0461 replies. */
#include <stdio.h>
#include <string.h>

#include "component/reply_ids.h"
#include "tests/unit/tap.h"

int main(void)
{
	static struct reply_ids r;
	char id[REPLY_ID_MAX + 8];
	int i;

	is_int((int)reply_ids_threat_of("T-7 \"Name\" filed by alice@localhost: priority high"), 7,
	       "a filing line names its threat");
	is_int((int)reply_ids_threat_of("T-12 \"Name\": 2 of 3 assessors: high"), 12, "an assessment line");
	is_int((int)reply_ids_threat_of("T-3: something"), 3, "an id then a colon");
	is_int((int)reply_ids_threat_of("T-12…T-40: 29 threats filed by alice"), 0,
	       "a burst names no one threat");
	is_int((int)reply_ids_threat_of("Comment #3 kept with T-7"), 0, "a line not starting with an id");
	is_int((int)reply_ids_threat_of("T-x y"), 0, "not a number");
	is_int((int)reply_ids_threat_of(NULL), 0, "no body");

	is_int((int)reply_ids_find(&r, "abc"), 0, "nothing remembered yet");
	reply_ids_remember(&r, "stanza-id-1", 7);
	reply_ids_remember(&r, "message-id-1", 7);
	reply_ids_remember(&r, NULL, 8);
	reply_ids_remember(&r, "", 8);
	is_int((int)reply_ids_find(&r, "stanza-id-1"), 7, "found by the room's stanza-id");
	is_int((int)reply_ids_find(&r, "message-id-1"), 7, "and by the message id");
	is_int((int)reply_ids_find(&r, ""), 0, "an empty id names nothing");
	memset(id, 'x', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	reply_ids_remember(&r, id, 9);
	is_int((int)reply_ids_find(&r, id), 0, "an id too long is not remembered");
	for (i = 0; i < REPLY_IDS_KEPT; i++) {
		snprintf(id, sizeof id, "later-%d", i);
		reply_ids_remember(&r, id, 100 + i);
	}
	is_int((int)reply_ids_find(&r, "stanza-id-1"), 0, "the oldest are forgotten");
	is_int((int)reply_ids_find(&r, "later-0"), 100, "the newest kept are found");
	snprintf(id, sizeof id, "later-%d", REPLY_IDS_KEPT - 1);
	is_int((int)reply_ids_find(&r, id), 100 + REPLY_IDS_KEPT - 1, "up to the last");
	return done_testing();
}
