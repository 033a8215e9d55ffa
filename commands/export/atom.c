/* SPDX-License-Identifier: MIT */
/* feed.atom: the register's announcements as an Atom 1.0 feed (RFC 4287),
 * built with libxml2's tree API. An announcement is what the room hears: a
 * filing, a change of priority, a retirement; each is found in the
 * revisions (the events table keeps a change only until it is announced). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/export/atom.h"
#include "commands/export/site.h"
#include "commands/export/xml.h"
#include "commands/register/announcement.h"
#include "commands/register/links.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "storage/store.h"

#define X (const xmlChar *)
#define FEED_LOOK_AT 1000 /* candidate revisions examined, newest first */

struct candidate {
	long long id, revision;
};

struct candidates {
	struct candidate *items;
	size_t count, cap;
	int failed;
};

static int mentions(const char *changed, const char *word)
{
	size_t n = strlen(word);
	const char *p = changed;

	while (p && (p = strstr(p, word)) != NULL) {
		if ((p == changed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Revisions that may have announced something: a filing, or a change of
 * likelihood, damage or status (the history then says whether it did). */
static void collect(void *userdata, long long id, long long revision, const char *at,
		    const char *who, const char *changed, const char *name)
{
	struct candidates *c = userdata;

	(void)at, (void)who, (void)name;
	if (c->failed || !(revision == 1 || mentions(changed, "likelihood") ||
			   mentions(changed, "damage") || mentions(changed, "status")))
		return;
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct candidate *grown = realloc(c->items, cap * sizeof *grown);
		if (!grown) {
			c->failed = 1;
			return;
		}
		c->items = grown;
		c->cap = cap;
	}
	c->items[c->count].id = id;
	c->items[c->count++].revision = revision;
}

/* Whether every field revision r changed is one an assessment sets. */
static int only_assessed_fields(const struct threat_revision *r)
{
	static const char *const assessed[] = { "likelihood", "damage", "status" };
	const char *p = r->changed ? r->changed : "";
	size_t i, len;
	int known;

	while (*p) {
		len = strcspn(p, " ");
		for (known = 0, i = 0; i < sizeof assessed / sizeof assessed[0]; i++)
			known |= len == strlen(assessed[i]) && strncmp(p, assessed[i], len) == 0;
		if (len && !known)
			return 0;
		p += len;
		p += strspn(p, " ");
	}
	return 1;
}

/* The room's line for revision r (prev: the one before, NULL for a
 * filing), in the announcer's own words (commands/register/announcement.h),
 * or 0 when the revision announced nothing. A revision does not say which
 * command made it: one that changed only what an assessment sets counts
 * as an assessment. */
static int announcement(const struct threat_revision *r, const struct threat_revision *prev,
			char *buf, size_t len)
{
	const struct threat *t = &r->state;
	const char *old = prev ? prev->state.priority : NULL;
	const char *who = r->who ? r->who : "?";
	enum change_kind kind;

	if (!prev)
		kind = CHANGE_FILED;
	else if (strcmp(threat_get(t, THREAT_STATUS), "retired") == 0 &&
		 strcmp(threat_get(&prev->state, THREAT_STATUS), "retired") != 0)
		kind = CHANGE_RETIRED;
	else
		kind = only_assessed_fields(r) ? CHANGE_ASSESSED : CHANGE_EDITED;
	if (!announce_text_says(kind, t, old))
		return 0;
	announce_text_one(kind, t, old, who, buf, len);
	return 1;
}

static void link(xmlNodePtr parent, xmlNsPtr ns, const char *rel, const char *type, const char *base,
		 const char *file)
{
	xmlNodePtr l = xmlNewChild(parent, ns, X "link", NULL);
	char href[2048];

	if (!links_url(base, file, href, sizeof href)) /* no base: relative to the feed */
		text_format(href, sizeof href, "%s", file);
	if (rel)
		xml_attr(l, "rel", rel);
	if (type)
		xml_attr(l, "type", type);
	xml_attr(l, "href", href);
}

static xmlNodePtr text_el(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
	return xmlNewTextChild(parent, ns, X name, X text); /* escaped by libxml2 */
}

void atom_entry_add(xmlNodePtr e, xmlNsPtr ns, const struct atom_entry *in)
{
	xmlNodePtr author;
	char id[512], tid[32], file[48], day[EXPORT_DAY_SIZE], content[ATOM_CONTENT_SIZE];
	const char *abstract = in->abstract ? in->abstract : "";

	threat_id_format(in->threat_id, tid, sizeof tid);
	/* tag: URIs (RFC 4151): stable, minted by the service on that day */
	text_format(id, sizeof id, "tag:%s,%s:%s-r%lld%s", in->service ? in->service : "vigil",
		    export_day(day, in->at), tid, in->revision, in->id_suffix ? in->id_suffix : "");
	text_el(e, ns, "id", id);
	text_el(e, ns, "title", in->line);
	text_el(e, ns, "updated", in->at ? in->at : "");
	author = xmlNewChild(e, ns, X "author", NULL);
	text_el(author, ns, "name", in->who && *in->who ? in->who : "vigil");
	if ((in->base_url && *in->base_url) || in->relative_link) {
		snprintf(file, sizeof file, "%s.html", tid);
		link(e, ns, "alternate", "text/html", in->base_url, file);
	}
	if (in->note && *in->note)
		text_format(content, sizeof content, "%s — %s", in->line, in->note);
	else if (*abstract)
		text_format(content, sizeof content, "%s. %s", in->line, abstract);
	else
		text_format(content, sizeof content, "%s", in->line);
	xml_attr(text_el(e, ns, "content", content), "type", "text");
}

char *atom_entry_text(const struct atom_entry *in)
{
	xmlDocPtr doc = xmlNewDoc(X "1.0");
	xmlNodePtr e;
	xmlNsPtr ns;
	xmlBufferPtr buf;
	char *out = NULL;

	if (!doc)
		return NULL;
	e = xmlNewNode(NULL, X "entry");
	ns = e ? xmlNewNs(e, X ATOM_NS, NULL) : NULL;
	if (!ns) {
		xmlFreeNode(e);
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlSetNs(e, ns);
	xmlDocSetRootElement(doc, e);
	atom_entry_add(e, ns, in);
	if ((buf = xmlBufferCreate()) && xmlNodeDump(buf, doc, e, 0, 0) >= 0)
		out = strdup((const char *)xmlBufferContent(buf));
	if (buf)
		xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
}

/* One entry of feed.atom; the history of its threat is loaded by the caller. */
static void entry(xmlNodePtr feed, xmlNsPtr ns, const char *service, const char *base,
		  const struct threat_revision *r, const char *line)
{
	const struct atom_entry in = {
		.service = service, .base_url = base, .relative_link = 1,
		.threat_id = r->state.id, .revision = r->revision, .at = r->at, .who = r->who,
		.line = line, .note = r->note, .abstract = threat_get(&r->state, THREAT_ABSTRACT),
	};

	atom_entry_add(xmlNewChild(feed, ns, X "entry", NULL), ns, &in);
}

struct history {
	long long id;
	struct threat_revision *revs;
	size_t n;
};

char *site_feed(struct store *st, const struct export_doc *doc, const char *base_url)
{
	struct candidates c = { 0 };
	struct history *loaded = NULL;
	size_t nloaded = 0, entries = 0, looked = 0, i, k;
	xmlDocPtr xml = xmlNewDoc(X "1.0");
	xmlNodePtr feed, author;
	xmlNsPtr ns;
	char id[512], line[1024], title[256];
	char *out = NULL;
	const char *service = doc->service ? doc->service : "vigil";

	if (!xml)
		return NULL;
	feed = xmlNewNode(NULL, X "feed");
	ns = xmlNewNs(feed, X ATOM_NS, NULL);
	xmlSetNs(feed, ns);
	xmlDocSetRootElement(xml, feed);
	text_el(feed, ns, "title", "Threats to XMPP Technologies — announcements");
	text_format(title, sizeof title, "The Security SIG's register (XEP-0139): filings, changes of "
		    "priority and retirements, as said in %s", doc->room ? doc->room : "the room");
	text_el(feed, ns, "subtitle", title);
	text_format(id, sizeof id, "tag:%s,2026:register", service);
	text_el(feed, ns, "id", id);
	link(feed, ns, "self", "application/atom+xml", base_url, "feed.atom");
	link(feed, ns, "alternate", "text/html", base_url, "index.html");
	author = xmlNewChild(feed, ns, X "author", NULL);
	text_el(author, ns, "name", "Security SIG");
	xml_attr(text_el(feed, ns, "generator", "vigil"), "uri", "https://xmpp.org/extensions/xep-0139.html");
	/* <updated>: the newest entry's time, or the export's for an empty feed */
	xmlNodePtr updated = text_el(feed, ns, "updated", doc->generated);

	if (store_revision_log(st, collect, &c) < 0 || c.failed)
		goto out;
	for (i = c.count; i-- > 0 && entries < SITE_FEED_ENTRIES && looked < FEED_LOOK_AT; looked++) {
		struct history *h = NULL;
		for (k = 0; k < nloaded; k++)
			if (loaded[k].id == c.items[i].id)
				h = &loaded[k];
		if (!h) {
			struct history *grown = realloc(loaded, (nloaded + 1) * sizeof *grown);
			if (!grown)
				goto out;
			loaded = grown;
			h = &loaded[nloaded];
			h->id = c.items[i].id;
			h->revs = NULL;
			h->n = 0;
			if (store_threat_history(st, h->id, &h->revs, &h->n) < 0)
				goto out;
			nloaded++;
		}
		for (k = 0; k < h->n; k++) {
			if (h->revs[k].revision != c.items[i].revision)
				continue;
			if (announcement(&h->revs[k], k ? &h->revs[k - 1] : NULL, line, sizeof line)) {
				if (!entries++ && h->revs[k].at)
					xmlNodeSetContent(updated, NULL), xmlAddChild(updated, xmlNewText(X h->revs[k].at));
				entry(feed, ns, service, base_url, &h->revs[k], line);
			}
			break;
		}
	}
	out = xml_serialise(xml, XML_XEP);
out:
	for (k = 0; k < nloaded; k++)
		store_revisions_free(loaded[k].revs, loaded[k].n);
	free(loaded);
	free(c.items);
	xmlFreeDoc(xml);
	return out;
}
