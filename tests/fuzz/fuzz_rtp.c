/* RTP header parsing, and a pack/parse round trip of what parsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "proto_rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct proto_rtp p;
  if (proto_rtp_parse(data, size, &p) != HX_OK)
    return 0;
  if (p.header_len < PROTO_RTP_MIN_HEADER || p.header_len > size ||
      p.payload != data + p.header_len || p.payload_len > size - p.header_len ||
      p.level > 127 || p.payload_type > 127)
    abort();
  static uint8_t out[PROTO_RTP_MAX_PACKET];
  size_t written = 0;
  if (proto_rtp_pack(&p, p.payload, p.payload_len, out, sizeof out, &written) != HX_OK)
    return 0;
  struct proto_rtp q;
  if (proto_rtp_parse(out, written, &q) != HX_OK || q.seq != p.seq ||
      q.timestamp != p.timestamp || q.ssrc != p.ssrc || q.marker != p.marker ||
      q.payload_type != p.payload_type || q.has_level != p.has_level ||
      (p.has_level && (q.level != p.level || q.voice != p.voice)) ||
      q.payload_len != p.payload_len || memcmp(q.payload, p.payload, p.payload_len) != 0)
    abort();
  return 0;
}
