/* SPDX-License-Identifier: MIT */
/* Replies that list things (PubSub items and subscriptions, disco#items on a
 * node), held under LIST_REPLY_BYTES by construction: every entry is
 * serialised before it is added and counted at the size it takes; and the
 * XEP-0059 result set management (RSM) that says a list was cut and lets a
 * client ask for the next page. */
#ifndef VIGIL_LISTING_H
#define VIGIL_LISTING_H

#include <stddef.h>
#include <strophe.h>

#include "component/xmpp/send_guard.h"

#include "component/xmpp/ns.h"

/* The most a listing reply may take, serialised: under the 128 KiB no
 * stanza may exceed, with room for what is not counted entry by entry (the
 * closing tags an entry adds to an empty list, the RSM <set/>'s digits). */
#define LIST_REPLY_BYTES (SEND_GUARD_MAX_BYTES - 4 * 1024)

struct listing {
	xmpp_stanza_t *list;   /* where entries go; the reply owns it */
	size_t base;           /* bytes of the reply without entries */
	size_t used;           /* and with those added so far */
	size_t added;
	char *first, *last;    /* uids of the first and last entry added (owned) */
};

enum { LISTING_ADDED = 1, LISTING_FULL = 0, LISTING_TOO_LARGE = 2 };

/* Starts a listing of reply (the whole answer, already holding `list`). 0 or -1. */
int listing_start(struct listing *l, xmpp_stanza_t *reply, xmpp_stanza_t *list);

/* Adds entry, which must be in no tree yet and is taken in every case, when
 * the reply stays within LIST_REPLY_BYTES with room left for an RSM <set/>
 * naming uid (NULL: a <set/> with a count only). LISTING_ADDED; LISTING_FULL
 * when it does not fit any more; LISTING_TOO_LARGE when it would not fit
 * even an empty reply (entry dropped in both cases); -1 on failure. */
int listing_add(struct listing *l, xmpp_stanza_t *entry, const char *uid);

/* Adds <set xmlns='http://jabber.org/protocol/rsm'> to parent: <first
 * index='index'/> and <last/> naming the entries added, when there are any,
 * and <count/> when count >= 0 (XEP-0059 §2.2). 0 or -1. */
int listing_add_rsm(const struct listing *l, xmpp_stanza_t *parent, size_t index,
		    long long count);

void listing_clear(struct listing *l);

/* A count as XML Schema writes an integer: an optional '+' and decimal
 * digits, nothing else; beyond SIZE_MAX it is SIZE_MAX. 0, or -1 for
 * anything else (a sign, blanks, "1x", a number too large to read). */
int listing_parse_count(const char *text, size_t *out);

/* What an RSM <set/> in a request asks for (XEP-0059 §2.1, §2.2). */
struct rsm_request {
	int present;       /* the request carried a <set/> */
	size_t max;        /* <max/>, SIZE_MAX when not given */
	char *after;       /* <after/>, owned; NULL when not given */
};

/* Reads the <set xmlns='http://jabber.org/protocol/rsm'/> child of parent.
 * 0; -1 for a bad value and -2 for what vigil does not do (paging
 * backwards, by index), with a sentence for the requester in *why (NULL:
 * out of memory). r is to be cleared whatever the result. */
int rsm_parse(xmpp_stanza_t *parent, struct rsm_request *r, const char **why);
void rsm_request_clear(struct rsm_request *r);

#endif
