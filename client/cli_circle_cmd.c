/* Circle commands to requests (docs/protocol.md, "Circles"). Each command
 * either sends one request or tells the person, in one line, what it
 * needs. People are named as typed and found on the roster (or among those
 * knocking) without regard to ASCII case; the request carries their
 * session. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "a11y_text.h"
#include "cli_circle_impl.h"
#include "hx_err.h"
#include "hx_util.h"

#define REASON_MAX 500

static const char *const help_lines[] = {
    "/hand: raise or lower your hand (/hand up, /hand down).",
    "/floor: who has the floor, and the queue. /queue: the raised hands in order.",
    "/pass: end your turn and pass the floor on.",
    "/next, /give NAME, /take: give the floor to the first hand, to NAME, or to nobody.",
    "/defer on or off: as host or facilitator, follow the floor like everyone.",
    "/mute NAME, /unmute NAME: stop or let through someone's voice for the room.",
    "/listen NAME, /unlisten NAME: move someone to listening, or back.",
    "/remove NAME [REASON], /ban NAME [DURATION] [REASON]: take someone out (30m, 2h, 7d).",
    "/bans, /unban NAME: the room's bans, and lifting one.",
    "/block NAME, /unblock NAME: stop hearing and seeing someone; they are not told.",
    "/knock: who is knocking. /admit NAME, /decline NAME [REASON]: answer them.",
    "/invite [--uses N] [--expires DURATION]: an invite code for this room.",
    "/join ROOM --invite CODE: join with an invite, past a lock or a knock.",
    "/close DURATION [MESSAGE]: close the room after a spoken countdown (/close 2m).",
    "/away, /back, /stepout: tell the room you are away, back, or stepping out.",
    "/note TEXT: a private note to the facilitators.",
    "/leave quietly: leave without an announcement.",
    "/topic TEXT, /lock, /unlock, /room set KEY VALUE: change the room.",
    "/room create NAME: a new room, with you as host. /role NAME ROLE: facilitator or member.",
};

const char *cli_circle_help_line(size_t i)
{
  return i < sizeof help_lines / sizeof help_lines[0] ? help_lines[i] : NULL;
}

static const char *skip_space(const char *s)
{
  while (*s && isspace((unsigned char)*s))
    s++;
  return s;
}

/* Copies s without trailing white space. */
static void copy_trimmed(char *out, size_t cap, const char *s)
{
  hx_strlcpy(out, skip_space(s), cap);
  size_t n = strlen(out);
  while (n > 0 && isspace((unsigned char)out[n - 1]))
    out[--n] = '\0';
}

/* The first word of s into out; *rest points after it. */
static void take_word(const char *s, char *out, size_t cap, const char **rest)
{
  s = skip_space(s);
  size_t n = 0;
  while (s[n] && !isspace((unsigned char)s[n]))
    n++;
  size_t keep = n < cap ? n : cap - 1;
  memcpy(out, s, keep);
  out[keep] = '\0';
  *rest = skip_space(s + n);
}

/* Whether s starts with name (ASCII case ignored) followed by the end or a
 * space: names may hold spaces ("Mary Ann"). */
static bool starts_with_name(const char *s, const char *name)
{
  size_t n = strlen(name);
  return n > 0 && strncasecmp(s, name, n) == 0 && (s[n] == '\0' || isspace((unsigned char)s[n]));
}

/* Finds the person that args start with among list: "quoted name", else
 * the longest matching name, else the first word (for the message).
 * *rest points after the name. */
static const struct circle_member *take_person(const struct circle_member *list, size_t len,
                                               const char *args, char *typed, size_t cap,
                                               const char **rest)
{
  args = skip_space(args);
  if (*args == '"') {
    const char *end = strchr(args + 1, '"');
    size_t n = end ? (size_t)(end - args - 1) : strlen(args + 1);
    size_t keep = n < cap ? n : cap - 1;
    memcpy(typed, args + 1, keep);
    typed[keep] = '\0';
    *rest = skip_space(end ? end + 1 : args + 1 + n);
    for (size_t i = 0; i < len; i++) {
      if (strcasecmp(list[i].name, typed) == 0)
        return &list[i];
    }
    return NULL;
  }
  const struct circle_member *best = NULL;
  for (size_t i = 0; i < len; i++) {
    if (starts_with_name(args, list[i].name) &&
        (!best || strlen(list[i].name) > strlen(best->name)))
      best = &list[i];
  }
  if (best) {
    hx_strlcpy(typed, best->name, cap);
    *rest = skip_space(args + strlen(best->name));
    return best;
  }
  take_word(args, typed, cap, rest);
  return NULL;
}

