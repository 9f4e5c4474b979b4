/* Per-speaker jitter buffer: speexdsp's adaptive JitterBuffer keyed by RTP
 * timestamp (samples at 48 kHz), so reordering, duplicates and late packets
 * are handled by a library that has done it for years. One thread only. */
#ifndef AUD_JITTER_H
#define AUD_JITTER_H

#include <stddef.h>
#include <stdint.h>

struct aud_jitter;

int aud_jitter_create(size_t frame_samples, struct aud_jitter **out);
void aud_jitter_destroy(struct aud_jitter *j);
/* Stores a received payload with its RTP timestamp. */
int aud_jitter_put(struct aud_jitter *j, const uint8_t *payload, size_t len, uint32_t timestamp);
/* Once per frame period: HX_OK with the payload due now, HX_ERR_AGAIN when
 * it is missing (conceal it), HX_ERR_NOT_FOUND while nothing has arrived yet
 * or the speaker is silent. */
int aud_jitter_get(struct aud_jitter *j, uint8_t *out, size_t cap, size_t *len);
/* Current buffering delay in samples. */
int aud_jitter_delay(struct aud_jitter *j);

#endif
