#include "srv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "srv_circle.h"
#include "srv_db.h"
#include "srv_floor.h"
#include "srv_room.h"
#include "srv_session.h"
#include "srv_speech.h"

int srv_create(const struct srv_options *opt, const struct srv_callbacks *cb, struct srv **out)
{
  *out = NULL;
  unsigned limit = opt && opt->room_limit ? opt->room_limit : SRV_ROOM_LIMIT_DEFAULT;
  if (limit > SRV_ROOM_LIMIT_MAX)
    return HX_ERR_INVALID;
  struct srv *srv = calloc(1, sizeof *srv);
  if (!srv)
    return HX_ERR_NOMEM;
  srv->motd = strdup(opt && opt->motd ? opt->motd : SRV_MOTD_DEFAULT);
  if (!srv->motd) {
    free(srv);
    return HX_ERR_NOMEM;
  }
  srv->room_limit = limit;
  srv->max_sessions = opt && opt->max_sessions ? opt->max_sessions : SRV_MAX_SESSIONS;
  srv->media_port = opt ? opt->media_port : 0;
  srv->next_session_id = 1;
  srv_ssrc_init(&srv->ssrcs);
  if (cb)
    srv->cb = *cb;
  srv->room_create_operator = opt && opt->room_create_operator;
  srv->text_max = opt && opt->text_max ? opt->text_max : SRV_SPEECH_TEXT_MAX_DEFAULT;
  if (srv->text_max > SRV_SPEECH_TEXT_MAX_LIMIT)
    srv->text_max = SRV_SPEECH_TEXT_MAX_LIMIT;
  int speech_rc = opt && opt->speech ? srv_speech_create(&srv->speech) : HX_OK;
  if (speech_rc != HX_OK)
    hx_log(HX_LOG_WARN, "srv", "espeak-ng did not start (%s): typed lines will be text only",
           hx_strerror(speech_rc));
  hx_strlcpy(srv->fingerprint, opt && opt->fingerprint ? opt->fingerprint : "",
             sizeof srv->fingerprint);
  int rc = srv_db_open(opt && opt->db_path ? opt->db_path : ":memory:", &srv->db);
  struct srv_db_room lobby;
  if (rc == HX_OK && srv_db_room_get(srv->db, SRV_LOBBY, &lobby) == HX_ERR_NOT_FOUND) {
    /* The Lobby always exists and always lets guests in: the first
     * milestone's clients know nothing else. */
    srv_settings_defaults(&lobby.settings, limit);
    rc = srv_db_room_put(srv->db, SRV_LOBBY, &lobby.settings);
  }
  if (rc == HX_OK)
    rc = srv_circle_load_rooms(srv);
  if (rc == HX_OK)
    rc = srv_db_data_version(srv->db, &srv->data_version);
  if (rc != HX_OK) {
    srv_destroy(srv);
    return rc;
  }
  *out = srv;
  return HX_OK;
}

void srv_destroy(struct srv *srv)
{
  if (!srv)
    return;
  srv->quiet = true;
  while (srv->sessions)
    srv_session_close(srv->sessions);
  while (srv->rooms) {
    struct srv_room *next = srv->rooms->next;
    srv_room_free(srv->rooms);
    srv->rooms = next;
  }
  srv_ssrc_free(&srv->ssrcs);
  srv_speech_destroy(srv->speech);
  srv_db_close(srv->db);
  free(srv->motd);
  free(srv);
}

void srv_set_callbacks(struct srv *srv, const struct srv_callbacks *cb) { srv->cb = *cb; }

json_t *srv_msg_new(const char *type, json_int_t id)
{
  json_t *msg = json_object();
  if (!msg)
    return NULL;
  if (json_object_set_new(msg, "type", json_string(type)) != 0 ||
      (id >= 0 && json_object_set_new(msg, "id", json_integer(id)) != 0)) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

void srv_send(struct srv *srv, uint64_t session_id, json_t *msg)
{
  if (!msg)
    return;
  if (!srv->quiet && srv->cb.send_msg)
    srv->cb.send_msg(srv->cb.ud, session_id, msg);
  json_decref(msg);
}

void srv_send_error(struct srv *srv, uint64_t session_id, json_int_t id, enum proto_error code,
                    const char *fmt, ...)
{
  char message[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  json_t *msg = proto_msg_error(id, code, message);
  if (!msg) {
    /* The message may have been cut inside a UTF-8 sequence (it quotes a
     * name the client sent); the code alone still tells the client. */
    msg = proto_msg_error(id, code, "The request failed.");
  }
  srv_send(srv, session_id, msg);
}

void srv_announce_shutdown(struct srv *srv, unsigned seconds)
{
  char text[128];
  if (seconds)
    snprintf(text, sizeof text, "The server is restarting in %u second%s.", seconds,
             seconds == 1 ? "" : "s");
  else
    snprintf(text, sizeof text, "The server is shutting down.");
  for (struct srv_session *s = srv->sessions; s; s = s->next) {
    json_t *msg = srv_msg_new("event", -1);
    if (!msg)
      continue;
    json_object_set_new(msg, "event", json_string("shutdown"));
    json_object_set_new(msg, "message", json_string(text));
    json_object_set_new(msg, "seconds", json_integer(seconds));
    srv_send(srv, s->id, msg);
  }
}

int64_t srv_wall_time(void) { return (int64_t)time(NULL); }

/* The operator CLI's changes, at most once each SRV_RELOAD_MS. */
static void reload_if_changed(struct srv *srv, uint64_t now_ms)
{
  if (now_ms - srv->last_reload_ms < SRV_RELOAD_MS)
    return;
  srv->last_reload_ms = now_ms;
  int64_t version;
  if (srv_db_data_version(srv->db, &version) == HX_OK && version != srv->data_version) {
    srv->data_version = version;
    hx_log(HX_LOG_INFO, "srv", "the data changed outside the server; reloading rooms");
    srv_circle_load_rooms(srv);
  }
}

void srv_tick(struct srv *srv, uint64_t now_ms)
{
  srv->now_ms = now_ms;
  srv_room_tick(srv, now_ms);
  srv_floor_tick(srv, now_ms);
  reload_if_changed(srv, now_ms);
  srv_circle_tick(srv, now_ms);
}
