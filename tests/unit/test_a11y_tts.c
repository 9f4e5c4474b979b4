#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "a11y_tts.h"
#include "aud_wav.h"
#include "hx_err.h"
#include "hx_util.h"

#define MAX_SAMPLES (A11Y_TTS_RATE_HZ * 20)

struct speech {
  int16_t *pcm;
  size_t n;
};

/* Speaks text and collects every sample until the engine is idle. */
static void speak_all(struct a11y_tts *t, const char *text, struct speech *out)
{
  out->pcm = malloc(MAX_SAMPLES * sizeof *out->pcm);
  assert_non_null(out->pcm);
  out->n = 0;
  assert_int_equal(a11y_tts_speak(t, text), HX_OK);
  uint64_t deadline = hx_clock_ns() + 20000000000ull;
  while (!a11y_tts_idle(t)) {
    size_t got;
    a11y_tts_read(t, out->pcm + out->n, MAX_SAMPLES - out->n, &got);
    out->n += got;
    if (got == 0)
      hx_sleep_ns(2000000);
    if (hx_clock_ns() > deadline)
      fail_msg("speech of \"%s\" did not finish within 20 s", text);
  }
}

static double seconds(size_t n) { return (double)n / A11Y_TTS_RATE_HZ; }

static double rms(const int16_t *pcm, size_t n)
{
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += (double)pcm[i] * pcm[i];
  return n ? sqrt(sum / (double)n) : 0;
}

static struct a11y_tts *start(int rate_wpm)
{
  struct a11y_tts_voice v;
  a11y_tts_voice_default(&v);
  v.rate_wpm = rate_wpm;
  struct a11y_tts *t = NULL;
  int status = a11y_tts_create(&v, 500, &t);
  if (status != HX_OK)
    fail_msg("cannot start espeak-ng: %s (install libespeak-ng1 and espeak-ng-data)",
             hx_strerror(status));
  return t;
}

/* The espeak-ng command line speaking the same text at the same rate. */
static double espeak_cli_seconds(const char *text, int rate_wpm)
{
  char path[] = "/tmp/hearth-tts-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "espeak-ng -s %d -w %s '%s'", rate_wpm, path, text);
  if (system(cmd) != 0)
    fail_msg("cannot run the espeak-ng command (install the espeak-ng package)");
  int16_t *pcm;
  size_t n;
  assert_int_equal(aud_wav_load(path, A11Y_TTS_RATE_HZ, &pcm, &n), HX_OK);
  unlink(path);
  free(pcm);
  return seconds(n);
}

static void tts_speaks_ben_joined_as_long_as_espeak_ng_and_audibly(void **state)
{
  (void)state;
  struct a11y_tts *t = start(175);
  struct speech s;
  speak_all(t, "Ben joined", &s);
  double ours = seconds(s.n), theirs = espeak_cli_seconds("Ben joined", 175);
  print_message("\"Ben joined\": %.3f s in-process, %.3f s from espeak-ng -w, rms %.0f\n", ours,
                theirs, rms(s.pcm, s.n));
  assert_true(ours > 0.8 * theirs && ours < 1.2 * theirs);
  assert_true(rms(s.pcm, s.n) > 1000.0); /* about -30 dBFS: clearly speech */
  free(s.pcm);
  a11y_tts_destroy(t);
}

static void tts_reads_markup_out_instead_of_obeying_it(void **state)
{
  (void)state;
  struct a11y_tts *t = start(175);
  struct speech plain, markup, phonemes;
  speak_all(t, "hi", &plain);
  speak_all(t, "<speak>hi</speak>", &markup);
  speak_all(t, "[[h'aI]]", &phonemes);
  print_message("hi %.3f s, <speak>hi</speak> %.3f s, [[h'aI]] %.3f s\n", seconds(plain.n),
                seconds(markup.n), seconds(phonemes.n));
  /* Obeyed SSML would say just "hi"; read literally, the tags are words. */
  assert_true(seconds(markup.n) > 1.5 * seconds(plain.n));
  assert_true(seconds(phonemes.n) > 1.3 * seconds(plain.n));
  free(plain.pcm);
  free(markup.pcm);
  free(phonemes.pcm);
  a11y_tts_destroy(t);
}

static void tts_faster_rate_speaks_shorter(void **state)
{
  (void)state;
  struct a11y_tts *t = start(120);
  struct speech slow, fast;
  speak_all(t, "Ben joined the support circle", &slow);
  struct a11y_tts_voice v;
  a11y_tts_voice_default(&v);
  v.rate_wpm = 400;
  assert_int_equal(a11y_tts_set_voice(t, &v), HX_OK);
  speak_all(t, "Ben joined the support circle", &fast);
  assert_true(seconds(fast.n) < 0.6 * seconds(slow.n));
  free(slow.pcm);
  free(fast.pcm);
  a11y_tts_destroy(t);
}