/* The person named at the start of args, from the roster; tells the person
 * and returns NULL when there is none. */
static const struct circle_member *need_person(struct cli_circle *c, const char *command,
                                               const char *args, const char **rest)
{
  char typed[CLI_NAME_BYTES], shown[CLI_NAME_BYTES];
  if (!*skip_space(args)) {
    circle_printf(c, "/%s needs a name, for example /%s Ben.", command, command);
    return NULL;
  }
  if (!c->in_room) {
    circle_print(c, "You are not in a room. Type /join ROOM to join one.");
    return NULL;
  }
  const struct circle_member *m = take_person(c->roster, c->roster_len, args, typed, sizeof typed,
                                              rest);
  if (!m) {
    a11y_text_sanitize(shown, sizeof shown, typed);
    circle_printf(c, "Nobody called %s is here. Type /who for the list.", shown);
  }
  return m;
}

/* A duration: "30s", "10m", "2h", "7d", or a bare number of bare_unit
 * seconds. */
static int parse_duration(const char *s, long bare_unit, long *seconds)
{
  size_t n = strlen(s);
  if (n == 0 || n > 16)
    return HX_ERR_INVALID;
  char num[20];
  hx_strlcpy(num, s, sizeof num);
  long unit = bare_unit;
  switch (tolower((unsigned char)num[n - 1])) {
  case 's': unit = 1; num[--n] = '\0'; break;
  case 'm': unit = 60; num[--n] = '\0'; break;
  case 'h': unit = 3600; num[--n] = '\0'; break;
  case 'd': unit = 86400; num[--n] = '\0'; break;
  default: break;
  }
  long v;
  if (hx_parse_long(num, 0, 10L * 365 * 86400 / unit, &v) != HX_OK)
    return HX_ERR_INVALID;
  *seconds = v * unit;
  return HX_OK;
}

static int send_floor(struct cli_circle *c, const char *action, const struct circle_member *m)
{
  json_t *msg = json_pack("{s:s,s:s}", "type", "floor", "action", action);
  if (msg && m)
    json_object_set_new(msg, "session", json_integer((json_int_t)m->session));
  return circle_send(c, msg);
}

static int cmd_hand(struct cli_circle *c, const char *args)
{
  bool raise = !c->hand_up;
  if (strcasecmp(args, "up") == 0)
    raise = true;
  else if (strcasecmp(args, "down") == 0)
    raise = false;
  else if (*args) {
    circle_print(c, "/hand takes up, down or nothing (to raise or lower it).");
    return HX_OK;
  }
  return circle_send(c, json_pack("{s:s,s:b}", "type", "hand", "raised", raise));
}

static int cmd_give(struct cli_circle *c, const char *args)
{
  const char *rest;
  const struct circle_member *m = need_person(c, "give", args, &rest);
  return m ? send_floor(c, "give", m) : HX_OK;
}

static int cmd_defer(struct cli_circle *c, const char *args)
{
  bool on = true;
  if (strcasecmp(args, "off") == 0)
    on = false;
  else if (*args && strcasecmp(args, "on") != 0) {
    circle_print(c, "/defer takes on or off.");
    return HX_OK;
  }
  return circle_send(c, json_pack("{s:s,s:b}", "type", "defer", "on", on));
}

