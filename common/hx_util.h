/* Small helpers: monotonic clock, checked number parsing, host:port
 * splitting, bounded string copy. Thread-safe. */
#ifndef HX_UTIL_H
#define HX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds. */
uint64_t hx_clock_ns(void);
void hx_sleep_ns(uint64_t ns);

/* Parses a whole decimal integer in [min, max]; HX_ERR_INVALID otherwise. */
int hx_parse_long(const char *s, long min, long max, long *out);
/* Parses a duration: "90", "90s", "2m", "1h", "1.5" (seconds). */
int hx_parse_seconds(const char *s, double *out);
/* Splits "host", "host:port", "[v6]:port" into host and port. The port is
 * left as default_port when absent. */
int hx_parse_hostport(const char *s, char *host, size_t host_cap, uint16_t *port,
                      uint16_t default_port);

/* mkdir -p of the directory part of path (everything before the last '/'),
 * each new directory created with mode 0700: Hearth's folders hold keys and
 * trust records, so they are private from the start. */
int hx_mkdir_parents(const char *path);
/* mkdir -p of dir itself, the same way. */
int hx_mkdir_p(const char *dir);

/* Copies a NUL-terminated string, truncating; returns HX_ERR_TOO_BIG when it
 * did not fit (dst still terminated). */
int hx_strlcpy(char *dst, const char *src, size_t cap);

#endif
