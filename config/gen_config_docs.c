/* SPDX-License-Identifier: MIT */
/* Writes vigil.conf(5) (man) or vigil.conf.example (example) from the table
 * of keys in config.c to standard output; `make config-docs` runs it. */
#include <stdio.h>
#include <string.h>

#include "config/config_docs.h"

int main(int argc, char **argv)
{
	int rc;

	if (argc == 2 && strcmp(argv[1], "man") == 0)
		rc = config_docs_man(stdout);
	else if (argc == 2 && strcmp(argv[1], "example") == 0)
		rc = config_docs_example(stdout);
	else {
		fprintf(stderr, "usage: gen_config_docs man|example\n");
		return 64;
	}
	if (fflush(stdout) != 0 || rc < 0) {
		perror("gen_config_docs");
		return 1;
	}
	return 0;
}
