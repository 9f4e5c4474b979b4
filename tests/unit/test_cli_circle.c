#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aud_opus.h"
#include "cli_circle.h"
#include "cli_identity.h"
#include "cli_media.h"
#include "cli_session.h"
#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"
#include "proto_rtp.h"
#include "proto_srtp.h"

#define MAX_LINES 64
#define MAX_SENT 16
#define NO_CUE (-1)
#define ANSWER (-2) /* a line the person asked for: io.answer */
#define FP "SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct fixture {
  struct cli_circle *c;
  char lines[MAX_LINES][1024];
  int cues[MAX_LINES];
  size_t n_lines;
  json_t *sent[MAX_SENT];
  size_t n_sent;
};

static void capture_print(void *userdata, const char *line)
{
  struct fixture *f = userdata;
  assert_true(f->n_lines < MAX_LINES);
  snprintf(f->lines[f->n_lines], sizeof f->lines[0], "%s", line);
  f->cues[f->n_lines++] = NO_CUE;
}

static void capture_event(void *userdata, enum a11y_cue_event cue, const char *line)
{
  struct fixture *f = userdata;
  capture_print(f, line);
  f->cues[f->n_lines - 1] = (int)cue;
}

static void capture_answer(void *userdata, const char *line)
{
  struct fixture *f = userdata;
  capture_print(f, line);
  f->cues[f->n_lines - 1] = ANSWER;
}

static int capture_send(void *userdata, const char *data, size_t len)
{
  struct fixture *f = userdata;
  assert_true(f->n_sent < MAX_SENT);
  assert_true(len > 0 && data[len - 1] == '\n');
  json_t *msg = NULL;
  assert_int_equal(proto_msg_parse((const uint8_t *)data, len - 1, &msg), HX_OK);
  f->sent[f->n_sent++] = msg;
  return HX_OK;
}

static void quiet_log(void *userdata, enum hx_log_level level, const char *module,
                      const char *message)
{
  (void)userdata;
  (void)level;
  (void)module;
  (void)message;
}

static void clear(struct fixture *f)
{
  for (size_t i = 0; i < f->n_sent; i++)
    json_decref(f->sent[i]);
  f->n_sent = 0;
  f->n_lines = 0;
}

static int make_fixture(void **state, struct cli_media *media, const struct cli_identity *id)
{
  struct fixture *f = calloc(1, sizeof *f);
  hx_log_set_sink(quiet_log, NULL);
  struct cli_circle_io io = {.print = capture_print,
                             .event = capture_event,
                             .answer = capture_answer,
                             .send = capture_send,
                             .userdata = f};
  if (cli_circle_create(&io, media, id, &f->c) != HX_OK)
    return -1;
  *state = f;
  return 0;
}

static int setup(void **state) { return make_fixture(state, NULL, NULL); }

static int teardown(void **state)
{
  struct fixture *f = *state;
  clear(f);
  cli_circle_destroy(f->c);
  free(f);
  hx_log_set_sink(NULL, NULL);
  return 0;
}

static void feed(struct fixture *f, const char *text)
{
  json_error_t err;
  json_t *msg = json_loads(text, 0, &err);
  if (!msg)
    fail_msg("bad test JSON: %s: %s", err.text, text);
  cli_circle_handle(f->c, msg);
  json_decref(msg);
}

/* We are Ada (session 7). With us: Ben (4), Dee (9), Mary Ann (11). The
 * floor is in hands mode and nobody holds it. */
static void join_circle(struct fixture *f)
{
  feed(f, "{\"type\":\"joined\",\"id\":3,\"room\":\"Circle\",\"session\":7,\"ssrc\":101,"
          "\"media_port\":7710,\"role\":\"member\","
          "\"settings\":{\"topic\":\"\",\"limit\":12,\"locked\":false,\"knock\":false,"
          "\"guests\":true,\"floor\":\"hands\",\"turn_limit\":0,\"turn_cue\":30,"
          "\"turn_end\":\"remind\"},"
          "\"floor\":{\"mode\":\"hands\",\"holder\":null,\"queue\":[],\"turn_left\":0},"
          "\"roster\":[{\"session\":4,\"name\":\"Ben\",\"ssrc\":100},"
          "{\"session\":7,\"name\":\"Ada\",\"ssrc\":101},"
          "{\"session\":9,\"name\":\"Dee\",\"ssrc\":102},"
          "{\"session\":11,\"name\":\"Mary Ann\",\"ssrc\":103}]}");
  clear(f);
}

static void feed_session(struct cli_session *s, const char *text)
{
  assert_int_equal(cli_session_handle_line(s, (const uint8_t *)text, strlen(text)), HX_OK);
}

static void run(struct fixture *f, const char *name, const char *args)
{
  assert_int_equal(cli_circle_command(f->c, name, args), HX_OK);
}

