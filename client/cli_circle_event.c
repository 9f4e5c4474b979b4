/* Circle messages from the server to one plain line each, who first, no
 * gendered pronouns ("Ada raised a hand. 2 in the queue."). Replies the
 * events after them already describe print nothing, so a person hears each
 * change once. Every string from the network is sanitized before it is
 * printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "a11y_text.h"
#include "cli_circle_impl.h"
#include "cli_identity.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_msg.h"

#define LOG_MODULE "circle"
#define TEXT_MAX 1100 /* a note or a reason, sanitized */

void circle_say_duration(long seconds, char *out, size_t cap)
{
  if (seconds < 0) /* untrusted: a negative time is no time */
    seconds = 0;
  long h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60;
  size_t used = 0;
  out[0] = '\0';
  const struct {
    long n;
    const char *one, *many;
  } parts[] = {{h, "hour", "hours"}, {m, "minute", "minutes"}, {s, "second", "seconds"}};
  for (size_t i = 0; i < 3; i++) {
    if (parts[i].n == 0 && !(i == 2 && used == 0))
      continue;
    int n = snprintf(out + used, cap - used, "%s%ld %s", used ? " " : "", parts[i].n,
                     parts[i].n == 1 ? parts[i].one : parts[i].many);
    if (n < 0 || (size_t)n >= cap - used)
      return;
    used += (size_t)n;
  }
}

void circle_say_time(json_int_t unix_time, char *out, size_t cap)
{
  time_t t = (time_t)unix_time;
  struct tm tm;
  if (!localtime_r(&t, &tm) || strftime(out, cap, "%Y-%m-%d %H:%M", &tm) == 0)
    snprintf(out, cap, "a later time");
}

const char *circle_role_article(const char *role)
{
  return strcmp(role, "host") == 0 ? "the host" : strcmp(role, "facilitator") == 0
                                                      ? "a facilitator"
                                                      : "a member";
}

static void name_of_session(struct cli_circle *c, uint64_t session, char *out, size_t cap)
{
  struct circle_member *m = circle_member_by_session(c, session);
  a11y_text_sanitize(out, cap, m ? m->name : "Someone");
}

/* ". Reason: ..." or "" */
static void reason_suffix(const json_t *msg, const char *field, const char *label, char *out,
                          size_t cap)
{
  const char *reason = proto_msg_str(msg, field, "");
  out[0] = '\0';
  if (!*reason)
    return;
  char text[TEXT_MAX];
  a11y_text_sanitize(text, sizeof text, reason);
  snprintf(out, cap, " %s%s", label, text);
}

/* --- floor --- */

void circle_floor_read(struct cli_circle *c, const json_t *floor)
{
  if (!json_is_object(floor))
    return;
  /* Printed in /floor lines: sanitized once, here. */
  a11y_text_sanitize(c->mode, sizeof c->mode, proto_msg_str(floor, "mode", "open"));
  json_int_t holder = proto_msg_int(floor, "holder", -1);
  c->has_holder = holder >= 0;
  c->holder = c->has_holder ? (uint64_t)holder : 0;
  c->queue_len = 0;
  c->hand_up = false;
  const json_t *queue = json_object_get(floor, "queue");
  size_t i;
  const json_t *v;
  json_array_foreach(queue, i, v)
  {
    if (!json_is_integer(v) || json_integer_value(v) < 0 || c->queue_len == CIRCLE_QUEUE_MAX)
      continue;
    c->queue[c->queue_len++] = (uint64_t)json_integer_value(v);
    if (c->in_room && (uint64_t)json_integer_value(v) == c->own_session &&
        strcmp(c->mode, "hands") == 0)
      c->hand_up = true;
  }
}

static bool in_queue(const uint64_t *queue, size_t len, uint64_t session)
{
  for (size_t i = 0; i < len; i++) {
    if (queue[i] == session)
      return true;
  }
  return false;
}

