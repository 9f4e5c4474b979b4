#include "cli_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a11y_text.h"
#include "cli_circle.h"
#include "cli_identity.h"
#include "cli_media.h"
#include "cli_request.h"
#include "cli_seats.h"
#include "cli_typed.h"
#include "cli_typing.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_msg.h"
#include "proto_srtp.h"

#define LOG_MODULE "session"
#define ROOM_BYTES 256
#define CLIENT_NAME "hearth " HEARTH_VERSION
#define SPEAKERS_KEPT 4

struct cli_member {
  uint64_t session;
  char name[CLI_NAME_BYTES]; /* raw from the network: sanitize to print */
  uint32_t ssrc;
  /* The stream of their typed speech; an older server sends none. */
  bool has_text_ssrc;
  uint32_t text_ssrc;
  bool muted;
  bool speaking;
};

enum phase {
  PHASE_NEW,
  PHASE_HELLO_SENT,
  PHASE_WELCOMED,
};

struct cli_session {
  struct cli_session_io io;
  struct cli_media *media; /* not owned; may be NULL */
  const struct cli_identity *identity; /* not owned; may be NULL */
  struct cli_circle *circle;           /* not owned; may be NULL */
  struct cli_seats *seats;             /* owned: everyone's place, on or off */
  bool seats_on;                       /* voices sit in their places */
  struct cli_typed *typed;             /* not owned; may be NULL */
  struct cli_typing *typing;           /* not owned; may be NULL */
  char name[CLI_NAME_BYTES];
  char wanted_room[ROOM_BYTES];
  char server[300];
  enum phase phase;
  enum cli_session_end end;
  json_int_t next_id;
  json_int_t hello_id;
  json_int_t join_id; /* the first join, whose answer makes us ready */
  bool ready;
  bool in_room;
  char room[ROOM_BYTES];
  uint64_t own_session;
  uint32_t own_ssrc;
  bool muted;           /* what we want and what media does */
  bool announced_muted; /* what we last told the person */
  struct cli_member roster[CLI_ROSTER_MAX];
  size_t roster_len;
  /* Who started or stopped speaking, most recent first, for "Last: Ada.";
   * names are kept after people leave. */
  struct cli_member recent[SPEAKERS_KEPT];
  size_t recent_len;
};

int cli_session_create(const struct cli_session_config *cfg, const struct cli_session_io *io,
                       struct cli_media *media, struct cli_session **out)
{
  *out = NULL;
  struct cli_session *s = calloc(1, sizeof *s);
  if (!s)
    return HX_ERR_NOMEM;
  if (cli_seats_create(&s->seats) != HX_OK) {
    free(s);
    return HX_ERR_NOMEM;
  }
  s->io = *io;
  s->media = media;
  s->identity = cfg->identity;
  s->circle = cfg->circle;
  s->typed = cfg->typed;
  s->typing = cfg->typing;
  if (hx_strlcpy(s->name, cfg->name, sizeof s->name) != HX_OK ||
      hx_strlcpy(s->wanted_room, cfg->room, sizeof s->wanted_room) != HX_OK ||
      hx_strlcpy(s->server, cfg->server, sizeof s->server) != HX_OK) {
    cli_session_destroy(s);
    return HX_ERR_TOO_BIG;
  }
  s->next_id = 1;
  s->hello_id = s->join_id = -1;
  *out = s;
  return HX_OK;
}

void cli_session_destroy(struct cli_session *s)
{
  if (!s)
    return;
  cli_seats_destroy(s->seats);
  free(s);
}

static void print_line(struct cli_session *s, const char *line) { s->io.print(s->io.userdata, line); }

static void print_event(struct cli_session *s, const struct a11y_event_info *ev)
{
  char line[512];
  a11y_text_event(ev, line, sizeof line);
  if (s->io.event)
    s->io.event(s->io.userdata, ev, line);
  else
    print_line(s, line);
}

/* Moves m to the front of the recent speakers. */
static void remember_speaker(struct cli_session *s, const struct cli_member *m)
{
  size_t i = 0;
  while (i < s->recent_len && s->recent[i].session != m->session)
    i++;
  if (i == s->recent_len)
    i = s->recent_len < SPEAKERS_KEPT ? s->recent_len++ : SPEAKERS_KEPT - 1;
  memmove(&s->recent[1], &s->recent[0], i * sizeof s->recent[0]);
  s->recent[0] = *m;
}

