/* SPDX-License-Identifier: MIT */
/* vigil.conf(5) and vigil.conf.example, written from config.c's table of
 * keys (config_key_doc()) by config/gen_config_docs; `make config-docs`
 * rewrites the committed copies, tests/unit/test_config_docs checks them. */
#ifndef VIGIL_CONFIG_DOCS_H
#define VIGIL_CONFIG_DOCS_H

#include <stdio.h>

/* The man page in mdoc, with @sysconfdir@ and @docdir@ for make to fill
 * in. Returns 0, or -1 when writing failed. */
int config_docs_man(FILE *out);

/* The example configuration: every key with its description and its
 * default (or an example value, commented out when optional). Returns 0,
 * or -1 when writing failed. */
int config_docs_example(FILE *out);

#endif
