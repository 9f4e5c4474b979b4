/* Receiver reports: a listener's loss figure reaches the speaker, and
 * nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_srv_harness.h"

static void report_loss_is_relayed_to_the_speaker_only(void **state)
{
  (void)state;
  struct harness *h = h_new(NULL);
  struct srv_session *ada = h_hello(h, "Ada");
  struct srv_session *ben = h_hello(h, "Ben");
  struct srv_session *cy = h_hello(h, "Cy");
  json_decref(h_join(h, ada, "Lobby"));
  json_t *joined = h_join(h, ben, "Lobby");
  json_int_t ben_ssrc = h_int(joined, "ssrc");
  json_decref(joined);
  json_decref(h_join(h, cy, "Lobby"));
  h_clear(h);

  char line[128];
  snprintf(line, sizeof line, "{\"type\":\"report\",\"ssrc\":%lld,\"loss\":12}",
           (long long)ben_ssrc);
  assert_int_equal(h_line(ada, line), HX_OK);
  json_t *ev = h_nth(h, ben->id, 0);
  assert_non_null(ev);
  assert_string_equal(h_str(ev, "type"), "event");
  assert_string_equal(h_str(ev, "event"), "loss");
  assert_int_equal(h_int(ev, "loss"), 12);
  assert_int_equal(h_count(h, ben->id), 1);
  assert_int_equal(h_count(h, ada->id), 0); /* no reply: reports are cheap */
  assert_int_equal(h_count(h, cy->id), 0);
  h_free(h);
}

static void report_with_bad_values_is_refused_and_relays_nothing(void **state)
{
  (void)state;
  struct harness *h = h_new(NULL);
  struct srv_session *ada = h_hello(h, "Ada");
  struct srv_session *ben = h_hello(h, "Ben");
  json_decref(h_join(h, ada, "Lobby"));
  json_decref(h_join(h, ben, "Lobby"));
  h_clear(h);
  static const char *const bad[] = {
      "{\"type\":\"report\",\"id\":7,\"ssrc\":1,\"loss\":101}",
      "{\"type\":\"report\",\"id\":7,\"ssrc\":1,\"loss\":-1}",
      "{\"type\":\"report\",\"id\":7,\"ssrc\":-1,\"loss\":5}",
      "{\"type\":\"report\",\"id\":7,\"ssrc\":4294967296,\"loss\":5}",
      "{\"type\":\"report\",\"id\":7,\"ssrc\":\"x\",\"loss\":5}",
      "{\"type\":\"report\",\"id\":7,\"loss\":5}",
      "{\"type\":\"report\",\"id\":7,\"ssrc\":1}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    h_clear(h);
    assert_int_equal(h_line(ada, bad[i]), HX_OK);
    assert_int_equal(h_count(h, ada->id), 1);
    h_assert_error(h_nth(h, ada->id, 0), "bad_message", 7);
    assert_int_equal(h_count(h, ben->id), 0);
  }
  h_free(h);
}

static void report_outside_a_room_is_not_in_room(void **state)
{
  (void)state;
  struct harness *h = h_new(NULL);
  struct srv_session *ada = h_hello(h, "Ada");
  assert_int_equal(h_line(ada, "{\"type\":\"report\",\"id\":2,\"ssrc\":5,\"loss\":5}"), HX_OK);
  h_assert_error(h_nth(h, ada->id, 0), "not_in_room", 2);
  h_free(h);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(report_loss_is_relayed_to_the_speaker_only),
      cmocka_unit_test(report_with_bad_values_is_refused_and_relays_nothing),
      cmocka_unit_test(report_outside_a_room_is_not_in_room),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
