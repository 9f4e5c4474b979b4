/* RTP (RFC 3550) header pack/parse with the RFC 6464 client-to-mixer audio
 * level in a one-byte header extension (RFC 8285). Pure functions on bytes;
 * thread-safe. */
#ifndef PROTO_RTP_H
#define PROTO_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_RTP_PT_OPUS 111
#define PROTO_RTP_EXT_LEVEL_ID 1
#define PROTO_RTP_MAX_PACKET 1500
#define PROTO_RTP_MIN_HEADER 12

struct proto_rtp {
  uint8_t payload_type;
  bool marker;
  uint16_t seq;
  uint32_t timestamp;
  uint32_t ssrc;
  bool has_level;
  bool voice;    /* RFC 6464 V flag */
  uint8_t level; /* 0..127, -dBov: 0 is loudest, 127 silence */
  const uint8_t *payload; /* points into the parsed buffer */
  size_t payload_len;
  size_t header_len;
};

/* Parses a packet; checks version 2, CSRC list, extension and padding
 * lengths against len. HX_ERR_TRUNCATED / HX_ERR_BAD_VERSION /
 * HX_ERR_INVALID. Unknown extension elements are skipped. */
int proto_rtp_parse(const uint8_t *buf, size_t len, struct proto_rtp *out);
/* Packs header (with the level extension when h->has_level) and payload. */
int proto_rtp_pack(const struct proto_rtp *h, const uint8_t *payload, size_t payload_len,
                   uint8_t *out, size_t cap, size_t *written);

#endif
