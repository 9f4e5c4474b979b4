/* SRTP unprotect (and protect) of arbitrary bytes under a fixed key. The
 * corpus holds packets protected under this key, so mutations reach past
 * the length checks into libsrtp's header handling. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "proto_srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fuzz_key[PROTO_SRTP_KEY_LEN] = {
    0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
    14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct proto_srtp *in, *out;
  if (!in && (proto_srtp_create(fuzz_key, PROTO_SRTP_INBOUND, &in) != HX_OK ||
              proto_srtp_create(fuzz_key, PROTO_SRTP_OUTBOUND, &out) != HX_OK))
    abort();
  if (size > 65536)
    return 0;
  size_t cap = size + PROTO_SRTP_TRAILER_MAX;
  uint8_t *buf = malloc(cap ? cap : 1);
  if (!buf)
    return 0;
  size_t len = 0;
  if (size)
    memcpy(buf, data, size);
  if (proto_srtp_unprotect(in, buf, size, &len) == HX_OK && len > size)
    abort();
  if (size)
    memcpy(buf, data, size);
  if (proto_srtp_protect(out, buf, size, cap, &len) == HX_OK && len > cap)
    abort();
  free(buf);
  return 0;
}
