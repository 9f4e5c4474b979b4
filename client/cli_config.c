#include "cli_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "a11y_text.h"
#include "hx_err.h"
#include "hx_util.h"

void cli_config_set_preset(struct cli_config *c, enum a11y_cue_preset p)
{
  c->preset = p;
  a11y_cues_apply_preset(&c->cues, p);
  memset(c->cue_set, 0, sizeof c->cue_set);
}

void cli_config_base_preset(struct cli_config *c, enum a11y_cue_preset p)
{
  c->preset = p;
  for (size_t i = 0; i < A11Y_CUE_EVENT_COUNT; i++)
    if (!c->cue_set[i])
      c->cues.map[i] = a11y_cues_preset_mapping(p, (enum a11y_cue_event)i);
}

void cli_config_defaults(struct cli_config *c)
{
  memset(c, 0, sizeof *c);
  c->room_volume = 100;
  hx_strlcpy(c->backend, "espeak", sizeof c->backend);
  hx_strlcpy(c->language, "en", sizeof c->language);
  c->rate = 175;
  c->pitch = 50;
  c->volume = 100;
  c->cues_volume = 70;
  c->preset = A11Y_CUE_NORMAL;
  a11y_cues_init(&c->cues, A11Y_CUE_NORMAL);
  cli_keymap_default(&c->keys);
  cli_typed_settings_default(&c->text);
}

/* --- parsing --- */

enum section { SEC_NONE, SEC_AUDIO, SEC_SPEECH, SEC_CUES, SEC_KEYS, SEC_TEXT, SEC_UNKNOWN };

struct parser {
  struct cli_config *c;
  const char *label;
  cli_config_error_fn on_error;
  void *userdata;
  int errors;
  size_t line_no;
  enum section section;
};

__attribute__((format(printf, 2, 3))) static void complain(struct parser *p, const char *fmt,
                                                            ...)
{
  char what[600], line[800];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(line, sizeof line, "%s line %zu: %s", p->label, p->line_no, what);
  p->errors++;
  if (p->on_error)
    p->on_error(p->userdata, line);
}

/* A value from the file, made safe to repeat in an error sentence. */
static void shown(char *out, size_t cap, const char *value)
{
  char clean[96];
  a11y_text_sanitize(clean, sizeof clean, value);
  snprintf(out, cap, "\"%s\"%s", clean, strlen(value) > 80 ? "..." : "");
}

static void set_int(struct parser *p, const char *key, const char *value, long min, long max,
                    int *field)
{
  long v;
  if (hx_parse_long(value, min, max, &v) == HX_OK) {
    *field = (int)v;
    return;
  }
  char s[128];
  shown(s, sizeof s, value);
  complain(p, "%s %s is not a number from %ld to %ld; keeping %d.", key, s, min, max, *field);
}

static void set_on_off(struct parser *p, const char *key, const char *value, bool *field)
{
  if (strcasecmp(value, "on") == 0 || strcasecmp(value, "off") == 0) {
    *field = strcasecmp(value, "on") == 0;
    return;
  }
  char s[128];
  shown(s, sizeof s, value);
  complain(p, "%s %s is not on or off; keeping %s.", key, s, *field ? "on" : "off");
}

static void set_text(struct parser *p, const char *key, const char *value, char *field,
                     size_t cap)
{
  char clean[CLI_CONFIG_LINE_MAX];
  a11y_text_sanitize(clean, sizeof clean, value);
  if (strcmp(clean, value) != 0 || strlen(value) >= cap) {
    complain(p, "%s is too long or has control characters (at most %zu bytes); keeping the "
             "default.", key, cap - 1);
    return;
  }
  hx_strlcpy(field, value, cap);
}

static bool key_is(const char *key, const char *name) { return strcasecmp(key, name) == 0; }

static void unknown_key(struct parser *p, const char *key, const char *section,
                        const char *known)
{
  char s[128];
  shown(s, sizeof s, key);
  complain(p, "unknown setting %s in [%s]; the settings there are %s.", s, section, known);
}

