/* SPDX-License-Identifier: MIT */
/* The threat template (XEP-0139 §5 deliverable 2, PROTOCOL.md §3): one table
 * from which forms, validation, results, chat rendering, storage mapping and
 * export are all derived. */
#ifndef VIGIL_TEMPLATE_H
#define VIGIL_TEMPLATE_H

#include <stddef.h>

#include "storage/threat.h"

/* vigil's one namespace: the template's FORM_TYPE, the PubSub payloads and
 * the disco feature (PROTOCOL.md §3, §6). The others are in
 * component/xmpp/ns.h. */
#define VIGIL_NS "urn:vigil:threat:0"

/* The slots of struct threat (storage/threat.h) that the table's stored
 * fields name, one each (template.c checks the count at compile time and
 * tests/unit/test_template.c that each appears once). Adding a field: a
 * slot here, an entry in template_fields[] and a column by a migration in
 * storage/schema.c. */
enum threat_field {
	THREAT_NAME,
	THREAT_ABSTRACT,
	THREAT_DEFINITION,
	THREAT_ATTACK_TREE,
	THREAT_LIKELIHOOD,       /* "high" | "medium" | "low" | "" */
	THREAT_DAMAGE,           /* same */
	THREAT_EXISTING,         /* existing-approaches */
	THREAT_GAP,
	THREAT_POTENTIAL,        /* potential-approaches */
	THREAT_RECOMMENDED,      /* recommended-approach */
	THREAT_STATUS,           /* identified | analyzed | addressed | retired */
	THREAT_FIELD_COUNT
};
_Static_assert(THREAT_FIELD_COUNT <= THREAT_FIELDS_MAX, "struct threat has room for every slot");

/* Fields of the table that are not stored as text but computed or assigned:
 * id, priority, revision. */
#define TEMPLATE_COMPUTED_COUNT 3
/* How forms and chat commands say "not assessed" (PROTOCOL.md §3); the
 * register stores it as empty, which is read the same. */
#define TEMPLATE_UNASSESSED "unassessed"
/* Lines of a text-multi value. Each line is a <value/> of its own in a
 * form (XEP-0004), and libstrophe appends a child by walking its siblings:
 * a 16,000-character definition of blank lines took 0.7 s to put in a
 * form, on every `show` and `edit` of it. */
#define TEMPLATE_MAX_LINES 1000
#define TEMPLATE_NOT_STORED (-1)

enum template_kind { TEMPLATE_TEXT_SINGLE, TEMPLATE_TEXT_MULTI, TEMPLATE_LIST_SINGLE };

/* Which forms carry a field. */
#define TEMPLATE_IN_FILE   (1u << 0)  /* the `file` form */
#define TEMPLATE_IN_EDIT   (1u << 1)  /* the `edit` form */
#define TEMPLATE_IN_RESULT (1u << 2)  /* `show` results and payloads */

struct template_option {
	const char *value;
	const char *label;
};

struct template_field {
	const char *var;          /* form var, PROTOCOL.md §3 */
	int slot;                 /* enum threat_field, or TEMPLATE_NOT_STORED */
	const char *column;       /* SQL column of a stored field (storage/schema.c), else NULL */
	const char *label;        /* for people */
	char item;                /* XEP-0139 template item a..j, 0 for none */
	const char *desc;         /* one-line help with the limits */
	enum template_kind kind;
	int required;
	size_t max_chars;         /* code points; 0 for computed fields */
	const struct template_option *options; /* list-single; ends with {NULL} */
	unsigned forms;           /* TEMPLATE_IN_* */
};

extern const struct template_field template_fields[];
extern const size_t template_field_count;

/* The stored fields as storage needs them (store_open): column, var and
 * NOT NULL per slot, from the table. The pointer is to constant data. */
const struct threat_schema *template_schema(void);

/* The field with this var, or NULL. */
const struct template_field *template_find(const char *var);

/* The field stored in this slot. */
const struct template_field *template_by_slot(enum threat_field slot);

/* A stored value as a form shows it: empty likelihood or damage is
 * "unassessed", every option having a value (browsers always submit one). */
const char *template_shown_value(const struct template_field *f, const char *stored);

/* A submitted value as the register stores it: "unassessed" is empty. */
const char *template_stored_value(const struct template_field *f, const char *value);

/* The label of an option value, or the value itself. */
const char *template_option_label(const struct template_field *f, const char *value);

#endif
