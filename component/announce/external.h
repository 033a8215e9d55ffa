/* The iqs the announcer sends to an external PubSub service (XEP-0060
 * §7.1 publish, §8.1.3 create and configure). */
#ifndef VIGIL_ANNOUNCE_EXTERNAL_H
#define VIGIL_ANNOUNCE_EXTERNAL_H

#include <strophe.h>

struct sender;

/* <iq type='set' to=service><pubsub><publish node><item id>payload</item>
 * </publish></pubsub></iq>; payload is copied. *id gets the iq's id (free()).
 * NULL when out of memory. */
xmpp_stanza_t *external_publish_iq(const struct sender *s, const char *service, const char *node,
				   const char *item_id, xmpp_stanza_t *payload, char **id);

/* Creates node with access_model, keeping every item (one per threat). */
xmpp_stanza_t *external_create_iq(const struct sender *s, const char *service, const char *node,
				  const char *access_model, char **id);

#endif
