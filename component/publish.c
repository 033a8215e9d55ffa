/* SPDX-License-Identifier: MIT */
/* The publisher: see publish.h. The child only reads the register (its own
 * read-only connection: sqlite connections do not cross a fork) and writes
 * files; it reports what it wrote through a pipe and leaves with _exit(),
 * running none of the parent's clean-up. */
#include "component/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands/export/export.h"
#include "commands/register/links.h"
#include "commands/text/text.h"
#include "component/base/log.h"
#include "component/base/loop.h"
#include "config/config.h"

#define TIMER_PUBLISH "publish"
#define PUBLISH_NICE 10 /* the child's CPU priority (setpriority) */
#define TIMER_PUBLISH_DOCUMENTS "publish-documents"
#define TIMER_PUBLISH_WAIT "publish-wait"

struct publisher {
	const struct vigil_config *cfg;
	struct loop *loop;
	long long *dirty;      /* threats changed since the last publication began */
	size_t ndirty, cap;
	int all;               /* every page (the first publication, after a failure) */
	int pages_due;         /* the "publish" timer fired: pages, index, feed */
	int documents_due;     /* the "publish-documents" timer fired */
	int documents_wanted;  /* a change since the documents were last begun */
	int failures;          /* publications failed in a row */
	pid_t child;           /* a publication running, or 0 */
	int pipe_fd;           /* its report */
	size_t child_pages;    /* what it was asked to write, for the log */
	int child_all;
	unsigned child_what;
	double started_ms;
	struct publish_stats stats;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void run(struct publisher *p);
static void pages_fire(void *arg);
static void documents_fire(void *arg);

/* A change: the pages soon, the documents later. */
static void arm(struct publisher *p)
{
	p->documents_wanted = 1;
	if (loop_timer_soon(p->loop, TIMER_PUBLISH, PUBLISH_DELAY_MS, pages_fire, p) < 0 ||
	    loop_timer_soon(p->loop, TIMER_PUBLISH_DOCUMENTS, PUBLISH_DOCUMENTS_MS, documents_fire, p) < 0)
		log_warn("publish: out of memory arming the timers");
}

static void pages_fire(void *arg)
{
	struct publisher *p = arg;

	p->pages_due = 1;
	run(p);
}

static void documents_fire(void *arg)
{
	struct publisher *p = arg;

	p->documents_due = 1;
	run(p);
}

static void child_main(struct publisher *p, unsigned what, const long long *ids, size_t n, int fd)
{
	struct site_result r;
	char err[1024];
	int rc;

	memset(&r, 0, sizeof r); /* sent whole to the parent, even when export_site failed early */
	/* in the background: the daemon and the XMPP server come first */
	if (setpriority(PRIO_PROCESS, 0, PUBLISH_NICE) < 0)
		log_debug("publish: setpriority: %s", strerror(errno));
	rc = export_site(p->cfg, p->cfg->publish_dir, what, ids, n, &r, err, sizeof err);
	ssize_t w;

	if (rc < 0)
		log_warn("publish: %s", err);
	do
		w = write(fd, &r, sizeof r);
	while (w < 0 && errno == EINTR);
	_exit(rc < 0 ? 1 : 0);
}

/* A publication failed (the child said why): everything again later, the
 * wait doubling up to PUBLISH_RETRY_MAX_MS while it keeps failing, since a
 * whole publication of a large register is not cheap. */
static void retry(struct publisher *p)
{
	long long ms = PUBLISH_RETRY_MS;
	int i;

	for (i = 0; i < p->failures && ms < PUBLISH_RETRY_MAX_MS; i++)
		ms *= 2;
	if (ms > PUBLISH_RETRY_MAX_MS)
		ms = PUBLISH_RETRY_MAX_MS;
	p->failures++;
	log_warn("publish: the publication to %s failed; everything again in %lld s",
		 p->cfg->publish_dir, ms / 1000);
	p->all = p->documents_wanted = 1;
	loop_timer_set(p->loop, TIMER_PUBLISH, ms, pages_fire, p);
	loop_timer_set(p->loop, TIMER_PUBLISH_DOCUMENTS, ms, documents_fire, p);
}

/* Looks at the running publication; when it is over, the next may start. */
static void reap(void *arg)
{
	struct publisher *p = arg;
	struct site_result r;
	int status = 0;
	pid_t pid = waitpid(p->child, &status, WNOHANG);

	if (pid == 0) {
		loop_timer_set(p->loop, TIMER_PUBLISH_WAIT, PUBLISH_POLL_MS, reap, p);
		return;
	}
	memset(&r, 0, sizeof r);
	if (pid < 0 || read(p->pipe_fd, &r, sizeof r) != (ssize_t)sizeof r)
		r.ms = now_ms() - p->started_ms;
	close(p->pipe_fd);
	p->pipe_fd = -1;
	p->child = 0;
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		retry(p);
		return;
	}
	p->failures = 0;
	p->stats.last_ms = r.ms;
	p->stats.last_bytes = r.bytes;
	p->stats.last_files = (unsigned long)r.files;
	if (p->child_what & SITE_PAGES) {
		char pages[64];
		if (p->child_all)
			snprintf(pages, sizeof pages, "every page");
		else
			snprintf(pages, sizeof pages, "%zu threat page%s", p->child_pages,
				 p->child_pages == 1 ? "" : "s");
		log_info("published %s, the index%s: %zu files, %llu bytes in %.1f ms (the loop was "
			 "blocked %.2f ms)", pages,
			 p->child_what & SITE_DOCUMENTS ? ", the feed and the documents" : " and the feed",
			 r.files, r.bytes, r.ms, p->stats.last_blocked_ms);
	} else
		log_info("published the documents: %zu files, %llu bytes in %.1f ms (the loop was "
			 "blocked %.2f ms)", r.files, r.bytes, r.ms, p->stats.last_blocked_ms);
	/* what fell due meanwhile goes now */
	if (p->pages_due || p->documents_due)
		run(p);
}

