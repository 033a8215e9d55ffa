/* SPDX-License-Identifier: MIT */
/* The template table, its validation rules, and the XEP catalogue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>
#include <unistd.h>

#include "commands/export/export.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "commands/register/xep_catalogue.h"
#include "component/xmpp/payload.h"
#include "storage/store.h"
#include "tests/unit/tap.h"

static void test_table(void)
{
	int seen[THREAT_FIELD_COUNT] = { 0 };
	size_t i, j, dup = 0, stored = 0;

	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		if (f->slot != TEMPLATE_NOT_STORED) {
			seen[f->slot]++;
			stored++;
		}
		for (j = i + 1; j < template_field_count; j++)
			dup += strcmp(f->var, template_fields[j].var) == 0;
	}
	is_int(stored, THREAT_FIELD_COUNT, "every stored field appears in the table");
	for (i = 0; i < THREAT_FIELD_COUNT; i++)
		if (seen[i] != 1)
			break;
	is_int(i, THREAT_FIELD_COUNT, "each slot exactly once");
	is_int(dup, 0, "vars are unique");
	ok(template_find("attack-tree") && template_find("attack-tree")->slot == THREAT_ATTACK_TREE,
	   "lookup by var");
	ok(template_by_slot(THREAT_GAP) && strcmp(template_by_slot(THREAT_GAP)->var, "gap") == 0,
	   "lookup by slot");
	is_int(template_find("name")->max_chars, 200, "name: 200 characters");
	is_int(template_find("abstract")->max_chars, 2000, "abstract: 2,000");
	is_int(template_find("definition")->max_chars, 16000, "definition: 16,000");
	is_int(template_find("recommended-approach")->max_chars, 8000, "approaches: 8,000");
	ok(template_find("name")->required && template_find("abstract")->required &&
	   !template_find("definition")->required, "name and abstract are required, the rest not");
	ok(!(template_find("status")->forms & TEMPLATE_IN_FILE) &&
	   !(template_find("priority")->forms & (TEMPLATE_IN_FILE | TEMPLATE_IN_EDIT)),
	   "status and priority are never on the file form; priority never submitted");
	for (i = 0, j = 0; i < template_field_count; i++)
		j += template_fields[i].item != 0;
	is_int(j, 11, "items a) to j) of XEP-0139 are all there (c twice: definition and tree)");
}

static void expect_field(const char *var, const char *value, const char *want, const char *what)
{
	char msg[512] = "";
	int rc = validate_field(template_find(var), value, msg, sizeof msg);

	if (!want) {
		ok(rc == 0, "%s", what);
		if (rc)
			diag("refused: %s", msg);
		return;
	}
	ok(rc < 0 && strstr(msg, want) != NULL, "%s", what);
	if (rc == 0 || !strstr(msg, want))
		diag("got \"%s\", want \"%s\"", msg, want);
}

static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static void test_validation(void)
{
	char *s;

	expect_field("name", "", "name: required", "an empty name is refused");
	expect_field("name", "  \n\t", "name: required", "a blank name counts as empty");
	expect_field("definition", "", NULL, "an empty definition is fine");
	s = repeat("a", 200);
	expect_field("name", s, NULL, "200 characters are accepted");
	free(s);
	s = repeat("a", 201);
	expect_field("name", s, "name: 201 characters, the limit is 200", "201 are refused");
	free(s);
	s = repeat("\xf0\x9f\x94\x92", 200);
	expect_field("name", s, NULL, "200 emoji are 200 characters, not 800 bytes");
	free(s);
	s = repeat("b", 2104);
	expect_field("abstract", s, "abstract: 2,104 characters, the limit is 2,000", "thousands are grouped");
	free(s);
	expect_field("name", "two\nlines", "single line", "a text-single field has one line");
	s = repeat("\xe2\x82\xac\n", 999);
	expect_field("definition", s, NULL, "1,000 lines are accepted (the last one empty)");
	free(s);
	s = repeat("-\n", 1000);
	expect_field("definition", s, "definition: 1,001 lines, the limit is 1,000",
		     "1,001 lines are refused, however few characters they hold");
	free(s);
	expect_field("likelihood", "severe", "\"severe\" is not one of unassessed, high, medium, low", "options are listed");
	expect_field("likelihood", "", NULL, "likelihood may stay empty");
	expect_field("status", "retired", NULL, "a known status");
	expect_field("gap", "bell \a here", "gap: control character U+0007 at character 6", "control characters");
	expect_field("gap", "tab\there\nand newline", NULL, "tabs and newlines are allowed");
	expect_field("gap", "carriage\rreturn", "U+000D", "a lone carriage return is refused");
	expect_field("definition", "bad \xc3\x28 byte", "invalid UTF-8 at byte 5", "invalid UTF-8 names its byte");
	expect_field("definition", "\xc0\xaf", "invalid UTF-8", "overlong encodings are invalid");
	expect_field("definition", "\xed\xa0\x80", "invalid UTF-8", "surrogates are invalid");
	expect_field("definition", "\xf4\x90\x80\x80", "invalid UTF-8", "beyond U+10FFFF is invalid");
	expect_field("definition", "<&]]>'\"; DROP TABLE threats; --", NULL, "markup and SQL are just text");
	expect_field("attack-tree", "Goal\n\tx\n", "attack-tree: line 2: indent with spaces",
		     "a malformed attack tree names its line");
	is_int(utf8_length("a\xc3\xa9\xf0\x9f\x94\x92"), 3, "utf8_length counts code points");
}

/* Fills field f with n copies of unit. */
static void fill(struct threat *t, enum threat_field f, const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *s = malloc(n * len + 1);

	for (i = 0; s && i < n; i++)
		memcpy(s + i * len, unit, len);
	if (s) {
		s[n * len] = '\0';
		threat_set(t, f, s);
	}
	free(s);
}

