/* Audio level and mixing helpers for the hot path: no allocation. */
#ifndef AUD_LEVEL_H
#define AUD_LEVEL_H

#include <stddef.h>
#include <stdint.h>

/* RMS level of pcm as RFC 6464 -dBov: 0 (full scale) .. 127 (silence). */
uint8_t aud_level_dbov(const int16_t *pcm, size_t n);
/* acc[i] += src[i] * gain */
void aud_mix_add(int32_t *acc, const int16_t *src, size_t n, float gain);
/* out[i] = saturate(acc[i]) */
void aud_mix_out(const int32_t *acc, int16_t *out, size_t n);

#endif
