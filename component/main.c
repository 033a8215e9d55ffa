/* SPDX-License-Identifier: MIT */
/* vigil: command line, signals, and the daemon's life cycle. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "component/cli.h"
#include "component/daemon.h"
#include "component/base/log.h"
#include "config.h"
#include "config/config.h"

#define DEFAULT_CONFIG VIGIL_DEFAULT_CONFIG

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vigil [-v] [-c FILE]            run the component\n"
		"       vigil --check-config [-c FILE]  validate the configuration and exit\n"
		"       vigil export [-c FILE] --format xep|html|markdown [-o OUT]\n"
		"       vigil export [-c FILE] --format site -o DIR\n"
		"                                       write the register as a document\n"
		"       vigil export [-c FILE] --format json|csv [-o OUT]\n"
		"                                       the register for other tools\n"
		"       vigil export [-c FILE] --format adtool --threat T-n [-o OUT]\n"
		"                                       a threat's attack tree for ADTool\n"
		"       vigil import [-c FILE] [--from vigil|threat-dragon] [--replace]\n"
		"                    [--by USER] FILE.json\n"
		"                                       bring threats in (all or nothing)\n"
		"       vigil import [-c FILE] --from adtool --threat T-n FILE.xml\n"
		"                                       a threat's attack tree from ADTool\n"
		"       vigil --help | --version\n"
		"\n"
		"  -c, --config FILE   configuration file (default " DEFAULT_CONFIG ")\n"
		"  -v, --verbose       log debug messages (VIGIL_XMPP_TRACE=1 adds the XML)\n"
		"  -n, --check-config  check the configuration, print \"configuration OK\"\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"The component secret may be given in VIGIL_COMPONENT_SECRET instead of the\n"
		"file. See vigil(8) and vigil.conf(5).\n");
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		daemon_signal_events = 1; /* `vigil import` wrote events: component/pidfile.h */
	else
		daemon_signal_stop = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL); /* a dropped socket is an event, not a death */
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-config", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = DEFAULT_CONFIG;
	struct vigil_config cfg;
	struct daemon d;
	char err[1024];
	int check_only = 0, verbose = 0, opt, status;

	if (argc > 1 && strcmp(argv[1], "export") == 0)
		return cli_export(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "import") == 0)
		return cli_import(argc - 1, argv + 1);
	while ((opt = getopt_long(argc, argv, "c:vnhV", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'v': verbose = 1; break;
		case 'n': check_only = 1; break;
		case 'h': usage(stdout); return VIGIL_EXIT_OK;
		case 'V': printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION); return VIGIL_EXIT_OK;
		default: usage(stderr); return VIGIL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vigil: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return VIGIL_EXIT_USAGE;
	}

	config_defaults(&cfg);
	if (config_load(&cfg, config_path, err, sizeof err) < 0) {
		fprintf(stderr, "vigil: %s\n", err);
		config_free(&cfg);
		return VIGIL_EXIT_CONFIG;
	}
	if (check_only) {
		printf("%s: configuration OK\n", config_path);
		config_free(&cfg);
		return VIGIL_EXIT_OK;
	}
	log_set_level(verbose ? LOG_LEVEL_DEBUG : (enum log_level)cfg.log_level);
	install_signals();
	log_info("vigil %s starting: component %s, room %s, database %s", PACKAGE_VERSION,
		 cfg.component_jid, cfg.room_jid, cfg.storage_path);
	if (daemon_init(&d, &cfg) < 0) {
		status = d.exit_status ? d.exit_status : VIGIL_EXIT_FAILURE;
	} else {
		status = daemon_run(&d);
		log_info("stopped");
	}
	daemon_cleanup(&d);
	config_free(&cfg);
	return status;
}