static void audio_setting(struct parser *p, const char *key, const char *value)
{
  struct cli_config *c = p->c;
  if (key_is(key, "input"))
    set_text(p, key, value, c->input, sizeof c->input);
  else if (key_is(key, "output"))
    set_text(p, key, value, c->output, sizeof c->output);
  else if (key_is(key, "room-volume"))
    set_int(p, key, value, 0, 100, &c->room_volume);
  else if (key_is(key, "seats"))
    set_on_off(p, key, value, &c->seats);
  else
    unknown_key(p, key, "audio", "input, output, room-volume and seats");
}

static void speech_setting(struct parser *p, const char *key, const char *value)
{
  struct cli_config *c = p->c;
  if (key_is(key, "backend")) {
    if (strcasecmp(value, "espeak") == 0 || strcasecmp(value, "speechd") == 0 ||
        strcasecmp(value, "none") == 0) {
      hx_strlcpy(c->backend, value, sizeof c->backend);
      for (char *q = c->backend; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    } else {
      char s[128];
      shown(s, sizeof s, value);
      complain(p, "backend %s is not espeak, speechd or none; keeping %s.", s, c->backend);
    }
  } else if (key_is(key, "voice")) {
    set_text(p, key, value, c->voice, sizeof c->voice);
  } else if (key_is(key, "language")) {
    set_text(p, key, value, c->language, sizeof c->language);
  } else if (key_is(key, "rate")) {
    set_int(p, key, value, 80, 450, &c->rate);
  } else if (key_is(key, "pitch")) {
    set_int(p, key, value, 0, 100, &c->pitch);
  } else if (key_is(key, "volume")) {
    set_int(p, key, value, 0, 100, &c->volume);
  } else {
    unknown_key(p, key, "speech", "backend, voice, language, rate, pitch and volume");
  }
}

static const char event_list[] = "join, leave, speaking-start, hand-raised, your-turn, "
                                 "turn-ending, muted-by-host, text-message, room-closing, "
                                 "connection-lost, connection-back, muted, unmuted, knock, "
                                 "room-news and typing";

static void cues_setting(struct parser *p, const char *key, const char *value)
{
  struct cli_config *c = p->c;
  enum a11y_cue_event ev;
  char s[128];
  if (key_is(key, "preset")) {
    enum a11y_cue_preset preset;
    if (a11y_cues_preset_parse(value, &preset) != HX_OK) {
      shown(s, sizeof s, value);
      complain(p, "preset %s is not quiet, normal or verbose; keeping %s.", s,
               a11y_cues_preset_name(c->preset));
      return;
    }
    /* The preset is the base; mappings set anywhere in the file win. */
    cli_config_base_preset(c, preset);
  } else if (key_is(key, "volume")) {
    set_int(p, key, value, 0, 100, &c->cues_volume);
  } else if (strncasecmp(key, "template.", 9) == 0) {
    if (a11y_cues_event_parse(key + 9, &ev) != HX_OK) {
      shown(s, sizeof s, key + 9);
      complain(p, "%s is not an event; the events are %s.", s, event_list);
      return;
    }
    char clean[CLI_CONFIG_LINE_MAX];
    a11y_text_sanitize(clean, sizeof clean, value);
    if (strcmp(clean, value) != 0 || a11y_cues_set_template(&c->cues, ev, value) != HX_OK)
      complain(p, "%s: a template is at most %d bytes of text and knows only {name}, {room}, "
               "{count}, {people} and {text}; keeping the default.", key,
               A11Y_CUE_TEMPLATE_MAX - 1);
  } else if (strncasecmp(key, "sound.", 6) == 0) {
    if (a11y_cues_event_parse(key + 6, &ev) != HX_OK) {
      shown(s, sizeof s, key + 6);
      complain(p, "%s is not an event; the events are %s.", s, event_list);
      return;
    }
    if (strcmp(value, "default") == 0)
      c->sound[ev][0] = '\0';
    else
      set_text(p, key, value, c->sound[ev], sizeof c->sound[ev]);
  } else if (a11y_cues_event_parse(key, &ev) == HX_OK) {
    unsigned outputs;
    if (a11y_cues_mapping_parse(value, &outputs) != HX_OK) {
      char now[64];
      a11y_cues_mapping_format(c->cues.map[ev], now, sizeof now);
      shown(s, sizeof s, value);
      complain(p, "%s = %s: use speech, earcon, text or nothing, joined with + (speech+text); "
               "keeping %s.", key, s, now);
      return;
    }
    c->cues.map[ev] = outputs;
    c->cue_set[ev] = true;
  } else {
    unknown_key(p, key, "cues", "preset, volume, an event name (join, leave, speaking-start, "
                "...), template.EVENT and sound.EVENT");
  }
}

static void keys_setting(struct parser *p, const char *key, const char *value)
{
  enum cli_key_action a;
  if (cli_key_action_find(key, &a) != HX_OK) {
    unknown_key(p, key, "keys", "talk, mute, speaking, who, hand, repeat, silence, speech-up, "
                "speech-down, cues-up, cues-down, room-up, room-down, help and keys");
    return;
  }
  char why[200];
  if (cli_keymap_bind(&p->c->keys, a, value, why, sizeof why) != HX_OK)
    complain(p, "%s: %s; keeping %s.", key, why, p->c->keys.key[a]);
}

static void text_setting(struct parser *p, const char *key, const char *value)
{
  struct cli_typed_settings *t = &p->c->text;
  char s[128];
  if (key_is(key, "hear")) {
    if (cli_hear_text_parse(value, &t->hear) != HX_OK) {
      shown(s, sizeof s, value);
      complain(p, "hear %s is not voice, mine or text; keeping %s.", s,
               cli_hear_text_name(t->hear));
    }
  } else if (key_is(key, "voice")) {
    if (strpbrk(value, " \t"))
      complain(p, "voice is one word, such as en or en+f3; keeping the default.");
    else
      set_text(p, key, value, t->voice, sizeof t->voice);
  } else if (key_is(key, "rate") || key_is(key, "pitch")) {
    bool rate = key_is(key, "rate");
    long min = rate ? CLI_TYPED_RATE_MIN : 0, max = rate ? CLI_TYPED_RATE_MAX : CLI_TYPED_PITCH_MAX;
    int *field = rate ? &t->rate : &t->pitch;
    long v;
    if (hx_parse_long(value, min, max, &v) == HX_OK) {
      *field = (int)v;
      return;
    }
    shown(s, sizeof s, value);
    /* Unset, the server's own default applies. */
    char now[32] = "the server's default";
    if (*field >= min)
      snprintf(now, sizeof now, "%d", *field);
    complain(p, "%s %s is not a number from %ld to %ld; keeping %s.", key, s, min, max, now);
  } else if (key_is(key, "typing")) {
    set_on_off(p, key, value, &p->c->typing);
  } else {
    unknown_key(p, key, "text", "hear, voice, rate, pitch and typing");
  }
}

static char *trim(char *s)
{
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

static void section_line(struct parser *p, char *s)
{
  char *end = strchr(s, ']');
  if (!end || *trim(end + 1) != '\0') {
    complain(p, "a section name is written [name] alone on its line.");
    p->section = SEC_UNKNOWN;
    return;
  }
  *end = '\0';
  char *name = trim(s + 1);
  static const char *const names[] = {"audio", "speech", "cues", "keys", "text"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(name, names[i]) == 0) {
      p->section = (enum section)(SEC_AUDIO + i);
      return;
    }
  }
  char sh[96];
  a11y_text_sanitize(sh, sizeof sh, name);
  complain(p, "[%s] is not a section; the sections are [audio], [speech], [cues], [keys] and "
           "[text]. Its settings are ignored.", sh);
  p->section = SEC_UNKNOWN;
}

static void handle_line(struct parser *p, char *raw)
{
  char *s = trim(raw);
  if (*s == '\0' || *s == '#' || *s == ';')
    return;
  if (*s == '[') {
    section_line(p, s);
    return;
  }
  char *eq = strchr(s, '=');
  if (!eq) {
    complain(p, "expected a setting as NAME = VALUE.");
    return;
  }
  *eq = '\0';
  char *key = trim(s);
  char *value = trim(eq + 1);
  size_t vlen = strlen(value);
  /* Quotes keep leading or trailing spaces in a template. */
  if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
    value[vlen - 1] = '\0';
    value++;
  }
  if (*key == '\0') {
    complain(p, "a setting has no name before its =.");
    return;
  }
  switch (p->section) {
  case SEC_NONE:
    complain(p, "this setting comes before any section; put it under [audio], [speech], [cues], "
             "[keys] or [text].");
    break;
  case SEC_AUDIO:
    audio_setting(p, key, value);
    break;
  case SEC_SPEECH:
    speech_setting(p, key, value);
    break;
  case SEC_CUES:
    cues_setting(p, key, value);
    break;
  case SEC_KEYS:
    keys_setting(p, key, value);
    break;
  case SEC_TEXT:
    text_setting(p, key, value);
    break;
  case SEC_UNKNOWN:
    break; /* already said once, at the section's name */
  }
}