static void say_holder(struct cli_circle *c, const json_t *msg, char *out, size_t cap)
{
  char name[CLI_NAME_BYTES];
  if (!c->has_holder) {
    snprintf(out, cap, strcmp(c->mode, "open") == 0 ? "Anyone may speak."
                                                    : "Nobody has the floor.");
    return;
  }
  if (c->holder == c->own_session) {
    snprintf(out, cap, "Your turn.");
    return;
  }
  const char *given = msg ? proto_msg_str(msg, "holder_name", NULL) : NULL;
  if (given)
    a11y_text_sanitize(name, sizeof name, given);
  else
    name_of_session(c, c->holder, name, sizeof name);
  snprintf(out, cap, "%s has the floor.", name);
}

int circle_print_floor(struct cli_circle *c, bool queue_only)
{
  if (!c->in_room) {
    circle_print(c, "You are not in a room. Type /join ROOM to join one.");
    return HX_OK;
  }
  char line[CLI_LINE_MAX], holder[CLI_NAME_BYTES + 32];
  size_t used = 0;
  if (!queue_only) {
    say_holder(c, NULL, holder, sizeof holder);
    int n = snprintf(line, sizeof line, "Floor: %s. %s", c->mode[0] ? c->mode : "open", holder);
    used = n > 0 ? (size_t)n : 0;
  }
  if (c->queue_len == 0) {
    snprintf(line + used, sizeof line - used, "%s%s", used ? " " : "",
             strcmp(c->mode, "round") == 0 ? "Nobody is waiting." : "No hands are up.");
    circle_answer(c, line);
    return HX_OK;
  }
  int n = snprintf(line + used, sizeof line - used, "%s%s:", used ? " " : "",
                   strcmp(c->mode, "round") == 0 ? "Next" : "Hands up");
  used += n > 0 ? (size_t)n : 0;
  for (size_t i = 0; i < c->queue_len && used < sizeof line; i++) {
    char name[CLI_NAME_BYTES];
    if (c->queue[i] == c->own_session)
      hx_strlcpy(name, "you", sizeof name);
    else
      name_of_session(c, c->queue[i], name, sizeof name);
    n = snprintf(line + used, sizeof line - used, "%s %s", i ? "," : "", name);
    used += n > 0 ? (size_t)n : 0;
  }
  circle_end_sentence(line, sizeof line);
  circle_answer(c, line);
  return HX_OK;
}

/* Hands that went up or down since the last floor state, one line each. */
static void say_hands(struct cli_circle *c, const uint64_t *old, size_t old_len)
{
  char line[CLI_LINE_MAX], name[CLI_NAME_BYTES];
  for (size_t i = 0; i < c->queue_len; i++) {
    if (in_queue(old, old_len, c->queue[i]))
      continue;
    if (c->queue[i] == c->own_session) {
      snprintf(line, sizeof line, "Your hand is up. Number %zu in the queue.", i + 1);
    } else {
      name_of_session(c, c->queue[i], name, sizeof name);
      snprintf(line, sizeof line, "%s raised a hand. %zu in the queue.", name, c->queue_len);
    }
    circle_cue(c, A11Y_CUE_HAND_RAISED, line);
  }
  for (size_t i = 0; i < old_len; i++) {
    if (in_queue(c->queue, c->queue_len, old[i]) || (c->has_holder && old[i] == c->holder) ||
        !circle_member_by_session(c, old[i]))
      continue;
    if (old[i] == c->own_session) {
      circle_print(c, "Your hand is down.");
    } else {
      name_of_session(c, old[i], name, sizeof name);
      snprintf(line, sizeof line, "%s lowered a hand.", name);
      circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
    }
  }
}