/* Sends msg (stolen) with the next id; *id_out gets the id. */
static int send_request(struct cli_session *s, json_t *msg, json_int_t *id_out)
{
  json_int_t id = s->next_id++;
  int rc = cli_request_send(s->io.send, s->io.userdata, msg, id);
  if (rc == HX_OK && id_out)
    *id_out = id;
  return rc;
}

int cli_session_start(struct cli_session *s)
{
  json_t *msg = json_pack("{s:s,s:i,s:s,s:s}", "type", "hello", "version", PROTO_VERSION, "name",
                          s->name, "client", CLIENT_NAME);
  char key[CLI_IDENTITY_B64_MAX];
  if (msg && s->identity && cli_identity_public_b64(s->identity, key, sizeof key) == HX_OK)
    json_object_set_new(msg, "key", json_string(key)); /* the server answers with a challenge */
  int rc = send_request(s, msg, &s->hello_id);
  if (rc == HX_OK)
    s->phase = PHASE_HELLO_SENT;
  return rc;
}

int cli_session_join(struct cli_session *s, const char *room)
{
  json_int_t id;
  int rc = send_request(s, json_pack("{s:s,s:s}", "type", "join", "room", room), &id);
  if (rc == HX_OK && s->join_id < 0)
    s->join_id = id;
  return rc;
}

int cli_session_leave(struct cli_session *s)
{
  if (!s->in_room) {
    print_line(s, "You are not in a room. Type /join ROOM to join one.");
    return HX_OK;
  }
  return send_request(s, json_pack("{s:s}", "type", "leave"), NULL);
}

static void announce_muted(struct cli_session *s, bool muted)
{
  if (muted == s->announced_muted)
    return;
  s->announced_muted = muted;
  struct a11y_event_info ev = {.event = A11Y_EV_MUTED, .on = muted, .self = true};
  print_event(s, &ev);
}

static int send_mute(struct cli_session *s, bool muted)
{
  return send_request(s, json_pack("{s:s,s:b}", "type", "mute", "muted", muted), NULL);
}

int cli_session_set_muted(struct cli_session *s, bool muted)
{
  /* Media follows at once; the line waits for the server's confirmation.
   * Outside a room there is nobody to tell: the next join carries it. */
  s->muted = muted;
  if (s->media)
    cli_media_set_muted(s->media, muted);
  if (!s->in_room) {
    announce_muted(s, muted);
    return HX_OK;
  }
  return send_mute(s, muted);
}

int cli_session_request_rooms(struct cli_session *s)
{
  return send_request(s, json_pack("{s:s}", "type", "rooms"), NULL);
}

static struct cli_member *member_find(struct cli_session *s, uint64_t session)
{
  for (size_t i = 0; i < s->roster_len; i++) {
    if (s->roster[i].session == session)
      return &s->roster[i];
  }
  return NULL;
}

static void member_remove(struct cli_session *s, struct cli_member *m)
{
  size_t i = (size_t)(m - s->roster);
  memmove(&s->roster[i], &s->roster[i + 1], (s->roster_len - i - 1) * sizeof s->roster[0]);
  s->roster_len--;
}

/* Reads a roster entry or an event about someone; false when malformed. */
static bool member_parse(const json_t *o, struct cli_member *m)
{
  json_int_t session = proto_msg_int(o, "session", -1);
  json_int_t ssrc = proto_msg_int(o, "ssrc", -1);
  const char *name = proto_msg_str(o, "name", NULL);
  if (session < 0 || ssrc < 0 || ssrc > UINT32_MAX || !name)
    return false;
  memset(m, 0, sizeof *m);
  m->session = (uint64_t)session;
  m->ssrc = (uint32_t)ssrc;
  hx_strlcpy(m->name, name, sizeof m->name);
  json_int_t text_ssrc = proto_msg_int(o, "text_ssrc", -1);
  m->has_text_ssrc = text_ssrc >= 0 && text_ssrc <= UINT32_MAX;
  m->text_ssrc = m->has_text_ssrc ? (uint32_t)text_ssrc : 0;
  m->muted = proto_msg_bool(o, "muted", 0) != 0;
  m->speaking = proto_msg_bool(o, "speaking", 0) != 0;
  return true;
}

static void media_allow(struct cli_session *s, uint32_t ssrc)
{
  if (s->media && ssrc != s->own_ssrc)
    cli_media_allow(s->media, ssrc);
}

