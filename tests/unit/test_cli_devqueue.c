/* How much the sound device keeps queued on output: a period more after
 * the device ran dry on three separate occasions within a minute, never
 * for a stream that is just starting, never past its top. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli_devqueue.h"

/* The first look after a start, then a quiet second and a half. */
static void settle(struct cli_devqueue *q, unsigned long count, uint64_t *now)
{
  assert_false(cli_devqueue_update(q, count, *now));
  *now += CLI_DEVQUEUE_SAME_MS + 500;
  assert_false(cli_devqueue_update(q, count, *now));
}

static void devqueue_ignores_a_stream_running_dry_as_it_starts(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
  uint64_t now = 5000;
  assert_false(cli_devqueue_update(&q, 0, now));
  for (unsigned long n = 1; n <= 10; n++)
    assert_false(cli_devqueue_update(&q, n, now + n * 50));
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
}

static void devqueue_grows_a_period_on_the_third_occasion_in_a_minute(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  uint64_t now = 0;
  settle(&q, 0, &now);
  assert_false(cli_devqueue_update(&q, 1, now));
  now += 20000;
  assert_false(cli_devqueue_update(&q, 2, now));
  now += 20000;
  assert_true(cli_devqueue_update(&q, 3, now));
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS + 1);
}

static void devqueue_counts_a_stall_flagged_many_times_once(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  uint64_t now = 0;
  settle(&q, 0, &now);
  /* One stall: callback after callback flagged, each look finding more. */
  for (unsigned long n = 1; n <= 20; n++, now += 100)
    assert_false(cli_devqueue_update(&q, n, now));
  now += 5000;
  assert_false(cli_devqueue_update(&q, 30, now));
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
}

static void devqueue_forgets_occasions_older_than_its_window(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  uint64_t now = 0;
  settle(&q, 0, &now);
  unsigned long count = 0;
  /* One occasion every 40 s: never three in a minute. */
  for (int i = 0; i < 10; i++, now += 40000)
    assert_false(cli_devqueue_update(&q, ++count, now));
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
}

static void devqueue_settles_again_after_growing_and_stops_at_its_top(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  uint64_t now = 0;
  unsigned long count = 0;
  settle(&q, count, &now);
  for (unsigned want = CLI_DEVQUEUE_START_PERIODS + 1; want <= CLI_DEVQUEUE_MAX_PERIODS;
       want++) {
    assert_false(cli_devqueue_update(&q, ++count, now));
    now += 2000;
    assert_false(cli_devqueue_update(&q, ++count, now));
    now += 2000;
    assert_true(cli_devqueue_update(&q, ++count, now));
    assert_int_equal(q.periods, want);
    /* The reopened stream runs dry as it starts: that is not counted. */
    assert_false(cli_devqueue_update(&q, ++count, now + 10));
    now += 2000;
  }
  for (int i = 0; i < 10; i++, now += 2000)
    assert_false(cli_devqueue_update(&q, ++count, now));
  assert_int_equal(q.periods, CLI_DEVQUEUE_MAX_PERIODS);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(devqueue_ignores_a_stream_running_dry_as_it_starts),
      cmocka_unit_test(devqueue_grows_a_period_on_the_third_occasion_in_a_minute),
      cmocka_unit_test(devqueue_counts_a_stall_flagged_many_times_once),
      cmocka_unit_test(devqueue_forgets_occasions_older_than_its_window),
      cmocka_unit_test(devqueue_settles_again_after_growing_and_stops_at_its_top),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