static void on_floor(struct cli_circle *c, const json_t *msg)
{
  uint64_t old_queue[CIRCLE_QUEUE_MAX];
  size_t old_len = c->queue_len;
  memcpy(old_queue, c->queue, old_len * sizeof old_queue[0]);
  bool had = c->has_holder;
  uint64_t old_holder = c->holder;
  circle_floor_read(c, msg);
  if (strcmp(c->mode, "hands") == 0)
    say_hands(c, old_queue, old_len);
  if (had == c->has_holder && old_holder == c->holder)
    return;
  char line[CLI_LINE_MAX];
  say_holder(c, msg, line, sizeof line);
  json_int_t left = proto_msg_int(msg, "turn_left", 0);
  if (c->has_holder && c->holder == c->own_session) {
    if (left > 0) {
      char d[64];
      circle_say_duration((long)left, d, sizeof d);
      snprintf(line, sizeof line, "Your turn. %s.", d);
    }
    circle_cue(c, A11Y_CUE_YOUR_TURN, line);
    return;
  }
  circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
}

static void on_turn(struct cli_circle *c, const char *event, const json_t *msg)
{
  char line[CLI_LINE_MAX], name[CLI_NAME_BYTES], whose[CLI_NAME_BYTES + 8];
  bool self = circle_is_self(c, msg, NULL);
  circle_subject(c, msg, NULL, name, sizeof name);
  snprintf(whose, sizeof whose, self ? "your" : "%s's", name);
  if (strcmp(event, "turn_cue") == 0) {
    char d[64];
    circle_say_duration((long)proto_msg_int(msg, "seconds_left", 0), d, sizeof d);
    snprintf(line, sizeof line, "%s left in %s turn.", d, whose);
  } else if (strcmp(proto_msg_str(msg, "action", "remind"), "pass") == 0) {
    snprintf(line, sizeof line, self ? "Your turn is over." : "%s's turn is over.", name);
  } else {
    snprintf(line, sizeof line,
             self ? "Your time is up; please finish when you can." : "%s's time is up.", name);
  }
  circle_cue(c, A11Y_CUE_TURN_ENDING, line);
}

/* --- settings --- */

static void say_setting(const char *key, const json_t *v, char *out, size_t cap)
{
  char text[300] = "";
  if (json_is_string(v))
    a11y_text_sanitize(text, sizeof text, json_string_value(v));
  if (strcmp(key, "topic") == 0)
    snprintf(out, cap, *text ? "topic: %s" : "no topic", text);
  else if (strcmp(key, "locked") == 0)
    snprintf(out, cap, json_is_true(v) ? "locked" : "unlocked");
  else if (strcmp(key, "knock") == 0)
    snprintf(out, cap, json_is_true(v) ? "knock to enter" : "no knocking");
  else if (strcmp(key, "guests") == 0)
    snprintf(out, cap, json_is_true(v) ? "guests welcome" : "no guests");
  else if (strcmp(key, "floor") == 0)
    snprintf(out, cap, "floor %s", json_is_string(v) ? text : "?");
  else if (strcmp(key, "limit") == 0)
    snprintf(out, cap, "limit %lld people", (long long)json_integer_value(v));
  else if (strcmp(key, "turn_limit") == 0 || strcmp(key, "turn_cue") == 0) {
    char d[64];
    circle_say_duration((long)json_integer_value(v), d, sizeof d);
    if (json_integer_value(v) == 0)
      snprintf(out, cap, strcmp(key, "turn_limit") == 0 ? "no turn limit" : "no turn cue");
    else
      snprintf(out, cap, strcmp(key, "turn_limit") == 0 ? "turns of %s" : "cue %s before the end",
               d);
  } else if (strcmp(key, "turn_end") == 0)
    snprintf(out, cap, "at a turn's end: %s", json_is_string(v) ? text : "?");
  else
    snprintf(out, cap, "%s changed", "a setting");
}

