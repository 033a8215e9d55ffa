/* SPDX-License-Identifier: MIT */
/* A thread of its own that checkpoints a database's WAL when asked, so that
 * neither a commit nor the daemon's loop waits while the pages are written
 * back and synced (5-15 ms on the bench machine). sqlite's automatic
 * checkpoint does that inside the commit that fills the WAL, before the
 * answer to the change can leave: the slowest 1 % of filings. The thread
 * has its own sqlite handle; a passive checkpoint blocks neither the
 * writer nor the readers. */
#ifndef VIGIL_CHECKPOINTER_H
#define VIGIL_CHECKPOINTER_H

struct checkpointer;

/* NULL when it cannot start (sqlite built without threads, no memory, no
 * thread): the caller keeps sqlite's own checkpoints. */
struct checkpointer *checkpointer_start(const char *path);
/* Asks for a checkpoint; returns at once. Asks made while one runs make
 * one more. */
void checkpointer_ask(struct checkpointer *c);
/* Returns once every checkpoint asked for has run. */
void checkpointer_wait(struct checkpointer *c);
/* How many checkpoints ran, and how many of them failed (the database
 * could not be opened or written: sqlite checkpoints it again later). */
void checkpointer_counts(struct checkpointer *c, unsigned long *ran, unsigned long *failed);
/* Lets the checkpoint under way finish, ends the thread and frees c. */
void checkpointer_stop(struct checkpointer *c);

#endif
