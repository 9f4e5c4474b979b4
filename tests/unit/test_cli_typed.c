#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_circle.h"
#include "cli_typed.h"
#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"

#define MAX_LINES 16

struct fixture {
  struct cli_typed *t;
  struct cli_circle *circle; /* NULL unless a test needs blocks */
  char lines[MAX_LINES][9000];
  size_t n_lines;
  /* The last typed line told, as the front gets it. */
  char told[1200];
  char told_text[1200];
  bool told_self, told_speak;
  size_t n_told;
  json_t *sent[MAX_LINES];
  size_t n_sent;
};

static void capture_print(void *userdata, const char *line)
{
  struct fixture *f = userdata;
  assert_true(f->n_lines < MAX_LINES);
  snprintf(f->lines[f->n_lines++], sizeof f->lines[0], "%s", line);
}

static void capture_text(void *userdata, const struct cli_typed_line *tl)
{
  struct fixture *f = userdata;
  snprintf(f->told, sizeof f->told, "%s", tl->line);
  snprintf(f->told_text, sizeof f->told_text, "%s", tl->text);
  f->told_self = tl->self;
  f->told_speak = tl->speak;
  f->n_told++;
}

static int capture_send(void *userdata, const char *data, size_t len)
{
  struct fixture *f = userdata;
  assert_true(f->n_sent < MAX_LINES);
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
  f->n_told = 0;
  f->told[0] = '\0';
}

static struct fixture *open_typed(const struct cli_typed_settings *settings, bool with_circle)
{
  hx_log_set_sink(quiet_log, NULL);
  struct fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  struct cli_typed_settings d;
  cli_typed_settings_default(&d);
  if (with_circle) {
    struct cli_circle_io cio = {.print = capture_print, .send = capture_send, .userdata = f};
    assert_int_equal(cli_circle_create(&cio, NULL, NULL, &f->circle), HX_OK);
  }
  struct cli_typed_io io = {
      .print = capture_print, .text = capture_text, .send = capture_send, .userdata = f};
  assert_int_equal(cli_typed_create(&io, settings ? settings : &d, f->circle, &f->t), HX_OK);
  return f;
}

static void close_typed(struct fixture *f)
{
  clear(f);
  cli_typed_destroy(f->t);
  cli_circle_destroy(f->circle);
  free(f);
}

/* One server message, to the circle first (as the session orders them). */
static void feed(struct fixture *f, const char *line)
{
  json_t *msg = NULL;
  assert_int_equal(proto_msg_parse((const uint8_t *)line, strlen(line), &msg), HX_OK);
  if (f->circle)
    cli_circle_handle(f->circle, msg);
  cli_typed_handle(f->t, msg);
  json_decref(msg);
}

static const char joined[] =
    "{\"type\":\"joined\",\"id\":3,\"room\":\"Lobby\",\"session\":7,\"ssrc\":101,"
    "\"text_ssrc\":201,\"roster\":[{\"session\":4,\"name\":\"Ben\",\"ssrc\":100,"
    "\"text_ssrc\":200},{\"session\":7,\"name\":\"Ada\",\"ssrc\":101,\"text_ssrc\":201}]}";

static void text_event(struct fixture *f, int session, const char *name, const char *text)
{
  char line[1500];
  snprintf(line, sizeof line,
           "{\"type\":\"event\",\"event\":\"text\",\"room\":\"Lobby\",\"session\":%d,"
           "\"name\":\"%s\",\"text\":\"%s\",\"spoken\":true}",
           session, name, text);
  feed(f, line);
}

static json_int_t reply_id(struct fixture *f)
{
  assert_true(f->n_sent > 0);
  return proto_msg_id(f->sent[f->n_sent - 1]);
}

static void typed_say_sends_the_line_as_typed(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  assert_int_equal(cli_typed_say(f->t, "I'm here, just typing tonight..."), HX_OK);
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_type(f->sent[0]), "say");
  assert_string_equal(proto_msg_str(f->sent[0], "text", ""), "I'm here, just typing tonight...");
  assert_true(proto_msg_id(f->sent[0]) >= 0);
  /* SSML-looking text is just text: it goes as typed. */
  assert_int_equal(cli_typed_say(f->t, "<speak>hi</speak>"), HX_OK);
  assert_string_equal(proto_msg_str(f->sent[1], "text", ""), "<speak>hi</speak>");
  assert_int_equal(f->n_lines, 0);
  close_typed(f);
}

