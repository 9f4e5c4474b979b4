#include "cli_front.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "a11y_text.h"
#include "cli_announce.h"
#include "cli_typed.h"
#include "hx_err.h"
#include "hx_util.h"

#define NO_CUE (-1)

struct cli_front {
  enum cli_ui_mode mode;
  bool every_event;
  FILE *out;
  struct cli_ui *ui; /* not owned; NULL until attached */
  struct cli_config cfg;
  bool speech_on;                /* /speech on|off; false without a backend */
  struct cli_announce *announce; /* owned: speech, earcons, ducking */
  char last[CLI_UI_LINE_MAX]; /* the last announcement, for /repeat */
};

__attribute__((format(printf, 2, 3))) static void sayf(struct cli_front *f, const char *fmt,
                                                        ...);

static void announce_print(void *userdata, const char *line)
{
  cli_front_print(userdata, line);
}

static void voice_of(const struct cli_config *cfg, struct a11y_tts_voice *v)
{
  a11y_tts_voice_default(v);
  hx_strlcpy(v->voice, cfg->voice, sizeof v->voice);
  hx_strlcpy(v->language, cfg->language, sizeof v->language);
  v->rate_wpm = cfg->rate;
  v->pitch = cfg->pitch;
}

/* Points ev at the person's own file (path as written; "" = the built-in
 * earcon) and says what happened. A file that cannot be used is told with
 * its name and what to do, and the event keeps the sound it had. */
static bool use_sound(struct cli_front *f, enum a11y_cue_event ev, const char *path, bool confirm)
{
  const char *name = a11y_cues_event_name(ev);
  char shown[CLI_CONFIG_PATH_MAX + 8], full[4096];
  a11y_text_sanitize(shown, sizeof shown, path);
  int rc = HX_OK;
  if (!*path) {
    cli_announce_set_sound(f->announce, ev, NULL);
  } else if (cli_config_expand_home(path, getenv("HOME"), full, sizeof full) != HX_OK) {
    sayf(f, "Cannot use %s for %s: there is no home folder for ~ (HOME is not set). Give the "
            "full path; %s keeps the sound it had.", shown, name, name);
    return false;
  } else if ((rc = cli_announce_set_sound(f->announce, ev, full)) != HX_OK) {
    sayf(f, "Cannot use %s for %s: the file %s. %s keeps the sound it had; give a 16-bit WAV "
            "file of at most 3 seconds.", shown, name, a11y_earcon_problem(rc), name);
    return false;
  }
  if (path != f->cfg.sound[ev])
    hx_strlcpy(f->cfg.sound[ev], path, sizeof f->cfg.sound[ev]);
  if (confirm && *path)
    sayf(f, "%s: own sound %s.", name, shown);
  else if (confirm)
    sayf(f, "%s: built-in sound.", name);
  return true;
}

/* Speech as the settings ask; espeak-ng that cannot start is told and
 * replaced by printed lines, never a reason not to start. */
static int open_announce(struct cli_front *f)
{
  struct cli_announce_config ac;
  cli_announce_config_default(&ac);
  voice_of(&f->cfg, &ac.voice);
  char why[160];
  a11y_tts_voice_check(&ac.voice, why, sizeof why); /* the file's values were checked */
  ac.cues = f->cfg.cues;
  ac.volume[CLI_ANNOUNCE_SPEECH] = f->cfg.volume;
  ac.volume[CLI_ANNOUNCE_CUES] = f->cfg.cues_volume;
  ac.volume[CLI_ANNOUNCE_ROOM] = f->cfg.room_volume;
  if (cli_announce_backend_parse(f->cfg.backend, &ac.backend) != HX_OK)
    ac.backend = CLI_SPEECH_NONE;
  /* Started for a person who just has it installed; one who named an
   * address (SPEECHD_ADDRESS) gets that one or none. */
  const char *address = getenv("SPEECHD_ADDRESS");
  ac.speechd_autospawn = !address || !*address;
  int rc = cli_announce_create(&ac, announce_print, f, &f->announce);
  if (rc != HX_OK && ac.backend == CLI_SPEECH_ESPEAK)
    cli_front_print(f, "Speech is off: espeak-ng cannot start (is libespeak-ng and its voice "
                       "data installed?). Events are printed instead.");
  if (rc != HX_OK && ac.backend == CLI_SPEECH_SPEECHD)
    cli_front_print(f, "speech-dispatcher is not running; announcements are printed only. "
                       "Start it or use --speech espeak.");
  if (rc != HX_OK && ac.backend != CLI_SPEECH_NONE) {
    ac.backend = CLI_SPEECH_NONE;
    rc = cli_announce_create(&ac, announce_print, f, &f->announce);
  }
  f->speech_on = rc == HX_OK && cli_announce_has_speech(f->announce);
  return rc;
}

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
  int rc = open_announce(f);
  if (rc != HX_OK) {
    cli_front_destroy(f);
    return rc;
  }
  for (size_t i = 0; i < A11Y_CUE_EVENT_COUNT; i++) {
    if (f->cfg.sound[i][0] && !use_sound(f, (enum a11y_cue_event)i, f->cfg.sound[i], false))
      f->cfg.sound[i][0] = '\0';
  }
  *front = f;
  return HX_OK;
}

