#include "srv_room.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_srtp.h"
#include "srv_session.h"

#define MODULE "room"
/* base64 of PROTO_SRTP_KEY_LEN bytes is 40 characters. */
#define KEY_B64_CAP 64

int srv_room_create(struct srv *srv, const char *name, const char *topic, unsigned limit,
                    struct srv_room **out)
{
  if (out)
    *out = NULL;
  if (limit == 0 || limit > SRV_ROOM_LIMIT_MAX || !topic)
    return HX_ERR_INVALID;
  struct srv_room *room = calloc(1, sizeof *room);
  if (!room)
    return HX_ERR_NOMEM;
  if (srv_name_clean(name, strlen(name), room->name, sizeof room->name) != HX_OK ||
      hx_strlcpy(room->topic, topic, sizeof room->topic) != HX_OK) {
    free(room);
    return HX_ERR_INVALID;
  }
  if (srv_room_find(srv, room->name)) {
    free(room);
    return HX_ERR_EXISTS;
  }
  room->limit = limit;
  room->members = calloc(limit, sizeof *room->members);
  if (!room->members) {
    free(room);
    return HX_ERR_NOMEM;
  }
  struct srv_room **tail = &srv->rooms;
  while (*tail)
    tail = &(*tail)->next;
  *tail = room;
  if (out)
    *out = room;
  return HX_OK;
}

void srv_room_free(struct srv_room *room)
{
  if (!room)
    return;
  free(room->members);
  free(room);
}

struct srv_room *srv_room_find(struct srv *srv, const char *name)
{
  for (struct srv_room *r = srv->rooms; r; r = r->next) {
    if (srv_name_same(r->name, name))
      return r;
  }
  return NULL;
}

/* {"type":"event","event":what,"room":...,"session":...,"name":...} */
static json_t *event_new(const char *what, const struct srv_member *m)
{
  json_t *ev = srv_msg_new("event", -1);
  if (!ev)
    return NULL;
  json_object_set_new(ev, "event", json_string(what));
  json_object_set_new(ev, "room", json_string(m->room->name));
  json_object_set_new(ev, "session", json_integer((json_int_t)m->session->id));
  json_object_set_new(ev, "name", json_string(m->session->name));
  return ev;
}

static void room_broadcast(struct srv *srv, const struct srv_room *room, json_t *ev)
{
  if (!ev)
    return;
  for (size_t i = 0; i < room->count; i++)
    srv_send(srv, room->members[i]->session->id, json_incref(ev));
  json_decref(ev);
}

static void set_speaking(struct srv *srv, struct srv_member *m, bool speaking)
{
  if (m->speaking == speaking)
    return;
  m->speaking = speaking;
  json_t *ev = event_new("speaking", m);
  if (ev)
    json_object_set_new(ev, "speaking", json_boolean(speaking));
  room_broadcast(srv, m->room, ev);
}

void srv_room_on_rooms(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_t *list = json_array();
  for (struct srv_room *r = srv->rooms; r && list; r = r->next) {
    json_t *item = json_pack("{s:s, s:s, s:I, s:I}", "name", r->name, "topic", r->topic,
                             "people", (json_int_t)r->count, "limit", (json_int_t)r->limit);
    if (json_array_append_new(list, item) != 0) {
      json_decref(list);
      list = NULL;
    }
  }
  json_t *reply = list ? srv_msg_new("rooms", proto_msg_id(msg)) : NULL;
  if (!reply || json_object_set_new(reply, "rooms", list) != 0) {
    json_decref(reply);
    srv_send_error(srv, s->id, proto_msg_id(msg), PROTO_E_INTERNAL,
                   "The server could not list the rooms; try again.");
    return;
  }
  srv_send(srv, s->id, reply);
}

static void member_free(struct srv_member *m)
{
  if (!m)
    return;
  proto_srtp_destroy(m->in);
  proto_srtp_destroy(m->out);
  free(m);
}

/* A random SSRC no one else uses (0 is kept free: some stacks treat it as
 * unset). */
static int pick_ssrc(struct srv *srv, uint32_t *out)
{
  for (int tries = 0; tries < 64; tries++) {
    uint32_t v;
    if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
      return HX_ERR_CRYPTO;
    if (v != 0 && !srv_ssrc_get(&srv->ssrcs, v)) {
      *out = v;
      return HX_OK;
    }
  }
  return HX_ERR_EXISTS;
}

