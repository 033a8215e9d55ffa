/* SPDX-License-Identifier: MIT */
/* The template table: see template.h. */
#include "commands/register/template.h"

#include <string.h>

/* "Not assessed" first: clients that start a drop-down on its first option
 * (poezio 0.14, browsers) then submit it when the member leaves it alone. */
static const struct template_option levels[] = {
	{ TEMPLATE_UNASSESSED, "Not assessed" },
	{ "high", "High" },
	{ "medium", "Medium" },
	{ "low", "Low" },
	{ NULL, NULL },
};

static const struct template_option statuses[] = {
	{ "identified", "Identified" },
	{ "analyzed", "Analyzed" },
	{ "addressed", "Addressed" },
	{ "retired", "Retired" },
	{ NULL, NULL },
};

#define FILE_EDIT_RESULT (TEMPLATE_IN_FILE | TEMPLATE_IN_EDIT | TEMPLATE_IN_RESULT)

const struct template_field template_fields[] = {
	{ "id", TEMPLATE_NOT_STORED, NULL, "Threat", 0,
	  "Assigned by vigil: T-1, T-2, ...",
	  TEMPLATE_TEXT_SINGLE, 0, 0, NULL, TEMPLATE_IN_RESULT },
	{ "name", THREAT_NAME, "name", "Name", 'a',
	  "Required. A short name for the threat, up to 200 characters.",
	  TEMPLATE_TEXT_SINGLE, 1, 200, NULL, FILE_EDIT_RESULT },
	{ "abstract", THREAT_ABSTRACT, "abstract", "Abstract", 'b',
	  "Required. What the threat is, in a few sentences; up to 2,000 characters.",
	  TEMPLATE_TEXT_MULTI, 1, 2000, NULL, FILE_EDIT_RESULT },
	{ "definition", THREAT_DEFINITION, "definition", "Definition", 'c',
	  "How the attack works; up to 16,000 characters.",
	  TEMPLATE_TEXT_MULTI, 0, 16000, NULL, FILE_EDIT_RESULT },
	{ "attack-tree", THREAT_ATTACK_TREE, "attack_tree", "Attack tree", 'c',
	  "One step per line, children indented under their goal; \"AND \" when all children "
	  "are needed; [cost=N, impossible, equipment] after a step. At most 500 steps, 16 deep.",
	  TEMPLATE_TEXT_MULTI, 0, 16000, NULL, FILE_EDIT_RESULT },
	{ "likelihood", THREAT_LIKELIHOOD, "likelihood", "Likelihood", 'd',
	  "How likely the attack is: high, medium or low; unassessed until someone assesses it.",
	  TEMPLATE_LIST_SINGLE, 0, 0, levels, FILE_EDIT_RESULT },
	{ "damage", THREAT_DAMAGE, "damage", "Damage", 'e',
	  "How much harm it does: high, medium or low; unassessed until someone assesses it.",
	  TEMPLATE_LIST_SINGLE, 0, 0, levels, FILE_EDIT_RESULT },
	{ "priority", TEMPLATE_NOT_STORED, NULL, "Priority", 'f',
	  "Computed from likelihood and damage: critical, high, medium, low, note or unassessed.",
	  TEMPLATE_TEXT_SINGLE, 0, 0, NULL, TEMPLATE_IN_RESULT },
	{ "existing-approaches", THREAT_EXISTING, "existing_approaches", "Existing approaches", 'g',
	  "What already counters it, e.g. XEP-0220; up to 8,000 characters.",
	  TEMPLATE_TEXT_MULTI, 0, 8000, NULL, FILE_EDIT_RESULT },
	{ "gap", THREAT_GAP, "gap", "Gap", 'h',
	  "What the existing approaches leave open; up to 8,000 characters.",
	  TEMPLATE_TEXT_MULTI, 0, 8000, NULL, FILE_EDIT_RESULT },
	{ "potential-approaches", THREAT_POTENTIAL, "potential_approaches", "Potential approaches", 'i',
	  "Ways to close the gap and their implementation issues; up to 8,000 characters.",
	  TEMPLATE_TEXT_MULTI, 0, 8000, NULL, FILE_EDIT_RESULT },
	{ "recommended-approach", THREAT_RECOMMENDED, "recommended_approach", "Recommended approach", 'j',
	  "What the SIG recommends, e.g. \"do nothing at this time\"; up to 8,000 characters.",
	  TEMPLATE_TEXT_MULTI, 0, 8000, NULL, FILE_EDIT_RESULT },
	{ "status", THREAT_STATUS, "status", "Status", 0,
	  "identified, analyzed, addressed or retired (only admins retire).",
	  TEMPLATE_LIST_SINGLE, 1, 0, statuses, TEMPLATE_IN_EDIT | TEMPLATE_IN_RESULT },
	{ "revision", TEMPLATE_NOT_STORED, NULL, "Revision", 0,
	  "Increases by one on every change.",
	  TEMPLATE_TEXT_SINGLE, 0, 0, NULL, TEMPLATE_IN_EDIT | TEMPLATE_IN_RESULT },
};

const size_t template_field_count = sizeof template_fields / sizeof template_fields[0];

_Static_assert(sizeof template_fields / sizeof template_fields[0] ==
	       THREAT_FIELD_COUNT + TEMPLATE_COMPUTED_COUNT,
	       "every slot of enum threat_field has one entry in template_fields[]");

const struct threat_schema *template_schema(void)
{
	/* Derived from the constant table on each call: the same every time. */
	static struct threat_schema schema;
	size_t i;

	schema.count = THREAT_FIELD_COUNT;
	for (i = 0; i < template_field_count; i++) {
		const struct template_field *f = &template_fields[i];
		if (f->slot == TEMPLATE_NOT_STORED)
			continue;
		schema.columns[f->slot].column = f->column;
		schema.columns[f->slot].var = f->var;
		schema.columns[f->slot].not_null = f->required;
	}
	return &schema;
}

const struct template_field *template_find(const char *var)
{
	size_t i;

	for (i = 0; var && i < template_field_count; i++)
		if (strcmp(template_fields[i].var, var) == 0)
			return &template_fields[i];
	return NULL;
}

const struct template_field *template_by_slot(enum threat_field slot)
{
	size_t i;

	for (i = 0; i < template_field_count; i++)
		if (template_fields[i].slot == (int)slot)
			return &template_fields[i];
	return NULL;
}

const char *template_option_label(const struct template_field *f, const char *value)
{
	const struct template_option *o;

	for (o = f->options; o && o->value; o++)
		if (strcmp(o->value, value) == 0)
			return o->label;
	return value;
}

/* Fields whose options start with "unassessed": likelihood and damage. */
static int offers_unassessed(const struct template_field *f)
{
	return f->options && f->options[0].value && strcmp(f->options[0].value, TEMPLATE_UNASSESSED) == 0;
}

const char *template_shown_value(const struct template_field *f, const char *stored)
{
	return offers_unassessed(f) && (!stored || !*stored) ? TEMPLATE_UNASSESSED : stored;
}

const char *template_stored_value(const struct template_field *f, const char *value)
{
	return offers_unassessed(f) && value && strcmp(value, TEMPLATE_UNASSESSED) == 0 ? "" : value;
}
