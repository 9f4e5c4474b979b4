/* Seats around the circle: where newcomers sit, and that nobody moves. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "cli_seats.h"
#include "hx_err.h"

#define END_PAN ((float)CLI_SEATS_WIDTH_DEG / 90.0f)

static int setup(void **state)
{
  struct cli_seats *s;
  assert_int_equal(cli_seats_create(&s), HX_OK);
  *state = s;
  return 0;
}

static int teardown(void **state)
{
  cli_seats_destroy(*state);
  return 0;
}

static float take(struct cli_seats *s, uint64_t person)
{
  float pan = NAN;
  assert_int_equal(cli_seats_take(s, person, &pan), HX_OK);
  return pan;
}

static void seats_first_two_sit_at_opposite_ends_then_middle(void **state)
{
  struct cli_seats *s = *state;
  assert_float_equal(take(s, 11), -END_PAN, 1e-6);
  assert_float_equal(take(s, 12), END_PAN, 1e-6);
  assert_float_equal(take(s, 13), 0.0f, 1e-6);
  assert_float_equal(take(s, 14), -END_PAN / 2, 1e-6);
  assert_float_equal(take(s, 15), END_PAN / 2, 1e-6);
}

static void seats_taking_again_keeps_the_same_seat(void **state)
{
  struct cli_seats *s = *state;
  float first = take(s, 7);
  take(s, 8);
  assert_float_equal(take(s, 7), first, 0);
  float pan;
  assert_int_equal(cli_seats_pan(s, 7, &pan), HX_OK);
  assert_float_equal(pan, first, 0);
  assert_int_equal(cli_seats_pan(s, 99, &pan), HX_ERR_NOT_FOUND);
}

static void seats_stay_when_someone_leaves_and_newcomer_takes_freed_seat(void **state)
{
  struct cli_seats *s = *state;
  float ada = take(s, 1), ben = take(s, 2), cleo = take(s, 3);
  cli_seats_release(s, 2);
  cli_seats_release(s, 42); /* never seated: nothing happens */
  float pan;
  assert_int_equal(cli_seats_pan(s, 1, &pan), HX_OK);
  assert_float_equal(pan, ada, 0);
  assert_int_equal(cli_seats_pan(s, 3, &pan), HX_OK);
  assert_float_equal(pan, cleo, 0);
  assert_int_equal(cli_seats_pan(s, 2, &pan), HX_ERR_NOT_FOUND);
  /* Dan fills the gap Ben left rather than crowding Ada or Cleo. */
  assert_float_equal(take(s, 4), ben, 0);
}

static void seats_are_all_different_until_every_place_is_taken(void **state)
{
  struct cli_seats *s = *state;
  float pans[CLI_SEATS_PLACES];
  for (int i = 0; i < CLI_SEATS_PLACES; i++) {
    pans[i] = take(s, (uint64_t)(100 + i));
    assert_true(fabsf(pans[i]) <= END_PAN + 1e-6f);
    for (int j = 0; j < i; j++)
      assert_true(fabsf(pans[i] - pans[j]) > 0.02f);
  }
  /* The next person shares, starting again from the left end. */
  assert_float_equal(take(s, 500), -END_PAN, 1e-6);
}

static void seats_full_room_is_refused_and_clear_starts_over(void **state)
{
  struct cli_seats *s = *state;
  for (uint64_t i = 0; i < CLI_SEATS_MAX; i++)
    take(s, 1000 + i);
  float pan;
  assert_int_equal(cli_seats_take(s, 1, &pan), HX_ERR_FULL);
  cli_seats_clear(s);
  assert_int_equal(cli_seats_pan(s, 1000, &pan), HX_ERR_NOT_FOUND);
  assert_float_equal(take(s, 1), -END_PAN, 1e-6);
  assert_float_equal(take(s, 2), END_PAN, 1e-6);
}

static void seats_destroy_null_does_nothing(void **state)
{
  (void)state;
  cli_seats_destroy(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(seats_first_two_sit_at_opposite_ends_then_middle, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(seats_taking_again_keeps_the_same_seat, setup, teardown),
      cmocka_unit_test_setup_teardown(
          seats_stay_when_someone_leaves_and_newcomer_takes_freed_seat, setup, teardown),
      cmocka_unit_test_setup_teardown(seats_are_all_different_until_every_place_is_taken, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(seats_full_room_is_refused_and_clear_starts_over, setup,
                                      teardown),
      cmocka_unit_test(seats_destroy_null_does_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
