/* SPDX-License-Identifier: MIT */
/* How a `vigil import` finds the running daemon to wake it: the daemon
 * holds a write lock (fcntl) on "<storage.path>.pid", which also holds its
 * pid; the importer asks who holds the lock (F_GETLK gives the holder's
 * pid, so a stale file never names another process) and sends it SIGUSR1.
 * The daemon then reads the events table for the changes it did not make. */
#ifndef VIGIL_PIDFILE_H
#define VIGIL_PIDFILE_H

#include <stddef.h>

/* The daemon: creates and locks the file beside the database. Returns the
 * open descriptor (kept for the daemon's life), or -1 with the reason in
 * err (another daemon holds it, or the directory is not writable). */
int pidfile_hold(const char *storage_path, char *err, size_t errlen);
/* Releases and removes it. */
void pidfile_release(const char *storage_path, int fd);

/* The importer: SIGUSR1 to the daemon holding the lock. 1 when sent, 0
 * when no daemon runs on that database, -1 with the reason in err (e.g. it
 * runs as another user). */
int pidfile_wake(const char *storage_path, char *err, size_t errlen);

#endif
