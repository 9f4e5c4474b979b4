/* Level meter (RFC 6464 -dBov) and mixing helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "aud_level.h"

#define N 4800
#define TWO_PI 6.283185307179586

static void level_full_scale_square_is_zero(void **state)
{
  (void)state;
  int16_t pcm[N];
  for (size_t i = 0; i < N; i++)
    pcm[i] = (i / 24) % 2 ? 32767 : -32767;
  assert_int_equal(aud_level_dbov(pcm, N), 0);
  for (size_t i = 0; i < N; i++)
    pcm[i] = (i / 24) % 2 ? 32767 : -32768; /* a hair above full scale */
  assert_int_equal(aud_level_dbov(pcm, N), 0);
}

static void level_silence_is_127(void **state)
{
  (void)state;
  int16_t pcm[N] = {0};
  assert_int_equal(aud_level_dbov(pcm, N), 127);
  assert_int_equal(aud_level_dbov(pcm, 0), 127);
  assert_int_equal(aud_level_dbov(NULL, 10), 127);
}

static void level_minus_20_dbfs_sine_is_23(void **state)
{
  (void)state;
  int16_t pcm[N];
  for (size_t i = 0; i < N; i++)
    pcm[i] = (int16_t)lrint(3276.7 * sin(TWO_PI * 1000.0 * (double)i / 48000.0));
  /* -20 dB peak, and a sine's RMS is 3 dB under its peak. */
  assert_int_equal(aud_level_dbov(pcm, N), 23);
}

static void level_constant_one_is_90(void **state)
{
  (void)state;
  int16_t pcm[N];
  for (size_t i = 0; i < N; i++)
    pcm[i] = 1;
  assert_int_equal(aud_level_dbov(pcm, N), 90);
}

static void level_below_range_clamps_to_127(void **state)
{
  (void)state;
  static int16_t pcm[48000];
  pcm[100] = 1; /* about -137 dBov over a second */
  assert_int_equal(aud_level_dbov(pcm, 48000), 127);
}

static void mix_add_applies_gain_and_accumulates(void **state)
{
  (void)state;
  int32_t acc[3] = {0, 0, 0};
  const int16_t a[3] = {1000, -1000, 3};
  const int16_t b[3] = {100, 100, 100};
  aud_mix_add(acc, a, 3, 0.5f);
  aud_mix_add(acc, b, 3, 2.0f);
  assert_int_equal(acc[0], 700);
  assert_int_equal(acc[1], -300);
  assert_int_equal(acc[2], 202);
}

static void mix_add_saturates_instead_of_overflowing(void **state)
{
  (void)state;
  int32_t acc[2] = {INT32_MAX - 1, INT32_MIN + 1};
  const int16_t src[2] = {1000, -1000};
  aud_mix_add(acc, src, 2, 1.0f);
  assert_int_equal(acc[0], INT32_MAX);
  assert_int_equal(acc[1], INT32_MIN);

  int32_t big[2] = {0, 0};
  aud_mix_add(big, src, 2, 1e30f);
  assert_true(big[0] > 0 && big[0] <= 16777216);
  assert_true(big[1] < 0 && big[1] >= -16777216);
}

static void mix_add_nan_gain_adds_nothing(void **state)
{
  (void)state;
  int32_t acc[2] = {5, 6};
  const int16_t src[2] = {1000, -1000};
  aud_mix_add(acc, src, 2, NAN);
  assert_int_equal(acc[0], 5);
  assert_int_equal(acc[1], 6);
}

static void mix_out_saturates_to_int16(void **state)
{
  (void)state;
  const int32_t acc[6] = {40000, -40000, 123, -123, 32767, -32768};
  int16_t out[6];
  aud_mix_out(acc, NULL, out, 6, 1, 1.0f, 1.0f);
  assert_int_equal(out[0], 32767);
  assert_int_equal(out[1], -32768);
  assert_int_equal(out[2], 123);
  assert_int_equal(out[3], -123);
  assert_int_equal(out[4], 32767);
  assert_int_equal(out[5], -32768);
  /* What is added saturates with the rest. */
  const int16_t add[6] = {0, 0, 32767, -32768, 1, -1};
  aud_mix_out(acc, add, out, 3, 2, 1.0f, 1.0f);
  assert_int_equal(out[2], 32767);
  assert_int_equal(out[3], -32768);
  assert_int_equal(out[4], 32767);
  assert_int_equal(out[5], -32768);
}

