#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "a11y_text.h"

static void event_sentences_put_who_first(void **state)
{
  (void)state;
  char out[128];
  struct a11y_event_info ev = {.event = A11Y_EV_JOINED, .name = "Ben", .room = "Lobby", .count = 2};
  a11y_text_event(&ev, out, sizeof out);
  assert_string_equal(out, "Ben joined Lobby. 2 people here.");
  ev.event = A11Y_EV_LEFT;
  ev.count = 1;
  a11y_text_event(&ev, out, sizeof out);
  assert_string_equal(out, "Ben left Lobby. 1 person here.");
  ev.event = A11Y_EV_SPEAKING;
  ev.on = true;
  a11y_text_event(&ev, out, sizeof out);
  assert_string_equal(out, "Ben speaking.");
  ev.event = A11Y_EV_YOU_JOINED;
  ev.count = 1;
  a11y_text_event(&ev, out, sizeof out);
  assert_string_equal(out, "You joined Lobby. Nobody else is here.");
  ev.event = A11Y_EV_MUTED;
  ev.self = true;
  a11y_text_event(&ev, out, sizeof out);
  assert_string_equal(out, "Muted. Nobody hears you.");
}

static void names_from_the_network_cannot_drive_the_terminal(void **state)
{
  (void)state;
  char out[128];
  struct a11y_event_info ev = {
      .event = A11Y_EV_JOINED, .name = "\x1b[2JEve\r\n", .room = "Lobby\x07", .count = 3};
  a11y_text_event(&ev, out, sizeof out);
  assert_string_equal(out, "?[2JEve?? joined Lobby?. 3 people here.");
}

static void sanitize_keeps_utf8_and_replaces_invalid_bytes(void **state)
{
  (void)state;
  char out[64];
  a11y_text_sanitize(out, sizeof out, "Zo\xc3\xab");
  assert_string_equal(out, "Zo\xc3\xab");
  /* overlong '/', a lone continuation byte, a C1 control (CSI), a surrogate */
  a11y_text_sanitize(out, sizeof out, "a\xc0\xaf" "b\x80" "c\xc2\x9b" "d\xed\xa0\x80");
  assert_string_equal(out, "a??b?c??d???");
  a11y_text_sanitize(out, 4, "\xc3\xab\xc3\xab");
  assert_string_equal(out, "\xc3\xab");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(event_sentences_put_who_first),
      cmocka_unit_test(names_from_the_network_cannot_drive_the_terminal),
      cmocka_unit_test(sanitize_keeps_utf8_and_replaces_invalid_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