static void circle_commands_build_the_protocol_requests(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  static const struct {
    const char *name, *args, *json;
  } cases[] = {
      {"hand", "", "{\"type\":\"hand\",\"raised\":true}"},
      {"hand", "down", "{\"type\":\"hand\",\"raised\":false}"},
      {"next", "", "{\"type\":\"floor\",\"action\":\"next\"}"},
      {"give", "ben", "{\"type\":\"floor\",\"action\":\"give\",\"session\":4}"},
      {"give", "Mary Ann", "{\"type\":\"floor\",\"action\":\"give\",\"session\":11}"},
      {"give", "\"mary ann\"", "{\"type\":\"floor\",\"action\":\"give\",\"session\":11}"},
      {"take", "", "{\"type\":\"floor\",\"action\":\"take\"}"},
      {"pass", "", "{\"type\":\"pass\"}"},
      {"defer", "", "{\"type\":\"defer\",\"on\":true}"},
      {"defer", "off", "{\"type\":\"defer\",\"on\":false}"},
      {"mute", "Ben", "{\"type\":\"moderate\",\"action\":\"mute\",\"session\":4}"},
      {"unmute", "Ben", "{\"type\":\"moderate\",\"action\":\"unmute\",\"session\":4}"},
      {"listen", "Dee", "{\"type\":\"moderate\",\"action\":\"listen\",\"session\":9}"},
      {"unlisten", "Dee", "{\"type\":\"moderate\",\"action\":\"unlisten\",\"session\":9}"},
      {"remove", "Ben", "{\"type\":\"moderate\",\"action\":\"remove\",\"session\":4}"},
      {"remove", "Ben Please take a break.",
       "{\"type\":\"moderate\",\"action\":\"remove\",\"session\":4,"
       "\"reason\":\"Please take a break.\"}"},
      {"ban", "Ben", "{\"type\":\"moderate\",\"action\":\"ban\",\"session\":4}"},
      {"ban", "Ben 2h Spamming",
       "{\"type\":\"moderate\",\"action\":\"ban\",\"session\":4,\"duration\":7200,"
       "\"reason\":\"Spamming\"}"},
      {"ban", "Mary Ann 7d",
       "{\"type\":\"moderate\",\"action\":\"ban\",\"session\":11,\"duration\":604800}"},
      {"bans", "", "{\"type\":\"bans\"}"},
      {"unban", "3", "{\"type\":\"unban\",\"ban\":3}"},
      {"invite", "", "{\"type\":\"invite\"}"},
      {"invite", "--uses 5 --expires 1d", "{\"type\":\"invite\",\"uses\":5,\"expires\":86400}"},
      {"close", "1m Thank you all.",
       "{\"type\":\"close\",\"seconds\":60,\"message\":\"Thank you all.\"}"},
      {"close", "30s", "{\"type\":\"close\",\"seconds\":30}"},
      {"away", "", "{\"type\":\"status\",\"away\":true}"},
      {"stepout", "", "{\"type\":\"step_out\",\"out\":true}"},
      {"note", "I need to leave early.", "{\"type\":\"note\",\"text\":\"I need to leave early.\"}"},
      {"leave", "quietly", "{\"type\":\"leave\",\"quiet\":true}"},
      {"topic", "Grief circle", "{\"type\":\"room_set\",\"settings\":{\"topic\":\"Grief circle\"}}"},
      {"lock", "", "{\"type\":\"room_set\",\"settings\":{\"locked\":true}}"},
      {"unlock", "", "{\"type\":\"room_set\",\"settings\":{\"locked\":false}}"},
      {"room", "set floor round", "{\"type\":\"room_set\",\"settings\":{\"floor\":\"round\"}}"},
      {"room", "set limit 8", "{\"type\":\"room_set\",\"settings\":{\"limit\":8}}"},
      {"room", "set knock on", "{\"type\":\"room_set\",\"settings\":{\"knock\":true}}"},
      {"room", "set turn_limit 2m", "{\"type\":\"room_set\",\"settings\":{\"turn_limit\":120}}"},
      {"room", "create Tuesday circle", "{\"type\":\"create_room\",\"room\":\"Tuesday circle\"}"},
      {"role", "Dee Facilitator", "{\"type\":\"role\",\"session\":9,\"role\":\"facilitator\"}"},
      {"knock", "Tuesday circle", "{\"type\":\"join\",\"room\":\"Tuesday circle\"}"},
      {"join", "Tuesday circle --invite hx1-9f3a",
       "{\"type\":\"join\",\"room\":\"Tuesday circle\",\"invite\":\"hx1-9f3a\"}"},
  };
  json_int_t last_id = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    clear(f);
    run(f, cases[i].name, cases[i].args);
    if (f->n_sent != 1)
      fail_msg("/%s %s sent %zu messages and said \"%s\"", cases[i].name, cases[i].args,
               f->n_sent, f->n_lines ? f->lines[0] : "");
    json_t *got = f->sent[0];
    json_int_t id = proto_msg_id(got);
    assert_true(id > last_id);
    last_id = id;
    json_object_del(got, "id");
    json_t *want = json_loads(cases[i].json, 0, NULL);
    assert_non_null(want);
    if (!json_equal(got, want)) {
      char *text = json_dumps(got, JSON_SORT_KEYS);
      fail_msg("/%s %s sent %s, not %s", cases[i].name, cases[i].args, text, cases[i].json);
    }
    json_decref(want);
    assert_int_equal(f->n_lines, 0);
  }
}

static void circle_request_ids_never_meet_the_sessions(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  run(f, "pass", "");
  /* The session counts from 1; a million requests later it is still far
   * below ours. */
  assert_true(proto_msg_id(f->sent[0]) > 1000000000);
}

