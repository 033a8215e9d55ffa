/* What vigil says about itself: XEP-0030 disco#info/#items, XEP-0199 ping,
 * XEP-0092 version. */
#ifndef VIGIL_DISCO_H
#define VIGIL_DISCO_H

#include <strophe.h>

struct daemon;

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_PING "urn:xmpp:ping"
#define NS_VERSION "jabber:iq:version"
#define NS_VIGIL "urn:vigil:threat:0"

/* Each answers `iq` (type get) and returns 0, or returns -1 when the request
 * is not theirs so the router answers service-unavailable. */
int disco_handle_info(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *query);
int disco_handle_items(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *query);
int disco_handle_ping(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *ping);
int disco_handle_version(struct daemon *d, xmpp_stanza_t *iq, xmpp_stanza_t *query);

#endif
