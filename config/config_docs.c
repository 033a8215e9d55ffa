/* SPDX-License-Identifier: MIT */
/* vigil.conf(5) and vigil.conf.example from the table of keys. Both list the
 * keys in the table's order, under their sections; each key's description,
 * value, default and example come from the table only. */
#include "config/config_docs.h"

#include <string.h>

#include "config/config.h"

#define WIDTH 76
#define MAX_SECTION 64

/* One line about each section, above its keys. */
static const struct {
	const char *name, *doc;
} sections[] = {
	{ "component", "The connection to the XMPP server, as an external component (XEP-0114)." },
	{ "room", "The Security SIG's room, where vigil announces changes and answers commands." },
	{ "storage", "The register." },
	{ "commands", "Ad-hoc command sessions (XEP-0050)." },
	{ "chat", "Commands and mentions in plain messages." },
	{ "assess", "How assessments make a priority." },
	{ "access", "Who may do what.\nLists are comma-separated; JIDs in them are compared "
		    "as the server prepares them (case-folded, NFKC)." },
	{ "pubsub", "Announcements over PubSub (XEP-0060)." },
	{ "publish", "The register on the web." },
	{ "log", "What is logged, on standard error or the journal." },
};

static const char *section_doc(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof sections / sizeof sections[0]; i++)
		if (strcmp(sections[i].name, name) == 0)
			return sections[i].doc;
	return NULL;
}

/* The section of "section.name" into buf; returns the bare name. */
static const char *split_key(const char *key, char *buf, size_t len)
{
	const char *dot = strchr(key, '.');
	size_t n = dot ? (size_t)(dot - key) : 0;

	if (n >= len)
		n = len - 1;
	memcpy(buf, key, n);
	buf[n] = '\0';
	return dot ? dot + 1 : key;
}

/* --- the man page ---------------------------------------------------------- */

/* Text as roff lines: a line break in text starts a new line (a new
 * sentence), and a sentence longer than WIDTH goes on at a blank; a
 * backslash is printed as one, and a line that would start with a control
 * character is escaped. */
static void roff_text(FILE *out, const char *text)
{
	size_t col = 0, n;

	while (*text) {
		if (*text == '\n' || (*text == ' ' && col + strcspn(text + 1, " \n") + 1 > WIDTH)) {
			fputc('\n', out);
			col = 0;
			text++;
			continue;
		}
		if (!col && (*text == '.' || *text == '\''))
			col += (size_t)fprintf(out, "\\&");
		n = *text == '\\' ? (size_t)fprintf(out, "\\e") : (size_t)(fputc(*text, out) != EOF);
		col += n;
		text++;
	}
	fputc('\n', out);
}

static const char *const man_head[] = {
	".\\\" SPDX-License-Identifier: MIT",
	".\\\" Written by config/gen_config_docs from the table in config/config.c:",
	".\\\" edit that table, then run `make config-docs`.",
	".Dd December 7, 2026",
	".Dt VIGIL.CONF 5",
	".Os",
	".Sh NAME",
	".Nm vigil.conf",
	".Nd configuration file of the vigil threat register",
	".Sh SYNOPSIS",
	".Pa @sysconfdir@/vigil/vigil.conf",
	".Sh DESCRIPTION",
	".Xr vigil 8",
	"reads its settings from",
	".Pa @sysconfdir@/vigil/vigil.conf ,",
	"or from the file given with",
	".Fl c .",
	"Each line holds a",
	".Ql key = value",
	"pair, a",
	".Ql [section]",
	"header, a comment or nothing.",
	"A key is written",
	".Ql section.name ,",
	"or",
	".Ql name",
	"after a",
	".Ql [section]",
	"line, which holds until the next one.",
	"A",
	".Ql #",
	"at the start of a line, or after a blank, starts a comment.",
	"A value in double quotes keeps a",
	".Ql #",
	"and its surrounding blanks.",
	"Lines are at most 4096 bytes, the file at most 1 MiB.",
	".Pp",
	"An unknown key, a key set twice, a value that does not fit its key and a",
	"missing required key are errors:",
	".Xr vigil 8",
	"then prints",
	".Ar file : Ns Ar line : Ns No message",
	"and exits 78.",
	".Ql vigil --check-config -c file",
	"checks a file this way and prints",
	".Dq configuration OK .",
	".Sh KEYS",
	"Each key below gives what its value looks like and its default.",
	NULL
};

static const char *const man_tail[] = {
	".Sh ENVIRONMENT",
	".Bl -tag -width Ds",
	".It Ev VIGIL_COMPONENT_SECRET",
	"The component secret.",
	"When set and not empty, it wins over",
	".Cm component.secret ,",
	"which may then be left out of the file.",
	".El",
	".Sh FILES",
	".Bl -tag -width Ds",
	".It Pa @sysconfdir@/vigil/vigil.conf",
	"The configuration (mode 0640, group vigil: it may hold the secret).",
	".It Pa @sysconfdir@/vigil/secret.env",
	".Ev VIGIL_COMPONENT_SECRET Ns = Ns Ar secret ,",
	"read by the systemd unit",
	".Pq Cm EnvironmentFile= ;",
	"mode 0600.",
	".It Pa @docdir@/examples/vigil.conf.example",
	"Every key with its description, set to its default.",
	".El",
	".Sh EXAMPLES",
	"A small configuration, the secret coming from the environment:",
	".Bd -literal -offset indent",
	"[component]",
	"jid = threats.example.org",
	"",
	"[room]",
	"jid = sig@conference.example.org",
	"",
	"[access]",
	"admins = alice@example.org",
	".Ed",
	".Sh SEE ALSO",
	".Xr vigil 8",
	NULL
};

