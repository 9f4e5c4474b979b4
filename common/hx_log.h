/* Logging. Libraries never print: they call hx_log(), and the executable
 * installs a sink. Without a sink, messages at HX_LOG_WARN and above go to
 * stderr. Thread-safe: the sink is set once at start-up, before threads. */
#ifndef HX_LOG_H
#define HX_LOG_H

#include <stddef.h>
#include <stdint.h>

enum hx_log_level { HX_LOG_DEBUG, HX_LOG_INFO, HX_LOG_WARN, HX_LOG_ERROR };

typedef void (*hx_log_sink)(void *userdata, enum hx_log_level level,
                            const char *module, const char *message);

void hx_log_set_sink(hx_log_sink sink, void *userdata);
/* Messages below this level are dropped before formatting. */
void hx_log_set_level(enum hx_log_level level);
void hx_log(enum hx_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *hx_log_level_name(enum hx_log_level level);

/* Writes a printable, escaped prefix of untrusted bytes into out (always
 * NUL-terminated), at most cap-1 characters, so a log line can show what
 * arrived without passing terminal escapes or megabytes through. */
void hx_log_escape(char *out, size_t cap, const uint8_t *buf, size_t len);

#endif