static int send_moderate(struct cli_circle *c, const char *action, const char *args)
{
  const char *rest;
  const struct circle_member *m = need_person(c, action, args, &rest);
  if (!m)
    return HX_OK;
  if (m->session == c->own_session) {
    circle_printf(c, "You cannot %s yourself.", action);
    return HX_OK;
  }
  json_t *msg = json_pack("{s:s,s:s,s:I}", "type", "moderate", "action", action, "session",
                          (json_int_t)m->session);
  if (msg && (strcmp(action, "remove") == 0 || strcmp(action, "ban") == 0)) {
    char word[32];
    const char *after;
    take_word(rest, word, sizeof word, &after);
    long seconds;
    if (strcmp(action, "ban") == 0 && *word && parse_duration(word, 60, &seconds) == HX_OK) {
      json_object_set_new(msg, "duration", json_integer(seconds));
      rest = after;
    }
    char reason[REASON_MAX + 1];
    copy_trimmed(reason, sizeof reason, rest);
    if (*reason)
      json_object_set_new(msg, "reason", json_string(reason));
  }
  return circle_send(c, msg);
}

static int cmd_block(struct cli_circle *c, const char *args, bool block)
{
  const char *command = block ? "block" : "unblock";
  char typed[CLI_NAME_BYTES], shown[CLI_NAME_BYTES];
  const char *rest;
  if (!*args) {
    circle_printf(c, "/%s needs a name, for example /%s Ben.", command, command);
    return HX_OK;
  }
  const struct circle_member *m = take_person(c->roster, c->roster_len, args, typed,
                                              sizeof typed, &rest);
  /* A block is about a person, so it also holds for someone who is not
   * here now; the line says so, in case of a typo. */
  if (!m)
    copy_trimmed(typed, sizeof typed, args);
  if (m && m->session == c->own_session) {
    circle_print(c, "You cannot block yourself.");
    return HX_OK;
  }
  a11y_text_sanitize(shown, sizeof shown, typed);
  if (!block && !circle_name_blocked(c, typed)) {
    circle_printf(c, "%s is not blocked.", shown);
    return HX_OK;
  }
  if (circle_block(c, typed, block) != HX_OK) {
    circle_printf(c, "Cannot block %s: you have blocked %d people already.", shown,
                  CIRCLE_BLOCK_MAX);
    return HX_OK;
  }
  if (block)
    circle_printf(c, "%s is blocked. You will not hear or see them; they are not told.%s",
                  shown, m ? "" : " They are not here now.");
  else
    circle_printf(c, "%s is unblocked.", shown);
  return HX_OK;
}

static int cmd_knock(struct cli_circle *c, const char *args)
{
  if (*args) /* knocking at a room is joining it: the room decides */
    return circle_send(c, json_pack("{s:s,s:s}", "type", "join", "room", args));
  if (c->knockers_len == 0) {
    circle_answer(c, "Nobody is knocking.");
    return HX_OK;
  }
  char line[CLI_LINE_MAX];
  size_t used = 0;
  for (size_t i = 0; i < c->knockers_len; i++) {
    char name[CLI_NAME_BYTES];
    a11y_text_sanitize(name, sizeof name, c->knockers[i].name);
    int n = snprintf(line + used, sizeof line - used, "%s%s",
                     i == 0 ? "" : i + 1 == c->knockers_len ? " and " : ", ", name);
    if (n < 0 || (size_t)n >= sizeof line - used)
      break;
    used += (size_t)n;
  }
  snprintf(line + used, sizeof line - used, " %s knocking. Type /admit NAME or /decline NAME.",
           c->knockers_len == 1 ? "is" : "are");
  circle_answer(c, line);
  return HX_OK;
}

static int cmd_answer_knock(struct cli_circle *c, const char *command, const char *args)
{
  char typed[CLI_NAME_BYTES], shown[CLI_NAME_BYTES];
  const char *rest;
  if (!*args) {
    circle_printf(c, "/%s needs a name, for example /%s Dee.", command, command);
    return HX_OK;
  }
  const struct circle_member *m =
      take_person(c->knockers, c->knockers_len, args, typed, sizeof typed, &rest);
  if (!m) {
    a11y_text_sanitize(shown, sizeof shown, typed);
    circle_printf(c, "Nobody called %s is knocking.", shown);
    return HX_OK;
  }
  json_t *msg = json_pack("{s:s,s:I}", "type", command, "session", (json_int_t)m->session);
  char reason[REASON_MAX + 1];
  copy_trimmed(reason, sizeof reason, rest);
  if (msg && *reason)
    json_object_set_new(msg, "reason", json_string(reason));
  c->answered_knock = m->session;
  return circle_send(c, msg);
}

