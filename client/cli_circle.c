#include "cli_circle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "a11y_text.h"
#include "cli_circle_impl.h"
#include "cli_media.h"
#include "cli_request.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_msg.h"

#define LOG_MODULE "circle"

int cli_circle_create(const struct cli_circle_io *io, struct cli_media *media,
                      const struct cli_identity *identity, struct cli_circle **out)
{
  *out = NULL;
  struct cli_circle *c = calloc(1, sizeof *c);
  if (!c)
    return HX_ERR_NOMEM;
  c->io = *io;
  c->media = media;
  c->identity = identity;
  c->next_id = CIRCLE_FIRST_ID;
  *out = c;
  return HX_OK;
}

void cli_circle_destroy(struct cli_circle *c)
{
  if (!c)
    return;
  json_decref(c->settings);
  json_decref(c->bans);
  free(c);
}

int cli_circle_set_fingerprint(struct cli_circle *c, const char *fingerprint)
{
  return hx_strlcpy(c->fingerprint, fingerprint, sizeof c->fingerprint);
}

void circle_print(struct cli_circle *c, const char *line) { c->io.print(c->io.userdata, line); }

void circle_answer(struct cli_circle *c, const char *line)
{
  if (c->io.answer)
    c->io.answer(c->io.userdata, line);
  else
    circle_print(c, line);
}

void circle_cue(struct cli_circle *c, enum a11y_cue_event cue, const char *line)
{
  if (c->io.event)
    c->io.event(c->io.userdata, cue, line);
  else
    circle_print(c, line);
}

bool cli_circle_ends_room(const json_t *msg)
{
  const char *type = proto_msg_type(msg);
  const char *event = proto_msg_str(msg, "event", "");
  return type && strcmp(type, "event") == 0 &&
         (strcmp(event, "removed") == 0 || strcmp(event, "banned") == 0 ||
          strcmp(event, "closed") == 0);
}

bool cli_circle_makes_ready(const json_t *msg)
{
  const char *type = proto_msg_type(msg);
  if (!type)
    return false;
  return strcmp(type, "knocking") == 0 ||
         (strcmp(type, "joined") == 0 && proto_msg_id(msg) < 0);
}

