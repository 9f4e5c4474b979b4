#include "srv_circle.h"

#include <stdio.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "srv.h"
#include "srv_floor.h"
#include "srv_room.h"
#include "srv_session.h"

#define MODULE "circle"
#define TURN_LIMIT_MAX 3600
#define TURN_CUE_MAX 600
#define INVITE_USES_MAX 1000
#define INVITE_EXPIRES_MIN 60
#define INVITE_EXPIRES_MAX 2592000
#define INVITE_EXPIRES_DEFAULT 604800

struct srv_member *srv_circle_require(struct srv *srv, struct srv_session *s, json_int_t id,
                                      enum srv_role min_role)
{
  struct srv_member *m = s->member;
  if (!m) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_IN_ROOM, "You are not in a room.");
    return NULL;
  }
  if (m->role < min_role) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_ALLOWED,
                        "Only a %s of %s may do that.",
                        min_role == SRV_ROLE_HOST ? "host" : "host or facilitator",
                        m->room->name);
    return NULL;
  }
  return m;
}

struct srv_member *srv_circle_target(struct srv *srv, struct srv_session *s, const json_t *msg,
                                     json_int_t id)
{
  json_t *jsession = json_object_get(msg, "session");
  if (!json_is_integer(jsession)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "That request needs an integer \"session\".");
    return NULL;
  }
  struct srv_member *t = srv_room_member(s->member->room, (uint64_t)json_integer_value(jsession));
  if (!t)
    srv_send_error(srv, s->id, id, PROTO_E_NO_SUCH_PERSON, "No one with that session is in %s.",
                        s->member->room->name);
  return t;
}

json_t *srv_circle_settings_json(const struct srv_settings *st)
{
  return json_pack("{s:s, s:I, s:b, s:b, s:b, s:s, s:I, s:I, s:s}", "topic", st->topic, "limit",
                   (json_int_t)st->limit, "locked", (int)st->locked, "knock", (int)st->knock,
                   "guests", (int)st->guests, "floor", srv_floor_name(st->floor), "turn_limit",
                   (json_int_t)st->turn_limit, "turn_cue", (json_int_t)st->turn_cue, "turn_end",
                   st->turn_end == SRV_TURN_PASS ? "pass" : "remind");
}

static int set_uint(json_t *v, const char *key, long lo, long hi, unsigned *out, char *why,
                    size_t cap)
{
  if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
    snprintf(why, cap, "\"%s\" must be a whole number from %ld to %ld.", key, lo, hi);
    return HX_ERR_INVALID;
  }
  *out = (unsigned)json_integer_value(v);
  return HX_OK;
}

static int set_bool(json_t *v, const char *key, bool *out, char *why, size_t cap)
{
  if (!json_is_boolean(v)) {
    snprintf(why, cap, "\"%s\" must be true or false.", key);
    return HX_ERR_INVALID;
  }
  *out = json_is_true(v);
  return HX_OK;
}

int srv_circle_settings_apply(const json_t *obj, struct srv_settings *st, char *why,
                              size_t why_cap)
{
  if (!json_is_object(obj)) {
    snprintf(why, why_cap, "\"settings\" must be an object.");
    return HX_ERR_INVALID;
  }
  struct srv_settings n = *st;
  const char *key;
  json_t *v;
  int rc = HX_OK;
  json_object_foreach((json_t *)obj, key, v) {
    if (strcmp(key, "topic") == 0) {
      if (!json_is_string(v) || hx_strlcpy(n.topic, json_string_value(v), sizeof n.topic) != HX_OK) {
        snprintf(why, why_cap, "\"topic\" must be text of at most %zu bytes.", sizeof n.topic - 1);
        rc = HX_ERR_INVALID;
      }
    } else if (strcmp(key, "limit") == 0) {
      rc = set_uint(v, key, 1, SRV_ROOM_LIMIT_MAX, &n.limit, why, why_cap);
    } else if (strcmp(key, "locked") == 0) {
      rc = set_bool(v, key, &n.locked, why, why_cap);
    } else if (strcmp(key, "knock") == 0) {
      rc = set_bool(v, key, &n.knock, why, why_cap);
    } else if (strcmp(key, "guests") == 0) {
      rc = set_bool(v, key, &n.guests, why, why_cap);
    } else if (strcmp(key, "floor") == 0) {
      if (!json_is_string(v) || srv_floor_parse(json_string_value(v), &n.floor) != HX_OK) {
        snprintf(why, why_cap, "\"floor\" must be \"open\", \"hands\" or \"round\".");
        rc = HX_ERR_INVALID;
      }
    } else if (strcmp(key, "turn_limit") == 0) {
      rc = set_uint(v, key, 0, TURN_LIMIT_MAX, &n.turn_limit, why, why_cap);
    } else if (strcmp(key, "turn_cue") == 0) {
      rc = set_uint(v, key, 0, TURN_CUE_MAX, &n.turn_cue, why, why_cap);
    } else if (strcmp(key, "turn_end") == 0) {
      const char *e = json_is_string(v) ? json_string_value(v) : "";
      if (strcmp(e, "remind") == 0) {
        n.turn_end = SRV_TURN_REMIND;
      } else if (strcmp(e, "pass") == 0) {
        n.turn_end = SRV_TURN_PASS;
      } else {
        snprintf(why, why_cap, "\"turn_end\" must be \"remind\" or \"pass\".");
        rc = HX_ERR_INVALID;
      }
    } else {
      snprintf(why, why_cap, "There is no setting called \"%.40s\".", key);
      rc = HX_ERR_INVALID;
    }
    if (rc != HX_OK)
      return rc;
  }
  *st = n;
  return HX_OK;
}