static int cmd_invite(struct cli_circle *c, const char *args)
{
  json_t *msg = json_pack("{s:s}", "type", "invite");
  while (msg && *args) {
    char flag[32], value[32];
    take_word(args, flag, sizeof flag, &args);
    take_word(args, value, sizeof value, &args);
    long n;
    if (strcmp(flag, "--uses") == 0 && hx_parse_long(value, 1, 1000, &n) == HX_OK) {
      json_object_set_new(msg, "uses", json_integer(n));
    } else if (strcmp(flag, "--expires") == 0 && parse_duration(value, 60, &n) == HX_OK) {
      json_object_set_new(msg, "expires", json_integer(n));
    } else {
      json_decref(msg);
      circle_print(c, "/invite takes --uses N (1 to 1000) and --expires DURATION (1h to 30d).");
      return HX_OK;
    }
  }
  return circle_send(c, msg);
}

/* /join ROOM --invite TOKEN: a join the session cannot send, since only
 * an invite opens a locked room or skips the knock. Without --invite the
 * session's own /join is meant: HX_ERR_NOT_FOUND. */
static int cmd_join_invited(struct cli_circle *c, const char *args)
{
  const char *flag = strstr(args, "--invite");
  if (!flag)
    return HX_ERR_NOT_FOUND;
  char room[CLI_NAME_BYTES], token[256];
  size_t room_len = (size_t)(flag - args);
  if (room_len >= sizeof room)
    room_len = sizeof room - 1;
  memcpy(room, args, room_len);
  room[room_len] = '\0';
  while (room_len > 0 && isspace((unsigned char)room[room_len - 1]))
    room[--room_len] = '\0';
  copy_trimmed(token, sizeof token, flag + strlen("--invite"));
  if (!*room || !*token || strchr(token, ' ')) {
    circle_print(c, "/join with an invite needs the room and the code, for example /join "
                    "Tuesday circle --invite hx1-9f3a.");
    return HX_OK;
  }
  return circle_send(c, json_pack("{s:s,s:s,s:s}", "type", "join", "room", room, "invite", token));
}

static int cmd_close(struct cli_circle *c, const char *args)
{
  char word[32];
  const char *rest;
  take_word(args, word, sizeof word, &rest);
  long seconds;
  if (!*word || parse_duration(word, 60, &seconds) != HX_OK || seconds > 3600) {
    circle_print(c, "/close needs a time up to 1 hour, for example /close 2m or /close 30s.");
    return HX_OK;
  }
  json_t *msg = json_pack("{s:s,s:I}", "type", "close", "seconds", (json_int_t)seconds);
  char text[REASON_MAX + 1];
  copy_trimmed(text, sizeof text, rest);
  if (msg && *text)
    json_object_set_new(msg, "message", json_string(text));
  return circle_send(c, msg);
}

static int cmd_back(struct cli_circle *c)
{
  if (!c->away && !c->stepped_out) {
    circle_print(c, "You are not away.");
    return HX_OK;
  }
  int rc = HX_OK;
  if (c->stepped_out)
    rc = circle_send(c, json_pack("{s:s,s:b}", "type", "step_out", "out", false));
  if (rc == HX_OK && c->away)
    rc = circle_send(c, json_pack("{s:s,s:b}", "type", "status", "away", false));
  return rc;
}

static int cmd_note(struct cli_circle *c, const char *args)
{
  if (!*args) {
    circle_print(c, "/note needs the text, for example /note I need to leave early.");
    return HX_OK;
  }
  return circle_send(c, json_pack("{s:s,s:s}", "type", "note", "text", args));
}

static int send_settings(struct cli_circle *c, json_t *settings)
{
  if (!settings)
    return HX_ERR_NOMEM;
  return circle_send(c, json_pack("{s:s,s:o}", "type", "room_set", "settings", settings));
}

/* A setting's value as the protocol types it: numbers for the limit and
 * the turn times (seconds, or with a unit), booleans for on/off, text for
 * the rest. NULL when the key is unknown or the value does not fit it; the
 * server checks the ranges. */