/* A member's voice, and their typed speech, which we hear even for our
 * own lines; a blocked member's are held back by the circle. */
static void media_allow_member(struct cli_session *s, const struct cli_member *m)
{
  if (m->session != s->own_session)
    media_allow(s, m->ssrc);
  if (m->has_text_ssrc)
    media_allow(s, m->text_ssrc);
}

static void media_forget_member(struct cli_session *s, const struct cli_member *m)
{
  if (!s->media)
    return;
  cli_media_forget(s->media, m->ssrc);
  if (m->has_text_ssrc)
    cli_media_forget(s->media, m->text_ssrc);
}

/* Gives a person their seat (kept even while seats are off, so turning
 * them on puts nobody somewhere new) and pans their voice to it, or to the
 * middle with seats off. A room past CLI_SEATS_MAX shares the middle. */
static void seat_member(struct cli_session *s, const struct cli_member *m)
{
  if (m->session == s->own_session)
    return;
  float pan = 0.0f;
  if (cli_seats_take(s->seats, m->session, &pan) != HX_OK || !s->seats_on)
    pan = 0.0f;
  if (s->media)
    cli_media_set_pan(s->media, m->ssrc, pan);
  if (s->media && m->has_text_ssrc)
    cli_media_set_pan(s->media, m->text_ssrc, pan);
}

static void leave_room_state(struct cli_session *s)
{
  cli_seats_clear(s->seats);
  s->in_room = false;
  s->roster_len = 0;
  s->recent_len = 0;
  if (s->media)
    cli_media_leave(s->media);
}

static int decode_key(const json_t *srtp, const char *field, uint8_t key[PROTO_SRTP_KEY_LEN])
{
  const char *b64 = proto_msg_str(srtp, field, NULL);
  size_t len = 0;
  if (!b64 || proto_b64_decode(b64, key, PROTO_SRTP_KEY_LEN, &len) != HX_OK ||
      len != PROTO_SRTP_KEY_LEN)
    return HX_ERR_BAD_MESSAGE;
  return HX_OK;
}

static int handle_joined(struct cli_session *s, const json_t *msg)
{
  const char *room = proto_msg_str(msg, "room", NULL);
  json_int_t session = proto_msg_int(msg, "session", -1);
  json_int_t ssrc = proto_msg_int(msg, "ssrc", -1);
  json_int_t port = proto_msg_int(msg, "media_port", -1);
  const json_t *srtp = json_object_get(msg, "srtp");
  const json_t *roster = json_object_get(msg, "roster");
  const char *suite = json_is_object(srtp) ? proto_msg_str(srtp, "suite", "") : "";
  if (!room || session < 0 || ssrc < 0 || ssrc > UINT32_MAX || port < 1 || port > 65535 ||
      !json_is_object(srtp) || !json_is_array(roster) || strcmp(suite, PROTO_SRTP_SUITE) != 0) {
    hx_log(HX_LOG_WARN, LOG_MODULE, "malformed joined message; ignoring it");
    return HX_ERR_BAD_MESSAGE;
  }
  uint8_t up[PROTO_SRTP_KEY_LEN], down[PROTO_SRTP_KEY_LEN];
  int rc = decode_key(srtp, "up", up);
  if (rc == HX_OK)
    rc = decode_key(srtp, "down", down);
  leave_room_state(s);
  s->own_session = (uint64_t)session;
  s->own_ssrc = (uint32_t)ssrc;
  if (rc == HX_OK && s->media)
    rc = cli_media_join(s->media, s->own_ssrc, up, down);
  explicit_bzero(up, sizeof up);
  explicit_bzero(down, sizeof down);
  if (rc != HX_OK) {
    hx_log(HX_LOG_WARN, LOG_MODULE, "cannot use the media keys from joined: %s",
           hx_strerror(rc));
    return rc;
  }
  hx_strlcpy(s->room, room, sizeof s->room);
  s->in_room = true;
  bool server_muted = s->muted;
  size_t i;
  const json_t *entry;
  json_array_foreach(roster, i, entry)
  {
    struct cli_member m;
    if (!member_parse(entry, &m) || member_find(s, m.session))
      continue;
    if (s->roster_len == CLI_ROSTER_MAX) {
      hx_log(HX_LOG_WARN, LOG_MODULE, "roster longer than %d; keeping the first",
             CLI_ROSTER_MAX);
      break;
    }
    s->roster[s->roster_len++] = m;
    if (m.session == s->own_session) {
      server_muted = m.muted;
    }
    media_allow_member(s, &m);
    seat_member(s, &m);
  }
  struct a11y_event_info ev = {.event = A11Y_EV_YOU_JOINED, .room = s->room,
                               .count = (int)s->roster_len};
  print_event(s, &ev);
  if (s->muted != server_muted)
    send_mute(s, s->muted);
  if (s->io.joined)
    s->io.joined(s->io.userdata, (uint16_t)port);
  return HX_OK;
}

