/* The commands a person types (or a script holds), parsed into a small
 * struct. Pure functions, thread-safe. */
#ifndef CLI_COMMAND_H
#define CLI_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "a11y_cues.h"

#define CLI_COMMAND_ARG_MAX 256

enum cli_command_kind {
  CLI_CMD_NONE,    /* empty line, or a # comment in a script: nothing to do */
  CLI_CMD_WHO,
  CLI_CMD_MUTE,
  CLI_CMD_UNMUTE,
  CLI_CMD_JOIN,    /* arg: the room */
  CLI_CMD_LEAVE,
  CLI_CMD_ROOMS,
  CLI_CMD_STATS,
  CLI_CMD_QUIT,
  CLI_CMD_HELP,
  CLI_CMD_WAIT,    /* seconds */
  CLI_CMD_USAGE,   /* a known command used wrongly; arg: the usage sentence */
  CLI_CMD_UNKNOWN, /* arg: the command word as typed, e.g. "/x" */
  CLI_CMD_SAY,     /* a typed line (not starting with '/'), or /say TEXT; text */
  CLI_CMD_MUTE_TOGGLE, /* /mute toggle: the mute key */
  CLI_CMD_TALK,        /* start or stop talking (toggle transmit) */
  CLI_CMD_SPEAKING,    /* who is speaking, who spoke last */
  CLI_CMD_HAND,        /* raise or lower the hand */
  CLI_CMD_REPEAT,      /* the last announcement again */
  CLI_CMD_SILENCE,     /* stop speech now */
  CLI_CMD_VOLUME,      /* target: what; step: -1 down, +1 up, 0 set to level */
  CLI_CMD_KEYS,        /* the keymap */
  CLI_CMD_CUE,         /* event; outputs: A11Y_CUE_* bits */
  CLI_CMD_CUES,        /* list, or apply preset when has_preset */
  CLI_CMD_SPEECH,      /* on: speech on or off */
  CLI_CMD_RATE,        /* level: words per minute */
  CLI_CMD_VOICE,       /* /speech voice NAME; arg: the voice name */
  CLI_CMD_CUE_SOUND,   /* event; arg: a WAV file, or "" for the built-in earcon */
  CLI_CMD_SEATS,       /* on: voices in their seats, or all in the middle */
  CLI_CMD_RAISE_HAND,  /* a lone "!" */
  CLI_CMD_DONE,        /* /done or a lone "[done]": end our turn */
  CLI_CMD_SAY_STOP,    /* /stop: cancel our typed lines not yet spoken */
  CLI_CMD_TEXT_VOICE,  /* /voice ...: the typed-speech voice; text: what follows */
  CLI_CMD_HEAR_TEXT,   /* /hear-text ...: text: what follows */
  CLI_CMD_TYPING,      /* /typing on|off: has_on, on; /typing alone: say which */
};

enum cli_volume_target { CLI_VOLUME_SPEECH, CLI_VOLUME_CUES, CLI_VOLUME_ROOM };

struct cli_command {
  enum cli_command_kind kind;
  char arg[CLI_COMMAND_ARG_MAX];
  double seconds;
  enum cli_volume_target target;
  int step;          /* /volume: -1, +1, or 0 with level */
  int level;         /* /volume N (percent), /rate N (words per minute) */
  enum a11y_cue_event event;   /* /cue, /cue-sound */
  unsigned outputs;            /* /cue: A11Y_CUE_* bits */
  bool has_preset;             /* /cues PRESET */
  enum a11y_cue_preset preset; /* /cues PRESET */
  bool on;           /* /speech on|off, /seats on|off, /typing on|off */
  bool has_on;       /* /typing: on or off was given */
  /* CLI_CMD_SAY, _TEXT_VOICE, _HEAR_TEXT: points into the parsed line (not
   * owned, lives as long as it), white space at its start skipped. */
  const char *text;
};

/* Parses one line (without its newline). script: lines starting with '#'
 * are comments. Always fills *out; returns HX_OK, or HX_ERR_INVALID when
 * out->kind is CLI_CMD_USAGE or CLI_CMD_UNKNOWN. */
int cli_command_parse(const char *line, bool script, struct cli_command *out);

/* Whether a line still being written will be typed words rather than a
 * command: something other than white space is there, and it does not
 * start with '/'. A lone "!" or "[done]" cannot be told apart yet. */
bool cli_command_draft_is_typed(const char *draft);

/* The /help text, one command a line; NULL after the last. */
const char *cli_command_help_line(size_t i);

#endif
