/* SPDX-License-Identifier: MIT */
/* Runs a fuzz target over saved inputs without libFuzzer, so the seed
 * corpus and every input that once crashed are replayed by `make check`
 * (and under the sanitizers and valgrind). Arguments: files or
 * directories; without arguments, the target's corpus/ and regressions/
 * folders (REPLAY_ROOT, REPLAY_TARGET from the build). Prints one TAP line
 * per input. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* optional, as for libFuzzer: only targets with set-up define it */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long len = -1;

	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)len + 1)) && fread(data, 1, (size_t)len, f) == (size_t)len) {
		LLVMFuzzerTestOneInput(data, (size_t)len);
		printf("ok %d - %s\n", ++count, path);
	} else {
		printf("not ok %d - %s: cannot read\n", ++count, path);
	}
	fflush(stdout);
	free(data);
	if (f)
		fclose(f);
}

static void replay(const char *path)
{
	struct stat sb;
	struct dirent *e;
	char **names = NULL, full[4096];
	size_t n = 0, i;
	DIR *dir;

	if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		replay_file(path);
		return;
	}
	if (!(dir = opendir(path)))
		return;
	while ((e = readdir(dir))) {
		char **grown;
		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof *names);
		if (!grown)
			break;
		names = grown;
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof *names, by_name); /* the same order every run */
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		replay_file(full);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	int i;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		replay(argv[i]);
#if defined(REPLAY_ROOT) && defined(REPLAY_TARGET)
	if (argc == 1) {
		replay(REPLAY_ROOT "/corpus/" REPLAY_TARGET);
		replay(REPLAY_ROOT "/regressions/" REPLAY_TARGET);
	}
#endif
	printf("1..%d\n", count);
	return 0;
}
