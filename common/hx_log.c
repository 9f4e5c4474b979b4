#include "hx_log.h"

#include <stdarg.h>
#include <stdio.h>

static hx_log_sink log_sink;
static void *log_userdata;
static enum hx_log_level log_min = HX_LOG_INFO;

void hx_log_set_sink(hx_log_sink sink, void *userdata)
{
  log_sink = sink;
  log_userdata = userdata;
}

void hx_log_set_level(enum hx_log_level level) { log_min = level; }

const char *hx_log_level_name(enum hx_log_level level)
{
  switch (level) {
  case HX_LOG_DEBUG:
    return "debug";
  case HX_LOG_INFO:
    return "info";
  case HX_LOG_WARN:
    return "warning";
  case HX_LOG_ERROR:
    return "error";
  }
  return "?";
}

void hx_log(enum hx_log_level level, const char *module, const char *fmt, ...)
{
  if (level < log_min)
    return;
  char message[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (log_sink) {
    log_sink(log_userdata, level, module, message);
  } else if (level >= HX_LOG_WARN) {
    fprintf(stderr, "%s: %s: %s\n", module, hx_log_level_name(level), message);
  }
}

void hx_log_escape(char *out, size_t cap, const uint8_t *buf, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  if (cap == 0)
    return;
  for (size_t i = 0; i < len; i++) {
    uint8_t c = buf[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      if (o + 1 >= cap)
        break;
      out[o++] = (char)c;
    } else {
      if (o + 4 >= cap)
        break;
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
}
