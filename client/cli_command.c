#include "cli_command.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "a11y_cues.h"
#include "hx_err.h"
#include "hx_util.h"

static const char *const help_lines[] = {
    "/who: who is in the room, and who is muted.",
    "/mute: stop sending your voice.",
    "/unmute: send your voice again.",
    "/join ROOM: leave this room and join ROOM.",
    "/leave: leave the room and stay connected.",
    "/rooms: the rooms on this server and how many people are in each.",
    "/stats: audio packet counters.",
    "/speaking: who is speaking now, and who spoke last.",
    "/talk: start or stop talking, when talk is a toggle.",
    "/mute toggle: mute if unmuted, unmute if muted.",
    "/hand: raise or lower your hand.",
    "/repeat: say the last announcement again.",
    "/silence: stop speech now.",
    "/volume speech|cues|room up|down|PERCENT: louder, quieter, or a level.",
    "/speech on|off: speak announcements, or not.",
    "/rate WORDS: speech rate in words per minute, 80 to 450.",
    "/speech voice NAME: the voice of your own speech, such as en-us.",
    "/seats on|off: each voice from its own place around you, or all from the middle.",
    "/say TEXT, or any line without /: typed words, spoken into the room in your typed voice.",
    "/done or [done] alone: end your turn. ! alone: raise your hand.",
    "/stop: drop your typed lines not yet spoken.",
    "/voice: your typed voice. /voice list [LANGUAGE], /voice NAME [rate N] [pitch N].",
    "/hear-text voice|mine|text: typed lines in the typist's voice, your own speech, or read.",
    "/typing on|off: tell the room when you start writing a line; /typing alone says which.",
    "/cues: how each event is told; /cues quiet|normal|verbose picks a preset.",
    "/cue EVENT speech|earcon|text|nothing: how one event is told; join with +.",
    "/cue-sound EVENT FILE.wav|default: your own sound for an event, or its own again.",
    "/keys: the keys and what they do.",
    "/wait SECONDS: in a script, pause before the next line (0.5 is half a second).",
    "/help: this list.",
    "/quit: leave and close Hearth.",
};

const char *cli_command_help_line(size_t i)
{
  return i < sizeof help_lines / sizeof help_lines[0] ? help_lines[i] : NULL;
}

static const char *skip_space(const char *s)
{
  while (*s && isspace((unsigned char)*s))
    s++;
  return s;
}

/* Copies s without trailing white space. */
static void copy_trimmed(char *out, size_t cap, const char *s)
{
  hx_strlcpy(out, s, cap);
  size_t n = strlen(out);
  while (n > 0 && isspace((unsigned char)out[n - 1]))
    out[--n] = '\0';
}

static int usage(struct cli_command *out, const char *sentence)
{
  out->kind = CLI_CMD_USAGE;
  hx_strlcpy(out->arg, sentence, sizeof out->arg);
  return HX_ERR_INVALID;
}

static const struct {
  const char *word;
  enum cli_command_kind kind;
} plain_commands[] = {
    {"who", CLI_CMD_WHO},     {"mute", CLI_CMD_MUTE},   {"unmute", CLI_CMD_UNMUTE},
    {"leave", CLI_CMD_LEAVE}, {"rooms", CLI_CMD_ROOMS}, {"stats", CLI_CMD_STATS},
    {"quit", CLI_CMD_QUIT},   {"help", CLI_CMD_HELP},   {"talk", CLI_CMD_TALK},
    {"speaking", CLI_CMD_SPEAKING}, {"hand", CLI_CMD_HAND}, {"repeat", CLI_CMD_REPEAT},
    {"silence", CLI_CMD_SILENCE},   {"keys", CLI_CMD_KEYS},
    {"stop", CLI_CMD_SAY_STOP},     {"done", CLI_CMD_DONE},
};

static bool word_is(const char *word, size_t len, const char *name)
{
  return strlen(name) == len && strncasecmp(word, name, len) == 0;
}

/* Splits rest into its first word (first) and what follows (after). */
static void split(const char *rest, char *first, size_t cap, const char **after)
{
  size_t n = 0;
  while (rest[n] && !isspace((unsigned char)rest[n]))
    n++;
  hx_strlcpy(first, rest, n + 1 < cap ? n + 1 : cap);
  *after = skip_space(rest + n);
}