/* A member with fresh keys; up/down get the keys in base64 for the reply. */
static int member_new(struct srv *srv, struct srv_session *s, char up[KEY_B64_CAP],
                      char down[KEY_B64_CAP], struct srv_member **out)
{
  uint8_t key_up[PROTO_SRTP_KEY_LEN];
  uint8_t key_down[PROTO_SRTP_KEY_LEN];
  struct srv_member *m = calloc(1, sizeof *m);
  if (!m)
    return HX_ERR_NOMEM;
  m->session = s;
  int rc = pick_ssrc(srv, &m->ssrc);
  if (rc == HX_OK)
    rc = proto_srtp_random_key(key_up);
  if (rc == HX_OK)
    rc = proto_srtp_random_key(key_down);
  if (rc == HX_OK)
    rc = proto_srtp_create(key_up, PROTO_SRTP_INBOUND, &m->in);
  if (rc == HX_OK)
    rc = proto_srtp_create(key_down, PROTO_SRTP_OUTBOUND, &m->out);
  if (rc == HX_OK)
    rc = proto_b64_encode(key_up, sizeof key_up, up, KEY_B64_CAP);
  if (rc == HX_OK)
    rc = proto_b64_encode(key_down, sizeof key_down, down, KEY_B64_CAP);
  OPENSSL_cleanse(key_up, sizeof key_up);
  OPENSSL_cleanse(key_down, sizeof key_down);
  if (rc != HX_OK) {
    member_free(m);
    return rc;
  }
  *out = m;
  return HX_OK;
}

static json_t *roster_new(const struct srv_room *room)
{
  json_t *roster = json_array();
  for (size_t i = 0; roster && i < room->count; i++) {
    const struct srv_member *m = room->members[i];
    json_t *item = json_pack("{s:I, s:s, s:I, s:b, s:b}", "session", (json_int_t)m->session->id,
                             "name", m->session->name, "ssrc", (json_int_t)m->ssrc, "muted",
                             (int)m->session->muted, "speaking", (int)m->speaking);
    if (json_array_append_new(roster, item) != 0) {
      json_decref(roster);
      roster = NULL;
    }
  }
  return roster;
}

static json_t *joined_reply(struct srv *srv, json_int_t id, const struct srv_member *m,
                            const char *up, const char *down)
{
  json_t *reply = srv_msg_new("joined", id);
  json_t *srtp = json_pack("{s:s, s:s, s:s}", "suite", PROTO_SRTP_SUITE, "up", up, "down", down);
  json_t *roster = roster_new(m->room);
  if (!reply || !srtp || !roster || json_object_set_new(reply, "room", json_string(m->room->name)) ||
      json_object_set_new(reply, "session", json_integer((json_int_t)m->session->id)) ||
      json_object_set_new(reply, "ssrc", json_integer((json_int_t)m->ssrc)) ||
      json_object_set_new(reply, "media_port", json_integer(srv->media_port)) ||
      json_object_set(reply, "srtp", srtp) || json_object_set(reply, "roster", roster)) {
    json_decref(reply);
    reply = NULL;
  }
  json_decref(srtp);
  json_decref(roster);
  return reply;
}