static void circle_mistakes_say_one_line_and_send_nothing(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  static const struct {
    const char *name, *args, *says;
  } cases[] = {
      {"give", "Zed", "Nobody called Zed is here. Type /who for the list."},
      {"give", "", "/give needs a name, for example /give Ben."},
      {"mute", "Ada", "You cannot mute yourself."},
      {"remove", "", "/remove needs a name, for example /remove Ben."},
      {"close", "soon", "/close needs a time up to 1 hour, for example /close 2m or /close 30s."},
      {"close", "2h", "/close needs a time up to 1 hour, for example /close 2m or /close 30s."},
      {"role", "Dee king", NULL},
      {"room", "set colour blue", NULL},
      {"room", "paint", "/room takes create NAME, or set KEY VALUE."},
      {"invite", "--uses 0", NULL},
      {"hand", "sideways", "/hand takes up, down or nothing (to raise or lower it)."},
      {"next", "now", "/next takes nothing after it."},
      {"note", "", "/note needs the text, for example /note I need to leave early."},
      {"topic", "", "/topic needs the topic, for example /topic Grief circle."},
      {"leave", "loudly", "/leave takes quietly or nothing."},
      {"admit", "Zed", "Nobody called Zed is knocking."},
      {"back", "", "You are not away."},
      {"unblock", "Ben", "Ben is not blocked."},
      {"block", "Ada", "You cannot block yourself."},
      {"note", "caf\xc3", "Cannot send that: the text is not valid UTF-8."},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    clear(f);
    run(f, cases[i].name, cases[i].args);
    if (f->n_sent != 0 || f->n_lines != 1)
      fail_msg("/%s %s: %zu sent, %zu lines", cases[i].name, cases[i].args, f->n_sent,
               f->n_lines);
    if (cases[i].says)
      assert_string_equal(f->lines[0], cases[i].says);
  }
}

static void circle_unknown_command_is_left_to_others(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  assert_int_equal(cli_circle_command(f->c, "who", ""), HX_ERR_NOT_FOUND);
  assert_int_equal(cli_circle_command(f->c, "join", "Lobby"), HX_ERR_NOT_FOUND);
  assert_int_equal(cli_circle_command(f->c, "frobnicate", "x"), HX_ERR_NOT_FOUND);
  assert_int_equal(f->n_lines, 0);
  assert_int_equal(f->n_sent, 0);
}

/* Each event, in order, prints exactly this line with this cue ("" for no
 * line at all). */
