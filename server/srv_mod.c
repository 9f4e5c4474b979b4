#include "srv_mod.h"

#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "srv.h"
#include "srv_circle.h"
#include "srv_floor.h"
#include "srv_room.h"
#include "srv_session.h"

#define MODULE "mod"
#define KEY_ID_CHARS 16

static void set_forced_mute(struct srv *srv, struct srv_member *t, bool on, const char *by)
{
  if (t->forced_mute == on)
    return;
  t->forced_mute = on;
  json_t *ev = srv_room_event("muted", t);
  if (ev) {
    json_object_set_new(ev, "muted", json_boolean(on || t->session->muted));
    json_object_set_new(ev, "forced", json_boolean(on));
    json_object_set_new(ev, "by", json_string(by));
  }
  srv_room_broadcast(srv, t->room, ev);
  if (on)
    srv_room_stop_speaking(srv, t);
}

static void set_listening(struct srv *srv, struct srv_member *t, bool on, const char *by)
{
  if (t->listening == on)
    return;
  t->listening = on;
  json_t *ev = srv_room_event("listening", t);
  if (ev) {
    json_object_set_new(ev, "listening", json_boolean(on));
    json_object_set_new(ev, "by", json_string(by));
  }
  srv_room_broadcast(srv, t->room, ev);
  if (on) {
    srv_room_stop_speaking(srv, t);
    srv_floor_member_unavailable(srv, t);
  }
}

/* Tells the person why, then takes them out; the others see them leave. */
static void remove_member(struct srv *srv, struct srv_member *t, const char *what,
                          const char *reason, int64_t until)
{
  struct srv_session *ts = t->session;
  json_t *ev = srv_msg_new("event", -1);
  if (ev) {
    json_object_set_new(ev, "event", json_string(what));
    json_object_set_new(ev, "room", json_string(t->room->name));
    json_object_set_new(ev, "reason", json_string(reason));
    if (strcmp(what, "banned") == 0)
      json_object_set_new(ev, "until", until ? json_integer(until) : json_null());
  }
  srv_send(srv, ts->id, ev);
  srv_room_leave_how(srv, ts, false, SRV_LEAVE_REMOVED);
}

void srv_mod_on_moderate(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  static const char *const actions[] = {"mute", "unmute", "listen", "unlisten", "remove", "ban"};
  const char *action = proto_msg_str(msg, "action", "");
  size_t a = 0;
  while (a < sizeof actions / sizeof actions[0] && strcmp(actions[a], action) != 0)
    a++;
  json_t *jreason = json_object_get(msg, "reason");
  json_t *jdur = json_object_get(msg, "duration");
  if (a == sizeof actions / sizeof actions[0] ||
      (jreason && (!json_is_string(jreason) || json_string_length(jreason) >= SRV_DB_REASON_MAX)) ||
      (jdur && (!json_is_integer(jdur) || json_integer_value(jdur) < 0))) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "moderate needs \"action\" (mute, unmute, listen, unlisten, remove or ban) "
                   "and \"session\"; \"reason\" is short text and \"duration\" whole seconds.");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  struct srv_member *t = srv_circle_target(srv, s, msg, id);
  if (!t)
    return;
  if (t == m || (m->role < SRV_ROLE_HOST && t->role >= SRV_ROLE_FACILITATOR)) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_ALLOWED,
                        t == m ? "You cannot do that to yourself."
                               : "A facilitator cannot do that to a host or another facilitator.");
    return;
  }
  const char *reason = jreason ? json_string_value(jreason) : "";
  struct srv_db_ban ban = {0};
  if (a == 5) {
    int64_t dur = jdur ? json_integer_value(jdur) : 0;
    hx_strlcpy(ban.room, m->room->name, sizeof ban.room);
    hx_strlcpy(ban.name, t->session->name, sizeof ban.name);
    hx_strlcpy(ban.key, t->session->key, sizeof ban.key);
    hx_strlcpy(ban.address, t->session->address, sizeof ban.address);
    hx_strlcpy(ban.reason, reason, sizeof ban.reason);
    ban.until = dur ? srv_wall_time() + dur : 0;
    if (srv_db_ban_add(srv->db, &ban) != HX_OK) {
      srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The ban could not be saved.");
      return;
    }
  }
  uint64_t tid = t->session->id;
  json_t *reply = srv_msg_new("moderated", id);
  if (reply) {
    json_object_set_new(reply, "action", json_string(action));
    json_object_set_new(reply, "session", json_integer((json_int_t)tid));
  }
  srv_send(srv, s->id, reply);
  hx_log(HX_LOG_INFO, MODULE, "session %llu: %s on session %llu in %s", (unsigned long long)s->id,
         action, (unsigned long long)tid, m->room->name);
  switch (a) {
  case 0:
  case 1:
    set_forced_mute(srv, t, a == 0, s->name);
    break;
  case 2:
  case 3:
    set_listening(srv, t, a == 2, s->name);
    break;
  case 4:
    remove_member(srv, t, "removed", reason, 0);
    break;
  default:
    remove_member(srv, t, "banned", reason, ban.until);
    break;
  }
}

struct ban_list {
  json_t *list;
};

static void add_ban(void *ud, const struct srv_db_ban *b)
{
  struct ban_list *bl = ud;
  char key_id[KEY_ID_CHARS + 1] = "";
  hx_strlcpy(key_id, b->key, sizeof key_id);
  json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s}", "ban", (json_int_t)b->id, "name",
                           b->name, "key_id", key_id, "address", b->address, "until",
                           b->until ? json_integer(b->until) : json_null(), "reason", b->reason);
  if (item)
    json_array_append_new(bl->list, item);
}

void srv_mod_on_bans(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  struct ban_list bl = {json_array()};
  if (!bl.list ||
      srv_db_ban_list(srv->db, m->room->name, srv_wall_time(), add_ban, &bl) != HX_OK) {
    json_decref(bl.list);
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The ban list could not be read.");
    return;
  }
  json_t *reply = srv_msg_new("bans", id);
  if (reply) {
    json_object_set_new(reply, "room", json_string(m->room->name));
    json_object_set_new(reply, "bans", bl.list);
  } else {
    json_decref(bl.list);
  }
  srv_send(srv, s->id, reply);
}

void srv_mod_on_unban(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jban = json_object_get(msg, "ban");
  if (!json_is_integer(jban)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "unban needs an integer \"ban\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_FACILITATOR);
  if (!m)
    return;
  int rc = srv_db_ban_remove(srv->db, m->room->name, json_integer_value(jban));
  if (rc != HX_OK) {
    srv_send_error(srv, s->id, id, rc == HX_ERR_NOT_FOUND ? PROTO_E_NO_SUCH_PERSON : PROTO_E_INTERNAL,
                        "There is no such ban in %s.", m->room->name);
    return;
  }
  json_t *reply = srv_msg_new("unbanned", id);
  if (reply)
    json_object_set(reply, "ban", jban);
  srv_send(srv, s->id, reply);
}
