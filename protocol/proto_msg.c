#include "proto_msg.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"

/* Room in the framer's buffer beyond one maximal pending line, for the
 * complete lines of one read (a TLS record is at most 16 KiB of plaintext,
 * a libuv read at most 64 KiB). Callers drain proto_framer_next() after
 * every feed, so this never has to hold more. */
#define FRAMER_SLACK 65536

/* A line may end in "\r\n", and the "\r" does not count against the limit. */
static size_t framer_buf_max(size_t max_line)
{
  return max_line > SIZE_MAX - 2 - FRAMER_SLACK ? SIZE_MAX : max_line + 2 + FRAMER_SLACK;
}

void proto_framer_init(struct proto_framer *f, size_t max_line)
{
  hx_buf_init(&f->buf, framer_buf_max(max_line));
  f->max_line = max_line;
  f->scanned = 0;
}

void proto_framer_free(struct proto_framer *f)
{
  if (!f)
    return;
  hx_buf_free(&f->buf);
  f->scanned = 0;
}

void proto_framer_set_max(struct proto_framer *f, size_t max_line)
{
  f->max_line = max_line;
  hx_buf_set_max(&f->buf, framer_buf_max(max_line));
}

/* raw is a line or partial line as it arrived, without its "\n". */
static bool framer_line_too_long(const struct proto_framer *f, size_t raw, uint8_t last)
{
  if (raw <= f->max_line)
    return false;
  return raw > f->max_line + 1 || last != '\r';
}

/* Length of the partial line at the end of the buffer. `scanned` lets a
 * slowly arriving long line be checked without rescanning it on every
 * feed. */
static size_t framer_tail_len(struct proto_framer *f)
{
  const uint8_t *d = f->buf.data;
  size_t len = f->buf.len;
  if (f->scanned < len) {
    const uint8_t *nl = memchr(d + f->scanned, '\n', len - f->scanned);
    if (!nl) {
      f->scanned = len;
      return len;
    }
    f->scanned = (size_t)(nl - d);
  }
  if (f->scanned == len)
    return len;
  size_t i = len;
  while (d[i - 1] != '\n')
    i--;
  return len - i;
}

int proto_framer_feed(struct proto_framer *f, const uint8_t *buf, size_t len)
{
  if (len == 0)
    return HX_OK;
  if (!buf)
    return HX_ERR_INVALID;
  size_t tail = framer_tail_len(f);
  uint8_t last = tail ? f->buf.data[f->buf.len - 1] : 0;
  size_t pos = 0;
  while (pos < len) {
    const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
    size_t seg = nl ? (size_t)(nl - (buf + pos)) : len - pos;
    if (seg)
      last = buf[pos + seg - 1];
    if (tail > SIZE_MAX - seg || framer_line_too_long(f, tail + seg, last))
      return HX_ERR_TOO_BIG;
    if (!nl)
      break;
    tail = 0;
    last = 0;
    pos += seg + 1;
  }
  int err = hx_buf_append(&f->buf, buf, len);
  /* Every line fits its limit, so only a caller that stopped draining
   * next() can overflow the buffer. */
  if (err == HX_ERR_TOO_BIG)
    return HX_ERR_FULL;
  return err;
}

