#include "srv_session.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "srv_report.h"
#include "hx_util.h"
#include "srv_addr.h"
#include "srv_circle.h"
#include "srv_floor.h"
#include "srv_ident.h"
#include "srv_mod.h"
#include "srv_room.h"

#define MODULE "session"

int srv_session_open(struct srv *srv, void *userdata, struct srv_session **out)
{
  *out = NULL;
  if (srv->session_count >= srv->max_sessions)
    return HX_ERR_FULL;
  struct srv_session *s = calloc(1, sizeof *s);
  if (!s)
    return HX_ERR_NOMEM;
  s->srv = srv;
  s->id = srv->next_session_id++;
  s->userdata = userdata;
  proto_framer_init(&s->framer, PROTO_MSG_MAX_PREAUTH);
  srv_speech_session_init(s);
  s->next = srv->sessions;
  if (srv->sessions)
    srv->sessions->prev = s;
  srv->sessions = s;
  srv->session_count++;
  *out = s;
  return HX_OK;
}

void srv_session_close(struct srv_session *s)
{
  if (!s)
    return;
  struct srv *srv = s->srv;
  srv_room_leave(srv, s, false);
  srv_circle_withdraw_knock(srv, s);
  if (s->prev)
    s->prev->next = s->next;
  else
    srv->sessions = s->next;
  if (s->next)
    s->next->prev = s->prev;
  srv->session_count--;
  proto_framer_free(&s->framer);
  hx_log(HX_LOG_DEBUG, MODULE, "session %llu closed", (unsigned long long)s->id);
  free(s);
}

struct srv_session *srv_session_find(struct srv *srv, uint64_t id)
{
  for (struct srv_session *s = srv->sessions; s; s = s->next) {
    if (s->id == id)
      return s;
  }
  return NULL;
}

static const char *error_sentence(enum proto_error code)
{
  switch (code) {
  case PROTO_E_BAD_JSON:
    return "That line is not a JSON object.";
  case PROTO_E_BAD_UTF8:
    return "That line is not valid UTF-8.";
  case PROTO_E_TOO_BIG:
    return "That line is longer than the limit; closing the connection.";
  case PROTO_E_TOO_DEEP:
    return "That message nests deeper than 8 levels.";
  case PROTO_E_BAD_MESSAGE:
    return "That message has a missing field or a field of the wrong type.";
  default:
    return "That line was refused.";
  }
}

/* Logs a refused line (its code and size, never its text), at most
 * SRV_SESSION_LOG_LINES per session. */
static void log_rejected(struct srv_session *s, enum proto_error code, size_t len)
{
  s->rejected++;
  if (s->rejected < SRV_SESSION_LOG_LINES) {
    hx_log(HX_LOG_INFO, MODULE, "session %llu: refused a line of %zu bytes: %s",
           (unsigned long long)s->id, len, proto_error_code(code));
  } else if (s->rejected == SRV_SESSION_LOG_LINES) {
    hx_log(HX_LOG_INFO, MODULE,
           "session %llu: refused a line of %zu bytes: %s; not logging further refusals from it",
           (unsigned long long)s->id, len, proto_error_code(code));
  }
}

/* A line that is JSON but failed the message checks may still carry a usable
 * id, and the reply should echo it. */
static json_int_t salvage_id(const uint8_t *line, size_t len)
{
  json_error_t jerr;
  json_t *root = json_loadb((const char *)line, len, JSON_DISABLE_EOF_CHECK, &jerr);
  json_int_t id = -1;
  if (root && json_is_object(root)) {
    json_t *v = json_object_get(root, "id");
    if (json_is_integer(v) && json_integer_value(v) >= 0 &&
        json_integer_value(v) < ((json_int_t)1 << 53))
      id = json_integer_value(v);
  }
  json_decref(root);
  return id;
}

static void reject(struct srv_session *s, json_int_t id, enum proto_error code, size_t len,
                   const char *message)
{
  log_rejected(s, code, len);
  srv_send(s->srv, s->id, proto_msg_error(id, code, message));
}