void srv_room_on_join(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jname = json_object_get(msg, "room");
  if (!json_is_string(jname)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "join needs a string \"room\".");
    return;
  }
  const char *name = json_string_value(jname);
  struct srv_room *room = srv_room_find(srv, name);
  if (!room) {
    if (json_string_length(jname) < SRV_NAME_BYTES)
      srv_send_error(srv, s->id, id, PROTO_E_NO_SUCH_ROOM, "There is no room called \"%s\".",
                     name);
    else
      srv_send_error(srv, s->id, id, PROTO_E_NO_SUCH_ROOM, "There is no room with that name.");
    return;
  }
  /* Check everything before leaving the current room, so a refused join
   * changes nothing. Joining the room one is in re-enters it with new keys. */
  size_t others = room->count;
  for (size_t i = 0; i < room->count; i++) {
    const struct srv_session *o = room->members[i]->session;
    if (o == s) {
      others--;
    } else if (srv_name_same(o->name, s->name)) {
      srv_send_error(srv, s->id, id, PROTO_E_NAME_TAKEN,
                     "Someone in %s is already called \"%s\"; reconnect with another name.",
                     room->name, o->name);
      return;
    }
  }
  if (others >= room->limit) {
    srv_send_error(srv, s->id, id, PROTO_E_ROOM_FULL, "%s is full: it holds %u people.",
                   room->name, room->limit);
    return;
  }
  char up[KEY_B64_CAP];
  char down[KEY_B64_CAP];
  struct srv_member *m = NULL;
  int rc = member_new(srv, s, up, down, &m);
  if (rc == HX_OK) {
    rc = srv_ssrc_put(&srv->ssrcs, m->ssrc, m);
    if (rc != HX_OK)
      member_free(m);
  }
  if (rc != HX_OK) {
    hx_log(HX_LOG_ERROR, MODULE, "session %llu cannot join %s: %s", (unsigned long long)s->id,
           room->name, hx_strerror(rc));
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL,
                   "The server could not set up your audio; try again.");
    return;
  }
  /* The reply tells the mover where they are now; only the old room's
   * members need the left event. */
  srv_room_leave(srv, s, false);
  m->room = room;
  room->members[room->count++] = m;
  s->member = m;
  json_t *reply = joined_reply(srv, id, m, up, down);
  OPENSSL_cleanse(up, sizeof up);
  OPENSSL_cleanse(down, sizeof down);
  hx_log(HX_LOG_INFO, MODULE, "session %llu joined %s (%zu in the room)", (unsigned long long)s->id,
         room->name, room->count);
  if (reply)
    srv_send(srv, s->id, reply);
  else
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL,
                   "The server could not describe the room; join again.");
  json_t *ev = event_new("joined", m);
  if (ev) {
    json_object_set_new(ev, "ssrc", json_integer((json_int_t)m->ssrc));
    json_object_set_new(ev, "count", json_integer((json_int_t)room->count));
  }
  room_broadcast(srv, room, ev);
}

void srv_room_leave(struct srv *srv, struct srv_session *s, bool tell_self)
{
  struct srv_member *m = s->member;
  if (!m)
    return;
  struct srv_room *room = m->room;
  for (size_t i = 0; i < room->count; i++) {
    if (room->members[i] == m) {
      memmove(&room->members[i], &room->members[i + 1],
              (room->count - i - 1) * sizeof *room->members);
      room->count--;
      break;
    }
  }
  srv_ssrc_remove(&srv->ssrcs, m->ssrc);
  json_t *ev = event_new("left", m);
  if (ev)
    json_object_set_new(ev, "count", json_integer((json_int_t)room->count));
  s->member = NULL;
  member_free(m);
  hx_log(HX_LOG_INFO, MODULE, "session %llu left %s (%zu in the room)", (unsigned long long)s->id,
         room->name, room->count);
  if (tell_self && ev)
    srv_send(srv, s->id, json_incref(ev));
  room_broadcast(srv, room, ev);
}

void srv_room_on_leave(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  if (!s->member) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_IN_ROOM, "You are not in a room.");
    return;
  }
  json_t *reply = srv_msg_new("left", id);
  if (reply)
    json_object_set_new(reply, "room", json_string(s->member->room->name));
  srv_send(srv, s->id, reply);
  srv_room_leave(srv, s, true);
}

void srv_room_on_mute(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jmuted = json_object_get(msg, "muted");
  if (!json_is_boolean(jmuted)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "mute needs a true or false \"muted\".");
    return;
  }
  bool muted = json_is_true(jmuted);
  bool changed = s->muted != muted;
  s->muted = muted;
  json_t *reply = srv_msg_new("muted", id);
  if (reply)
    json_object_set_new(reply, "muted", json_boolean(muted));
  srv_send(srv, s->id, reply);
  struct srv_member *m = s->member;
  if (!m || !changed)
    return;
  json_t *ev = event_new("muted", m);
  if (ev)
    json_object_set_new(ev, "muted", json_boolean(muted));
  room_broadcast(srv, m->room, ev);
  if (muted)
    set_speaking(srv, m, false);
}

void srv_room_note_level(struct srv *srv, struct srv_member *m, bool voice, uint8_t level,
                         uint64_t now_ms)
{
  if (!voice || level > SRV_SPEAKING_LEVEL)
    return;
  m->last_loud_ms = now_ms;
  set_speaking(srv, m, true);
}

void srv_room_tick(struct srv *srv, uint64_t now_ms)
{
  for (struct srv_room *r = srv->rooms; r; r = r->next) {
    for (size_t i = 0; i < r->count; i++) {
      struct srv_member *m = r->members[i];
      if (m->speaking && now_ms - m->last_loud_ms >= SRV_SPEAKING_HOLD_MS)
        set_speaking(srv, m, false);
    }
  }
}
