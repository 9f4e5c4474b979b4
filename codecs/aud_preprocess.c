/* speexdsp's preprocessor for noise and gain, and an energy voice detector.
 * The detector is ours: speexdsp's own VAD flips on steady tones and
 * music-like noise, while a level threshold with hang-over is predictable
 * and easy to explain to the person who is clipped by it. */
#include "aud_preprocess.h"

#include <speex/speex_preprocess.h>
#include <stdlib.h>

#include "aud_level.h"
#include "aud_opus.h"
#include "hx_err.h"

/* Noise is pulled down at most this far, so speech stays natural. */
#define PREPROCESS_NOISE_DB (-25)

struct aud_preprocess {
  SpeexPreprocessState *st; /* owned; NULL when denoise is off */
  size_t frame_samples;
  size_t hang_frames; /* frames voice lasts after the last loud one */
  size_t hang_left;
};

int aud_preprocess_create(size_t frame_samples, bool denoise, struct aud_preprocess **out)
{
  if (!out)
    return HX_ERR_INVALID;
  *out = NULL;
  if (frame_samples == 0 || frame_samples > AUD_MAX_FRAME_SAMPLES)
    return HX_ERR_INVALID;
  struct aud_preprocess *p = calloc(1, sizeof *p);
  if (!p)
    return HX_ERR_NOMEM;
  p->frame_samples = frame_samples;
  size_t frame_ms = frame_samples * 1000 / AUD_RATE;
  p->hang_frames = (AUD_VAD_HANGOVER_MS + frame_ms - 1) / frame_ms;
  if (denoise) {
    p->st = speex_preprocess_state_init((int)frame_samples, AUD_RATE);
    if (!p->st) {
      free(p);
      return HX_ERR_NOMEM;
    }
    spx_int32_t on = 1, noise = PREPROCESS_NOISE_DB;
    speex_preprocess_ctl(p->st, SPEEX_PREPROCESS_SET_DENOISE, &on);
    speex_preprocess_ctl(p->st, SPEEX_PREPROCESS_SET_AGC, &on);
    speex_preprocess_ctl(p->st, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &noise);
  }
  *out = p;
  return HX_OK;
}

void aud_preprocess_destroy(struct aud_preprocess *p)
{
  if (!p)
    return;
  if (p->st)
    speex_preprocess_state_destroy(p->st);
  free(p);
}

int aud_preprocess_run(struct aud_preprocess *p, int16_t *pcm, bool *voice)
{
  if (!p || !pcm || !voice)
    return HX_ERR_INVALID;
  if (p->st)
    speex_preprocess_run(p->st, pcm);
  if (aud_level_dbov(pcm, p->frame_samples) <= AUD_VAD_LEVEL) {
    p->hang_left = p->hang_frames;
    *voice = true;
  } else {
    *voice = p->hang_left > 0;
    if (p->hang_left > 0)
      p->hang_left--;
  }
  return HX_OK;
}
