#include "a11y_earcon.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aud_wav.h"
#include "hx_err.h"

#define MAX_SEGMENTS 3
#define ATTACK_MS 4
#define RELEASE_MS 12

/* One tone: a sine gliding from f0 to f1 Hz, then gap_ms of silence. */
struct segment {
  float f0, f1;
  int ms;
  int gap_ms;
};

struct design {
  const char *name;
  float amp; /* of full scale */
  struct segment seg[MAX_SEGMENTS];
};

/* The contours: arrivals rise and departures fall (join/leave, unmuted/muted,
 * connection back/lost); your own state sits low, room events in the middle,
 * the quiet "someone is speaking" tick high and very short, and "someone is
 * typing" two softer ticks higher still, like keys. Every sound
 * differs from every other in its starting or ending pitch by more than a
 * musical third. */
static const struct design designs[A11Y_EARCON_COUNT] = {
    [A11Y_EARCON_JOIN] = {"join", 0.35f, {{523, 523, 60, 10}, {784, 784, 80, 0}}},
    [A11Y_EARCON_LEAVE] = {"leave", 0.35f, {{784, 784, 60, 10}, {523, 523, 80, 0}}},
    [A11Y_EARCON_HAND_RAISED] = {"hand-raised", 0.3f, {{1047, 1047, 50, 15}, {1319, 1319, 70, 0}}},
    [A11Y_EARCON_YOUR_TURN] = {"your-turn",
                               0.35f,
                               {{659, 659, 50, 5}, {988, 988, 50, 5}, {1319, 1319, 70, 0}}},
    [A11Y_EARCON_TURN_ENDING] = {"turn-ending", 0.3f, {{880, 880, 60, 40}, {880, 880, 60, 0}}},
    [A11Y_EARCON_MUTED] = {"muted", 0.4f, {{440, 440, 70, 10}, {330, 330, 90, 0}}},
    [A11Y_EARCON_UNMUTED] = {"unmuted", 0.4f, {{330, 330, 70, 10}, {440, 440, 90, 0}}},
    [A11Y_EARCON_MESSAGE] = {"message", 0.3f, {{1568, 1568, 120, 0}}},
    [A11Y_EARCON_CONNECTION_LOST] = {"connection-lost", 0.4f, {{600, 200, 180, 0}}},
    [A11Y_EARCON_CONNECTION_BACK] = {"connection-back", 0.4f, {{200, 600, 180, 0}}},
    [A11Y_EARCON_SPEAKING] = {"speaking", 0.15f, {{2093, 2093, 40, 0}}},
    [A11Y_EARCON_TYPING] = {"typing", 0.12f, {{2637, 2637, 25, 35}, {2637, 2637, 25, 0}}},
};

struct sound {
  int16_t *pcm; /* owned */
  size_t n;
};

struct a11y_earcons {
  struct sound builtin[A11Y_EARCON_COUNT];
};

const char *a11y_earcon_name(enum a11y_earcon_id id)
{
  if ((unsigned)id >= A11Y_EARCON_COUNT)
    return NULL;
  return designs[id].name;
}

static size_t ms_to_samples(int ms) { return (size_t)ms * A11Y_EARCON_RATE_HZ / 1000; }

static float envelope(size_t i, size_t n)
{
  const float pi = 3.14159265f;
  size_t attack = ms_to_samples(ATTACK_MS), release = ms_to_samples(RELEASE_MS);
  if (i < attack)
    return 0.5f - 0.5f * cosf(pi * (float)i / (float)attack);
  if (i + release >= n)
    return 0.5f - 0.5f * cosf(pi * (float)(n - i) / (float)release);
  return 1.0f;
}

