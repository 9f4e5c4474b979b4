/* Earcons: short synthesized sounds, one per event, at 48 kHz mono. Each is
 * under 200 ms and made of sine tones or chirps with smooth envelopes; no
 * two share both their starting and ending pitch, so they are told apart by
 * contour (rising, falling, steady) and register. Nothing is read from disk
 * unless a person points an event at their own WAV file.
 * Not thread-safe: the client's loop thread creates, replaces and reads. */
#ifndef A11Y_EARCON_H
#define A11Y_EARCON_H

#include <stddef.h>
#include <stdint.h>

#define A11Y_EARCON_RATE_HZ 48000
#define A11Y_EARCON_MAX_MS 200
/* A person's own sound is cut to this length. */
#define A11Y_EARCON_WAV_MAX_MS 2000

enum a11y_earcon_id {
  A11Y_EARCON_JOIN,
  A11Y_EARCON_LEAVE,
  A11Y_EARCON_HAND_RAISED,
  A11Y_EARCON_YOUR_TURN,
  A11Y_EARCON_TURN_ENDING,
  A11Y_EARCON_MUTED,
  A11Y_EARCON_UNMUTED,
  A11Y_EARCON_MESSAGE,
  A11Y_EARCON_CONNECTION_LOST,
  A11Y_EARCON_CONNECTION_BACK,
  A11Y_EARCON_SPEAKING,
  A11Y_EARCON_COUNT
};

struct a11y_earcons;

/* Renders every built-in earcon. */
int a11y_earcons_create(struct a11y_earcons **out);
void a11y_earcons_destroy(struct a11y_earcons *e);

/* The sound for id; valid until it is replaced or e is destroyed. */
int a11y_earcons_get(const struct a11y_earcons *e, enum a11y_earcon_id id, const int16_t **pcm,
                     size_t *n);
/* Replaces id's sound with a 16-bit PCM WAV (any rate, mixed to mono,
 * trimmed to A11Y_EARCON_WAV_MAX_MS). On error (HX_ERR_IO, HX_ERR_FORMAT,
 * HX_ERR_TRUNCATED, HX_ERR_INVALID for an empty file) the old sound stays. */
int a11y_earcons_load_wav(struct a11y_earcons *e, enum a11y_earcon_id id, const char *path);
/* Back to the built-in sound. */
int a11y_earcons_reset(struct a11y_earcons *e, enum a11y_earcon_id id);

/* "join", "hand-raised", ...; NULL for an unknown id. */
const char *a11y_earcon_name(enum a11y_earcon_id id);

#endif