static void on_hello(struct srv_session *s, const json_t *msg)
{
  struct srv *srv = s->srv;
  json_int_t id = proto_msg_id(msg);
  if (s->authenticated) {
    srv_send_error(srv, s->id, id, PROTO_E_ALREADY_AUTHENTICATED,
                   "You already said hello on this connection.");
    return;
  }
  json_t *version = json_object_get(msg, "version");
  json_t *name = json_object_get(msg, "name");
  if (!json_is_integer(version) || !json_is_string(name)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "hello needs an integer \"version\" and a string \"name\".");
    return;
  }
  if (json_integer_value(version) != PROTO_VERSION) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_VERSION,
                   "This server speaks protocol version %d; update your client.", PROTO_VERSION);
    return;
  }
  if (srv_name_clean(json_string_value(name), json_string_length(name), s->name,
                     sizeof s->name) != HX_OK) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_NAME,
                   "A name is 1 to %d characters, not only spaces, with no control characters.",
                   SRV_NAME_MAX_CHARS);
    return;
  }
  json_t *key = json_object_get(msg, "key");
  s->challenged = false;
  s->key[0] = '\0';
  if (key) {
    srv_ident_on_hello_key(s, msg, key);
    return;
  }
  srv_session_welcome(s, id);
}

void srv_session_welcome(struct srv_session *s, json_int_t id)
{
  struct srv *srv = s->srv;
  s->authenticated = true;
  proto_framer_set_max(&s->framer, PROTO_MSG_MAX);
  json_t *reply = srv_msg_new("welcome", id);
  if (reply) {
    json_object_set_new(reply, "version", json_integer(PROTO_VERSION));
    json_object_set_new(reply, "session", json_integer((json_int_t)s->id));
    json_object_set_new(reply, "server", json_string(SRV_NAME " " HEARTH_VERSION));
    json_object_set_new(reply, "motd", json_string(srv->motd));
    json_object_set_new(reply, "identified", json_boolean(s->identified));
    if (s->identified) {
      char key_id[SRV_IDENT_KEY_ID_CHARS + 1];
      hx_strlcpy(key_id, s->key, sizeof key_id);
      json_object_set_new(reply, "key_id", json_string(key_id));
    }
  }
  hx_log(HX_LOG_INFO, MODULE, "session %llu said hello%s", (unsigned long long)s->id,
         s->identified ? " with an identity" : " as a guest");
  srv_send(srv, s->id, reply);
}

void srv_session_set_peer(struct srv_session *s, const struct sockaddr_storage *peer)
{
  char text[SRV_ADDR_STRLEN];
  srv_addr_format(peer, text);
  /* Bans match the host, not the port, which changes per connection. */
  char *colon = strrchr(text, ':');
  if (colon)
    *colon = '\0';
  const char *host = text[0] == '[' ? text + 1 : text;
  size_t n = strlen(host);
  if (n && host[n - 1] == ']')
    n--;
  if (n < sizeof s->address) {
    memcpy(s->address, host, n);
    s->address[n] = '\0';
  }
}

static void on_ping(struct srv_session *s, const json_t *msg)
{
  srv_send(s->srv, s->id, srv_msg_new("pong", proto_msg_id(msg)));
}

/* The circle requests (docs/protocol.md, Circles). False for an unknown
 * type. */
static bool dispatch_circle(struct srv *srv, struct srv_session *s, const char *type,
                            const json_t *msg)
{
  static const struct {
    const char *type;
    void (*fn)(struct srv *, struct srv_session *, const json_t *);
  } table[] = {{"create_room", srv_circle_on_create}, {"room_set", srv_circle_on_set},
               {"role", srv_circle_on_role},          {"invite", srv_circle_on_invite},
               {"status", srv_circle_on_status},      {"step_out", srv_circle_on_step_out},
               {"note", srv_circle_on_note},          {"close", srv_circle_on_close},
               {"hand", srv_floor_on_hand},           {"floor", srv_floor_on_floor},
               {"pass", srv_floor_on_pass},           {"defer", srv_floor_on_defer},
               {"moderate", srv_mod_on_moderate},     {"bans", srv_mod_on_bans},
               {"unban", srv_mod_on_unban},           {"say", srv_speech_on_say},
               {"say_stop", srv_speech_on_say_stop},  {"voices", srv_speech_on_voices},
               {"voice", srv_speech_on_voice},        {"hear_text", srv_speech_on_hear_text}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (strcmp(type, table[i].type) == 0) {
      table[i].fn(srv, s, msg);
      return true;
    }
  }
  if (strcmp(type, "admit") == 0 || strcmp(type, "decline") == 0) {
    srv_circle_on_admit(srv, s, msg, type[0] == 'a');
    return true;
  }
  return false;
}

