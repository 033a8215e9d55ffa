/* SPDX-License-Identifier: MIT */
/* vigil export and vigil import: see cli.h. */
#include "component/cli.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands/export/export.h"
#include "commands/interchange/adtool.h"
#include "commands/interchange/interchange.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "component/daemon.h"
#include "component/pidfile.h"
#include "config/config.h"
#include "storage/store.h"

static int load_config(struct vigil_config *cfg, const char *path)
{
	char err[1024];

	config_defaults(cfg);
	cfg->secret_optional = 1;
	if (config_load(cfg, path, err, sizeof err) < 0) {
		fprintf(stderr, "vigil: %s\n", err);
		config_free(cfg);
		return -1;
	}
	return 0;
}

/* JSON or CSV from the database opened read-only (safe while vigil runs). */
static int export_interchange(const struct vigil_config *cfg, enum interchange_format format,
			      const char *output, long long threat)
{
	FILE *out = stdout;
	struct store *st = NULL;
	char err[1024];
	int rc;

	if (store_open(&st, cfg->storage_path, STORE_OPEN_READ, template_schema(), err, sizeof err) < 0) {
		fprintf(stderr, "vigil export: %s\n", err);
		return VIGIL_EXIT_FAILURE;
	}
	if (output && strcmp(output, "-") != 0 && !(out = fopen(output, "w"))) {
		perror(output);
		store_close(st);
		return VIGIL_EXIT_FAILURE;
	}
	rc = format == INTERCHANGE_ADTOOL ? adtool_export(st, threat, out, err, sizeof err) :
					    interchange_export(st, format, out, err, sizeof err);
	if ((out == stdout ? fflush(stdout) : fclose(out)) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s could not be written", out == stdout ? "standard output" : output);
		rc = -1;
	}
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "vigil export: %s\n", err);
		return VIGIL_EXIT_FAILURE;
	}
	return VIGIL_EXIT_OK;
}

int cli_export(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "threat", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = VIGIL_DEFAULT_CONFIG, *output = NULL;
	struct vigil_config cfg;
	char err[1024];
	long long threat = 0;
	int format = -1, interchange = -1, opt, status = VIGIL_EXIT_OK;

	while ((opt = getopt_long(argc, argv, "c:f:o:t:", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 't':
			if (threat_id_parse(optarg, &threat) < 0 || threat < 1) {
				fprintf(stderr, "vigil export: --threat wants a threat id like T-7\n");
				return VIGIL_EXIT_USAGE;
			}
			break;
		case 'o': output = optarg; break;
		case 'f':
			if ((interchange = interchange_format_parse(optarg)) >= 0)
				break;
			if ((format = export_format_parse(optarg)) < 0) {
				fprintf(stderr, "vigil export: unknown format \"%s\" "
					"(xep, html, markdown, site, json or csv)\n", optarg);
				return VIGIL_EXIT_USAGE;
			}
			break;
		default: return VIGIL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vigil export: unexpected argument \"%s\"\n", argv[optind]);
		return VIGIL_EXIT_USAGE;
	}
	if (format < 0 && interchange < 0) {
		fprintf(stderr, "vigil export: --format xep|html|markdown|site|json|csv is required\n");
		return VIGIL_EXIT_USAGE;
	}
	if (interchange == INTERCHANGE_ADTOOL && !threat) {
		fprintf(stderr, "vigil export: --format adtool needs --threat T-n\n");
		return VIGIL_EXIT_USAGE;
	}
	if (format == EXPORT_SITE && !output) {
		fprintf(stderr, "vigil export: --format site needs -o DIR\n");
		return VIGIL_EXIT_USAGE;
	}
	if (load_config(&cfg, config_path) < 0)
		return VIGIL_EXIT_CONFIG;
	if (interchange >= 0) {
		status = export_interchange(&cfg, (enum interchange_format)interchange, output, threat);
	} else if (export_register(&cfg, (enum export_format)format, output, err, sizeof err) < 0) {
		fprintf(stderr, "vigil export: %s\n", err);
		status = VIGIL_EXIT_FAILURE;
	}
	config_free(&cfg);
	return status;
}

/* Who imports: --by, else the Unix user running it. */
static const char *importer(const char *by)
{
	struct passwd *pw;
	char msg[1024];

	if (by) {
		if (!*by || validate_text("--by", by, 1023, msg, sizeof msg) < 0 || strchr(by, ' ')) {
			fprintf(stderr, "vigil import: --by wants a user name or JID without spaces\n");
			return NULL;
		}
		return by;
	}
	pw = getpwuid(geteuid());
	if (!pw || !pw->pw_name || !*pw->pw_name) {
		fprintf(stderr, "vigil import: who runs this has no user name: give --by\n");
		return NULL;
	}
	return pw->pw_name;
}

/* The import, in one transaction beside the running daemon (sqlite waits
 * for its lock up to the busy timeout), then the daemon woken to announce. */
static int import_file(const struct vigil_config *cfg, const char *path,
		       const struct import_options *o, long long threat)
{
	struct import_result res;
	struct store *st = NULL;
	char err[1024];
	int woken, rc;

	if (store_open(&st, cfg->storage_path, STORE_OPEN_WRITE, template_schema(), err, sizeof err) < 0) {
		fprintf(stderr, "vigil import: %s\n", err);
		return VIGIL_EXIT_FAILURE;
	}
	rc = o->from == IMPORT_FROM_ADTOOL ? adtool_import(st, path, threat, o, err, sizeof err) :
					     interchange_import(st, path, o, &res, err, sizeof err);
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "vigil import: %s\n", err);
		return VIGIL_EXIT_FAILURE;
	}
	if (o->from == IMPORT_FROM_ADTOOL) {
		printf("T-%lld: attack tree imported from %s as import:%s\n", threat, path, o->by);
	} else {
		printf("imported %zu threat%s (%zu new, %zu replaced) as import:%s\n",
		       res.imported + res.replaced, res.imported + res.replaced == 1 ? "" : "s",
		       res.imported, res.replaced, o->by);
		printf("announced: %s\n", res.digest);
	}
	woken = pidfile_wake(cfg->storage_path, err, sizeof err);
	if (woken < 0)
		fprintf(stderr, "vigil import: %s; vigil announces the import with its next "
			"change or start\n", err);
	else if (woken == 0)
		printf("vigil is not running on %s: it announces the import when it starts\n",
		       cfg->storage_path);
	return VIGIL_EXIT_OK;
}

