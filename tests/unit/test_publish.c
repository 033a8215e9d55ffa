/* SPDX-License-Identifier: MIT */
/* component/publish.c: the site in publish.dir, on the loop's real clock
 * with real children. Nothing without publish.dir; everything at start;
 * a burst of changes is one publication of their pages, the index and the
 * feed, the documents following on their slower timer; the loop's share
 * (the fork) stays small; a room line gets its page link. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "component/base/log.h"
#include "component/base/loop.h"
#include "component/publish.h"
#include "config/config.h"
#include "storage/store.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/vigil-test-publish-XXXXXX";
static char site[300], db[300];

static long long file(struct store *st, const char *name)
{
	struct threat t;

	threat_init(&t);
	threat_set(&t, THREAT_NAME, name);
	threat_set(&t, THREAT_ABSTRACT, "a");
	threat_set(&t, THREAT_STATUS, "identified");
	threat_set(&t, THREAT_ATTACK_TREE, "Goal\n  OR A [cost=1]\n  B [cost=2]\n");
	t.priority = strdup(priority_name(0));
	t.author = strdup("alice@localhost");
	store_threat_insert(st, &t, "alice@localhost", NULL);
	threat_clear(&t);
	return t.id;
}

static int exists(const char *name)
{
	char path[400];
	struct stat sb;

	snprintf(path, sizeof path, "%s/%s", site, name);
	return stat(path, &sb) == 0;
}

static long long mtime(const char *name)
{
	char path[400];
	struct stat sb;

	snprintf(path, sizeof path, "%s/%s", site, name);
	return stat(path, &sb) == 0 ? (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec : -1;
}

/* Runs the loop until `runs` publications have ended (or 20 s). */
static int run_until(struct loop *loop, struct publisher *p, unsigned long runs)
{
	long long deadline = loop_now(loop) + 20000;

	while (loop_now(loop) < deadline) {
		loop_run_due(loop);
		if (publish_stats(p)->runs >= runs && !loop_timer_armed(loop, "publish-wait"))
			return 1;
		long long ms = loop_next_ms(loop, 50);
		struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void change(struct publisher *p, long long id)
{
	struct threat t;
	struct change c = { 0, CHANGE_EDITED, NULL, "unassessed", "bob@localhost", NULL };

	threat_init(&t);
	t.id = id;
	c.threat = &t;
	publish_changed(p, &c);
}

int main(void)
{
	struct vigil_config cfg;
	struct store *st = NULL;
	struct loop *loop = loop_new(NULL, NULL);
	struct publisher *p;
	char err[512], *line;
	long long t2;
	int failed;

	if (!loop || !mkdtemp(dir))
		return 1;
	if (!getenv("TEST_PUBLISH_LOG"))
		log_set_level(LOG_LEVEL_WARN);
	snprintf(db, sizeof db, "%s/vigil.db", dir);
	snprintf(site, sizeof site, "%s/site", dir);
	if (store_open(&st, db, 0, template_schema(), err, sizeof err) < 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	file(st, "One");
	file(st, "Two");
	file(st, "Three");
	store_close(st);

	config_defaults(&cfg);
	free(cfg.storage_path);
	cfg.storage_path = strdup(db);
	cfg.room_jid = strdup("sig@conference.localhost");
	cfg.component_jid = strdup("threats.localhost");

	ok(publish_new(&cfg, loop, &failed) == NULL && !failed, "without publish.dir: no publisher");
	ok(!loop_timer_armed(loop, "publish"), "and no timer");
	ok(publish_room_line(&cfg, "T-7 \"x\" filed by a") == NULL, "without publish.base_url: no link");
	cfg.publish_base_url = strdup("http://127.0.0.1:5280/sig");
	line = publish_room_line(&cfg, "T-7 \"x\" filed by a@b: priority high");
	is_str(line ? line : "", "T-7 \"x\" filed by a@b: priority high http://127.0.0.1:5280/sig/T-7.html",
	       "a room line about one threat ends with its page");
	free(line);
	line = publish_room_line(&cfg, "T-3…T-9: 7 threats filed by a@b");
	is_str(line ? line : "", "T-3…T-9: 7 threats filed by a@b http://127.0.0.1:5280/sig/index.html",
	       "a burst with the index");
	free(line);

	cfg.publish_dir = strdup(site);
	p = publish_new(&cfg, loop, &failed);
	ok(p && !failed, "with publish.dir: a publisher");
	if (!p)
		return done_testing();
	ok(loop_timer_armed(loop, "publish"), "the first publication is armed at once");
	ok(run_until(loop, p, 1), "it runs in a child and ends");
	ok(exists("index.html") && exists("T-1.html") && exists("T-3.html") && exists("threats.xml") &&
	   exists("threats.md") && exists("feed.atom"), "everything is written at start");
	is_int((int)publish_stats(p)->last_files, 7, "three pages, the index, the feed, two documents");
	ok(!loop_timer_armed(loop, "publish") && !loop_timer_armed(loop, "publish-documents"),
	   "then nothing is armed while idle");

	t2 = mtime("T-2.html");
	change(p, 1);
	change(p, 3);
	change(p, 1);
	ok(loop_timer_armed(loop, "publish") && loop_timer_armed(loop, "publish-documents"),
	   "a change arms the pages and the documents");
	ok(run_until(loop, p, 2), "the burst is published");
	is_int((int)publish_stats(p)->runs, 2, "as one publication");
	is_int((int)publish_stats(p)->last_files, 4, "two pages, the index and the feed");
	ok(mtime("T-2.html") == t2, "the unchanged page is left alone");
	ok(loop_timer_armed(loop, "publish-documents"), "the documents are still to come");
	ok(run_until(loop, p, 3), "then the documents");
	is_int((int)publish_stats(p)->last_files, 2, "threats.xml and threats.md");
	diag("the loop's share of a publication: at most %.2f ms", publish_stats(p)->max_blocked_ms);
	ok(publish_stats(p)->max_blocked_ms < 50 || getenv("VIGIL_SLOW"),
	   "the loop is blocked less than 50 ms by a publication");

	change(p, 2);
	publish_free(p); /* with a publication armed, not yet run: nothing left behind */

	/* a directory that cannot be made: warned, tried again later, not at once */
	free(cfg.publish_dir);
	cfg.publish_dir = strdup("/dev/null/site");
	p = publish_new(&cfg, loop, &failed);
	ok(p && run_until(loop, p, 1), "a publication to an impossible directory ends");
	ok(p && loop_timer_armed(loop, "publish") && loop_next_ms(loop, 60000) > 5000,
	   "and everything is tried again in 10 s, not at once");
	publish_free(p);
	loop_free(loop);
	config_free(&cfg);
	{
		char cmd[400];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
