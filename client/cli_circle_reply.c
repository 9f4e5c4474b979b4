/* Replies to circle requests, and the identity challenge. A reply whose
 * effect the room's next event announces (hand, floor, pass, role, status,
 * step out, closing, admitted) prints nothing, so each change is heard
 * once; the rest get one line. */
#include <stdio.h>
#include <string.h>

#include "a11y_text.h"
#include "cli_circle_impl.h"
#include "cli_identity.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_msg.h"

#define LOG_MODULE "circle"

static void on_challenge(struct cli_circle *c, const json_t *msg)
{
  char sig[CLI_IDENTITY_B64_MAX];
  const char *nonce = proto_msg_str(msg, "nonce", "");
  int rc = c->identity ? cli_identity_prove(c->identity, nonce, c->fingerprint, sig, sizeof sig)
                       : HX_ERR_STATE;
  if (rc != HX_OK) {
    hx_log(HX_LOG_WARN, LOG_MODULE, "cannot answer the identity challenge: %s",
           hx_strerror(rc));
    circle_print(c, "Cannot prove your identity to the server; Hearth cannot go on. Try "
                    "connecting again.");
    return;
  }
  circle_send(c, json_pack("{s:s,s:s}", "type", "prove", "sig", sig));
}

static void on_moderated(struct cli_circle *c, const json_t *msg)
{
  const char *action = proto_msg_str(msg, "action", "");
  json_int_t session = proto_msg_int(msg, "session", -1);
  struct circle_member *m = session >= 0 ? circle_member_by_session(c, (uint64_t)session) : NULL;
  char name[CLI_NAME_BYTES], line[CLI_LINE_MAX];
  a11y_text_sanitize(name, sizeof name, m ? m->name : "They");
  /* The others hear only "left"; the one who acted is told it worked. */
  if (strcmp(action, "remove") == 0)
    snprintf(line, sizeof line, "%s was removed.", name);
  else if (strcmp(action, "ban") == 0)
    snprintf(line, sizeof line, "%s is banned.", name);
  else
    return;
  circle_print(c, line);
}

/* Lifts the ban of the name /unban was given, now that the list is here. */
static void unban_by_name(struct cli_circle *c, const json_t *bans)
{
  char shown[CLI_NAME_BYTES];
  a11y_text_sanitize(shown, sizeof shown, c->unban_name);
  size_t i;
  const json_t *b;
  json_array_foreach(bans, i, b)
  {
    json_int_t id = proto_msg_int(b, "ban", -1);
    if (id >= 0 && strcasecmp(proto_msg_str(b, "name", ""), c->unban_name) == 0) {
      c->unban_name[0] = '\0';
      circle_send(c, json_pack("{s:s,s:I}", "type", "unban", "ban", id));
      return;
    }
  }
  c->unban_name[0] = '\0';
  circle_printf(c, "Nobody called %s is banned here. Type /bans for the list.", shown);
}

static void on_bans(struct cli_circle *c, const json_t *msg)
{
  const json_t *bans = json_object_get(msg, "bans");
  json_decref(c->bans);
  c->bans = json_is_array(bans) ? json_deep_copy(bans) : NULL;
  if (c->unban_name[0]) {
    unban_by_name(c, bans);
    return;
  }
  char line[CLI_LINE_MAX], room[CIRCLE_ROOM_BYTES];
  a11y_text_sanitize(room, sizeof room, proto_msg_str(msg, "room", c->room));
  if (!json_is_array(bans) || json_array_size(bans) == 0) {
    snprintf(line, sizeof line, "Nobody is banned from %s.", room);
    circle_answer(c, line);
    return;
  }
  int n = snprintf(line, sizeof line, "Bans in %s:", room);
  size_t used = n > 0 ? (size_t)n : 0;
  size_t i;
  const json_t *b;
  json_array_foreach(bans, i, b)
  {
    char name[CLI_NAME_BYTES], until[64] = "no end", reason[600] = "";
    a11y_text_sanitize(name, sizeof name, proto_msg_str(b, "name", "someone"));
    json_int_t t = proto_msg_int(b, "until", -1);
    if (t >= 0) {
      char when[48];
      circle_say_time(t, when, sizeof when);
      snprintf(until, sizeof until, "until %s", when);
    }
    const char *raw_reason = proto_msg_str(b, "reason", "");
    if (*raw_reason) {
      char text[520];
      a11y_text_sanitize(text, sizeof text, raw_reason);
      snprintf(reason, sizeof reason, ", %s", text);
    }
    n = snprintf(line + used, sizeof line - used, "%s number %lld, %s, %s%s", i ? ";" : "",
                 (long long)proto_msg_int(b, "ban", 0), name, until, reason);
    if (n < 0 || (size_t)n >= sizeof line - used)
      break;
    used += (size_t)n;
  }
  circle_end_sentence(line, sizeof line);
  circle_answer(c, line);
}