static void typed_white_space_and_bad_utf8_send_nothing(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  assert_int_equal(cli_typed_say(f->t, "   \t "), HX_OK);
  assert_int_equal(cli_typed_say(f->t, ""), HX_OK);
  assert_int_equal(f->n_sent, 0);
  assert_int_equal(f->n_lines, 0);
  assert_int_equal(cli_typed_say(f->t, "caf\xe9"), HX_OK);
  assert_int_equal(f->n_sent, 0);
  assert_string_equal(f->lines[0], "Cannot send that: the text is not valid UTF-8.");
  close_typed(f);
}

static void typed_stop_sends_say_stop_and_tells_how_many(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  assert_int_equal(cli_typed_stop(f->t), HX_OK);
  assert_string_equal(proto_msg_type(f->sent[0]), "say_stop");
  char reply[128];
  snprintf(reply, sizeof reply, "{\"type\":\"say_stop\",\"id\":%lld,\"cancelled\":3}",
           (long long)reply_id(f));
  feed(f, reply);
  feed(f, "{\"type\":\"say_stop\",\"id\":9,\"cancelled\":1}");
  feed(f, "{\"type\":\"say_stop\",\"id\":9,\"cancelled\":0}");
  assert_int_equal(f->n_lines, 3);
  assert_string_equal(f->lines[0], "Stopped 3 lines.");
  assert_string_equal(f->lines[1], "Stopped 1 line.");
  assert_string_equal(f->lines[2], "Nothing to stop.");
  close_typed(f);
}

static void typed_said_tells_only_a_wait_for_the_floor(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, "{\"type\":\"said\",\"id\":30,\"ahead\":0,\"waiting\":null}");
  assert_int_equal(f->n_lines, 0);
  feed(f, "{\"type\":\"said\",\"id\":31,\"ahead\":2,\"waiting\":\"floor\"}");
  assert_int_equal(f->n_lines, 1);
  assert_string_equal(f->lines[0], "Waiting for the floor; your words are kept.");
  close_typed(f);
}

static void typed_text_event_is_one_line_who_first(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  clear(f);
  text_event(f, 4, "Ben", "I'm here, just typing tonight...");
  assert_int_equal(f->n_told, 1);
  assert_string_equal(f->told, "Ben: I'm here, just typing tonight...");
  assert_string_equal(f->told_text, "I'm here, just typing tonight...");
  assert_false(f->told_self);
  assert_false(f->told_speak); /* hear-text voice: the room audio carries it */
  text_event(f, 7, "Ada", "me too");
  assert_string_equal(f->told, "You: me too");
  assert_true(f->told_self);
  assert_int_equal(f->n_lines, 0);
  close_typed(f);
}

static void typed_text_from_the_network_is_sanitized(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  text_event(f, 4, "B\\u001b[2Jen", "a\\u0007b\\nc");
  assert_string_equal(f->told, "B?[2Jen: a?b?c");
  close_typed(f);
}

static void typed_text_of_another_room_or_outside_a_room_is_dropped(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  text_event(f, 4, "Ben", "before the join");
  assert_int_equal(f->n_told, 0);
  feed(f, joined);
  feed(f, "{\"type\":\"event\",\"event\":\"text\",\"room\":\"Other\",\"session\":4,"
          "\"name\":\"Ben\",\"text\":\"elsewhere\"}");
  feed(f, "{\"type\":\"event\",\"event\":\"text\",\"room\":\"Lobby\",\"session\":4}");
  assert_int_equal(f->n_told, 0);
  feed(f, "{\"type\":\"left\",\"id\":5,\"room\":\"Lobby\"}");
  text_event(f, 4, "Ben", "after leaving");
  assert_int_equal(f->n_told, 0);
  close_typed(f);
}

static void typed_hear_mine_asks_for_our_own_speech(void **state)
{
  (void)state;
  struct cli_typed_settings s;
  cli_typed_settings_default(&s);
  s.hear = CLI_HEAR_MINE;
  struct fixture *f = open_typed(&s, false);
  feed(f, joined);
  text_event(f, 4, "Ben", "hello");
  assert_true(f->told_speak);
  close_typed(f);

  s.hear = CLI_HEAR_TEXT;
  f = open_typed(&s, false);
  feed(f, joined);
  text_event(f, 4, "Ben", "hello");
  assert_int_equal(f->n_told, 1);
  assert_false(f->told_speak);
  close_typed(f);
}

static void typed_voice_mode_speaks_what_the_server_could_not(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  feed(f, "{\"type\":\"event\",\"event\":\"text\",\"room\":\"Lobby\",\"session\":4,"
          "\"name\":\"Ben\",\"text\":\"hello\",\"spoken\":false}");
  assert_int_equal(f->n_told, 1);
  assert_true(f->told_speak);
  close_typed(f);
}

