#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli_keys.h"
#include "hx_err.h"

static void keys_default_map_has_a_distinct_key_for_every_action(void **state)
{
  (void)state;
  struct cli_keymap km;
  cli_keymap_default(&km);
  for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
    char canon[CLI_KEY_NAME_MAX], seq[CLI_KEY_SEQ_MAX], why[128];
    assert_int_equal(cli_key_parse(km.key[a], canon, seq, why, sizeof why), HX_OK);
    assert_true(seq[0] != '\0');
    assert_true(cli_key_action_command((enum cli_key_action)a)[0] == '/');
    for (size_t b = a + 1; b < CLI_KEY_COUNT; b++)
      assert_string_not_equal(km.key[a], km.key[b]);
  }
}

static void keys_names_become_the_bytes_a_terminal_sends(void **state)
{
  (void)state;
  struct {
    const char *name, *canon, *seq;
  } cases[] = {
      {"Alt+m", "Alt+m", "\033m"}, {"alt+W", "Alt+W", "\033W"}, {"Ctrl+T", "Ctrl+t", "\x14"},
      {"F1", "F1", "\033OP"},      {"f5", "F5", "\033[15~"},    {"F12", "F12", "\033[24~"},
      {"NONE", "none", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char canon[CLI_KEY_NAME_MAX], seq[CLI_KEY_SEQ_MAX], why[128];
    assert_int_equal(cli_key_parse(cases[i].name, canon, seq, why, sizeof why), HX_OK);
    assert_string_equal(canon, cases[i].canon);
    assert_string_equal(seq, cases[i].seq);
  }
}

static void keys_refuse_non_keys_and_keys_typing_needs(void **state)
{
  (void)state;
  const char *bad[] = {"", "m", "Alt+", "Alt+mm", "Ctrl+1", "Ctrl+m", "Ctrl+i", "Ctrl+h",
                       "F0", "F13", "F1x", "Super+a", "Alt+ "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char canon[CLI_KEY_NAME_MAX] = "x", why[128] = "";
    if (cli_key_parse(bad[i], canon, NULL, why, sizeof why) != HX_ERR_INVALID)
      fail_msg("\"%s\" was taken as a key", bad[i]);
    assert_true(why[0] != '\0');
  }
}

static void keys_rebinding_moves_a_key_and_refuses_a_taken_one(void **state)
{
  (void)state;
  struct cli_keymap km;
  cli_keymap_default(&km);
  char why[200];
  assert_int_equal(cli_keymap_bind(&km, CLI_KEY_TALK, "f5", why, sizeof why), HX_OK);
  assert_string_equal(km.key[CLI_KEY_TALK], "F5");
  /* Alt+w is the who key: taking it for mute would make one key do two
   * things. */
  assert_int_equal(cli_keymap_bind(&km, CLI_KEY_MUTE, "Alt+w", why, sizeof why), HX_ERR_INVALID);
  assert_non_null(strstr(why, "who"));
  assert_string_equal(km.key[CLI_KEY_MUTE], "Alt+m");
  assert_int_equal(cli_keymap_bind(&km, CLI_KEY_WHO, "none", why, sizeof why), HX_OK);
  assert_int_equal(cli_keymap_bind(&km, CLI_KEY_MUTE, "Alt+w", why, sizeof why), HX_OK);
  char line[256];
  cli_keymap_line(&km, CLI_KEY_MUTE, line, sizeof line);
  assert_string_equal(line, "Alt+w: mute or unmute (/mute toggle).");
  cli_keymap_line(&km, CLI_KEY_WHO, line, sizeof line);
  assert_string_equal(line, "No key: who is here (/who).");
}

static void keys_actions_are_found_by_their_config_names(void **state)
{
  (void)state;
  for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
    enum cli_key_action found;
    assert_int_equal(cli_key_action_find(cli_key_action_name((enum cli_key_action)a), &found),
                     HX_OK);
    assert_int_equal(found, a);
  }
  enum cli_key_action found;
  assert_int_equal(cli_key_action_find("Speech-Up", &found), HX_OK);
  assert_int_equal(found, CLI_KEY_SPEECH_UP);
  assert_int_equal(cli_key_action_find("dance", &found), HX_ERR_NOT_FOUND);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(keys_default_map_has_a_distinct_key_for_every_action),
      cmocka_unit_test(keys_names_become_the_bytes_a_terminal_sends),
      cmocka_unit_test(keys_refuse_non_keys_and_keys_typing_needs),
      cmocka_unit_test(keys_rebinding_moves_a_key_and_refuses_a_taken_one),
      cmocka_unit_test(keys_actions_are_found_by_their_config_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
