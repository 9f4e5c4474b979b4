#include "a11y_text.h"

#include <stdint.h>
#include <stdio.h>

const char *a11y_text_people(int count) { return count == 1 ? "person" : "people"; }

int a11y_text_event(const struct a11y_event_info *ev, char *out, size_t cap)
{
  char name[128], room[128], detail[256];
  a11y_text_sanitize(name, sizeof name, ev->name ? ev->name : "Someone");
  a11y_text_sanitize(room, sizeof room, ev->room ? ev->room : "the room");
  a11y_text_sanitize(detail, sizeof detail, ev->detail ? ev->detail : "");
  int n = ev->count;
  switch (ev->event) {
  case A11Y_EV_CONNECTED:
    return snprintf(out, cap, "Connected to %s.", name);
  case A11Y_EV_YOU_JOINED:
    if (n <= 1)
      return snprintf(out, cap, "You joined %s. Nobody else is here.", room);
    return snprintf(out, cap, "You joined %s. %d %s here.", room, n, a11y_text_people(n));
  case A11Y_EV_JOINED:
    return snprintf(out, cap, "%s joined %s. %d %s here.", name, room, n, a11y_text_people(n));
  case A11Y_EV_LEFT:
    return snprintf(out, cap, "%s left %s. %d %s here.", name, room, n, a11y_text_people(n));
  case A11Y_EV_YOU_LEFT:
    return snprintf(out, cap, "You left %s.", room);
  case A11Y_EV_SPEAKING:
    return snprintf(out, cap, ev->on ? "%s speaking." : "%s stopped speaking.", name);
  case A11Y_EV_MUTED:
    if (ev->self)
      return snprintf(out, cap, ev->on ? "Muted. Nobody hears you." : "Unmuted. You can be heard.");
    return snprintf(out, cap, ev->on ? "%s muted." : "%s unmuted.", name);
  case A11Y_EV_DISCONNECTED:
    return snprintf(out, cap, "Disconnected: %s", detail);
  case A11Y_EV_SHUTDOWN:
    return snprintf(out, cap, "Server closing: %s", detail);
  }
  return snprintf(out, cap, "Something happened.");
}

/* Length of the UTF-8 sequence starting at s, or 0 if it is not valid. */
static size_t utf8_sequence(const unsigned char *s)
{
  unsigned char c = s[0];
  size_t len;
  uint32_t cp;
  if (c < 0x80)
    return 1;
  if ((c & 0xe0) == 0xc0)
    len = 2, cp = c & 0x1f;
  else if ((c & 0xf0) == 0xe0)
    len = 3, cp = c & 0x0f;
  else if ((c & 0xf8) == 0xf0)
    len = 4, cp = c & 0x07;
  else
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  static const uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  /* C1 controls (U+0080..U+009F) act as terminal escapes too. */
  if (cp < 0xa0)
    return 0;
  return len;
}

void a11y_text_sanitize(char *out, size_t cap, const char *in)
{
  if (cap == 0)
    return;
  const unsigned char *s = (const unsigned char *)in;
  size_t o = 0;
  while (*s) {
    size_t len = utf8_sequence(s);
    if (len == 1 && (*s < 0x20 || *s == 0x7f))
      len = 0;
    size_t take = len ? len : 1;
    if (o + (len ? len : 1) >= cap)
      break;
    if (len) {
      for (size_t i = 0; i < len; i++)
        out[o++] = (char)s[i];
    } else {
      out[o++] = '?';
    }
    s += take;
  }
  out[o] = '\0';
}
