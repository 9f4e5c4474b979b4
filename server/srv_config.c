#include "srv_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hx_err.h"
#include "hx_util.h"
#include "srv.h"
#include "srv_speech.h"

void srv_config_defaults(struct srv_config *c)
{
  memset(c, 0, sizeof *c);
  snprintf(c->listen, sizeof c->listen, "0.0.0.0:%d", SRV_DEFAULT_PORT);
  hx_strlcpy(c->motd, SRV_MOTD_DEFAULT, sizeof c->motd);
  c->room_limit = SRV_ROOM_LIMIT_DEFAULT;
  c->log_level = HX_LOG_INFO;
  c->shutdown_grace = SRV_SHUTDOWN_GRACE_DEFAULT;
  c->text_max = SRV_SPEECH_TEXT_MAX_DEFAULT;
}

int srv_config_parse_level(const char *s, enum hx_log_level *out)
{
  static const struct {
    const char *name;
    enum hx_log_level level;
  } levels[] = {{"debug", HX_LOG_DEBUG}, {"info", HX_LOG_INFO},   {"warning", HX_LOG_WARN},
                {"warn", HX_LOG_WARN},   {"error", HX_LOG_ERROR}};
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
    if (strcmp(s, levels[i].name) == 0) {
      *out = levels[i].level;
      return HX_OK;
    }
  }
  return HX_ERR_INVALID;
}

int srv_config_set(struct srv_config *c, const char *key, const char *value, char *why,
                   size_t why_cap)
{
  if (strcmp(key, "listen") == 0) {
    char host[256];
    uint16_t port;
    if (hx_parse_hostport(value, host, sizeof host, &port, SRV_DEFAULT_PORT) != HX_OK ||
        hx_strlcpy(c->listen, value, sizeof c->listen) != HX_OK) {
      snprintf(why, why_cap, "listen must be ADDRESS or ADDRESS:PORT (port 1-65535), not \"%s\"",
               value);
      return HX_ERR_INVALID;
    }
  } else if (strcmp(key, "data_dir") == 0) {
    if (!*value || hx_strlcpy(c->data_dir, value, sizeof c->data_dir) != HX_OK) {
      snprintf(why, why_cap, "data_dir must be a directory path of 1 to %d bytes",
               SRV_CONFIG_PATH_MAX - 1);
      return HX_ERR_INVALID;
    }
  } else if (strcmp(key, "motd") == 0) {
    if (hx_strlcpy(c->motd, value, sizeof c->motd) != HX_OK) {
      snprintf(why, why_cap, "motd is longer than %zu bytes", sizeof c->motd - 1);
      return HX_ERR_INVALID;
    }
  } else if (strcmp(key, "room_limit") == 0) {
    long v;
    if (hx_parse_long(value, 1, SRV_ROOM_LIMIT_MAX, &v) != HX_OK) {
      snprintf(why, why_cap, "room_limit must be a whole number from 1 to %d, not \"%s\"",
               SRV_ROOM_LIMIT_MAX, value);
      return HX_ERR_INVALID;
    }
    c->room_limit = (unsigned)v;
  } else if (strcmp(key, "log_level") == 0) {
    if (srv_config_parse_level(value, &c->log_level) != HX_OK) {
      snprintf(why, why_cap, "log_level must be debug, info, warning or error, not \"%s\"",
               value);
      return HX_ERR_INVALID;
    }
  } else if (strcmp(key, "room_create") == 0) {
    if (strcmp(value, "identified") != 0 && strcmp(value, "operator") != 0) {
      snprintf(why, why_cap, "room_create must be identified or operator, not \"%s\"", value);
      return HX_ERR_INVALID;
    }
    c->room_create_operator = strcmp(value, "operator") == 0;
  } else if (strcmp(key, "shutdown_grace") == 0) {
    long v;
    if (hx_parse_long(value, 0, SRV_SHUTDOWN_GRACE_MAX, &v) != HX_OK) {
      snprintf(why, why_cap, "shutdown_grace must be whole seconds from 0 to %d, not \"%s\"",
               SRV_SHUTDOWN_GRACE_MAX, value);
      return HX_ERR_INVALID;
    }
    c->shutdown_grace = (unsigned)v;
  } else if (strcmp(key, "text_max") == 0) {
    long v;
    if (hx_parse_long(value, 1, SRV_SPEECH_TEXT_MAX_LIMIT, &v) != HX_OK) {
      snprintf(why, why_cap, "text_max must be a whole number of characters from 1 to %d, not \"%s\"",
               SRV_SPEECH_TEXT_MAX_LIMIT, value);
      return HX_ERR_INVALID;
    }
    c->text_max = (unsigned)v;
  } else {
    snprintf(why, why_cap,
             "unknown setting \"%s\"; the settings are listen, data_dir, motd, room_limit, "
             "log_level, room_create, shutdown_grace and text_max",
             key);
    return HX_ERR_NOT_FOUND;
  }
  return HX_OK;
}