/* A publication of what is due, in a child; nothing while one runs (reap()
 * starts what fell due meanwhile). */
static void run(struct publisher *p)
{
	double start = now_ms();
	unsigned what = 0;
	int fds[2] = { -1, -1 };
	pid_t pid = -1;

	if (p->child)
		return;
	if (p->pages_due && (p->ndirty || p->all))
		what |= SITE_PAGES | SITE_INDEX | SITE_FEED;
	if (p->documents_due && p->documents_wanted)
		what |= SITE_DOCUMENTS;
	p->pages_due = p->documents_due = 0;
	if (!what)
		return;
	/* nothing buffered is left for the child to write out a second time */
	fflush(NULL);
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		log_warn("publish: %s: %s", "fork", strerror(errno));
		if (fds[0] >= 0)
			close(fds[0]), close(fds[1]);
		retry(p);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(p, what, p->all ? NULL : p->dirty, p->ndirty, fds[1]);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	p->pipe_fd = fds[0];
	p->child = pid;
	p->child_what = what;
	p->child_all = (what & SITE_PAGES) && p->all;
	p->child_pages = what & SITE_PAGES ? p->ndirty : 0;
	if (what & SITE_PAGES) {
		p->all = 0;
		p->ndirty = 0;
	}
	if (what & SITE_DOCUMENTS)
		p->documents_wanted = 0;
	p->started_ms = start;
	p->stats.runs++;
	p->stats.last_blocked_ms = now_ms() - start;
	if (p->stats.last_blocked_ms > p->stats.max_blocked_ms)
		p->stats.max_blocked_ms = p->stats.last_blocked_ms;
	loop_timer_set(p->loop, TIMER_PUBLISH_WAIT, PUBLISH_POLL_MS, reap, p);
}

void publish_changed(void *ctx, const struct change *change)
{
	struct publisher *p = ctx;
	size_t i;

	if (!p || !change->threat)
		return;
	for (i = 0; i < p->ndirty; i++)
		if (p->dirty[i] == change->threat->id)
			break;
	if (i == p->ndirty) {
		if (p->ndirty == p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 16;
			long long *grown = realloc(p->dirty, cap * sizeof *grown);
			if (!grown) {
				p->all = 1; /* every page, then */
				arm(p);
				return;
			}
			p->dirty = grown;
			p->cap = cap;
		}
		p->dirty[p->ndirty++] = change->threat->id;
	}
	arm(p);
}

struct publisher *publish_new(const struct vigil_config *cfg, struct loop *loop, int *failed)
{
	struct publisher *p;

	*failed = 0;
	if (!cfg->publish_dir || !*cfg->publish_dir)
		return NULL;
	p = calloc(1, sizeof *p);
	if (!p) {
		*failed = 1;
		return NULL;
	}
	p->cfg = cfg;
	p->loop = loop;
	p->pipe_fd = -1;
	p->all = 1; /* everything, at once */
	p->documents_wanted = 1;
	p->documents_due = 1;
	if (loop_timer_set(loop, TIMER_PUBLISH, 0, pages_fire, p) < 0) {
		free(p);
		*failed = 1;
		return NULL;
	}
	return p;
}

const struct publish_stats *publish_stats(const struct publisher *p)
{
	return &p->stats;
}

void publish_free(struct publisher *p)
{
	if (!p)
		return;
	loop_timer_cancel(p->loop, TIMER_PUBLISH);
	loop_timer_cancel(p->loop, TIMER_PUBLISH_DOCUMENTS);
	loop_timer_cancel(p->loop, TIMER_PUBLISH_WAIT);
	if (p->child) {
		/* let it finish: its files are renamed into place whole or not at all */
		while (waitpid(p->child, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (p->pipe_fd >= 0)
		close(p->pipe_fd);
	free(p->dirty);
	free(p);
}

char *publish_room_line(const struct vigil_config *cfg, const char *line)
{
	struct text t = { 0 };
	char url[2048];
	long long id = 0;
	int n = 0;

	if (sscanf(line, "T-%lld%n", &id, &n) != 1 || line[n] != ' ')
		id = 0; /* a burst, or not about one threat: the index */
	if (!links_threat_page(cfg, id, url, sizeof url))
		return NULL;
	text_add(&t, "%s %s", line, url);
	return text_take(&t);
}
