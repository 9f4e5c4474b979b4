/* The client's settings file, hearth.conf: an INI file with the sections
 * [audio], [speech], [cues], [keys] and [text]. Parsing is a pure function over
 * bytes, so every kind of mistake can be tested and fuzzed. A mistake is
 * never fatal: it is reported through a callback as one sentence naming
 * the file and the line, and that setting keeps its default.
 * Pure functions and plain structs: thread-safe. */
#ifndef CLI_CONFIG_H
#define CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "a11y_cues.h"
#include "cli_keys.h"
#include "cli_typed.h"

#define CLI_CONFIG_FILE "hearth.conf"
#define CLI_CONFIG_LINE_MAX 1024
#define CLI_CONFIG_FILE_MAX (256 * 1024) /* a settings file is small */
#define CLI_CONFIG_VOLUME_STEP 10
#define CLI_CONFIG_PATH_MAX 256 /* a sound file's name, as /cue-sound takes it */

struct cli_config {
  /* [audio] */
  char input[256];  /* "" = the default device */
  char output[256]; /* "" = the default device */
  int room_volume;  /* percent, 0..100 */
  bool seats;       /* stereo, each person in their place; off by default */
  /* [speech] */
  char backend[16]; /* "espeak", "speechd" or "none" */
  char voice[64];   /* "" = chosen by language */
  char language[32];
  int rate;   /* words per minute, 80..450 */
  int pitch;  /* 0..100, 50 normal */
  int volume; /* speech volume, percent, 0..100 */
  /* [cues] */
  enum a11y_cue_preset preset;
  int cues_volume;                     /* percent, 0..100 */
  struct a11y_cues cues;               /* the preset, then the file's mappings */
  bool cue_set[A11Y_CUE_EVENT_COUNT];  /* mapped by the file, not the preset */
  /* sound.EVENT: the person's own WAV as written ("~/bell.wav"); "" = the
   * built-in earcon. Read when the client starts, not here. */
  char sound[A11Y_CUE_EVENT_COUNT][CLI_CONFIG_PATH_MAX];
  /* [keys] */
  struct cli_keymap keys;
  /* [text]: typed speech, sent to the server after each join */
  struct cli_typed_settings text;
  /* [text] typing: tell the room when we start writing a line (only the
   * line editor sees that); off by default */
  bool typing;
};

/* Receives one sentence per mistake: "FILE line 7: rate \"fast\" is not a
 * number from 80 to 450; keeping 175." */
typedef void (*cli_config_error_fn)(void *userdata, const char *sentence);

void cli_config_defaults(struct cli_config *c);

/* Applies the settings in text (len bytes, need not be NUL-terminated) on
 * top of *c. label names the file in error sentences. *errors counts the
 * mistakes. Returns HX_OK even when there were mistakes: they are not
 * fatal. */
int cli_config_parse(struct cli_config *c, const char *text, size_t len, const char *label,
                     cli_config_error_fn on_error, void *userdata, int *errors);

/* Reads and parses path. A missing file is no mistake (*errors 0, HX_OK).
 * A file that cannot be read or is larger than CLI_CONFIG_FILE_MAX is
 * reported through on_error and returns HX_ERR_IO or HX_ERR_TOO_BIG, with
 * *c unchanged. */
int cli_config_load(struct cli_config *c, const char *path, cli_config_error_fn on_error,
                    void *userdata, int *errors);

/* Where hearth.conf is: $HEARTH_CONFIG_DIR/hearth.conf, else
 * $XDG_CONFIG_HOME/hearth/hearth.conf, else $HOME/.config/hearth/hearth.conf.
 * Arguments are the variables' values (NULL or "" when unset).
 * HX_ERR_NOT_FOUND when none is set. */
int cli_config_path(const char *config_dir, const char *xdg, const char *home, char *out,
                    size_t cap);

/* Makes p the preset under the mappings the file set one by one (they
 * win, as they do over [cues] preset): what --cues does. */
void cli_config_base_preset(struct cli_config *c, enum a11y_cue_preset p);

/* A file name as a person writes it: "~" or "~/..." at the start is home
 * (other paths are copied as they are). HX_ERR_NOT_FOUND for "~" without
 * a home, HX_ERR_TOO_BIG when the result does not fit in cap. */
int cli_config_expand_home(const char *path, const char *home, char *out, size_t cap);

/* Sets every mapping from the preset (templates stay). */
void cli_config_set_preset(struct cli_config *c, enum a11y_cue_preset p);

#endif
