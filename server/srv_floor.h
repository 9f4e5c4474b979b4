/* Who may speak in a room: the floor modes open, hands and round, turn
 * limits with a cue, and the requests hand, floor, pass and defer. The
 * media router asks srv_floor_may_speak for every packet, so the server,
 * not the clients, enforces the floor. Not thread-safe: loop thread. */
#ifndef SRV_FLOOR_H
#define SRV_FLOOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct srv;
struct srv_member;
struct srv_room;
struct srv_session;

/* Whether the member's media is forwarded (see docs/protocol.md, media). */
bool srv_floor_may_speak(const struct srv_member *m);
/* Whether the member's typed speech may be spoken now: as may_speak, but
 * a member who muted their own microphone may still type. */
bool srv_floor_may_type(const struct srv_member *m);
/* Whether the member is sent the room's media. */
bool srv_floor_may_hear(const struct srv_member *m);
/* {"mode":...,"holder":...,"queue":[...],"turn_left":...}. New reference. */
json_t *srv_floor_json(const struct srv_room *room);

/* Before "joined" is sent: a round with no holder starts with this member. */
void srv_floor_member_joined(struct srv *srv, struct srv_member *m);
/* After the room's "joined" event: tells the room the new queue. */
void srv_floor_after_join(struct srv *srv, struct srv_member *m);
/* After a member was taken out of position pos of the room's members. */
void srv_floor_member_left(struct srv *srv, struct srv_room *room, size_t pos, bool was_holder);
/* The member can no longer take the floor (stepped out, listening): passes
 * it on if they held it, and lowers their hand. */
void srv_floor_member_unavailable(struct srv *srv, struct srv_member *m);
/* The floor mode changed: resets the floor. */
void srv_floor_reset(struct srv *srv, struct srv_room *room);
/* The holder is done (as with "pass"); nothing when m does not hold it. */
void srv_floor_pass(struct srv *srv, struct srv_member *m);
/* Turn cues and ends. */
void srv_floor_tick(struct srv *srv, uint64_t now_ms);

void srv_floor_on_hand(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_floor_on_floor(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_floor_on_pass(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_floor_on_defer(struct srv *srv, struct srv_session *s, const json_t *msg);

#endif