static char *trim(char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

/* One line, NUL-terminated and writable. */
static int parse_line(struct srv_config *c, char *line, char *why, size_t why_cap)
{
  char *s = trim(line);
  if (*s == '\0' || *s == '#')
    return HX_OK;
  char *eq = strchr(s, '=');
  if (!eq) {
    snprintf(why, why_cap, "expected \"key = value\"");
    return HX_ERR_INVALID;
  }
  *eq = '\0';
  char *key = trim(s);
  char *value = trim(eq + 1);
  size_t n = strlen(value);
  /* Quotes keep leading or trailing spaces, e.g. in a motd. */
  if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
    value[n - 1] = '\0';
    value++;
  }
  if (*key == '\0') {
    snprintf(why, why_cap, "a setting name is missing before \"=\"");
    return HX_ERR_INVALID;
  }
  return srv_config_set(c, key, value, why, why_cap);
}

int srv_config_parse(struct srv_config *c, const char *text, size_t len, const char *name,
                     char *err, size_t err_cap)
{
  char line[4096 + 256];
  size_t lineno = 0;
  size_t pos = 0;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    char why[512];
    int rc = HX_OK;
    lineno++;
    if (n >= sizeof line) {
      snprintf(why, sizeof why, "the line is longer than %zu bytes", sizeof line - 1);
      rc = HX_ERR_TOO_BIG;
    } else if (memchr(text + pos, '\0', n)) {
      snprintf(why, sizeof why, "the line holds a NUL byte; is this a text file?");
      rc = HX_ERR_INVALID;
    } else {
      memcpy(line, text + pos, n);
      line[n] = '\0';
      rc = parse_line(c, line, why, sizeof why);
    }
    if (rc != HX_OK) {
      snprintf(err, err_cap, "%s:%zu: %s", name, lineno, why);
      return rc;
    }
    pos += n + (nl ? 1 : 0);
  }
  return HX_OK;
}

int srv_config_load(struct srv_config *c, const char *path, char *err, size_t err_cap)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, err_cap, "%s: cannot open the config file: %s", path, strerror(errno));
    return HX_ERR_IO;
  }
  char *text = malloc(SRV_CONFIG_FILE_MAX + 1);
  if (!text) {
    fclose(f);
    snprintf(err, err_cap, "%s: out of memory", path);
    return HX_ERR_NOMEM;
  }
  size_t len = fread(text, 1, SRV_CONFIG_FILE_MAX + 1, f);
  int failed = ferror(f);
  fclose(f);
  int rc;
  if (failed) {
    snprintf(err, err_cap, "%s: cannot read the config file", path);
    rc = HX_ERR_IO;
  } else if (len > SRV_CONFIG_FILE_MAX) {
    snprintf(err, err_cap, "%s: the config file is larger than %d bytes", path,
             SRV_CONFIG_FILE_MAX);
    rc = HX_ERR_TOO_BIG;
  } else {
    rc = srv_config_parse(c, text, len, path, err, err_cap);
  }
  free(text);
  return rc;
}

int srv_config_default_data_dir(char *out, size_t cap)
{
  const char *env = getenv("HEARTH_DATA_DIR");
  int n;
  if (env && *env) {
    n = snprintf(out, cap, "%s", env);
  } else if ((env = getenv("XDG_DATA_HOME")) && *env) {
    n = snprintf(out, cap, "%s/hearth", env);
  } else if ((env = getenv("HOME")) && *env) {
    n = snprintf(out, cap, "%s/.local/share/hearth", env);
  } else {
    n = snprintf(out, cap, "./hearth-data");
  }
  return n < 0 || (size_t)n >= cap ? HX_ERR_TOO_BIG : HX_OK;
}

int srv_config_make_dir(const char *path)
{
  if (!path || !*path || strlen(path) >= SRV_CONFIG_PATH_MAX)
    return HX_ERR_INVALID;
  return hx_mkdir_p(path);
}
