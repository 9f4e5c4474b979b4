/* Capture processing: the voice detector keeps a word's tail (hang-over)
 * and lets go after it; denoise pulls steady noise down. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "aud_preprocess.h"
#include "hx_err.h"

#define FRAME 480 /* 10 ms */

static void tone(int16_t *pcm, double amplitude)
{
  for (size_t i = 0; i < FRAME; i++)
    pcm[i] = (int16_t)(amplitude * sin(2 * M_PI * 300.0 * (double)i / 48000.0));
}

static void vad_holds_voice_for_the_hangover_then_stops(void **state)
{
  (void)state;
  struct aud_preprocess *p = NULL;
  assert_int_equal(aud_preprocess_create(FRAME, false, &p), HX_OK);
  int16_t pcm[FRAME];
  bool voice = true;
  memset(pcm, 0, sizeof pcm);
  assert_int_equal(aud_preprocess_run(p, pcm, &voice), HX_OK);
  assert_false(voice); /* silence from the start is not voice */
  tone(pcm, 8000);
  assert_int_equal(aud_preprocess_run(p, pcm, &voice), HX_OK);
  assert_true(voice); /* the first loud frame is sent: no clipped onset */
  int held = 0;
  for (int i = 0; i < 100; i++) {
    memset(pcm, 0, sizeof pcm);
    aud_preprocess_run(p, pcm, &voice);
    if (!voice)
      break;
    held++;
  }
  assert_int_equal(held * 10, AUD_VAD_HANGOVER_MS);
  aud_preprocess_destroy(p);
  aud_preprocess_destroy(NULL);
}

static void denoise_pulls_steady_room_noise_down(void **state)
{
  (void)state;
  struct aud_preprocess *p = NULL;
  assert_int_equal(aud_preprocess_create(FRAME, true, &p), HX_OK);
  int16_t pcm[FRAME];
  bool voice = false;
  uint32_t seed = 1;
  double in = 0, out = 0;
  for (int f = 0; f < 200; f++) {
    for (size_t i = 0; i < FRAME; i++) {
      seed = seed * 1664525u + 1013904223u;
      pcm[i] = (int16_t)((int)(seed >> 20) - 2048); /* white noise, about -27 dBov */
    }
    for (size_t i = 0; f >= 100 && i < FRAME; i++)
      in += (double)pcm[i] * pcm[i];
    assert_int_equal(aud_preprocess_run(p, pcm, &voice), HX_OK);
    for (size_t i = 0; f >= 100 && i < FRAME; i++)
      out += (double)pcm[i] * pcm[i];
  }
  assert_true(out * 4 < in); /* at least 6 dB quieter once learnt */
  aud_preprocess_destroy(p);
}

static void preprocess_rejects_bad_arguments(void **state)
{
  (void)state;
  struct aud_preprocess *p = NULL;
  assert_int_equal(aud_preprocess_create(0, false, &p), HX_ERR_INVALID);
  assert_null(p);
  assert_int_equal(aud_preprocess_create(100000, false, &p), HX_ERR_INVALID);
  assert_int_equal(aud_preprocess_create(FRAME, false, NULL), HX_ERR_INVALID);
  bool v;
  assert_int_equal(aud_preprocess_run(NULL, NULL, &v), HX_ERR_INVALID);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(vad_holds_voice_for_the_hangover_then_stops),
      cmocka_unit_test(denoise_pulls_steady_room_noise_down),
      cmocka_unit_test(preprocess_rejects_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