/* Each field within its limit, yet the whole too large for a stanza. */
static void test_threat_size(struct threat *t)
{
	const struct template_field *bad;
	char msg[256];

	fill(t, THREAT_DEFINITION, "\xf0\x9f\x94\x92", 16000);  /* 64,000 bytes */
	is_int(validate_threat(t, &bad, msg, sizeof msg), 0, "16,000 emoji in the definition fit");
	fill(t, THREAT_GAP, "&", 8000);                          /* 40,000 bytes escaped */
	ok(validate_threat(t, &bad, msg, sizeof msg) < 0 && bad && strcmp(bad->var, "definition") == 0 &&
	   strstr(msg, "too large"), "the whole threat is held below a stanza's size: %s", msg);
	fill(t, THREAT_GAP, "&", 6000);                          /* 94,000 in all */
	is_int(validate_threat(t, &bad, msg, sizeof msg), 0, "just under the limit is fine");
	{
		/* too large to show again: the definition stays whole, the gap is cut
		 * between characters to what fits, what follows it is emptied */
		char changed[256];
		const char *gap;
		fill(t, THREAT_GAP, "&", 8000);
		fill(t, THREAT_RECOMMENDED, "\xc3\xa9", 100);
		is_int(validate_fit_threat(t, changed, sizeof changed), 2, "two fields are shortened");
		is_str(changed, "gap, recommended-approach", "and named");
		gap = threat_get(t, THREAT_GAP);
		ok(utf8_length(threat_get(t, THREAT_DEFINITION)) == 16000, "the definition is whole");
		ok(strlen(gap) > 3 && strcmp(gap + strlen(gap) - 3, "\xe2\x80\xa6") == 0 &&
		   strspn(gap, "&") == strlen(gap) - 3, "the gap ends with an ellipsis");
		is_str(threat_get(t, THREAT_RECOMMENDED), "", "what follows is emptied");
		is_int(validate_threat(t, &bad, msg, sizeof msg), 0, "and the whole now fits: %s", msg);
		is_int(validate_fit_threat(t, changed, sizeof changed), 0, "a threat that fits is unchanged");
		threat_set(t, THREAT_RECOMMENDED, NULL);
	}
	{
		/* validation measures each text in the pass that checks it: the
		 * same bytes as xml_size(), to the byte, escapes and line breaks too */
		size_t i, total = 0;
		/* 71 bytes each escaped, 940 lines (TEMPLATE_MAX_LINES) */
		fill(t, THREAT_DEFINITION, "<\n&\"'>\xc3\xa9x<&\"'>\xc3\xa9x", 940);
		threat_set(t, THREAT_GAP, NULL);
		threat_set(t, THREAT_RECOMMENDED, NULL);
		for (i = 0; i < template_field_count; i++)
			if (template_fields[i].slot != TEMPLATE_NOT_STORED)
				total += xml_size(t->field[template_fields[i].slot],
						  template_fields[i].kind == TEMPLATE_TEXT_MULTI);
		for (i = 0; i < 2; i++) {
			/* the rest in the gap: ampersands (5 bytes each), then letters */
			size_t need = THREAT_MAX_BYTES - total + i, k = need / 5, m = need % 5;
			char *gap = malloc(k + m + 1);
			if (!gap)
				break;
			memset(gap, '&', k);
			memset(gap + k, 'a', m);
			gap[k + m] = '\0';
			threat_set(t, THREAT_GAP, gap);
			free(gap);
			if (i == 0)
				is_int(validate_threat(t, &bad, msg, sizeof msg), 0,
				       "exactly at the limit");
			else
				ok(validate_threat(t, &bad, msg, sizeof msg) < 0 && strstr(msg, "too large"),
				   "one byte over: refused");
		}
		threat_set(t, THREAT_GAP, NULL);
	}
	threat_set(t, THREAT_DEFINITION, NULL);
	threat_set(t, THREAT_GAP, NULL);
}

