/* Chat dispatch. The command set of PROTOCOL.md section 8 plugs in here; so
 * far the dispatch point only tells whether a message is addressed to vigil. */
#include "commands/chat.h"

#include <stddef.h>

int chat_dispatch(const struct chat_message *msg, chat_reply_fn reply, void *reply_ctx)
{
	(void)reply;
	(void)reply_ctx;
	if (!msg->body)
		return 0;
	if (msg->origin == CHAT_ROOM && msg->body[0] != '!')
		return 0; /* ordinary conversation in the room */
	return 0;
}
