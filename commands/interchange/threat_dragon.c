/* SPDX-License-Identifier: MIT */
/* An OWASP Threat Dragon v2 model's threats as new threats of the register
 * (doc/INTERCHANGE.md, the mapping table): each threat of each element
 * (a diagram's cell: process, store, actor, flow) becomes one record, filed
 * by the import. The model's layout, its diagrams and elements themselves
 * are not the register's and are left out; which element a threat belongs
 * to is named in its definition. */
#include "commands/interchange/records.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/register/template.h"
#include "commands/text/text.h"

/* The text of o[key], "" when absent or not a string. */
static const char *text_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* Severity as vigil's likelihood and damage, chosen so that their priority
 * (PROTOCOL.md §4) is the severity: doc/INTERCHANGE.md's table. */
static int set_severity(struct threat *t, const char *severity)
{
	static const struct {
		const char *severity, *likelihood, *damage;
	} map[] = {
		{ "critical", "high", "high" },    /* critical */
		{ "high", "medium", "high" },      /* high */
		{ "medium", "medium", "medium" },  /* medium */
		{ "low", "low", "medium" },        /* low */
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(severity, map[i].severity) == 0)
			return threat_set(t, THREAT_LIKELIHOOD, map[i].likelihood) < 0 ||
			       threat_set(t, THREAT_DAMAGE, map[i].damage) < 0 ? -1 : 1;
	return 0; /* "", "TBD" or unknown: not assessed */
}

/* Open (assessed or not), Mitigated, NA as vigil's status. */
static const char *status_of(const char *status, int assessed)
{
	if (strcasecmp(status, "mitigated") == 0)
		return "addressed";
	if (strcasecmp(status, "na") == 0 || strcasecmp(status, "n/a") == 0)
		return "retired";
	return assessed ? "analyzed" : "identified";
}

static const char *element_kind(const char *type)
{
	if (strcmp(type, "tm.Process") == 0)
		return "process";
	if (strcmp(type, "tm.Store") == 0)
		return "data store";
	if (strcmp(type, "tm.Actor") == 0)
		return "external actor";
	if (strcmp(type, "tm.Flow") == 0)
		return "data flow";
	if (strcmp(type, "tm.Boundary") == 0 || strcmp(type, "tm.BoundaryBox") == 0)
		return "trust boundary";
	return *type ? type : "element";
}

/* Where the threat is, what kind it is and its Threat Dragon id. */
static char *definition(const char *model, json_t *diagram, json_t *data, json_t *threat)
{
	const char *kind = text_of(threat, "type"), *method = text_of(threat, "modelType");
	const char *id = text_of(threat, "id"), *score = text_of(threat, "score");
	json_t *number = json_object_get(threat, "number");
	struct text out = { 0 };

	text_add(&out, "From the Threat Dragon model \"%s\", diagram \"%s\": the %s \"%s\".", model,
		 text_of(diagram, "title"), element_kind(text_of(data, "type")), text_of(data, "name"));
	if (*text_of(data, "description"))
		text_add(&out, "\nThe %s: %s", element_kind(text_of(data, "type")),
			 text_of(data, "description"));
	if (*kind)
		text_add(&out, "\n%s%s%s.", method, *method ? ": " : "", kind);
	if (!*id)
		id = text_of(threat, "threatId");
	if (*id)
		text_add(&out, "\nThreat Dragon threat %s.", id);
	else if (json_is_integer(number))
		text_add(&out, "\nThreat Dragon threat number %lld.", (long long)json_integer_value(number));
	if (*score)
		text_add(&out, "\nScore: %s.", score);
	return text_take(&out);
}

