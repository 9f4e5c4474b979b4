#include "cli_front.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "a11y_text.h"
#include "hx_err.h"
#include "hx_util.h"

#define NO_CUE (-1)

struct cli_front {
  enum cli_ui_mode mode;
  bool every_event;
  FILE *out;
  struct cli_ui *ui; /* not owned; NULL until attached */
  struct cli_config cfg;
  bool speech_on;
  char last[CLI_UI_LINE_MAX]; /* the last announcement, for /repeat */
};

int cli_front_create(enum cli_ui_mode mode, bool every_event, FILE *out,
                     const struct cli_config *cfg, struct cli_front **front)
{
  *front = NULL;
  struct cli_front *f = calloc(1, sizeof *f);
  if (!f)
    return HX_ERR_NOMEM;
  f->mode = mode;
  f->every_event = every_event;
  f->out = out;
  f->cfg = *cfg;
  f->speech_on = strcmp(cfg->backend, "none") != 0;
  *front = f;
  return HX_OK;
}

void cli_front_destroy(struct cli_front *f) { free(f); }
void cli_front_attach(struct cli_front *f, struct cli_ui *ui) { f->ui = ui; }
const struct cli_config *cli_front_config(const struct cli_front *f) { return &f->cfg; }

static void emit(struct cli_front *f, const char *line)
{
  if (f->ui) {
    cli_ui_print(f->ui, line);
  } else {
    fprintf(f->out, "%s\n", line);
    fflush(f->out);
  }
}

/* One JSON object a line; jansson escapes what needs it. */
static void emit_json(struct cli_front *f, json_t *obj)
{
  char *text = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
  if (text)
    emit(f, text);
  free(text);
  json_decref(obj);
}

void cli_front_print(struct cli_front *f, const char *line)
{
  if (f->mode == CLI_UI_JSON)
    emit_json(f, json_pack("{s:s,s:s}", "type", "info", "text", line));
  else
    emit(f, line);
}

static const char *event_name(const struct a11y_event_info *ev)
{
  switch (ev->event) {
  case A11Y_EV_CONNECTED:
    return "connected";
  case A11Y_EV_YOU_JOINED:
    return "you-joined";
  case A11Y_EV_JOINED:
    return "joined";
  case A11Y_EV_LEFT:
    return "left";
  case A11Y_EV_YOU_LEFT:
    return "you-left";
  case A11Y_EV_SPEAKING:
    return ev->on ? "speaking" : "stopped-speaking";
  case A11Y_EV_MUTED:
    return ev->on ? "muted" : "unmuted";
  case A11Y_EV_DISCONNECTED:
    return "disconnected";
  case A11Y_EV_SHUTDOWN:
    return "shutdown";
  }
  return "other";
}

/* The cue event whose mapping decides; NO_CUE for events that answer the
 * person's own action or state, which are always printed. */
static int cue_event(const struct a11y_event_info *ev)
{
  switch (ev->event) {
  case A11Y_EV_JOINED:
    return A11Y_CUE_JOIN;
  case A11Y_EV_LEFT:
    return A11Y_CUE_LEAVE;
  case A11Y_EV_SPEAKING:
    return A11Y_CUE_SPEAKING_START;
  case A11Y_EV_MUTED:
    return ev->self ? (ev->on ? A11Y_CUE_MUTED : A11Y_CUE_UNMUTED) : NO_CUE;
  case A11Y_EV_DISCONNECTED:
    return A11Y_CUE_CONNECTION_LOST;
  case A11Y_EV_SHUTDOWN:
    return A11Y_CUE_ROOM_CLOSING;
  default:
    return NO_CUE;
  }
}

static void event_json(struct cli_front *f, const struct a11y_event_info *ev, const char *line)
{
  json_t *o = json_pack("{s:s,s:s,s:s}", "type", "event", "event", event_name(ev), "text", line);
  if (o && ev->name)
    json_object_set_new(o, "name", json_string(ev->name));
  if (o && ev->room)
    json_object_set_new(o, "room", json_string(ev->room));
  if (o && (ev->event == A11Y_EV_JOINED || ev->event == A11Y_EV_LEFT ||
            ev->event == A11Y_EV_YOU_JOINED))
    json_object_set_new(o, "count", json_integer(ev->count));
  if (o && ev->event == A11Y_EV_MUTED)
    json_object_set_new(o, "self", json_boolean(ev->self));
  emit_json(f, o);
}

