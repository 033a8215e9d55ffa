/* SPDX-License-Identifier: MIT */
/* Fuzz target: the export of hostile text (commands/export/) — a register
 * built in memory from the input (every text field of a few threats, their
 * revisions and the days of the history, as the template would have stored
 * them: valid UTF-8 without controls but newline and tab), rendered in every
 * format: the XEP document, the one-page HTML, Markdown, the site's index
 * and each threat's page with its tree drawn.
 *
 * Input: NUL-separated pieces, taken in turn for the fields of up to four
 * threats (the first byte says how many), their revisions' notes and the
 * days' summaries; a piece that is not valid text is left empty (storage
 * would have refused it). Oracle: each output is valid UTF-8; the XEP
 * document is well-formed XML (libxml2, no recovery); no output, parsed
 * (XML, HTML) or read as text (Markdown), holds an element "<x-..." an
 * input may try to inject (vigil writes none). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include "commands/export/export.h"
#include "commands/export/site.h"
#include "commands/export/svg.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_THREATS 4
#define MAX_REVS 3

struct pieces {
	const char *p, *end;
	int injected; /* some piece holds "<x-" */
};

/* valid UTF-8 (no surrogates, no overlongs) without controls but \n, \t */
static int valid_text(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], cp, need, k;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		if (i + need >= len)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
			return 0;
		i += need + 1;
	}
	return 1;
}

/* The next piece ("" once the input is used up, or when it is not text). */
static const char *next(struct pieces *in)
{
	const char *p = in->p;
	size_t len;

	if (p >= in->end)
		return "";
	len = strlen(p);
	in->p = p + len + 1;
	if (!valid_text((const unsigned char *)p, len))
		return "";
	if (strstr(p, "<x-"))
		in->injected = 1;
	return p;
}

static const char *choice(struct pieces *in, const char *const *options, size_t n)
{
	const char *p = next(in);

	return options[(unsigned char)p[0] % n];
}

/* 1 when the tree holds an element whose name starts with "x-". */
static int has_injected(xmlNodePtr node)
{
	for (; node; node = node->next) {
		if (node->type == XML_ELEMENT_NODE && node->name &&
		    strncmp((const char *)node->name, "x-", 2) == 0)
			return 1;
		if (has_injected(node->children))
			return 1;
	}
	return 0;
}

static size_t count_elements(xmlNodePtr node, const char *name)
{
	size_t n = 0;

	for (; node; node = node->next) {
		if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0)
			n++;
		n += count_elements(node->children, name);
	}
	return n;
}

enum kind { TEXT, XML, HTML };

/* The checks on one output. An HTML output is parsed only when the input
 * holds "<x-", for the one check that needs the parse ("<" may stand as it
 * is in an attribute value), or when the caller wants the parse (the
 * index's sections): parsing is most of this target's time. Returns the
 * parse when it was wanted (the caller frees it), NULL otherwise. */
static xmlDocPtr check(const char *what, const char *out, const struct pieces *in,
		       enum kind kind, int want_parse)
{
	xmlDocPtr doc = NULL;

