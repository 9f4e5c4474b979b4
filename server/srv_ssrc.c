#include "srv_ssrc.h"

#include <stdlib.h>

#include "hx_err.h"

#define SSRC_MIN_CAP 16

/* Fibonacci hashing: SSRCs are random, but a sender picks the ones it sends,
 * so spread them anyway. */
static size_t ssrc_home(uint32_t ssrc, size_t cap)
{
  return (size_t)((ssrc * 2654435769u) & (uint32_t)(cap - 1));
}

void srv_ssrc_init(struct srv_ssrc_map *m)
{
  m->slots = NULL;
  m->cap = 0;
  m->count = 0;
}

void srv_ssrc_free(struct srv_ssrc_map *m)
{
  free(m->slots);
  srv_ssrc_init(m);
}

static void ssrc_insert(struct srv_ssrc_slot *slots, size_t cap, uint32_t ssrc,
                        struct srv_member *member)
{
  size_t i = ssrc_home(ssrc, cap);
  while (slots[i].member)
    i = (i + 1) & (cap - 1);
  slots[i].ssrc = ssrc;
  slots[i].member = member;
}

static int ssrc_grow(struct srv_ssrc_map *m)
{
  size_t cap = m->cap ? m->cap * 2 : SSRC_MIN_CAP;
  struct srv_ssrc_slot *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return HX_ERR_NOMEM;
  for (size_t i = 0; i < m->cap; i++) {
    if (m->slots[i].member)
      ssrc_insert(slots, cap, m->slots[i].ssrc, m->slots[i].member);
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return HX_OK;
}

static long ssrc_find(const struct srv_ssrc_map *m, uint32_t ssrc)
{
  if (m->cap == 0)
    return -1;
  size_t i = ssrc_home(ssrc, m->cap);
  while (m->slots[i].member) {
    if (m->slots[i].ssrc == ssrc)
      return (long)i;
    i = (i + 1) & (m->cap - 1);
  }
  return -1;
}

int srv_ssrc_put(struct srv_ssrc_map *m, uint32_t ssrc, struct srv_member *member)
{
  if (!member)
    return HX_ERR_INVALID;
  if (ssrc_find(m, ssrc) >= 0)
    return HX_ERR_EXISTS;
  /* Keep the load at most one half so probe runs stay short. */
  if ((m->count + 1) * 2 > m->cap) {
    int rc = ssrc_grow(m);
    if (rc != HX_OK)
      return rc;
  }
  ssrc_insert(m->slots, m->cap, ssrc, member);
  m->count++;
  return HX_OK;
}

struct srv_member *srv_ssrc_get(const struct srv_ssrc_map *m, uint32_t ssrc)
{
  long i = ssrc_find(m, ssrc);
  return i < 0 ? NULL : m->slots[i].member;
}

int srv_ssrc_remove(struct srv_ssrc_map *m, uint32_t ssrc)
{
  long found = ssrc_find(m, ssrc);
  if (found < 0)
    return HX_ERR_NOT_FOUND;
  size_t mask = m->cap - 1;
  size_t hole = (size_t)found;
  size_t i = hole;
  /* Backward-shift: pull later entries of the probe run into the hole
   * unless their home lies cyclically after the hole, so no tombstones. */
  for (;;) {
    i = (i + 1) & mask;
    if (!m->slots[i].member)
      break;
    size_t home = ssrc_home(m->slots[i].ssrc, m->cap);
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      m->slots[hole] = m->slots[i];
      hole = i;
    }
  }
  m->slots[hole].member = NULL;
  m->slots[hole].ssrc = 0;
  m->count--;
  return HX_OK;
}