void cli_front_destroy(struct cli_front *f)
{
  if (!f)
    return;
  cli_announce_destroy(f->announce);
  free(f);
}

void cli_front_attach(struct cli_front *f, struct cli_ui *ui) { f->ui = ui; }
const struct cli_config *cli_front_config(const struct cli_front *f) { return &f->cfg; }

float cli_front_mix(void *front, int16_t *frame, size_t n, int channels)
{
  struct cli_front *f = front;
  cli_announce_mix_interleaved(f->announce, frame, n, channels);
  return cli_announce_room_gain(f->announce);
}

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

/* Speech and earcon as mapped; the line is printed here, not by the
 * announcer, because a script's log and the person's own state need it
 * whatever the mapping says. */
static void tell(struct cli_front *f, int cue, unsigned outputs, const char *sentence)
{
  if (cue == NO_CUE)
    return;
  unsigned sound = outputs & A11Y_CUE_EARCON;
  if ((outputs & A11Y_CUE_SPEECH) && f->speech_on)
    sound |= A11Y_CUE_SPEECH;
  if (sound)
    cli_announce_say(f->announce, (enum a11y_cue_event)cue, sound, sentence);
}

/* Whether the line is printed: mapped to text, mapped to speech that is
 * off (the screen reader reads it instead), the person's own state, or a
 * script's log, which gets every event the person did not map themselves. */
static bool prints(const struct cli_front *f, int cue, unsigned outputs, bool self)
{
  if (cue == NO_CUE || self || (outputs & A11Y_CUE_TEXT))
    return true;
  if ((outputs & A11Y_CUE_SPEECH) && !f->speech_on)
    return true;
  return f->every_event && !f->cfg.cue_set[cue];
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
  }
  hx_strlcpy(f->last, sentence, sizeof f->last);
  if (f->mode == CLI_UI_JSON)
    event_json(f, ev, sentence);
  else if (prints(f, cue, outputs, ev->self))
    emit(f, sentence);
  tell(f, cue, outputs, sentence);
}

void cli_front_cue(void *front, enum a11y_cue_event cue, const char *line)
{
  struct cli_front *f = front;
  if ((unsigned)cue >= A11Y_CUE_EVENT_COUNT)
    return;
  unsigned outputs = f->cfg.cues.map[cue];
  hx_strlcpy(f->last, line, sizeof f->last);
  /* A circle event concerns the person or the whole room: a bot's JSON
   * log gets it as before, as an information line. */
  if (f->mode == CLI_UI_JSON || prints(f, (int)cue, outputs, false))
    cli_front_print(f, line);
  tell(f, (int)cue, outputs, line);
}

void cli_front_answer(void *front, const char *line)
{
  struct cli_front *f = front;
  hx_strlcpy(f->last, line, sizeof f->last);
  cli_front_print(f, line);
  /* Asked for, so said whatever the cue mapping: without a screen reader
   * our own speech is how the answer reaches the person. */
  if (f->speech_on && cli_announce_has_speech(f->announce))
    cli_announce_say(f->announce, A11Y_CUE_ROOM_NEWS, A11Y_CUE_SPEECH, line);
}

void cli_front_text(void *front, const struct cli_typed_line *tl)
{
  struct cli_front *f = front;
  hx_strlcpy(f->last, tl->line, sizeof f->last);
  if (f->mode == CLI_UI_JSON) {
    json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "type", "event", "event", "text", "text",
                          tl->line, "self", tl->self);
    if (o && tl->name)
      json_object_set_new(o, "name", json_string(tl->name));
    emit_json(f, o);
  } else {
    emit(f, tl->line);
  }
  unsigned outputs = tl->self ? 0 : f->cfg.cues.map[A11Y_CUE_TEXT_MESSAGE] & A11Y_CUE_EARCON;
  char spoken[CLI_UI_LINE_MAX];
  if (tl->speak && f->speech_on) {
    outputs |= A11Y_CUE_SPEECH;
    if (tl->self) {
      a11y_text_sanitize(spoken, sizeof spoken, tl->text);
    } else {
      struct a11y_cue_info info = {.name = tl->name, .text = tl->text};
      a11y_cues_render(&f->cfg.cues, A11Y_CUE_TEXT_MESSAGE, &info, spoken, sizeof spoken);
    }
  } else {
    hx_strlcpy(spoken, tl->line, sizeof spoken);
  }
  if (outputs)
    cli_announce_say(f->announce, A11Y_CUE_TEXT_MESSAGE, outputs, spoken);
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
    if (f->cfg.sound[i][0]) {
      char shown[CLI_CONFIG_PATH_MAX + 8];
      a11y_text_sanitize(shown, sizeof shown, f->cfg.sound[i]);
      sayf(f, "%s: %s; own sound %s.", a11y_cues_event_name((enum a11y_cue_event)i), how, shown);
    } else {
      sayf(f, "%s: %s.", a11y_cues_event_name((enum a11y_cue_event)i), how);
    }
  }
}