static void typed_blocked_persons_lines_are_not_shown(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, true);
  feed(f, joined);
  assert_int_equal(cli_circle_command(f->circle, "block", "Ben"), HX_OK);
  clear(f);
  text_event(f, 4, "Ben", "hello");
  assert_int_equal(f->n_told, 0);
  assert_int_equal(cli_circle_command(f->circle, "unblock", "Ben"), HX_OK);
  text_event(f, 4, "Ben", "hello again");
  assert_int_equal(f->n_told, 1);
  assert_string_equal(f->told, "Ben: hello again");
  close_typed(f);
}

static void typed_settings_are_sent_after_each_join_quietly(void **state)
{
  (void)state;
  struct cli_typed_settings s;
  cli_typed_settings_default(&s);
  s.hear = CLI_HEAR_TEXT;
  snprintf(s.voice, sizeof s.voice, "en+f3");
  s.rate = 160;
  struct fixture *f = open_typed(&s, false);
  for (int join = 0; join < 2; join++) {
    clear(f);
    feed(f, joined);
    assert_int_equal(f->n_sent, 2);
    assert_string_equal(proto_msg_type(f->sent[0]), "hear_text");
    assert_string_equal(proto_msg_str(f->sent[0], "mode", ""), "text");
    assert_string_equal(proto_msg_type(f->sent[1]), "voice");
    assert_string_equal(proto_msg_str(f->sent[1], "voice", ""), "en+f3");
    assert_int_equal(proto_msg_int(f->sent[1], "rate", 0), 160);
    /* Unset, the server's own; then the whole setting the server told. */
    assert_int_equal(proto_msg_int(f->sent[1], "pitch", -1), join == 0 ? -1 : 50);
    char reply[200];
    snprintf(reply, sizeof reply, "{\"type\":\"hear_text\",\"id\":%lld,\"mode\":\"text\"}",
             (long long)proto_msg_id(f->sent[0]));
    feed(f, reply);
    snprintf(reply, sizeof reply,
             "{\"type\":\"voice\",\"id\":%lld,\"voice\":\"en+f3\",\"rate\":160,\"pitch\":50}",
             (long long)proto_msg_id(f->sent[1]));
    feed(f, reply);
    assert_int_equal(f->n_lines, 0);
  }
  close_typed(f);
}

static void typed_defaults_send_nothing_on_join(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  assert_int_equal(f->n_sent, 0);
  close_typed(f);
}

static void typed_hear_text_command_sends_and_confirms(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  assert_int_equal(cli_typed_hear(f->t, ""), HX_OK);
  assert_int_equal(f->n_lines, 1);
  assert_non_null(strstr(f->lines[0], "Typed lines heard as voice."));
  assert_non_null(strstr(f->lines[0], "mine (your own speech reads them)"));
  assert_int_equal(f->n_sent, 0);
  feed(f, joined);
  clear(f);
  assert_int_equal(cli_typed_hear(f->t, " Mine "), HX_OK);
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_type(f->sent[0]), "hear_text");
  assert_string_equal(proto_msg_str(f->sent[0], "mode", ""), "mine");
  char reply[128];
  snprintf(reply, sizeof reply, "{\"type\":\"hear_text\",\"id\":%lld,\"mode\":\"mine\"}",
           (long long)reply_id(f));
  feed(f, reply);
  assert_string_equal(f->lines[0], "Typed lines heard as mine: your own speech reads them.");
  assert_int_equal(cli_typed_settings(f->t)->hear, CLI_HEAR_MINE);
  clear(f);
  assert_int_equal(cli_typed_hear(f->t, "loud"), HX_OK);
  assert_int_equal(cli_typed_hear(f->t, "text now"), HX_OK);
  assert_int_equal(f->n_sent, 0);
  assert_string_equal(f->lines[0], "/hear-text takes voice, mine or text.");
  assert_string_equal(f->lines[1], "/hear-text takes voice, mine or text.");
  close_typed(f);
}

static void typed_hear_text_outside_a_room_waits_for_the_join(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  assert_int_equal(cli_typed_hear(f->t, "text"), HX_OK);
  assert_int_equal(f->n_sent, 0);
  assert_string_equal(f->lines[0], "Typed lines heard as text from your next join.");
  feed(f, joined);
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_str(f->sent[0], "mode", ""), "text");
  close_typed(f);
}

