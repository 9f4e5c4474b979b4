/* Hearth status codes. Every function that can fail returns one of these.
 * Thread-safe: hx_strerror() reads constant data only. */
#ifndef HX_ERR_H
#define HX_ERR_H

/* X(name, value, sentence): the one list from which the enum and
 * hx_strerror() are generated, so they cannot drift apart. */
#define HX_ERR_MAP(X)                                                        \
  X(HX_OK, 0, "ok")                                                          \
  X(HX_ERR_NOMEM, -1, "out of memory")                                       \
  X(HX_ERR_INVALID, -2, "invalid argument")                                  \
  X(HX_ERR_TRUNCATED, -3, "input is truncated")                              \
  X(HX_ERR_TOO_BIG, -4, "input is larger than its limit")                    \
  X(HX_ERR_BAD_VERSION, -5, "unsupported version")                           \
  X(HX_ERR_BAD_JSON, -6, "not valid JSON")                                   \
  X(HX_ERR_BAD_UTF8, -7, "not valid UTF-8")                                  \
  X(HX_ERR_TOO_DEEP, -8, "nested too deeply")                                \
  X(HX_ERR_BAD_MESSAGE, -9, "message is missing a field or has a wrong type") \
  X(HX_ERR_UNKNOWN_TYPE, -10, "unknown message type")                        \
  X(HX_ERR_AGAIN, -11, "try again later")                                    \
  X(HX_ERR_FULL, -12, "buffer is full")                                      \
  X(HX_ERR_TLS, -13, "TLS failure")                                          \
  X(HX_ERR_TLS_CLOSED, -14, "TLS connection closed")                         \
  X(HX_ERR_AUTH, -15, "authentication failed")                               \
  X(HX_ERR_REPLAY, -16, "replayed packet")                                   \
  X(HX_ERR_SRTP, -17, "SRTP failure")                                        \
  X(HX_ERR_CODEC, -18, "audio codec failure")                                \
  X(HX_ERR_IO, -19, "input/output error")                                    \
  X(HX_ERR_NOT_FOUND, -20, "not found")                                      \
  X(HX_ERR_EXISTS, -21, "already exists")                                    \
  X(HX_ERR_STATE, -22, "not allowed in this state")                          \
  X(HX_ERR_FORMAT, -23, "unsupported file format")                           \
  X(HX_ERR_DEVICE, -24, "audio device failure")                              \
  X(HX_ERR_FINGERPRINT, -25, "server certificate does not match")            \
  X(HX_ERR_CRYPTO, -26, "cryptography failure")

enum hx_err {
#define HX_ERR_ENUM(name, value, text) name = value,
  HX_ERR_MAP(HX_ERR_ENUM)
#undef HX_ERR_ENUM
};

/* A sentence for any code; unknown codes get a generic sentence. */
const char *hx_strerror(int err);
/* The symbolic name ("HX_ERR_TRUNCATED"), for logs and tests. */
const char *hx_errname(int err);

#endif
