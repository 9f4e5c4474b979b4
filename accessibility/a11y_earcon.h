/* Earcons: short synthesized sounds, one per event, at 48 kHz mono. Each is
 * under 200 ms and made of sine tones or chirps with smooth envelopes; no
 * two share both their starting and ending pitch, so they are told apart by
 * contour (rising, falling, steady) and register. Nothing is read from disk
 * unless a person points an event at their own WAV file
 * (a11y_earcon_load_wav; the caller keeps it).
 * a11y_earcons: one thread (the client's loop) creates and reads.
 * a11y_earcon_load_wav and a11y_earcon_problem: any thread. */
#ifndef A11Y_EARCON_H
#define A11Y_EARCON_H

#include <stddef.h>
#include <stdint.h>

#define A11Y_EARCON_RATE_HZ 48000
#define A11Y_EARCON_MAX_MS 200
/* A person's own sound may be at most this long: a cue, not a song. */
#define A11Y_EARCON_WAV_MAX_MS 3000

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
  A11Y_EARCON_TYPING,
  A11Y_EARCON_COUNT
};

struct a11y_earcons;

/* Renders every built-in earcon. */
int a11y_earcons_create(struct a11y_earcons **out);
void a11y_earcons_destroy(struct a11y_earcons *e);

/* The sound for id; valid until e is destroyed. */
int a11y_earcons_get(const struct a11y_earcons *e, enum a11y_earcon_id id, const int16_t **pcm,
                     size_t *n);

/* Reads a person's own sound: a 16-bit PCM WAV at any rate, channels
 * mixed to mono and resampled to A11Y_EARCON_RATE_HZ. *pcm (OUT, owned by
 * the caller, free()) holds *n samples. HX_ERR_IO (cannot be opened),
 * HX_ERR_FORMAT (not 16-bit PCM WAV), HX_ERR_TRUNCATED, HX_ERR_TOO_BIG
 * (longer than A11Y_EARCON_WAV_MAX_MS), HX_ERR_INVALID (no samples).
 * Never reads more than the limit allows, so a long file costs nothing. */
int a11y_earcon_load_wav(const char *path, int16_t **pcm, size_t *n);
/* What is wrong with a file that a11y_earcon_load_wav refused, to follow
 * its name in a sentence: "is longer than 3 seconds". */
const char *a11y_earcon_problem(int err);

/* "join", "hand-raised", ...; NULL for an unknown id. */
const char *a11y_earcon_name(enum a11y_earcon_id id);

#endif
