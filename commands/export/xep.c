/* SPDX-License-Identifier: MIT */
/* The register as an XEP-format document (xep.dtd), built with libxml2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "commands/export/export.h"
#include "commands/export/xml.h"
#include "commands/register/ops.h"
#include "commands/register/template.h"
#include "commands/text/text.h"

#define X (const xmlChar *)

static const char *const process =
	"This document is the Security SIG's register of threats to XMPP technologies, kept as "
	"XEP-0139 asks: every threat is described with the same template (name, abstract, "
	"definition with an attack tree, likelihood, damage, priority, existing approaches, gap, "
	"potential approaches, recommended approach). Members file and update threats in the SIG "
	"room through vigil; every change is kept with its history, and this document is "
	"generated from the register.";

static void add_header(xmlNodePtr xep, const struct export_doc *doc)
{
	xmlNodePtr header = xml_child(xep, "header", NULL), legal, author, revision, remark;
	char abstract[512], version[32], day[EXPORT_DAY_SIZE];
	size_t i;

	xml_child(header, "title", "Threats to XMPP Technologies");
	snprintf(abstract, sizeof abstract, "The threats to XMPP technologies identified by the "
		 "Security SIG, each described with the template of XEP-0139: %zu open, %zu retired.",
		 doc->nopen, doc->nretired);
	xml_child(header, "abstract", abstract);
	legal = xml_child(header, "legal", NULL);
	xml_child(legal, "copyright", "This document is generated from the Security SIG's register.");
	xml_child(legal, "permissions", "Permission is granted to copy and redistribute this document.");
	xml_child(legal, "warranty", "This document is provided as is, without warranty of any kind.");
	xml_child(legal, "liability", "In no event shall its authors be liable for any damages.");
	xml_child(legal, "conformance", "This document is informational; it defines no protocol.");
	xml_child(header, "number", "xxxx");
	xml_child(header, "status", "ProtoXEP");
	xml_child(header, "type", "Informational");
	xml_child(header, "sig", "Security");
	xml_child(header, "dependencies", NULL);
	xml_child(header, "supersedes", NULL);
	xml_child(header, "supersededby", NULL);
	xml_child(header, "shortname", "threats");
	author = xml_child(header, "author", NULL);
	xml_child(author, "firstname", "Security");
	xml_child(author, "surname", "SIG");
	xml_child(author, "jid", doc->room);
	/* one revision per day of changes, newest first; the export itself first */
	revision = xml_child(header, "revision", NULL);
	snprintf(version, sizeof version, "0.%zu", doc->ndays + 1);
	xml_child(revision, "version", version);
	xml_child(revision, "date", export_day(day, doc->generated));
	xml_child(revision, "initials", "vigil");
	text_format(abstract, sizeof abstract, "Exported from the register at %s.", doc->generated);
	remark = xml_child(revision, "remark", NULL);
	xml_child(remark, "p", abstract);
	for (i = doc->ndays; i-- > 0;) {
		revision = xml_child(header, "revision", NULL);
		snprintf(version, sizeof version, "0.%zu", i + 1);
		xml_child(revision, "version", version);
		xml_child(revision, "date", doc->days[i].date);
		xml_child(revision, "initials", "sig");
		remark = xml_child(revision, "remark", NULL);
		xml_child(remark, "p", doc->days[i].summary);
	}
}

static void add_priority_table(xmlNodePtr section)
{
	static const char *const rows[4][4] = {
		{ "likelihood \\ damage", "low", "medium", "high" },
		{ "low", "note", "low", "medium" },
		{ "medium", "low", "medium", "high" },
		{ "high", "medium", "high", "critical" },
	};
	xmlNodePtr table = xml_child(section, "table", NULL), tr;
	int r, c;

	xml_attr(table, "caption", "Priority from likelihood and damage (OWASP risk rating)");
	for (r = 0; r < 4; r++) {
		tr = xml_child(table, "tr", NULL);
		for (c = 0; c < 4; c++)
			xml_child(tr, r == 0 || c == 0 ? "th" : "td", rows[r][c]);
	}
}

static void add_introduction(xmlNodePtr xep, const struct export_doc *doc)
{
	xmlNodePtr s = xml_child(xep, "section1", NULL), table, tr;
	char buf[256], tid[32];
	size_t i;

	xml_attr(s, "topic", "Introduction");
	xml_attr(s, "anchor", "intro");
	xml_paragraphs(s, process, XML_XEP);
	xml_paragraphs(s, "Priority follows from likelihood and damage; a threat not yet assessed "
			  "on both is \"unassessed\". Threats are listed by priority, highest first, "
			  "then by id.", XML_XEP);
	add_priority_table(s);
	text_format(buf, sizeof buf, "The register holds %zu open and %zu retired threats (exported "
		    "%s; the SIG room is %s).", doc->nopen, doc->nretired, doc->generated, doc->room);
	xml_paragraphs(s, buf, XML_XEP);
	if (!doc->nopen)
		return;
	table = xml_child(s, "table", NULL);
	xml_attr(table, "caption", "Summary");
	tr = xml_child(table, "tr", NULL);
	xml_child(tr, "th", "Id");
	xml_child(tr, "th", "Name");
	xml_child(tr, "th", "Priority");
	xml_child(tr, "th", "Status");
	for (i = 0; i < doc->nopen; i++) {
		tr = xml_child(table, "tr", NULL);
		threat_id_format(doc->open[i].id, tid, sizeof tid);
		xml_child(tr, "td", tid);
		xml_child(tr, "td", threat_get(&doc->open[i], THREAT_NAME));
		xml_child(tr, "td", doc->open[i].priority);
		xml_child(tr, "td", threat_get(&doc->open[i], THREAT_STATUS));
	}
}