static void circle_events_print_one_plain_line_each(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  static const struct {
    const char *json, *line;
    int cue;
  } cases[] = {
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
       "\"holder\":null,\"queue\":[4],\"turn_left\":0,\"reason\":\"hand\"}",
       "Ben raised a hand. 1 in the queue.", A11Y_CUE_HAND_RAISED},
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
       "\"holder\":null,\"queue\":[4,9],\"turn_left\":0,\"reason\":\"hand\"}",
       "Dee raised a hand. 2 in the queue.", A11Y_CUE_HAND_RAISED},
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
       "\"holder\":null,\"queue\":[4,9,7],\"turn_left\":0,\"reason\":\"hand\"}",
       "Your hand is up. Number 3 in the queue.", A11Y_CUE_HAND_RAISED},
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
       "\"holder\":4,\"holder_name\":\"Ben\",\"queue\":[9,7],\"turn_left\":0,"
       "\"reason\":\"next\"}",
       "Ben has the floor.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
       "\"holder\":4,\"holder_name\":\"Ben\",\"queue\":[7],\"turn_left\":0,"
       "\"reason\":\"hand\"}",
       "Dee lowered a hand.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
       "\"holder\":7,\"holder_name\":\"Ada\",\"queue\":[],\"turn_left\":120,"
       "\"reason\":\"next\"}",
       "Your turn. 2 minutes.", A11Y_CUE_YOUR_TURN},
      {"{\"type\":\"event\",\"event\":\"turn_cue\",\"room\":\"Circle\",\"session\":7,"
       "\"name\":\"Ada\",\"seconds_left\":30}",
       "30 seconds left in your turn.", A11Y_CUE_TURN_ENDING},
      {"{\"type\":\"event\",\"event\":\"turn_end\",\"room\":\"Circle\",\"session\":7,"
       "\"name\":\"Ada\",\"action\":\"remind\"}",
       "Your time is up; please finish when you can.", A11Y_CUE_TURN_ENDING},
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
       "\"holder\":null,\"queue\":[],\"turn_left\":0,\"reason\":\"passed\"}",
       "Nobody has the floor.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"turn_cue\",\"room\":\"Circle\",\"session\":9,"
       "\"name\":\"Dee\",\"seconds_left\":90}",
       "1 minute 30 seconds left in Dee's turn.", A11Y_CUE_TURN_ENDING},
      {"{\"type\":\"event\",\"event\":\"knock\",\"room\":\"Circle\",\"session\":12,"
       "\"name\":\"Eve\",\"guest\":false}",
       "Eve is knocking. Type /admit Eve or /decline Eve.", A11Y_CUE_KNOCK},
      {"{\"type\":\"event\",\"event\":\"knock_withdrawn\",\"room\":\"Circle\",\"session\":12,"
       "\"name\":\"Eve\"}",
       "Eve is no longer knocking.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":true,\"typing\":false}",
       "Ben is away.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":true,\"typing\":true}",
       "Ben is typing.", A11Y_CUE_TYPING},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":false,\"typing\":false}",
       "Ben is back.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"stepped_out\",\"room\":\"Circle\",\"session\":9,"
       "\"name\":\"Dee\",\"out\":true}",
       "Dee stepped out.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"stepped_out\",\"room\":\"Circle\",\"session\":7,"
       "\"name\":\"Ada\",\"out\":true}",
       "You stepped out. You hear nothing until you type /back.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"role\",\"room\":\"Circle\",\"session\":9,"
       "\"name\":\"Dee\",\"role\":\"facilitator\",\"by\":\"Ben\"}",
       "Dee is now a facilitator.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"role\",\"room\":\"Circle\",\"session\":7,"
       "\"name\":\"Ada\",\"role\":\"host\",\"by\":\"Ben\"}",
       "You are now the host.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"listening\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"listening\":true,\"by\":\"Dee\"}",
       "Ben is listening.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"muted\",\"room\":\"Circle\",\"session\":7,"
       "\"name\":\"Ada\",\"muted\":true,\"by\":\"Dee\",\"forced\":true}",
       "Dee muted you. A facilitator can unmute you.", A11Y_CUE_MUTED_BY_HOST},
      {"{\"type\":\"event\",\"event\":\"muted\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"muted\":true,\"by\":\"Dee\",\"forced\":true}",
       "", NO_CUE},
      {"{\"type\":\"event\",\"event\":\"note\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"text\":\"I need to leave early tonight.\"}",
       "Private note from Ben: I need to leave early tonight.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"settings\",\"room\":\"Circle\",\"by\":\"Dee\","
       "\"settings\":{\"topic\":\"Grief circle\",\"limit\":12,\"locked\":true,\"knock\":false,"
       "\"guests\":true,\"floor\":\"hands\",\"turn_limit\":0,\"turn_cue\":30,"
       "\"turn_end\":\"remind\"}}",
       "Dee changed the room: topic: Grief circle, locked.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"settings\",\"room\":\"Circle\",\"operator\":true,"
       "\"settings\":{\"topic\":\"Grief circle\",\"limit\":12,\"locked\":true,\"knock\":false,"
       "\"guests\":true,\"floor\":\"round\",\"turn_limit\":0,\"turn_cue\":30,"
       "\"turn_end\":\"remind\"}}",
       "The operator changed the room: floor round.", A11Y_CUE_ROOM_NEWS},
      {"{\"type\":\"event\",\"event\":\"closing\",\"room\":\"Circle\",\"seconds_left\":60,"
       "\"message\":\"Thank you all.\"}",
       "Room closing in 1 minute. Thank you all.", A11Y_CUE_ROOM_CLOSING},
      {"{\"type\":\"event\",\"event\":\"closing\",\"room\":\"Circle\",\"seconds_left\":10}",
       "Room closing in 10 seconds.", A11Y_CUE_ROOM_CLOSING},
      {"{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Elsewhere\",\"mode\":\"hands\","
       "\"holder\":4,\"queue\":[],\"turn_left\":0,\"reason\":\"given\"}",
       "", NO_CUE},
      {"{\"type\":\"event\",\"event\":\"closed\",\"room\":\"Circle\","
       "\"message\":\"See you next week.\"}",
       "Circle has closed. See you next week.", A11Y_CUE_ROOM_CLOSING},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    clear(f);
    feed(f, cases[i].json);
    if (!*cases[i].line) {
      if (f->n_lines != 0)
        fail_msg("case %zu printed \"%s\"", i, f->lines[0]);
      continue;
    }
    if (f->n_lines != 1)
      fail_msg("case %zu printed %zu lines, wanted \"%s\"", i, f->n_lines, cases[i].line);
    assert_string_equal(f->lines[0], cases[i].line);
    assert_int_equal(f->cues[0], cases[i].cue);
  }
}

/* Someone starting a line is told once, with the typing cue; the stop is
 * not told, nor our own typing, nor a blocked person's, nor a start the
 * roster already showed when we joined. */
static void circle_typing_is_told_when_someone_starts_a_line(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  run(f, "block", "Dee");
  static const struct {
    const char *json, *line;
  } cases[] = {
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":false,\"typing\":true}",
       "Ben is typing."},
      /* Away changes while Ben goes on typing: only the away is news. */
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":true,\"typing\":true}",
       "Ben is away."},
      /* A status without "typing" leaves it as it was. */
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":false}",
       "Ben is back."},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":false,\"typing\":false}",
       ""},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":4,"
       "\"name\":\"Ben\",\"away\":false,\"typing\":true}",
       "Ben is typing."},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":7,"
       "\"name\":\"Ada\",\"away\":false,\"typing\":true}",
       ""},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":9,"
       "\"name\":\"Dee\",\"away\":false,\"typing\":true}",
       ""},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":11,"
       "\"name\":\"Mary Ann\",\"away\":false,\"typing\":true}",
       "Mary Ann is typing."},
      {"{\"type\":\"event\",\"event\":\"status\",\"room\":\"Circle\",\"session\":30,"
       "\"name\":\"Zed\",\"away\":false,\"typing\":true}",
       ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    clear(f);
    feed(f, cases[i].json);
    if (!*cases[i].line) {
      if (f->n_lines != 0)
        fail_msg("case %zu printed \"%s\"", i, f->lines[0]);
      continue;
    }
    if (f->n_lines != 1)
      fail_msg("case %zu printed %zu lines, wanted \"%s\"", i, f->n_lines, cases[i].line);
    assert_string_equal(f->lines[0], cases[i].line);
    assert_int_equal(f->cues[0], strstr(cases[i].line, "typing") ? A11Y_CUE_TYPING
                                                                   : A11Y_CUE_ROOM_NEWS);
  }
  /* Typing when we join: on the roster, not news. */
  clear(f);
  feed(f, "{\"type\":\"joined\",\"id\":5,\"room\":\"Lobby\",\"session\":7,\"ssrc\":101,"
          "\"roster\":[{\"session\":4,\"name\":\"Ben\",\"ssrc\":100,\"typing\":true},"
          "{\"session\":7,\"name\":\"Ada\",\"ssrc\":101}]}");
  feed(f, "{\"type\":\"event\",\"event\":\"status\",\"room\":\"Lobby\",\"session\":4,"
          "\"name\":\"Ben\",\"away\":true,\"typing\":true}");
  assert_int_equal(f->n_lines, 1);
  assert_string_equal(f->lines[0], "Ben is away.");
}