static int render(const struct design *d, struct sound *out)
{
  size_t total = 0;
  for (int s = 0; s < MAX_SEGMENTS && d->seg[s].ms > 0; s++)
    total += ms_to_samples(d->seg[s].ms + d->seg[s].gap_ms);
  int16_t *pcm = calloc(total, sizeof *pcm);
  if (!pcm)
    return HX_ERR_NOMEM;
  size_t pos = 0;
  for (int s = 0; s < MAX_SEGMENTS && d->seg[s].ms > 0; s++) {
    const struct segment *g = &d->seg[s];
    size_t n = ms_to_samples(g->ms);
    double phase = 0;
    for (size_t i = 0; i < n; i++) {
      double f = g->f0 + (g->f1 - g->f0) * (double)i / (double)n;
      phase += 2.0 * 3.14159265358979 * f / A11Y_EARCON_RATE_HZ;
      pcm[pos + i] = (int16_t)lrint(32767.0 * d->amp * envelope(i, n) * sin(phase));
    }
    pos += n + ms_to_samples(g->gap_ms);
  }
  out->pcm = pcm;
  out->n = total;
  return HX_OK;
}

int a11y_earcons_create(struct a11y_earcons **out)
{
  *out = NULL;
  struct a11y_earcons *e = calloc(1, sizeof *e);
  if (!e)
    return HX_ERR_NOMEM;
  for (int id = 0; id < A11Y_EARCON_COUNT; id++) {
    if (render(&designs[id], &e->builtin[id]) != HX_OK) {
      a11y_earcons_destroy(e);
      return HX_ERR_NOMEM;
    }
  }
  *out = e;
  return HX_OK;
}

void a11y_earcons_destroy(struct a11y_earcons *e)
{
  if (!e)
    return;
  for (int id = 0; id < A11Y_EARCON_COUNT; id++)
    free(e->builtin[id].pcm);
  free(e);
}

int a11y_earcons_get(const struct a11y_earcons *e, enum a11y_earcon_id id, const int16_t **pcm,
                     size_t *n)
{
  if ((unsigned)id >= A11Y_EARCON_COUNT)
    return HX_ERR_INVALID;
  *pcm = e->builtin[id].pcm;
  *n = e->builtin[id].n;
  return HX_OK;
}

/* The resampler may give a few samples more than the file holds: a file of
 * exactly the limit must still pass. */
#define WAV_SLACK_MS 20
_Static_assert(A11Y_EARCON_WAV_MAX_MS == 3000, "a11y_earcon_problem names 3 seconds");

/* Asks for one sample more than allowed: getting it means too long. */
int a11y_earcon_load_wav(const char *path, int16_t **pcm, size_t *n)
{
  *pcm = NULL;
  *n = 0;
  if (!path || !*path)
    return HX_ERR_INVALID;
  struct aud_wav_reader *r;
  int status = aud_wav_open_read(path, A11Y_EARCON_RATE_HZ, &r);
  if (status != HX_OK)
    return status;
  size_t limit = ms_to_samples(A11Y_EARCON_WAV_MAX_MS);
  size_t cap = limit + ms_to_samples(WAV_SLACK_MS) + 1, got_total = 0;
  int16_t *buf = malloc(cap * sizeof *buf);
  if (!buf) {
    aud_wav_close_read(r);
    return HX_ERR_NOMEM;
  }
  while (got_total < cap) {
    size_t got;
    status = aud_wav_read(r, buf + got_total, cap - got_total, &got);
    if (status != HX_OK || got == 0)
      break;
    got_total += got;
  }
  aud_wav_close_read(r);
  if (status == HX_OK && got_total == cap)
    status = HX_ERR_TOO_BIG;
  else if (status == HX_OK && got_total == 0)
    status = HX_ERR_INVALID;
  if (status != HX_OK) {
    free(buf);
    return status;
  }
  *pcm = buf;
  *n = got_total < limit ? got_total : limit;
  return HX_OK;
}

const char *a11y_earcon_problem(int err)
{
  switch (err) {
  case HX_OK:
    return "is fine";
  case HX_ERR_IO:
    return "cannot be opened";
  case HX_ERR_FORMAT:
    return "is not a 16-bit PCM WAV file";
  case HX_ERR_TRUNCATED:
    return "is cut short";
  case HX_ERR_TOO_BIG:
    return "is longer than 3 seconds";
  case HX_ERR_INVALID:
    return "has no sound in it";
  case HX_ERR_NOMEM:
    return "does not fit in memory";
  default:
    return "cannot be played";
  }
}