static void test_threat(void)
{
	struct threat t;
	const struct template_field *bad;
	char msg[256];

	threat_init(&t);
	threat_set(&t, THREAT_NAME, "N");
	threat_set(&t, THREAT_ABSTRACT, "A");
	threat_set(&t, THREAT_STATUS, "identified");
	is_int(validate_threat(&t, &bad, msg, sizeof msg), 0, "a minimal threat is valid");
	threat_set(&t, THREAT_DAMAGE, "huge");
	ok(validate_threat(&t, &bad, msg, sizeof msg) < 0 && bad && strcmp(bad->var, "damage") == 0,
	   "the bad field is named: %s", msg);
	threat_set(&t, THREAT_DAMAGE, "");
	test_threat_size(&t);
	threat_clear(&t);
}

struct refs {
	int numbers[8];
	int count;
};

static void collect(int number, void *userdata)
{
	struct refs *r = userdata;
	if (r->count < 8)
		r->numbers[r->count++] = number;
}

static void test_xeps(void)
{
	struct refs r = { { 0 }, 0 };
	char buf[512] = "";

	ok(xep_lookup(45) && strcmp(xep_lookup(45)->title, "Multi-User Chat") == 0, "XEP-0045 is Multi-User Chat");
	ok(xep_lookup(139) && strstr(xep_lookup(139)->title, "Security") != NULL, "XEP-0139 is the Security SIG");
	ok(xep_lookup(9999) == NULL, "XEP-9999 is unknown");
	is_int(xep_refs_scan("see XEP-0045, xep-0220 and XEP-45 again; NOTXEP-0001 XEP-00451 XEP-", collect, &r),
	       2, "references: any case, deduplicated, not inside words or longer numbers");
	ok(r.numbers[0] == 45 && r.numbers[1] == 220, "in order of appearance");
	xep_refs_describe("XEP-0045 and XEP-9999", buf, sizeof buf);
	is_str(buf, "XEP-0045 (Multi-User Chat, Draft); XEP-9999 (unknown XEP)",
	       "described with titles and non-final status, unknown flagged");
	buf[0] = '\0';
	is_int(xep_refs_describe("XEP-12345, XEP-0045, xep-12345 again, XEP-1234567890123 and XEP-12345x",
				 buf, sizeof buf), 3, "over-long numbers are counted as references to flag");
	is_str(buf, "XEP-12345 (not a XEP number: more than 4 digits); XEP-0045 (Multi-User Chat, Draft); "
	       "XEP-12345678\xe2\x80\xa6 (not a XEP number: more than 4 digits)",
	       "XEP-12345 is flagged once, not ignored; a long one is shortened");
	r.count = 0;
	is_int(xep_refs_scan("XEP-12345", collect, &r), 0, "but it is no reference to look up");
}

/* --- the table drives storage, payload and export --------------------------- */

/* A threat with every stored field set: a text field to "<var> text", a
 * choice to its last option. */
static void fill_every_field(struct threat *t)
{
	size_t i;

	threat_init(t);
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		char value[128];
		const struct template_option *o;
		if (f->slot == TEMPLATE_NOT_STORED)
			continue;
		snprintf(value, sizeof value, "%s text", f->var);
		for (o = f->options; o && o->value; o++)
			snprintf(value, sizeof value, "%s", o->value);
		threat_set(t, f->slot, value);
	}
	t->priority = strdup("high");
	t->priority_rank = 4;
	t->author = strdup("alice@localhost");
}

static void test_schema(void)
{
	const struct threat_schema *schema = template_schema();
	size_t i, right = 0;

	is_int(schema->count, THREAT_FIELD_COUNT, "the schema has a column per slot");
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		if (f->slot == TEMPLATE_NOT_STORED) {
			right += f->column == NULL;
			continue;
		}
		right += f->column && strcmp(schema->columns[f->slot].column, f->column) == 0 &&
			 strcmp(schema->columns[f->slot].var, f->var) == 0 &&
			 schema->columns[f->slot].not_null == f->required;
	}
	is_int(right, template_field_count, "every stored field has its column, var and NOT NULL there");
}

/* Every stored field goes into the database and comes back, and a field
 * without its column (no migration) is refused when the store opens. */
