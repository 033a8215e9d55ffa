/* SPDX-License-Identifier: MIT */
/* Makes a large register for the scale benchmark, through vigil's own
 * storage layer (the schema and rows a running vigil would have made):
 *
 *   gen_register DB THREATS REVISED REVISIONS SUBSCRIBERS
 *
 * THREATS threats with varied, realistic-length fields; the first REVISED
 * of them get REVISIONS revisions each (assessments and edits); the
 * `threats` node holds an item per threat; SUBSCRIBERS subscriptions to
 * each node. No change is left waiting to be announced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "component/xmpp/payload.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "storage/store.h"

static const char *const levels[] = { "low", "medium", "high" };

static const char tree[] =
	"Read another user's messages\n"
	"  OR Get plaintext in transit\n"
	"    Sniff an unencrypted c2s link [cost=0, impossible]\n"
	"    Strip STARTTLS [cost=1000]\n"
	"  AND Compromise the server\n"
	"    Gain a shell [cost=50000, equipment]\n"
	"    Read the archive [cost=0]\n";

static void make(struct threat *t, long long n)
{
	char name[128], text[1024];
	const char *l = n % 7 ? levels[n % 3] : "", *d = n % 7 ? levels[(n / 3) % 3] : "";
	int rank = priority_rank(l, d);

	threat_init(t);
	snprintf(name, sizeof name, "Threat %lld: stanza injection through component %lld", n, n % 97);
	threat_set(t, THREAT_NAME, name);
	snprintf(text, sizeof text, "An attacker who controls a federated server can inject stanzas "
		 "that claim to come from users of domain %lld. See XEP-0220 and XEP-0178.", n % 101);
	threat_set(t, THREAT_ABSTRACT, text);
	threat_set(t, THREAT_DEFINITION, text);
	threat_set(t, THREAT_ATTACK_TREE, n % 3 ? tree : "");
	threat_set(t, THREAT_LIKELIHOOD, l);
	threat_set(t, THREAT_DAMAGE, d);
	threat_set(t, THREAT_EXISTING, "XEP-0220 (Server Dialback), XEP-0178, DANE.");
	threat_set(t, THREAT_GAP, "Dialback without DNSSEC.");
	threat_set(t, THREAT_STATUS, "identified");
	t->priority = strdup(priority_name(rank));
	t->priority_rank = rank;
	t->author = strdup("alice@localhost");
}

static int publish(struct store *st, xmpp_ctx_t *ctx, const struct threat *t)
{
	xmpp_stanza_t *payload = payload_threat(ctx, t);
	char *xml = NULL, id[32];
	size_t len;
	int rc = -1;

	if (payload && xmpp_stanza_to_text(payload, &xml, &len) == 0) {
		snprintf(id, sizeof id, "T-%lld", t->id);
		rc = store_item_put(st, "threats", id, xml);
	}
	if (xml)
		xmpp_free(ctx, xml);
	if (payload)
		xmpp_stanza_release(payload);
	return rc;
}

int main(int argc, char **argv)
{
	struct store *st = NULL;
	xmpp_ctx_t *ctx;
	char err[512], jid[64], subid[32];
	long long threats, revised, revisions, subscribers, i, r;

	if (argc != 6) {
		fprintf(stderr, "usage: gen_register DB THREATS REVISED REVISIONS SUBSCRIBERS\n");
		return 64;
	}
	threats = atoll(argv[2]), revised = atoll(argv[3]);
	revisions = atoll(argv[4]), subscribers = atoll(argv[5]);
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	if (!ctx || store_open(&st, argv[1], 0, template_schema(), err, sizeof err) < 0) {
		fprintf(stderr, "gen_register: %s\n", ctx ? err : "out of memory");
		return 1;
	}
	for (i = 1; i <= threats; i++) {
		struct threat t;
		if ((i - 1) % 1000 == 0 && store_begin(st) < 0)
			goto fail;
		make(&t, i);
		if (store_threat_insert(st, &t, "alice@localhost", NULL) < 0 || publish(st, ctx, &t) < 0)
			goto fail;
		for (r = 1; i <= revised && r < revisions; r++) {
			threat_set(&t, THREAT_GAP, r % 2 ? "Dialback without DNSSEC, revised." : "Dialback.");
			threat_set(&t, THREAT_LIKELIHOOD, levels[r % 3]);
			free(t.priority);
			t.priority_rank = priority_rank(levels[r % 3], threat_get(&t, THREAT_DAMAGE));
			t.priority = strdup(priority_name(t.priority_rank));
			if (store_threat_update(st, &t, t.revision, "bob@localhost", "reassessed", NULL) < 0)
				goto fail;
		}
		threat_clear(&t);
		if ((i % 1000 == 0 || i == threats) && store_commit(st) < 0)
			goto fail;
	}
	if (store_begin(st) < 0)
		goto fail;
	for (i = 0; i < subscribers; i++) {
		snprintf(jid, sizeof jid, "user%lld@localhost", i);
		snprintf(subid, sizeof subid, "bench%lld", i);
		if (store_subscription_add(st, "threats", jid, subid, NULL) < 0 ||
		    store_subscription_add(st, "priority", jid, subid, NULL) < 0)
			goto fail;
	}
	if (store_commit(st) < 0)
		goto fail;
	store_close(st);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 0;
fail:
	fprintf(stderr, "gen_register: %s\n", store_errmsg(st));
	store_close(st);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
	return 1;
}