static void on_settings(struct cli_circle *c, const json_t *msg)
{
  const json_t *settings = json_object_get(msg, "settings");
  if (!json_is_object(settings))
    return;
  char line[CLI_LINE_MAX], by[CLI_NAME_BYTES];
  /* No one in the room: the server's operator ran hearthd room set. */
  if (proto_msg_bool(msg, "operator", 0))
    hx_strlcpy(by, "The operator", sizeof by);
  else
    a11y_text_sanitize(by, sizeof by, proto_msg_str(msg, "by", "Someone"));
  int n = snprintf(line, sizeof line, "%s changed the room:", by);
  size_t used = n > 0 ? (size_t)n : 0, changes = 0;
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)settings, key, v)
  {
    if (c->settings && json_equal(json_object_get(c->settings, key), v))
      continue;
    char part[400];
    say_setting(key, v, part, sizeof part);
    n = snprintf(line + used, sizeof line - used, "%s %s", changes ? "," : "", part);
    if (n < 0 || (size_t)n >= sizeof line - used)
      break;
    used += (size_t)n;
    changes++;
  }
  json_decref(c->settings);
  c->settings = json_deep_copy(settings);
  if (changes == 0)
    return;
  circle_end_sentence(line, sizeof line);
  circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
}

void circle_joined(struct cli_circle *c, const json_t *msg)
{
  json_decref(c->settings);
  const json_t *settings = json_object_get(msg, "settings");
  c->settings = json_is_object(settings) ? json_deep_copy(settings) : NULL;
  hx_strlcpy(c->mode, "open", sizeof c->mode);
  c->has_holder = false;
  c->queue_len = 0;
  circle_floor_read(c, json_object_get(msg, "floor"));
  char line[CLI_LINE_MAX], topic[300], holder[CLI_NAME_BYTES + 32];
  size_t used = 0;
  int n;
  a11y_text_sanitize(topic, sizeof topic, proto_msg_str(settings, "topic", ""));
  if (*topic && (n = snprintf(line + used, sizeof line - used, "Topic: %s.", topic)) > 0)
    used += (size_t)n;
  if (strcmp(c->mode, "open") != 0) {
    say_holder(c, NULL, holder, sizeof holder);
    n = snprintf(line + used, sizeof line - used, "%sFloor: %s. %s", used ? " " : "", c->mode,
                 holder);
    used += n > 0 && (size_t)n < sizeof line - used ? (size_t)n : 0;
  }
  const char *role = proto_msg_str(msg, "role", "member");
  if (strcmp(role, "member") != 0) {
    n = snprintf(line + used, sizeof line - used, "%sYou are %s here.", used ? " " : "",
                 circle_role_article(role));
    used += n > 0 && (size_t)n < sizeof line - used ? (size_t)n : 0;
  }
  if (used)
    circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
}

/* --- people --- */

static void knocker_remove(struct cli_circle *c, uint64_t session)
{
  for (size_t i = 0; i < c->knockers_len; i++) {
    if (c->knockers[i].session == session) {
      memmove(&c->knockers[i], &c->knockers[i + 1],
              (c->knockers_len - i - 1) * sizeof c->knockers[0]);
      c->knockers_len--;
      return;
    }
  }
}

static void on_knock(struct cli_circle *c, const char *event, const json_t *msg)
{
  json_int_t session = proto_msg_int(msg, "session", -1);
  const char *raw = proto_msg_str(msg, "name", NULL);
  if (session < 0 || !raw)
    return;
  char name[CLI_NAME_BYTES], line[CLI_LINE_MAX];
  a11y_text_sanitize(name, sizeof name, raw);
  knocker_remove(c, (uint64_t)session);
  if (strcmp(event, "knock_withdrawn") == 0) {
    /* We admitted or declined them ourselves: our reply said so. */
    if (c->answered_knock == (uint64_t)session)
      return;
    snprintf(line, sizeof line, "%s is no longer knocking.", name);
    circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
    return;
  }
  if (c->knockers_len < CIRCLE_KNOCK_MAX) {
    struct circle_member *k = &c->knockers[c->knockers_len++];
    memset(k, 0, sizeof *k);
    k->session = (uint64_t)session;
    hx_strlcpy(k->name, raw, sizeof k->name);
  }
  snprintf(line, sizeof line, "%s%s is knocking. Type /admit %s or /decline %s.", name,
           proto_msg_bool(msg, "guest", 0) ? ", a guest," : "", name, name);
  circle_cue(c, A11Y_CUE_KNOCK, line);
}

/* "Ada is typing." when someone starts a line. Nothing when they stop (the
 * line itself, or silence, follows), for our own typing, for a blocked
 * person, or for someone we do not know. */