static void handle_left(struct cli_session *s, const json_t *msg)
{
  struct a11y_event_info ev = {.event = A11Y_EV_YOU_LEFT,
                               .room = proto_msg_str(msg, "room", s->room)};
  print_event(s, &ev);
  leave_room_state(s);
}

static void handle_rooms(struct cli_session *s, const json_t *msg)
{
  const json_t *rooms = json_object_get(msg, "rooms");
  char line[CLI_LINE_MAX];
  size_t used = (size_t)snprintf(line, sizeof line, "Rooms:");
  size_t i;
  const json_t *r;
  json_array_foreach(rooms, i, r)
  {
    char name[ROOM_BYTES];
    a11y_text_sanitize(name, sizeof name, proto_msg_str(r, "name", "?"));
    json_int_t people = proto_msg_int(r, "people", 0);
    int n = snprintf(line + used, sizeof line - used, "%s %s, %lld %s", i ? ";" : "", name,
                     (long long)people, a11y_text_people((int)people));
    if (n < 0 || (size_t)n >= sizeof line - used)
      break;
    used += (size_t)n;
  }
  if (!json_is_array(rooms) || json_array_size(rooms) == 0)
    snprintf(line, sizeof line, "No rooms on this server.");
  else if (used + 1 < sizeof line)
    line[used++] = '.', line[used] = '\0';
  print_line(s, line);
}

static void handle_error(struct cli_session *s, const json_t *msg)
{
  char text[512], line[600];
  a11y_text_sanitize(text, sizeof text,
                     proto_msg_str(msg, "message", proto_msg_str(msg, "code", "unknown")));
  snprintf(line, sizeof line, "Error: %s", text);
  print_line(s, line);
  json_int_t id = proto_msg_id(msg);
  /* Before welcome, any error (the hello's own, or bad_proof answering
   * our prove, which has an id of its own) means we never get in. */
  if ((id >= 0 && id == s->hello_id) || s->phase == PHASE_HELLO_SENT)
    s->end = CLI_SESSION_FAILED;
  if (id >= 0 && id == s->join_id)
    s->ready = true;
}

static void handle_welcome(struct cli_session *s, const json_t *msg)
{
  if (s->phase != PHASE_HELLO_SENT)
    return;
  s->phase = PHASE_WELCOMED;
  if (proto_msg_int(msg, "version", PROTO_VERSION) != PROTO_VERSION)
    hx_log(HX_LOG_WARN, LOG_MODULE, "the server speaks protocol version %lld, we speak %d",
           (long long)proto_msg_int(msg, "version", 0), PROTO_VERSION);
  struct a11y_event_info ev = {.event = A11Y_EV_CONNECTED, .name = s->server};
  print_event(s, &ev);
  const char *motd = proto_msg_str(msg, "motd", "");
  if (*motd) {
    char text[1024];
    a11y_text_sanitize(text, sizeof text, motd);
    print_line(s, text);
  }
  cli_session_join(s, s->wanted_room);
}

/* Events about the room we are in; events of another room (a race while
 * switching) are dropped. */