static void typed_voice_command_sends_only_what_was_typed(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  struct {
    const char *args;
    const char *voice;
    long rate, pitch; /* -1: not in the request */
  } cases[] = {
      {"en+f3", "en+f3", -1, -1},
      {"de rate 200 pitch 30", "de", 200, 30},
      {"rate 120", NULL, 120, -1},
      {" pitch 0 ", NULL, -1, 0},
      {"en-us pitch 100 rate 450", "en-us", 450, 100},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    clear(f);
    assert_int_equal(cli_typed_voice(f->t, cases[i].args), HX_OK);
    assert_int_equal(f->n_sent, 1);
    const json_t *m = f->sent[0];
    assert_string_equal(proto_msg_type(m), "voice");
    if (cases[i].voice)
      assert_string_equal(proto_msg_str(m, "voice", ""), cases[i].voice);
    else
      assert_null(json_object_get(m, "voice"));
    assert_int_equal(proto_msg_int(m, "rate", -1), cases[i].rate);
    assert_int_equal(proto_msg_int(m, "pitch", -1), cases[i].pitch);
  }
  close_typed(f);
}

static void typed_voice_command_mistakes_are_told_and_send_nothing(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  const char *bad[] = {"rate",          "rate 79",      "rate 451",   "pitch 101",
                       "pitch -1",      "en rate fast", "en loud 3",  "en rate 100 extra",
                       "list en extra", "en pitch"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    clear(f);
    assert_int_equal(cli_typed_voice(f->t, bad[i]), HX_OK);
    if (f->n_sent != 0 || f->n_lines != 1 || f->lines[0][0] != '/')
      fail_msg("/voice %s: %zu sent, %zu lines", bad[i], f->n_sent, f->n_lines);
  }
  close_typed(f);
}

static void typed_voice_reply_is_told_and_kept(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  assert_int_equal(cli_typed_voice(f->t, "en+f3 rate 160"), HX_OK);
  char reply[200];
  snprintf(reply, sizeof reply,
           "{\"type\":\"voice\",\"id\":%lld,\"voice\":\"en+f3\",\"rate\":160,\"pitch\":50}",
           (long long)reply_id(f));
  feed(f, reply);
  assert_string_equal(f->lines[0], "Typed voice en+f3, 160 words a minute, pitch 50.");
  clear(f);
  /* Known now: /voice alone tells it without asking. */
  assert_int_equal(cli_typed_voice(f->t, ""), HX_OK);
  assert_int_equal(f->n_sent, 0);
  assert_non_null(strstr(f->lines[0], "Typed voice en+f3, 160 words a minute, pitch 50. "));
  assert_non_null(strstr(f->lines[0], "/voice list"));
  /* The next join asks for the whole setting again. */
  clear(f);
  feed(f, joined);
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_str(f->sent[0], "voice", ""), "en+f3");
  assert_int_equal(proto_msg_int(f->sent[0], "pitch", -1), 50);
  close_typed(f);
}

static void typed_voice_alone_asks_the_server_when_unknown(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  feed(f, joined);
  assert_int_equal(cli_typed_voice(f->t, "  "), HX_OK);
  assert_int_equal(f->n_sent, 1);
  assert_string_equal(proto_msg_type(f->sent[0]), "voices");
  char reply[400];
  snprintf(reply, sizeof reply,
           "{\"type\":\"voices\",\"id\":%lld,\"voices\":[{\"name\":\"en\"}],"
           "\"variants\":[\"f3\"],\"voice\":{\"voice\":\"en\",\"rate\":175,\"pitch\":50}}",
           (long long)reply_id(f));
  feed(f, reply);
  assert_int_equal(f->n_lines, 1);
  assert_non_null(strstr(f->lines[0], "Typed voice en, 175 words a minute, pitch 50."));
  close_typed(f);
}

static const char voices_reply[] =
    "{\"type\":\"voices\",\"id\":%lld,\"voices\":[{\"name\":\"en\"},"
    "{\"name\":\"de\",\"description\":\"German\"},"
    "{\"name\":\"en-us\",\"description\":\"English (America)\"},"
    "{\"name\":\"en-gb-scotland\",\"description\":\"English (Scotland)\"},"
    "{\"description\":\"French\"}],"
    "\"variants\":[\"f3\",\"m3\"],\"voice\":{\"voice\":\"en\",\"rate\":175,\"pitch\":50}}";

