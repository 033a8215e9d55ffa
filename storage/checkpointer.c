/* SPDX-License-Identifier: MIT */
/* The WAL checkpointer: see checkpointer.h. The thread sleeps on `wake`
 * until asked; `idle` tells checkpointer_wait() that nothing is left.
 *
 * The daemon forks (component/publish.c: the site is written by a child
 * that opens the database itself). A child has only the thread that forked;
 * had the checkpointer been inside sqlite then, holding one of sqlite's
 * own mutexes, the child's first sqlite call would wait for it for ever.
 * So the thread is in sqlite only while it holds `in_sqlite`, and a fork
 * takes that first (pthread_atfork): it waits for the checkpoint under
 * way, at most a few ms. */
#include "storage/checkpointer.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t in_sqlite = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_guard = PTHREAD_ONCE_INIT;
static int fork_guarded;

static void before_fork(void)
{
	pthread_mutex_lock(&in_sqlite);
}

static void after_fork(void)
{
	pthread_mutex_unlock(&in_sqlite);
}

static void guard_forks(void)
{
	fork_guarded = pthread_atfork(before_fork, after_fork, after_fork) == 0;
}

struct checkpointer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	int ready, asked, running, stopping;
	unsigned long ran, failed;
	sqlite3 *db; /* the thread's own handle, opened at its first checkpoint */
	char path[];
};

static int checkpoint(struct checkpointer *c)
{
	int log = -1;

	/* a handle sees the WAL once it has read the database: until then a
	 * checkpoint does nothing and says it is fine, so the handle reads it
	 * (PRAGMA journal_mode) as soon as it is opened */
	if (!c->db && (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				       NULL) != SQLITE_OK ||
		       sqlite3_exec(c->db, "PRAGMA journal_mode", NULL, NULL, NULL) != SQLITE_OK)) {
		sqlite3_close(c->db);
		c->db = NULL;
		return -1;
	}
	/* log -1: the database is not in WAL mode, nothing was done */
	return sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, NULL) ==
			       SQLITE_OK && log >= 0 ? 0 : -1;
}

static void *run(void *arg)
{
	struct checkpointer *c = arg;
	int rc;

	pthread_mutex_lock(&c->lock);
	c->ready = 1;
	pthread_cond_broadcast(&c->idle);
	for (;;) {
		while (!c->asked && !c->stopping)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->stopping)
			break; /* what is left, sqlite checkpoints when the last handle closes */
		c->asked = 0;
		c->running = 1;
		pthread_mutex_unlock(&c->lock);
		pthread_mutex_lock(&in_sqlite);
		rc = checkpoint(c);
		pthread_mutex_unlock(&in_sqlite);
		pthread_mutex_lock(&c->lock);
		c->running = 0;
		c->ran++;
		if (rc < 0)
			c->failed++;
		pthread_cond_broadcast(&c->idle);
	}
	pthread_cond_broadcast(&c->idle);
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_lock(&in_sqlite);
	sqlite3_close(c->db);
	pthread_mutex_unlock(&in_sqlite);
	return NULL;
}

struct checkpointer *checkpointer_start(const char *path)
{
	size_t len = strlen(path) + 1;
	struct checkpointer *c;
	sigset_t all, before;
	int started;

	pthread_once(&fork_guard, guard_forks);
	if (!fork_guarded || !sqlite3_threadsafe() || !(c = calloc(1, sizeof *c + len)))
		return NULL;
	memcpy(c->path, path, len);
	if (pthread_mutex_init(&c->lock, NULL) != 0)
		goto no_lock;
	if (pthread_cond_init(&c->wake, NULL) != 0)
		goto no_wake;
	if (pthread_cond_init(&c->idle, NULL) != 0)
		goto no_idle;
	/* the signals are the main thread's (its select wakes for them) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &before);
	started = pthread_create(&c->thread, NULL, run, c) == 0;
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	if (!started)
		goto no_thread;
	/* Returns once the thread runs its own code: a fork (the publishing
	 * child) while a thread is still being set up can copy a lock of the
	 * runtime's (a sanitizer's allocator) that nobody in the child will
	 * release. From here on the thread allocates only inside sqlite, which
	 * a fork waits for (in_sqlite). */
	pthread_mutex_lock(&c->lock);
	while (!c->ready)
		pthread_cond_wait(&c->idle, &c->lock);
	pthread_mutex_unlock(&c->lock);
	return c;
no_thread:
	pthread_cond_destroy(&c->idle);
no_idle:
	pthread_cond_destroy(&c->wake);
no_wake:
	pthread_mutex_destroy(&c->lock);
no_lock:
	free(c);
	return NULL;
}

void checkpointer_ask(struct checkpointer *c)
{
	pthread_mutex_lock(&c->lock);
	c->asked = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
}

void checkpointer_wait(struct checkpointer *c)
{
	pthread_mutex_lock(&c->lock);
	while ((c->asked || c->running) && !c->stopping)
		pthread_cond_wait(&c->idle, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

void checkpointer_counts(struct checkpointer *c, unsigned long *ran, unsigned long *failed)
{
	pthread_mutex_lock(&c->lock);
	*ran = c->ran;
	*failed = c->failed;
	pthread_mutex_unlock(&c->lock);
}

void checkpointer_stop(struct checkpointer *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->idle);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