static void handle_event(struct cli_session *s, const json_t *msg)
{
  const char *event = proto_msg_str(msg, "event", "");
  if (strcmp(event, "shutdown") == 0) {
    s->end = CLI_SESSION_SHUTDOWN;
    struct a11y_event_info ev = {.event = A11Y_EV_SHUTDOWN,
                                 .detail = proto_msg_str(msg, "message", "")};
    print_event(s, &ev);
    return;
  }
  if (strcmp(event, "loss") == 0) {
    /* Our listeners' loss: sizes the FEC we send. */
    json_int_t loss = proto_msg_int(msg, "loss", -1);
    if (s->media)
      cli_media_note_loss(s->media, loss >= 0 && loss <= 100 ? (int)loss : -1,
                          hx_clock_ns() / 1000000u, NULL);
    return;
  }
  const char *room = proto_msg_str(msg, "room", NULL);
  json_int_t session = proto_msg_int(msg, "session", -1);
  if (!s->in_room || !room || strcmp(room, s->room) != 0 || session < 0)
    return;
  bool self = (uint64_t)session == s->own_session;
  struct cli_member *m = member_find(s, (uint64_t)session);
  int count = (int)proto_msg_int(msg, "count", -1);
  struct a11y_event_info ev = {.name = proto_msg_str(msg, "name", m ? m->name : NULL),
                               .room = s->room};
  if (strcmp(event, "joined") == 0) {
    struct cli_member fresh;
    if (!m && member_parse(msg, &fresh) && s->roster_len < CLI_ROSTER_MAX) {
      s->roster[s->roster_len++] = fresh;
      media_allow_member(s, &fresh);
      seat_member(s, &fresh);
    }
    if (self)
      return;
    ev.event = A11Y_EV_JOINED;
    ev.count = count >= 0 ? count : (int)s->roster_len;
  } else if (strcmp(event, "left") == 0) {
    if (self)
      return;
    if (m) {
      media_forget_member(s, m);
      cli_seats_release(s->seats, m->session);
      member_remove(s, m);
    }
    /* Leaving quietly (/leave quietly) is a roster change, not news. */
    if (proto_msg_bool(msg, "quiet", 0))
      return;
    ev.event = A11Y_EV_LEFT;
    ev.count = count >= 0 ? count : (int)s->roster_len;
  } else if (strcmp(event, "speaking") == 0) {
    ev.event = A11Y_EV_SPEAKING;
    ev.on = proto_msg_bool(msg, "speaking", 0) != 0;
    if (m) {
      m->speaking = ev.on;
      remember_speaker(s, m);
    }
    /* The person knows when they speak; saying it back is noise. Nor is
     * someone they blocked announced (cli_circle.h). */
    if (self || (s->circle && cli_circle_blocked(s->circle, (uint64_t)session)))
      return;
  } else if (strcmp(event, "muted") == 0) {
    ev.event = A11Y_EV_MUTED;
    ev.on = proto_msg_bool(msg, "muted", 0) != 0;
    if (m)
      m->muted = ev.on;
    if (self) {
      announce_muted(s, ev.on);
      return;
    }
  } else {
    hx_log(HX_LOG_DEBUG, LOG_MODULE, "ignoring an unknown event");
    return;
  }
  print_event(s, &ev);
}

/* Circles (cli_circle.h) read every message after the session: they keep
 * their own roster (for names and blocks), answer the identity challenge
 * and tell the circle events. Some take us out of the room, or answer our
 * join without "joined". */
static void circle_follow(struct cli_session *s, const json_t *msg)
{
  if (!s->circle)
    return;
  cli_circle_handle(s->circle, msg);
  if (cli_circle_ends_room(msg) && s->in_room)
    leave_room_state(s);
  if (cli_circle_makes_ready(msg))
    s->ready = true;
}

/* Typed speech (cli_typed.h) reads every message after the circle, which
 * knows whom we blocked. */
static void typed_follow(struct cli_session *s, const json_t *msg)
{
  if (s->typed)
    cli_typed_handle(s->typed, msg);
}

/* The typing indicator (cli_typing.h) only needs to know where we are. */
static void typing_follow(struct cli_session *s, const json_t *msg)
{
  if (s->typing)
    cli_typing_handle(s->typing, msg);
}

int cli_session_handle(struct cli_session *s, const json_t *msg)
{
  const char *type = proto_msg_type(msg);
  if (!type)
    return HX_ERR_BAD_MESSAGE;
  int rc = HX_OK;
  if (strcmp(type, "welcome") == 0) {
    handle_welcome(s, msg);
  } else if (strcmp(type, "joined") == 0) {
    json_int_t id = proto_msg_id(msg);
    rc = handle_joined(s, msg);
    if (id >= 0 && id == s->join_id)
      s->ready = true;
  } else if (strcmp(type, "left") == 0) {
    handle_left(s, msg);
  } else if (strcmp(type, "muted") == 0) {
    announce_muted(s, proto_msg_bool(msg, "muted", 0) != 0);
  } else if (strcmp(type, "rooms") == 0) {
    handle_rooms(s, msg);
  } else if (strcmp(type, "event") == 0) {
    handle_event(s, msg);
  } else if (strcmp(type, "error") == 0) {
    handle_error(s, msg);
  } else if (strcmp(type, "pong") != 0) {
    hx_log(HX_LOG_DEBUG, LOG_MODULE, "ignoring a message of unknown type");
  }
  circle_follow(s, msg);
  typed_follow(s, msg);
  typing_follow(s, msg);
  return rc;
}

