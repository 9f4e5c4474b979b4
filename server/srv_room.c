#include "srv_room.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_srtp.h"
#include "srv_circle.h"
#include "srv_floor.h"
#include "srv_session.h"
#include "srv_speech.h"

#define MODULE "room"
/* base64 of PROTO_SRTP_KEY_LEN bytes is 40 characters. */
#define KEY_B64_CAP 64

int srv_room_create(struct srv *srv, const char *name, const struct srv_settings *settings,
                    struct srv_room **out)
{
  if (out)
    *out = NULL;
  if (settings->limit == 0 || settings->limit > SRV_ROOM_LIMIT_MAX)
    return HX_ERR_INVALID;
  struct srv_room *room = calloc(1, sizeof *room);
  if (!room)
    return HX_ERR_NOMEM;
  if (srv_name_clean(name, strlen(name), room->name, sizeof room->name) != HX_OK) {
    free(room);
    return HX_ERR_INVALID;
  }
  if (srv_room_find(srv, room->name)) {
    free(room);
    return HX_ERR_EXISTS;
  }
  room->settings = *settings;
  /* Room for the largest limit, so raising the limit never reallocates
   * what the media path walks. */
  room->members = calloc(SRV_ROOM_LIMIT_MAX, sizeof *room->members);
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

void srv_room_remove(struct srv *srv, struct srv_room *room)
{
  for (struct srv_session *s = srv->sessions; s; s = s->next) {
    if (s->knocking == room)
      s->knocking = NULL;
  }
  for (struct srv_room **p = &srv->rooms; *p; p = &(*p)->next) {
    if (*p == room) {
      *p = room->next;
      srv_room_free(room);
      return;
    }
  }
}

struct srv_member *srv_room_member(const struct srv_room *room, uint64_t session_id)
{
  for (size_t i = 0; i < room->count; i++) {
    if (room->members[i]->session->id == session_id)
      return room->members[i];
  }
  return NULL;
}

struct srv_room *srv_room_find(struct srv *srv, const char *name)
{
  for (struct srv_room *r = srv->rooms; r; r = r->next) {
    if (srv_name_same(r->name, name))
      return r;
  }
  return NULL;
}

json_t *srv_room_event(const char *what, const struct srv_member *m)
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

void srv_room_broadcast(struct srv *srv, const struct srv_room *room, json_t *ev)
{
  if (!ev)
    return;
  for (size_t i = 0; i < room->count; i++)
    srv_send(srv, room->members[i]->session->id, json_incref(ev));
  json_decref(ev);
}

void srv_room_tell_facilitators(struct srv *srv, const struct srv_room *room, json_t *ev)
{
  if (!ev)
    return;
  for (size_t i = 0; i < room->count; i++) {
    if (room->members[i]->role >= SRV_ROLE_FACILITATOR)
      srv_send(srv, room->members[i]->session->id, json_incref(ev));
  }
  json_decref(ev);
}

static void set_speaking(struct srv *srv, struct srv_member *m, bool speaking)
{
  if (m->speaking == speaking)
    return;
  m->speaking = speaking;
  json_t *ev = srv_room_event("speaking", m);
  if (ev)
    json_object_set_new(ev, "speaking", json_boolean(speaking));
  srv_room_broadcast(srv, m->room, ev);
}

void srv_room_on_rooms(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_t *list = json_array();
  for (struct srv_room *r = srv->rooms; r && list; r = r->next) {
    if (r->gone)
      continue;
    const struct srv_settings *st = &r->settings;
    json_t *item = json_pack("{s:s, s:s, s:I, s:I, s:b, s:b, s:b, s:s, s:b}", "name", r->name,
                             "topic", st->topic, "people", (json_int_t)r->count, "limit",
                             (json_int_t)st->limit, "locked", (int)st->locked, "knock",
                             (int)st->knock, "guests", (int)st->guests, "floor",
                             srv_floor_name(st->floor), "closing", (int)r->closing);
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
  /* The text stream's SSRC is drawn now and mapped beside the voice's when
   * the member enters, so the two can never be the same. */
  for (int tries = 0; rc == HX_OK && tries < 64; tries++) {
    rc = pick_ssrc(srv, &m->text_ssrc);
    if (rc == HX_OK && m->text_ssrc != m->ssrc)
      break;
  }
  if (rc == HX_OK && m->text_ssrc == m->ssrc)
    rc = HX_ERR_EXISTS;
  if (rc == HX_OK && (RAND_bytes((unsigned char *)&m->text_seq, sizeof m->text_seq) != 1 ||
                      RAND_bytes((unsigned char *)&m->text_ts, sizeof m->text_ts) != 1))
    rc = HX_ERR_CRYPTO;
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

json_t *srv_room_roster(const struct srv_room *room)
{
  json_t *roster = json_array();
  for (size_t i = 0; roster && i < room->count; i++) {
    const struct srv_member *m = room->members[i];
    json_t *item = json_pack(
        "{s:I, s:s, s:I, s:I, s:b, s:b, s:s, s:b, s:b, s:b, s:b, s:b, s:b}", "session",
        (json_int_t)m->session->id, "name", m->session->name, "ssrc", (json_int_t)m->ssrc,
        "text_ssrc", (json_int_t)m->text_ssrc,
        "muted", (int)(m->session->muted || m->forced_mute), "speaking", (int)m->speaking, "role",
        srv_role_name(m->role), "guest", (int)!m->session->identified, "listening",
        (int)m->listening, "stepped_out", (int)m->stepped_out, "hand", (int)m->hand, "away",
        (int)m->away, "typing", (int)m->typing);
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
  json_t *roster = srv_room_roster(m->room);
  if (!reply || !srtp || !roster || json_object_set_new(reply, "room", json_string(m->room->name)) ||
      json_object_set_new(reply, "session", json_integer((json_int_t)m->session->id)) ||
      json_object_set_new(reply, "ssrc", json_integer((json_int_t)m->ssrc)) ||
      json_object_set_new(reply, "text_ssrc", json_integer((json_int_t)m->text_ssrc)) ||
      json_object_set_new(reply, "media_port", json_integer(srv->media_port)) ||
      json_object_set(reply, "srtp", srtp) || json_object_set(reply, "roster", roster) ||
      json_object_set_new(reply, "role", json_string(srv_role_name(m->role))) ||
      json_object_set_new(reply, "settings", srv_circle_settings_json(&m->room->settings)) ||
      json_object_set_new(reply, "floor", srv_floor_json(m->room))) {
    json_decref(reply);
    reply = NULL;
  }
  json_decref(srtp);
  json_decref(roster);
  return reply;
}

/* The checks of docs/protocol.md "Joining", in order. Returns true when the
 * join may go on; *knock tells whether it waits in the anteroom. */
static bool join_allowed(struct srv *srv, struct srv_session *s, struct srv_room *room,
                         json_int_t id, const char *invite, bool *knock)
{
  struct srv_db_ban ban;
  enum srv_role role = SRV_ROLE_MEMBER;
  if (s->identified && srv_db_role_get(srv->db, room->name, s->key, &role) != HX_OK)
    role = SRV_ROLE_MEMBER;
  int64_t now = srv_wall_time();
  /* A room's own hosts and facilitators are matched by key only: an
   * address ban must not lock out the people running the circle from a
   * shared address. */
  const char *address = role >= SRV_ROLE_FACILITATOR ? "" : s->address;
  if (srv_db_ban_find(srv->db, room->name, s->key, address, now, &ban) == HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_BANNED, "You are banned from %s.%s%s", room->name,
                        ban.reason[0] ? " The reason given: " : "", ban.reason);
    return false;
  }
  if (room->closing) {
    srv_send_error(srv, s->id, id, PROTO_E_CLOSING, "%s is closing; no one new may join.",
                        room->name);
    return false;
  }
  if (!s->identified && !room->settings.guests) {
    srv_send_error(srv, s->id, id, PROTO_E_GUESTS_NOT_ALLOWED,
                        "%s lets in only people with an identity; your client can make one.",
                        room->name);
    return false;
  }
  bool staff = role >= SRV_ROLE_FACILITATOR;
  if (room->settings.locked && !invite && !staff) {
    srv_send_error(srv, s->id, id, PROTO_E_ROOM_LOCKED,
                        "%s is locked; ask a facilitator for an invite.", room->name);
    return false;
  }
  size_t others = room->count;
  for (size_t i = 0; i < room->count; i++) {
    const struct srv_session *o = room->members[i]->session;
    if (o == s) {
      others--;
    } else if (srv_name_same(o->name, s->name)) {
      srv_send_error(srv, s->id, id, PROTO_E_NAME_TAKEN,
                     "Someone in %s is already called \"%s\"; reconnect with another name.",
                     room->name, o->name);
      return false;
    }
  }
  if (others >= room->settings.limit) {
    srv_send_error(srv, s->id, id, PROTO_E_ROOM_FULL, "%s is full: it holds %u people.",
                   room->name, room->settings.limit);
    return false;
  }
  if (invite && srv_db_invite_use(srv->db, room->name, invite, now) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_INVITE,
                        "That invite is not valid for %s: it may be used up or expired.",
                        room->name);
    return false;
  }
  *knock = room->settings.knock && !invite && !staff;
  return true;
}

void srv_room_on_join(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jname = json_object_get(msg, "room");
  json_t *jinvite = json_object_get(msg, "invite");
  if (!json_is_string(jname) || (jinvite && !json_is_string(jinvite))) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "join needs a string \"room\" (and \"invite\", when given, is a string).");
    return;
  }
  const char *name = json_string_value(jname);
  struct srv_room *room = srv_room_find(srv, name);
  if (!room || room->gone) {
    if (json_string_length(jname) < SRV_NAME_BYTES)
      srv_send_error(srv, s->id, id, PROTO_E_NO_SUCH_ROOM, "There is no room called \"%s\".",
                     name);
    else
      srv_send_error(srv, s->id, id, PROTO_E_NO_SUCH_ROOM, "There is no room with that name.");
    return;
  }
  /* Check everything before leaving the current room, so a refused join
   * changes nothing. Joining the room one is in re-enters it with new keys. */
  bool knock = false;
  if (!join_allowed(srv, s, room, id, jinvite ? json_string_value(jinvite) : NULL, &knock))
    return;
  if (knock) {
    srv_room_leave(srv, s, false);
    srv_circle_knock(srv, s, room, id);
    return;
  }
  srv_circle_withdraw_knock(srv, s);
  srv_room_enter(srv, s, room, id);
}