static json_t *setting_value(const char *key, const char *value)
{
  long n;
  if (strcmp(key, "limit") == 0)
    return hx_parse_long(value, 0, 100000, &n) == HX_OK ? json_integer(n) : NULL;
  if (strcmp(key, "turn_limit") == 0 || strcmp(key, "turn_cue") == 0)
    return parse_duration(value, 1, &n) == HX_OK ? json_integer(n) : NULL;
  if (strcmp(key, "locked") == 0 || strcmp(key, "knock") == 0 || strcmp(key, "guests") == 0) {
    if (strcasecmp(value, "on") == 0 || strcasecmp(value, "true") == 0 ||
        strcasecmp(value, "yes") == 0)
      return json_true();
    if (strcasecmp(value, "off") == 0 || strcasecmp(value, "false") == 0 ||
        strcasecmp(value, "no") == 0)
      return json_false();
    return NULL;
  }
  if (strcmp(key, "topic") == 0 || strcmp(key, "floor") == 0 || strcmp(key, "turn_end") == 0)
    return json_string(value);
  return NULL;
}

static int cmd_room(struct cli_circle *c, const char *args)
{
  char verb[16], key[32];
  const char *rest;
  take_word(args, verb, sizeof verb, &rest);
  if (strcasecmp(verb, "create") == 0 && *rest) {
    char name[CLI_NAME_BYTES];
    copy_trimmed(name, sizeof name, rest);
    c->created_id = c->next_id;
    return circle_send(c, json_pack("{s:s,s:s}", "type", "create_room", "room", name));
  }
  if (strcasecmp(verb, "set") == 0) {
    take_word(rest, key, sizeof key, &rest);
    char value[CLI_LINE_MAX];
    copy_trimmed(value, sizeof value, rest);
    json_t *v = *value ? setting_value(key, value) : NULL;
    if (v)
      return send_settings(c, json_pack("{s:o}", key, v));
    circle_print(c, "/room set needs a setting and a value: topic TEXT, limit N, locked on or "
                    "off, knock on or off, guests on or off, floor open or hands or round, "
                    "turn_limit 2m, turn_cue 30s, turn_end remind or pass.");
    return HX_OK;
  }
  circle_print(c, "/room takes create NAME, or set KEY VALUE.");
  return HX_OK;
}

static int cmd_role(struct cli_circle *c, const char *args)
{
  const char *rest;
  const struct circle_member *m = need_person(c, "role", args, &rest);
  if (!m)
    return HX_OK;
  char role[16];
  copy_trimmed(role, sizeof role, rest);
  if (strcasecmp(role, "host") != 0 && strcasecmp(role, "facilitator") != 0 &&
      strcasecmp(role, "member") != 0) {
    circle_print(c, "/role needs a name and a role: host, facilitator or member, for example "
                    "/role Dee facilitator.");
    return HX_OK;
  }
  for (char *p = role; *p; p++)
    *p = (char)tolower((unsigned char)*p);
  return circle_send(c, json_pack("{s:s,s:I,s:s}", "type", "role", "session",
                                  (json_int_t)m->session, "role", role));
}

static int cmd_unban(struct cli_circle *c, const char *args)
{
  if (!*args) {
    circle_print(c, "/unban needs a name or a ban number from /bans.");
    return HX_OK;
  }
  long number;
  if (hx_parse_long(args, 1, 0x7fffffffL, &number) == HX_OK)
    return circle_send(c, json_pack("{s:s,s:I}", "type", "unban", "ban", (json_int_t)number));
  /* Bans are by number: ask for the list, and lift the one with this name
   * when it comes. */
  copy_trimmed(c->unban_name, sizeof c->unban_name, args);
  return circle_send(c, json_pack("{s:s}", "type", "bans"));
}

static bool no_args(struct cli_circle *c, const char *name, const char *args)
{
  if (!*args)
    return true;
  circle_printf(c, "/%s takes nothing after it.", name);
  return false;
}

static bool needs_text(struct cli_circle *c, const char *name, const char *args,
                       const char *example)
{
  if (*args)
    return true;
  circle_printf(c, "/%s needs %s.", name, example);
  return false;
}

