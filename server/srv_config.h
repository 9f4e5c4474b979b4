/* hearthd settings: defaults, the INI-like config file ("key = value" lines,
 * "#" comments) and the data directory. Command-line options are applied
 * with srv_config_set after the file, so they win. Not thread-safe. */
#ifndef SRV_CONFIG_H
#define SRV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_log.h"

#define SRV_CONFIG_FILE_MAX (1024 * 1024)
#define SRV_CONFIG_PATH_MAX 4096

struct srv_config {
  char listen[256];                   /* "host[:port]" */
  char data_dir[SRV_CONFIG_PATH_MAX]; /* "" until set or defaulted */
  char motd[512];
  unsigned room_limit;
  enum hx_log_level log_level;
  bool room_create_operator; /* room_create = operator */
  unsigned shutdown_grace;   /* seconds between the SIGTERM notice and the close */
  unsigned text_max;         /* characters in a typed line */
};

#define SRV_SHUTDOWN_GRACE_DEFAULT 5
#define SRV_SHUTDOWN_GRACE_MAX 600

void srv_config_defaults(struct srv_config *c);
/* Sets one key (listen, data_dir, motd, room_limit, log_level,
 * room_create, shutdown_grace, text_max) from text.
 * HX_ERR_NOT_FOUND for an unknown key, HX_ERR_INVALID for a bad value; why
 * gets a sentence either way. */
int srv_config_set(struct srv_config *c, const char *key, const char *value, char *why,
                   size_t why_cap);
/* Applies config text; on error err gets "NAME:LINE: what is wrong" and
 * nothing after that line is applied. */
int srv_config_parse(struct srv_config *c, const char *text, size_t len, const char *name,
                     char *err, size_t err_cap);
/* Reads and applies a file (at most SRV_CONFIG_FILE_MAX bytes). */
int srv_config_load(struct srv_config *c, const char *path, char *err, size_t err_cap);

/* $HEARTH_DATA_DIR, else $XDG_DATA_HOME/hearth, else $HOME/.local/share/hearth,
 * else (no HOME, as for a root service) ./hearth-data. */
int srv_config_default_data_dir(char *out, size_t cap);
/* Creates the directory and any missing parents with mode 0700. */
int srv_config_make_dir(const char *path);
/* "debug", "info", "warning" (or "warn"), "error". */
int srv_config_parse_level(const char *s, enum hx_log_level *out);

#endif