void srv_room_enter(struct srv *srv, struct srv_session *s, struct srv_room *room, json_int_t id)
{
  char up[KEY_B64_CAP];
  char down[KEY_B64_CAP];
  struct srv_member *m = NULL;
  int rc = member_new(srv, s, up, down, &m);
  if (rc == HX_OK) {
    rc = srv_ssrc_put(&srv->ssrcs, m->ssrc, m);
    if (rc == HX_OK) {
      rc = srv_ssrc_put(&srv->ssrcs, m->text_ssrc, m);
      if (rc != HX_OK)
        srv_ssrc_remove(&srv->ssrcs, m->ssrc);
    }
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
  if (s->identified && srv_db_role_get(srv->db, room->name, s->key, &m->role) != HX_OK)
    m->role = SRV_ROLE_MEMBER;
  m->room = room;
  room->members[room->count++] = m;
  s->member = m;
  srv_floor_member_joined(srv, m);
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
  json_t *ev = srv_room_event("joined", m);
  if (ev) {
    json_object_set_new(ev, "ssrc", json_integer((json_int_t)m->ssrc));
    json_object_set_new(ev, "text_ssrc", json_integer((json_int_t)m->text_ssrc));
    json_object_set_new(ev, "count", json_integer((json_int_t)room->count));
    json_object_set_new(ev, "role", json_string(srv_role_name(m->role)));
    json_object_set_new(ev, "guest", json_boolean(!s->identified));
  }
  srv_room_broadcast(srv, room, ev);
  srv_floor_after_join(srv, m);
}

void srv_room_leave(struct srv *srv, struct srv_session *s, bool tell_self)
{
  srv_room_leave_how(srv, s, tell_self, SRV_LEAVE_PLAIN);
}

void srv_room_leave_how(struct srv *srv, struct srv_session *s, bool tell_self,
                        enum srv_leave_how how)
{
  struct srv_member *m = s->member;
  if (!m)
    return;
  struct srv_room *room = m->room;
  srv_speech_member_left(srv, m);
  size_t pos = room->count;
  for (size_t i = 0; i < room->count; i++) {
    if (room->members[i] == m) {
      memmove(&room->members[i], &room->members[i + 1],
              (room->count - i - 1) * sizeof *room->members);
      room->count--;
      pos = i;
      break;
    }
  }
  srv_ssrc_remove(&srv->ssrcs, m->ssrc);
  srv_ssrc_remove(&srv->ssrcs, m->text_ssrc);
  json_t *ev = how == SRV_LEAVE_SILENT ? NULL : srv_room_event("left", m);
  if (ev) {
    json_object_set_new(ev, "count", json_integer((json_int_t)room->count));
    if (how == SRV_LEAVE_QUIET)
      json_object_set_new(ev, "quiet", json_true());
    if (how == SRV_LEAVE_REMOVED)
      json_object_set_new(ev, "removed", json_true());
  }
  bool was_holder = room->holder == m;
  if (was_holder)
    room->holder = NULL;
  s->member = NULL;
  member_free(m);
  hx_log(HX_LOG_INFO, MODULE, "session %llu left %s (%zu in the room)", (unsigned long long)s->id,
         room->name, room->count);
  if (tell_self && ev)
    srv_send(srv, s->id, json_incref(ev));
  srv_room_broadcast(srv, room, ev);
  srv_floor_member_left(srv, room, pos, was_holder);
}

void srv_room_on_leave(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  if (!s->member && s->knocking) {
    json_t *reply = srv_msg_new("left", id);
    if (reply)
      json_object_set_new(reply, "room", json_string(s->knocking->name));
    srv_send(srv, s->id, reply);
    srv_circle_withdraw_knock(srv, s);
    return;
  }
  if (!s->member) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_IN_ROOM, "You are not in a room.");
    return;
  }
  json_t *jquiet = json_object_get(msg, "quiet");
  if (jquiet && !json_is_boolean(jquiet)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "leave's \"quiet\" is true or false.");
    return;
  }
  json_t *reply = srv_msg_new("left", id);
  if (reply)
    json_object_set_new(reply, "room", json_string(s->member->room->name));
  srv_send(srv, s->id, reply);
  srv_room_leave_how(srv, s, true, json_is_true(jquiet) ? SRV_LEAVE_QUIET : SRV_LEAVE_PLAIN);
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
  json_t *ev = srv_room_event("muted", m);
  if (ev)
    json_object_set_new(ev, "muted", json_boolean(muted));
  srv_room_broadcast(srv, m->room, ev);
  if (muted)
    set_speaking(srv, m, false);
}

void srv_room_stop_speaking(struct srv *srv, struct srv_member *m) { set_speaking(srv, m, false); }

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