static void typed_voice_list_counts_then_names(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  char reply[800];
  assert_int_equal(cli_typed_voice(f->t, "list"), HX_OK);
  snprintf(reply, sizeof reply, voices_reply, (long long)reply_id(f));
  feed(f, reply);
  assert_int_equal(f->n_lines, 3);
  assert_string_equal(f->lines[0], "4 voices.");
  assert_string_equal(f->lines[1], "en; de: German; en-us: English (America); en-gb-scotland: "
                                   "English (Scotland).");
  assert_string_equal(f->lines[2], "Variants: f3, m3. Add one with +, for example /voice en+f3.");
  clear(f);
  assert_int_equal(cli_typed_voice(f->t, "list EN"), HX_OK);
  snprintf(reply, sizeof reply, voices_reply, (long long)reply_id(f));
  feed(f, reply);
  assert_string_equal(f->lines[0], "3 voices for EN.");
  assert_string_equal(f->lines[1],
                      "en; en-us: English (America); en-gb-scotland: English (Scotland).");
  clear(f);
  assert_int_equal(cli_typed_voice(f->t, "list xx"), HX_OK);
  snprintf(reply, sizeof reply, voices_reply, (long long)reply_id(f));
  feed(f, reply);
  assert_int_equal(f->n_lines, 1);
  assert_string_equal(f->lines[0], "No voices for xx. Type /voice list for all of them.");
  close_typed(f);
}

static void typed_voice_list_of_hundreds_stays_one_line_of_names(void **state)
{
  (void)state;
  struct fixture *f = open_typed(NULL, false);
  assert_int_equal(cli_typed_voice(f->t, "list"), HX_OK);
  json_t *msg = json_pack("{s:s,s:I,s:[],s:[]}", "type", "voices", "id", reply_id(f), "voices",
                          "variants");
  json_t *voices = json_object_get(msg, "voices");
  for (int i = 0; i < 2000; i++) {
    char name[32];
    snprintf(name, sizeof name, "voice-number-%d", i);
    json_array_append_new(voices, json_pack("{s:s,s:s}", "name", name, "description", "xx"));
  }
  cli_typed_handle(f->t, msg);
  json_decref(msg);
  assert_int_equal(f->n_lines, 2);
  assert_string_equal(f->lines[0], "2000 voices.");
  assert_non_null(strstr(f->lines[1], "more."));
  close_typed(f);
}

static void typed_hear_text_names_parse(void **state)
{
  (void)state;
  enum cli_hear_text h;
  assert_int_equal(cli_hear_text_parse("voice", &h), HX_OK);
  assert_int_equal(h, CLI_HEAR_VOICE);
  assert_int_equal(cli_hear_text_parse("MINE", &h), HX_OK);
  assert_int_equal(h, CLI_HEAR_MINE);
  assert_int_equal(cli_hear_text_parse("text", &h), HX_OK);
  assert_int_equal(h, CLI_HEAR_TEXT);
  assert_int_equal(cli_hear_text_parse("", &h), HX_ERR_INVALID);
  assert_int_equal(cli_hear_text_parse("voices", &h), HX_ERR_INVALID);
  assert_string_equal(cli_hear_text_name(CLI_HEAR_MINE), "mine");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(typed_say_sends_the_line_as_typed),
      cmocka_unit_test(typed_white_space_and_bad_utf8_send_nothing),
      cmocka_unit_test(typed_stop_sends_say_stop_and_tells_how_many),
      cmocka_unit_test(typed_said_tells_only_a_wait_for_the_floor),
      cmocka_unit_test(typed_text_event_is_one_line_who_first),
      cmocka_unit_test(typed_text_from_the_network_is_sanitized),
      cmocka_unit_test(typed_text_of_another_room_or_outside_a_room_is_dropped),
      cmocka_unit_test(typed_hear_mine_asks_for_our_own_speech),
      cmocka_unit_test(typed_voice_mode_speaks_what_the_server_could_not),
      cmocka_unit_test(typed_blocked_persons_lines_are_not_shown),
      cmocka_unit_test(typed_settings_are_sent_after_each_join_quietly),
      cmocka_unit_test(typed_defaults_send_nothing_on_join),
      cmocka_unit_test(typed_hear_text_command_sends_and_confirms),
      cmocka_unit_test(typed_hear_text_outside_a_room_waits_for_the_join),
      cmocka_unit_test(typed_voice_command_sends_only_what_was_typed),
      cmocka_unit_test(typed_voice_command_mistakes_are_told_and_send_nothing),
      cmocka_unit_test(typed_voice_reply_is_told_and_kept),
      cmocka_unit_test(typed_voice_alone_asks_the_server_when_unknown),
      cmocka_unit_test(typed_voice_list_counts_then_names),
      cmocka_unit_test(typed_voice_list_of_hundreds_stays_one_line_of_names),
      cmocka_unit_test(typed_hear_text_names_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
