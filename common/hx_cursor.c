#include "hx_cursor.h"

#include <string.h>

void hx_cursor_init(struct hx_cursor *c, const uint8_t *buf, size_t len)
{
  c->buf = buf;
  c->len = buf ? len : 0;
  c->pos = 0;
  c->overrun = false;
}

static bool cursor_take(struct hx_cursor *c, size_t n)
{
  if (c->overrun || n > c->len - c->pos) {
    c->overrun = true;
    return false;
  }
  return true;
}

uint8_t hx_cursor_u8(struct hx_cursor *c)
{
  if (!cursor_take(c, 1))
    return 0;
  return c->buf[c->pos++];
}

uint16_t hx_cursor_u16be(struct hx_cursor *c)
{
  if (!cursor_take(c, 2))
    return 0;
  uint16_t v = (uint16_t)((c->buf[c->pos] << 8) | c->buf[c->pos + 1]);
  c->pos += 2;
  return v;
}

uint32_t hx_cursor_u32be(struct hx_cursor *c)
{
  if (!cursor_take(c, 4))
    return 0;
  const uint8_t *p = c->buf + c->pos;
  c->pos += 4;
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
         p[3];
}

const uint8_t *hx_cursor_bytes(struct hx_cursor *c, size_t n)
{
  if (!cursor_take(c, n))
    return NULL;
  const uint8_t *p = c->buf + c->pos;
  c->pos += n;
  return p;
}

void hx_cursor_skip(struct hx_cursor *c, size_t n)
{
  if (cursor_take(c, n))
    c->pos += n;
}

size_t hx_cursor_remaining(const struct hx_cursor *c)
{
  return c->overrun ? 0 : c->len - c->pos;
}

bool hx_cursor_ok(const struct hx_cursor *c) { return !c->overrun; }

void hx_wcursor_init(struct hx_wcursor *w, uint8_t *buf, size_t cap)
{
  w->buf = buf;
  w->cap = buf ? cap : 0;
  w->pos = 0;
  w->overrun = false;
}

static bool wcursor_take(struct hx_wcursor *w, size_t n)
{
  if (w->overrun || n > w->cap - w->pos) {
    w->overrun = true;
    return false;
  }
  return true;
}

void hx_wcursor_u8(struct hx_wcursor *w, uint8_t v)
{
  if (wcursor_take(w, 1))
    w->buf[w->pos++] = v;
}

void hx_wcursor_u16be(struct hx_wcursor *w, uint16_t v)
{
  if (!wcursor_take(w, 2))
    return;
  w->buf[w->pos++] = (uint8_t)(v >> 8);
  w->buf[w->pos++] = (uint8_t)v;
}

void hx_wcursor_u32be(struct hx_wcursor *w, uint32_t v)
{
  if (!wcursor_take(w, 4))
    return;
  for (int shift = 24; shift >= 0; shift -= 8)
    w->buf[w->pos++] = (uint8_t)(v >> shift);
}

void hx_wcursor_bytes(struct hx_wcursor *w, const void *src, size_t n)
{
  if (!wcursor_take(w, n))
    return;
  if (n)
    memcpy(w->buf + w->pos, src, n);
  w->pos += n;
}

bool hx_wcursor_ok(const struct hx_wcursor *w) { return !w->overrun; }
