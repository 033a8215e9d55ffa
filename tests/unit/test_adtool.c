/* SPDX-License-Identifier: MIT */
/* ADTool's XML (commands/interchange/adtool.c): a tree in vigil's canonical
 * notation, exported and read back, is the same text (costs, impossible,
 * equipment, AND and OR, 1- to 4-byte characters); the XML of that text
 * exported again is the same bytes; every kind of bad file is refused with
 * its reason, and the threat is left as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/interchange/adtool.h"
#include "commands/register/attack_tree.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "storage/store.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/vigil-test-adtool-XXXXXX";

static const char canonical[] =
	"OR Read a member's messages — é € 𝄞\n"
	"  OR Get plaintext in transit\n"
	"    Sniff an unencrypted c2s link [cost=0, impossible]\n"
	"    Strip STARTTLS & <features> [cost=1000]\n"
	"  AND Compromise the server\n"
	"    Gain a shell [cost=50000, equipment]\n"
	"    Read the archive [cost=0]\n"
	"  Bribe the operator [cost=1000000000000000, impossible, equipment]\n";

static struct store *st;

static char *export_tree(long long id)
{
	char *buf = NULL, err[512] = "";
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int rc = adtool_export(st, id, out, err, sizeof err);

	fclose(out);
	if (rc < 0) {
		diag("export: %s", err);
		free(buf);
		return NULL;
	}
	return buf;
}

static long long file_threat(const char *tree)
{
	struct threat t;
	long long id;

	threat_init(&t);
	threat_set(&t, THREAT_NAME, "A tree");
	threat_set(&t, THREAT_ABSTRACT, "x");
	threat_set(&t, THREAT_ATTACK_TREE, tree);
	threat_set(&t, THREAT_STATUS, "identified");
	t.author = strdup("alice@localhost");
	t.priority = strdup("unassessed");
	store_threat_insert(st, &t, "alice@localhost", NULL);
	id = t.id;
	threat_clear(&t);
	return id;
}

static int import_xml(long long id, const char *xml, char *err, size_t errlen)
{
	struct import_options o = { .from = IMPORT_FROM_ADTOOL, .by = "alice" };
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/tree.xml", dir);
	f = fopen(path, "w");
	fputs(xml, f);
	fclose(f);
	return adtool_import(st, path, id, &o, err, errlen);
}

static const char *tree_of(long long id, struct threat *t)
{
	threat_clear(t);
	threat_init(t);
	store_threat_get(st, id, t);
	return threat_get(t, THREAT_ATTACK_TREE);
}

static void refused(long long id, const char *what, const char *xml, const char *reason)
{
	struct threat t;
	char err[1024] = "";
	int rc = import_xml(id, xml, err, sizeof err);

	threat_init(&t);
	is_int(rc, -1, "%s: refused", what);
	ok(strstr(err, reason) != NULL, "%s: says why (%s)", what, err);
	is_str(tree_of(id, &t), canonical, "%s: the threat's tree is as it was", what);
	is_int(t.revision, 2, "%s: no revision written", what);
	threat_clear(&t);
}

#define HEAD "<?xml version=\"1.0\"?><adtree>"

int main(void)
{
	char path[256], err[1024] = "", *xml, *again, *text = NULL;
	struct threat t;
	long long a, b;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/db", dir);
	if (store_open(&st, path, STORE_OPEN_WRITE, template_schema(), err, sizeof err) < 0)
		return 1;
	threat_init(&t);
	a = file_threat(canonical);
	b = file_threat("Goal\n  Step\n");
	xml = export_tree(a);
	ok(xml && strstr(xml, "<parameter domainId=\"MinCost1\" category=\"basic\">50000</parameter>"),
	   "costs are parameters of the MinCost domain");
	ok(xml && strstr(xml, "<node refinement=\"conjunctive\">") && strstr(xml, "&amp; &lt;features&gt;"),
	   "an AND step is conjunctive; a label's markup is escaped");
	ok(xml && strstr(xml, "lu.uni.adtool.domains.adtpredefined.MinCost"), "the MinCost domain is declared");
	is_int(import_xml(b, xml, err, sizeof err), 0, "the export imports into another threat (%s)", err);
	is_str(tree_of(b, &t), canonical, "round trip: the same notation, byte for byte");
	is_int(t.revision, 2, "...as a new revision");
	again = export_tree(b);
	ok(xml && again && strcmp(xml, again) == 0, "round trip: the same XML, byte for byte");
	is_int(adtool_to_notation(xml, strlen(xml), &text, err, sizeof err), 0, "the reader alone");
	free(text);

	/* b now holds the canonical tree at revision 2 */
	refused(b, "not XML", HEAD "<node>", "not well-formed XML");
	refused(b, "not an adtree", "<?xml version=\"1.0\"?><tree/>", "not an ADTool attack tree");
	refused(b, "no root node", HEAD "</adtree>", "has no <node>");
	refused(b, "two roots", HEAD "<node><label>a</label></node><node><label>b</label></node></adtree>",
		"two root");
	refused(b, "a countermeasure", HEAD "<node refinement=\"disjunctive\"><label>a</label><node "
		"refinement=\"disjunctive\" switchRole=\"yes\"><label>defend</label></node></node></adtree>",
		"countermeasure");
	refused(b, "a label with brackets", HEAD "<node><label>a [x]</label></node></adtree>",
		"cannot be a step");
	refused(b, "a cost not an integer", HEAD "<node><label>a</label><parameter domainId=\"c\">1.5"
		"</parameter></node><domain id=\"c\"><class>lu.uni.adtool.domains.adtpredefined.MinCost"
		"</class></domain></adtree>", "is not an integer");
	refused(b, "two costs on a step", HEAD "<node><label>a</label><parameter domainId=\"c\">1"
		"</parameter><parameter domainId=\"c\">2</parameter></node><domain id=\"c\"><class>"
		"lu.uni.adtool.domains.adtpredefined.MinCost</class></domain></adtree>", "two costs");
	refused(b, "a label with a space before it", HEAD "<node><label>a</label><node><label>  b</label>"
		"</node></node></adtree>", "cannot be a step");
	{
		char deep[4096] = HEAD;
		int i;
		for (i = 0; i < 20; i++)
			strcat(deep, "<node><label>s</label>");
		for (i = 0; i < 20; i++)
			strcat(deep, "</node>");
		strcat(deep, "</adtree>");
		refused(b, "too deep", deep, "more than vigil's notation holds");
	}
	is_int(import_xml(99, xml, err, sizeof err), -1, "a threat that does not exist: refused");
	ok(strstr(err, "no threat T-99") != NULL, "...saying so (%s)", err);
	threat_clear(&t);
	free(xml);
	free(again);
	store_close(st);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
