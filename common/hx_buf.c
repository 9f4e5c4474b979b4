#include "hx_buf.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"

void hx_buf_init(struct hx_buf *b, size_t max)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void hx_buf_free(struct hx_buf *b)
{
  free(b->data);
  hx_buf_init(b, b->max);
}

int hx_buf_append(struct hx_buf *b, const void *src, size_t n)
{
  if (n > b->max - b->len || b->len > b->max)
    return HX_ERR_TOO_BIG;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
      cap *= 2;
    if (cap > b->max)
      cap = b->max;
    uint8_t *grown = realloc(b->data, cap);
    if (!grown)
      return HX_ERR_NOMEM;
    b->data = grown;
    b->cap = cap;
  }
  if (n)
    memcpy(b->data + b->len, src, n);
  b->len += n;
  return HX_OK;
}

void hx_buf_consume(struct hx_buf *b, size_t n)
{
  assert(n <= b->len);
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

void hx_buf_reset(struct hx_buf *b) { b->len = 0; }

void hx_buf_set_max(struct hx_buf *b, size_t max) { b->max = max; }