static void parse_volume(const char *rest, struct cli_command *out)
{
  static const char sentence[] = "/volume needs speech, cues or room, then up, down or a "
                                 "percent, for example /volume speech up.";
  char what[16], how[16];
  const char *after;
  split(rest, what, sizeof what, &after);
  split(after, how, sizeof how, &after);
  long level = 0;
  if (strcasecmp(what, "speech") == 0)
    out->target = CLI_VOLUME_SPEECH;
  else if (strcasecmp(what, "cues") == 0)
    out->target = CLI_VOLUME_CUES;
  else if (strcasecmp(what, "room") == 0)
    out->target = CLI_VOLUME_ROOM;
  else {
    usage(out, sentence);
    return;
  }
  if (*after) {
    usage(out, sentence);
    return;
  }
  out->kind = CLI_CMD_VOLUME;
  if (strcasecmp(how, "up") == 0)
    out->step = 1;
  else if (strcasecmp(how, "down") == 0)
    out->step = -1;
  else if (hx_parse_long(how, 0, 100, &level) == HX_OK)
    out->level = (int)level;
  else
    usage(out, sentence);
}

static void parse_cue(const char *rest, struct cli_command *out)
{
  static const char sentence[] = "/cue needs an event and how to tell it, for example /cue "
                                 "join earcon+text. Type /cues for the events.";
  char event[64], how[64];
  const char *after;
  split(rest, event, sizeof event, &after);
  split(after, how, sizeof how, &after);
  enum a11y_cue_event ev;
  if (!*event || !*how || *after || a11y_cues_event_parse(event, &ev) != HX_OK ||
      a11y_cues_mapping_parse(how, &out->outputs) != HX_OK) {
    usage(out, sentence);
    return;
  }
  out->kind = CLI_CMD_CUE;
  out->event = ev;
}

#define CUE_SOUND_TOO_LONG "/cue-sound: that file name is too long; move the file to a shorter path."

/* The path is the rest of the line, spaces and all. */
static void parse_cue_sound(const char *rest, struct cli_command *out)
{
  static const char sentence[] = "/cue-sound needs an event and a WAV file or default, for "
                                 "example /cue-sound join ~/sounds/bell.wav.";
  char event[64];
  const char *path;
  split(rest, event, sizeof event, &path);
  enum a11y_cue_event ev;
  if (!*event || !*path || a11y_cues_event_parse(event, &ev) != HX_OK) {
    usage(out, sentence);
    return;
  }
  if (hx_strlcpy(out->arg, strcmp(path, "default") == 0 ? "" : path, sizeof out->arg) !=
      HX_OK) {
    usage(out, CUE_SOUND_TOO_LONG);
    return;
  }
  out->kind = CLI_CMD_CUE_SOUND;
  out->event = ev;
}

/* The commands that take something after them; false when word is none of
 * them. */
static bool parse_with_argument(const char *word, size_t len, const char *rest,
                                struct cli_command *out)
{
  long n;
  enum a11y_cue_preset preset = A11Y_CUE_NORMAL;
  if (word_is(word, len, "mute") && strcasecmp(rest, "toggle") == 0) {
    out->kind = CLI_CMD_MUTE_TOGGLE;
  } else if (word_is(word, len, "volume")) {
    parse_volume(rest, out);
  } else if (word_is(word, len, "cue")) {
    parse_cue(rest, out);
  } else if (word_is(word, len, "cue-sound")) {
    parse_cue_sound(rest, out);
  } else if (word_is(word, len, "cues")) {
    if (*rest && a11y_cues_preset_parse(rest, &preset) != HX_OK) {
      usage(out, "/cues takes nothing, or quiet, normal or verbose.");
    } else {
      out->kind = CLI_CMD_CUES;
      out->has_preset = *rest != '\0';
      out->preset = preset;
    }
  } else if (word_is(word, len, "speech")) {
    char what[16];
    const char *name;
    split(rest, what, sizeof what, &name);
    if (strcasecmp(rest, "on") == 0 || strcasecmp(rest, "off") == 0) {
      out->kind = CLI_CMD_SPEECH;
      out->on = strcasecmp(rest, "on") == 0;
    } else if (strcasecmp(what, "voice") == 0 && *name && strlen(name) < 64) {
      out->kind = CLI_CMD_VOICE;
      copy_trimmed(out->arg, sizeof out->arg, name);
    } else {
      usage(out, "/speech needs on, off, or voice and a voice name, for example /speech "
                 "voice en-us.");
    }
  } else if (word_is(word, len, "typing")) {
    if (!*rest || strcasecmp(rest, "on") == 0 || strcasecmp(rest, "off") == 0) {
      out->kind = CLI_CMD_TYPING;
      out->has_on = *rest != '\0';
      out->on = strcasecmp(rest, "on") == 0;
    } else {
      usage(out, "/typing takes on, off or nothing.");
    }
  } else if (word_is(word, len, "seats")) {
    if (strcasecmp(rest, "on") == 0 || strcasecmp(rest, "off") == 0) {
      out->kind = CLI_CMD_SEATS;
      out->on = strcasecmp(rest, "on") == 0;
    } else {
      usage(out, "/seats needs on or off.");
    }
  } else if (word_is(word, len, "rate")) {
    if (hx_parse_long(rest, 80, 450, &n) == HX_OK) {
      out->kind = CLI_CMD_RATE;
      out->level = (int)n;
    } else {
      usage(out, "/rate needs words per minute from 80 to 450, for example /rate 220.");
    }
  } else {
    return false;
  }
  return true;
}

