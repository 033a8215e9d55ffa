/* SPDX-License-Identifier: MIT */
/* The node table: see nodes.h. */
#include "component/xmpp/nodes.h"

#include <string.h>

#include "commands/register/template.h"

const struct pubsub_node pubsub_nodes[] = {
	{ NODE_THREATS, "Threats",
	  "The current state of every threat in the register (item id = threat id)", VIGIL_NS },
	{ NODE_PRIORITY, "Priority changes", "One item per change of a threat's priority", VIGIL_NS },
	{ NODE_FEED, "Threat register announcements",
	  "What the Security SIG's room is told: filings, changes of priority and retirements, "
	  "as Atom entries", NS_SOCIAL_FEED },
};

const size_t pubsub_node_count = sizeof pubsub_nodes / sizeof pubsub_nodes[0];

const struct pubsub_node *pubsub_node_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < pubsub_node_count; i++)
		if (strcmp(pubsub_nodes[i].name, name) == 0)
			return &pubsub_nodes[i];
	return NULL;
}