static void send_room(struct srv *srv, struct srv_session *s, json_int_t id,
                      const struct srv_room *room)
{
  json_t *reply = srv_msg_new("room", id);
  if (reply) {
    json_object_set_new(reply, "room", json_string(room->name));
    json_object_set_new(reply, "settings", srv_circle_settings_json(&room->settings));
  }
  srv_send(srv, s->id, reply);
}

void srv_circle_on_create(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jname = json_object_get(msg, "room");
  json_t *jsettings = json_object_get(msg, "settings");
  if (!json_is_string(jname)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "create_room needs a string \"room\".");
    return;
  }
  if (srv->room_create_operator) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_ALLOWED,
                        "On this server only the operator creates rooms.");
    return;
  }
  if (!s->identified) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_IDENTIFIED,
                        "Creating a room needs an identity; guests cannot.");
    return;
  }
  struct srv_settings st;
  char why[256];
  char name[SRV_NAME_BYTES];
  srv_settings_defaults(&st, srv->room_limit);
  if (jsettings && srv_circle_settings_apply(jsettings, &st, why, sizeof why) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_SETTING, "%s", why);
    return;
  }
  if (srv_name_clean(json_string_value(jname), json_string_length(jname), name, sizeof name) !=
      HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_NAME,
                   "A room name is 1 to %d characters, not only spaces, with no control "
                   "characters.",
                   SRV_NAME_MAX_CHARS);
    return;
  }
  if (srv_room_find(srv, name)) {
    srv_send_error(srv, s->id, id, PROTO_E_ROOM_EXISTS, "There is already a room called \"%s\".",
                        name);
    return;
  }
  struct srv_room *room = NULL;
  int rc = srv_db_room_insert(srv->db, name, &st, s->key);
  if (rc == HX_OK)
    rc = srv_room_create(srv, name, &st, &room);
  if (rc != HX_OK) {
    srv_send_error(srv, s->id, id, rc == HX_ERR_EXISTS ? PROTO_E_ROOM_EXISTS : PROTO_E_INTERNAL,
                        "The room could not be created.");
    return;
  }
  hx_log(HX_LOG_INFO, MODULE, "session %llu created the room %s", (unsigned long long)s->id,
         room->name);
  send_room(srv, s, id, room);
}

/* Puts new settings in force and tells the room who changed them (by, or
 * the operator when NULL); a new floor mode starts the floor afresh. */
static void change_settings(struct srv *srv, struct srv_room *room, const struct srv_settings *st,
                            const char *by)
{
  bool mode_changed = st->floor != room->settings.floor;
  room->settings = *st;
  json_t *ev = srv_msg_new("event", -1);
  if (ev) {
    json_object_set_new(ev, "event", json_string("settings"));
    json_object_set_new(ev, "room", json_string(room->name));
    if (by)
      json_object_set_new(ev, "by", json_string(by));
    else
      json_object_set_new(ev, "operator", json_true());
    json_object_set_new(ev, "settings", srv_circle_settings_json(st));
  }
  srv_room_broadcast(srv, room, ev);
  if (mode_changed && room->count)
    srv_floor_reset(srv, room);
}

void srv_circle_on_set(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jsettings = json_object_get(msg, "settings");
  if (!json_is_object(jsettings)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "room_set needs an object \"settings\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  struct srv_room *room = m->room;
  struct srv_settings st = room->settings;
  char why[256];
  if (srv_circle_settings_apply(jsettings, &st, why, sizeof why) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_SETTING, "%s", why);
    return;
  }
  if (st.limit < room->count) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_SETTING,
                        "%zu people are in %s; the limit cannot be lower.", room->count,
                        room->name);
    return;
  }
  if (srv_db_room_put(srv->db, room->name, &st) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The settings could not be saved.");
    return;
  }
  send_room(srv, s, id, room);
  change_settings(srv, room, &st, s->name);
}

