/* SPDX-License-Identifier: MIT */
/* The register's interchange (commands/interchange/): JSON written and read
 * back byte for byte (1-, 2-, 3- and 4-byte characters, every revision, an
 * empty field, a note of null and one of "", each threat's assessments and
 * comments with a deleted one and a stanza-id), the import's events and its
 * digest, all or nothing on every kind of bad file (nothing imported, every
 * problem reported with its path, bad assessments and comments too),
 * --replace (the discussion replaced), and CSV as RFC 4180 has it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/interchange/interchange.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "storage/discussion.h"
#include "storage/events.h"
#include "storage/store.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/vigil-test-interchange-XXXXXX";

/* 1-byte, 2-byte (é), 3-byte (€, 脆) and 4-byte (𝄞, 🔓) characters */
static const char utf8_name[] = "Spoofed \"é\" €, 脆弱 𝄞🔓, a, b";

static struct store *open_db(const char *name)
{
	char path[256], err[512];
	struct store *st = NULL;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err) < 0) {
		diag("%s", err);
		return NULL;
	}
	return st;
}

static void set_priority(struct threat *t)
{
	int rank = priority_rank(threat_get(t, THREAT_LIKELIHOOD), threat_get(t, THREAT_DAMAGE));

	free(t->priority);
	t->priority = strdup(priority_name(rank));
	t->priority_rank = rank;
}

/* 1-, 2-, 3- and 4-byte characters in a rationale */
static const char utf8_rationale[] = "Seen: é € 脆 𝄞 🔓 in the wild";

/* Three threats: one with a history of three revisions and a discussion
 * (two assessments, one with a rationale, and three comments: a plain one,
 * one with its room message's stanza-id, one deleted), one retired, one
 * with little in it and one assessment. */
static void fill(struct store *st)
{
	struct threat t;

	threat_init(&t);
	threat_set(&t, THREAT_NAME, utf8_name);
	threat_set(&t, THREAT_ABSTRACT, "Line one, with \"quotes\".\nLine two\ttabbed: ü ∑ 😀.");
	threat_set(&t, THREAT_ATTACK_TREE, "Read messages\n  OR Sniff [cost=0]\n    Strip STARTTLS [cost=1000]\n");
	threat_set(&t, THREAT_STATUS, "identified");
	t.author = strdup("alice@localhost");
	set_priority(&t);
	store_threat_insert(st, &t, "alice@localhost", NULL);
	threat_set(&t, THREAT_LIKELIHOOD, "high");
	threat_set(&t, THREAT_DAMAGE, "high");
	threat_set(&t, THREAT_STATUS, "analyzed");
	set_priority(&t);
	store_threat_update(st, &t, 1, "bob@localhost", "because ✓", NULL);
	threat_set(&t, THREAT_GAP, "Nothing for 𝄞.");
	store_threat_update(st, &t, 2, "bob@localhost", "", NULL);
	threat_clear(&t);
	store_assessment_put(st, 1, "bob@localhost", "high", "high", utf8_rationale);
	store_assessment_put(st, 1, "carol@localhost", "medium", "", NULL);
	store_comment_add(st, 1, 3, "alice@localhost", "First: ü ∑ 😀", NULL, NULL);
	store_comment_add(st, 1, 3, "bob@localhost", "Said in the room", "2026-11-30-abc-ℵ", NULL);
	store_comment_add(st, 1, 3, "carol@localhost", "Oops, wrong threat", NULL, NULL);
	store_comment_delete(st, 3, "carol@localhost");

	threat_init(&t);
	threat_set(&t, THREAT_NAME, "Retired one, with a comma");
	threat_set(&t, THREAT_ABSTRACT, "Gone.");
	threat_set(&t, THREAT_STATUS, "identified");
	t.author = strdup("carol@localhost");
	set_priority(&t);
	store_threat_insert(st, &t, "carol@localhost", NULL);
	threat_set(&t, THREAT_STATUS, "retired");
	store_threat_update(st, &t, 1, "admin@localhost", "a duplicate", NULL);
	threat_clear(&t);

	threat_init(&t);
	threat_set(&t, THREAT_NAME, "x");
	threat_set(&t, THREAT_ABSTRACT, "y");
	threat_set(&t, THREAT_LIKELIHOOD, "low");
	threat_set(&t, THREAT_DAMAGE, "medium");
	threat_set(&t, THREAT_STATUS, "identified");
	t.author = strdup("dave@localhost");
	set_priority(&t);
	store_threat_insert(st, &t, "dave@localhost", NULL);
	threat_clear(&t);
	store_assessment_put(st, 3, "dave@localhost", "low", "medium", "");
}

