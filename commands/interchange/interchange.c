/* SPDX-License-Identifier: MIT */
/* The formats by name: see interchange.h. */
#include "commands/interchange/interchange.h"

#include <stdio.h>
#include <string.h>

#include "commands/interchange/csv.h"
#include "commands/interchange/json_doc.h"

int interchange_format_parse(const char *name)
{
	if (name && strcmp(name, "json") == 0)
		return INTERCHANGE_JSON;
	if (name && strcmp(name, "csv") == 0)
		return INTERCHANGE_CSV;
	if (name && strcmp(name, "adtool") == 0)
		return INTERCHANGE_ADTOOL;
	return -1;
}

int interchange_export(struct store *st, enum interchange_format format, FILE *out, char *err,
		       size_t errlen)
{
	if (format == INTERCHANGE_ADTOOL) {
		snprintf(err, errlen, "ADTool holds one threat's attack tree: adtool_export");
		return -1;
	}
	return format == INTERCHANGE_CSV ? csv_write_register(st, out, err, errlen) :
					   json_write_register(st, out, err, errlen);
}