static void circle_removal_and_ban_are_told_with_the_reason(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  const char *removed = "{\"type\":\"event\",\"event\":\"removed\",\"room\":\"Circle\","
                        "\"reason\":\"Please take a break.\"}";
  json_t *msg = json_loads(removed, 0, NULL);
  assert_true(cli_circle_ends_room(msg));
  json_decref(msg);
  feed(f, removed);
  assert_int_equal(f->n_lines, 1);
  assert_string_equal(f->lines[0], "You were removed from Circle. Reason: Please take a break.");
  /* Out of the room: names no longer resolve. */
  clear(f);
  run(f, "give", "Ben");
  assert_string_equal(f->lines[0], "You are not in a room. Type /join ROOM to join one.");
  join_circle(f);
  feed(f, "{\"type\":\"event\",\"event\":\"banned\",\"room\":\"Circle\",\"until\":null}");
  assert_string_equal(f->lines[0], "You were banned from Circle until a host lifts the ban.");
}

static void circle_hands_queue_and_floor_lines(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  feed(f, "{\"type\":\"event\",\"event\":\"floor\",\"room\":\"Circle\",\"mode\":\"hands\","
          "\"holder\":4,\"holder_name\":\"Ben\",\"queue\":[11,7],\"turn_left\":0,"
          "\"reason\":\"given\"}");
  clear(f);
  run(f, "queue", "");
  assert_string_equal(f->lines[0], "Hands up: Mary Ann, you.");
  run(f, "floor", "");
  assert_string_equal(f->lines[1], "Floor: hands. Ben has the floor. Hands up: Mary Ann, you.");
  /* Asked for: answers, which the client also speaks for itself. */
  assert_int_equal(f->cues[0], ANSWER);
  assert_int_equal(f->cues[1], ANSWER);
  /* Our hand is up, so /hand lowers it. */
  run(f, "hand", "");
  assert_false(json_is_true(json_object_get(f->sent[0], "raised")));
}

static void circle_knock_is_answered_by_name(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  feed(f, "{\"type\":\"event\",\"event\":\"knock\",\"room\":\"Circle\",\"session\":12,"
          "\"name\":\"Eve\",\"guest\":true}");
  assert_string_equal(f->lines[0], "Eve, a guest, is knocking. Type /admit Eve or /decline Eve.");
  clear(f);
  run(f, "knock", "");
  assert_string_equal(f->lines[0], "Eve is knocking. Type /admit NAME or /decline NAME.");
  assert_int_equal(f->cues[0], ANSWER);
  run(f, "decline", "eve We are full tonight.");
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_type(f->sent[0]), "decline");
  assert_int_equal(proto_msg_int(f->sent[0], "session", -1), 12);
  assert_string_equal(proto_msg_str(f->sent[0], "reason", ""), "We are full tonight.");
  clear(f);
  feed(f, "{\"type\":\"declined\",\"id\":1099511627790,\"session\":12}");
  feed(f, "{\"type\":\"event\",\"event\":\"knock_withdrawn\",\"room\":\"Circle\","
          "\"session\":12,\"name\":\"Eve\"}");
  assert_int_equal(f->n_lines, 1);
  assert_string_equal(f->lines[0], "Eve was not let in.");
  clear(f);
  run(f, "knock", "");
  assert_string_equal(f->lines[0], "Nobody is knocking.");
}

static void circle_knocker_hears_the_answer(void **state)
{
  struct fixture *f = *state;
  const char *knocking = "{\"type\":\"knocking\",\"id\":3,\"room\":\"Circle\"}";
  json_t *msg = json_loads(knocking, 0, NULL);
  assert_true(cli_circle_makes_ready(msg));
  json_decref(msg);
  feed(f, knocking);
  assert_string_equal(f->lines[0],
                      "You are knocking at Circle. Please wait for someone to let you in.");
  feed(f, "{\"type\":\"event\",\"event\":\"declined\",\"room\":\"Circle\","
          "\"reason\":\"We are full tonight.\"}");
  assert_int_equal(f->n_lines, 2);
  assert_string_equal(f->lines[1], "You were not let in to Circle. Reason: We are full tonight.");
  msg = json_loads("{\"type\":\"joined\",\"room\":\"Circle\"}", 0, NULL);
  assert_true(cli_circle_makes_ready(msg));
  json_decref(msg);
  msg = json_loads("{\"type\":\"joined\",\"id\":3,\"room\":\"Circle\"}", 0, NULL);
  assert_false(cli_circle_makes_ready(msg));
  json_decref(msg);
}