	if (!out)
		return NULL; /* out of memory, or refused: nothing written */
	if (!valid_text((const unsigned char *)out, strlen(out))) {
		/* \r is the one control an output may carry (none do today) */
		fprintf(stderr, "%s: not valid text\n", what);
		abort();
	}
	if (kind == XML) {
		doc = xmlReadMemory(out, (int)strlen(out), "fuzz.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (!doc) {
			fprintf(stderr, "%s: not well-formed XML\n", what);
			abort();
		}
	} else if (kind == HTML && (in->injected || want_parse)) {
		doc = htmlReadMemory(out, (int)strlen(out), "fuzz.html", "UTF-8",
				     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	}
	if (in->injected && (doc ? has_injected(xmlDocGetRootElement(doc)) : strstr(out, "<x-") != NULL)) {
		fprintf(stderr, "%s: an element from the input came through\n", what);
		abort();
	}
	if (doc && !want_parse) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const levels[] = { "high", "medium", "low", "" };
	static const char *const statuses[] = { "identified", "analyzed", "addressed", "retired" };
	struct threat threats[MAX_THREATS];
	struct threat_revision revs[MAX_REVS];
	struct export_day days[2];
	struct export_doc doc;
	struct pieces in;
	struct svg_drawer *drawer;
	xmlDocPtr html;
	const char *author;
	char *copy, *out;
	size_t n, i, nopen = 0, k;
	int slot;

	if (size < 1 || size > 64 * 1024)
		return 0;
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	in.p = copy;
	in.end = copy + size - 1;
	in.injected = 0;
	n = 1 + data[0] % MAX_THREATS;
	memset(&doc, 0, sizeof doc);
	memset(revs, 0, sizeof revs);
	for (i = 0; i < n; i++) {
		struct threat *t = &threats[i];
		threat_init(t);
		t->id = (long long)i + 1;
		t->revision = MAX_REVS;
		for (slot = 0; slot < THREAT_FIELD_COUNT; slot++) {
			const char *v;
			if (slot == THREAT_LIKELIHOOD || slot == THREAT_DAMAGE)
				v = choice(&in, levels, 4);
			else if (slot == THREAT_STATUS)
				v = choice(&in, statuses, 4);
			else
				v = next(&in);
			threat_set(t, slot, v);
		}
		if (!*threat_get(t, THREAT_NAME))
			threat_set(t, THREAT_NAME, "unnamed");
		if (!*threat_get(t, THREAT_ABSTRACT))
			threat_set(t, THREAT_ABSTRACT, "a");
		t->priority_rank = priority_rank(threat_get(t, THREAT_LIKELIHOOD),
						 threat_get(t, THREAT_DAMAGE));
		t->priority = strdup(priority_name(t->priority_rank));
		author = next(&in);
		t->author = strdup(*author ? author : "alice@localhost");
		t->created = strdup("2026-11-24T09:00:00Z");
		t->updated = strdup(i % 2 ? "2026-11-25T10:00:00Z" : next(&in));
	}
	/* open first, then retired, as export_load hands them over */
	for (i = 0; i < n; i++)
		if (strcmp(threat_get(&threats[i], THREAT_STATUS), "retired") != 0) {
			struct threat tmp = threats[nopen];
			threats[nopen++] = threats[i];
			threats[i] = tmp;
		}
	doc.open = threats;
	doc.nopen = nopen;
	doc.retired = threats + nopen;
	doc.nretired = n - nopen;
	for (i = 0; i < 2; i++) {
		memcpy(days[i].date, i ? "2026-11-25" : "2026-11-24", 11);
		days[i].changes = i + 1;
		days[i].summary = (char *)next(&in);
	}
	doc.days = days;
	doc.ndays = 2;
	snprintf(doc.generated, sizeof doc.generated, "2026-11-30T12:00:00Z");
	doc.room = "sig@conference.localhost";
	doc.service = "threats.localhost";

	out = export_xep(&doc);
	check("xep", out, &in, XML, 0);
	free(out);
	out = export_html(&doc);
	check("html", out, &in, HTML, 0);
	free(out);
	out = export_markdown(&doc);
	check("markdown", out, &in, TEXT, 0);
	free(out);
	out = site_index(&doc);
	html = check("index", out, &in, HTML, 1);
	if (out) { /* every threat's section is one, where it belongs */
		size_t sections = html ? count_elements(xmlDocGetRootElement(html), "section") : 0;
		if (sections != n) {
			fprintf(stderr, "index: not one section per threat (%zu of %zu)\n", sections, n);
			abort();
		}
		xmlFreeDoc(html);
	}
	free(out);
	drawer = svg_drawer_new();
	for (i = 0; i < n; i++) {
		for (k = 0; k < MAX_REVS; k++) {
			revs[k].revision = (long long)k + 1;
			revs[k].at = (char *)(k ? next(&in) : "2026-11-24T09:00:00Z");
			revs[k].who = (char *)"bob@localhost";
			revs[k].changed = (char *)(k ? "likelihood damage" : "name abstract");
			revs[k].note = (char *)next(&in);
			revs[k].state = threats[i];
		}
		out = site_threat_page(&doc, &threats[i], revs, MAX_REVS, drawer);
		check("page", out, &in, HTML, 0);
		free(out);
	}
	svg_drawer_free(drawer);
	for (i = 0; i < n; i++)
		threat_clear(&threats[i]);
	free(copy);
	return 0;
}
