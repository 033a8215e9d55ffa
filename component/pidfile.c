/* SPDX-License-Identifier: MIT */
/* The daemon's lock file, and waking the daemon: see pidfile.h. */
#include "component/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *pid_path(const char *storage_path)
{
	size_t len = strlen(storage_path) + sizeof ".pid";
	char *path = malloc(len);

	if (path)
		snprintf(path, len, "%s.pid", storage_path);
	return path;
}

int pidfile_hold(const char *storage_path, char *err, size_t errlen)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char *path = pid_path(storage_path), pid[32];
	int fd = -1, n;

	if (!path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		snprintf(err, errlen, "%s is locked: another vigil runs on this database", path);
		goto fail;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	free(path);
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	free(path);
	return -1;
}

void pidfile_release(const char *storage_path, int fd)
{
	char *path;

	if (fd < 0)
		return;
	if ((path = pid_path(storage_path))) {
		unlink(path); /* while still locked: no importer reads a stale one */
		free(path);
	}
	close(fd);
}

int pidfile_wake(const char *storage_path, char *err, size_t errlen)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char *path = pid_path(storage_path);
	int fd, rc = 0;

	if (!path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc < 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else if (fcntl(fd, F_GETLK, &fl) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	} else if (fl.l_type != F_UNLCK && fl.l_pid > 0) {
		if (kill(fl.l_pid, SIGUSR1) == 0) {
			rc = 1;
		} else {
			snprintf(err, errlen, "could not signal vigil (pid %ld): %s", (long)fl.l_pid,
				 strerror(errno));
			rc = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}