static void circle_unban_by_name_looks_the_ban_up(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  run(f, "unban", "eve");
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_type(f->sent[0]), "bans");
  feed(f, "{\"type\":\"bans\",\"id\":5,\"room\":\"Circle\",\"bans\":[{\"ban\":2,\"name\":"
          "\"Zed\",\"until\":null},{\"ban\":3,\"name\":\"Eve\",\"until\":null}]}");
  assert_int_equal(f->n_sent, 2);
  assert_string_equal(proto_msg_type(f->sent[1]), "unban");
  assert_int_equal(proto_msg_int(f->sent[1], "ban", -1), 3);
  feed(f, "{\"type\":\"unbanned\",\"id\":6,\"ban\":3}");
  assert_string_equal(f->lines[f->n_lines - 1], "Eve is no longer banned.");
  clear(f);
  run(f, "unban", "Nobody");
  feed(f, "{\"type\":\"bans\",\"id\":7,\"room\":\"Circle\",\"bans\":[]}");
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(f->lines[0], "Nobody called Nobody is banned here. Type /bans for the list.");
  clear(f);
  feed(f, "{\"type\":\"bans\",\"id\":8,\"room\":\"Circle\",\"bans\":[{\"ban\":2,\"name\":"
          "\"Zed\",\"until\":null,\"reason\":\"Shouting.\"}]}");
  assert_string_equal(f->lines[0], "Bans in Circle: number 2, Zed, no end, Shouting.");
  assert_int_equal(f->cues[0], ANSWER);
}

static void circle_joining_says_topic_floor_and_role(void **state)
{
  struct fixture *f = *state;
  feed(f, "{\"type\":\"joined\",\"id\":3,\"room\":\"Circle\",\"session\":7,\"ssrc\":101,"
          "\"role\":\"facilitator\",\"settings\":{\"topic\":\"Grief circle\",\"floor\":"
          "\"round\"},\"floor\":{\"mode\":\"round\",\"holder\":4,\"queue\":[7],"
          "\"turn_left\":0},\"roster\":[{\"session\":4,\"name\":\"Ben\",\"ssrc\":100},"
          "{\"session\":7,\"name\":\"Ada\",\"ssrc\":101}]}");
  assert_int_equal(f->n_lines, 1);
  assert_string_equal(f->lines[0], "Topic: Grief circle. Floor: round. Ben has the floor. You "
                                   "are a facilitator here.");
  clear(f);
  /* A plain open room says nothing more than the session does. */
  join_circle(f);
  feed(f, "{\"type\":\"joined\",\"id\":4,\"room\":\"Lobby\",\"session\":7,\"ssrc\":101,"
          "\"roster\":[]}");
  assert_int_equal(f->n_lines, 0);
}

static void circle_untrusted_text_is_sanitized(void **state)
{
  struct fixture *f = *state;
  join_circle(f);
  feed(f, "{\"type\":\"event\",\"event\":\"note\",\"room\":\"Circle\",\"session\":4,"
          "\"name\":\"Ben\\u001b[2J\",\"text\":\"hi\\u001b]0;x\\u0007\\nthere\"}");
  assert_int_equal(f->n_lines, 1);
  assert_null(strchr(f->lines[0], 0x1b));
  assert_null(strchr(f->lines[0], '\n'));
  assert_null(strchr(f->lines[0], 0x07));
}

/* --- identity challenge --- */

static void circle_answers_the_challenge_with_a_proof_that_verifies(void **state)
{
  (void)state;
  char dir[] = "/tmp/test_cli_circle.XXXXXX", path[128], msg[512];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/identity", dir);
  struct cli_identity *id = NULL;
  assert_int_equal(cli_identity_open(path, &id, NULL, msg, sizeof msg), HX_OK);
  void *fs = NULL;
  assert_int_equal(make_fixture(&fs, NULL, id), 0);
  struct fixture *f = fs;

  uint8_t nonce[32];
  for (size_t i = 0; i < sizeof nonce; i++)
    nonce[i] = (uint8_t)(i * 7 + 1);
  char nonce_b64[64], challenge[256];
  assert_int_equal(proto_b64_encode(nonce, sizeof nonce, nonce_b64, sizeof nonce_b64), HX_OK);
  snprintf(challenge, sizeof challenge, "{\"type\":\"challenge\",\"id\":1,\"nonce\":\"%s\"}",
           nonce_b64);

  /* Without the pinned fingerprint there is nothing to bind the proof to. */
  feed(f, challenge);
  assert_int_equal(f->n_sent, 0);
  assert_int_equal(f->n_lines, 1);
  clear(f);

  assert_int_equal(cli_circle_set_fingerprint(f->c, FP), HX_OK);
  feed(f, challenge);
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_type(f->sent[0]), "prove");
  uint8_t sig[64];
  size_t sig_len = 0;
  assert_int_equal(proto_b64_decode(proto_msg_str(f->sent[0], "sig", ""), sig, sizeof sig,
                                    &sig_len),
                   HX_OK);
  assert_int_equal(sig_len, 64);
  uint8_t signed_bytes[14 + 32 + 71], pk[32];
  memcpy(signed_bytes, "hearth-auth-v1", 14);
  memcpy(signed_bytes + 14, nonce, 32);
  memcpy(signed_bytes + 46, FP, 71);
  cli_identity_public_key(id, pk);
  assert_int_equal(crypto_sign_verify_detached(sig, signed_bytes, sizeof signed_bytes, pk), 0);
  /* The proof is for this fingerprint only. */
  signed_bytes[sizeof signed_bytes - 1] ^= 1;
  assert_int_not_equal(crypto_sign_verify_detached(sig, signed_bytes, sizeof signed_bytes, pk),
                       0);

  /* A malformed nonce is not signed. */
  clear(f);
  feed(f, "{\"type\":\"challenge\",\"id\":1,\"nonce\":\"AAAA\"}");
  assert_int_equal(f->n_sent, 0);

  teardown(&fs);
  cli_identity_destroy(id);
  unlink(path);
  rmdir(dir);
}