static int read_threat(struct import_batch *b, const char *path, const char *model,
		       json_t *diagram, json_t *data, json_t *threat)
{
	struct import_record *r;
	const char *title = text_of(threat, "title"), *description = text_of(threat, "description");
	char *def;
	int assessed;

	if (!json_is_object(threat)) {
		batch_reject(b, path, "a threat is an object");
		return 0;
	}
	if (!(r = batch_add(b, path)))
		return -1;
	if (!*title) {
		batch_reject(b, path, "\"title\" is missing: a threat needs its name");
		return 0;
	}
	if (!(def = definition(model, diagram, data, threat)))
		return -1;
	assessed = set_severity(&r->current, text_of(threat, "severity"));
	if (assessed < 0 || threat_set(&r->current, THREAT_NAME, title) < 0 ||
	    threat_set(&r->current, THREAT_ABSTRACT, *description ? description : title) < 0 ||
	    threat_set(&r->current, THREAT_DEFINITION, def) < 0 ||
	    threat_set(&r->current, THREAT_RECOMMENDED, text_of(threat, "mitigation")) < 0 ||
	    threat_set(&r->current, THREAT_STATUS, status_of(text_of(threat, "status"), assessed)) < 0) {
		free(def);
		return -1;
	}
	free(def);
	record_check_state(b, path, &r->current, NULL);
	return 0;
}

/* The threats of one cell: in data.threats, as Threat Dragon writes them
 * (the published schema also allows them on the cell itself). */
static int read_cell(struct import_batch *b, const char *at, const char *model, json_t *diagram,
		     json_t *cell)
{
	json_t *data = json_object_get(cell, "data"), *threats, *t;
	const char *where = "data.threats";
	char path[RECORD_PATH_BYTES];
	size_t k;

	threats = json_object_get(data, "threats");
	if (!threats) {
		threats = json_object_get(cell, "threats");
		where = "threats";
	}
	if (!threats)
		return 0;
	if (!json_is_array(threats)) {
		batch_reject(b, at, "\"%s\" is not an array", where);
		return 0;
	}
	json_array_foreach(threats, k, t) {
		if (b->count >= IMPORT_MAX_THREATS) {
			batch_reject(b, at, "more than %d threats in one model", IMPORT_MAX_THREATS);
			return 0;
		}
		text_format(path, sizeof path, "%s.%s[%zu]", at, where, k);
		if (read_threat(b, path, model, diagram, json_is_object(data) ? data : cell, t) < 0)
			return -1;
	}
	return 0;
}

int threat_dragon_read(const char *path, json_t *doc, struct import_batch *b, char *err,
		       size_t errlen)
{
	json_t *summary = json_object_get(doc, "summary"), *detail = json_object_get(doc, "detail");
	json_t *diagrams = json_object_get(detail, "diagrams"), *d, *cells, *c;
	const char *version = text_of(doc, "version"), *model;
	char at[RECORD_PATH_BYTES];
	size_t i, j;

	if (!json_is_object(summary) || !json_is_array(diagrams)) {
		text_format(err, errlen, "%s: not a Threat Dragon model (no \"summary\" and "
			    "\"detail.diagrams\")", path);
		return -1;
	}
	if (strncmp(version, "2.", 2) != 0) {
		text_format(err, errlen, "%s: not a Threat Dragon v2 model (version \"%s\"): open and "
			    "save it in Threat Dragon 2 first", path, version);
		return -1;
	}
	model = text_of(summary, "title");
	json_array_foreach(diagrams, i, d) {
		cells = json_object_get(d, "cells");
		if (!cells)
			continue;
		if (!json_is_array(cells)) {
			text_format(at, sizeof at, "$.detail.diagrams[%zu]", i);
			batch_reject(b, at, "\"cells\" is not an array");
			continue;
		}
		json_array_foreach(cells, j, c) {
			text_format(at, sizeof at, "$.detail.diagrams[%zu].cells[%zu]", i, j);
			if (json_is_object(c) && read_cell(b, at, model, d, c) < 0) {
				text_format(err, errlen, "%s: out of memory", path);
				return -1;
			}
		}
	}
	return 0;
}
