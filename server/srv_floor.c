#include "srv_floor.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "srv.h"
#include "srv_circle.h"
#include "srv_room.h"
#include "srv_session.h"

bool srv_floor_may_hear(const struct srv_member *m) { return !m->stepped_out; }

bool srv_floor_may_speak(const struct srv_member *m)
{
  return !m->session->muted && srv_floor_may_type(m);
}

bool srv_floor_may_type(const struct srv_member *m)
{
  if (m->forced_mute || m->listening || m->stepped_out)
    return false;
  const struct srv_room *room = m->room;
  if (room->settings.floor == SRV_FLOOR_OPEN || room->holder == m)
    return true;
  return m->role >= SRV_ROLE_FACILITATOR && !m->defer;
}

static bool eligible(const struct srv_member *m) { return !m->listening && !m->stepped_out; }

/* The first eligible member from position start on, wrapping, skipping
 * `skip`; NULL when none. */
static struct srv_member *next_from(const struct srv_room *room, size_t start,
                                    const struct srv_member *skip)
{
  for (size_t k = 0; k < room->count; k++) {
    struct srv_member *m = room->members[(start + k) % room->count];
    if (m != skip && eligible(m))
      return m;
  }
  return NULL;
}

static size_t position(const struct srv_room *room, const struct srv_member *m)
{
  for (size_t i = 0; i < room->count; i++) {
    if (room->members[i] == m)
      return i;
  }
  return 0;
}

static int by_hand(const void *a, const void *b)
{
  const struct srv_member *x = *(struct srv_member *const *)a;
  const struct srv_member *y = *(struct srv_member *const *)b;
  return x->hand_seq < y->hand_seq ? -1 : x->hand_seq > y->hand_seq;
}

/* The queue in order: raised hands (hands) or the coming turns (round). */
static size_t queue(const struct srv_room *room, struct srv_member **out)
{
  size_t n = 0;
  if (room->settings.floor == SRV_FLOOR_HANDS) {
    for (size_t i = 0; i < room->count; i++) {
      if (room->members[i]->hand)
        out[n++] = room->members[i];
    }
    qsort(out, n, sizeof *out, by_hand);
  } else if (room->settings.floor == SRV_FLOOR_ROUND) {
    size_t start = room->holder ? position(room, room->holder) + 1 : 0;
    for (size_t k = 0; k < room->count; k++) {
      struct srv_member *m = room->members[(start + k) % room->count];
      if (m != room->holder && eligible(m))
        out[n++] = m;
    }
  }
  return n;
}

static unsigned turn_left(const struct srv_room *room, uint64_t now_ms)
{
  if (!room->holder || !room->settings.turn_limit)
    return 0;
  uint64_t limit_ms = (uint64_t)room->settings.turn_limit * 1000;
  uint64_t used = now_ms - room->turn_start_ms;
  return used >= limit_ms ? 0 : (unsigned)((limit_ms - used + 999) / 1000);
}

static json_t *floor_json_at(const struct srv_room *room, uint64_t now_ms)
{
  struct srv_member *q[SRV_ROOM_LIMIT_MAX];
  size_t n = queue(room, q);
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++)
    json_array_append_new(list, json_integer((json_int_t)q[i]->session->id));
  return json_pack("{s:s, s:o, s:o, s:I}", "mode", srv_floor_name(room->settings.floor), "holder",
                   room->holder ? json_integer((json_int_t)room->holder->session->id) : json_null(),
                   "queue", list ? list : json_array(), "turn_left",
                   (json_int_t)turn_left(room, now_ms));
}

json_t *srv_floor_json(const struct srv_room *room)
{
  /* Outside a tick the turn is measured from its own start. */
  return floor_json_at(room, room->turn_start_ms);
}

static void announce(struct srv *srv, struct srv_room *room, const char *reason)
{
  json_t *ev = srv_msg_new("event", -1);
  json_t *state = floor_json_at(room, srv->now_ms);
  if (!ev || !state) {
    json_decref(ev);
    json_decref(state);
    return;
  }
  json_object_set_new(ev, "event", json_string("floor"));
  json_object_set_new(ev, "room", json_string(room->name));
  json_object_update(ev, state);
  json_decref(state);
  json_object_set_new(ev, "holder_name",
                      room->holder ? json_string(room->holder->session->name) : json_null());
  json_object_set_new(ev, "reason", json_string(reason));
  srv_room_broadcast(srv, room, ev);
}

static void give(struct srv *srv, struct srv_room *room, struct srv_member *to, const char *why)
{
  if (room->holder && room->holder != to)
    srv_room_stop_speaking(srv, room->holder);
  room->holder = to;
  room->turn_start_ms = srv->now_ms;
  room->cue_sent = false;
  room->end_sent = false;
  if (to)
    to->hand = false;
  announce(srv, room, why);
}

/* The holder is done: the next turn in a round, nobody in hands. */
static void pass_on(struct srv *srv, struct srv_room *room, const char *why)
{
  struct srv_member *next = NULL;
  if (room->settings.floor == SRV_FLOOR_ROUND && room->holder)
    next = next_from(room, position(room, room->holder) + 1, room->holder);
  give(srv, room, next, why);
}

void srv_floor_pass(struct srv *srv, struct srv_member *m)
{
  if (m->room->holder == m)
    pass_on(srv, m->room, "passed");
}

void srv_floor_member_joined(struct srv *srv, struct srv_member *m)
{
  struct srv_room *room = m->room;
  if (room->settings.floor == SRV_FLOOR_ROUND && !room->holder && eligible(m)) {
    room->holder = m;
    room->turn_start_ms = srv->now_ms;
    room->cue_sent = false;
    room->end_sent = false;
  }
}

