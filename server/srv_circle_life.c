/* The life of a circle: knocking at the door, being present (status, step
 * out, notes to the facilitators) and ending with notice. */
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "srv.h"
#include "srv_circle.h"
#include "srv_floor.h"
#include "srv_room.h"
#include "srv_session.h"

#define MODULE "circle"
#define NOTE_MAX_BYTES 4000 /* 1000 characters of up to 4 bytes */
#define CLOSE_MAX_S 3600
#define CLOSE_DEFAULT_S 60

/* Notices while a room closes, in seconds left. */
static const unsigned close_points[] = {60, 30, 10};

static json_t *knock_event(const char *what, const struct srv_session *k)
{
  json_t *ev = srv_msg_new("event", -1);
  if (ev) {
    json_object_set_new(ev, "event", json_string(what));
    json_object_set_new(ev, "room", json_string(k->knocking->name));
    json_object_set_new(ev, "session", json_integer((json_int_t)k->id));
    json_object_set_new(ev, "name", json_string(k->name));
    json_object_set_new(ev, "guest", json_boolean(!k->identified));
  }
  return ev;
}

void srv_circle_knock(struct srv *srv, struct srv_session *s, struct srv_room *room,
                      json_int_t id)
{
  srv_circle_withdraw_knock(srv, s);
  s->knocking = room;
  json_t *reply = srv_msg_new("knocking", id);
  if (reply)
    json_object_set_new(reply, "room", json_string(room->name));
  srv_send(srv, s->id, reply);
  hx_log(HX_LOG_INFO, MODULE, "session %llu knocks at %s", (unsigned long long)s->id,
         room->name);
  srv_room_tell_facilitators(srv, room, knock_event("knock", s));
}

void srv_circle_withdraw_knock(struct srv *srv, struct srv_session *s)
{
  if (!s->knocking)
    return;
  srv_room_tell_facilitators(srv, s->knocking, knock_event("knock_withdrawn", s));
  s->knocking = NULL;
}

void srv_circle_on_admit(struct srv *srv, struct srv_session *s, const json_t *msg, bool admit)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jsession = json_object_get(msg, "session");
  json_t *jreason = json_object_get(msg, "reason");
  if (!json_is_integer(jsession) || (jreason && !json_is_string(jreason))) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "%s needs an integer \"session\" (and \"reason\", when given, is text).",
                   admit ? "admit" : "decline");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  struct srv_room *room = m->room;
  struct srv_session *k = srv_session_find(srv, (uint64_t)json_integer_value(jsession));
  if (!k || k->knocking != room) {
    srv_send_error(srv, s->id, id, PROTO_E_NO_SUCH_PERSON, "No one with that session is knocking at %s.",
                        room->name);
    return;
  }
  if (admit && room->count >= room->settings.limit) {
    srv_send_error(srv, s->id, id, PROTO_E_ROOM_FULL, "%s is full: it holds %u people.",
                   room->name, room->settings.limit);
    return;
  }
  /* Names are unique within a room: someone of the same name may have come
   * in while this person waited. */
  for (size_t i = 0; admit && i < room->count; i++) {
    if (srv_name_same(room->members[i]->session->name, k->name)) {
      srv_send_error(srv, s->id, id, PROTO_E_NAME_TAKEN,
                     "Someone in %s is already called \"%s\"; decline, and say why, so they "
                     "can come back with another name.",
                     room->name, k->name);
      return;
    }
  }
  json_t *reply = srv_msg_new(admit ? "admitted" : "declined", id);
  if (reply)
    json_object_set_new(reply, "session", json_integer((json_int_t)k->id));
  srv_send(srv, s->id, reply);
  srv_circle_withdraw_knock(srv, k);
  if (admit) {
    srv_room_enter(srv, k, room, -1);
    return;
  }
  json_t *ev = srv_msg_new("event", -1);
  if (ev) {
    json_object_set_new(ev, "event", json_string("declined"));
    json_object_set_new(ev, "room", json_string(room->name));
    json_object_set_new(ev, "reason", json_string(jreason ? json_string_value(jreason) : ""));
  }
  srv_send(srv, k->id, ev);
}

void srv_circle_on_status(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jaway = json_object_get(msg, "away");
  json_t *jtyping = json_object_get(msg, "typing");
  if ((!jaway && !jtyping) || (jaway && !json_is_boolean(jaway)) ||
      (jtyping && !json_is_boolean(jtyping))) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "status needs \"away\" and/or \"typing\", each true or false.");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_MEMBER);
  if (!m)
    return;
  bool away = jaway ? json_is_true(jaway) : m->away;
  bool typing = jtyping ? json_is_true(jtyping) : m->typing;
  bool changed = away != m->away || typing != m->typing;
  m->away = away;
  m->typing = typing;
  json_t *reply = srv_msg_new("status", id);
  if (reply) {
    json_object_set_new(reply, "away", json_boolean(away));
    json_object_set_new(reply, "typing", json_boolean(typing));
  }
  srv_send(srv, s->id, reply);
  if (!changed)
    return;
  json_t *ev = srv_room_event("status", m);
  if (ev) {
    json_object_set_new(ev, "away", json_boolean(away));
    json_object_set_new(ev, "typing", json_boolean(typing));
  }
  srv_room_broadcast(srv, m->room, ev);
}

