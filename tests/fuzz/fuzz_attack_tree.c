/* SPDX-License-Identifier: MIT */
/* Fuzz target: the attack tree notation (PROTOCOL.md §7) — parse, evaluate,
 * and the checks the template applies before storing a tree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands/register/attack_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct attack_tree tree;
	struct attack_eval ev;
	char err[256];
	char *text;

	if (size > 64 * 1024)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (attack_tree_parse(text, &tree, err, sizeof err) == 0) {
		attack_tree_evaluate(&tree, &ev);
		/* the summary is one NUL-terminated line */
		if (!memchr(ev.summary, '\0', sizeof ev.summary) || strchr(ev.summary, '\n'))
			abort();
		attack_tree_free(&tree);
	} else if (!memchr(err, '\0', sizeof err) || !*err) {
		abort(); /* every refusal says what was wrong */
	}
	free(text);
	return 0;
}