static void say_typing(struct cli_circle *c, struct circle_member *m, bool self,
                       const json_t *msg)
{
  const json_t *typing = json_object_get(msg, "typing");
  if (!m || !json_is_boolean(typing) || m->typing == json_is_true(typing))
    return;
  m->typing = json_is_true(typing);
  if (!m->typing || self || circle_name_blocked(c, m->name))
    return;
  char name[CLI_NAME_BYTES], line[CLI_LINE_MAX];
  a11y_text_sanitize(name, sizeof name, m->name);
  snprintf(line, sizeof line, "%s is typing.", name);
  circle_cue(c, A11Y_CUE_TYPING, line);
}

static void on_status(struct cli_circle *c, const char *event, const json_t *msg)
{
  json_int_t session = proto_msg_int(msg, "session", -1);
  struct circle_member *m = session >= 0 ? circle_member_by_session(c, (uint64_t)session) : NULL;
  bool self = circle_is_self(c, msg, NULL);
  bool stepping = strcmp(event, "stepped_out") == 0;
  bool on = proto_msg_bool(msg, stepping ? "out" : "away", 0) != 0;
  bool *was = m ? (stepping ? &m->stepped_out : &m->away) : NULL;
  if (!stepping)
    say_typing(c, m, self, msg);
  if (was && *was == on)
    return; /* typing alone changed, or nothing did */
  /* Someone not on our roster: what changed is unknown, and "back" is
   * what every typing change of theirs would say. */
  if (!was && !on)
    return;
  if (was)
    *was = on;
  if (self)
    *(stepping ? &c->stepped_out : &c->away) = on;
  char name[CLI_NAME_BYTES], line[CLI_LINE_MAX];
  circle_subject(c, msg, NULL, name, sizeof name);
  if (self && stepping && on)
    snprintf(line, sizeof line, "You stepped out. You hear nothing until you type /back.");
  else if (self)
    snprintf(line, sizeof line, on ? "You are away." : "You are back.");
  else
    snprintf(line, sizeof line, on ? (stepping ? "%s stepped out." : "%s is away.")
                                   : "%s is back.",
             name);
  circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
}

static void on_moderation(struct cli_circle *c, const char *event, const json_t *msg)
{
  char line[CLI_LINE_MAX], name[CLI_NAME_BYTES], by[CLI_NAME_BYTES], room[CIRCLE_ROOM_BYTES];
  char reason[TEXT_MAX + 16];
  bool self = circle_is_self(c, msg, NULL);
  circle_subject(c, msg, NULL, name, sizeof name);
  a11y_text_sanitize(by, sizeof by, proto_msg_str(msg, "by", "A facilitator"));
  a11y_text_sanitize(room, sizeof room, proto_msg_str(msg, "room", c->room));
  if (strcmp(event, "muted") == 0) {
    /* The session already said "muted"; who did it matters to the person
     * it was done to, who cannot undo it. */
    if (!self || !proto_msg_str(msg, "by", NULL))
      return;
    bool forced = proto_msg_bool(msg, "forced", 0) != 0;
    if (proto_msg_bool(msg, "muted", 0))
      snprintf(line, sizeof line, "%s muted you.%s", by,
               forced ? " A facilitator can unmute you." : "");
    else
      snprintf(line, sizeof line, "%s unmuted you.", by);
    circle_cue(c, A11Y_CUE_MUTED_BY_HOST, line);
    return;
  }
  if (strcmp(event, "listening") == 0) {
    bool on = proto_msg_bool(msg, "listening", 0) != 0;
    if (self)
      snprintf(line, sizeof line,
               on ? "You were moved to listening: you hear the room, and it does not hear you."
                  : "You can speak again.");
    else
      snprintf(line, sizeof line, on ? "%s is listening." : "%s can speak again.", name);
    circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
    return;
  }
  reason_suffix(msg, "reason", "Reason: ", reason, sizeof reason);
  if (strcmp(event, "removed") == 0) {
    snprintf(line, sizeof line, "You were removed from %s.%s", room, reason);
  } else if (strcmp(event, "banned") == 0) {
    char until[64] = "until a host lifts the ban";
    json_int_t t = proto_msg_int(msg, "until", -1);
    if (t >= 0) {
      char when[48];
      circle_say_time(t, when, sizeof when);
      snprintf(until, sizeof until, "until %s", when);
    }
    snprintf(line, sizeof line, "You were banned from %s %s.%s", room, until, reason);
  } else { /* declined */
    snprintf(line, sizeof line, "You were not let in to %s.%s", room, reason);
    c->knocking_room[0] = '\0';
  }
  circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
}

