#include "cli_seats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"

struct seated {
  uint64_t person;
  uint8_t place; /* index into places */
  bool used;
};

struct cli_seats {
  /* Where each place is, from -1 (the left end) to +1 (the right end), in
   * the order newcomers take them. */
  float places[CLI_SEATS_PLACES];
  uint16_t crowd[CLI_SEATS_PLACES]; /* people in each place */
  struct seated people[CLI_SEATS_MAX];
};

/* Both ends, the middle, then each finer set of halfway points from left
 * to right: every place is as far from those taken before it as it can
 * be. 2 + 1 + 2 + 4 + 8 + 16 = CLI_SEATS_PLACES. */
static void fill_places(float *places)
{
  size_t n = 0;
  places[n++] = -1.0f;
  places[n++] = 1.0f;
  places[n++] = 0.0f;
  for (int denom = 2; n < CLI_SEATS_PLACES; denom *= 2) {
    for (int num = -(denom - 1); num < denom && n < CLI_SEATS_PLACES; num += 2)
      places[n++] = (float)num / (float)denom;
  }
}

int cli_seats_create(struct cli_seats **out)
{
  *out = NULL;
  struct cli_seats *s = calloc(1, sizeof *s);
  if (!s)
    return HX_ERR_NOMEM;
  fill_places(s->places);
  *out = s;
  return HX_OK;
}

void cli_seats_destroy(struct cli_seats *s) { free(s); }

static float pan_of(const struct cli_seats *s, uint8_t place)
{
  return s->places[place] * (float)CLI_SEATS_WIDTH_DEG / 90.0f;
}

/* The person's index in people, or CLI_SEATS_MAX when they have no seat. */
static size_t find(const struct cli_seats *s, uint64_t person)
{
  size_t i = 0;
  while (i < CLI_SEATS_MAX && !(s->people[i].used && s->people[i].person == person))
    i++;
  return i;
}

int cli_seats_pan(const struct cli_seats *s, uint64_t person, float *pan)
{
  size_t i = find(s, person);
  if (i == CLI_SEATS_MAX)
    return HX_ERR_NOT_FOUND;
  *pan = pan_of(s, s->people[i].place);
  return HX_OK;
}

int cli_seats_take(struct cli_seats *s, uint64_t person, float *pan)
{
  if (cli_seats_pan(s, person, pan) == HX_OK)
    return HX_OK;
  struct seated *free_slot = NULL;
  for (size_t i = 0; i < CLI_SEATS_MAX && !free_slot; i++) {
    if (!s->people[i].used)
      free_slot = &s->people[i];
  }
  if (!free_slot)
    return HX_ERR_FULL;
  uint8_t best = 0;
  for (uint8_t k = 1; k < CLI_SEATS_PLACES; k++) {
    if (s->crowd[k] < s->crowd[best])
      best = k;
  }
  *free_slot = (struct seated){.person = person, .place = best, .used = true};
  s->crowd[best]++;
  *pan = pan_of(s, best);
  return HX_OK;
}

void cli_seats_release(struct cli_seats *s, uint64_t person)
{
  size_t i = find(s, person);
  if (i == CLI_SEATS_MAX)
    return;
  s->crowd[s->people[i].place]--;
  memset(&s->people[i], 0, sizeof s->people[i]);
}

void cli_seats_clear(struct cli_seats *s)
{
  memset(s->crowd, 0, sizeof s->crowd);
  memset(s->people, 0, sizeof s->people);
}