static void on_unbanned(struct cli_circle *c, const json_t *msg)
{
  json_int_t id = proto_msg_int(msg, "ban", -1);
  size_t i;
  const json_t *b;
  json_array_foreach(c->bans, i, b)
  {
    if (proto_msg_int(b, "ban", -2) == id) {
      char name[CLI_NAME_BYTES];
      a11y_text_sanitize(name, sizeof name, proto_msg_str(b, "name", "someone"));
      circle_printf(c, "%s is no longer banned.", name);
      return;
    }
  }
  circle_printf(c, "Ban number %lld is lifted.", (long long)id);
}

static void on_invite(struct cli_circle *c, const json_t *msg)
{
  char room[CIRCLE_ROOM_BYTES], token[256], when[48];
  a11y_text_sanitize(room, sizeof room, proto_msg_str(msg, "room", c->room));
  a11y_text_sanitize(token, sizeof token, proto_msg_str(msg, "token", ""));
  json_int_t uses = proto_msg_int(msg, "uses", 1);
  circle_say_time(proto_msg_int(msg, "expires_at", 0), when, sizeof when);
  circle_printf(c, "Invite code for %s: %s. It lets in %lld %s, until %s, with /join %s "
                   "--invite %s.",
                room, token, (long long)uses, uses == 1 ? "person" : "people", when, room, token);
}

int circle_reply(struct cli_circle *c, const char *type, const json_t *msg)
{
  char line[CLI_LINE_MAX], room[CIRCLE_ROOM_BYTES], name[CLI_NAME_BYTES];
  if (strcmp(type, "challenge") == 0) {
    on_challenge(c, msg);
  } else if (strcmp(type, "knocking") == 0) {
    hx_strlcpy(c->knocking_room, proto_msg_str(msg, "room", ""), sizeof c->knocking_room);
    a11y_text_sanitize(room, sizeof room, c->knocking_room);
    snprintf(line, sizeof line, "You are knocking at %s. Please wait for someone to let you in.",
             room);
    circle_print(c, line);
  } else if (strcmp(type, "moderated") == 0) {
    on_moderated(c, msg);
  } else if (strcmp(type, "bans") == 0) {
    on_bans(c, msg);
  } else if (strcmp(type, "unbanned") == 0) {
    on_unbanned(c, msg);
  } else if (strcmp(type, "invite") == 0) {
    on_invite(c, msg);
  } else if (strcmp(type, "room") == 0) {
    if (proto_msg_id(msg) != c->created_id)
      return HX_OK; /* room_set: the settings event says what changed */
    a11y_text_sanitize(room, sizeof room, proto_msg_str(msg, "room", ""));
    circle_printf(c, "%s is made, and you are its host. Type /join %s to go in.", room, room);
  } else if (strcmp(type, "noted") == 0) {
    circle_print(c, "Your note went to the facilitators.");
  } else if (strcmp(type, "declined") == 0) {
    json_int_t session = proto_msg_int(msg, "session", -1);
    for (size_t i = 0; i < c->knockers_len; i++) {
      if (session >= 0 && c->knockers[i].session == (uint64_t)session) {
        a11y_text_sanitize(name, sizeof name, c->knockers[i].name);
        circle_printf(c, "%s was not let in.", name);
      }
    }
  } else if (strcmp(type, "defer") == 0) {
    circle_print(c, proto_msg_bool(msg, "on", 0)
                        ? "You follow the floor now, like everyone."
                        : "You may speak at any time again.");
  } else if (strcmp(type, "hand") != 0 && strcmp(type, "floor") != 0 &&
             strcmp(type, "passed") != 0 && strcmp(type, "role") != 0 &&
             strcmp(type, "status") != 0 && strcmp(type, "step_out") != 0 &&
             strcmp(type, "closing") != 0 && strcmp(type, "admitted") != 0) {
    return HX_ERR_NOT_FOUND;
  }
  return HX_OK;
}