int cli_import(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'F' },
		{ "replace", no_argument, NULL, 'r' },
		{ "by", required_argument, NULL, 'b' },
		{ "threat", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = VIGIL_DEFAULT_CONFIG, *by = NULL;
	struct import_options o = { .report = stderr };
	struct vigil_config cfg;
	long long threat = 0;
	int opt, status;

	while ((opt = getopt_long(argc, argv, "c:F:rb:t:", options, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (threat_id_parse(optarg, &threat) < 0 || threat < 1) {
				fprintf(stderr, "vigil import: --threat wants a threat id like T-7\n");
				return VIGIL_EXIT_USAGE;
			}
			break;
		case 'c': config_path = optarg; break;
		case 'r': o.replace = 1; break;
		case 'b': by = optarg; break;
		case 'F':
			if (strcmp(optarg, "threat-dragon") == 0) {
				o.from = IMPORT_FROM_THREAT_DRAGON;
			} else if (strcmp(optarg, "adtool") == 0) {
				o.from = IMPORT_FROM_ADTOOL;
			} else if (strcmp(optarg, "vigil") != 0) {
				fprintf(stderr, "vigil import: unknown source \"%s\" (vigil, threat-dragon "
					"or adtool)\n", optarg);
				return VIGIL_EXIT_USAGE;
			}
			break;
		default: return VIGIL_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: vigil import [-c FILE] [--from vigil|threat-dragon] [--replace] "
			"[--by USER] FILE\n"
			"       vigil import [-c FILE] --from adtool --threat T-n [--by USER] FILE\n");
		return VIGIL_EXIT_USAGE;
	}
	if ((o.from == IMPORT_FROM_ADTOOL) != (threat != 0)) {
		fprintf(stderr, "vigil import: --threat T-n goes with --from adtool, and it with it\n");
		return VIGIL_EXIT_USAGE;
	}
	if (!(o.by = importer(by)))
		return VIGIL_EXIT_USAGE;
	if (load_config(&cfg, config_path) < 0)
		return VIGIL_EXIT_CONFIG;
	status = import_file(&cfg, argv[optind], &o, threat);
	config_free(&cfg);
	return status;
}
