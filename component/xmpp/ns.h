/* SPDX-License-Identifier: MIT */
/* Every XML namespace vigil speaks, once. vigil's own (urn:vigil:threat:0)
 * is the template's: VIGIL_NS in commands/register/template.h. */
#ifndef VIGIL_XMPP_NS_H
#define VIGIL_XMPP_NS_H

#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_DATA "jabber:x:data"                               /* XEP-0004 */
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info" /* XEP-0030 */
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_MUC "http://jabber.org/protocol/muc"               /* XEP-0045 */
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_COMMANDS "http://jabber.org/protocol/commands"     /* XEP-0050 */
#define NS_RSM "http://jabber.org/protocol/rsm"               /* XEP-0059 */
#define NS_PUBSUB "http://jabber.org/protocol/pubsub"         /* XEP-0060 */
#define NS_PUBSUB_OWNER "http://jabber.org/protocol/pubsub#owner"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"
#define NS_PUBSUB_ERRORS "http://jabber.org/protocol/pubsub#errors"
#define NS_VERSION "jabber:iq:version"                        /* XEP-0092 */
#define NS_PING "urn:xmpp:ping"                               /* XEP-0199 */
#define NS_DELAY "urn:xmpp:delay"                             /* XEP-0203 */
#define NS_DELAY_LEGACY "jabber:x:delay"
#define NS_SID "urn:xmpp:sid:0"                               /* XEP-0359 */
#define NS_REPLY "urn:xmpp:reply:0"                           /* XEP-0461 */

#endif
