/* SPDX-License-Identifier: MIT */
/* vigil.conf(5), vigil.conf.example and the Debian package's vigil.conf
 * against the table of keys in config/config.c: the committed pages are
 * what config/gen_config_docs writes (`make config-docs`), and every key
 * any of them names is one of the table's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_docs.h"

#include "tests/unit/tap.h"

#define MAX_KEYS 128
#define MAX_NAME 96

static const char *srcdir(void)
{
	const char *s = getenv("VIGIL_SRCDIR");
	return s ? s : ".";
}

/* The file srcdir/rel, NUL-terminated, or NULL. */
static char *slurp(const char *rel)
{
	char path[1024];
	FILE *f;
	char *text = NULL;
	long len;

	snprintf(path, sizeof path, "%s/%s", srcdir(), rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = malloc((size_t)len + 1)) != NULL) {
		if (fread(text, 1, (size_t)len, f) != (size_t)len) {
			free(text);
			text = NULL;
		} else {
			text[len] = '\0';
		}
	}
	fclose(f);
	return text;
}

/* Says the first line where the committed file and the generated text differ. */
static void same_text(const char *rel, const char *want, const char *what)
{
	char *got = slurp(rel);
	const char *a, *b;
	int line = 1;

	if (!got) {
		ok(0, "%s: %s is readable", what, rel);
		return;
	}
	ok(strcmp(got, want) == 0, "%s: %s is what the table gives", what, rel);
	for (a = got, b = want; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	if (*a || *b) {
		while (a > got && a[-1] != '\n')
			a--;
		while (b > want && b[-1] != '\n')
			b--;
		diag("line %d: committed \"%.*s\", the table gives \"%.*s\"", line,
		     (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
		diag("edit config/config.c's table, then run `make config-docs`");
	}
	free(got);
}

static char *generated(int (*write)(FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	if (write(f) < 0) {
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	return text;
}

static int table_has(const char *name)
{
	struct config_key_doc k;
	size_t i;

	for (i = 0; config_key_doc(i, &k) == 0; i++)
		if (strcmp(k.name, name) == 0)
			return 1;
	return 0;
}

/* The keys a configuration file names, set or commented out ("#key = ..."),
 * as section.name; returns how many, or -1 when there are too many. */
static int file_keys(const char *text, char names[][MAX_NAME], int max)
{
	char section[MAX_NAME] = "";
	const char *p, *end;
	size_t n;
	int count = 0;

	for (p = text; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "\n");
		if (*p == '[') {
			n = strcspn(p + 1, "]\n");
			snprintf(section, sizeof section, "%.*s", (int)n, p + 1);
			continue;
		}
		if (*p == '#')
			p++;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_.");
		if (!n || p + n + strspn(p + n, " ") >= end || p[n + strspn(p + n, " ")] != '=')
			continue;
		if (count == max)
			return -1;
		/* a name too long for names[] is cut, and then no key's */
		if (snprintf(names[count], MAX_NAME, "%s%s%.*s",
			     memchr(p, '.', n) ? "" : section,
			     memchr(p, '.', n) || !section[0] ? "" : ".", (int)n, p) < 0)
			return -1;
		count++;
	}
	return count;
}

static int names_have(char names[][MAX_NAME], int count, const char *name)
{
	int i;

	for (i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* The committed pages are byte for byte what the table gives. */
static void test_generated(void)
{
	char *man = generated(config_docs_man), *example = generated(config_docs_example);

	ok(man && example, "the pages are written");
	if (man)
		same_text("man/vigil.conf.5.in", man, "vigil.conf(5)");
	if (example)
		same_text("config/vigil.conf.example", example, "the example");
	free(man);
	free(example);
}

/* Key by key, the table, the man page's list and the example's lines. */
static void test_key_sets(void)
{
	static char names[MAX_KEYS][MAX_NAME];
	char *man = slurp("man/vigil.conf.5.in"), *example = slurp("config/vigil.conf.example");
	char needle[MAX_NAME + 16];
	struct config_key_doc k;
	const char *p;
	size_t i, listed = 0;
	int count, missing = 0;

	if (!man || !example) {
		ok(0, "the man page and the example are readable");
		goto out;
	}
	count = file_keys(example, names, MAX_KEYS);
	for (i = 0; config_key_doc(i, &k) == 0; i++) {
		snprintf(needle, sizeof needle, "\n.It Cm %s\n", k.name);
		if (!strstr(man, needle)) {
			diag("vigil.conf(5) does not describe %s", k.name);
			missing++;
		}
		if (!names_have(names, count, k.name)) {
			diag("the example has no line for %s", k.name);
			missing++;
		}
		if (!k.doc || !k.doc[0]) {
			diag("%s has no description in the table", k.name);
			missing++;
		}
	}
	ok(i > 0 && missing == 0, "each of the table's %zu keys is in vigil.conf(5) and the example", i);
	for (p = man; (p = strstr(p, "\n.It Cm ")) != NULL; p++, listed++)
		;
	is_int((int)listed, (int)i, "vigil.conf(5) lists no key the table lacks");
	is_int(count, (int)i, "the example names each key once");
	missing = 0;
	for (count--; count >= 0; count--)
		if (!table_has(names[count])) {
			diag("the example's %s is not in the table", names[count]);
			missing++;
		}
	ok(missing == 0, "and no key the table lacks");
out:
	free(man);
	free(example);
}

static void load(const char *rel, int secret_optional, const char *what)
{
	struct vigil_config cfg;
	char path[1024], err[512] = "";
	int rc;

	snprintf(path, sizeof path, "%s/%s", srcdir(), rel);
	unsetenv("VIGIL_COMPONENT_SECRET");
	config_defaults(&cfg);
	cfg.secret_optional = secret_optional;
	rc = config_load(&cfg, path, err, sizeof err);
	ok(rc == 0, "%s parses", what);
	if (rc)
		diag("%s", err);
	config_free(&cfg);
}

/* The installed conffile holds only the table's keys, commented ones too. */
static void test_debian_conffile(void)
{
	static char names[MAX_KEYS][MAX_NAME];
	char *text = slurp("debian/etc/vigil.conf");
	int count, i, unknown = 0;

	load("config/vigil.conf.example", 0, "the example");
	load("debian/etc/vigil.conf", 1, "debian/etc/vigil.conf, its secret left to secret.env,");
	if (!text) {
		ok(0, "debian/etc/vigil.conf is readable");
		return;
	}
	count = file_keys(text, names, MAX_KEYS);
	for (i = 0; i < count; i++)
		if (!table_has(names[i])) {
			diag("debian/etc/vigil.conf names %s, which is no key", names[i]);
			unknown++;
		}
	ok(count > 0 && unknown == 0, "the %d keys debian/etc/vigil.conf names, set or commented "
	   "out, are the table's", count);
	free(text);
}

int main(void)
{
	test_generated();
	test_key_sets();
	test_debian_conffile();
	return done_testing();
}