static void tts_cancel_stops_speech_at_once(void **state)
{
  (void)state;
  struct a11y_tts *t = start(175);
  assert_int_equal(a11y_tts_speak(t, "This is a long sentence that would take several seconds "
                                     "to say out loud from start to finish."),
                   HX_OK);
  assert_int_equal(a11y_tts_speak(t, "And this one is queued behind it."), HX_OK);
  int16_t buf[960];
  size_t got = 0;
  uint64_t deadline = hx_clock_ns() + 5000000000ull;
  while (got == 0 && hx_clock_ns() < deadline) {
    a11y_tts_read(t, buf, 960, &got);
    hx_sleep_ns(1000000);
  }
  assert_true(got > 0);
  assert_false(a11y_tts_idle(t));
  a11y_tts_cancel(t);
  /* Nothing more is heard: the worker gives up within a callback chunk. */
  size_t after = 0;
  for (int i = 0; i < 50; i++) {
    a11y_tts_read(t, buf, 960, &got);
    after += got;
    hx_sleep_ns(2000000);
  }
  assert_int_equal(after, 0);
  assert_true(a11y_tts_idle(t));
  /* And it still speaks afterwards. */
  struct speech s;
  speak_all(t, "Back", &s);
  assert_true(s.n > A11Y_TTS_RATE_HZ / 10);
  free(s.pcm);
  a11y_tts_destroy(t);
}

static void tts_rate_out_of_range_is_clamped_with_a_reason(void **state)
{
  (void)state;
  struct a11y_tts_voice v;
  a11y_tts_voice_default(&v);
  char why[128];
  assert_int_equal(a11y_tts_voice_check(&v, why, sizeof why), HX_OK);
  v.rate_wpm = 600;
  assert_int_equal(a11y_tts_voice_check(&v, why, sizeof why), HX_ERR_INVALID);
  assert_int_equal(v.rate_wpm, 450);
  assert_string_equal(why, "speech rate 600 is above 450 words per minute; using 450");
  v.rate_wpm = 10;
  v.volume = -1;
  assert_int_equal(a11y_tts_voice_check(&v, why, sizeof why), HX_ERR_INVALID);
  assert_int_equal(v.rate_wpm, 80);
  assert_int_equal(v.volume, 0);
  v.rate_wpm = 79;
  struct a11y_tts *t = NULL;
  assert_int_equal(a11y_tts_create(&v, 500, &t), HX_ERR_INVALID);
  assert_null(t);
}

static void tts_only_one_engine_per_process(void **state)
{
  (void)state;
  struct a11y_tts *t = start(175);
  struct a11y_tts_voice v;
  a11y_tts_voice_default(&v);
  struct a11y_tts *second = NULL;
  assert_int_equal(a11y_tts_create(&v, 500, &second), HX_ERR_STATE);
  assert_null(second);
  a11y_tts_destroy(t);
  a11y_tts_destroy(NULL);
}

static void tts_unknown_voice_is_an_error(void **state)
{
  (void)state;
  struct a11y_tts_voice v;
  a11y_tts_voice_default(&v);
  hx_strlcpy(v.voice, "no-such-voice-xx", sizeof v.voice);
  struct a11y_tts *t = NULL;
  assert_int_equal(a11y_tts_create(&v, 500, &t), HX_ERR_NOT_FOUND);
  assert_null(t);
}

static void tts_lists_voices_and_knows_only_what_espeak_has(void **state)
{
  (void)state;
  struct a11y_tts *t = start(175);
  const struct a11y_tts_voice_info *voices;
  size_t n;
  a11y_tts_voices(t, &voices, &n);
  assert_true(n > 10);
  bool us = false;
  for (size_t i = 0; i < n; i++)
    us |= strcmp(voices[i].name, "en-us") == 0 && strstr(voices[i].description, "America");
  assert_true(us);
  const char(*variants)[A11Y_TTS_VARIANT_BYTES];
  a11y_tts_variants(t, &variants, &n);
  assert_true(n > 5);
  static const char *const known[] = {"en", "en-us", "EN-US", "de", "en+f3", "en-us+klatt"};
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    assert_true(a11y_tts_voice_known(t, known[i]));
  static const char *const unknown[] = {"",      "bogus",  "en+",  "en+bogus", "+f3",
                                        "en-us-", "en f3", "en++f3", "../en"};
  for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++)
    assert_false(a11y_tts_voice_known(t, unknown[i]));
  a11y_tts_destroy(t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(tts_speaks_ben_joined_as_long_as_espeak_ng_and_audibly),
      cmocka_unit_test(tts_reads_markup_out_instead_of_obeying_it),
      cmocka_unit_test(tts_faster_rate_speaks_shorter),
      cmocka_unit_test(tts_cancel_stops_speech_at_once),
      cmocka_unit_test(tts_rate_out_of_range_is_clamped_with_a_reason),
      cmocka_unit_test(tts_only_one_engine_per_process),
      cmocka_unit_test(tts_unknown_voice_is_an_error),
      cmocka_unit_test(tts_lists_voices_and_knows_only_what_espeak_has),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
