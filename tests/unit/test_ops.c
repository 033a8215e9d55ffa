/* SPDX-License-Identifier: MIT */
/* The register's operations against a temporary register: roles, errors with
 * codes of their own, and the change handed to the listener after the
 * commit, with its kind and the priority before. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/register/context.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/announcement.h"
#include "config/config.h"
#include <stdio.h>
#include "storage/events.h"
#include "storage/store.h"
#include "tap.h"

struct heard {
	int calls;
	char room_text[1024];
	long long event_id, revision, threat_id;
	enum change_kind kind;
	char old_priority[32], priority[32], by[64];
	long long events_in_table; /* what the table held when told: the commit is done */
	struct store *st;
	char line[1024];
};

static void listen(void *ctx, const struct change *c)
{
	struct heard *h = ctx;

	h->calls++;
	h->event_id = c->event_id;
	h->kind = c->kind;
	h->threat_id = c->threat->id;
	h->revision = c->threat->revision;
	snprintf(h->old_priority, sizeof h->old_priority, "%s", c->old_priority ? c->old_priority : "(none)");
	snprintf(h->priority, sizeof h->priority, "%s", c->threat->priority ? c->threat->priority : "");
	snprintf(h->by, sizeof h->by, "%s", c->by);
	h->events_in_table = store_event_count(h->st);
	h->line[0] = '\0';
	snprintf(h->room_text, sizeof h->room_text, "%s", c->room_text ? c->room_text : "");
	if (announce_text_says(c->kind, c->threat, c->old_priority))
		announce_text_one(c->kind, c->threat, c->old_priority, c->by, h->line, sizeof h->line);
}

static const struct actor alice = { "alice@example.org", ROLE_MEMBER };
static const struct actor mallory = { "mallory@elsewhere.example", ROLE_NONE };
static const struct actor carol = { "carol@example.org", ROLE_MEMBER };
static const struct actor bob = { "bob@example.org", ROLE_ASSESSOR };
static const struct actor root = { "root@example.org", ROLE_ADMIN };

static void draft(struct threat *t, const char *name, const char *likelihood, const char *damage)
{
	threat_init(t);
	threat_set(t, THREAT_NAME, name);
	threat_set(t, THREAT_ABSTRACT, "an abstract");
	threat_set(t, THREAT_LIKELIHOOD, likelihood);
	threat_set(t, THREAT_DAMAGE, damage);
}

static const struct actor dave = { "dave@example.org", ROLE_ASSESSOR };
static const struct actor erin = { "erin@example.org", ROLE_ASSESSOR };

/* Assessments by a group (commands/register/assess.c): the median, the
 * quorum, the room line worded with the change. */
static void test_group(struct commands_ctx *cc, struct vigil_config *cfg, struct heard *heard)
{
	struct op_result r;
	struct threat t, out;
	long long id;

	cfg->assess_quorum = 2;
	draft(&t, "Group ✓ 𝄞", "", "");
	op_file(cc, &alice, &t, &r);
	id = t.id;
	threat_clear(&t);
	threat_init(&out);
	is_int(op_assess(cc, &bob, id, "high", "high", NULL, &out, &r), 0, "below the quorum: %s", r.message);
	ok(strstr(r.message, "1 of 2 assessments") && strstr(r.message, "priority stays unassessed"),
	   "the priority is held back, said so");
	is_str(out.priority, "unassessed", "and stored so");
	is_str(threat_get(&out, THREAT_STATUS), "identified", "still identified");
	is_str(heard->room_text, "", "nothing to say in the room");
	threat_clear(&out);
	threat_init(&out);
	is_int(op_assess(cc, &dave, id, "low", "medium", "needs DNS", &out, &r), 0, "quorum reached: %s",
	       r.message);
	/* likelihood low, high -> high (the tie to the higher); damage medium, high -> high */
	is_str(out.priority, "critical", "the median of two, ties to the higher: critical");
	ok(strstr(heard->room_text, "1 of 2 assessors: critical, assessors disagree (two levels apart); "
					  "priority unassessed → critical") != NULL,
	   "the room line says how the group stands: %s", heard->room_text);
	threat_clear(&out);
	threat_init(&out);
	is_int(op_assess(cc, &erin, id, "low", "low", NULL, &out, &r), 0, "a third assessor");
	is_str(out.priority, "low", "likelihood low, low, high; damage low, medium, high: low × medium = low");
	threat_clear(&out);
	threat_init(&out);
	is_int(op_assess(cc, &erin, id, "unassessed", "unassessed", NULL, &out, &r), 0,
	       "an assessment withdrawn");
	is_str(out.priority, "critical", "counts no more: back to the two others'");
	threat_clear(&out);
	cfg->assess_quorum = 1;
}