/* --- block --- */

struct media_fixture {
  struct cli_media *m;
  struct proto_srtp *server_down;
  struct aud_encoder *enc;
  uint16_t seq;
};

static size_t voice_packet(struct media_fixture *mf, uint32_t ssrc, uint8_t *out, size_t cap)
{
  int16_t pcm[960];
  for (size_t i = 0; i < 960; i++)
    pcm[i] = (int16_t)(8000 * sin(2 * M_PI * 440.0 * (double)(mf->seq * 960 + i) / 48000.0));
  uint8_t opus[AUD_MAX_PACKET];
  size_t opus_len;
  assert_int_equal(aud_encoder_encode(mf->enc, pcm, opus, sizeof opus, &opus_len), HX_OK);
  struct proto_rtp h = {.payload_type = PROTO_RTP_PT_OPUS,
                        .seq = mf->seq,
                        .timestamp = (uint32_t)mf->seq * 960,
                        .ssrc = ssrc,
                        .has_level = true,
                        .voice = true,
                        .level = 20};
  mf->seq++;
  size_t len;
  assert_int_equal(proto_rtp_pack(&h, opus, opus_len, out, PROTO_RTP_MAX_PACKET, &len), HX_OK);
  assert_int_equal(proto_srtp_protect(mf->server_down, out, len, cap, &len), HX_OK);
  return len;
}

/* Whether a packet of ssrc's voice reaches that speaker's buffer. */
static bool heard(struct media_fixture *mf, uint32_t ssrc)
{
  uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
  size_t len = voice_packet(mf, ssrc, pkt, sizeof pkt);
  uint64_t before = 0, after = 0;
  if (cli_media_speaker_packets(mf->m, ssrc, &before) != HX_OK)
    before = 0;
  int rc = cli_media_receive(mf->m, pkt, len);
  if (cli_media_speaker_packets(mf->m, ssrc, &after) != HX_OK)
    return false;
  return rc == HX_OK && after == before + 1;
}

static void circle_block_drops_that_speakers_voice_and_survives_a_rejoin(void **state)
{
  (void)state;
  struct media_fixture mf = {0};
  uint8_t up[PROTO_SRTP_KEY_LEN], down[PROTO_SRTP_KEY_LEN];
  for (size_t i = 0; i < PROTO_SRTP_KEY_LEN; i++) {
    up[i] = (uint8_t)(i * 3);
    down[i] = (uint8_t)(200 - i);
  }
  assert_int_equal(proto_srtp_global_init(), HX_OK);
  assert_int_equal(cli_media_create(20, &mf.m), HX_OK);
  assert_int_equal(proto_srtp_create(down, PROTO_SRTP_OUTBOUND, &mf.server_down), HX_OK);
  assert_int_equal(aud_encoder_create(20, AUD_DEFAULT_BITRATE, &mf.enc), HX_OK);
  void *fs = NULL;
  assert_int_equal(make_fixture(&fs, mf.m, NULL), 0);
  struct fixture *f = fs;

  /* As the session does on joined: media joins and allows the roster. */
  assert_int_equal(cli_media_join(mf.m, 101, up, down), HX_OK);
  for (uint32_t ssrc = 100; ssrc <= 103; ssrc++)
    cli_media_allow(mf.m, ssrc);
  join_circle(f);
  assert_true(heard(&mf, 100));
  assert_true(heard(&mf, 102));

  run(f, "block", "ben");
  assert_int_equal(f->n_sent, 0); /* Ben is not told */
  assert_string_equal(f->lines[0],
                      "Ben is blocked. You will not hear or see them; they are not told.");
  assert_true(cli_circle_blocked(f->c, 4));
  assert_false(cli_circle_blocked(f->c, 9));
  assert_false(heard(&mf, 100));
  assert_true(heard(&mf, 102)); /* only Ben */
  /* Ben's typed text is not shown either. */
  clear(f);
  feed(f, "{\"type\":\"event\",\"event\":\"note\",\"room\":\"Circle\",\"session\":4,"
          "\"name\":\"Ben\",\"text\":\"hello\"}");
  assert_int_equal(f->n_lines, 0);

  /* Ben leaves and comes back with a new SSRC, which the session allows. */
  feed(f, "{\"type\":\"event\",\"event\":\"left\",\"room\":\"Circle\",\"session\":4,"
          "\"name\":\"Ben\",\"count\":3}");
  cli_media_allow(mf.m, 200);
  feed(f, "{\"type\":\"event\",\"event\":\"joined\",\"room\":\"Circle\",\"session\":14,"
          "\"name\":\"Ben\",\"ssrc\":200,\"count\":4}");
  assert_false(heard(&mf, 200));
  assert_true(cli_circle_blocked(f->c, 14));

  clear(f);
  run(f, "unblock", "Ben");
  assert_string_equal(f->lines[0], "Ben is unblocked.");
  assert_true(heard(&mf, 200));
  assert_false(cli_circle_blocked(f->c, 14));

  teardown(&fs);
  cli_media_destroy(mf.m);
  proto_srtp_destroy(mf.server_down);
  aud_encoder_destroy(mf.enc);
}


