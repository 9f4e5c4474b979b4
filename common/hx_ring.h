/* Lock-free single-producer single-consumer ring of 16-bit samples, the only
 * thing an audio callback touches. One thread writes, one thread reads; no
 * call allocates, locks or blocks. Capacity is rounded up to a power of two.
 * hx_ring_create/destroy allocate and are called off the audio thread;
 * hx_ring_size/init let a caller place the ring in memory it owns. */
#ifndef HX_RING_H
#define HX_RING_H

#include <stddef.h>
#include <stdint.h>

struct hx_ring;

size_t hx_ring_size(size_t capacity);
struct hx_ring *hx_ring_init(void *mem, size_t capacity);
struct hx_ring *hx_ring_create(size_t capacity);
void hx_ring_destroy(struct hx_ring *r);

size_t hx_ring_capacity(const struct hx_ring *r);
/* Producer side. Writes up to n samples; returns how many fitted. */
size_t hx_ring_write(struct hx_ring *r, const int16_t *src, size_t n);
size_t hx_ring_writable(const struct hx_ring *r);
/* Consumer side. Reads up to n samples; returns how many were there. */
size_t hx_ring_read(struct hx_ring *r, int16_t *dst, size_t n);
size_t hx_ring_readable(const struct hx_ring *r);
/* Consumer side: drops up to n samples without copying them. */
size_t hx_ring_skip(struct hx_ring *r, size_t n);

#endif