static void test_storage(void)
{
	char path[] = "/tmp/vigil-test-template-XXXXXX", err[512] = "";
	struct threat t, back;
	struct threat_revision *revs = NULL;
	struct threat_schema extra = *template_schema();
	struct store *st = NULL;
	size_t i, same = 0, nrevs = 0;
	int fd = mkstemp(path);

	close(fd);
	unlink(path);
	fill_every_field(&t);
	threat_init(&back);
	is_int(store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err), 0,
	       "a register opens with the template's columns");
	is_int(st ? store_threat_insert(st, &t, "alice@localhost", NULL) : -1, 0, "a full threat is filed");
	is_int(st ? store_threat_get(st, t.id, &back) : -1, 0, "and read back");
	for (i = 0; i < THREAT_FIELD_COUNT; i++)
		same += strcmp(threat_get(&t, (int)i), threat_get(&back, (int)i)) == 0;
	is_int(same, THREAT_FIELD_COUNT, "every stored field comes back as filed");
	is_int(st ? store_threat_history(st, t.id, &revs, &nrevs) : -1, 0, "its history");
	for (i = same = 0; nrevs && i < template_field_count; i++)
		same += template_fields[i].slot == TEMPLATE_NOT_STORED ||
			strstr(revs[0].changed, template_fields[i].var) != NULL;
	is_int(same, template_field_count, "revision 1 names every stored field as changed");
	store_revisions_free(revs, nrevs);
	store_close(st);
	st = NULL;

	extra.columns[extra.count].column = "no_such_field";
	extra.columns[extra.count].var = "no-such-field";
	extra.count++;
	ok(store_open(&st, path, STORE_OPEN_WRITE, &extra, err, sizeof err) < 0 &&
	   strstr(err, "no_such_field"), "a field without its migration is refused: %s", err);
	store_close(st);
	extra = *template_schema();
	extra.columns[0].column = "name; DROP TABLE threats";
	ok(store_open(&st, path, STORE_OPEN_WRITE, &extra, err, sizeof err) < 0,
	   "a column name that is not an identifier is refused: %s", err);
	store_close(st);
	threat_clear(&t);
	threat_clear(&back);
	unlink(path);
}

/* In the payload, a choice is an attribute and a text an element, each
 * named by its var (PROTOCOL.md §6). */
static void test_payload(void)
{
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
	xmpp_stanza_t *el;
	struct threat t;
	size_t i, right = 0;

	fill_every_field(&t);
	t.id = 7;
	t.revision = 1;
	el = payload_threat(ctx, &t);
	ok(el && strcmp(xmpp_stanza_get_ns(el), VIGIL_NS) == 0, "a payload in vigil's namespace");
	for (i = 0; el && i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		xmpp_stanza_t *child;
		char *text;
		if (f->slot == TEMPLATE_NOT_STORED)
			continue;
		if (f->kind == TEMPLATE_LIST_SINGLE) {
			const char *v = xmpp_stanza_get_attribute(el, f->var);
			right += v && strcmp(v, threat_get(&t, f->slot)) == 0;
			continue;
		}
		child = xmpp_stanza_get_child_by_name(el, f->var);
		text = child ? xmpp_stanza_get_text(child) : NULL;
		right += text && strcmp(text, threat_get(&t, f->slot)) == 0;
		if (text)
			xmpp_free(ctx, text);
	}
	is_int(right, THREAT_FIELD_COUNT, "every stored field is in the payload under its var");
	if (el)
		xmpp_stanza_release(el);
	threat_clear(&t);
	xmpp_ctx_free(ctx);
}

/* Every text field of the template is in each export format. */
static void test_exports(void)
{
	static const char *const names[] = { "xep", "html", "markdown" };
	char *(*const writers[])(const struct export_doc *) = { export_xep, export_html, export_markdown };
	struct export_doc doc = { 0 };
	struct threat t;
	size_t w, i;

	fill_every_field(&t);
	t.id = 7;
	t.revision = 1;
	t.created = strdup("2026-11-24T09:00:00Z");
	t.updated = strdup("2026-11-24T10:00:00Z");
	doc.open = &t;
	doc.nopen = 1;
	snprintf(doc.generated, sizeof doc.generated, "2026-11-25T00:00:00Z");
	doc.room = "sig@conference.localhost";
	doc.service = "vigil.localhost";
	for (w = 0; w < sizeof writers / sizeof writers[0]; w++) {
		char *out = writers[w](&doc);
		size_t missing = 0;
		for (i = 0; out && i < template_field_count; i++) {
			const struct template_field *f = &template_fields[i];
			/* the definition gives way to the attack tree in the documents */
			if (f->slot == TEMPLATE_NOT_STORED || f->kind == TEMPLATE_LIST_SINGLE ||
			    f->slot == THREAT_DEFINITION)
				continue;
			if (!strstr(out, threat_get(&t, f->slot))) {
				diag("%s lacks %s", names[w], f->var);
				missing++;
			}
		}
		ok(out && !missing, "the %s export shows every text field of the template", names[w]);
		free(out);
	}
	threat_clear(&t);
}

int main(void)
{
	test_table();
	test_schema();
	test_storage();
	test_payload();
	test_exports();
	test_validation();
	test_threat();
	test_xeps();
	return done_testing();
}
