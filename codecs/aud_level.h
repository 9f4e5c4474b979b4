/* Audio level and mixing helpers for the hot path: no allocation. */
#ifndef AUD_LEVEL_H
#define AUD_LEVEL_H

#include <stddef.h>
#include <stdint.h>

/* RMS level of pcm as RFC 6464 -dBov: 0 (full scale) .. 127 (silence). */
uint8_t aud_level_dbov(const int16_t *pcm, size_t n);
/* acc[i] += src[i] * gain */
void aud_mix_add(int32_t *acc, const int16_t *src, size_t n, float gain);
/* The constant-power pan law: pan -1 is hard left, 0 the middle, +1 hard
 * right; left^2 + right^2 = 1 everywhere, so a voice is as loud wherever
 * it sits (in the middle each side gets 1/sqrt(2), -3 dB). pan outside
 * -1..1 is clamped; NaN counts as the middle. */
void aud_pan_gains(float pan, float *left, float *right);
/* Stereo: acc holds n interleaved frames (2n values);
 * acc[2i] += src[i] * left, acc[2i+1] += src[i] * right. */
void aud_mix_add_stereo(int32_t *acc, const int16_t *src, size_t n, float left, float right);
/* The mix's last step, over frames frames of channels interleaved values:
 * out[i] = saturate(acc[i] * gain + add[i]), the gain moving in a straight
 * line from from (just before the first frame) to to (at the last), so a
 * change of gain never clicks. add may be NULL (nothing added). */
void aud_mix_out(const int32_t *acc, const int16_t *add, int16_t *out, size_t frames,
                 size_t channels, float from, float to);

#endif
