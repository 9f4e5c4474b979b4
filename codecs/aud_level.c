/* Level meter and mixing primitives. Called from the audio path, so they
 * never allocate, lock or log. */
#include "aud_level.h"

#include <math.h>

#define LEVEL_SILENCE 127
#define FULL_SCALE 32767.0

/* One source scaled by any sane gain stays far below this, and 128 such
 * sources still sum inside int32; larger products are clipped here rather
 * than overflowing. */
#define MIX_PRODUCT_LIMIT 16777216.0f

uint8_t aud_level_dbov(const int16_t *pcm, size_t n)
{
  if (!pcm || n == 0)
    return LEVEL_SILENCE;
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    sum += (double)pcm[i] * (double)pcm[i];
  if (sum == 0.0)
    return LEVEL_SILENCE;
  double rms = sqrt(sum / (double)n);
  double level = -20.0 * log10(rms / FULL_SCALE);
  if (level <= 0.0)
    return 0;
  if (level >= LEVEL_SILENCE)
    return LEVEL_SILENCE;
  return (uint8_t)lrint(level);
}

/* acc + sample * gain, clipped rather than overflowing. */
static int32_t mix_one(int32_t acc, int16_t sample, float gain)
{
  float v = (float)sample * gain;
  if (v > MIX_PRODUCT_LIMIT)
    v = MIX_PRODUCT_LIMIT;
  else if (v < -MIX_PRODUCT_LIMIT)
    v = -MIX_PRODUCT_LIMIT;
  int64_t sum = (int64_t)acc + (int64_t)lrintf(v);
  if (sum > INT32_MAX)
    sum = INT32_MAX;
  else if (sum < INT32_MIN)
    sum = INT32_MIN;
  return (int32_t)sum;
}

void aud_mix_add(int32_t *acc, const int16_t *src, size_t n, float gain)
{
  /* A NaN gain would make every sample undefined; treat it as muted. */
  if (!acc || !src || isnan(gain))
    return;
  for (size_t i = 0; i < n; i++)
    acc[i] = mix_one(acc[i], src[i], gain);
}

void aud_pan_gains(float pan, float *left, float *right)
{
  if (isnan(pan))
    pan = 0.0f;
  pan = fmaxf(-1.0f, fminf(1.0f, pan));
  /* A quarter turn from all-left to all-right: cos and sin of the same
   * angle keep the power constant. */
  double angle = ((double)pan + 1.0) * M_PI / 4.0;
  *left = (float)cos(angle);
  *right = (float)sin(angle);
}

void aud_mix_add_stereo(int32_t *acc, const int16_t *src, size_t n, float left, float right)
{
  if (!acc || !src || isnan(left) || isnan(right))
    return;
  for (size_t i = 0; i < n; i++) {
    acc[2 * i] = mix_one(acc[2 * i], src[i], left);
    acc[2 * i + 1] = mix_one(acc[2 * i + 1], src[i], right);
  }
}

void aud_mix_out(const int32_t *acc, const int16_t *add, int16_t *out, size_t frames,
                 size_t channels, float from, float to)
{
  if (!acc || !out || frames == 0)
    return;
  float step = (to - from) / (float)frames;
  for (size_t i = 0; i < frames; i++) {
    float gain = from + step * (float)(i + 1);
    for (size_t c = 0; c < channels; c++) {
      size_t k = i * channels + c;
      float v = (float)acc[k] * gain + (add ? (float)add[k] : 0.0f);
      out[k] = v > 32767.0f ? 32767 : v < -32768.0f ? -32768 : (int16_t)lrintf(v);
    }
  }
}