static void on_role(struct cli_circle *c, const json_t *msg)
{
  char line[CLI_LINE_MAX], name[CLI_NAME_BYTES];
  const char *role = proto_msg_str(msg, "role", "member");
  if (circle_is_self(c, msg, NULL))
    snprintf(line, sizeof line, "You are now %s.", circle_role_article(role));
  else {
    circle_subject(c, msg, NULL, name, sizeof name);
    snprintf(line, sizeof line, "%s is now %s.", name, circle_role_article(role));
  }
  circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
}

static void on_note(struct cli_circle *c, const json_t *msg)
{
  char line[CLI_LINE_MAX], name[CLI_NAME_BYTES], text[TEXT_MAX];
  json_int_t session = proto_msg_int(msg, "session", -1);
  if (session >= 0 && cli_circle_blocked(c, (uint64_t)session))
    return; /* a block silences a person's text too */
  circle_subject(c, msg, NULL, name, sizeof name);
  a11y_text_sanitize(text, sizeof text, proto_msg_str(msg, "text", ""));
  snprintf(line, sizeof line, "Private note from %s: %s", name, text);
  circle_cue(c, A11Y_CUE_ROOM_NEWS, line);
}

static void on_ending(struct cli_circle *c, const char *event, const json_t *msg)
{
  char line[CLI_LINE_MAX], text[TEXT_MAX + 16], room[CIRCLE_ROOM_BYTES];
  reason_suffix(msg, "message", "", text, sizeof text);
  if (strcmp(event, "closing") == 0) {
    char d[64];
    circle_say_duration((long)proto_msg_int(msg, "seconds_left", 0), d, sizeof d);
    snprintf(line, sizeof line, "Room closing in %s.%s", d, text);
    circle_cue(c, A11Y_CUE_ROOM_CLOSING, line);
    return;
  }
  a11y_text_sanitize(room, sizeof room, proto_msg_str(msg, "room", c->room));
  snprintf(line, sizeof line, "%s has closed.%s", room, text);
  circle_cue(c, A11Y_CUE_ROOM_CLOSING, line);
}

int circle_event(struct cli_circle *c, const char *event, const json_t *msg)
{
  if (strcmp(event, "floor") == 0)
    on_floor(c, msg);
  else if (strcmp(event, "turn_cue") == 0 || strcmp(event, "turn_end") == 0)
    on_turn(c, event, msg);
  else if (strcmp(event, "settings") == 0)
    on_settings(c, msg);
  else if (strcmp(event, "role") == 0)
    on_role(c, msg);
  else if (strcmp(event, "knock") == 0 || strcmp(event, "knock_withdrawn") == 0)
    on_knock(c, event, msg);
  else if (strcmp(event, "status") == 0 || strcmp(event, "stepped_out") == 0)
    on_status(c, event, msg);
  else if (strcmp(event, "muted") == 0 || strcmp(event, "listening") == 0 ||
           strcmp(event, "removed") == 0 || strcmp(event, "banned") == 0 ||
           strcmp(event, "declined") == 0)
    on_moderation(c, event, msg);
  else if (strcmp(event, "note") == 0)
    on_note(c, msg);
  else if (strcmp(event, "closing") == 0 || strcmp(event, "closed") == 0)
    on_ending(c, event, msg);
  else
    return HX_ERR_NOT_FOUND;
  return HX_OK;
}