static void dispatch(struct srv_session *s, const json_t *msg, size_t len)
{
  struct srv *srv = s->srv;
  const char *type = proto_msg_type(msg);
  json_int_t id = proto_msg_id(msg);
  if (strcmp(type, "hello") == 0) {
    on_hello(s, msg);
  } else if (strcmp(type, "ping") == 0) {
    on_ping(s, msg);
  } else if (strcmp(type, "prove") == 0) {
    srv_ident_on_prove(s, msg);
  } else if (!s->authenticated) {
    log_rejected(s, PROTO_E_NOT_AUTHENTICATED, len);
    srv_send_error(srv, s->id, id, PROTO_E_NOT_AUTHENTICATED,
                   "Say hello first: only hello and ping are allowed before it.");
  } else if (strcmp(type, "rooms") == 0) {
    srv_room_on_rooms(srv, s, msg);
  } else if (strcmp(type, "join") == 0) {
    srv_room_on_join(srv, s, msg);
  } else if (strcmp(type, "leave") == 0) {
    srv_room_on_leave(srv, s, msg);
  } else if (strcmp(type, "mute") == 0) {
    srv_room_on_mute(srv, s, msg);
  } else if (strcmp(type, "report") == 0) {
    srv_report_on_report(srv, s, msg);
  } else if (!dispatch_circle(srv, s, type, msg)) {
    log_rejected(s, PROTO_E_UNKNOWN_TYPE, len);
    srv_send_error(srv, s->id, id, PROTO_E_UNKNOWN_TYPE, "There is no message type \"%.40s\".",
                   type);
  }
}

static void handle_line(struct srv_session *s, const uint8_t *line, size_t len)
{
  json_t *msg = NULL;
  int rc = proto_msg_parse(line, len, &msg);
  if (rc != HX_OK) {
    enum proto_error code = proto_error_from_hx(rc);
    json_int_t id = rc == HX_ERR_BAD_MESSAGE ? salvage_id(line, len) : -1;
    reject(s, id, code, len, error_sentence(code));
    return;
  }
  dispatch(s, msg, len);
  json_decref(msg);
}

static int too_big(struct srv_session *s)
{
  s->closing = true;
  hx_log(HX_LOG_INFO, MODULE, "session %llu: a line passed the %zu-byte limit: too_big; closing",
         (unsigned long long)s->id, s->framer.max_line);
  srv_send(s->srv, s->id, proto_msg_error(-1, PROTO_E_TOO_BIG, error_sentence(PROTO_E_TOO_BIG)));
  if (!s->srv->quiet && s->srv->cb.close_session)
    s->srv->cb.close_session(s->srv->cb.ud, s->id);
  return HX_ERR_TOO_BIG;
}

int srv_session_feed(struct srv_session *s, const uint8_t *buf, size_t len)
{
  struct srv *srv = s->srv;
  size_t off = 0;
  /* Feed one line at a time, so that the line after hello already gets the
   * higher limit and the lines before an oversized one are still answered. */
  while (off < len && !s->closing) {
    const uint8_t *nl = memchr(buf + off, '\n', len - off);
    size_t n = nl ? (size_t)(nl - (buf + off)) + 1 : len - off;
    int rc = proto_framer_feed(&s->framer, buf + off, n);
    off += n;
    if (rc == HX_ERR_TOO_BIG)
      return too_big(s);
    if (rc != HX_OK)
      return rc;
    size_t got;
    while (!s->closing &&
           proto_framer_next(&s->framer, srv->line, sizeof srv->line, &got) == HX_OK)
      handle_line(s, srv->line, got);
  }
  return s->closing ? HX_ERR_TOO_BIG : HX_OK;
}