int cli_session_handle_line(struct cli_session *s, const uint8_t *line, size_t len)
{
  json_t *msg = NULL;
  int rc = proto_msg_parse(line, len, &msg);
  if (rc != HX_OK) {
    char shown[64];
    hx_log_escape(shown, sizeof shown, line, len);
    hx_log(HX_LOG_WARN, LOG_MODULE, "dropping a malformed line from the server (%s): %s",
           hx_strerror(rc), shown);
    return rc;
  }
  rc = cli_session_handle(s, msg);
  json_decref(msg);
  return rc;
}

void cli_session_who(struct cli_session *s)
{
  if (!s->in_room) {
    print_line(s, "You are not in a room. Type /join ROOM to join one.");
    return;
  }
  char line[CLI_LINE_MAX], room[ROOM_BYTES];
  a11y_text_sanitize(room, sizeof room, s->room);
  size_t used = (size_t)snprintf(line, sizeof line, "In %s:", room);
  for (size_t i = 0; i < s->roster_len; i++) {
    char name[CLI_NAME_BYTES];
    a11y_text_sanitize(name, sizeof name, s->roster[i].name);
    int n = snprintf(line + used, sizeof line - used, "%s %s%s", i ? "," : "", name,
                     s->roster[i].muted ? " (muted)" : "");
    if (n < 0 || (size_t)n >= sizeof line - used)
      break;
    used += (size_t)n;
  }
  snprintf(line + used, sizeof line - used, ". %zu %s.", s->roster_len,
           a11y_text_people((int)s->roster_len));
  print_line(s, line);
}

static void append_name(struct cli_session *s, const struct cli_member *m, char *line,
                        size_t cap, size_t *used, const char *sep)
{
  char name[CLI_NAME_BYTES];
  if (m->session == s->own_session)
    hx_strlcpy(name, "You", sizeof name);
  else
    a11y_text_sanitize(name, sizeof name, m->name);
  int n = snprintf(line + *used, cap - *used, "%s%s", sep, name);
  if (n > 0 && (size_t)n < cap - *used)
    *used += (size_t)n;
}

void cli_session_speaking(struct cli_session *s)
{
  if (!s->in_room) {
    print_line(s, "You are not in a room. Type /join ROOM to join one.");
    return;
  }
  char line[CLI_LINE_MAX];
  size_t used = 0, speaking = 0;
  for (size_t i = 0; i < s->roster_len; i++) {
    if (!s->roster[i].speaking)
      continue;
    /* "Ada, Ben and Cy speaking." */
    size_t left = 0;
    for (size_t j = i + 1; j < s->roster_len; j++)
      left += s->roster[j].speaking;
    append_name(s, &s->roster[i], line, sizeof line, &used,
                speaking == 0 ? "" : left == 0 ? " and " : ", ");
    speaking++;
  }
  if (speaking == 0)
    used = (size_t)snprintf(line, sizeof line, "Nobody");
  used += (size_t)snprintf(line + used, sizeof line - used, " speaking.");
  for (size_t i = 0; i < s->recent_len && used < sizeof line; i++) {
    const struct cli_member *now = member_find(s, s->recent[i].session);
    if (now && now->speaking)
      continue;
    append_name(s, &s->recent[i], line, sizeof line, &used, " Last: ");
    if (used + 1 < sizeof line)
      line[used++] = '.', line[used] = '\0';
    break;
  }
  print_line(s, line);
}

bool cli_session_ready(const struct cli_session *s) { return s->ready; }
bool cli_session_in_room(const struct cli_session *s) { return s->in_room; }
const char *cli_session_room(const struct cli_session *s) { return s->room; }
bool cli_session_muted(const struct cli_session *s) { return s->muted; }
enum cli_session_end cli_session_end(const struct cli_session *s) { return s->end; }
size_t cli_session_roster_len(const struct cli_session *s) { return s->roster_len; }

void cli_session_set_seats(struct cli_session *s, bool on)
{
  s->seats_on = on;
  for (size_t i = 0; i < s->roster_len; i++)
    seat_member(s, &s->roster[i]);
}

bool cli_session_seats(const struct cli_session *s) { return s->seats_on; }
