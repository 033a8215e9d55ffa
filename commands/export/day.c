/* SPDX-License-Identifier: MIT */
/* The day of a timestamp, as every format prints it: see export.h. Below
 * export.c and the writers, which all use it. */
#include "commands/export/export.h"

#include <ctype.h>
#include <string.h>

const char *export_day(char out[EXPORT_DAY_SIZE], const char *timestamp)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; timestamp && i < EXPORT_DAY_SIZE - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)timestamp[i]) : timestamp[i] != '-')
			break;
	if (i < EXPORT_DAY_SIZE - 1) {
		strcpy(out, "?");
		return out;
	}
	memcpy(out, timestamp, EXPORT_DAY_SIZE - 1); /* ten ASCII characters */
	out[EXPORT_DAY_SIZE - 1] = '\0';
	return out;
}
