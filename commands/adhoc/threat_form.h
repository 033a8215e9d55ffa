/* SPDX-License-Identifier: MIT */
/* The threat template as data-form fields: the file and edit forms, reading
 * a submission into a threat, and the result form of `show`. All of it is
 * derived from the template table (commands/register/template.c). */
#ifndef VIGIL_THREAT_FORM_H
#define VIGIL_THREAT_FORM_H

#include <strophe.h>

#include "component/xmpp/forms.h"
#include "storage/threat.h"

struct op_result;

enum threat_form_kind {
	THREAT_FORM_FILE,    /* every template field but id/priority/revision/status */
	THREAT_FORM_EDIT,    /* the template prefilled, with hidden revision and status */
	THREAT_FORM_RESULT,  /* every field, read-only (show) */
};

/* Adds the template's fields to x, prefilled from t (may be NULL). */
int threat_form_add_fields(xmpp_stanza_t *x, const struct threat *t, enum threat_form_kind kind);

/* Adds just likelihood and damage (the assess form), prefilled from t. */
int threat_form_add_assessment(xmpp_stanza_t *x, const struct threat *t);

/* Fills vars (room for max entries) with the vars of the form kind offers,
 * in the form's order, NULL-terminated: what a submission of it may carry
 * (form_check()). max > template_field_count keeps them all. */
void threat_form_vars(enum threat_form_kind kind, const char **vars, size_t max);

/* Reads the template fields of a submission into t (fields the form kind
 * does not carry are left alone). CR LF becomes LF. For the edit form,
 * *revision receives the hidden revision (0 when absent). Returns 0, or -1
 * with the problem in r. */
int threat_form_read(const struct form *f, struct threat *t, enum threat_form_kind kind,
		     long long *revision, struct op_result *r);

/* Appends to buf a note naming the XEP references in t's text fields with
 * their titles (unknown numbers flagged). */
void threat_form_xep_note(const struct threat *t, char *buf, size_t len);

#endif
