/* SPDX-License-Identifier: MIT */
/* Fuzz target: the chat command line (PROTOCOL.md §8, commands/chat/chat.c)
 * — one message, from a direct message, the room or a private message
 * through it, by an admin, an assessor, a member or an occupant whose real
 * JID the room hides — against a real database (fuzz_chat_common.h).
 *
 * Input: the first byte picks where the message comes from and who sends
 * it; the rest is its body, which must be valid text (the server's XML
 * parser lets no other through). Oracle: every reply passes check_reply. */
#include "tests/fuzz/fuzz_chat_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const senders[] = { "alice@localhost", "bob@localhost", "carol@localhost", NULL };
	static const char *const from_direct[] = { "alice@localhost/pc", "bob@localhost/pc",
						   "carol@localhost/pc", "mallory@evil.example/x" };
	static const char *const from_room[] = { "sig@conference.localhost/alice",
						 "sig@conference.localhost/bob",
						 "sig@conference.localhost/carol",
						 "sig@conference.localhost/anon" };
	enum chat_origin origin;
	unsigned who;
	char *body;

	if (size < 1 || size > 64 * 1024 ||
	    chars_of_valid_text(data + 1, size - 1) < 0)
		return 0;
	origin = (enum chat_origin)(data[0] % 3);
	who = (data[0] / 3) % 4;
	body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	say(origin, origin == CHAT_DIRECT ? from_direct[who] : from_room[who],
	    origin == CHAT_DIRECT && who == 3 ? "mallory@evil.example" : senders[who], body);
	/* a guided filing the input began is ended, so the next input starts
	 * from the same state (fuzz_dialogue.c explores the dialogue) */
	say(origin, origin == CHAT_DIRECT ? from_direct[who] : from_room[who],
	    origin == CHAT_DIRECT && who == 3 ? "mallory@evil.example" : senders[who], "cancel");
	free(body);
	return 0;
}
