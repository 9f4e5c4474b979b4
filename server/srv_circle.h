/* Circles: room creation and settings, roles, invites, knocking, status,
 * step out, private notes and closing with notice; plus the helpers every
 * role-checked request uses. Not thread-safe: loop thread. */
#ifndef SRV_CIRCLE_H
#define SRV_CIRCLE_H

#include <jansson.h>
#include <stdint.h>

#include "srv_db.h"

struct srv;
struct srv_member;
struct srv_room;
struct srv_session;

/* The sender's membership when their role in their room is at least
 * min_role; otherwise sends not_in_room / not_allowed and returns NULL. */
struct srv_member *srv_circle_require(struct srv *srv, struct srv_session *s, json_int_t id,
                                      enum srv_role min_role);
/* The member named by msg's "session" in the sender's room, or NULL after
 * sending bad_message / no_such_person. */
struct srv_member *srv_circle_target(struct srv *srv, struct srv_session *s, const json_t *msg,
                                     json_int_t id);
/* All settings as JSON. New reference. */
json_t *srv_circle_settings_json(const struct srv_settings *st);
/* Applies the JSON object's settings over *st; on a bad one why gets a
 * sentence and *st is unchanged. */
int srv_circle_settings_apply(const json_t *obj, struct srv_settings *st, char *why,
                              size_t why_cap);

/* Puts the session in room's anteroom and tells the facilitators. */
void srv_circle_knock(struct srv *srv, struct srv_session *s, struct srv_room *room,
                      json_int_t id);
/* Withdraws the session's knock, if any (facilitators get knock_withdrawn). */
void srv_circle_withdraw_knock(struct srv *srv, struct srv_session *s);

/* Loads the rooms from the database into memory (start and reload). */
int srv_circle_load_rooms(struct srv *srv);
/* Close countdowns, and rooms the operator deleted that are now empty. */
void srv_circle_tick(struct srv *srv, uint64_t now_ms);

void srv_circle_on_create(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_circle_on_set(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_circle_on_role(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_circle_on_invite(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_circle_on_admit(struct srv *srv, struct srv_session *s, const json_t *msg, bool admit);
void srv_circle_on_status(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_circle_on_step_out(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_circle_on_note(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_circle_on_close(struct srv *srv, struct srv_session *s, const json_t *msg);

#endif
