/* How much the sound device keeps queued on output: a period more after
 * the device ran dry on three separate occasions within a minute, never
 * for a stream that is just starting, never past its top; and the period
 * given back when the device runs dry just as often with it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli_devqueue.h"

static void keep(struct cli_devqueue *q, unsigned long count, uint64_t now)
{
  assert_int_equal(cli_devqueue_update(q, count, now), CLI_DEVQUEUE_KEEP);
}

/* The first look after a start (or a reopen), then a quiet second and a
 * half. */
static void settle(struct cli_devqueue *q, unsigned long count, uint64_t *now)
{
  keep(q, count, *now);
  *now += CLI_DEVQUEUE_SAME_MS + 500;
  keep(q, count, *now);
}

static void devqueue_ignores_a_stream_running_dry_as_it_starts(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
  uint64_t now = 5000;
  keep(&q, 0, now);
  for (unsigned long n = 1; n <= 10; n++)
    keep(&q, n, now + n * 50);
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
}

static void devqueue_grows_a_period_on_the_third_occasion_in_a_minute(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  uint64_t now = 0;
  settle(&q, 0, &now);
  keep(&q, 1, now);
  now += 20000;
  keep(&q, 2, now);
  now += 20000;
  assert_int_equal(cli_devqueue_update(&q, 3, now), CLI_DEVQUEUE_MORE);
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
    keep(&q, n, now);
  now += 5000;
  keep(&q, 30, now);
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
    keep(&q, ++count, now);
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
}

/* Three occasions 2 s apart, the third a change or not. */
static enum cli_devqueue_change three_occasions(struct cli_devqueue *q, unsigned long *count,
                                                uint64_t *now)
{
  keep(q, ++*count, *now);
  *now += 2000;
  keep(q, ++*count, *now);
  *now += 2000;
  return cli_devqueue_update(q, ++*count, *now);
}

/* After a calm minute, three occasions make it grow: a period more that
 * helped is kept, and the next can be tried. */
static void grow_after_a_calm_minute(struct cli_devqueue *q, unsigned long *count,
                                     uint64_t *now)
{
  *now += CLI_DEVQUEUE_WINDOW_MS;
  assert_int_equal(three_occasions(q, count, now), CLI_DEVQUEUE_MORE);
  /* The reopened stream runs dry as it starts: that is not counted. */
  keep(q, ++*count, *now + 10);
}

static void devqueue_keeps_a_period_that_helped_and_stops_at_its_top(void **state)
{
  (void)state;
  struct cli_devqueue q;
  cli_devqueue_init(&q);
  uint64_t now = 0;
  unsigned long count = 0;
  settle(&q, count, &now);
  for (unsigned want = CLI_DEVQUEUE_START_PERIODS + 1; want <= CLI_DEVQUEUE_MAX_PERIODS;
       want++) {
    grow_after_a_calm_minute(&q, &count, &now);
    assert_int_equal(q.periods, want);
  }
  now += CLI_DEVQUEUE_WINDOW_MS;
  for (int i = 0; i < 10; i++, now += 2000)
    keep(&q, ++count, now);
  assert_int_equal(q.periods, CLI_DEVQUEUE_MAX_PERIODS);
}

/* A fresh queue that has just grown a period on trial, and settled since:
 * returns when it grew. */
static uint64_t on_trial(struct cli_devqueue *q, unsigned long *count, uint64_t *now)
{
  cli_devqueue_init(q);
  *now = 0;
  settle(q, *count, now);
  assert_int_equal(three_occasions(q, count, now), CLI_DEVQUEUE_MORE);
  assert_int_equal(q->periods, CLI_DEVQUEUE_START_PERIODS + 1);
  uint64_t grew = *now;
  settle(q, *count, now);
  return grew;
}

static void devqueue_gives_back_a_period_that_did_not_help(void **state)
{
  (void)state;
  struct cli_devqueue q;
  uint64_t now;
  unsigned long count = 0;
  on_trial(&q, &count, &now);
  /* As dry as before, within the minute after growing: back down. */
  assert_int_equal(three_occasions(&q, &count, &now), CLI_DEVQUEUE_LESS);
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
  settle(&q, count, &now);
  /* Held: occasion after occasion for the hold, and no growth. */
  uint64_t held_until = now + CLI_DEVQUEUE_HOLD_MS;
  while (now + 6000 < held_until) {
    assert_int_equal(three_occasions(&q, &count, &now), CLI_DEVQUEUE_KEEP);
    now += 2000;
  }
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS);
  now = held_until;
  assert_int_equal(three_occasions(&q, &count, &now), CLI_DEVQUEUE_MORE);
  settle(&q, count, &now);
  /* A second failed trial holds twice as long. */
  assert_int_equal(three_occasions(&q, &count, &now), CLI_DEVQUEUE_LESS);
  settle(&q, count, &now);
  held_until = now + 2 * CLI_DEVQUEUE_HOLD_MS;
  now += CLI_DEVQUEUE_HOLD_MS + 10000;
  assert_int_equal(three_occasions(&q, &count, &now), CLI_DEVQUEUE_KEEP);
  now = held_until;
  assert_int_equal(three_occasions(&q, &count, &now), CLI_DEVQUEUE_MORE);
}

/* A trial is judged by the minute after the growth: three occasions that
 * begin after it are a new case for a period more. */
static void devqueue_judges_a_trial_by_the_minute_after_growing(void **state)
{
  (void)state;
  struct cli_devqueue q;
  uint64_t now;
  unsigned long count = 0;
  uint64_t grew = on_trial(&q, &count, &now);
  now = grew + 50000;
  keep(&q, ++count, now);
  now = grew + CLI_DEVQUEUE_WINDOW_MS + 5000;
  keep(&q, ++count, now);
  /* Two in the trial's minute: the first of these three began in it. */
  now += 2000;
  assert_int_equal(cli_devqueue_update(&q, ++count, now), CLI_DEVQUEUE_LESS);

  grew = on_trial(&q, &count, &now);
  now = grew + CLI_DEVQUEUE_WINDOW_MS + 1000;
  assert_int_equal(three_occasions(&q, &count, &now), CLI_DEVQUEUE_MORE);
  assert_int_equal(q.periods, CLI_DEVQUEUE_START_PERIODS + 2);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(devqueue_ignores_a_stream_running_dry_as_it_starts),
      cmocka_unit_test(devqueue_grows_a_period_on_the_third_occasion_in_a_minute),
      cmocka_unit_test(devqueue_counts_a_stall_flagged_many_times_once),
      cmocka_unit_test(devqueue_forgets_occasions_older_than_its_window),
      cmocka_unit_test(devqueue_keeps_a_period_that_helped_and_stops_at_its_top),
      cmocka_unit_test(devqueue_gives_back_a_period_that_did_not_help),
      cmocka_unit_test(devqueue_judges_a_trial_by_the_minute_after_growing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