/* --- wired into the session, as the client runs it --- */

static void session_with_circle_proves_knocks_and_is_removed(void **state)
{
  (void)state;
  char dir[] = "/tmp/test_cli_circle.XXXXXX", path[128], msg[512];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/identity", dir);
  struct cli_identity *id = NULL;
  assert_int_equal(cli_identity_open(path, &id, NULL, msg, sizeof msg), HX_OK);
  void *fs = NULL;
  assert_int_equal(make_fixture(&fs, NULL, id), 0);
  struct fixture *f = fs;
  assert_int_equal(cli_circle_set_fingerprint(f->c, FP), HX_OK);
  struct cli_session_config sc = {
      .name = "Ada", .room = "Circle", .server = "127.0.0.1:7710", .identity = id, .circle = f->c};
  struct cli_session_io io = {.print = capture_print, .send = capture_send, .userdata = f};
  struct cli_session *s = NULL;
  assert_int_equal(cli_session_create(&sc, &io, NULL, &s), HX_OK);

  /* hello carries our public key; the challenge is answered with prove. */
  assert_int_equal(cli_session_start(s), HX_OK);
  char key[CLI_IDENTITY_B64_MAX];
  assert_int_equal(cli_identity_public_b64(id, key, sizeof key), HX_OK);
  assert_string_equal(proto_msg_str(f->sent[0], "key", ""), key);
  const char *challenge = "{\"type\":\"challenge\",\"id\":1,\"nonce\":"
                          "\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\"}";
  assert_int_equal(cli_session_handle_line(s, (const uint8_t *)challenge, strlen(challenge)),
                   HX_OK);
  assert_int_equal(f->n_sent, 2);
  assert_string_equal(proto_msg_type(f->sent[1]), "prove");

  /* Welcome, then our join is answered with a knock: ready all the same,
   * so the person can still type /leave. */
  feed_session(s, "{\"type\":\"welcome\",\"id\":2,\"version\":1,\"session\":7,"
                  "\"identified\":true}");
  assert_string_equal(proto_msg_type(f->sent[2]), "join");
  assert_false(cli_session_ready(s));
  feed_session(s, "{\"type\":\"knocking\",\"id\":3,\"room\":\"Circle\"}");
  assert_true(cli_session_ready(s));
  assert_string_equal(f->lines[f->n_lines - 1],
                      "You are knocking at Circle. Please wait for someone to let you in.");

  /* Admitted: a joined without id. Then removed: out of the room. */
  feed_session(s, "{\"type\":\"joined\",\"room\":\"Circle\",\"session\":7,\"ssrc\":101,"
                  "\"media_port\":7710,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\","
                  "\"up\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\","
                  "\"down\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"},"
                  "\"roster\":[{\"session\":7,\"name\":\"Ada\",\"ssrc\":101}]}");
  assert_true(cli_session_in_room(s));
  feed_session(s, "{\"type\":\"event\",\"event\":\"removed\",\"room\":\"Circle\","
                  "\"reason\":\"\"}");
  assert_false(cli_session_in_room(s));
  assert_string_equal(f->lines[f->n_lines - 1], "You were removed from Circle.");

  cli_session_destroy(s);
  teardown(&fs);
  cli_identity_destroy(id);
  unlink(path);
  rmdir(dir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(circle_commands_build_the_protocol_requests),
      T(circle_request_ids_never_meet_the_sessions),
      T(circle_mistakes_say_one_line_and_send_nothing),
      T(circle_unknown_command_is_left_to_others),
      T(circle_events_print_one_plain_line_each),
      T(circle_typing_is_told_when_someone_starts_a_line),
      T(circle_removal_and_ban_are_told_with_the_reason),
      T(circle_hands_queue_and_floor_lines),
      T(circle_knock_is_answered_by_name),
      T(circle_knocker_hears_the_answer),
      T(circle_unban_by_name_looks_the_ban_up),
      T(circle_joining_says_topic_floor_and_role),
      T(circle_untrusted_text_is_sanitized),
      cmocka_unit_test(circle_answers_the_challenge_with_a_proof_that_verifies),
      cmocka_unit_test(circle_block_drops_that_speakers_voice_and_survives_a_rejoin),
      cmocka_unit_test(session_with_circle_proves_knocks_and_is_removed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