/* Whether s (white space at its start skipped) is word alone, but for
 * white space after it. */
static bool alone(const char *s, const char *word)
{
  size_t n = strlen(word);
  return strncasecmp(s, word, n) == 0 && *skip_space(s + n) == '\0';
}

/* A line that is not a command: typed words, or the shorthands for the
 * floor that typing people use (docs/protocol.md, "Typed speech"). */
static int parse_typed(const char *s, struct cli_command *out)
{
  if (alone(s, "!"))
    out->kind = CLI_CMD_RAISE_HAND;
  else if (alone(s, "[done]"))
    out->kind = CLI_CMD_DONE;
  else {
    out->kind = CLI_CMD_SAY;
    out->text = s;
  }
  return HX_OK;
}

/* The typed-speech commands, whose words after them may be long (a whole
 * line for /say) and are kept in place; false when word is none of them. */
static bool parse_typed_command(const char *word, size_t len, const char *rest,
                                struct cli_command *out)
{
  if (word_is(word, len, "say")) {
    if (!*rest) {
      usage(out, "/say needs the words, for example /say I'm here.");
      return true;
    }
    out->kind = CLI_CMD_SAY;
  } else if (word_is(word, len, "voice")) {
    out->kind = CLI_CMD_TEXT_VOICE;
  } else if (word_is(word, len, "hear-text")) {
    out->kind = CLI_CMD_HEAR_TEXT;
  } else {
    return false;
  }
  out->text = rest;
  return true;
}

bool cli_command_draft_is_typed(const char *draft)
{
  const char *s = skip_space(draft);
  return *s != '\0' && *s != '/';
}

int cli_command_parse(const char *line, bool script, struct cli_command *out)
{
  memset(out, 0, sizeof *out);
  const char *s = skip_space(line);
  if (*s == '\0' || (script && *s == '#')) {
    out->kind = CLI_CMD_NONE;
    return HX_OK;
  }
  if (*s != '/')
    return parse_typed(s, out);
  const char *word = s + 1;
  size_t word_len = 0;
  while (word[word_len] && !isspace((unsigned char)word[word_len]))
    word_len++;
  const char *rest = skip_space(word + word_len);
  if (parse_typed_command(word, word_len, rest, out))
    return out->kind == CLI_CMD_USAGE ? HX_ERR_INVALID : HX_OK;

  char trimmed[CLI_COMMAND_ARG_MAX];
  /* A file name cut short would name another file. */
  if (word_is(word, word_len, "cue-sound") && strlen(rest) >= sizeof trimmed)
    return usage(out, CUE_SOUND_TOO_LONG);
  copy_trimmed(trimmed, sizeof trimmed, rest);
  if (parse_with_argument(word, word_len, trimmed, out))
    return out->kind == CLI_CMD_USAGE ? HX_ERR_INVALID : HX_OK;
  for (size_t i = 0; i < sizeof plain_commands / sizeof plain_commands[0]; i++) {
    if (strlen(plain_commands[i].word) == word_len &&
        strncasecmp(word, plain_commands[i].word, word_len) == 0) {
      out->kind = plain_commands[i].kind;
      if (*rest) {
        char sentence[96];
        snprintf(sentence, sizeof sentence, "/%s takes nothing after it.",
                 plain_commands[i].word);
        return usage(out, sentence);
      }
      return HX_OK;
    }
  }
  if (word_len == 4 && strncasecmp(word, "join", 4) == 0) {
    if (!*rest)
      return usage(out, "/join needs a room name, for example /join Lobby.");
    out->kind = CLI_CMD_JOIN;
    copy_trimmed(out->arg, sizeof out->arg, rest);
    return HX_OK;
  }
  if (word_len == 4 && strncasecmp(word, "wait", 4) == 0) {
    char arg[64];
    copy_trimmed(arg, sizeof arg, rest);
    double seconds;
    if (!*arg || hx_parse_seconds(arg, &seconds) != HX_OK || seconds > 86400)
      return usage(out, "/wait needs a number of seconds, for example /wait 0.5.");
    out->kind = CLI_CMD_WAIT;
    out->seconds = seconds;
    return HX_OK;
  }
  out->kind = CLI_CMD_UNKNOWN;
  size_t keep = word_len + 1 < sizeof out->arg ? word_len + 1 : sizeof out->arg - 1;
  memcpy(out->arg, s, keep);
  out->arg[keep] = '\0';
  return HX_ERR_INVALID;
}