static void lines(FILE *out, const char *const *l)
{
	for (; *l; l++)
		fprintf(out, "%s\n", *l);
}

/* "Value: what it looks like; default" (the default follows, quoted),
 * or the sentence whole when there is none. */
static void value_sentence(char *buf, size_t len, const struct config_key_doc *k)
{
	snprintf(buf, len, "Value: %s; %s", k->value,
		 k->def ? "default" : k->required ? "no default." : "unset by default.");
}

/* "The keys a, b and c are required; ..." */
static void required_keys(FILE *out)
{
	struct config_key_doc k;
	size_t i, n = 0, said = 0;

	for (i = 0; config_key_doc(i, &k) == 0; i++)
		n += k.required != 0;
	if (!n)
		return;
	fputs(n == 1 ? "The key\n" : "The keys\n", out);
	for (i = 0; config_key_doc(i, &k) == 0; i++) {
		if (!k.required)
			continue;
		said++;
		fprintf(out, ".Cm %s%s\n%s", k.name, said + 1 < n ? " ," : "",
			said + 1 == n ? "and\n" : "");
	}
	fputs(n == 1 ? "is required" : "are required", out);
	fputs("; every other key may be left out.\n", out);
}

int config_docs_man(FILE *out)
{
	char section[MAX_SECTION] = "", this[MAX_SECTION], value[CONFIG_VALUE_TEXT + 64];
	struct config_key_doc k;
	const char *doc;
	size_t i;

	lines(out, man_head);
	required_keys(out);
	for (i = 0; config_key_doc(i, &k) == 0; i++) {
		split_key(k.name, this, sizeof this);
		if (strcmp(this, section) != 0) {
			if (section[0])
				fputs(".El\n", out);
			fprintf(out, ".Ss [%s]\n", this);
			doc = section_doc(this);
			if (doc)
				roff_text(out, doc);
			fputs(".Bl -tag -width Ds\n", out);
			memcpy(section, this, sizeof section);
		}
		fprintf(out, ".It Cm %s\n", k.name);
		roff_text(out, k.doc);
		fputs(".Pp\n", out);
		if (k.required)
			fputs("Required.\n", out);
		value_sentence(value, sizeof value, &k);
		roff_text(out, value);
		if (k.def)
			fprintf(out, ".Ql %s .\n", k.def);
	}
	if (section[0])
		fputs(".El\n", out);
	lines(out, man_tail);
	return ferror(out) ? -1 : 0;
}

/* --- the example ------------------------------------------------------------ */

/* Text as "# " comment lines of at most WIDTH columns, words kept whole. */
static void comment(FILE *out, const char *text)
{
	size_t col = 0, n;

	while (*text) {
		while (*text == ' ' || *text == '\n')
			text++;
		if (!*text)
			break;
		/* `a command` stays on one line */
		n = strcspn(text, " \n");
		if (*text == '`' && strchr(text + 1, '`'))
			n = (size_t)(strchr(text + 1, '`') - text) + 1;
		n += strcspn(text + n, " \n");
		if (col && col + 1 + n > WIDTH) {
			fputc('\n', out);
			col = 0;
		}
		if (!col) {
			fputs("#", out);
			col = 1;
		}
		fputc(' ', out); /* a word: cut at ASCII blanks only, never inside a character */
		fwrite(text, 1, n, out);
		col += 1 + n;
		text += n;
	}
	if (col)
		fputc('\n', out);
}

static const char *const example_head =
	"vigil.conf.example: every key of vigil.conf(5), with its description, "
	"set to its default; the keys without one are given an example, commented "
	"out unless the key is required.\n"
	"One `key = value` a line; `[section]` lines let the following keys drop "
	"`section.`; `#` starts a comment at the start of a line or after a blank. "
	"Check a file with `vigil --check-config -c FILE`.";

int config_docs_example(FILE *out)
{
	char section[MAX_SECTION] = "", this[MAX_SECTION], value[CONFIG_VALUE_TEXT + 64];
	struct config_key_doc k;
	const char *name, *doc;
	size_t i, n;

	fputs("# SPDX-License-Identifier: MIT\n", out);
	fputs("# Written by config/gen_config_docs from the table in config/config.c:\n"
	      "# edit that table, then run `make config-docs`.\n#\n", out);
	comment(out, example_head);
	for (i = 0; config_key_doc(i, &k) == 0; i++) {
		name = split_key(k.name, this, sizeof this);
		if (strcmp(this, section) != 0) {
			fprintf(out, "\n[%s]\n", this);
			doc = section_doc(this);
			if (doc)
				comment(out, doc);
			memcpy(section, this, sizeof section);
		}
		fputc('\n', out);
		comment(out, k.doc);
		n = (size_t)snprintf(value, sizeof value, "%s", k.required ? "Required. " : "");
		value_sentence(value + n, sizeof value - n, &k);
		if (k.def) {
			n = strlen(value);
			snprintf(value + n, sizeof value - n, " %s.", k.def);
		}
		comment(out, value);
		if (k.def)
			fprintf(out, "%s = %s\n", name, k.def);
		else if (k.example)
			fprintf(out, "%s%s = %s\n", k.required ? "" : "#", name, k.example);
	}
	return ferror(out) ? -1 : 0;
}
