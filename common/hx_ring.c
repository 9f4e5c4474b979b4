#include "hx_ring.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct hx_ring {
  /* head and tail on their own cache lines so producer and consumer do not
   * invalidate each other's line on every sample. */
  alignas(64) _Atomic size_t head; /* written by the producer */
  alignas(64) _Atomic size_t tail; /* written by the consumer */
  alignas(64) size_t mask;
  int16_t samples[];
};

static size_t ring_round(size_t capacity)
{
  size_t n = 1;
  while (n < capacity)
    n <<= 1;
  return n;
}

size_t hx_ring_size(size_t capacity)
{
  return sizeof(struct hx_ring) + ring_round(capacity) * sizeof(int16_t);
}

struct hx_ring *hx_ring_init(void *mem, size_t capacity)
{
  struct hx_ring *r = mem;
  atomic_init(&r->head, 0);
  atomic_init(&r->tail, 0);
  r->mask = ring_round(capacity) - 1;
  return r;
}

struct hx_ring *hx_ring_create(size_t capacity)
{
  if (capacity == 0)
    return NULL;
  void *mem = aligned_alloc(64, (hx_ring_size(capacity) + 63) & ~(size_t)63);
  return mem ? hx_ring_init(mem, capacity) : NULL;
}

void hx_ring_destroy(struct hx_ring *r) { free(r); }

size_t hx_ring_capacity(const struct hx_ring *r) { return r->mask + 1; }

size_t hx_ring_readable(const struct hx_ring *r)
{
  size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
  size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
  return head - tail;
}

size_t hx_ring_writable(const struct hx_ring *r)
{
  size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
  size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
  return hx_ring_capacity(r) - (head - tail);
}

size_t hx_ring_write(struct hx_ring *r, const int16_t *src, size_t n)
{
  size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
  size_t space = hx_ring_writable(r);
  if (n > space)
    n = space;
  size_t at = head & r->mask;
  size_t first = hx_ring_capacity(r) - at;
  if (first > n)
    first = n;
  memcpy(r->samples + at, src, first * sizeof(int16_t));
  memcpy(r->samples, src + first, (n - first) * sizeof(int16_t));
  atomic_store_explicit(&r->head, head + n, memory_order_release);
  return n;
}

size_t hx_ring_read(struct hx_ring *r, int16_t *dst, size_t n)
{
  size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
  size_t avail = hx_ring_readable(r);
  if (n > avail)
    n = avail;
  size_t at = tail & r->mask;
  size_t first = hx_ring_capacity(r) - at;
  if (first > n)
    first = n;
  memcpy(dst, r->samples + at, first * sizeof(int16_t));
  memcpy(dst + first, r->samples, (n - first) * sizeof(int16_t));
  atomic_store_explicit(&r->tail, tail + n, memory_order_release);
  return n;
}

size_t hx_ring_skip(struct hx_ring *r, size_t n)
{
  size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
  size_t avail = hx_ring_readable(r);
  if (n > avail)
    n = avail;
  atomic_store_explicit(&r->tail, tail + n, memory_order_release);
  return n;
}
