/* Capture processing before the encoder: optional speexdsp noise
 * suppression and automatic gain, then a voice detector with hang-over, so
 * that a voice-activated sender keeps the quiet ends of words and the
 * short gaps between them. One thread; no allocation after create. */
#ifndef AUD_PREPROCESS_H
#define AUD_PREPROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A frame at or above -45 dBov counts as voice... */
#define AUD_VAD_LEVEL 45
/* ...and voice keeps counting for this long after the last loud frame. */
#define AUD_VAD_HANGOVER_MS 300

struct aud_preprocess;

/* frame_samples at 48 kHz (480 or 960); denoise: speexdsp noise
 * suppression and AGC on (off: only the voice detector runs). */
int aud_preprocess_create(size_t frame_samples, bool denoise, struct aud_preprocess **out);
void aud_preprocess_destroy(struct aud_preprocess *p);
/* Processes one frame in place and says whether to treat it as voice. */
int aud_preprocess_run(struct aud_preprocess *p, int16_t *pcm, bool *voice);

#endif
