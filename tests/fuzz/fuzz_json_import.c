/* SPDX-License-Identifier: MIT */
/* Fuzz target: the JSON import's reader (commands/interchange/json_read.c),
 * jansson's parse and vigil's checks of every record. The oracle: a file
 * refused as a whole says why; a record refused is reported with a path;
 * a record accepted passes the forms' rules again, its comments and
 * assessments too. */
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
	size_t i, j;

	if (size > 256 * 1024 || !report)
		goto out;
	b.report = report;
	if (import_read_buffer(IMPORT_FROM_VIGIL, "fuzz.json", (const char *)data, size, &b, err, sizeof err) < 0 && !*err)
		abort(); /* every refusal says what was wrong */
	for (i = 0; !b.problems && i < b.count; i++) {
		const struct import_record *r = &b.records[i];
		if (validate_threat(&r->current, &bad, msg, sizeof msg) < 0)
			abort(); /* accepted, yet against the forms' rules */
		for (j = 0; j < r->ncomments; j++)
			if (!r->comments[j].body == !r->comments[j].deleted_by ||
			    (r->comments[j].body &&
			     validate_text("text", r->comments[j].body, 2000, msg, sizeof msg) < 0))
				abort(); /* a comment is its text or its deletion mark, as ops keep it */
		for (j = 0; j < r->nassessments; j++)
			if (!r->assessments[j].assessor || !r->assessments[j].likelihood ||
			    !r->assessments[j].damage || !r->assessments[j].at)
				abort(); /* an accepted assessment has all it needs */
	}
out:
	batch_free(&b);
	if (report)
		fclose(report);
	return 0;
}
