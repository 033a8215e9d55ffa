/* SPDX-License-Identifier: MIT */
/* vigil's subcommands that work on the database beside the daemon:
 * `vigil export` (the documents, and JSON or CSV) and `vigil import`. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#define VIGIL_DEFAULT_CONFIG SYSCONFDIR "/vigil/vigil.conf"

/* argv[0] is the subcommand's name; returns the exit status. */
int cli_export(int argc, char **argv);
int cli_import(int argc, char **argv);

#endif