static void mix_out_ramps_the_gain_across_the_frames(void **state)
{
  (void)state;
  /* Stereo, 4 frames, gain 1 -> 0: each frame a quarter lower, both
   * channels alike, ending at the new gain; then the added part alone. */
  const int32_t acc[8] = {1000, -1000, 1000, -1000, 1000, -1000, 1000, -1000};
  const int16_t add[8] = {7, 7, 7, 7, 7, 7, 7, 7};
  int16_t out[8];
  aud_mix_out(acc, add, out, 4, 2, 1.0f, 0.0f);
  const int16_t want[8] = {757, -743, 507, -493, 257, -243, 7, 7};
  for (size_t i = 0; i < 8; i++)
    assert_int_equal(out[i], want[i]);
}

static void pan_middle_is_equal_on_both_sides(void **state)
{
  (void)state;
  float l, r;
  aud_pan_gains(0.0f, &l, &r);
  assert_float_equal(l, r, 1e-6);
  assert_float_equal(l, (float)(1.0 / sqrt(2.0)), 1e-6);
  aud_pan_gains(NAN, &l, &r);
  assert_float_equal(l, r, 1e-6);
}

static void pan_hard_left_and_right_silence_the_other_side(void **state)
{
  (void)state;
  float l, r;
  aud_pan_gains(-1.0f, &l, &r);
  assert_float_equal(l, 1.0f, 1e-6);
  assert_float_equal(r, 0.0f, 1e-6);
  aud_pan_gains(1.0f, &l, &r);
  assert_float_equal(l, 0.0f, 1e-6);
  assert_float_equal(r, 1.0f, 1e-6);
  /* Beyond the ends: clamped, not wrapped round. */
  aud_pan_gains(-7.0f, &l, &r);
  assert_float_equal(l, 1.0f, 1e-6);
  aud_pan_gains(INFINITY, &l, &r);
  assert_float_equal(r, 1.0f, 1e-6);
}

static void pan_keeps_power_constant_and_moves_monotonically(void **state)
{
  (void)state;
  float last_l = 2.0f, last_r = -1.0f;
  for (int k = -20; k <= 20; k++) {
    float l, r;
    aud_pan_gains((float)k / 20.0f, &l, &r);
    assert_float_equal(l * l + r * r, 1.0f, 1e-5);
    assert_true(l < last_l && r > last_r);
    last_l = l;
    last_r = r;
  }
  /* Mirror images: a seat on the left is the same seat on the right. */
  float l1, r1, l2, r2;
  aud_pan_gains(-0.6f, &l1, &r1);
  aud_pan_gains(0.6f, &l2, &r2);
  assert_float_equal(l1, r2, 1e-6);
  assert_float_equal(r1, l2, 1e-6);
}

static void mix_add_stereo_interleaves_with_each_gain(void **state)
{
  (void)state;
  int32_t acc[6] = {1, 2, 3, 4, 5, 6};
  const int16_t src[3] = {1000, -1000, 0};
  aud_mix_add_stereo(acc, src, 3, 0.5f, 0.25f);
  assert_int_equal(acc[0], 501);
  assert_int_equal(acc[1], 252);
  assert_int_equal(acc[2], -497);
  assert_int_equal(acc[3], -246);
  assert_int_equal(acc[4], 5);
  assert_int_equal(acc[5], 6);
  aud_mix_add_stereo(acc, src, 3, NAN, 1.0f);
  assert_int_equal(acc[0], 501);
  assert_int_equal(acc[1], 252);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(level_full_scale_square_is_zero),
      cmocka_unit_test(level_silence_is_127),
      cmocka_unit_test(level_minus_20_dbfs_sine_is_23),
      cmocka_unit_test(level_constant_one_is_90),
      cmocka_unit_test(level_below_range_clamps_to_127),
      cmocka_unit_test(mix_add_applies_gain_and_accumulates),
      cmocka_unit_test(mix_add_saturates_instead_of_overflowing),
      cmocka_unit_test(mix_add_nan_gain_adds_nothing),
      cmocka_unit_test(mix_out_saturates_to_int16),
      cmocka_unit_test(mix_out_ramps_the_gain_across_the_frames),
      cmocka_unit_test(pan_middle_is_equal_on_both_sides),
      cmocka_unit_test(pan_hard_left_and_right_silence_the_other_side),
      cmocka_unit_test(pan_keeps_power_constant_and_moves_monotonically),
      cmocka_unit_test(mix_add_stereo_interleaves_with_each_gain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