static void test_comments(struct commands_ctx *cc, struct heard *heard)
{
	struct op_result r;
	struct threat t, out;
	long long id, cid = 0, rev;
	char *long_text = malloc(2001 * 4 + 1);
	int i, calls;

	draft(&t, "Commented", "", "");
	op_file(cc, &alice, &t, &r);
	id = t.id;
	rev = t.revision;
	threat_clear(&t);
	threat_init(&out);
	is_int(op_comment(cc, &mallory, id, "hi", NULL, &out, &cid, &r), OP_FORBIDDEN,
	       "outside allow_domains: no comment");
	is_int(op_comment(cc, &carol, id, "  ", NULL, &out, &cid, &r), OP_INVALID, "an empty comment");
	is_str(r.field, "comment", "names the field");
	for (i = 0; i < 2001; i++)
		memcpy(long_text + 4 * i, "𝄞", 4);
	long_text[4 * 2000] = '\0';
	is_int(op_comment(cc, &carol, id, long_text, NULL, &out, &cid, &r), 0,
	       "2,000 characters of 4 bytes each are one comment");
	long_text[4 * 2000] = (char)0xf0;
	long_text[4 * 2001] = '\0';
	is_int(op_comment(cc, &carol, id, long_text, NULL, &out, &cid, &r), OP_INVALID,
	       "2,001 characters are refused: %.60s", r.message);
	threat_clear(&out);
	threat_init(&out);
	calls = heard->calls;
	is_int(op_comment(cc, &carol, id, "worse than we thought", "sid-7", &out, &cid, &r), 0, "%s",
	       r.message);
	ok(out.revision == rev + 2, "each comment is a revision of the threat");
	ok(heard->calls == calls + 1 && heard->kind == CHANGE_COMMENTED, "the listener hears of it");
	is_str(heard->line, "", "no room line: the room saw it");
	threat_clear(&out);
	threat_init(&out);
	is_int(op_comment_delete(cc, &bob, cid, &out, &r), OP_FORBIDDEN, "an assessor may not delete carol's");
	is_int(op_comment_delete(cc, &root, 999, &out, &r), OP_NOTFOUND, "no comment #999");
	is_int(op_comment_delete(cc, &carol, cid, &out, &r), 0, "its author deletes it: %s", r.message);
	is_int(heard->kind, CHANGE_UNCOMMENTED, "heard as a deletion");
	is_int(op_comment_delete(cc, &root, cid, &out, &r), OP_INVALID, "not twice: %s", r.message);
	threat_clear(&out);
	free(long_text);
}

