/* How far ahead the loop mixes speech and earcons: up a step each time
 * the output found them short, down a smaller step after each quiet
 * spell, within its bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli_watermark.h"

#define PERIOD 120

static void watermark_starts_at_the_period_plus_slack_and_ignores_the_first_count(void **state)
{
  (void)state;
  struct cli_watermark w;
  cli_watermark_init(&w, PERIOD);
  assert_int_equal(w.level, PERIOD + CLI_WATERMARK_SLACK);
  /* The output ran dry before the first fill: not the loop's lateness. */
  assert_false(cli_watermark_update(&w, 480, 0));
  assert_int_equal(w.level, PERIOD + CLI_WATERMARK_SLACK);
  assert_false(cli_watermark_update(&w, 480, 5));
  assert_int_equal(w.level, PERIOD + CLI_WATERMARK_SLACK);
}

static void watermark_rises_a_step_per_underrun_up_to_its_top(void **state)
{
  (void)state;
  struct cli_watermark w;
  cli_watermark_init(&w, PERIOD);
  cli_watermark_update(&w, 0, 0);
  unsigned long underruns = 0;
  size_t want = PERIOD + CLI_WATERMARK_SLACK;
  for (uint64_t t = 1; want < PERIOD + CLI_WATERMARK_MAX_SLACK; t++) {
    underruns += 60;
    assert_true(cli_watermark_update(&w, underruns, t));
    want += CLI_WATERMARK_RAISE;
    assert_int_equal(w.level, want);
    /* no new underrun: no change */
    assert_false(cli_watermark_update(&w, underruns, t));
  }
  assert_false(cli_watermark_update(&w, underruns + 60, 100));
  assert_int_equal(w.level, PERIOD + CLI_WATERMARK_MAX_SLACK);
}

static void watermark_comes_back_down_after_quiet_spells_but_not_below_its_base(void **state)
{
  (void)state;
  struct cli_watermark w;
  cli_watermark_init(&w, PERIOD);
  cli_watermark_update(&w, 0, 1000);
  assert_true(cli_watermark_update(&w, 100, 2000));
  assert_true(cli_watermark_update(&w, 200, 3000));
  const size_t raised = PERIOD + CLI_WATERMARK_SLACK + 2 * CLI_WATERMARK_RAISE;
  assert_int_equal(w.level, raised);
  /* Not yet a quiet spell since the last underrun. */
  assert_false(cli_watermark_update(&w, 200, 3000 + CLI_WATERMARK_QUIET_MS - 1));
  assert_int_equal(w.level, raised);
  uint64_t t = 3000 + CLI_WATERMARK_QUIET_MS;
  assert_true(cli_watermark_update(&w, 200, t));
  assert_int_equal(w.level, raised - CLI_WATERMARK_LOWER);
  /* The next step down waits for a quiet spell of its own. */
  assert_false(cli_watermark_update(&w, 200, t + CLI_WATERMARK_QUIET_MS - 1));
  /* An underrun on the way down raises it again and restarts the wait. */
  assert_true(cli_watermark_update(&w, 300, t + CLI_WATERMARK_QUIET_MS - 1));
  assert_int_equal(w.level, raised - CLI_WATERMARK_LOWER + CLI_WATERMARK_RAISE);
  t += CLI_WATERMARK_QUIET_MS - 1;
  for (int i = 0; i < 100; i++) {
    t += CLI_WATERMARK_QUIET_MS;
    cli_watermark_update(&w, 300, t);
  }
  assert_int_equal(w.level, PERIOD + CLI_WATERMARK_SLACK);
  assert_false(cli_watermark_update(&w, 300, t + 10 * CLI_WATERMARK_QUIET_MS));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(watermark_starts_at_the_period_plus_slack_and_ignores_the_first_count),
      cmocka_unit_test(watermark_rises_a_step_per_underrun_up_to_its_top),
      cmocka_unit_test(watermark_comes_back_down_after_quiet_spells_but_not_below_its_base),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
