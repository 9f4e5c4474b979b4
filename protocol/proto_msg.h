/* Control messages: one JSON object per line (jansson), see docs/protocol.md.
 * Plain functions on bytes: no sockets, so they can be unit tested and fuzzed.
 * Not thread-safe per framer; distinct framers may be used from any thread. */
#ifndef PROTO_MSG_H
#define PROTO_MSG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_buf.h"

#define PROTO_MSG_MAX 65536        /* bytes a line, newline excluded */
#define PROTO_MSG_MAX_PREAUTH 4096 /* before hello is accepted */
#define PROTO_MSG_MAX_DEPTH 8      /* the top-level object is depth 1 */
#define PROTO_VERSION 1

/* Splits a byte stream into lines. */
struct proto_framer {
  struct hx_buf buf;
  size_t max_line;
  size_t scanned; /* bytes of buf already known to hold no newline */
};

void proto_framer_init(struct proto_framer *f, size_t max_line);
void proto_framer_free(struct proto_framer *f);
/* Changes the line limit (raised after authentication). */
void proto_framer_set_max(struct proto_framer *f, size_t max_line);
/* Appends stream bytes. HX_ERR_TOO_BIG when the pending partial line would
 * pass max_line: the stream cannot be resynchronised; close it. */
int proto_framer_feed(struct proto_framer *f, const uint8_t *buf, size_t len);
/* Copies the next complete line (without "\n", a trailing "\r" dropped) into
 * out. HX_ERR_AGAIN when no complete line is buffered. */
int proto_framer_next(struct proto_framer *f, uint8_t *out, size_t cap, size_t *len);

/* Validates and decodes one line: at most PROTO_MSG_MAX bytes, valid UTF-8,
 * a JSON object nested at most PROTO_MSG_MAX_DEPTH deep, with a string
 * "type" and, when present, an integer "id" in [0, 2^53). On success *out is
 * a new reference the caller releases with json_decref(). Errors:
 * HX_ERR_TOO_BIG, HX_ERR_BAD_UTF8, HX_ERR_BAD_JSON, HX_ERR_TOO_DEEP,
 * HX_ERR_BAD_MESSAGE. */
int proto_msg_parse(const uint8_t *line, size_t len, json_t **out);

/* Encodes a message as one compact line ending in "\n" into a malloc'd
 * buffer (*out, owned by the caller, free()). */
int proto_msg_encode(const json_t *msg, char **out, size_t *len);

/* Accessors that return fallback when the field is absent or of another
 * type. */
const char *proto_msg_type(const json_t *msg);
const char *proto_msg_str(const json_t *msg, const char *key, const char *fallback);
json_int_t proto_msg_int(const json_t *msg, const char *key, json_int_t fallback);
int proto_msg_bool(const json_t *msg, const char *key, int fallback);
/* The request id, or -1 when the message carries none. */
json_int_t proto_msg_id(const json_t *msg);

/* Stable error codes sent in {"type":"error","code":...}; docs/protocol.md
 * lists each with its meaning. */
#define PROTO_ERROR_CODES(X)                                                  \
  X(PROTO_E_BAD_JSON, "bad_json")                                             \
  X(PROTO_E_BAD_UTF8, "bad_utf8")                                             \
  X(PROTO_E_TOO_BIG, "too_big")                                               \
  X(PROTO_E_TOO_DEEP, "too_deep")                                             \
  X(PROTO_E_BAD_MESSAGE, "bad_message")                                       \
  X(PROTO_E_UNKNOWN_TYPE, "unknown_type")                                     \
  X(PROTO_E_NOT_AUTHENTICATED, "not_authenticated")                           \
  X(PROTO_E_ALREADY_AUTHENTICATED, "already_authenticated")                   \
  X(PROTO_E_BAD_VERSION, "bad_version")                                       \
  X(PROTO_E_BAD_NAME, "bad_name")                                             \
  X(PROTO_E_NAME_TAKEN, "name_taken")                                         \
  X(PROTO_E_NO_SUCH_ROOM, "no_such_room")                                     \
  X(PROTO_E_ROOM_FULL, "room_full")                                           \
  X(PROTO_E_NOT_IN_ROOM, "not_in_room")                                       \
  X(PROTO_E_SERVER_FULL, "server_full")                                       \
  X(PROTO_E_BAD_KEY, "bad_key")                                               \
  X(PROTO_E_BAD_PROOF, "bad_proof")                                           \
  X(PROTO_E_NOT_IDENTIFIED, "not_identified")                                 \
  X(PROTO_E_GUESTS_NOT_ALLOWED, "guests_not_allowed")                         \
  X(PROTO_E_NOT_ALLOWED, "not_allowed")                                       \
  X(PROTO_E_ROOM_EXISTS, "room_exists")                                       \
  X(PROTO_E_BAD_SETTING, "bad_setting")                                       \
  X(PROTO_E_ROOM_LOCKED, "room_locked")                                       \
  X(PROTO_E_BANNED, "banned")                                                 \
  X(PROTO_E_BAD_INVITE, "bad_invite")                                         \
  X(PROTO_E_NO_SUCH_PERSON, "no_such_person")                                 \
  X(PROTO_E_NOT_YOUR_TURN, "not_your_turn")                                   \
  X(PROTO_E_CLOSING, "closing")                                               \
  X(PROTO_E_TEXT_TOO_LONG, "text_too_long")                                   \
  X(PROTO_E_RATE_LIMITED, "rate_limited")                                     \
  X(PROTO_E_INTERNAL, "internal")

enum proto_error {
#define PROTO_E_ENUM(name, text) name,
  PROTO_ERROR_CODES(PROTO_E_ENUM)
#undef PROTO_E_ENUM
};

const char *proto_error_code(enum proto_error e);
/* Maps a parse failure from proto_msg_parse / framer to its wire code. */
enum proto_error proto_error_from_hx(int err);
/* Builds {"type":"error","id":id,"code":...,"message":message}; id < 0
 * omits "id". Returns a new reference. */
json_t *proto_msg_error(json_int_t id, enum proto_error code, const char *message);

/* Base64 (standard alphabet, padded) for SRTP keys. */
int proto_b64_encode(const uint8_t *in, size_t len, char *out, size_t cap);
int proto_b64_decode(const char *in, uint8_t *out, size_t cap, size_t *len);

#endif
