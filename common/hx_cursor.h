/* Bounds-checked byte cursors for untrusted input and for packing output.
 * A read or write past the end sets `overrun` and yields zeros; the caller
 * checks hx_cursor_ok() once at the end instead of after every field.
 * Not thread-safe; cursors live on the caller's stack. */
#ifndef HX_CURSOR_H
#define HX_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hx_cursor {
  const uint8_t *buf;
  size_t len;
  size_t pos;
  bool overrun;
};

struct hx_wcursor {
  uint8_t *buf;
  size_t cap;
  size_t pos;
  bool overrun;
};

void hx_cursor_init(struct hx_cursor *c, const uint8_t *buf, size_t len);
uint8_t hx_cursor_u8(struct hx_cursor *c);
uint16_t hx_cursor_u16be(struct hx_cursor *c);
uint32_t hx_cursor_u32be(struct hx_cursor *c);
/* Returns a pointer to n bytes inside the buffer, or NULL on overrun. */
const uint8_t *hx_cursor_bytes(struct hx_cursor *c, size_t n);
void hx_cursor_skip(struct hx_cursor *c, size_t n);
size_t hx_cursor_remaining(const struct hx_cursor *c);
bool hx_cursor_ok(const struct hx_cursor *c);

void hx_wcursor_init(struct hx_wcursor *w, uint8_t *buf, size_t cap);
void hx_wcursor_u8(struct hx_wcursor *w, uint8_t v);
void hx_wcursor_u16be(struct hx_wcursor *w, uint16_t v);
void hx_wcursor_u32be(struct hx_wcursor *w, uint32_t v);
void hx_wcursor_bytes(struct hx_wcursor *w, const void *src, size_t n);
bool hx_wcursor_ok(const struct hx_wcursor *w);

#endif