/* The ten template items, each a section2. */
static void add_threat(xmlNodePtr xep, const struct export_doc *doc, const struct threat *t)
{
	char *discussion = export_discussion(doc, t->id);
	xmlNodePtr s = xml_child(xep, "section1", NULL), sub = NULL;
	char topic[1024], tid[32], title[64], created[EXPORT_DAY_SIZE], updated[EXPORT_DAY_SIZE];
	char item = 0;
	size_t i;

	threat_id_format(t->id, tid, sizeof tid);
	text_format(topic, sizeof topic, "%s: %s (priority %s)", tid, threat_get(t, THREAT_NAME),
		    t->priority);
	xml_attr(s, "topic", topic);
	xml_attr(s, "anchor", tid);
	text_format(topic, sizeof topic, "Status %s, revision %lld, filed by %s on %s, updated %s.",
		    threat_get(t, THREAT_STATUS), t->revision, t->author ? t->author : "?",
		    export_day(created, t->created), export_day(updated, t->updated));
	xml_paragraphs(s, topic, XML_XEP);
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		const char *value;
		if (!f->item)
			continue;
		if (f->item != item) {
			/* definition and attack tree share item c) */
			item = f->item;
			sub = xml_child(s, "section2", NULL);
			text_format(title, sizeof title, "%c) %s", item, f->label);
			xml_attr(sub, "topic", title);
			text_format(title, sizeof title, "%s-%s", tid, f->var);
			xml_attr(sub, "anchor", title);
		}
		value = f->slot == TEMPLATE_NOT_STORED ? t->priority
						       : threat_get(t, (enum threat_field)f->slot);
		if (f->slot == THREAT_ATTACK_TREE) {
			if (*value) {
				xml_paragraphs(sub, "Attack tree (the cheapest attack in bold):", XML_XEP);
				xml_attack_tree(sub, value, XML_XEP);
			}
		} else if (f->slot == TEMPLATE_NOT_STORED && discussion) {
			/* the priority is the group's: its assessments, then the talk */
			xml_paragraphs(sub, value, XML_XEP);
			xml_paragraphs(sub, discussion, XML_XEP);
		} else if (value && *value) {
			xml_paragraphs(sub, value, XML_XEP);
		} else if (f->slot != THREAT_DEFINITION || !*threat_get(t, THREAT_ATTACK_TREE)) {
			xml_paragraphs(sub, f->slot == THREAT_LIKELIHOOD || f->slot == THREAT_DAMAGE ?
					    "Not assessed yet." : "Not described yet.", XML_XEP);
		}
	}
	free(discussion);
}

static void add_retired(xmlNodePtr xep, const struct export_doc *doc)
{
	xmlNodePtr s, ul;
	char line[1024], tid[32], day[EXPORT_DAY_SIZE];
	size_t i;

	if (!doc->nretired)
		return;
	s = xml_child(xep, "section1", NULL);
	xml_attr(s, "topic", "Retired threats");
	xml_attr(s, "anchor", "retired");
	ul = xml_child(s, "ul", NULL);
	for (i = 0; i < doc->nretired; i++) {
		threat_id_format(doc->retired[i].id, tid, sizeof tid);
		text_format(line, sizeof line, "%s: %s (retired %s)", tid,
			    threat_get(&doc->retired[i], THREAT_NAME), export_day(day, doc->retired[i].updated));
		xml_child(ul, "li", line);
	}
}

char *export_xep(const struct export_doc *doc)
{
	xmlDocPtr xml = xmlNewDoc(X "1.0");
	xmlNodePtr xep;
	char *out;
	size_t i;

	if (!xml)
		return NULL;
	xep = xmlNewNode(NULL, X "xep");
	xmlDocSetRootElement(xml, xep);
	xmlCreateIntSubset(xml, X "xep", NULL, X "xep.dtd");
	add_header(xep, doc);
	add_introduction(xep, doc);
	for (i = 0; i < doc->nopen; i++)
		add_threat(xep, doc, &doc->open[i]);
	add_retired(xep, doc);
	out = xml_serialise(xml, XML_XEP);
	xmlFreeDoc(xml);
	return out;
}
