/* iqs for the external PubSub service: see external.h. */
#include "component/announce/external.h"

#include <stdlib.h>

#include "component/xmpp/ns.h"
#include "component/xmpp/sender.h"
#include "component/xmpp/stanza.h"

static xmpp_stanza_t *set_iq(const struct sender *s, const char *service, char **id,
			     xmpp_stanza_t **pubsub)
{
	xmpp_stanza_t *iq;

	*id = sender_new_id(s);
	iq = *id ? xmpp_iq_new(s->ctx, "set", *id) : NULL;
	if (!iq)
		goto fail;
	xmpp_stanza_set_from(iq, s->jid);
	xmpp_stanza_set_to(iq, service);
	*pubsub = stanza_add_child(iq, "pubsub", NS_PUBSUB);
	if (*pubsub)
		return iq;
	xmpp_stanza_release(iq);
fail:
	free(*id);
	*id = NULL;
	return NULL;
}

static xmpp_stanza_t *fail(xmpp_stanza_t *iq, char **id)
{
	xmpp_stanza_release(iq);
	free(*id);
	*id = NULL;
	return NULL;
}

xmpp_stanza_t *external_publish_iq(const struct sender *s, const char *service, const char *node,
				   const char *item_id, xmpp_stanza_t *payload, char **id)
{
	xmpp_stanza_t *pubsub, *publish, *item, *copy;
	xmpp_stanza_t *iq = set_iq(s, service, id, &pubsub);

	if (!iq)
		return NULL;
	publish = stanza_add_child(pubsub, "publish", NULL);
	item = publish ? stanza_add_child(publish, "item", NULL) : NULL;
	copy = item ? xmpp_stanza_copy(payload) : NULL;
	if (!copy)
		return fail(iq, id);
	xmpp_stanza_set_attribute(publish, "node", node);
	xmpp_stanza_set_id(item, item_id);
	if (xmpp_stanza_add_child_ex(item, copy, 0) != XMPP_EOK) {
		xmpp_stanza_release(copy);
		return fail(iq, id);
	}
	return iq;
}

static int add_field(xmpp_stanza_t *x, const char *var, const char *type, const char *value)
{
	xmpp_stanza_t *field = stanza_add_child(x, "field", NULL);

	if (!field)
		return -1;
	xmpp_stanza_set_attribute(field, "var", var);
	if (type)
		xmpp_stanza_set_type(field, type);
	return stanza_add_text_child(field, "value", value) ? 0 : -1;
}

/* Prosody refuses a publish to a missing node; ejabberd creates it with its
 * default_node_config and never needs this. */
xmpp_stanza_t *external_create_iq(const struct sender *s, const char *service, const char *node,
				  const char *access_model, char **id)
{
	xmpp_stanza_t *pubsub, *create, *configure, *x;
	xmpp_stanza_t *iq = set_iq(s, service, id, &pubsub);

	if (!iq)
		return NULL;
	create = stanza_add_child(pubsub, "create", NULL);
	configure = stanza_add_child(pubsub, "configure", NULL);
	x = configure ? stanza_add_child(configure, "x", NS_DATA) : NULL;
	if (!create || !x)
		return fail(iq, id);
	xmpp_stanza_set_attribute(create, "node", node);
	xmpp_stanza_set_type(x, "submit");
	/* the register is the set of items (one per threat), not the last one */
	if (add_field(x, "FORM_TYPE", "hidden", "http://jabber.org/protocol/pubsub#node_config") < 0 ||
	    add_field(x, "pubsub#access_model", NULL, access_model) < 0 ||
	    add_field(x, "pubsub#persist_items", NULL, "1") < 0 ||
	    add_field(x, "pubsub#max_items", NULL, "max") < 0)
		return fail(iq, id);
	return iq;
}
