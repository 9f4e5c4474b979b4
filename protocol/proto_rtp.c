#include "proto_rtp.h"

#include <string.h>

#include "hx_cursor.h"
#include "hx_err.h"

#define RTP_VERSION 2
#define RTP_EXT_ONE_BYTE 0xBEDE
/* RFC 8285 two-byte elements: profile 0x100 followed by 4 "appbits". */
#define RTP_EXT_TWO_BYTE_MASK 0xFFF0
#define RTP_EXT_TWO_BYTE 0x1000
#define RTP_EXT_ID_STOP 15

static void level_from_byte(struct proto_rtp *out, uint8_t b)
{
  out->has_level = true;
  out->voice = (b & 0x80) != 0;
  out->level = b & 0x7f;
}

/* RFC 8285 section 4.2. */
static int parse_one_byte(const uint8_t *ext, size_t len, struct proto_rtp *out)
{
  size_t i = 0;
  while (i < len) {
    uint8_t b = ext[i++];
    if (b == 0)
      continue; /* padding between elements */
    unsigned id = b >> 4;
    size_t elen = (size_t)(b & 0x0f) + 1;
    if (id == RTP_EXT_ID_STOP)
      break;
    if (elen > len - i)
      return HX_ERR_INVALID;
    if (id == PROTO_RTP_EXT_LEVEL_ID && elen == 1)
      level_from_byte(out, ext[i]);
    i += elen;
  }
  return HX_OK;
}

/* RFC 8285 section 4.3: skipped, but still checked to fit. */
static int parse_two_byte(const uint8_t *ext, size_t len)
{
  size_t i = 0;
  while (i < len) {
    uint8_t id = ext[i++];
    if (id == 0)
      continue;
    if (i >= len)
      return HX_ERR_INVALID;
    size_t elen = ext[i++];
    if (elen > len - i)
      return HX_ERR_INVALID;
    i += elen;
  }
  return HX_OK;
}

static int parse_extension(struct hx_cursor *c, struct proto_rtp *out)
{
  uint16_t profile = hx_cursor_u16be(c);
  size_t words = hx_cursor_u16be(c);
  const uint8_t *ext = hx_cursor_bytes(c, words * 4);
  if (!ext)
    return HX_ERR_TRUNCATED;
  if (profile == RTP_EXT_ONE_BYTE)
    return parse_one_byte(ext, words * 4, out);
  if ((profile & RTP_EXT_TWO_BYTE_MASK) == RTP_EXT_TWO_BYTE)
    return parse_two_byte(ext, words * 4);
  return HX_OK;
}

int proto_rtp_parse(const uint8_t *buf, size_t len, struct proto_rtp *out)
{
  memset(out, 0, sizeof *out);
  struct hx_cursor c;
  hx_cursor_init(&c, buf, len);
  uint8_t b0 = hx_cursor_u8(&c);
  uint8_t b1 = hx_cursor_u8(&c);
  out->seq = hx_cursor_u16be(&c);
  out->timestamp = hx_cursor_u32be(&c);
  out->ssrc = hx_cursor_u32be(&c);
  if (!hx_cursor_ok(&c))
    return HX_ERR_TRUNCATED;
  if (b0 >> 6 != RTP_VERSION)
    return HX_ERR_BAD_VERSION;
  out->marker = (b1 & 0x80) != 0;
  out->payload_type = b1 & 0x7f;
  hx_cursor_skip(&c, (size_t)(b0 & 0x0f) * 4); /* CSRC list, unused */
  if (!hx_cursor_ok(&c))
    return HX_ERR_TRUNCATED;
  if (b0 & 0x10) {
    int err = parse_extension(&c, out);
    if (err != HX_OK)
      return err;
  }
  out->header_len = c.pos;
  size_t payload_len = hx_cursor_remaining(&c);
  const uint8_t *payload = hx_cursor_bytes(&c, payload_len);
  if (b0 & 0x20) {
    if (payload_len == 0)
      return HX_ERR_TRUNCATED; /* the padding count itself is missing */
    uint8_t pad = payload[payload_len - 1];
    if (pad == 0 || pad > payload_len)
      return HX_ERR_INVALID;
    payload_len -= pad;
  }
  out->payload = payload;
  out->payload_len = payload_len;
  return HX_OK;
}

int proto_rtp_pack(const struct proto_rtp *h, const uint8_t *payload, size_t payload_len,
                   uint8_t *out, size_t cap, size_t *written)
{
  *written = 0;
  if (h->payload_type > 0x7f || (h->has_level && h->level > 0x7f) ||
      (payload_len && !payload))
    return HX_ERR_INVALID;
  size_t header = PROTO_RTP_MIN_HEADER + (h->has_level ? 8 : 0);
  if (payload_len > PROTO_RTP_MAX_PACKET - header)
    return HX_ERR_TOO_BIG;
  struct hx_wcursor w;
  hx_wcursor_init(&w, out, cap);
  hx_wcursor_u8(&w, (uint8_t)(RTP_VERSION << 6 | (h->has_level ? 0x10 : 0)));
  hx_wcursor_u8(&w, (uint8_t)((h->marker ? 0x80 : 0) | h->payload_type));
  hx_wcursor_u16be(&w, h->seq);
  hx_wcursor_u32be(&w, h->timestamp);
  hx_wcursor_u32be(&w, h->ssrc);
  if (h->has_level) {
    hx_wcursor_u16be(&w, RTP_EXT_ONE_BYTE);
    hx_wcursor_u16be(&w, 1); /* one 32-bit word follows */
    hx_wcursor_u8(&w, PROTO_RTP_EXT_LEVEL_ID << 4); /* length field 0: 1 byte */
    hx_wcursor_u8(&w, (uint8_t)((h->voice ? 0x80 : 0) | h->level));
    hx_wcursor_u16be(&w, 0); /* padding to the word */
  }
  hx_wcursor_bytes(&w, payload, payload_len);
  if (!hx_wcursor_ok(&w))
    return HX_ERR_FULL;
  *written = w.pos;
  return HX_OK;
}
