#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "cli_media.h"
#include "cli_session.h"
#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"
#include "proto_srtp.h"

#define MAX_LINES 32

struct fixture {
  char printed[MAX_LINES][512];
  size_t n_printed;
  json_t *sent[MAX_LINES];
  size_t n_sent;
  int media_port;
  struct cli_media *media;
  struct cli_session *s;
  char up_b64[64], down_b64[64];
};

static void capture_print(void *userdata, const char *line)
{
  struct fixture *f = userdata;
  assert_true(f->n_printed < MAX_LINES);
  snprintf(f->printed[f->n_printed++], sizeof f->printed[0], "%s", line);
}

static int capture_send(void *userdata, const char *data, size_t len)
{
  struct fixture *f = userdata;
  assert_true(len > 0 && data[len - 1] == '\n');
  json_t *msg = NULL;
  assert_int_equal(proto_msg_parse((const uint8_t *)data, len - 1, &msg), HX_OK);
  assert_true(f->n_sent < MAX_LINES);
  f->sent[f->n_sent++] = msg;
  return HX_OK;
}

static void capture_joined(void *userdata, uint16_t media_port)
{
  struct fixture *f = userdata;
  f->media_port = media_port;
}

static void quiet_log(void *userdata, enum hx_log_level level, const char *module,
                      const char *message)
{
  (void)userdata;
  (void)level;
  (void)module;
  (void)message;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  hx_log_set_sink(quiet_log, NULL);
  if (proto_srtp_global_init() != HX_OK || cli_media_create(20, &f->media) != HX_OK)
    return -1;
  uint8_t key[PROTO_SRTP_KEY_LEN];
  for (size_t i = 0; i < sizeof key; i++)
    key[i] = (uint8_t)i;
  proto_b64_encode(key, sizeof key, f->up_b64, sizeof f->up_b64);
  for (size_t i = 0; i < sizeof key; i++)
    key[i] = (uint8_t)(0xa0 + i);
  proto_b64_encode(key, sizeof key, f->down_b64, sizeof f->down_b64);
  struct cli_session_config cfg = {.name = "Ada", .room = "Lobby", .server = "h:7710"};
  struct cli_session_io io = {
      .print = capture_print, .send = capture_send, .joined = capture_joined, .userdata = f};
  if (cli_session_create(&cfg, &io, f->media, &f->s) != HX_OK)
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  for (size_t i = 0; i < f->n_sent; i++)
    json_decref(f->sent[i]);
  cli_session_destroy(f->s);
  cli_media_destroy(f->media);
  free(f);
  return 0;
}

static int feed(struct fixture *f, const char *line)
{
  return cli_session_handle_line(f->s, (const uint8_t *)line, strlen(line));
}

static const json_t *last_sent(struct fixture *f)
{
  assert_true(f->n_sent > 0);
  return f->sent[f->n_sent - 1];
}

/* hello, welcome, join, joined with Ben (ssrc 100) and Ada (ssrc 101). */
static void join_lobby(struct fixture *f)
{
  assert_int_equal(cli_session_start(f->s), HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"welcome\",\"id\":1,\"version\":1,\"session\":7,"
                           "\"server\":\"hearthd 0.1.0\",\"motd\":\"Welcome to Hearth.\"}"),
                   HX_OK);
  json_int_t join_id = proto_msg_id(last_sent(f));
  char joined[1024];
  snprintf(joined, sizeof joined,
           "{\"type\":\"joined\",\"id\":%lld,\"room\":\"Lobby\",\"session\":7,\"ssrc\":101,"
           "\"media_port\":7710,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\",\"up\":\"%s\","
           "\"down\":\"%s\"},\"roster\":[{\"session\":4,\"name\":\"Ben\",\"ssrc\":100,"
           "\"muted\":false,\"speaking\":false},{\"session\":7,\"name\":\"Ada\",\"ssrc\":101,"
           "\"muted\":false,\"speaking\":false}]}",
           (long long)join_id, f->up_b64, f->down_b64);
  assert_int_equal(feed(f, joined), HX_OK);
}

