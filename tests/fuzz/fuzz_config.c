/* SPDX-License-Identifier: MIT */
/* Fuzz target: the configuration file parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_config cfg;
	char err[512];
	char *text;

	if (size > 256 * 1024)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	config_defaults(&cfg);
	err[0] = '\0';
	if (config_parse(&cfg, "fuzz.conf", text, err, sizeof err) < 0 && !*err)
		abort(); /* every refusal says what was wrong */
	config_free(&cfg);
	free(text);
	return 0;
}
