/* SPDX-License-Identifier: MIT */
/* ADTool's XML for attack trees: see adtool.h.
 *
 * An OR step is a node refinement="disjunctive", an AND step
 * "conjunctive", a leaf a disjunctive node without children, its text the
 * node's <label>. A cost is a parameter of the MinCost domain (ADTool's
 * "minimal cost for the proponent"); vigil's two flags, impossible and
 * equipment, are parameters of two Boolean domains of vigil's own
 * (VigilImpossible, VigilEquipment), "true" where set. Countermeasures
 * (switchRole) have no place in vigil's notation and are refused. */
#include "commands/interchange/adtool.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/register/attack_tree.h"
#include "commands/register/change.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "commands/text/text.h"
#include "storage/events.h"
#include "storage/store.h"

#define DOMAIN_COST "MinCost1"
#define DOMAIN_IMPOSSIBLE "VigilImpossible"
#define DOMAIN_EQUIPMENT "VigilEquipment"
#define CLASS_COST "lu.uni.adtool.domains.adtpredefined.MinCost"
#define CLASS_BOOL "lu.uni.adtool.domains.custom.AdtBoolDomain"

#define X (const xmlChar *)

static void add_domain(xmlNodePtr root, const char *id, const char *class)
{
	xmlNodePtr d = xmlNewChild(root, NULL, X "domain", NULL);

	xmlSetProp(d, X "id", X id);
	xmlNewTextChild(d, NULL, X "class", X class);
	xmlNewTextChild(d, NULL, X "tool", X "ADTool2");
}

static void add_parameter(xmlNodePtr node, const char *domain, const char *value)
{
	xmlNodePtr p = xmlNewTextChild(node, NULL, X "parameter", X value);

	xmlSetProp(p, X "domainId", X domain);
	xmlSetProp(p, X "category", X "basic");
}

/* The tree as an <adtree>: nodes in the notation's order, each under its
 * parent's element (parents come first: no recursion). */
