/* SPDX-License-Identifier: MIT */
/* XEP-0004 data forms over libstrophe stanzas: reading a submitted form and
 * building forms and results. Text is carried as stanza text, never spliced
 * into XML strings. */
#ifndef VIGIL_FORMS_H
#define VIGIL_FORMS_H

#include <stddef.h>
#include <strophe.h>

#include "component/xmpp/ns.h"

struct form_field {
	char *var;
	char **values;   /* owned */
	size_t nvalues;
};

struct form {
	char *type;      /* submit | cancel | form | result */
	struct form_field *fields;
	size_t count;
};

/* Reads <x xmlns='jabber:x:data'>. Returns 0, or -1 when it is malformed
 * (a field without var, too many fields or values). */
int form_parse(xmpp_stanza_t *x, struct form *out);
void form_clear(struct form *form);

/* Checks a submission against the form it answers: FORM_TYPE (XEP-0068)
 * given with form_type as its one value, every other field one of vars
 * (NULL-terminated: the fields the form offered) and no field given twice.
 * Returns 0, or -1 with every problem in msg, naming at most a few fields,
 * each shortened (text_shorten()). */
int form_check(const struct form *form, const char *form_type, const char *const *vars,
	       char *msg, size_t len);

/* The field named var, or NULL when absent. */
const struct form_field *form_find(const struct form *form, const char *var);

/* A field's values joined by "\n" (XEP-0004 text-multi carries one line per
 * <value/>); "" for a field without values; NULL when the field is absent or
 * on allocation failure (then *absent tells which). Caller frees. */
char *form_text(const struct form *form, const char *var, int *absent);

/* --- building ---------------------------------------------------------- */

/* Adds <x xmlns='jabber:x:data' type='type'> to parent, with optional
 * <title/> and <instructions/>. Returns the x element (owned by parent). */
xmpp_stanza_t *form_add(xmpp_stanza_t *parent, const char *type, const char *title,
			const char *instructions);

/* Adds a <field/>; type and label may be NULL. Returns it (owned by x). */
xmpp_stanza_t *form_add_field(xmpp_stanza_t *x, const char *var, const char *type,
			      const char *label);

/* The most <value/> lines form_field_set_value() puts in a field: libstrophe
 * appends a child by walking its siblings, so n lines cost n²/2 steps (a
 * 16,000-line text took 0.7 s). Stored texts never have more
 * (TEMPLATE_MAX_LINES); text shown for reading (comments, notes, a refused
 * submission shown again) is cut after this many lines. */
#define FORM_MAX_LINES 1000

/* Sets a field's value; text-multi values are split into one <value/> a
 * line, at most FORM_MAX_LINES of them. */
int form_field_set_value(xmpp_stanza_t *field, const char *value, int multi_line);
int form_field_add_value(xmpp_stanza_t *field, const char *value);
int form_field_add_option(xmpp_stanza_t *field, const char *label, const char *value);
int form_field_set_desc(xmpp_stanza_t *field, const char *desc);
int form_field_set_required(xmpp_stanza_t *field);

/* Adds the hidden FORM_TYPE field. */
int form_add_form_type(xmpp_stanza_t *x, const char *form_type);

#endif
