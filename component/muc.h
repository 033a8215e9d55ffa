/* vigil's seat in the SIG's MUC room (XEP-0045): join without history,
 * create and configure the room when missing, another nick on conflict,
 * rejoin after kick/destroy/restart, XEP-0410 self-ping. */
#ifndef VIGIL_MUC_H
#define VIGIL_MUC_H

#include <strophe.h>

struct daemon;

int muc_init(struct daemon *d);
void muc_free(struct daemon *d);

void muc_on_connected(struct daemon *d);
void muc_on_disconnected(struct daemon *d);

/* Presence or message from the room (bare JID = room.jid). Returns 1. */
int muc_handle_presence(struct daemon *d, xmpp_stanza_t *presence);
int muc_handle_message(struct daemon *d, xmpp_stanza_t *message);

/* Leaves the room (shutdown). */
void muc_leave(struct daemon *d, const char *reason);

/* In the room and allowed to speak: a visitor (no voice) is not, so
 * announcements wait for voice. */
int muc_can_speak(const struct daemon *d);
const char *muc_current_nick(const struct daemon *d);

/* Real bare JID of an occupant, NULL when unknown (anonymous room). */
const char *muc_occupant_jid(const struct daemon *d, const char *nick);

/* Says `text` in the room. 0 when sent, -1 when not in the room. */
int muc_say(struct daemon *d, const char *text);

/* Pure: the nick to try after `attempt` conflicts ("vigil", "vigil_", "vigil_2"). */
void muc_nick_for_attempt(const char *base, int attempt, char *out, size_t outlen);

#endif
