#include "srv_name.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "hx_err.h"

/* Decodes one UTF-8 sequence strictly (no overlongs, no surrogates, nothing
 * past U+10FFFF). Returns its length, or 0 when invalid. */
static size_t utf8_next(const uint8_t *s, size_t len, uint32_t *cp)
{
  uint8_t c = s[0];
  size_t n;
  uint32_t v;
  uint32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xe0) == 0xc0) {
    n = 2, v = c & 0x1f, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3, v = c & 0x0f, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n > len)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
    return 0;
  *cp = v;
  return n;
}

static bool is_control(uint32_t cp)
{
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int srv_name_clean(const char *in, size_t len, char *out, size_t cap)
{
  const uint8_t *s = (const uint8_t *)in;
  size_t start = 0;
  size_t end = len;
  if (!in || !out || cap < SRV_NAME_BYTES)
    return HX_ERR_INVALID;
  while (start < end && s[start] == ' ')
    start++;
  while (end > start && s[end - 1] == ' ')
    end--;
  if (start == end)
    return HX_ERR_INVALID;
  size_t chars = 0;
  for (size_t i = start; i < end;) {
    uint32_t cp;
    size_t n = utf8_next(s + i, end - i, &cp);
    if (n == 0 || is_control(cp))
      return HX_ERR_INVALID;
    if (++chars > SRV_NAME_MAX_CHARS)
      return HX_ERR_INVALID;
    i += n;
  }
  memcpy(out, s + start, end - start);
  out[end - start] = '\0';
  return HX_OK;
}

bool srv_name_same(const char *a, const char *b) { return strcasecmp(a, b) == 0; }
