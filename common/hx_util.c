#include "hx_util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hx_err.h"

uint64_t hx_clock_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hx_sleep_ns(uint64_t ns)
{
  struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                        .tv_nsec = (long)(ns % 1000000000u)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

int hx_parse_long(const char *s, long min, long max, long *out)
{
  /* strtol would skip leading spaces and accept "+": a number from a person
   * or a file is digits, optionally after a minus sign. */
  if (!s || !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
    return HX_ERR_INVALID;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < min || v > max)
    return HX_ERR_INVALID;
  *out = v;
  return HX_OK;
}

int hx_parse_seconds(const char *s, double *out)
{
  if (!s || !*s)
    return HX_ERR_INVALID;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || v < 0 || v != v)
    return HX_ERR_INVALID;
  double scale = 1;
  if (*end == 's')
    end++;
  else if (*end == 'm')
    scale = 60, end++;
  else if (*end == 'h')
    scale = 3600, end++;
  if (*end)
    return HX_ERR_INVALID;
  *out = v * scale;
  return HX_OK;
}

int hx_parse_hostport(const char *s, char *host, size_t host_cap, uint16_t *port,
                      uint16_t default_port)
{
  if (!s || !*s || host_cap == 0)
    return HX_ERR_INVALID;
  const char *host_start = s;
  size_t host_len;
  const char *port_str = NULL;
  if (s[0] == '[') {
    const char *close = strchr(s, ']');
    if (!close)
      return HX_ERR_INVALID;
    host_start = s + 1;
    host_len = (size_t)(close - host_start);
    if (close[1] == ':')
      port_str = close + 2;
    else if (close[1])
      return HX_ERR_INVALID;
  } else {
    const char *colon = strchr(s, ':');
    if (colon && strchr(colon + 1, ':'))
      colon = NULL; /* a bare IPv6 address has no port */
    host_len = colon ? (size_t)(colon - s) : strlen(s);
    if (colon)
      port_str = colon + 1;
  }
  if (host_len == 0 || host_len >= host_cap)
    return HX_ERR_INVALID;
  memcpy(host, host_start, host_len);
  host[host_len] = '\0';
  *port = default_port;
  if (port_str) {
    long p;
    if (hx_parse_long(port_str, 1, 65535, &p) != HX_OK)
      return HX_ERR_INVALID;
    *port = (uint16_t)p;
  }
  return HX_OK;
}

int hx_strlcpy(char *dst, const char *src, size_t cap)
{
  if (cap == 0)
    return HX_ERR_TOO_BIG;
  size_t n = strlen(src);
  if (n >= cap) {
    memcpy(dst, src, cap - 1);
    dst[cap - 1] = '\0';
    return HX_ERR_TOO_BIG;
  }
  memcpy(dst, src, n + 1);
  return HX_OK;
}

/* mkdir that accepts an existing directory, but not a file in the way. */
static int make_dir(const char *dir)
{
  struct stat st;
  if (mkdir(dir, 0700) == 0)
    return HX_OK;
  if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
    return HX_OK;
  return HX_ERR_IO;
}

int hx_mkdir_p(const char *dir)
{
  char buf[4096];
  if (!dir || !*dir)
    return HX_ERR_INVALID;
  if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
    return HX_ERR_TOO_BIG;
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (make_dir(buf) != HX_OK)
      return HX_ERR_IO;
    *p = '/';
  }
  return make_dir(buf);
}

int hx_mkdir_parents(const char *path)
{
  char dir[4096];
  if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
    return HX_ERR_TOO_BIG;
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir)
    return HX_OK;
  *slash = '\0';
  return hx_mkdir_p(dir);
}
