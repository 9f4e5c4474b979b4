#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "a11y_earcon.h"
#include "aud_wav.h"
#include "hx_err.h"

/* Pitch of a stretch of sound from its zero crossings: enough for the pure
 * tones and glides earcons are made of. */
static double pitch_hz(const int16_t *pcm, size_t n)
{
  size_t crossings = 0;
  for (size_t i = 1; i < n; i++) {
    if ((pcm[i - 1] < 0) != (pcm[i] < 0))
      crossings++;
  }
  return (double)crossings / 2.0 / ((double)n / A11Y_EARCON_RATE_HZ);
}

/* Start and end pitch, measured on the loud part of the first and last
 * quarter so silences between notes do not count. */
static void contour(const int16_t *pcm, size_t n, double *start, double *end)
{
  size_t first = 0, last = n;
  while (first < n && abs(pcm[first]) < 200)
    first++;
  while (last > first && abs(pcm[last - 1]) < 200)
    last--;
  size_t q = (last - first) / 4;
  *start = pitch_hz(pcm + first, q);
  *end = pitch_hz(pcm + last - q, q);
}

static bool differ(double a, double b) { return fabs(a - b) > 0.1 * fmax(a, b); }

static void earcons_are_short_audible_and_pairwise_distinct(void **state)
{
  (void)state;
  struct a11y_earcons *e;
  assert_int_equal(a11y_earcons_create(&e), HX_OK);
  double start[A11Y_EARCON_COUNT], end[A11Y_EARCON_COUNT];
  for (int id = 0; id < A11Y_EARCON_COUNT; id++) {
    const int16_t *pcm;
    size_t n;
    assert_int_equal(a11y_earcons_get(e, (enum a11y_earcon_id)id, &pcm, &n), HX_OK);
    assert_true(n > 0);
    assert_true(n < (size_t)A11Y_EARCON_RATE_HZ * A11Y_EARCON_MAX_MS / 1000);
    int peak = 0;
    for (size_t i = 0; i < n; i++)
      peak = abs(pcm[i]) > peak ? abs(pcm[i]) : peak;
    assert_true(peak > 3000);
    /* Smooth envelope: no click at either end. */
    assert_true(abs(pcm[0]) < 300 && abs(pcm[n - 1]) < 300);
    contour(pcm, n, &start[id], &end[id]);
    print_message("%-16s %3zu ms  %5.0f Hz -> %5.0f Hz\n", a11y_earcon_name((enum a11y_earcon_id)id),
                  n * 1000 / A11Y_EARCON_RATE_HZ, start[id], end[id]);
  }
  for (int a = 0; a < A11Y_EARCON_COUNT; a++) {
    for (int b = a + 1; b < A11Y_EARCON_COUNT; b++) {
      if (!differ(start[a], start[b]) && !differ(end[a], end[b]))
        fail_msg("%s and %s sound alike", a11y_earcon_name((enum a11y_earcon_id)a),
                 a11y_earcon_name((enum a11y_earcon_id)b));
    }
  }
  a11y_earcons_destroy(e);
}

static void own_wav_replaces_an_earcon_trimmed_to_two_seconds(void **state)
{
  (void)state;
  char path[] = "/tmp/hearth-earcon-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  /* Three seconds of a 22050 Hz tone: longer than allowed, other rate. */
  struct aud_wav_writer *w;
  assert_int_equal(aud_wav_open_write(path, 22050, 1, &w), HX_OK);
  int16_t tone[22050];
  for (int i = 0; i < 22050; i++)
    tone[i] = (int16_t)(8000 * sin(2 * 3.14159265 * 300 * i / 22050.0));
  for (int s = 0; s < 3; s++)
    assert_int_equal(aud_wav_write(w, tone, 22050), HX_OK);
  assert_int_equal(aud_wav_close_write(w), HX_OK);

  struct a11y_earcons *e;
  assert_int_equal(a11y_earcons_create(&e), HX_OK);
  assert_int_equal(a11y_earcons_load_wav(e, A11Y_EARCON_JOIN, path), HX_OK);
  const int16_t *pcm;
  size_t n;
  assert_int_equal(a11y_earcons_get(e, A11Y_EARCON_JOIN, &pcm, &n), HX_OK);
  assert_int_equal(n, (size_t)A11Y_EARCON_RATE_HZ * A11Y_EARCON_WAV_MAX_MS / 1000);
  assert_true(fabs(pitch_hz(pcm + 4800, 48000) - 300) < 10);
  /* A file that is not a WAV leaves the sound as it was. */
  assert_int_not_equal(a11y_earcons_load_wav(e, A11Y_EARCON_JOIN, "/nonexistent.wav"), HX_OK);
  size_t n2;
  assert_int_equal(a11y_earcons_get(e, A11Y_EARCON_JOIN, &pcm, &n2), HX_OK);
  assert_int_equal(n2, n);
  assert_int_equal(a11y_earcons_reset(e, A11Y_EARCON_JOIN), HX_OK);
  assert_int_equal(a11y_earcons_get(e, A11Y_EARCON_JOIN, &pcm, &n2), HX_OK);
  assert_true(n2 < (size_t)A11Y_EARCON_RATE_HZ / 5);
  assert_int_equal(a11y_earcons_get(e, A11Y_EARCON_COUNT, &pcm, &n2), HX_ERR_INVALID);
  a11y_earcons_destroy(e);
  a11y_earcons_destroy(NULL);
  unlink(path);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(earcons_are_short_audible_and_pairwise_distinct),
      cmocka_unit_test(own_wav_replaces_an_earcon_trimmed_to_two_seconds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