static void session_hello_welcome_join_prints_each_step(void **state)
{
  struct fixture *f = *state;
  assert_false(cli_session_ready(f->s));
  join_lobby(f);
  assert_int_equal(f->n_sent, 2);
  assert_string_equal(proto_msg_type(f->sent[0]), "hello");
  assert_string_equal(proto_msg_str(f->sent[0], "name", ""), "Ada");
  assert_int_equal(proto_msg_int(f->sent[0], "version", 0), 1);
  assert_string_equal(proto_msg_type(f->sent[1]), "join");
  assert_string_equal(proto_msg_str(f->sent[1], "room", ""), "Lobby");
  assert_true(proto_msg_id(f->sent[1]) > proto_msg_id(f->sent[0]));
  assert_int_equal(f->n_printed, 3);
  assert_string_equal(f->printed[0], "Connected to h:7710.");
  assert_string_equal(f->printed[1], "Welcome to Hearth.");
  assert_string_equal(f->printed[2], "You joined Lobby. 2 people here.");
  assert_true(cli_session_ready(f->s));
  assert_true(cli_session_in_room(f->s));
  assert_string_equal(cli_session_room(f->s), "Lobby");
  assert_int_equal(f->media_port, 7710);
  assert_true(cli_media_joined(f->media));
  uint64_t packets;
  assert_int_equal(cli_media_speaker_packets(f->media, 100, &packets), HX_OK);
  /* we are not our own speaker */
  assert_int_equal(cli_media_speaker_packets(f->media, 101, &packets), HX_ERR_NOT_FOUND);
}

static void session_events_print_one_line_each(void **state)
{
  struct fixture *f = *state;
  join_lobby(f);
  f->n_printed = 0;
  static const struct {
    const char *line;
    const char *printed; /* NULL: nothing */
  } cases[] = {
      {"{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\",\"session\":7,\"name\":"
       "\"Ada\",\"ssrc\":101,\"count\":2}",
       NULL},
      {"{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\",\"session\":9,\"name\":"
       "\"Cy\",\"ssrc\":102,\"count\":3}",
       "Cy joined Lobby. 3 people here."},
      {"{\"type\":\"event\",\"event\":\"speaking\",\"room\":\"Lobby\",\"session\":4,\"name\":"
       "\"Ben\",\"speaking\":true}",
       "Ben speaking."},
      {"{\"type\":\"event\",\"event\":\"speaking\",\"room\":\"Lobby\",\"session\":4,\"name\":"
       "\"Ben\",\"speaking\":false}",
       "Ben stopped speaking."},
      {"{\"type\":\"event\",\"event\":\"speaking\",\"room\":\"Lobby\",\"session\":7,\"name\":"
       "\"Ada\",\"speaking\":true}",
       NULL},
      {"{\"type\":\"event\",\"event\":\"muted\",\"room\":\"Lobby\",\"session\":4,\"name\":"
       "\"Ben\",\"muted\":true}",
       "Ben muted."},
      {"{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Kitchen\",\"session\":12,\"name\":"
       "\"Dee\",\"ssrc\":103,\"count\":1}",
       NULL},
      {"{\"type\":\"event\",\"event\":\"wobbled\",\"room\":\"Lobby\",\"session\":4}", NULL},
      {"{\"type\":\"pong\",\"id\":9}", NULL},
      {"{\"type\":\"brand_new\"}", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t before = f->n_printed;
    assert_int_equal(feed(f, cases[i].line), HX_OK);
    if (!cases[i].printed) {
      if (f->n_printed != before)
        fail_msg("case %zu printed \"%s\"", i, f->printed[before]);
      continue;
    }
    assert_int_equal(f->n_printed, before + 1);
    assert_string_equal(f->printed[before], cases[i].printed);
  }
  uint64_t packets;
  assert_int_equal(cli_media_speaker_packets(f->media, 102, &packets), HX_OK);
  assert_int_equal(cli_media_speaker_packets(f->media, 103, &packets), HX_ERR_NOT_FOUND);

  f->n_printed = 0;
  cli_session_who(f->s);
  assert_string_equal(f->printed[0], "In Lobby: Ben (muted), Ada, Cy. 3 people.");

  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"left\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"count\":2}"),
                   HX_OK);
  assert_string_equal(f->printed[1], "Cy left Lobby. 2 people here.");
  assert_int_equal(cli_session_roster_len(f->s), 2);
  assert_int_equal(cli_media_speaker_packets(f->media, 102, &packets), HX_ERR_NOT_FOUND);
}

