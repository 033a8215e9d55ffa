/* SPDX-License-Identifier: MIT */
/* Fuzz target: the Threat Dragon import (commands/interchange/threat_dragon.c),
 * jansson's parse and vigil's checks of every record. The oracle: a file
 * refused as a whole says why; a record refused is reported with a path;
 * a record accepted passes the forms' rules again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/interchange/records.h"
#include "commands/register/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_batch b = { 0 };
	const struct template_field *bad;
	char err[1024] = "", msg[1024];
	FILE *report = fopen("/dev/null", "w");
	size_t i;

	if (size > 256 * 1024 || !report)
		goto out;
	b.report = report;
	if (import_read_buffer(IMPORT_FROM_THREAT_DRAGON, "fuzz.json", (const char *)data, size, &b, err, sizeof err) < 0 && !*err)
		abort(); /* every refusal says what was wrong */
	for (i = 0; !b.problems && i < b.count; i++)
		if (validate_threat(&b.records[i].current, &bad, msg, sizeof msg) < 0)
			abort(); /* accepted, yet against the forms' rules */
out:
	batch_free(&b);
	if (report)
		fclose(report);
	return 0;
}