void circle_printf(struct cli_circle *c, const char *fmt, ...)
{
  char line[CLI_LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  circle_print(c, line);
}

void circle_end_sentence(char *line, size_t cap)
{
  size_t n = strlen(line);
  if (n == 0 || strchr(".!?", line[n - 1]) || n + 1 >= cap)
    return;
  line[n] = '.';
  line[n + 1] = '\0';
}

int circle_send(struct cli_circle *c, json_t *msg)
{
  if (!msg) {
    /* json_pack refuses text that is not UTF-8 (a person's typing). */
    circle_print(c, "Cannot send that: the text is not valid UTF-8.");
    return HX_OK; /* told the person, as for any other mistake */
  }
  return cli_request_send(c->io.send, c->io.userdata, msg, c->next_id++);
}

struct circle_member *circle_member_by_session(struct cli_circle *c, uint64_t session)
{
  for (size_t i = 0; i < c->roster_len; i++) {
    if (c->roster[i].session == session)
      return &c->roster[i];
  }
  return NULL;
}

bool circle_name_blocked(const struct cli_circle *c, const char *name)
{
  for (size_t i = 0; i < c->blocked_len; i++) {
    if (strcasecmp(c->blocked[i], name) == 0)
      return true;
  }
  return false;
}

bool cli_circle_blocked(const struct cli_circle *c, uint64_t session)
{
  for (size_t i = 0; i < c->roster_len; i++) {
    if (c->roster[i].session == session)
      return circle_name_blocked(c, c->roster[i].name);
  }
  return false;
}

void circle_subject(struct cli_circle *c, const json_t *msg, const char *field, char *out,
                    size_t cap)
{
  const char *name = proto_msg_str(msg, "name", NULL);
  json_int_t session = proto_msg_int(msg, field ? field : "session", -1);
  struct circle_member *m = session >= 0 ? circle_member_by_session(c, (uint64_t)session) : NULL;
  if (field || !name)
    name = m ? m->name : name;
  a11y_text_sanitize(out, cap, name && *name ? name : "Someone");
}

bool circle_is_self(const struct cli_circle *c, const json_t *msg, const char *field)
{
  json_int_t session = proto_msg_int(msg, field ? field : "session", -1);
  return c->in_room && session >= 0 && (uint64_t)session == c->own_session;
}

/* --- the roster copy, and blocks applied to it --- */

static void block_ssrc(struct cli_circle *c, uint32_t ssrc, bool blocked)
{
  if (blocked)
    cli_media_forget(c->media, ssrc);
  else if (cli_media_allow(c->media, ssrc) != HX_OK)
    hx_log(HX_LOG_WARN, LOG_MODULE, "cannot hear an unblocked person again: too many speakers");
}

/* Keeps a blocked person's voice and typed speech out of playback: media
 * drops packets from an SSRC that is no speaker, so forgetting the SSRCs
 * is the whole block. */
static void apply_block(struct cli_circle *c, const struct circle_member *m, bool blocked)
{
  if (!c->media || m->ssrc == c->own_ssrc)
    return;
  block_ssrc(c, m->ssrc, blocked);
  if (m->has_text_ssrc && m->text_ssrc != c->own_ssrc)
    block_ssrc(c, m->text_ssrc, blocked);
}

static bool member_parse(const json_t *o, struct circle_member *m)
{
  json_int_t session = proto_msg_int(o, "session", -1);
  json_int_t ssrc = proto_msg_int(o, "ssrc", -1);
  const char *name = proto_msg_str(o, "name", NULL);
  if (session < 0 || ssrc < 0 || ssrc > UINT32_MAX || !name)
    return false;
  memset(m, 0, sizeof *m);
  m->session = (uint64_t)session;
  m->ssrc = (uint32_t)ssrc;
  json_int_t text_ssrc = proto_msg_int(o, "text_ssrc", -1);
  m->has_text_ssrc = text_ssrc >= 0 && text_ssrc <= UINT32_MAX;
  m->text_ssrc = m->has_text_ssrc ? (uint32_t)text_ssrc : 0;
  hx_strlcpy(m->name, name, sizeof m->name);
  m->away = proto_msg_bool(o, "away", 0) != 0;
  m->stepped_out = proto_msg_bool(o, "stepped_out", 0) != 0;
  m->typing = proto_msg_bool(o, "typing", 0) != 0;
  return true;
}

static void member_add(struct cli_circle *c, const json_t *o)
{
  struct circle_member m;
  if (!member_parse(o, &m) || circle_member_by_session(c, m.session) ||
      c->roster_len == CLI_ROSTER_MAX)
    return;
  c->roster[c->roster_len++] = m;
  if (m.session != c->own_session && circle_name_blocked(c, m.name))
    apply_block(c, &m, true);
}

static void out_of_room(struct cli_circle *c)
{
  c->in_room = false;
  c->roster_len = 0;
  c->knockers_len = 0;
  c->queue_len = 0;
  c->has_holder = false;
  c->hand_up = false;
}

static void observe_joined(struct cli_circle *c, const json_t *msg)
{
  const char *room = proto_msg_str(msg, "room", NULL);
  json_int_t session = proto_msg_int(msg, "session", -1);
  json_int_t ssrc = proto_msg_int(msg, "ssrc", -1);
  const json_t *roster = json_object_get(msg, "roster");
  if (!room || session < 0 || ssrc < 0 || ssrc > UINT32_MAX || !json_is_array(roster))
    return;
  c->in_room = true;
  c->knocking_room[0] = '\0';
  hx_strlcpy(c->room, room, sizeof c->room);
  c->own_session = (uint64_t)session;
  c->own_ssrc = (uint32_t)ssrc;
  c->roster_len = 0;
  c->knockers_len = 0;
  c->away = c->stepped_out = false;
  size_t i;
  const json_t *entry;
  json_array_foreach(roster, i, entry)
  {
    member_add(c, entry);
    if (proto_msg_int(entry, "session", -1) == session) {
      c->away = proto_msg_bool(entry, "away", 0) != 0;
      c->stepped_out = proto_msg_bool(entry, "stepped_out", 0) != 0;
    }
  }
  circle_joined(c, msg);
}

static void member_left(struct cli_circle *c, const json_t *msg)
{
  json_int_t session = proto_msg_int(msg, "session", -1);
  if (session >= 0 && (uint64_t)session == c->own_session) {
    out_of_room(c);
    return;
  }
  struct circle_member *m = session >= 0 ? circle_member_by_session(c, (uint64_t)session) : NULL;
  if (!m)
    return;
  size_t i = (size_t)(m - c->roster);
  memmove(&c->roster[i], &c->roster[i + 1], (c->roster_len - i - 1) * sizeof c->roster[0]);
  c->roster_len--;
}

/* Events of another room (a race while switching) are dropped, except the
 * answer to our knock, which comes while we are outside. */
static bool event_is_ours(const struct cli_circle *c, const char *event, const json_t *msg)
{
  const char *room = proto_msg_str(msg, "room", NULL);
  if (!room)
    return true;
  if (strcmp(event, "declined") == 0)
    return strcmp(room, c->knocking_room) == 0;
  return c->in_room && strcmp(room, c->room) == 0;
}

int circle_block(struct cli_circle *c, const char *name, bool block)
{
  bool was = circle_name_blocked(c, name);
  if (block && !was) {
    if (c->blocked_len == CIRCLE_BLOCK_MAX)
      return HX_ERR_FULL;
    hx_strlcpy(c->blocked[c->blocked_len++], name, CLI_NAME_BYTES);
  } else if (!block && was) {
    for (size_t i = 0; i < c->blocked_len; i++) {
      if (strcasecmp(c->blocked[i], name) == 0) {
        memmove(c->blocked[i], c->blocked[i + 1], (c->blocked_len - i - 1) * CLI_NAME_BYTES);
        c->blocked_len--;
        break;
      }
    }
  }
  for (size_t i = 0; i < c->roster_len; i++) {
    if (strcasecmp(c->roster[i].name, name) == 0 && c->roster[i].session != c->own_session)
      apply_block(c, &c->roster[i], block);
  }
  return HX_OK;
}

int cli_circle_handle(struct cli_circle *c, const json_t *msg)
{
  const char *type = proto_msg_type(msg);
  if (!type)
    return HX_ERR_BAD_MESSAGE;
  if (strcmp(type, "joined") == 0) {
    /* The session has just allowed every SSRC on the roster. */
    observe_joined(c, msg);
    return HX_ERR_NOT_FOUND;
  }
  if (strcmp(type, "left") == 0) {
    out_of_room(c);
    return HX_ERR_NOT_FOUND;
  }
  if (strcmp(type, "event") != 0)
    return circle_reply(c, type, msg);
  const char *event = proto_msg_str(msg, "event", "");
  if (!event_is_ours(c, event, msg))
    return HX_ERR_NOT_FOUND;
  if (strcmp(event, "joined") == 0) {
    member_add(c, msg);
    return HX_ERR_NOT_FOUND;
  }
  if (strcmp(event, "left") == 0) {
    member_left(c, msg);
    return HX_ERR_NOT_FOUND;
  }
  int rc = circle_event(c, event, msg);
  if (cli_circle_ends_room(msg))
    out_of_room(c);
  return rc;
}

int cli_circle_command(struct cli_circle *c, const char *name, const char *args)
{
  return circle_command(c, name, args ? args : "");
}
