/* SPDX-License-Identifier: MIT */
/* Where the published site shows a threat (publish.base_url,
 * doc/INTERCHANGE.md): room announcements, !show and the feed end with it. */
#ifndef VIGIL_LINKS_H
#define VIGIL_LINKS_H

#include <stddef.h>

struct vigil_config;

/* base + file into buf, a "/" put between when base lacks it. Returns 1,
 * or 0 with buf "" when base is NULL or "". */
int links_url(const char *base, const char *file, char *buf, size_t len);

/* publish.base_url + "T-7.html" into buf (links_url); id 0 gives the
 * index, base_url + "index.html". Returns 1, or 0 with buf "" when
 * publish.base_url is not set. */
int links_threat_page(const struct vigil_config *cfg, long long id, char *buf, size_t len);

#endif
