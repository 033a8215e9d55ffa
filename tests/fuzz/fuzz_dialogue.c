/* SPDX-License-Identifier: MIT */
/* Fuzz target: the guided filing (commands/chat/dialogue.c) — "file" in a
 * direct message, then the answers to each question in turn (skip, back,
 * cancel, yes/no at the summary, values valid or not) — against a real
 * database (fuzz_chat_common.h).
 *
 * Input: the answers, separated by NUL bytes; each must be valid text (the
 * server lets no other through). The first byte of the input picks who
 * files (alice, an admin; carol, a member). Oracle: every reply passes
 * check_reply; the dialogue is cancelled at the end, so each input starts
 * from none. */
#include "tests/fuzz/fuzz_chat_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ANSWERS 64

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *from, *sender;
	char *copy, *p, *end;
	int answers = 0;

	if (size < 1 || size > 64 * 1024)
		return 0;
	from = data[0] & 1 ? "alice@localhost/pc" : "carol@localhost/pc";
	sender = data[0] & 1 ? "alice@localhost" : "carol@localhost";
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	end = copy + size - 1;
	say(CHAT_DIRECT, from, sender, "file");
	for (p = copy; p <= end && answers < MAX_ANSWERS; p += strlen(p) + 1, answers++) {
		if (chars_of_valid_text((const unsigned char *)p, strlen(p)) < 0)
			continue; /* the server would not have passed it on */
		say(CHAT_DIRECT, from, sender, p);
	}
	say(CHAT_DIRECT, from, sender, "cancel");
	free(copy);
	return 0;
}