void srv_circle_on_role(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  enum srv_role role;
  if (srv_role_parse(proto_msg_str(msg, "role", ""), &role) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "role needs \"role\": \"host\", \"facilitator\" or \"member\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  struct srv_member *t = srv_circle_target(srv, s, msg, id);
  if (!t)
    return;
  if (m->role < SRV_ROLE_HOST && (role == SRV_ROLE_HOST || t->role == SRV_ROLE_HOST)) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_ALLOWED, "Only a host may change a host's role.");
    return;
  }
  if (!t->session->identified) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_IDENTIFIED,
                        "%s is a guest; roles need an identity.", t->session->name);
    return;
  }
  if (srv_db_role_set(srv->db, m->room->name, t->session->key, role) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The role could not be saved.");
    return;
  }
  t->role = role;
  json_t *reply = srv_msg_new("role", id);
  if (reply) {
    json_object_set_new(reply, "session", json_integer((json_int_t)t->session->id));
    json_object_set_new(reply, "role", json_string(srv_role_name(role)));
  }
  srv_send(srv, s->id, reply);
  json_t *ev = srv_room_event("role", t);
  if (ev) {
    json_object_set_new(ev, "role", json_string(srv_role_name(role)));
    json_object_set_new(ev, "by", json_string(s->name));
  }
  srv_room_broadcast(srv, m->room, ev);
}

void srv_circle_on_invite(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *juses = json_object_get(msg, "uses");
  json_t *jexp = json_object_get(msg, "expires");
  unsigned uses = 1;
  unsigned expires = INVITE_EXPIRES_DEFAULT;
  char why[128];
  if ((juses && set_uint(juses, "uses", 1, INVITE_USES_MAX, &uses, why, sizeof why) != HX_OK) ||
      (jexp && set_uint(jexp, "expires", INVITE_EXPIRES_MIN, INVITE_EXPIRES_MAX, &expires, why,
                        sizeof why) != HX_OK)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "%s", why);
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  char token[SRV_DB_TOKEN_LEN];
  int64_t at = srv_wall_time() + expires;
  if (srv_db_invite_create(srv->db, m->room->name, uses, at, token) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The invite could not be made.");
    return;
  }
  json_t *reply = srv_msg_new("invite", id);
  if (reply) {
    json_object_set_new(reply, "room", json_string(m->room->name));
    json_object_set_new(reply, "token", json_string(token));
    json_object_set_new(reply, "uses", json_integer(uses));
    json_object_set_new(reply, "expires_at", json_integer(at));
  }
  srv_send(srv, s->id, reply);
}

struct load_ctx {
  struct srv *srv;
  int rc;
};

static bool settings_same(const struct srv_settings *a, const struct srv_settings *b)
{
  return strcmp(a->topic, b->topic) == 0 && a->limit == b->limit && a->locked == b->locked &&
         a->knock == b->knock && a->guests == b->guests && a->floor == b->floor &&
         a->turn_limit == b->turn_limit && a->turn_cue == b->turn_cue &&
         a->turn_end == b->turn_end;
}

static void load_one(void *ud, const struct srv_db_room *r)
{
  struct load_ctx *ctx = ud;
  struct srv_room *room = srv_room_find(ctx->srv, r->name);
  if (!room) {
    if (srv_room_create(ctx->srv, r->name, &r->settings, &room) != HX_OK)
      ctx->rc = HX_ERR_INVALID;
    return;
  }
  room->gone = false;
  struct srv_settings st = r->settings;
  if (st.limit < room->count)
    st.limit = (unsigned)room->count;
  /* The operator changed the room (hearthd room set): the people in it
   * hear of it as they would of a facilitator's change. */
  if (!settings_same(&st, &room->settings))
    change_settings(ctx->srv, room, &st, NULL);
}

int srv_circle_load_rooms(struct srv *srv)
{
  for (struct srv_room *r = srv->rooms; r; r = r->next)
    r->gone = true;
  struct load_ctx ctx = {srv, HX_OK};
  int rc = srv_db_room_list(srv->db, load_one, &ctx);
  if (rc != HX_OK)
    return rc;
  /* A room the operator deleted goes once it is empty (srv_circle_tick);
   * until then its people are not thrown out mid-sentence, and no one new
   * comes in. */
  return ctx.rc;
}