int cli_config_parse(struct cli_config *c, const char *text, size_t len, const char *label,
                     cli_config_error_fn on_error, void *userdata, int *errors)
{
  struct parser p = {.c = c, .label = label, .on_error = on_error, .userdata = userdata};
  size_t pos = 0;
  while (pos < len) {
    p.line_no++;
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    if (n >= CLI_CONFIG_LINE_MAX) {
      complain(&p, "the line is longer than %d bytes; it is ignored.", CLI_CONFIG_LINE_MAX - 1);
    } else if (memchr(text + pos, '\0', n)) {
      complain(&p, "the line has a NUL byte; it is ignored.");
    } else {
      char line[CLI_CONFIG_LINE_MAX];
      memcpy(line, text + pos, n);
      line[n] = '\0';
      handle_line(&p, line);
    }
    pos += n + (nl ? 1 : 0);
  }
  *errors = p.errors;
  return HX_OK;
}

int cli_config_load(struct cli_config *c, const char *path, cli_config_error_fn on_error,
                    void *userdata, int *errors)
{
  *errors = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT)
      return HX_OK;
    char line[4200];
    snprintf(line, sizeof line, "Cannot read %s: %s. Using the default settings.", path,
             strerror(errno));
    *errors = 1;
    if (on_error)
      on_error(userdata, line);
    return HX_ERR_IO;
  }
  char *buf = malloc(CLI_CONFIG_FILE_MAX + 1);
  if (!buf) {
    fclose(f);
    return HX_ERR_NOMEM;
  }
  size_t len = fread(buf, 1, CLI_CONFIG_FILE_MAX + 1, f);
  bool failed = ferror(f) != 0;
  fclose(f);
  if (failed || len > CLI_CONFIG_FILE_MAX) {
    char line[4200];
    snprintf(line, sizeof line, "%s %s. Using the default settings.", path,
             failed ? "cannot be read" : "is larger than 256 KiB, too large for a settings file");
    *errors = 1;
    if (on_error)
      on_error(userdata, line);
    free(buf);
    return failed ? HX_ERR_IO : HX_ERR_TOO_BIG;
  }
  int rc = cli_config_parse(c, buf, len, path, on_error, userdata, errors);
  free(buf);
  return rc;
}

int cli_config_expand_home(const char *path, const char *home, char *out, size_t cap)
{
  if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
    return hx_strlcpy(out, path, cap);
  if (!home || !*home)
    return HX_ERR_NOT_FOUND;
  int n = snprintf(out, cap, "%s%s", home, path + 1);
  return n < 0 || (size_t)n >= cap ? HX_ERR_TOO_BIG : HX_OK;
}

int cli_config_path(const char *config_dir, const char *xdg, const char *home, char *out,
                    size_t cap)
{
  int n;
  if (config_dir && *config_dir)
    n = snprintf(out, cap, "%s/%s", config_dir, CLI_CONFIG_FILE);
  else if (xdg && *xdg)
    n = snprintf(out, cap, "%s/hearth/%s", xdg, CLI_CONFIG_FILE);
  else if (home && *home)
    n = snprintf(out, cap, "%s/.config/hearth/%s", home, CLI_CONFIG_FILE);
  else
    return HX_ERR_NOT_FOUND;
  return n < 0 || (size_t)n >= cap ? HX_ERR_TOO_BIG : HX_OK;
}