int proto_framer_next(struct proto_framer *f, uint8_t *out, size_t cap, size_t *len)
{
  *len = 0;
  const uint8_t *d = f->buf.data;
  if (f->scanned >= f->buf.len)
    return HX_ERR_AGAIN;
  const uint8_t *nl = memchr(d + f->scanned, '\n', f->buf.len - f->scanned);
  if (!nl) {
    f->scanned = f->buf.len;
    return HX_ERR_AGAIN;
  }
  size_t raw = (size_t)(nl - d);
  size_t line = raw;
  if (line > 0 && d[line - 1] == '\r')
    line--;
  if (line > cap)
    return HX_ERR_FULL;
  if (line)
    memcpy(out, d, line);
  *len = line;
  hx_buf_consume(&f->buf, raw + 1);
  f->scanned = 0;
  return HX_OK;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF. Checked here rather than trusting the JSON parser so that the
 * peer gets bad_utf8 rather than bad_json. */
static bool utf8_valid(const uint8_t *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      return false;
    }
    if (n > len - i - 1)
      return false;
    for (size_t k = 1; k <= n; k++) {
      uint8_t cc = s[i + k];
      if ((cc & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

/* Bracket depth of the raw text outside strings. Cheaper than walking the
 * decoded tree, and it stops a deeply nested line before the parser
 * allocates anything for it. Malformed text is left to the parser. */
static bool depth_ok(const uint8_t *s, size_t len)
{
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < len; i++) {
    uint8_t c = s[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > PROTO_MSG_MAX_DEPTH)
        return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      depth--;
    }
  }
  return true;
}

#define PROTO_MSG_ID_LIMIT ((json_int_t)1 << 53)

int proto_msg_parse(const uint8_t *line, size_t len, json_t **out)
{
  *out = NULL;
  if (len > PROTO_MSG_MAX)
    return HX_ERR_TOO_BIG;
  if (len == 0)
    return HX_ERR_BAD_JSON;
  if (!utf8_valid(line, len))
    return HX_ERR_BAD_UTF8;
  if (!depth_ok(line, len))
    return HX_ERR_TOO_DEEP;
  json_error_t jerr;
  /* Without JSON_ALLOW_NUL, "\u0000" inside strings is rejected too, so
   * every string we hand out is a proper C string. */
  json_t *msg = json_loadb((const char *)line, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!msg)
    return HX_ERR_BAD_JSON;
  int err = HX_OK;
  if (!json_is_object(msg)) {
    err = HX_ERR_BAD_JSON;
  } else if (!json_is_string(json_object_get(msg, "type"))) {
    err = HX_ERR_BAD_MESSAGE;
  } else {
    json_t *id = json_object_get(msg, "id");
    if (id && (!json_is_integer(id) || json_integer_value(id) < 0 ||
               json_integer_value(id) >= PROTO_MSG_ID_LIMIT))
      err = HX_ERR_BAD_MESSAGE;
  }
  if (err != HX_OK) {
    json_decref(msg);
    return err;
  }
  *out = msg;
  return HX_OK;
}

int proto_msg_encode(const json_t *msg, char **out, size_t *len)
{
  *out = NULL;
  *len = 0;
  if (!json_is_object(msg))
    return HX_ERR_INVALID;
  char *text = json_dumps(msg, JSON_COMPACT);
  if (!text)
    return HX_ERR_NOMEM;
  size_t n = strlen(text);
  /* The peer would close the connection on a longer line. */
  if (n > PROTO_MSG_MAX) {
    free(text);
    return HX_ERR_TOO_BIG;
  }
  char *line = realloc(text, n + 2);
  if (!line) {
    free(text);
    return HX_ERR_NOMEM;
  }
  line[n] = '\n';
  line[n + 1] = '\0';
  *out = line;
  *len = n + 1;
  return HX_OK;
}

const char *proto_msg_type(const json_t *msg)
{
  return proto_msg_str(msg, "type", NULL);
}

const char *proto_msg_str(const json_t *msg, const char *key, const char *fallback)
{
  json_t *v = json_object_get(msg, key);
  return json_is_string(v) ? json_string_value(v) : fallback;
}

json_int_t proto_msg_int(const json_t *msg, const char *key, json_int_t fallback)
{
  json_t *v = json_object_get(msg, key);
  return json_is_integer(v) ? json_integer_value(v) : fallback;
}

int proto_msg_bool(const json_t *msg, const char *key, int fallback)
{
  json_t *v = json_object_get(msg, key);
  return json_is_boolean(v) ? json_is_true(v) : fallback;
}

json_int_t proto_msg_id(const json_t *msg)
{
  json_int_t id = proto_msg_int(msg, "id", -1);
  return id >= 0 && id < PROTO_MSG_ID_LIMIT ? id : -1;
}

static const char *const error_codes[] = {
#define PROTO_E_TEXT(name, text) text,
    PROTO_ERROR_CODES(PROTO_E_TEXT)
#undef PROTO_E_TEXT
};

const char *proto_error_code(enum proto_error e)
{
  if ((size_t)e >= sizeof error_codes / sizeof error_codes[0])
    return error_codes[PROTO_E_INTERNAL];
  return error_codes[e];
}

enum proto_error proto_error_from_hx(int err)
{
  switch (err) {
  case HX_ERR_BAD_JSON:
    return PROTO_E_BAD_JSON;
  case HX_ERR_BAD_UTF8:
    return PROTO_E_BAD_UTF8;
  case HX_ERR_TOO_BIG:
    return PROTO_E_TOO_BIG;
  case HX_ERR_TOO_DEEP:
    return PROTO_E_TOO_DEEP;
  case HX_ERR_BAD_MESSAGE:
    return PROTO_E_BAD_MESSAGE;
  case HX_ERR_UNKNOWN_TYPE:
    return PROTO_E_UNKNOWN_TYPE;
  case HX_ERR_BAD_VERSION:
    return PROTO_E_BAD_VERSION;
  default:
    return PROTO_E_INTERNAL;
  }
}

json_t *proto_msg_error(json_int_t id, enum proto_error code, const char *message)
{
  json_t *msg = json_object();
  if (!msg)
    return NULL;
  int bad = json_object_set_new(msg, "type", json_string("error"));
  if (id >= 0)
    bad |= json_object_set_new(msg, "id", json_integer(id));
  bad |= json_object_set_new(msg, "code", json_string(proto_error_code(code)));
  bad |= json_object_set_new(msg, "message",
                             json_string(message ? message : proto_error_code(code)));
  if (bad) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

int proto_b64_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
  if (len > (size_t)INT_MAX / 4 * 3 - 3)
    return HX_ERR_TOO_BIG;
  size_t need = (len + 2) / 3 * 4 + 1;
  if (cap < need)
    return HX_ERR_FULL;
  if (len == 0) {
    out[0] = '\0';
    return HX_OK;
  }
  EVP_EncodeBlock((unsigned char *)out, in, (int)len);
  return HX_OK;
}

static int b64_value(char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* EVP_DecodeBlock skips whitespace, ignores padding and always writes whole
 * triples, so the text is checked here first: canonical padded base64 only,
 * with the unused bits of the last character zero. */
static int b64_check(const char *in, size_t n, size_t *pad)
{
  if (n % 4)
    return HX_ERR_INVALID;
  *pad = 0;
  if (n && in[n - 1] == '=')
    *pad = in[n - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i < n - *pad; i++)
    if (b64_value(in[i]) < 0)
      return HX_ERR_INVALID;
  if (*pad == 2 && (b64_value(in[n - 3]) & 0x0f))
    return HX_ERR_INVALID;
  if (*pad == 1 && (b64_value(in[n - 2]) & 0x03))
    return HX_ERR_INVALID;
  return HX_OK;
}

int proto_b64_decode(const char *in, uint8_t *out, size_t cap, size_t *len)
{
  *len = 0;
  size_t n = strlen(in), pad;
  int err = b64_check(in, n, &pad);
  if (err != HX_OK)
    return err;
  size_t total = n / 4 * 3 - pad;
  if (total > cap)
    return HX_ERR_FULL;
  for (size_t i = 0, o = 0; i < n; i += 4) {
    unsigned char triple[3];
    if (EVP_DecodeBlock(triple, (const unsigned char *)in + i, 4) != 3)
      return HX_ERR_INVALID;
    size_t take = total - o < 3 ? total - o : 3;
    memcpy(out + o, triple, take);
    o += take;
  }
  *len = total;
  return HX_OK;
}