static void session_untrusted_text_is_sanitized(void **state)
{
  struct fixture *f = *state;
  join_lobby(f);
  f->n_printed = 0;
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"\\u001b[2JEve\",\"ssrc\":5,\"count\":3}"),
                   HX_OK);
  assert_string_equal(f->printed[0], "?[2JEve joined Lobby. 3 people here.");
  assert_int_equal(feed(f, "{\"type\":\"error\",\"id\":3,\"code\":\"no_such_room\","
                           "\"message\":\"There is no room\\r\\n called \\\"K\\\".\"}"),
                   HX_OK);
  assert_string_equal(f->printed[1], "Error: There is no room?? called \"K\".");
  assert_int_equal(feed(f, "{\"type\":\"error\",\"code\":\"internal\"}"), HX_OK);
  assert_string_equal(f->printed[2], "Error: internal");
}

static void session_mute_prints_once_when_confirmed(void **state)
{
  struct fixture *f = *state;
  join_lobby(f);
  f->n_printed = 0;
  assert_int_equal(cli_session_set_muted(f->s, true), HX_OK);
  assert_true(cli_session_muted(f->s));
  assert_string_equal(proto_msg_type(last_sent(f)), "mute");
  assert_true(proto_msg_bool(last_sent(f), "muted", 0));
  assert_int_equal(f->n_printed, 0);
  assert_int_equal(feed(f, "{\"type\":\"muted\",\"id\":3,\"muted\":true}"), HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"muted\",\"room\":\"Lobby\","
                           "\"session\":7,\"name\":\"Ada\",\"muted\":true}"),
                   HX_OK);
  assert_int_equal(f->n_printed, 1);
  assert_string_equal(f->printed[0], "Muted. Nobody hears you.");
  cli_session_who(f->s);
  assert_string_equal(f->printed[1], "In Lobby: Ben, Ada (muted). 2 people.");
}

static void session_rooms_reply_is_one_line(void **state)
{
  struct fixture *f = *state;
  join_lobby(f);
  f->n_printed = 0;
  assert_int_equal(cli_session_request_rooms(f->s), HX_OK);
  assert_string_equal(proto_msg_type(last_sent(f)), "rooms");
  assert_int_equal(feed(f, "{\"type\":\"rooms\",\"id\":3,\"rooms\":[{\"name\":\"Lobby\","
                           "\"topic\":\"\",\"people\":2,\"limit\":12},{\"name\":\"Kitchen\","
                           "\"topic\":\"\",\"people\":1,\"limit\":12}]}"),
                   HX_OK);
  assert_string_equal(f->printed[0], "Rooms: Lobby, 2 people; Kitchen, 1 person.");
  assert_int_equal(feed(f, "{\"type\":\"rooms\",\"id\":4,\"rooms\":[]}"), HX_OK);
  assert_string_equal(f->printed[1], "No rooms on this server.");
}

static void session_leave_and_shutdown(void **state)
{
  struct fixture *f = *state;
  join_lobby(f);
  f->n_printed = 0;
  assert_int_equal(cli_session_leave(f->s), HX_OK);
  assert_string_equal(proto_msg_type(last_sent(f)), "leave");
  assert_int_equal(feed(f, "{\"type\":\"left\",\"id\":3,\"room\":\"Lobby\"}"), HX_OK);
  assert_string_equal(f->printed[0], "You left Lobby.");
  assert_false(cli_session_in_room(f->s));
  assert_false(cli_media_joined(f->media));
  assert_int_equal(cli_session_end(f->s), CLI_SESSION_RUNNING);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"shutdown\","
                           "\"message\":\"The server is shutting down.\"}"),
                   HX_OK);
  assert_string_equal(f->printed[1], "Server closing: The server is shutting down.");
  assert_int_equal(cli_session_end(f->s), CLI_SESSION_SHUTDOWN);
}

static void session_refused_hello_ends_the_session(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_session_start(f->s), HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"error\",\"id\":1,\"code\":\"bad_name\","
                           "\"message\":\"That name is not allowed.\"}"),
                   HX_OK);
  assert_string_equal(f->printed[0], "Error: That name is not allowed.");
  assert_int_equal(cli_session_end(f->s), CLI_SESSION_FAILED);
}

/* The proof answers a challenge with an id of its own: its refusal must
 * end the session too, or the client waits for a welcome forever. */
static void session_refused_identity_proof_ends_the_session(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_session_start(f->s), HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"error\",\"id\":2,\"code\":\"bad_proof\","
                           "\"message\":\"The identity proof does not verify.\"}"),
                   HX_OK);
  assert_string_equal(f->printed[0], "Error: The identity proof does not verify.");
  assert_int_equal(cli_session_end(f->s), CLI_SESSION_FAILED);
}