static void change_volume(struct cli_front *f, const struct cli_command *cmd)
{
  static const char *const names[] = {"Speech", "Cues", "Room"};
  static const enum cli_announce_channel channel[] = {CLI_ANNOUNCE_SPEECH, CLI_ANNOUNCE_CUES,
                                                      CLI_ANNOUNCE_ROOM};
  int *level = cmd->target == CLI_VOLUME_SPEECH ? &f->cfg.volume
               : cmd->target == CLI_VOLUME_CUES ? &f->cfg.cues_volume
                                                 : &f->cfg.room_volume;
  enum cli_announce_channel ch = channel[cmd->target];
  int was = cli_announce_volume(f->announce, ch);
  int delta = cmd->step ? cmd->step * CLI_CONFIG_VOLUME_STEP : cmd->level - was;
  cli_announce_volume_change(f->announce, ch, delta, level);
  sayf(f, "%s volume %d percent.", names[cmd->target], *level);
}

/* The voice from the settings, after /rate or /speech voice changed them. */
static void apply_voice(struct cli_front *f)
{
  struct a11y_tts_voice v;
  char why[160];
  voice_of(&f->cfg, &v);
  if (a11y_tts_voice_check(&v, why, sizeof why) != HX_OK)
    cli_front_print(f, why);
  f->cfg.rate = v.rate_wpm;
  if (cli_announce_backend(f->announce) == CLI_SPEECH_SPEECHD)
    cli_front_print(f, "speech-dispatcher speaks in its own voice and rate; change them in its "
                       "settings (spd-conf).");
  else if (cli_announce_set_voice(f->announce, &v) != HX_OK &&
           cli_announce_has_speech(f->announce))
    cli_front_print(f, "That voice cannot be used; keeping the one before.");
}

static void set_speech(struct cli_front *f, bool on)
{
  if (on && !cli_announce_has_speech(f->announce)) {
    cli_front_print(f, "Speech is not available (speech backend none); events are printed.");
    return;
  }
  f->speech_on = on;
  if (!on)
    cli_announce_silence(f->announce);
  cli_front_print(f, on ? "Speech on." : "Speech off.");
}

bool cli_front_command(struct cli_front *f, const struct cli_command *cmd)
{
  char how[64];
  switch (cmd->kind) {
  case CLI_CMD_REPEAT:
    /* Printed as well, for the screen reader and a script's log. */
    cli_front_print(f, f->last[0] ? f->last : "Nothing announced yet.");
    if (f->speech_on)
      cli_announce_repeat(f->announce);
    return true;
  case CLI_CMD_SILENCE:
    /* Silence says nothing itself: that would break the silence. */
    cli_announce_silence(f->announce);
    return true;
  case CLI_CMD_HAND:
    cli_front_print(f, "Hands are not available in this room yet.");
    return true;
  case CLI_CMD_VOLUME:
    change_volume(f, cmd);
    return true;
  case CLI_CMD_SPEECH:
    set_speech(f, cmd->on);
    return true;
  case CLI_CMD_RATE:
    f->cfg.rate = cmd->level;
    apply_voice(f);
    sayf(f, "Speech rate %d words a minute.", f->cfg.rate);
    return true;
  case CLI_CMD_VOICE:
    hx_strlcpy(f->cfg.voice, cmd->arg, sizeof f->cfg.voice);
    apply_voice(f);
    sayf(f, "Voice %s.", f->cfg.voice);
    return true;
  case CLI_CMD_CUE:
    f->cfg.cues.map[cmd->event] = cmd->outputs;
    f->cfg.cue_set[cmd->event] = true;
    cli_announce_set_cues(f->announce, &f->cfg.cues);
    a11y_cues_mapping_format(cmd->outputs, how, sizeof how);
    sayf(f, "%s: %s.", a11y_cues_event_name(cmd->event), how);
    return true;
  case CLI_CMD_CUES:
    if (cmd->has_preset) {
      cli_config_set_preset(&f->cfg, cmd->preset);
      cli_announce_set_cues(f->announce, &f->cfg.cues);
      sayf(f, "Cues: %s preset.", a11y_cues_preset_name(cmd->preset));
    } else {
      list_cues(f);
    }
    return true;
  case CLI_CMD_CUE_SOUND:
    use_sound(f, cmd->event, cmd->arg, true);
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
