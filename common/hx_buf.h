/* A growable byte buffer with a ceiling, for stream reassembly (TLS records,
 * control lines). Appending past `max` fails with HX_ERR_TOO_BIG and leaves
 * the buffer as it was, so an unauthenticated peer cannot make us allocate
 * more than its limit. Not thread-safe. */
#ifndef HX_BUF_H
#define HX_BUF_H

#include <stddef.h>
#include <stdint.h>

struct hx_buf {
  uint8_t *data; /* owned */
  size_t len;
  size_t cap;
  size_t max;
};

void hx_buf_init(struct hx_buf *b, size_t max);
void hx_buf_free(struct hx_buf *b);
int hx_buf_append(struct hx_buf *b, const void *src, size_t n);
/* Drops the first n bytes (n <= len). */
void hx_buf_consume(struct hx_buf *b, size_t n);
void hx_buf_reset(struct hx_buf *b);
void hx_buf_set_max(struct hx_buf *b, size_t max);

#endif