static void session_quiet_leave_is_not_announced_but_leaves_the_roster(void **state)
{
  struct fixture *f = *state;
  join_lobby(f);
  size_t before = f->n_printed;
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"left\",\"room\":\"Lobby\","
                           "\"session\":4,\"name\":\"Ben\",\"count\":1,\"quiet\":true}"),
                   HX_OK);
  assert_int_equal(f->n_printed, before);
  cli_session_who(f->s);
  assert_int_equal(f->n_printed, before + 1);
  assert_non_null(strstr(f->printed[before], "Ada"));
  assert_null(strstr(f->printed[before], "Ben"));
}

static float pan_of(struct fixture *f, uint32_t ssrc)
{
  float pan = NAN;
  assert_int_equal(cli_media_speaker_pan(f->media, ssrc, &pan), HX_OK);
  return pan;
}

static void session_seats_stay_put_when_someone_leaves(void **state)
{
  struct fixture *f = *state;
  cli_session_set_seats(f->s, true);
  assert_true(cli_session_seats(f->s));
  join_lobby(f); /* we are Ada (session 7); Ben (ssrc 100) is the other */
  float ben = pan_of(f, 100);
  assert_true(ben < -0.5f);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"ssrc\":102,\"count\":3}"),
                   HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":10,\"name\":\"Di\",\"ssrc\":103,\"count\":4}"),
                   HX_OK);
  float cy = pan_of(f, 102), di = pan_of(f, 103);
  assert_true(cy > 0.5f);           /* the other end */
  assert_true(fabsf(di) < 1e-6f);   /* then the middle */
  /* Ben leaves: Cy and Di do not move, and Eve takes Ben's place. */
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"left\",\"room\":\"Lobby\","
                           "\"session\":4,\"name\":\"Ben\",\"count\":3}"),
                   HX_OK);
  assert_true(pan_of(f, 102) == cy);
  assert_true(pan_of(f, 103) == di);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":11,\"name\":\"Eve\",\"ssrc\":104,\"count\":4}"),
                   HX_OK);
  assert_true(pan_of(f, 104) == ben);
  /* Off puts every voice in the middle; on brings each back to its seat. */
  cli_session_set_seats(f->s, false);
  assert_true(pan_of(f, 102) == 0.0f && pan_of(f, 103) == 0.0f && pan_of(f, 104) == 0.0f);
  cli_session_set_seats(f->s, true);
  assert_true(pan_of(f, 102) == cy && pan_of(f, 104) == ben);
}

static void session_seats_off_by_default_keeps_everyone_in_the_middle(void **state)
{
  struct fixture *f = *state;
  assert_false(cli_session_seats(f->s));
  join_lobby(f);
  assert_true(pan_of(f, 100) == 0.0f);
}

static void session_failed_first_join_still_makes_it_ready(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_session_start(f->s), HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"welcome\",\"id\":1,\"version\":1,\"session\":7}"), HX_OK);
  assert_false(cli_session_ready(f->s));
  assert_int_equal(feed(f, "{\"type\":\"error\",\"id\":2,\"code\":\"room_full\","
                           "\"message\":\"Lobby is full.\"}"),
                   HX_OK);
  assert_true(cli_session_ready(f->s));
  assert_false(cli_session_in_room(f->s));
  assert_int_equal(cli_session_end(f->s), CLI_SESSION_RUNNING);
}