void cli_front_event(struct cli_front *f, const struct a11y_event_info *ev, const char *line)
{
  int cue = cue_event(ev);
  unsigned outputs = A11Y_CUE_TEXT;
  char rendered[CLI_UI_LINE_MAX];
  const char *sentence = line;
  if (cue != NO_CUE) {
    outputs = f->cfg.cues.map[cue];
    /* "Stopped speaking" is only ever a line: a sound or a voice for it
     * would talk over the next speaker. */
    if (ev->event == A11Y_EV_SPEAKING && !ev->on) {
      outputs &= A11Y_CUE_TEXT;
    } else {
      struct a11y_cue_info info = {
          .name = ev->name, .room = ev->room, .text = ev->detail, .count = ev->count};
      a11y_cues_render(&f->cfg.cues, (enum a11y_cue_event)cue, &info, rendered,
                       sizeof rendered);
      sentence = rendered;
    }
    if (ev->self || f->every_event)
      outputs |= A11Y_CUE_TEXT;
  }
  hx_strlcpy(f->last, sentence, sizeof f->last);
  if (f->mode == CLI_UI_JSON)
    event_json(f, ev, sentence);
  else if (outputs & A11Y_CUE_TEXT)
    emit(f, sentence);
}

/* --- commands --- */

__attribute__((format(printf, 2, 3))) static void sayf(struct cli_front *f, const char *fmt, ...)
{
  char line[CLI_UI_LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  cli_front_print(f, line);
}

static void list_cues(struct cli_front *f)
{
  sayf(f, "Cues: %s preset.", a11y_cues_preset_name(f->cfg.preset));
  for (size_t i = 0; i < A11Y_CUE_EVENT_COUNT; i++) {
    char how[64];
    a11y_cues_mapping_format(f->cfg.cues.map[i], how, sizeof how);
    sayf(f, "%s: %s.", a11y_cues_event_name((enum a11y_cue_event)i), how);
  }
}

static void change_volume(struct cli_front *f, const struct cli_command *cmd)
{
  static const char *const names[] = {"Speech", "Cues", "Room"};
  int *level = cmd->target == CLI_VOLUME_SPEECH ? &f->cfg.volume
               : cmd->target == CLI_VOLUME_CUES ? &f->cfg.cues_volume
                                                 : &f->cfg.room_volume;
  int v = cmd->step ? *level + cmd->step * CLI_CONFIG_VOLUME_STEP : cmd->level;
  *level = v < 0 ? 0 : v > 100 ? 100 : v;
  sayf(f, "%s volume %d percent.", names[cmd->target], *level);
}

bool cli_front_command(struct cli_front *f, const struct cli_command *cmd)
{
  char how[64];
  switch (cmd->kind) {
  case CLI_CMD_REPEAT:
    cli_front_print(f, f->last[0] ? f->last : "Nothing announced yet.");
    return true;
  case CLI_CMD_SILENCE:
    /* Nothing is spoken until the speech output is attached; silence is
     * then its cancel, and says nothing itself. */
    return true;
  case CLI_CMD_HAND:
    cli_front_print(f, "Hands are not available in this room yet.");
    return true;
  case CLI_CMD_VOLUME:
    change_volume(f, cmd);
    return true;
  case CLI_CMD_SPEECH:
    f->speech_on = cmd->on;
    cli_front_print(f, cmd->on ? "Speech on." : "Speech off.");
    return true;
  case CLI_CMD_RATE:
    f->cfg.rate = cmd->level;
    sayf(f, "Speech rate %d words a minute.", cmd->level);
    return true;
  case CLI_CMD_VOICE:
    hx_strlcpy(f->cfg.voice, cmd->arg, sizeof f->cfg.voice);
    sayf(f, "Voice %s.", f->cfg.voice);
    return true;
  case CLI_CMD_CUE:
    f->cfg.cues.map[cmd->event] = cmd->outputs;
    f->cfg.cue_set[cmd->event] = true;
    a11y_cues_mapping_format(cmd->outputs, how, sizeof how);
    sayf(f, "%s: %s.", a11y_cues_event_name(cmd->event), how);
    return true;
  case CLI_CMD_CUES:
    if (cmd->has_preset) {
      cli_config_set_preset(&f->cfg, cmd->preset);
      sayf(f, "Cues: %s preset.", a11y_cues_preset_name(cmd->preset));
    } else {
      list_cues(f);
    }
    return true;
  case CLI_CMD_KEYS:
    cli_front_print(f, "Keys:");
    for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
      char line[256];
      cli_keymap_line(&f->cfg.keys, (enum cli_key_action)a, line, sizeof line);
      cli_front_print(f, line);
    }
    return true;
  default:
    return false;
  }
}
