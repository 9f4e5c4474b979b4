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

/* A tone file in a temporary path: seconds of a 300 Hz sine at rate Hz. */
static void write_tone(char *path, int rate, int channels, double seconds)
{
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  struct aud_wav_writer *w;
  assert_int_equal(aud_wav_open_write(path, rate, channels, &w), HX_OK);
  size_t frames = (size_t)(seconds * rate);
  int16_t frame[2];
  for (size_t i = 0; i < frames; i++) {
    frame[0] = frame[1] = (int16_t)(8000 * sin(2 * 3.14159265 * 300 * (double)i / rate));
    assert_int_equal(aud_wav_write(w, frame, 1), HX_OK);
  }
  assert_int_equal(aud_wav_close_write(w), HX_OK);
}

static void own_wav_at_any_rate_is_read_as_48k_mono(void **state)
{
  (void)state;
  const struct {
    int rate, channels;
    double seconds;
  } files[] = {{22050, 1, 1.0}, {44100, 2, 0.5}, {8000, 1, 2.9}, {48000, 1, 3.0}};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[] = "/tmp/hearth-earcon-XXXXXX";
    write_tone(path, files[f].rate, files[f].channels, files[f].seconds);
    int16_t *pcm;
    size_t n;
    assert_int_equal(a11y_earcon_load_wav(path, &pcm, &n), HX_OK);
    double want = files[f].seconds * A11Y_EARCON_RATE_HZ;
    assert_true(fabs((double)n - want) < 0.01 * A11Y_EARCON_RATE_HZ);
    assert_true(n <= (size_t)A11Y_EARCON_RATE_HZ * A11Y_EARCON_WAV_MAX_MS / 1000);
    assert_true(fabs(pitch_hz(pcm + 2400, 9600) - 300) < 10);
    free(pcm);
    unlink(path);
  }
}

static void own_wav_longer_than_three_seconds_is_refused(void **state)
{
  (void)state;
  const struct {
    int rate;
    double seconds;
  } files[] = {{48000, 3.1}, {22050, 4.0}, {8000, 60.0}};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[] = "/tmp/hearth-earcon-XXXXXX";
    write_tone(path, files[f].rate, 1, files[f].seconds);
    int16_t *pcm = (int16_t *)path;
    size_t n = 7;
    assert_int_equal(a11y_earcon_load_wav(path, &pcm, &n), HX_ERR_TOO_BIG);
    assert_null(pcm);
    assert_int_equal(n, 0);
    unlink(path);
  }
  assert_string_equal(a11y_earcon_problem(HX_ERR_TOO_BIG), "is longer than 3 seconds");
}

static void own_wav_missing_empty_or_not_wav_says_why(void **state)
{
  (void)state;
  int16_t *pcm;
  size_t n;
  assert_int_equal(a11y_earcon_load_wav("/nonexistent/bell.wav", &pcm, &n), HX_ERR_IO);
  assert_string_equal(a11y_earcon_problem(HX_ERR_IO), "cannot be opened");
  assert_int_equal(a11y_earcon_load_wav("", &pcm, &n), HX_ERR_INVALID);

  char empty[] = "/tmp/hearth-earcon-XXXXXX";
  write_tone(empty, 48000, 1, 0.0);
  assert_int_equal(a11y_earcon_load_wav(empty, &pcm, &n), HX_ERR_INVALID);
  assert_string_equal(a11y_earcon_problem(HX_ERR_INVALID), "has no sound in it");
  unlink(empty);

  char text[] = "/tmp/hearth-earcon-XXXXXX";
  int fd = mkstemp(text);
  assert_true(fd >= 0);
  static const char words[] = "this is not a sound file, though it is long enough to look";
  assert_int_equal(write(fd, words, sizeof words), (ssize_t)sizeof words);
  close(fd);
  int rc = a11y_earcon_load_wav(text, &pcm, &n);
  assert_true(rc == HX_ERR_FORMAT || rc == HX_ERR_TRUNCATED);
  assert_null(pcm);
  assert_string_equal(a11y_earcon_problem(HX_ERR_FORMAT), "is not a 16-bit PCM WAV file");
  unlink(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(earcons_are_short_audible_and_pairwise_distinct),
      cmocka_unit_test(own_wav_at_any_rate_is_read_as_48k_mono),
      cmocka_unit_test(own_wav_longer_than_three_seconds_is_refused),
      cmocka_unit_test(own_wav_missing_empty_or_not_wav_says_why),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