static void session_drops_malformed_lines_and_joined(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_session_start(f->s), HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"welcome\",\"id\":1,\"version\":1,\"session\":7}"), HX_OK);
  f->n_printed = 0;
  const char *bad_lines[] = {"", "not json", "[1,2]", "{\"id\":1}", "{\"type\":7}"};
  for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++)
    assert_int_not_equal(feed(f, bad_lines[i]), HX_OK);
  const char *bad_joined[] = {
      /* key one byte short (27 bytes) */
      "{\"type\":\"joined\",\"id\":2,\"room\":\"Lobby\",\"session\":7,\"ssrc\":1,\"media_port\":"
      "7710,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\",\"up\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
      "\"down\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"},\"roster\":[]}",
      /* port out of range */
      "{\"type\":\"joined\",\"id\":2,\"room\":\"Lobby\",\"session\":7,\"ssrc\":1,\"media_port\":"
      "65536,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\",\"up\":\"x\",\"down\":\"x\"},\"roster\":[]}",
      /* ssrc past 32 bits */
      "{\"type\":\"joined\",\"id\":2,\"room\":\"Lobby\",\"session\":7,\"ssrc\":4294967296,"
      "\"media_port\":1,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\",\"up\":\"x\",\"down\":\"x\"},"
      "\"roster\":[]}",
      /* another suite */
      "{\"type\":\"joined\",\"id\":2,\"room\":\"Lobby\",\"session\":7,\"ssrc\":1,\"media_port\":"
      "1,\"srtp\":{\"suite\":\"NULL\",\"up\":\"x\",\"down\":\"x\"},\"roster\":[]}",
      /* no srtp at all */
      "{\"type\":\"joined\",\"id\":2,\"room\":\"Lobby\",\"session\":7,\"ssrc\":1,\"media_port\":"
      "1,\"roster\":[]}",
  };
  for (size_t i = 0; i < sizeof bad_joined / sizeof bad_joined[0]; i++) {
    assert_int_not_equal(feed(f, bad_joined[i]), HX_OK);
    assert_false(cli_session_in_room(f->s));
    assert_false(cli_media_joined(f->media));
  }
  assert_int_equal(f->n_printed, 0);
}

static void session_mute_outside_a_room_is_told_at_once_and_sent_on_join(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_session_start(f->s), HX_OK);
  assert_int_equal(cli_session_set_muted(f->s, true), HX_OK);
  assert_string_equal(f->printed[0], "Muted. Nobody hears you.");
  assert_int_equal(f->n_sent, 1); /* only hello */
  f->n_printed = 0;
  assert_int_equal(feed(f, "{\"type\":\"welcome\",\"id\":1,\"version\":1,\"session\":7}"), HX_OK);
  char joined[1024];
  snprintf(joined, sizeof joined,
           "{\"type\":\"joined\",\"id\":2,\"room\":\"Lobby\",\"session\":7,\"ssrc\":101,"
           "\"media_port\":7710,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\",\"up\":\"%s\","
           "\"down\":\"%s\"},\"roster\":[{\"session\":7,\"name\":\"Ada\",\"ssrc\":101,"
           "\"muted\":false,\"speaking\":false}]}",
           f->up_b64, f->down_b64);
  assert_int_equal(feed(f, joined), HX_OK);
  assert_string_equal(f->printed[1], "You joined Lobby. Nobody else is here.");
  assert_string_equal(proto_msg_type(last_sent(f)), "mute");
  assert_true(proto_msg_bool(last_sent(f), "muted", 0));
}

static void speak(struct fixture *f, int session, const char *name, bool on)
{
  char line[256];
  snprintf(line, sizeof line,
           "{\"type\":\"event\",\"event\":\"speaking\",\"room\":\"Lobby\",\"session\":%d,"
           "\"name\":\"%s\",\"speaking\":%s}",
           session, name, on ? "true" : "false");
  assert_int_equal(feed(f, line), HX_OK);
}

static const char *speaking_line(struct fixture *f)
{
  f->n_printed = 0;
  cli_session_speaking(f->s);
  assert_int_equal(f->n_printed, 1);
  return f->printed[0];
}

static void session_speaking_says_who_now_and_who_last(void **state)
{
  struct fixture *f = *state;
  join_lobby(f);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"ssrc\":102,\"count\":3}"),
                   HX_OK);
  assert_string_equal(speaking_line(f), "Nobody speaking.");
  speak(f, 4, "Ben", true);
  assert_string_equal(speaking_line(f), "Ben speaking.");
  speak(f, 4, "Ben", false);
  assert_string_equal(speaking_line(f), "Nobody speaking. Last: Ben.");
  speak(f, 9, "Cy", true);
  assert_string_equal(speaking_line(f), "Cy speaking. Last: Ben.");
  speak(f, 4, "Ben", true);
  speak(f, 7, "Ada", true);
  assert_string_equal(speaking_line(f), "Ben, You and Cy speaking.");
  speak(f, 4, "Ben", false);
  speak(f, 7, "Ada", false);
  assert_string_equal(speaking_line(f), "Cy speaking. Last: You.");
  /* Someone who left is still who spoke last. */
  speak(f, 9, "Cy", false);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"left\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"count\":2}"),
                   HX_OK);
  assert_string_equal(speaking_line(f), "Nobody speaking. Last: Cy.");
}

