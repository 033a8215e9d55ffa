/* SPDX-License-Identifier: MIT */
/* Every XEP's number, title and status (generated from xep-index.tsv), and
 * the recognition of "XEP-NNNN" references in text. */
#ifndef VIGIL_XEP_CATALOGUE_H
#define VIGIL_XEP_CATALOGUE_H

#include <stddef.h>

struct xep_entry {
	int number;
	const char *title;
	const char *status;
};

extern const struct xep_entry xep_catalogue[];
extern const size_t xep_catalogue_count;

/* The catalogue entry for a number, or NULL. */
const struct xep_entry *xep_lookup(int number);

/* Calls found(number, userdata) for each "XEP-N" reference in text (1 to 4
 * digits, any case, not inside a longer word), in order, without
 * repeating a number. Returns how many distinct references. */
size_t xep_refs_scan(const char *text, void (*found)(int number, void *userdata), void *userdata);

/* Appends "XEP-0045 (Multi-User Chat); XEP-9999 (unknown XEP)" for the
 * references in text to buf (NUL-terminated, size len), and flags "XEP-"
 * with more than 4 digits as no XEP number. Returns the count of both. */
size_t xep_refs_describe(const char *text, char *buf, size_t len);

#endif