static xmlDocPtr tree_document(const struct attack_tree *tree)
{
	xmlDocPtr doc = xmlNewDoc(X "1.0");
	xmlNodePtr root = xmlNewNode(NULL, X "adtree"), *made;
	size_t i;
	int costs = 0, impossible = 0, equipment = 0;

	made = calloc(tree->count ? tree->count : 1, sizeof *made);
	if (!doc || !root || !made) {
		free(made);
		xmlFreeNode(root);
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlDocSetRootElement(doc, root);
	for (i = 0; i < tree->count; i++) {
		const struct attack_node *n = &tree->nodes[i];
		xmlNodePtr parent = n->parent >= 0 ? made[n->parent] : root;
		char cost[32];
		made[i] = xmlNewChild(parent, NULL, X "node", NULL);
		xmlSetProp(made[i], X "refinement", X(n->kind == ATTACK_AND ? "conjunctive" : "disjunctive"));
		xmlNewTextChild(made[i], NULL, X "label", X n->text);
		if (n->has_cost) {
			snprintf(cost, sizeof cost, "%llu", n->cost);
			add_parameter(made[i], DOMAIN_COST, cost);
			costs = 1;
		}
		if (n->marked_impossible)
			add_parameter(made[i], DOMAIN_IMPOSSIBLE, "true"), impossible = 1;
		if (n->equipment)
			add_parameter(made[i], DOMAIN_EQUIPMENT, "true"), equipment = 1;
	}
	free(made);
	if (costs)
		add_domain(root, DOMAIN_COST, CLASS_COST);
	if (impossible)
		add_domain(root, DOMAIN_IMPOSSIBLE, CLASS_BOOL);
	if (equipment)
		add_domain(root, DOMAIN_EQUIPMENT, CLASS_BOOL);
	return doc;
}

int adtool_export(struct store *st, long long id, FILE *out, char *err, size_t errlen)
{
	struct attack_tree tree;
	struct threat t;
	xmlDocPtr doc = NULL;
	xmlChar *xml = NULL;
	char tid[32], why[256];
	int len = 0, rc = -1;

	threat_init(&t);
	threat_id_format(id, tid, sizeof tid);
	memset(&tree, 0, sizeof tree);
	if (store_threat_get(st, id, &t) < 0) {
		text_format(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	if (!*threat_get(&t, THREAT_ATTACK_TREE)) {
		text_format(err, errlen, "%s has no attack tree", tid);
		goto out;
	}
	if (attack_tree_parse(threat_get(&t, THREAT_ATTACK_TREE), &tree, why, sizeof why) < 0) {
		text_format(err, errlen, "%s's attack tree: %s", tid, why);
		goto out;
	}
	if (!(doc = tree_document(&tree))) {
		text_format(err, errlen, "out of memory");
		goto out;
	}
	xmlDocDumpFormatMemoryEnc(doc, &xml, &len, "UTF-8", 1);
	if (!xml || fwrite(xml, 1, (size_t)len, out) != (size_t)len) {
		text_format(err, errlen, "could not write the document");
		goto out;
	}
	rc = 0;
out:
	xmlFree(xml);
	xmlFreeDoc(doc);
	attack_tree_free(&tree);
	threat_clear(&t);
	return rc;
}

/* --- reading ------------------------------------------------------------------ */

struct reading {
	xmlNodePtr adtree;
	struct text out;
	size_t steps;
	char *err;
	size_t errlen;
};

static int is_element(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, X name) == 0;
}

/* The class of the <domain> with this id, or "". */
static const char *domain_class(struct reading *r, const xmlChar *id, xmlChar **owned)
{
	xmlNodePtr d, c;

	for (d = r->adtree->children; d; d = d->next) {
		xmlChar *did;
		int same;
		if (!is_element(d, "domain"))
			continue;
		did = xmlGetProp(d, X "id");
		same = did && id && xmlStrcmp(did, id) == 0;
		xmlFree(did);
		if (!same)
			continue;
		for (c = d->children; c; c = c->next)
			if (is_element(c, "class"))
				return (const char *)(*owned = xmlNodeGetContent(c));
	}
	return "";
}

/* What a node's parameters say, in the domains vigil knows. */
struct step_attrs {
	int has_cost, impossible, equipment;
	unsigned long long cost;
};

/* A parameter of a domain vigil knows into a; another domain (time,
 * probability ...) is not vigil's and is left out. */
static int read_parameter(struct reading *r, xmlNodePtr p, const char *where, struct step_attrs *a)
{
	xmlChar *id = xmlGetProp(p, X "domainId"), *value = xmlNodeGetContent(p), *class_owned = NULL;
	const char *class = domain_class(r, id, &class_owned), *v = value ? (const char *)value : "";
	char *end, quoted[TEXT_QUOTE_BYTES];
	int rc = 0;

	if (strcmp(class, CLASS_COST) == 0) {
		double cost;
		errno = 0;
		cost = strtod(v, &end);
		if (a->has_cost) {
			text_format(r->err, r->errlen, "%s: two costs", where);
			rc = -1;
		} else if (end == v || *end || errno || !(cost >= 0 && cost <= 1e15) ||
			   cost != (double)(unsigned long long)cost) {
			text_format(r->err, r->errlen, "%s: the cost \"%s\" is not an integer from 0 to "
				    "10^15", where, text_quote(quoted, sizeof quoted, v));
			rc = -1;
		} else {
			a->has_cost = 1;
			a->cost = (unsigned long long)cost;
		}
	} else if (strcmp(class, CLASS_BOOL) == 0 && id && strcmp(v, "true") == 0) {
		if (xmlStrcmp(id, X DOMAIN_IMPOSSIBLE) == 0)
			a->impossible = 1;
		else if (xmlStrcmp(id, X DOMAIN_EQUIPMENT) == 0)
			a->equipment = 1;
	}
	xmlFree(id);
	xmlFree(value);
	xmlFree(class_owned);
	return rc;
}

/* Whether a label can be one step of the notation as it is: one line of
 * text without control characters, space around it, brackets, or a
 * leading AND or OR (each would be read as something else). */
static int fits_notation(const xmlChar *label)
{
	const xmlChar *c;
	size_t len = label ? (size_t)xmlStrlen(label) : 0;

	if (!len || label[0] == ' ' || label[len - 1] == ' ' || xmlStrchr(label, '[') ||
	    xmlStrchr(label, ']') || !xmlStrncmp(label, X "AND ", 4) || !xmlStrncmp(label, X "OR ", 3) ||
	    !xmlStrcmp(label, X "AND") || !xmlStrcmp(label, X "OR"))
		return 0;
	for (c = label; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return 0;
	return 1;
}

/* One <node> and, below it, its children, at depth (the root 1). */
static int read_node(struct reading *r, xmlNodePtr node, int depth)
{
	xmlChar *refinement = xmlGetProp(node, X "refinement"), *role = xmlGetProp(node, X "switchRole");
	xmlChar *label = NULL;
	struct step_attrs a = { 0 };
	xmlNodePtr c;
	char where[64], quoted[TEXT_QUOTE_BYTES];
	int children = 0, and = 0, rc = -1, i;

	snprintf(where, sizeof where, "step %zu", ++r->steps);
	if (r->steps > ATTACK_TREE_MAX_NODES || depth > ATTACK_TREE_MAX_DEPTH) {
		text_format(r->err, r->errlen, "%s: more than %d steps or %d levels: more than vigil's "
			    "notation holds", where, ATTACK_TREE_MAX_NODES, ATTACK_TREE_MAX_DEPTH);
		goto out;
	}
	if (role && xmlStrcmp(role, X "yes") == 0) {
		text_format(r->err, r->errlen, "%s: a countermeasure (switchRole): vigil's attack trees "
			    "have none", where);
		goto out;
	}
	and = refinement && xmlStrcmp(refinement, X "conjunctive") == 0;
	for (c = node->children; c; c = c->next) {
		if (is_element(c, "label") && !label)
			label = xmlNodeGetContent(c);
		else if (is_element(c, "node"))
			children++;
		else if (is_element(c, "parameter") && read_parameter(r, c, where, &a) < 0)
			goto out;
	}
	if (!fits_notation(label)) {
		text_format(r->err, r->errlen, "%s: the label \"%s\" cannot be a step of vigil's notation "
			    "(empty, several lines or control characters, space around it, [ ], or "
			    "starting with AND or OR)", where,
			    text_quote(quoted, sizeof quoted, label ? (const char *)label : ""));
		goto out;
	}
	for (i = 1; i < depth; i++)
		text_put(&r->out, "  ");
	text_add(&r->out, "%s%s", children ? (and ? "AND " : "OR ") : "", (const char *)label);
	if (a.has_cost || a.impossible || a.equipment) {
		text_put(&r->out, " [");
		if (a.has_cost)
			text_add(&r->out, "cost=%llu", a.cost);
		if (a.impossible)
			text_add(&r->out, "%simpossible", a.has_cost ? ", " : "");
		if (a.equipment)
			text_add(&r->out, "%sequipment", a.has_cost || a.impossible ? ", " : "");
		text_put(&r->out, "]");
	}
	text_put(&r->out, "\n");
	for (c = node->children; c; c = c->next)
		if (is_element(c, "node") && read_node(r, c, depth + 1) < 0)
			goto out;
	rc = 0;
out:
	xmlFree(refinement);
	xmlFree(role);
	xmlFree(label);
	return rc;
}

int adtool_to_notation(const char *buf, size_t len, char **text, char *err, size_t errlen)
{
	struct reading r = { .err = err, .errlen = errlen };
	xmlDocPtr doc;
	xmlNodePtr root = NULL, c;
	xmlErrorPtr xerr;
	int rc = -1;

	*text = NULL;
	if (len > ADTOOL_MAX_BYTES || len > (size_t)INT32_MAX) {
		text_format(err, errlen, "%zu bytes; an ADTool file may have at most %ld MiB", len,
			    ADTOOL_MAX_BYTES / (1024 * 1024));
		return -1;
	}
	/* no network, no external entities or DTD loaded, nothing printed */
	doc = xmlReadMemory(buf, (int)len, "adtool.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		xerr = xmlGetLastError();
		text_format(err, errlen, "not well-formed XML: line %d: %s", xerr ? xerr->line : 0,
			    xerr && xerr->message ? xerr->message : "unreadable");
		if (*err && err[strlen(err) - 1] == '\n')
			err[strlen(err) - 1] = '\0';
		return -1;
	}
	r.adtree = xmlDocGetRootElement(doc);
	if (!is_element(r.adtree, "adtree")) {
		text_format(err, errlen, "not an ADTool attack tree (no <adtree>)");
		goto out;
	}
	for (c = r.adtree->children; c; c = c->next) {
		if (!is_element(c, "node"))
			continue;
		if (root) {
			text_format(err, errlen, "two root <node>s: an attack tree has one root");
			goto out;
		}
		root = c;
	}
	if (!root) {
		text_format(err, errlen, "the <adtree> has no <node>");
		goto out;
	}
	if (read_node(&r, root, 1) < 0)
		goto out;
	if (!(*text = text_take(&r.out))) {
		text_format(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	text_clear(&r.out);
	xmlFreeDoc(doc);
	return rc;
}

int adtool_import(struct store *st, const char *path, long long id,
		  const struct import_options *o, char *err, size_t errlen)
{
	const struct template_field *bad;
	struct stored_event e;
	struct threat t;
	char *buf = NULL, *tree = NULL, who[1100], old_priority[16], tid[32], msg[1024];
	long long before;
	size_t len;
	FILE *f = fopen(path, "rb");
	int rc = -1;

	threat_init(&t);
	threat_id_format(id, tid, sizeof tid);
	text_format(who, sizeof who, "import:%s", o->by);
	if (!f) {
		text_format(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(ADTOOL_MAX_BYTES + 1);
	len = buf ? fread(buf, 1, ADTOOL_MAX_BYTES + 1, f) : 0;
	fclose(f);
	if (!buf) {
		text_format(err, errlen, "out of memory");
		return -1;
	}
	if (adtool_to_notation(buf, len, &tree, msg, sizeof msg) < 0) {
		text_format(err, errlen, "%s: %s; nothing was imported", path, msg);
		goto out;
	}
	if (store_begin(st) < 0 || store_threat_get(st, id, &t) < 0) {
		text_format(err, errlen, "%s; nothing was imported", store_errmsg(st));
		store_rollback(st);
		goto out;
	}
	before = t.revision;
	text_format(old_priority, sizeof old_priority, "%s", t.priority ? t.priority : "");
	if (threat_set(&t, THREAT_ATTACK_TREE, tree) < 0 ||
	    validate_threat(&t, &bad, msg, sizeof msg) < 0) {
		text_format(err, errlen, "%s: %s; nothing was imported", path, msg);
		store_rollback(st);
		goto out;
	}
	memset(&e, 0, sizeof e);
	e.kind = CHANGE_EDITED;
	e.threat_id = id;
	e.old_priority = old_priority;
	e.who = who;
	if (store_threat_update(st, &t, before, who, "attack tree imported from ADTool", NULL) < 0 ||
	    (e.revision = t.revision, store_event_add(st, &e, NULL) < 0) || store_commit(st) < 0) {
		text_format(err, errlen, "the register refused the import: %s; nothing was imported",
			    store_errmsg(st));
		store_rollback(st);
		goto out;
	}
	rc = 0;
out:
	threat_clear(&t);
	free(tree);
	free(buf);
	return rc;
}