int circle_command(struct cli_circle *c, const char *name, const char *raw_args)
{
  char args[CLI_LINE_MAX];
  copy_trimmed(args, sizeof args, raw_args);
  if (strcasecmp(name, "hand") == 0)
    return cmd_hand(c, args);
  if (strcasecmp(name, "next") == 0)
    return no_args(c, name, args) ? send_floor(c, "next", NULL) : HX_OK;
  if (strcasecmp(name, "take") == 0)
    return no_args(c, name, args) ? send_floor(c, "take", NULL) : HX_OK;
  if (strcasecmp(name, "give") == 0)
    return cmd_give(c, args);
  if (strcasecmp(name, "pass") == 0)
    return no_args(c, name, args) ? circle_send(c, json_pack("{s:s}", "type", "pass")) : HX_OK;
  if (strcasecmp(name, "floor") == 0)
    return no_args(c, name, args) ? circle_print_floor(c, false) : HX_OK;
  if (strcasecmp(name, "queue") == 0)
    return no_args(c, name, args) ? circle_print_floor(c, true) : HX_OK;
  if (strcasecmp(name, "defer") == 0)
    return cmd_defer(c, args);
  static const char *const moderation[] = {"mute", "unmute", "listen", "unlisten", "remove",
                                           "ban"};
  for (size_t i = 0; i < sizeof moderation / sizeof moderation[0]; i++) {
    if (strcasecmp(name, moderation[i]) == 0)
      return send_moderate(c, moderation[i], args);
  }
  if (strcasecmp(name, "bans") == 0) {
    c->unban_name[0] = '\0';
    return no_args(c, name, args) ? circle_send(c, json_pack("{s:s}", "type", "bans")) : HX_OK;
  }
  if (strcasecmp(name, "unban") == 0)
    return cmd_unban(c, args);
  if (strcasecmp(name, "block") == 0 || strcasecmp(name, "unblock") == 0)
    return cmd_block(c, args, strcasecmp(name, "block") == 0);
  if (strcasecmp(name, "knock") == 0)
    return cmd_knock(c, args);
  if (strcasecmp(name, "join") == 0)
    return cmd_join_invited(c, args);
  if (strcasecmp(name, "admit") == 0)
    return cmd_answer_knock(c, "admit", args);
  if (strcasecmp(name, "decline") == 0)
    return cmd_answer_knock(c, "decline", args);
  if (strcasecmp(name, "invite") == 0)
    return cmd_invite(c, args);
  if (strcasecmp(name, "close") == 0)
    return cmd_close(c, args);
  if (strcasecmp(name, "away") == 0)
    return no_args(c, name, args)
               ? circle_send(c, json_pack("{s:s,s:b}", "type", "status", "away", true))
               : HX_OK;
  if (strcasecmp(name, "back") == 0)
    return no_args(c, name, args) ? cmd_back(c) : HX_OK;
  if (strcasecmp(name, "stepout") == 0)
    return no_args(c, name, args)
               ? circle_send(c, json_pack("{s:s,s:b}", "type", "step_out", "out", true))
               : HX_OK;
  if (strcasecmp(name, "note") == 0)
    return cmd_note(c, args);
  if (strcasecmp(name, "leave") == 0) {
    if (strcasecmp(args, "quietly") != 0) {
      circle_print(c, "/leave takes quietly or nothing.");
      return HX_OK;
    }
    return circle_send(c, json_pack("{s:s,s:b}", "type", "leave", "quiet", true));
  }
  if (strcasecmp(name, "topic") == 0)
    return needs_text(c, name, args, "the topic, for example /topic Grief circle")
               ? send_settings(c, json_pack("{s:s}", "topic", args))
               : HX_OK;
  if (strcasecmp(name, "lock") == 0 || strcasecmp(name, "unlock") == 0)
    return no_args(c, name, args)
               ? send_settings(c, json_pack("{s:b}", "locked", strcasecmp(name, "lock") == 0))
               : HX_OK;
  if (strcasecmp(name, "room") == 0)
    return cmd_room(c, args);
  if (strcasecmp(name, "role") == 0)
    return cmd_role(c, args);
  return HX_ERR_NOT_FOUND;
}
