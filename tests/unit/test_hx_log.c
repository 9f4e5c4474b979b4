/* The log sink: what a library logs reaches the executable's sink whole,
 * below the level nothing arrives, and a long line is cut, not overrun. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hx_log.h"

struct seen {
  int calls;
  enum hx_log_level level;
  char module[32];
  char message[2048];
};

static void remember(void *userdata, enum hx_log_level level, const char *module,
                     const char *message)
{
  struct seen *s = userdata;
  s->calls++;
  s->level = level;
  snprintf(s->module, sizeof s->module, "%s", module);
  snprintf(s->message, sizeof s->message, "%s", message);
}

static int install(void **state)
{
  static struct seen seen;
  memset(&seen, 0, sizeof seen);
  hx_log_set_sink(remember, &seen);
  hx_log_set_level(HX_LOG_INFO);
  *state = &seen;
  return 0;
}

static int uninstall(void **state)
{
  (void)state;
  hx_log_set_sink(NULL, NULL);
  hx_log_set_level(HX_LOG_INFO);
  return 0;
}

static void log_sink_gets_level_module_and_formatted_message(void **state)
{
  struct seen *seen = *state;
  hx_log(HX_LOG_WARN, "media", "dropped %d packets from %s", 3, "127.0.0.1:9");
  assert_int_equal(seen->calls, 1);
  assert_int_equal(seen->level, HX_LOG_WARN);
  assert_string_equal(seen->module, "media");
  assert_string_equal(seen->message, "dropped 3 packets from 127.0.0.1:9");
}

static void log_below_the_level_is_dropped(void **state)
{
  struct seen *seen = *state;
  hx_log(HX_LOG_DEBUG, "tls", "not shown at info");
  assert_int_equal(seen->calls, 0);
  hx_log_set_level(HX_LOG_ERROR);
  hx_log(HX_LOG_WARN, "tls", "not shown at error");
  assert_int_equal(seen->calls, 0);
  hx_log(HX_LOG_ERROR, "tls", "shown");
  assert_int_equal(seen->calls, 1);
  hx_log_set_level(HX_LOG_DEBUG);
  hx_log(HX_LOG_DEBUG, "tls", "shown at debug");
  assert_int_equal(seen->calls, 2);
  assert_string_equal(seen->message, "shown at debug");
}

static void log_long_message_is_cut_at_1023_bytes(void **state)
{
  struct seen *seen = *state;
  static char long_text[4096];
  memset(long_text, 'x', sizeof long_text - 1);
  hx_log(HX_LOG_INFO, "session", "%s", long_text);
  assert_int_equal(seen->calls, 1);
  assert_int_equal(strlen(seen->message), 1023);
  assert_int_equal(strspn(seen->message, "x"), 1023);
}

static void log_level_names_are_words(void **state)
{
  (void)state;
  assert_string_equal(hx_log_level_name(HX_LOG_DEBUG), "debug");
  assert_string_equal(hx_log_level_name(HX_LOG_INFO), "info");
  assert_string_equal(hx_log_level_name(HX_LOG_WARN), "warning");
  assert_string_equal(hx_log_level_name(HX_LOG_ERROR), "error");
  assert_string_equal(hx_log_level_name((enum hx_log_level)99), "?");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(log_sink_gets_level_module_and_formatted_message, install,
                                      uninstall),
      cmocka_unit_test_setup_teardown(log_below_the_level_is_dropped, install, uninstall),
      cmocka_unit_test_setup_teardown(log_long_message_is_cut_at_1023_bytes, install, uninstall),
      cmocka_unit_test(log_level_names_are_words),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
