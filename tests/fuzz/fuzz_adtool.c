/* SPDX-License-Identifier: MIT */
/* Fuzz target: the ADTool reader (commands/interchange/adtool.c), libxml2's
 * parse and the walk into vigil's notation. The oracle: a refusal says
 * why; what it accepts is a tree the forms accept (attack_tree_parse). */
#include <stdint.h>
#include <stdlib.h>

#include "commands/interchange/adtool.h"
#include "commands/register/attack_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct attack_tree tree;
	char err[1024] = "", *text = NULL;

	if (size > 256 * 1024)
		return 0;
	if (adtool_to_notation((const char *)data, size, &text, err, sizeof err) < 0) {
		if (!*err)
			abort(); /* every refusal says what was wrong */
		return 0;
	}
	if (attack_tree_parse(text, &tree, err, sizeof err) < 0)
		abort(); /* accepted, yet not vigil's notation */
	attack_tree_free(&tree);
	free(text);
	return 0;
}
