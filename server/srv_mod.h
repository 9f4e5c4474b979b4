/* Moderation by hosts and facilitators: mute, move to listening, remove,
 * ban (by identity and address, for a duration), the ban list and unban.
 * Every request is checked against the requester's role first. Not
 * thread-safe: loop thread. */
#ifndef SRV_MOD_H
#define SRV_MOD_H

#include <jansson.h>

struct srv;
struct srv_session;

void srv_mod_on_moderate(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_mod_on_bans(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_mod_on_unban(struct srv *srv, struct srv_session *s, const json_t *msg);

#endif
