#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_typing.h"
#include "hx_err.h"
#include "proto_msg.h"

#define MAX_LINES 16

struct fixture {
  struct cli_typing *t;
  char lines[MAX_LINES][512];
  size_t n_lines;
  json_t *sent[MAX_LINES];
  size_t n_sent;
};

static void capture_print(void *userdata, const char *line)
{
  struct fixture *f = userdata;
  assert_true(f->n_lines < MAX_LINES);
  snprintf(f->lines[f->n_lines++], sizeof f->lines[0], "%s", line);
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

static void clear(struct fixture *f)
{
  for (size_t i = 0; i < f->n_sent; i++)
    json_decref(f->sent[i]);
  f->n_sent = 0;
  f->n_lines = 0;
}

static struct fixture *open_typing(bool on, bool drafts)
{
  struct fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  struct cli_typing_io io = {.print = capture_print, .send = capture_send, .userdata = f};
  assert_int_equal(cli_typing_create(&io, on, drafts, &f->t), HX_OK);
  return f;
}

static void close_typing(struct fixture *f)
{
  clear(f);
  cli_typing_destroy(f->t);
  free(f);
}

static void feed(struct fixture *f, const char *text)
{
  json_error_t err;
  json_t *msg = json_loads(text, 0, &err);
  if (!msg)
    fail_msg("bad test JSON: %s: %s", err.text, text);
  cli_typing_handle(f->t, msg);
  json_decref(msg);
}

static void join(struct fixture *f, const char *room)
{
  char msg[256];
  snprintf(msg, sizeof msg,
           "{\"type\":\"joined\",\"id\":3,\"room\":\"%s\",\"session\":7,\"ssrc\":101,"
           "\"roster\":[]}",
           room);
  feed(f, msg);
}

/* Keys, one draft after each, as the line editor hands them on. */
static void type_keys(struct fixture *f, const char *const *drafts, size_t n)
{
  for (size_t i = 0; i < n; i++)
    assert_int_equal(cli_typing_draft(f->t, drafts[i]), HX_OK);
}

/* What was sent: "t" for typing true, "f" for false, in order; each a
 * status request with an id of ours and no "away", which it must not
 * change. */
static void assert_told(struct fixture *f, const char *want)
{
  char got[MAX_LINES + 1] = "";
  for (size_t i = 0; i < f->n_sent; i++) {
    const json_t *m = f->sent[i];
    assert_string_equal(proto_msg_type(m), "status");
    assert_true(proto_msg_id(m) >= (json_int_t)1 << 42);
    assert_null(json_object_get(m, "away"));
    const json_t *typing = json_object_get(m, "typing");
    assert_true(json_is_boolean(typing));
    got[i] = json_is_true(typing) ? 't' : 'f';
  }
  if (strcmp(got, want) != 0)
    fail_msg("told \"%s\", wanted \"%s\"", got, want);
}

static void typing_off_sends_nothing_whatever_is_written(void **state)
{
  (void)state;
  struct fixture *f = open_typing(false, true);
  join(f, "Lobby");
  static const char *const drafts[] = {"H", "Hi", "Hi there", "", "x", "/who", ""};
  type_keys(f, drafts, sizeof drafts / sizeof drafts[0]);
  assert_int_equal(cli_typing_idle(f->t), HX_OK);
  assert_false(cli_typing_told(f->t));
  assert_told(f, "");
  assert_int_equal(f->n_lines, 0);
  close_typing(f);
}

/* The first character of a line is news once; the line sent (readline
 * empties it) or emptied by hand is the stop. */
static void typing_on_tells_the_start_once_and_the_stop(void **state)
{
  (void)state;
  struct fixture *f = open_typing(true, true);
  join(f, "Lobby");
  static const char *const sent_line[] = {"H", "Hi", "Hi there", "Hi ther", "Hi there.", ""};
  type_keys(f, sent_line, sizeof sent_line / sizeof sent_line[0]);
  assert_told(f, "tf");
  assert_false(cli_typing_told(f->t));
  clear(f);
  static const char *const emptied[] = {"  ", "  w", "  ", "", "o", "ok"};
  type_keys(f, emptied, sizeof emptied / sizeof emptied[0]);
  assert_told(f, "tft");
  assert_true(cli_typing_told(f->t));
  assert_int_equal(f->n_lines, 0);
  close_typing(f);
}

/* A /command is no line for the room; words that become a command are
 * stopped, and a command whose slash goes becomes words. */
static void typing_commands_are_never_told(void **state)
{
  (void)state;
  struct fixture *f = open_typing(true, true);
  join(f, "Lobby");
  static const char *const command[] = {"/", "/w", "/who", ""};
  type_keys(f, command, sizeof command / sizeof command[0]);
  assert_told(f, "");
  static const char *const changed[] = {"who", "/who", "who", ""};
  type_keys(f, changed, sizeof changed / sizeof changed[0]);
  assert_told(f, "tftf");
  close_typing(f);
}

/* CLI_TYPING_IDLE_MS without a key is a stop; the next key that leaves
 * words is a start again. */
static void typing_idle_is_a_stop_until_the_next_key(void **state)
{
  (void)state;
  struct fixture *f = open_typing(true, true);
  join(f, "Lobby");
  static const char *const start[] = {"W", "Wel"};
  type_keys(f, start, 2);
  assert_int_equal(cli_typing_idle(f->t), HX_OK);
  assert_int_equal(cli_typing_idle(f->t), HX_OK);
  assert_false(cli_typing_told(f->t));
  assert_told(f, "tf");
  static const char *const more[] = {"Welc", "Welco"};
  type_keys(f, more, 2);
  assert_told(f, "tft");
  close_typing(f);
}

/* Outside a room nothing is sent; a new room knows nothing of what we
 * told the last one. */
static void typing_follows_the_room_we_are_in(void **state)
{
  (void)state;
  struct fixture *f = open_typing(true, true);
  static const char *const early[] = {"h", "hi", ""};
  type_keys(f, early, 3);
  assert_told(f, "");
  join(f, "Lobby");
  static const char *const hi[] = {"h"};
  type_keys(f, hi, 1);
  assert_told(f, "t");
  clear(f);
  /* Removed while typing: the room is gone, and with it our typing. */
  feed(f, "{\"type\":\"event\",\"event\":\"removed\",\"room\":\"Lobby\",\"reason\":\"\"}");
  assert_false(cli_typing_told(f->t));
  static const char *const outside[] = {"hi", "", "x"};
  type_keys(f, outside, 3);
  assert_int_equal(cli_typing_idle(f->t), HX_OK);
  assert_told(f, "");
  join(f, "Tea");
  static const char *const again[] = {"xy"};
  type_keys(f, again, 1);
  assert_told(f, "t");
  clear(f);
  /* Moved to another room while typing: the next key tells that one. */
  join(f, "Garden");
  type_keys(f, again, 1);
  assert_told(f, "t");
  clear(f);
  feed(f, "{\"type\":\"left\",\"id\":9,\"room\":\"Garden\"}");
  static const char *const gone[] = {"", "z"};
  type_keys(f, gone, 2);
  assert_told(f, "");
  close_typing(f);
}

static void typing_command_says_and_changes_the_setting(void **state)
{
  (void)state;
  struct fixture *f = open_typing(false, true);
  join(f, "Lobby");
  assert_int_equal(cli_typing_command(f->t, false, false), HX_OK);
  assert_string_equal(f->lines[0], "Typing off: the room is not told when you write.");
  assert_int_equal(cli_typing_command(f->t, true, true), HX_OK);
  assert_true(cli_typing_on(f->t));
  assert_string_equal(f->lines[1], "Typing on: the room is told when you start writing a line.");
  static const char *const hi[] = {"h"};
  type_keys(f, hi, 1);
  assert_told(f, "t");
  /* Off while the room thinks we type: it is told we stopped. */
  assert_int_equal(cli_typing_command(f->t, true, false), HX_OK);
  assert_false(cli_typing_on(f->t));
  assert_told(f, "tf");
  assert_string_equal(f->lines[2], "Typing off: the room is not told when you write.");
  static const char *const more[] = {"hi", "hi!"};
  type_keys(f, more, 2);
  assert_told(f, "tf");
  assert_int_equal(f->n_lines, 3);
  close_typing(f);

  /* Lines that arrive whole (a pipe, a script): on, but never told. */
  f = open_typing(true, false);
  assert_int_equal(cli_typing_command(f->t, false, false), HX_OK);
  assert_string_equal(f->lines[0], "Typing on, but without the line editor Hearth sees only "
                                   "whole lines, so the room is never told.");
  close_typing(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(typing_off_sends_nothing_whatever_is_written),
      cmocka_unit_test(typing_on_tells_the_start_once_and_the_stop),
      cmocka_unit_test(typing_commands_are_never_told),
      cmocka_unit_test(typing_idle_is_a_stop_until_the_next_key),
      cmocka_unit_test(typing_follows_the_room_we_are_in),
      cmocka_unit_test(typing_command_says_and_changes_the_setting),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