int main(void)
{
	char path[] = "/tmp/vigil-test-ops-XXXXXX", err[512];
	struct vigil_config cfg;
	struct commands_ctx cc;
	struct heard heard = { 0 };
	struct op_result r;
	struct threat t, out;
	struct store *st = NULL;
	long long id;
	int fd = mkstemp(path);

	close(fd);
	unlink(path);
	config_defaults(&cfg);
	if (store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err) < 0) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	memset(&cc, 0, sizeof cc);
	cc.store = st;
	cc.cfg = &cfg;
	heard.st = st;
	cc.changes.changed = listen;
	cc.changes.ctx = &heard;

	/* the three sets of codes are apart */
	ok((int)OP_INVALID < (int)STORE_CORRUPT - 10 && (int)OP_NOMEM < (int)STORE_NOMEM - 10,
	   "the operations' codes do not overlap storage's");
	ok(OP_INVALID != OP_NOTFOUND && OP_FORBIDDEN != OP_STALE && OP_STORAGE != OP_NOMEM,
	   "and are distinct");

	/* filing */
	draft(&t, "Dialback spoofing", "medium", "medium");
	is_int(op_file(&cc, &mallory, &t, &r), OP_FORBIDDEN, "outside allow_domains: forbidden");
	is_int(heard.calls, 0, "a refusal tells nobody");
	is_int(store_event_count(st), 0, "and records no event");
	is_int(op_file(&cc, &alice, &t, &r), 0, "a member files: %s", r.message);
	id = t.id;
	is_int(heard.calls, 1, "the listener hears of the filing once");
	is_int(heard.kind, CHANGE_FILED, "as a filing");
	is_str(heard.old_priority, "(none)", "with no priority before");
	is_str(heard.by, "alice@example.org", "by its author");
	ok(heard.event_id > 0 && heard.threat_id == id && heard.revision == 1,
	   "naming its event row, the threat and revision 1");
	is_int(heard.events_in_table, 1, "told after the commit: its event row is there");
	ok(strstr(heard.line, "filed by alice@example.org: priority medium") != NULL,
	   "its room line: %s", heard.line);
	threat_clear(&t);

	draft(&t, "", "", "");
	is_int(op_file(&cc, &alice, &t, &r), OP_INVALID, "a missing name is invalid");
	is_str(r.field, "name", "and names the field");
	is_int(heard.calls, 1, "nobody is told");
	threat_clear(&t);

	threat_init(&out);
	is_int(op_load(&cc, 999, &out, &r), OP_NOTFOUND, "no such threat: not found");
	threat_clear(&out);

	/* assessing */
	threat_init(&out);
	is_int(op_assess(&cc, &alice, id, "high", "high", NULL, &out, &r), OP_FORBIDDEN,
	       "a member may not assess");
	threat_clear(&out);
	threat_init(&out);
	is_int(op_assess(&cc, &bob, id, "high", "medium", "seen in the wild", &out, &r), 0,
	       "an assessor assesses: %s", r.message);
	is_int(heard.calls, 2, "the listener hears of it");
	is_int(heard.kind, CHANGE_ASSESSED, "as an assessment");
	is_str(heard.old_priority, "medium", "with the priority before");
	is_str(heard.priority, "high", "and after");
	ok(strstr(heard.line, "priority medium → high") && strstr(heard.line, "assessed by bob@example.org"),
	   "its room line: %s", heard.line);
	threat_clear(&out);

	/* editing */
	threat_init(&out);
	op_load(&cc, id, &out, &r);
	threat_set(&out, THREAT_NAME, "Dialback spoofing, edited");
	is_int(op_edit(&cc, &carol, &out, out.revision, &r), OP_FORBIDDEN,
	       "another member may not edit alice's threat");
	is_int(op_edit(&cc, &alice, &out, 1, &r), OP_STALE, "an edit of an old revision is stale");
	is_str(r.field, "revision", "naming the revision");
	is_int(heard.calls, 2, "neither is told");
	out.revision = 2; /* as loaded: the refusals leave the caller's copy as it was given */
	is_int(op_edit(&cc, &alice, &out, out.revision, &r), 0, "the author edits the name: %s", r.message);
	is_int(heard.kind, CHANGE_EDITED, "heard as an edit");
	is_str(heard.line, "", "the priority stayed: no room line");
	threat_set(&out, THREAT_LIKELIHOOD, "low");
	threat_set(&out, THREAT_DAMAGE, "low");
	is_int(op_edit(&cc, &alice, &out, out.revision, &r), 0, "an edit that moves the priority");
	is_int(heard.kind, CHANGE_EDITED, "is heard as an edit, not an assessment");
	is_str(heard.old_priority, "high", "from high");
	ok(strstr(heard.line, "priority high → note") && strstr(heard.line, "edited by alice@example.org") &&
	   !strstr(heard.line, "assessed"), "and worded as one: %s", heard.line);
	heard.calls = 0;
	is_int(op_edit(&cc, &alice, &out, out.revision, &r), 0, "an edit that changes nothing");
	is_int(heard.calls, 0, "tells nobody");
	threat_set(&out, THREAT_STATUS, "retired");
	is_int(op_edit(&cc, &bob, &out, out.revision, &r), OP_FORBIDDEN, "only admins retire by an edit");
	threat_clear(&out);

	/* retiring */
	threat_init(&out);
	is_int(op_retire(&cc, &bob, id, "duplicate", &out, &r), OP_FORBIDDEN, "an assessor may not retire");
	threat_clear(&out);
	threat_init(&out);
	is_int(op_retire(&cc, &root, id, "", &out, &r), OP_INVALID, "a retirement needs a reason");
	is_str(r.field, "reason", "naming it");
	threat_clear(&out);
	threat_init(&out);
	is_int(op_retire(&cc, &root, id, "duplicate of T-2", &out, &r), 0, "an admin retires");
	is_int(heard.kind, CHANGE_RETIRED, "heard as a retirement");
	ok(strstr(heard.line, "retired by root@example.org") != NULL, "its room line: %s", heard.line);
	threat_clear(&out);
	threat_init(&out);
	is_int(op_assess(&cc, &bob, id, "low", "low", NULL, &out, &r), OP_INVALID,
	       "a retired threat is not assessed");
	threat_clear(&out);

	is_int(store_event_count(st), 5, "one event row per change made");

	/* the state of an older revision, for announcing after a restart */
	threat_init(&out);
	is_int(store_threat_at_revision(st, id, 2, &out), 0, "revision 2 read back");
	ok(out.revision == 2 && strcmp(out.priority, "high") == 0 && out.created && out.updated,
	   "with its priority and times");
	threat_clear(&out);
	threat_init(&out);
	is_int(store_threat_at_revision(st, id, 9, &out), STORE_NOTFOUND, "no revision 9");
	threat_clear(&out);

	test_group(&cc, &cfg, &heard);
	test_comments(&cc, &heard);

	store_close(st);
	unlink(path);
	config_free(&cfg);
	return done_testing();
}