/* The export as a string (caller frees). */
static char *export_text(struct store *st, enum interchange_format f)
{
	char *buf = NULL, err[512] = "";
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int rc = interchange_export(st, f, out, err, sizeof err);

	fclose(out);
	if (rc < 0) {
		diag("export: %s", err);
		free(buf);
		return NULL;
	}
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* Imports text (as a file) into st; the report goes to *report. */
static int import_text(struct store *st, const char *text, int replace, char **report,
		       struct import_result *res, char *err, size_t errlen)
{
	char path[256], *buf = NULL;
	size_t len = 0;
	FILE *rep = open_memstream(&buf, &len);
	struct import_options o = { .by = "alice", .replace = replace, .report = rep };
	int rc;

	snprintf(path, sizeof path, "%s/in.json", dir);
	write_file(path, text);
	rc = interchange_import(st, path, &o, res, err, errlen);
	fclose(rep);
	*report = buf;
	return rc;
}

static void test_round_trip(void)
{
	struct store *a = open_db("a.db"), *b = open_db("b.db");
	struct import_result res;
	struct stored_event *events = NULL;
	size_t nevents = 0;
	char *first, *second, *report = NULL, err[1024] = "";
	int rc;

	fill(a);
	first = export_text(a, INTERCHANGE_JSON);
	ok(first && strstr(first, "é\\\" €, 脆弱 𝄞🔓, a, b") != NULL, "the export carries 2-, 3- and 4-byte characters as they are");
	ok(first && strstr(first, "\"note\": null") && strstr(first, "\"note\": \"\""),
	   "a note of null and an empty note are told apart");
	rc = import_text(b, first, 0, &report, &res, err, sizeof err);
	is_int(rc, 0, "the export imports into an empty register (%s)", err);
	is_str(report, "", "nothing was rejected");
	is_int(res.imported, 3, "three threats imported");
	second = export_text(b, INTERCHANGE_JSON);
	ok(first && second && strcmp(first, second) == 0,
	   "export, import into an empty register, export: the same document byte for byte");
	ok(first && strstr(first, "\"rationale\": \"Seen: é € 脆 𝄞 🔓 in the wild\"") &&
	   strstr(first, "\"who\": \"carol@localhost\",") && strstr(first, "\"rationale\": null"),
	   "the export holds each assessment, with and without a rationale");
	ok(first && strstr(first, "\"stanza-id\": \"2026-11-30-abc-ℵ\"") &&
	   strstr(first, "\"text\": null,") && strstr(first, "\"deleted-by\": \"carol@localhost\""),
	   "the export holds each comment, its stanza-id and a deletion's mark");
	{
		struct stored_assessment *as = NULL;
		struct stored_comment *cs = NULL;
		size_t na = 0, nc = 0;
		long long total = 0;
		store_assessment_list(b, 1, &as, &na);
		store_comment_list(b, 1, 0, &cs, &nc, &total);
		ok(na == 2 && strcmp(as[0].assessor, "bob@localhost") == 0 && as[0].rationale &&
		   strcmp(as[0].rationale, utf8_rationale) == 0 && !as[1].rationale,
		   "imported: both assessments, the rationale as it was");
		ok(nc == 3 && cs[2].id == 3 && !cs[2].body && cs[2].deleted_by && cs[2].deleted_at &&
		   cs[1].stanza_id && strcmp(cs[1].stanza_id, "2026-11-30-abc-ℵ") == 0,
		   "imported: the comments, their ids, the stanza-id and the deleted one's mark");
		store_assessments_free(as, na);
		store_comments_free(cs, nc);
		store_comment_add(b, 2, 1, "erin@localhost", "after the import", NULL, &total);
		is_int(total, 4, "a comment after the import is numbered after the file's");
	}
	is_str(res.digest, "T-1…T-3: 3 threats imported by alice — 1 critical, 1 low, 1 unassessed",
	       "the digest names the range, the count by priority and who");
	store_event_list(b, 0, 10, &events, &nevents);
	is_int(nevents, 4, "one event per threat and one for the digest");
	if (nevents == 4) {
		is_str(events[0].room_text, res.digest, "the digest's event comes first, worded");
		is_int(events[0].done, 4, "...with the external service done (PubSub: its feed entry)");
		is_int(events[1].done, 9, "a threat's event has its room line and feed entry done "
		       "(the digest says it)");
		is_str(events[1].who, "import:alice", "the events are by import:<user>");
	}
	store_events_free(events, nevents);
	free(report);
	free(first);
	free(second);
	store_close(a);
	store_close(b);
}

/* Each bad file: refused, the reason names what and where, nothing imported. */
static void refused(const char *what, const char *text, const char *in_err, const char *in_report)
{
	struct store *st = open_db("bad.db");
	struct import_result res;
	char *report = NULL, err[1024] = "";
	int rc = import_text(st, text, 0, &report, &res, err, sizeof err);

	is_int(rc, -1, "%s: refused", what);
	ok(strstr(err, in_err) != NULL, "%s: the error says so (%s)", what, err);
	if (in_report)
		ok(report && strstr(report, in_report) != NULL, "%s: the report names it (%s)", what,
		   report ? report : "");
	is_int(store_threat_count(st), 1, "%s: nothing imported", what);
	is_int(store_event_count(st), 0, "%s: nothing to announce", what);
	free(report);
	store_close(st);
}

#define HEAD "{\"format\": \"vigil-register\", \"version\": 1, \"threats\": ["
#define GOOD_BODY "\"fields\": {\"name\": \"ok\", \"abstract\": \"fine\"}}"
#define GOOD "{" GOOD_BODY

#define ASSESS(x) HEAD "{\"assessments\": [" x "]," GOOD_BODY "]}"
#define A_GOOD "{\"who\": \"a@b.example\", \"at\": \"2026-01-01T00:00:00Z\", " \
	"\"likelihood\": \"low\", \"damage\": \"high\", \"rationale\": null}"
#define COMMENT(x) HEAD "{\"id\": \"T-7\", \"comments\": [" x "]," GOOD_BODY "]}"
#define C_HEAD "{\"id\": 5, \"revision\": 1, \"who\": \"a@b.example\", " \
	"\"at\": \"2026-01-01T00:00:00Z\", "

/* Each bad assessment or comment: refused at its path, nothing imported. */
static void test_malformed_discussion(void)
{
	char *big = malloc(2001 * 4 + 200), *p;
	size_t i;

	refused("a level not among the options", ASSESS("{\"who\": \"a@b.example\", \"at\": "
		"\"2026-01-01T00:00:00Z\", \"likelihood\": \"huge\", \"damage\": \"low\"}"),
		"1 problem", "$.threats[0].assessments[0]: likelihood: \"huge\"");
	refused("an assessor that is no JID", ASSESS("{\"who\": \"not a jid\", \"at\": "
		"\"2026-01-01T00:00:00Z\", \"likelihood\": \"low\", \"damage\": \"low\"}"),
		"1 problem", "$.threats[0].assessments[0]: who: \"not a jid\" is not a bare JID");
	refused("an assessment's time not UTC", ASSESS("{\"who\": \"a@b.example\", \"at\": "
		"\"2026-01-01 00:00\", \"likelihood\": \"low\", \"damage\": \"low\"}"),
		"1 problem", "$.threats[0].assessments[0]: \"at\" is not a UTC time");
	refused("one assessor twice", ASSESS(A_GOOD ", " A_GOOD), "1 problem",
		"$.threats[0].assessments[1]: a@b.example assessed it already");
	refused("an assessment's unknown member", ASSESS("{\"who\": \"a@b.example\", \"at\": "
		"\"2026-01-01T00:00:00Z\", \"likelihood\": \"low\", \"damage\": \"low\", "
		"\"mood\": \"x\"}"), "1 problem", "$.threats[0].assessments[0]: unknown member \"mood\"");
	/* 2,001 characters of four bytes each: too long by characters */
	p = big + sprintf(big, C_HEAD "\"text\": \"");
	for (i = 0; i < 2001; i++)
		p += sprintf(p, "🔓");
	strcpy(p, "\"}");
	{
		size_t len = strlen(COMMENT("")) + strlen(big) + 1;
		char *doc = malloc(len);
		snprintf(doc, len, HEAD "{\"id\": \"T-7\", \"comments\": [%s]," GOOD_BODY "]}", big);
		refused("a comment of 2,001 characters", doc, "1 problem",
			"$.threats[0].comments[0]: text: 2,001 characters, the limit is 2,000");
		free(doc);
	}
	free(big);
	refused("a comment with a control character", COMMENT(C_HEAD "\"text\": \"bell\\u0007\"}"),
		"1 problem", "$.threats[0].comments[0]: text:");
	refused("a comment whose text is blank", COMMENT(C_HEAD "\"text\": \" \\n\"}"), "1 problem",
		"$.threats[0].comments[0]: \"text\" is blank");
	refused("a deleted comment that keeps its text", COMMENT(C_HEAD "\"text\": \"still here\", "
		"\"deleted-by\": \"a@b.example\", \"deleted-at\": \"2026-01-02T00:00:00Z\"}"),
		"1 problem", "$.threats[0].comments[0]: \"text\" must be null: the comment is deleted");
	refused("half a deletion mark", COMMENT(C_HEAD "\"text\": null, \"deleted-by\": "
		"\"a@b.example\"}"), "problem",
		"$.threats[0].comments[0]: a deleted comment has both \"deleted-by\" and \"deleted-at\"");
	refused("a comment without its text", COMMENT(C_HEAD "\"text\": null}"), "1 problem",
		"$.threats[0].comments[0]: \"text\" is missing");
	refused("a comment's id not a number", COMMENT("{\"id\": \"#5\", \"revision\": 1, \"who\": "
		"\"a@b.example\", \"at\": \"2026-01-01T00:00:00Z\", \"text\": \"x\"}"), "1 problem",
		"$.threats[0].comments[0]: \"id\" must be a whole number");
	refused("a comment's id and revision of 0", COMMENT("{\"id\": 0, \"revision\": 0, \"who\": "
		"\"a@b.example\", \"at\": \"2026-01-01T00:00:00Z\", \"text\": \"x\"}"), "2 problems",
		"$.threats[0].comments[0]: \"revision\" must be a whole number from 1 to 10000");
	refused("a comment's revision after the threat's", HEAD "{\"id\": \"T-5\", \"revision\": 1, "
		"\"created\": \"2026-01-01T00:00:00Z\", \"updated\": \"2026-01-01T00:00:00Z\", "
		"\"fields\": {\"name\": \"a\", \"abstract\": \"b\", \"status\": \"identified\"}, "
		"\"revisions\": [{\"revision\": 1, "
		"\"at\": \"2026-01-01T00:00:00Z\", \"who\": \"a@b\", \"changed\": \"name\", \"author\": "
		"\"a@b\", \"priority\": \"unassessed\", \"fields\": {\"name\": \"a\", \"status\": "
		"\"identified\", \"abstract\": \"b\"}}], \"comments\": [" C_HEAD "\"text\": \"x\"}, {\"id\": 6, \"revision\": 2, "
		"\"who\": \"a@b.example\", \"at\": \"2026-01-01T00:00:00Z\", \"text\": \"y\"}]}]}",
		"1 problem", "$.threats[0].comments[1]: \"revision\" must be a whole number from 1 to 1");
	refused("a commenter that is no JID", COMMENT("{\"id\": 5, \"revision\": 1, \"who\": "
		"\"a@b/c\", \"at\": \"2026-01-01T00:00:00Z\", \"text\": \"x\"}"), "1 problem",
		"$.threats[0].comments[0]: who: \"a@b/c\" is not a bare JID");
	refused("a comment's #n taken in the register", COMMENT("{\"id\": 1, \"revision\": 1, "
		"\"who\": \"a@b.example\", \"at\": \"2026-01-01T00:00:00Z\", \"text\": \"x\"}"),
		"1 problem", "$.threats[0].comments[0]: comment #1 is on T-1 in the register already");
	refused("one comment number on two threats", HEAD "{\"comments\": [" C_HEAD "\"text\": \"x\"}],"
		GOOD_BODY ", {\"comments\": [" C_HEAD "\"text\": \"y\"}]," GOOD_BODY "]}", "1 problem",
		"$.threats[1].comments[0]: comment #5 is also $.threats[0].comments[0]");
	refused("\"comments\" not an array", HEAD "{\"comments\": {}," GOOD_BODY "]}", "1 problem",
		"$.threats[0]: \"comments\" must be an array");
}

static void test_malformed(void)
{
	struct store *st = open_db("bad.db");
	struct threat t;
	char path[256], *deep;
	size_t i;
	int fd;

	/* one threat there already: T-1 */
	threat_init(&t);
	threat_set(&t, THREAT_NAME, "there");
	threat_set(&t, THREAT_ABSTRACT, "already");
	threat_set(&t, THREAT_STATUS, "identified");
	t.author = strdup("alice@localhost");
	set_priority(&t);
	store_threat_insert(st, &t, "alice@localhost", NULL);
	threat_clear(&t);
	store_comment_add(st, 1, 1, "alice@localhost", "comment #1", NULL, NULL);
	store_close(st);

	refused("not JSON", HEAD GOOD ",", "line 1", NULL);
	refused("invalid UTF-8", HEAD "{\"fields\": {\"name\": \"\xc3\x28\", \"abstract\": \"a\"}}]}",
		"unable to decode byte 0xc3", NULL);
	refused("not a vigil register", "{\"threats\": []}", "not a vigil register", NULL);
	refused("another version", "{\"format\": \"vigil-register\", \"version\": 2, \"threats\": []}",
		"\"version\" must be 1", NULL);
	refused("a duplicate key", HEAD "{\"fields\": {\"name\": \"a\", \"name\": \"b\"}}]}", "duplicate",
		NULL);
	deep = malloc(5000 * 2 + 1);
	for (i = 0; i < 5000; i++)
		deep[i] = '[', deep[5000 + i] = ']';
	deep[10000] = '\0';
	refused("nested too deep", deep, "nested deeper than 2048", NULL);
	free(deep);
	refused("a good record and a bad one", HEAD GOOD ", {\"fields\": {\"name\": \"b\", \"abstract\": "
		"\"c\", \"likelihood\": \"huge\"}}]}", "1 problem", "$.threats[1].fields.likelihood:");
	refused("two bad fields in one record", HEAD "{\"fields\": {\"name\": \"a\", \"abstract\": \"\", "
		"\"damage\": \"vast\"}}]}", "2 problems", "$.threats[0].fields.damage: \"vast\"");
	refused("a required field missing", HEAD "{\"fields\": {\"name\": \"no abstract\"}}]}",
		"1 problem", "$.threats[0].fields.abstract: required");
	refused("a field the template lacks", HEAD "{\"fields\": {\"name\": \"a\", \"abstract\": \"b\", "
		"\"colour\": \"red\"}}]}", "problem", "$.threats[0].fields: \"colour\" is not a field");
	refused("a bad attack tree", HEAD "{\"fields\": {\"name\": \"a\", \"abstract\": \"b\", "
		"\"attack-tree\": \"Goal\\nAnother goal\\n\"}}]}", "problem", "$.threats[0].fields.attack-tree");
	refused("a priority that disagrees", HEAD "{\"priority\": \"critical\", \"fields\": {\"name\": "
		"\"a\", \"abstract\": \"b\", \"likelihood\": \"low\", \"damage\": \"low\"}}]}", "problem",
		"$.threats[0]: priority: \"critical\" is not what likelihood and damage give (note)");
	refused("an id there already, without --replace", HEAD "{\"id\": \"T-1\", \"fields\": {\"name\": "
		"\"a\", \"abstract\": \"b\"}}]}", "problem", "T-1 is in the register already");
	refused("an id twice", HEAD "{\"id\": \"T-9\"," GOOD_BODY ", {\"id\": \"T-9\"," GOOD_BODY "]}",
		"problem", "$.threats[1]: T-9 is also $.threats[0]");
	refused("revisions out of order", HEAD "{\"id\": \"T-5\", \"revision\": 1, \"created\": "
		"\"2026-01-01T00:00:00Z\", \"updated\": \"2026-01-01T00:00:00Z\", \"fields\": {\"name\": "
		"\"a\", \"abstract\": \"b\"}, \"revisions\": [{\"revision\": 2, \"at\": \"yesterday\", "
		"\"who\": \"a@b\", \"changed\": \"name\", \"author\": \"a@b\", \"priority\": \"unassessed\", "
		"\"fields\": {\"name\": \"a\", \"abstract\": \"b\"}}]}]}", "problem",
		"$.threats[0].revisions[0]: \"revision\" must be 1");
	test_malformed_discussion();
	refused("an empty file", "", "line 1", NULL);

	/* larger than the limit: refused before it is read (a sparse file) */
	snprintf(path, sizeof path, "%s/in.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && ftruncate(fd, IMPORT_MAX_BYTES + 1) == 0, "a file over the size limit");
	if (fd >= 0)
		close(fd);
	{
		struct store *s = open_db("bad.db");
		struct import_options o = { .by = "alice", .report = NULL };
		struct import_result res;
		char err[1024] = "";
		is_int(interchange_import(s, path, &o, &res, err, sizeof err), -1, "too large: refused");
		ok(strstr(err, "at most 64 MiB") != NULL, "too large: the limit is named (%s)", err);
		is_int(store_threat_count(s), 1, "too large: nothing imported");
		store_close(s);
	}
}

/* --replace with a discussion: T-1's comment #1 and assessments give way
 * to the file's; a comment of 2,000 four-byte characters is taken; the
 * threat's levels are the file's even where its assessments' median is not. */
static void test_replace_discussion(struct store *st)
{
	struct stored_assessment *as = NULL;
	struct stored_comment *cs = NULL;
	struct import_result res;
	struct threat t;
	size_t na = 0, nc = 0, i, len = 4 * 2000 + 1024;
	char *doc = malloc(len), *text = malloc(4 * 2000 + 1), *report = NULL, err[1024] = "";
	int rc;

	for (i = 0; i < 2000; i++)
		memcpy(text + 4 * i, "𝄞", 4);
	text[4 * 2000] = '\0';
	snprintf(doc, len, HEAD "{\"id\": \"T-1\", \"fields\": {\"name\": \"replaced\", "
		 "\"abstract\": \"again\", \"likelihood\": \"high\", \"damage\": \"high\"}, "
		 "\"assessments\": [" A_GOOD "], \"comments\": [{\"id\": 1, \"revision\": 2, "
		 "\"who\": \"a@b.example\", \"at\": \"2026-01-01T00:00:00Z\", \"text\": \"%s\", "
		 "\"stanza-id\": null, \"deleted-by\": null, \"deleted-at\": null}]}]}", text);
	rc = import_text(st, doc, 1, &report, &res, err, sizeof err);
	is_int(rc, 0, "--replace with a discussion: imported (%s%s)", err, report ? report : "");
	store_assessment_list(st, 1, &as, &na);
	store_comment_list(st, 1, 0, &cs, &nc, NULL);
	ok(na == 1 && strcmp(as[0].assessor, "a@b.example") == 0 && strcmp(as[0].likelihood, "low") == 0,
	   "--replace: the threat's assessments are the file's");
	ok(nc == 1 && cs[0].id == 1 && cs[0].body && strcmp(cs[0].body, text) == 0,
	   "--replace: its comments are the file's (2,000 four-byte characters taken)");
	threat_init(&t);
	store_threat_get(st, 1, &t);
	is_str(t.priority, "critical", "--replace: the levels are the file's, not its assessments' median");
	threat_clear(&t);
	store_assessments_free(as, na);
	store_comments_free(cs, nc);
	free(report);
	free(text);
	free(doc);
}

static void test_replace(void)
{
	struct store *st = open_db("bad.db");
	struct import_result res;
	struct threat t;
	char *report = NULL, err[1024] = "";
	int rc;

	rc = import_text(st, HEAD "{\"id\": \"T-1\", \"fields\": {\"name\": \"replaced\", \"abstract\": "
			 "\"new\", \"likelihood\": \"high\", \"damage\": \"medium\"}}, " GOOD "]}", 1,
			 &report, &res, err, sizeof err);
	is_int(rc, 0, "--replace: imported (%s)", err);
	is_int(res.replaced, 1, "--replace: one threat replaced");
	is_int(res.imported, 1, "--replace: one filed new");
	threat_init(&t);
	store_threat_get(st, 1, &t);
	is_str(threat_get(&t, THREAT_NAME), "replaced", "--replace: the file's state is the threat's");
	is_int(t.revision, 2, "--replace: as a new revision");
	is_str(t.priority, "high", "--replace: the priority computed");
	is_str(t.author, "alice@localhost", "--replace: the author stays");
	threat_clear(&t);
	{
		struct threat_revision *revs = NULL;
		size_t n = 0;
		store_threat_history(st, 1, &revs, &n);
		ok(n == 2 && strcmp(revs[1].who, "import:alice") == 0, "--replace: the revision is by import:alice");
		store_revisions_free(revs, n);
	}
	test_replace_discussion(st);
	threat_init(&t);
	store_threat_get(st, 2, &t);
	is_str(t.author, "import:alice", "a new threat without an author is the importer's");
	is_str(threat_get(&t, THREAT_STATUS), "identified", "...identified, as a filing is");
	threat_clear(&t);
	free(report);
	store_close(st);
}

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/data"
#endif

/* The sample model (tests/data/threat-dragon-xmpp.json): eight threats on
 * five elements, every severity and status. */
static void test_threat_dragon(void)
{
	static const struct {
		const char *name, *priority, *status, *recommended;
	} want[] = {
		{ "Credential phishing via a look-alike domain", "medium", "analyzed", "Show the" },
		{ "STARTTLS stripping", "high", "addressed", "Require TLS" },
		{ "SCRAM downgrade to PLAIN", "critical", "analyzed", "Channel binding" },
		{ "Stanza flood from one account", "unassessed", "identified", "Rate-limit" },
		{ "Dialback spoofing of a federated domain", "high", "analyzed", "Authenticate" },
		{ "Archive readable by the operator", "low", "analyzed", "End-to-end" },
		{ "Archive filled to exhaust the disk", "medium", "retired", "" },
		{ "Presence leaks to a third party", "medium", "analyzed", "XEP-0115" },
	};
	struct store *st = open_db("td.db");
	struct import_options o = { .from = IMPORT_FROM_THREAT_DRAGON, .by = "alice" };
	struct import_result res;
	struct threat t;
	char err[1024] = "";
	size_t i;
	int rc;

	rc = interchange_import(st, TEST_DATA_DIR "/threat-dragon-xmpp.json", &o, &res, err, sizeof err);
	is_int(rc, 0, "Threat Dragon: the sample model imports (%s)", err);
	is_int(res.imported, 8, "Threat Dragon: its eight threats, every element's");
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		threat_init(&t);
		store_threat_get(st, (long long)i + 1, &t);
		is_str(threat_get(&t, THREAT_NAME), want[i].name, "Threat Dragon: title -> name (T-%zu)", i + 1);
		is_str(t.priority, want[i].priority, "Threat Dragon: severity -> priority (%s)", want[i].name);
		is_str(threat_get(&t, THREAT_STATUS), want[i].status, "Threat Dragon: status (%s)", want[i].name);
		ok(strncmp(threat_get(&t, THREAT_RECOMMENDED), want[i].recommended,
			   strlen(want[i].recommended)) == 0, "Threat Dragon: mitigation -> recommended approach");
		threat_clear(&t);
	}
	threat_init(&t);
	store_threat_get(st, 3, &t);
	is_str(threat_get(&t, THREAT_ABSTRACT),
	       "A man in the middle offers only PLAIN so that the password is sent to it.",
	       "Threat Dragon: description -> abstract");
	ok(strstr(threat_get(&t, THREAT_DEFINITION), "the process \"c2s listener\"") &&
	   strstr(threat_get(&t, THREAT_DEFINITION), "STRIDE: Information disclosure.") &&
	   strstr(threat_get(&t, THREAT_DEFINITION), "Threat Dragon threat 0a6e6a8e-2b9c-4f0d-8a3e-51c2a1d1e003"),
	   "Threat Dragon: the element, its STRIDE type and the threat's id in the definition");
	threat_clear(&t);
	threat_init(&t);
	store_threat_get(st, 4, &t);
	is_str(threat_get(&t, THREAT_ABSTRACT), "Stanza flood from one account",
	       "Threat Dragon: no description: the title is the abstract");
	threat_clear(&t);
	threat_init(&t);
	store_threat_get(st, 6, &t);
	ok(strstr(threat_get(&t, THREAT_ABSTRACT), "📜 ✉") != NULL, "Threat Dragon: 4- and 3-byte characters kept");
	threat_clear(&t);
	store_close(st);

	o.report = NULL;
	st = open_db("td-bad.db");
	{
		char *report = NULL;
		size_t len = 0;
		FILE *rep = open_memstream(&report, &len);
		char path[256];
		o.report = rep;
		snprintf(path, sizeof path, "%s/in.json", dir);
		write_file(path, "{\"summary\": {\"title\": \"m\"}, \"detail\": {\"diagrams\": []}}");
		rc = interchange_import(st, path, &o, &res, err, sizeof err);
		ok(rc < 0 && strstr(err, "not a Threat Dragon v2 model"), "Threat Dragon: a v1 model is refused (%s)", err);
		write_file(path, "{\"format\": \"vigil-register\", \"version\": 1, \"threats\": []}");
		rc = interchange_import(st, path, &o, &res, err, sizeof err);
		ok(rc < 0 && strstr(err, "not a Threat Dragon model"), "Threat Dragon: a vigil document is not a model (%s)", err);
		write_file(path, "{\"version\": \"2.2.0\", \"summary\": {\"title\": \"m\"}, \"detail\": "
			   "{\"diagrams\": [{\"title\": \"d\", \"cells\": [{\"id\": \"c\", \"data\": "
			   "{\"name\": \"n\", \"type\": \"tm.Process\", \"threats\": [{\"title\": \"ok\", "
			   "\"severity\": \"High\", \"status\": \"Open\"}, {\"severity\": \"Low\"}]}}]}]}}");
		rc = interchange_import(st, path, &o, &res, err, sizeof err);
		fclose(rep);
		ok(rc < 0 && report && strstr(report, "$.detail.diagrams[0].cells[0].data.threats[1]: \"title\" is missing"),
		   "Threat Dragon: a threat without a title is reported at its path (%s)", report ? report : "");
		is_int(store_threat_count(st), 0, "Threat Dragon: ...and nothing is imported");
		free(report);
	}
	store_close(st);
}

static void test_csv(void)
{
	struct store *st = open_db("a.db");
	char *csv = export_text(st, INTERCHANGE_CSV);

	ok(csv && strncmp(csv, "id,name,priority,likelihood,damage,status,updated,author\r\n", 58) == 0,
	   "CSV: a header, CRLF");
	ok(csv && strstr(csv, "\r\nT-1,\"Spoofed \"\"é\"\" €, 脆弱 𝄞🔓, a, b\",critical,high,high,analyzed,") != NULL,
	   "CSV: a field with quotes and commas quoted, its quotes doubled, UTF-8 as it is");
	ok(csv && !strstr(csv, "Retired one"), "CSV: a retired threat is left out");
	ok(csv && strstr(csv, "\r\nT-3,x,low,low,medium,identified,") != NULL, "CSV: a plain row unquoted");
	free(csv);
	store_close(st);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir))
		return 1;
	test_round_trip();
	test_malformed();
	test_replace();
	test_threat_dragon();
	test_csv();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
