/* SPDX-License-Identifier: MIT */
/* CSV (RFC 4180) of the open threats. Internal to commands/interchange/. */
#ifndef VIGIL_INTERCHANGE_CSV_H
#define VIGIL_INTERCHANGE_CSV_H

#include <stddef.h>
#include <stdio.h>

struct store;

/* One field, quoted when it must be, then "," or, for the last, CRLF. */
void csv_field(FILE *out, const char *s, int last);

int csv_write_register(struct store *st, FILE *out, char *err, size_t errlen);

#endif
