/* SPDX-License-Identifier: MIT */
/* Shared by the register's operation files (ops.c, discuss.c) only: the
 * error idiom and the change's event, written in its transaction. */
#ifndef VIGIL_OPS_INTERNAL_H
#define VIGIL_OPS_INTERNAL_H

#include "commands/register/context.h"
#include "commands/register/ops.h"

/* Sets r's code, field and message; returns code. */
int op_fail(struct op_result *r, enum op_code code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A storage code as the person's words; returns the op code. */
int op_storage_failed(struct commands_ctx *cc, struct op_result *r, int rc, long long id);
void op_clear_result(struct op_result *r);
/* Refuses text longer than 2,000 characters (var names it). */
int op_check_text(const char *var, const char *text, struct op_result *r);

/* Sets t's priority and rank from its likelihood and damage. 0 or -1. */
int op_set_priority(struct threat *t);
/* Stores "unassessed" as empty, sets the priority, validates t against the
 * template; OP_INVALID with the field in r. */
int op_check_threat(struct threat *t, struct op_result *r);

/* The change's event row and what the listener records with it, inside
 * the change's transaction; then, after the commit, op_tell. */
int op_record_event(struct commands_ctx *cc, enum change_kind kind, const struct threat *t,
		    const char *old_priority, const char *by, const char *room_text,
		    long long *event_id);
void op_tell(struct commands_ctx *cc, long long event_id, enum change_kind kind,
	     const struct threat *t, const char *old_priority, const char *by, const char *room_text);

#endif