void srv_floor_after_join(struct srv *srv, struct srv_member *m)
{
  if (m->room->settings.floor != SRV_FLOOR_OPEN)
    announce(srv, m->room, "joined");
}

void srv_floor_member_left(struct srv *srv, struct srv_room *room, size_t pos, bool was_holder)
{
  if (room->settings.floor == SRV_FLOOR_OPEN)
    return;
  if (was_holder) {
    struct srv_member *next = NULL;
    if (room->settings.floor == SRV_FLOOR_ROUND && room->count)
      next = next_from(room, pos, NULL);
    give(srv, room, next, "left");
  } else {
    announce(srv, room, "left");
  }
}

void srv_floor_member_unavailable(struct srv *srv, struct srv_member *m)
{
  struct srv_room *room = m->room;
  bool had_hand = m->hand;
  m->hand = false;
  if (room->holder == m)
    pass_on(srv, room, "passed");
  else if (had_hand || room->settings.floor == SRV_FLOOR_ROUND)
    announce(srv, room, "hand");
}

void srv_floor_reset(struct srv *srv, struct srv_room *room)
{
  for (size_t i = 0; i < room->count; i++)
    room->members[i]->hand = false;
  struct srv_member *first = NULL;
  if (room->settings.floor == SRV_FLOOR_ROUND)
    first = next_from(room, 0, NULL);
  give(srv, room, first, "mode");
}

void srv_floor_tick(struct srv *srv, uint64_t now_ms)
{
  for (struct srv_room *r = srv->rooms; r; r = r->next) {
    const struct srv_settings *st = &r->settings;
    if (!r->holder || !st->turn_limit || st->floor == SRV_FLOOR_OPEN)
      continue;
    uint64_t used = now_ms - r->turn_start_ms;
    uint64_t limit_ms = (uint64_t)st->turn_limit * 1000;
    if (!r->cue_sent && st->turn_cue && st->turn_cue < st->turn_limit &&
        used >= limit_ms - (uint64_t)st->turn_cue * 1000) {
      r->cue_sent = true;
      json_t *ev = srv_room_event("turn_cue", r->holder);
      if (ev)
        json_object_set_new(ev, "seconds_left", json_integer(turn_left(r, now_ms)));
      srv_room_broadcast(srv, r, ev);
    }
    if (!r->end_sent && used >= limit_ms) {
      r->end_sent = true;
      json_t *ev = srv_room_event("turn_end", r->holder);
      if (ev)
        json_object_set_new(
            ev, "action", json_string(st->turn_end == SRV_TURN_PASS ? "pass" : "remind"));
      srv_room_broadcast(srv, r, ev);
      if (st->turn_end == SRV_TURN_PASS)
        pass_on(srv, r, "turn_end");
    }
  }
}

void srv_floor_on_hand(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jraised = json_object_get(msg, "raised");
  if (!json_is_boolean(jraised)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "hand needs a true or false \"raised\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_MEMBER);
  if (!m)
    return;
  bool raised = json_is_true(jraised);
  if (raised && (m->room->settings.floor != SRV_FLOOR_HANDS || !eligible(m))) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_ALLOWED,
                        "Hands are raised only in a room whose floor mode is hands.");
    return;
  }
  bool changed = m->hand != raised;
  if (raised && changed)
    m->hand_seq = ++m->room->hand_counter;
  m->hand = raised;
  json_t *reply = srv_msg_new("hand", id);
  if (reply)
    json_object_set_new(reply, "raised", json_boolean(raised));
  srv_send(srv, s->id, reply);
  if (changed)
    announce(srv, m->room, "hand");
}

void srv_floor_on_floor(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  const char *action = proto_msg_str(msg, "action", "");
  bool is_give = strcmp(action, "give") == 0;
  if (!is_give && strcmp(action, "next") != 0 && strcmp(action, "take") != 0) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "floor needs \"action\": \"next\", \"give\" or \"take\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  struct srv_room *room = m->room;
  if (room->settings.floor == SRV_FLOOR_OPEN) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_ALLOWED,
                        "The floor is open in %s: everyone may speak.", room->name);
    return;
  }
  struct srv_member *to = NULL;
  if (is_give) {
    to = srv_circle_target(srv, s, msg, id);
    if (!to)
      return;
  } else if (strcmp(action, "next") == 0) {
    struct srv_member *q[SRV_ROOM_LIMIT_MAX];
    to = queue(room, q) ? q[0] : NULL;
  }
  json_t *reply = srv_msg_new("floor", id);
  if (reply) {
    json_object_set_new(reply, "action", json_string(action));
    if (to)
      json_object_set_new(reply, "session", json_integer((json_int_t)to->session->id));
  }
  srv_send(srv, s->id, reply);
  give(srv, room, to, is_give ? "given" : to ? "next" : "taken");
}

void srv_floor_on_pass(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_MEMBER);
  if (!m)
    return;
  if (m->room->holder != m) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_YOUR_TURN, "You do not hold the floor.");
    return;
  }
  srv_send(srv, s->id, srv_msg_new("passed", id));
  pass_on(srv, m->room, "passed");
}

void srv_floor_on_defer(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jon = json_object_get(msg, "on");
  if (!json_is_boolean(jon)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "defer needs a true or false \"on\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  m->defer = json_is_true(jon);
  json_t *reply = srv_msg_new("defer", id);
  if (reply)
    json_object_set_new(reply, "on", json_boolean(m->defer));
  srv_send(srv, s->id, reply);
}