static bool is_speaker(struct fixture *f, uint32_t ssrc)
{
  uint64_t packets;
  return cli_media_speaker_packets(f->media, ssrc, &packets) == HX_OK;
}

/* joined as join_lobby, with text_ssrc on the reply and the roster. */
static void join_lobby_with_text(struct fixture *f)
{
  assert_int_equal(cli_session_start(f->s), HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"welcome\",\"id\":1,\"version\":1,\"session\":7}"),
                   HX_OK);
  char joined[1024];
  snprintf(joined, sizeof joined,
           "{\"type\":\"joined\",\"id\":%lld,\"room\":\"Lobby\",\"session\":7,\"ssrc\":101,"
           "\"text_ssrc\":201,\"media_port\":7710,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\","
           "\"up\":\"%s\",\"down\":\"%s\"},\"roster\":[{\"session\":4,\"name\":\"Ben\","
           "\"ssrc\":100,\"text_ssrc\":200},{\"session\":7,\"name\":\"Ada\",\"ssrc\":101,"
           "\"text_ssrc\":201}]}",
           (long long)proto_msg_id(last_sent(f)), f->up_b64, f->down_b64);
  assert_int_equal(feed(f, joined), HX_OK);
}

static void session_text_ssrcs_are_speakers_until_their_typist_leaves(void **state)
{
  struct fixture *f = *state;
  join_lobby_with_text(f);
  assert_true(is_speaker(f, 100));
  assert_true(is_speaker(f, 200));
  /* Our own lines come back to us as typed speech; our voice does not. */
  assert_true(is_speaker(f, 201));
  assert_false(is_speaker(f, 101));
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"ssrc\":102,\"text_ssrc\":202,"
                           "\"count\":3}"),
                   HX_OK);
  assert_true(is_speaker(f, 102));
  assert_true(is_speaker(f, 202));
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"left\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"count\":2}"),
                   HX_OK);
  assert_false(is_speaker(f, 102));
  assert_false(is_speaker(f, 202));
  assert_true(is_speaker(f, 200));
}

static void session_roster_without_text_ssrc_is_harmless(void **state)
{
  struct fixture *f = *state;
  join_lobby(f); /* an older server: no text_ssrc anywhere */
  assert_true(is_speaker(f, 100));
  assert_false(is_speaker(f, 0));
  assert_int_equal(cli_session_roster_len(f->s), 2);
  /* Out of range or of the wrong type: the member stays, without it. */
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"ssrc\":102,"
                           "\"text_ssrc\":4294967296,\"count\":3}"),
                   HX_OK);
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Lobby\","
                           "\"session\":10,\"name\":\"Dee\",\"ssrc\":103,"
                           "\"text_ssrc\":\"x\",\"count\":4}"),
                   HX_OK);
  assert_int_equal(cli_session_roster_len(f->s), 4);
  assert_true(is_speaker(f, 102));
  assert_true(is_speaker(f, 103));
  assert_false(is_speaker(f, 0));
  assert_int_equal(feed(f, "{\"type\":\"event\",\"event\":\"left\",\"room\":\"Lobby\","
                           "\"session\":9,\"name\":\"Cy\",\"count\":3}"),
                   HX_OK);
  assert_false(is_speaker(f, 102));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(session_hello_welcome_join_prints_each_step),
      T(session_events_print_one_line_each),
      T(session_untrusted_text_is_sanitized),
      T(session_mute_prints_once_when_confirmed),
      T(session_rooms_reply_is_one_line),
      T(session_leave_and_shutdown),
      T(session_refused_hello_ends_the_session),
      T(session_refused_identity_proof_ends_the_session),
      T(session_quiet_leave_is_not_announced_but_leaves_the_roster),
      T(session_failed_first_join_still_makes_it_ready),
      T(session_drops_malformed_lines_and_joined),
      T(session_seats_stay_put_when_someone_leaves),
      T(session_seats_off_by_default_keeps_everyone_in_the_middle),
      T(session_mute_outside_a_room_is_told_at_once_and_sent_on_join),
      T(session_speaking_says_who_now_and_who_last),
      T(session_text_ssrcs_are_speakers_until_their_typist_leaves),
      T(session_roster_without_text_ssrc_is_harmless),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
