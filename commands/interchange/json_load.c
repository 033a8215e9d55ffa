/* SPDX-License-Identifier: MIT */
/* A JSON file read for an import, within the limits (interchange.h): its
 * size before it is read, its nesting by jansson's parser, duplicate keys
 * refused; then handed to the reader of its kind. */
#include "commands/interchange/records.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands/interchange/interchange.h"
#include "commands/text/text.h"

/* The file into memory, refused when larger than IMPORT_MAX_BYTES. */
static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	char *buf = NULL;

	if (!f) {
		text_format(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
		text_format(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (sb.st_size > IMPORT_MAX_BYTES) {
		text_format(err, errlen, "%s: %lld bytes; an import reads at most %ld MiB (split the file)",
			    path, (long long)sb.st_size, IMPORT_MAX_BYTES / (1024 * 1024));
		goto out;
	}
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		text_format(err, errlen, "%s: out of memory", path);
		goto out;
	}
	*len = fread(buf, 1, (size_t)sb.st_size + 1, f);
	if (ferror(f) || *len > (size_t)sb.st_size) {
		text_format(err, errlen, "%s: %s", path, ferror(f) ? "read error" : "it grew while read");
		free(buf);
		buf = NULL;
	}
out:
	fclose(f);
	return buf;
}

int import_read_buffer(enum import_from from, const char *path, const char *buf, size_t len,
		       struct import_batch *b, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc;
	int rc;

	if (len > IMPORT_MAX_BYTES) {
		text_format(err, errlen, "%s: %zu bytes; an import reads at most %ld MiB (split the file)",
			    path, len, IMPORT_MAX_BYTES / (1024 * 1024));
		return -1;
	}
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		text_format(err, errlen, "%s: line %d, column %d: %s%s", path, jerr.line, jerr.column,
			    jerr.text, json_error_code(&jerr) == json_error_stack_overflow ?
			    " (nested deeper than 2048 levels)" : "");
		return -1;
	}
	rc = from == IMPORT_FROM_THREAT_DRAGON ? threat_dragon_read(path, doc, b, err, errlen) :
						 json_read_register(path, doc, b, err, errlen);
	json_decref(doc);
	return rc;
}

int import_read_file(enum import_from from, const char *path, struct import_batch *b, char *err,
		     size_t errlen)
{
	size_t len = 0;
	char *buf = slurp(path, &len, err, errlen);
	int rc;

	if (!buf)
		return -1;
	rc = import_read_buffer(from, path, buf, len, b, err, errlen);
	free(buf);
	return rc;
}