void srv_circle_on_step_out(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jout = json_object_get(msg, "out");
  if (!json_is_boolean(jout)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "step_out needs a true or false \"out\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_MEMBER);
  if (!m)
    return;
  bool out = json_is_true(jout);
  bool changed = m->stepped_out != out;
  m->stepped_out = out;
  json_t *reply = srv_msg_new("step_out", id);
  if (reply)
    json_object_set_new(reply, "out", json_boolean(out));
  srv_send(srv, s->id, reply);
  if (!changed)
    return;
  json_t *ev = srv_room_event("stepped_out", m);
  if (ev)
    json_object_set_new(ev, "out", json_boolean(out));
  srv_room_broadcast(srv, m->room, ev);
  if (out) {
    srv_room_stop_speaking(srv, m);
    srv_floor_member_unavailable(srv, m);
  }
}

void srv_circle_on_note(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jtext = json_object_get(msg, "text");
  if (!json_is_string(jtext) || json_string_length(jtext) == 0 ||
      json_string_length(jtext) > NOTE_MAX_BYTES) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "note needs \"text\" of 1 to 1000 characters.");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_MEMBER);
  if (!m)
    return;
  srv_send(srv, s->id, srv_msg_new("noted", id));
  json_t *ev = srv_room_event("note", m);
  if (ev)
    json_object_set(ev, "text", jtext);
  srv_room_tell_facilitators(srv, m->room, ev);
}

static void closing_event(struct srv *srv, struct srv_room *room, unsigned left)
{
  json_t *ev = srv_msg_new("event", -1);
  if (ev) {
    json_object_set_new(ev, "event", json_string("closing"));
    json_object_set_new(ev, "room", json_string(room->name));
    json_object_set_new(ev, "seconds_left", json_integer(left));
    json_object_set_new(ev, "message", json_string(room->close_message));
  }
  srv_room_broadcast(srv, room, ev);
}

/* The next notice point below `below` seconds, or 0. */
static unsigned next_point(unsigned below)
{
  for (size_t i = 0; i < sizeof close_points / sizeof close_points[0]; i++) {
    if (close_points[i] < below)
      return close_points[i];
  }
  return 0;
}

void srv_circle_on_close(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jsec = json_object_get(msg, "seconds");
  json_t *jmsg = json_object_get(msg, "message");
  if ((jsec && (!json_is_integer(jsec) || json_integer_value(jsec) < 0 ||
                json_integer_value(jsec) > CLOSE_MAX_S)) ||
      (jmsg && (!json_is_string(jmsg) || json_string_length(jmsg) >= SRV_ROOM_MESSAGE_MAX))) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "close takes \"seconds\" from 0 to %d and a \"message\" under %d bytes.",
                   CLOSE_MAX_S, SRV_ROOM_MESSAGE_MAX);
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  struct srv_room *room = m->room;
  unsigned seconds = jsec ? (unsigned)json_integer_value(jsec) : CLOSE_DEFAULT_S;
  room->closing = true;
  room->close_at_ms = srv->now_ms + (uint64_t)seconds * 1000;
  room->close_next = next_point(seconds);
  hx_strlcpy(room->close_message, jmsg ? json_string_value(jmsg) : "", sizeof room->close_message);
  json_t *reply = srv_msg_new("closing", id);
  if (reply)
    json_object_set_new(reply, "seconds", json_integer(seconds));
  srv_send(srv, s->id, reply);
  hx_log(HX_LOG_INFO, MODULE, "session %llu closes %s in %u s", (unsigned long long)s->id,
         room->name, seconds);
  closing_event(srv, room, seconds);
  srv_circle_tick(srv, srv->now_ms);
}

static void end_room(struct srv *srv, struct srv_room *room)
{
  json_t *ev = srv_msg_new("event", -1);
  if (ev) {
    json_object_set_new(ev, "event", json_string("closed"));
    json_object_set_new(ev, "room", json_string(room->name));
    json_object_set_new(ev, "message", json_string(room->close_message));
  }
  srv_room_broadcast(srv, room, ev);
  while (room->count)
    srv_room_leave_how(srv, room->members[room->count - 1]->session, false, SRV_LEAVE_SILENT);
  for (struct srv_session *k = srv->sessions; k; k = k->next) {
    if (k->knocking == room)
      k->knocking = NULL;
  }
  room->closing = false;
  hx_log(HX_LOG_INFO, MODULE, "%s closed", room->name);
}

/* A closing room's notices, and its end when the time is up. */
static void count_down(struct srv *srv, struct srv_room *r, uint64_t now_ms)
{
  if (now_ms >= r->close_at_ms) {
    end_room(srv, r);
    return;
  }
  uint64_t left_ms = r->close_at_ms - now_ms;
  if (r->close_next && left_ms <= (uint64_t)r->close_next * 1000) {
    closing_event(srv, r, r->close_next);
    r->close_next = next_point(r->close_next);
  }
}

void srv_circle_tick(struct srv *srv, uint64_t now_ms)
{
  struct srv_room *r = srv->rooms;
  while (r) {
    struct srv_room *next = r->next;
    if (r->closing)
      count_down(srv, r, now_ms);
    /* A room the operator deleted while people were in it goes once the
     * last of them has left. */
    if (r->gone && r->count == 0)
      srv_room_remove(srv, r);
    r = next;
  }
}
