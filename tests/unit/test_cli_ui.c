#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_ui.h"
#include "hx_err.h"

static void ui_mode_json_wins_over_everything(void **state)
{
  (void)state;
  assert_int_equal(cli_ui_choose_mode(true, true, true, "1", true, true), CLI_UI_JSON);
  assert_int_equal(cli_ui_choose_mode(false, true, false, NULL, true, true), CLI_UI_JSON);
}

static void ui_mode_is_plain_unless_a_person_is_at_a_terminal(void **state)
{
  (void)state;
  /* plain, json, script, NO_COLOR, stdin tty, stdout tty */
  assert_int_equal(cli_ui_choose_mode(false, false, false, NULL, true, true), CLI_UI_EDIT);
  assert_int_equal(cli_ui_choose_mode(false, false, false, "", true, true), CLI_UI_EDIT);
  assert_int_equal(cli_ui_choose_mode(true, false, false, NULL, true, true), CLI_UI_PLAIN);
  assert_int_equal(cli_ui_choose_mode(false, false, false, "1", true, true), CLI_UI_PLAIN);
  assert_int_equal(cli_ui_choose_mode(false, false, true, NULL, true, true), CLI_UI_PLAIN);
  assert_int_equal(cli_ui_choose_mode(false, false, false, NULL, false, true), CLI_UI_PLAIN);
  assert_int_equal(cli_ui_choose_mode(false, false, false, NULL, true, false), CLI_UI_PLAIN);
}

static void on_wake(void *userdata) { ++*(int *)userdata; }

/* Plain mode reads lines through its thread and prints them as they are:
 * no escape sequence is added. */
static void ui_plain_mode_reads_lines_and_prints_no_escapes(void **state)
{
  (void)state;
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  FILE *in = tmpfile();
  assert_non_null(in);
  fputs("/who\n/speaking\r\n", in);
  rewind(in);
  char *printed = NULL;
  size_t printed_len = 0;
  FILE *out = open_memstream(&printed, &printed_len);
  int woken = 0;
  struct cli_ui *ui;
  assert_int_equal(cli_ui_create(&loop, CLI_UI_PLAIN, in, true, out, on_wake, &woken, &ui),
                   HX_OK);
  assert_int_equal(cli_ui_bind_keys(ui, &(struct cli_keymap){0}, NULL, 0), HX_OK);
  assert_int_equal(cli_ui_start(ui), HX_OK);
  enum cli_ui_item item;
  char line[CLI_UI_LINE_MAX];
  const char *expect[] = {"/who", "/speaking"};
  for (size_t i = 0; i < 3; i++) {
    while (cli_ui_next(ui, &item, line, sizeof line) == HX_ERR_AGAIN)
      uv_run(&loop, UV_RUN_ONCE);
    if (i < 2) {
      assert_int_equal(item, CLI_UI_LINE);
      assert_string_equal(line, expect[i]);
    } else {
      assert_int_equal(item, CLI_UI_EOF);
    }
  }
  /* The lines woke the loop. The reader may have queued them all before
   * the loop first ran, so the wake-up may still be waiting for it;
   * without one this waits until ctest's timeout fails the test. */
  while (woken == 0)
    uv_run(&loop, UV_RUN_ONCE);
  cli_ui_print(ui, "Ben joined Lobby. 2 people here.");
  cli_ui_close(ui);
  uv_run(&loop, UV_RUN_DEFAULT);
  cli_ui_destroy(ui);
  assert_int_equal(uv_loop_close(&loop), 0);
  fclose(out);
  assert_string_equal(printed, "Ben joined Lobby. 2 people here.\n");
  assert_null(strchr(printed, '\033'));
  free(printed);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ui_mode_json_wins_over_everything),
      cmocka_unit_test(ui_mode_is_plain_unless_a_person_is_at_a_terminal),
      cmocka_unit_test(ui_plain_mode_reads_lines_and_prints_no_escapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
