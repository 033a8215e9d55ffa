/* SPDX-License-Identifier: MIT */
/* Where ad-hoc command sessions live: in the database, so that a multi-stage
 * command survives a restart; in memory while the database refuses writes
 * (a full disk, a read-only file), so that reading commands such as
 * `list` can still page. */
#ifndef VIGIL_SESSIONS_H
#define VIGIL_SESSIONS_H

#include "storage/store.h"

struct commands_ctx;

/* Keeps s (copied). 0, or negative when neither place could keep it. */
int session_put(struct commands_ctx *cc, const struct stored_session *s);
/* STORE_NOTFOUND when neither place has it. */
int session_get(struct commands_ctx *cc, const char *id, struct stored_session *out);
void session_delete(struct commands_ctx *cc, const char *id);
/* Deletes expired sessions; returns how many (from the database) or negative. */
int session_expire(struct commands_ctx *cc);
/* Unexpired sessions of bare_jid's resources and of everyone. */
int session_count(struct commands_ctx *cc, const char *bare_jid, long long *mine, long long *all);
void sessions_free(struct commands_ctx *cc);

#endif
