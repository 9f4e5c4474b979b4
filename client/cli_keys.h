/* The keymap: one key per action a person does often (talk, mute, who is
 * speaking, ...). Each action is also a /command, so a key only ever types
 * its command for the person. Keys are named the way people say them
 * ("Alt+m", "Ctrl+t", "F5", "none") in /keys and the config file, and turned
 * into the bytes a terminal sends (xterm conventions) for readline.
 * Pure functions and a plain struct: thread-safe. */
#ifndef CLI_KEYS_H
#define CLI_KEYS_H

#include <stddef.h>

#define CLI_KEY_NAME_MAX 16 /* "Alt+m", "F12", "none" */
#define CLI_KEY_SEQ_MAX 8   /* "\033[24~" and its NUL */

enum cli_key_action {
  CLI_KEY_TALK,
  CLI_KEY_MUTE,
  CLI_KEY_SPEAKING,
  CLI_KEY_WHO,
  CLI_KEY_HAND,
  CLI_KEY_REPEAT,
  CLI_KEY_SILENCE,
  CLI_KEY_SPEECH_DOWN,
  CLI_KEY_SPEECH_UP,
  CLI_KEY_CUES_DOWN,
  CLI_KEY_CUES_UP,
  CLI_KEY_ROOM_DOWN,
  CLI_KEY_ROOM_UP,
  CLI_KEY_HELP,
  CLI_KEY_KEYS,
  CLI_KEY_COUNT
};

struct cli_keymap {
  char key[CLI_KEY_COUNT][CLI_KEY_NAME_MAX]; /* canonical name, or "none" */
};

void cli_keymap_default(struct cli_keymap *km);

/* The action's name in the config file's [keys] section ("talk",
 * "speech-up"), the command the key runs ("/mute toggle") and what it does
 * ("mute or unmute"). */
const char *cli_key_action_name(enum cli_key_action a);
const char *cli_key_action_command(enum cli_key_action a);
const char *cli_key_action_help(enum cli_key_action a);
/* HX_ERR_NOT_FOUND for a name that is no action. */
int cli_key_action_find(const char *name, enum cli_key_action *out);

/* A key name to its canonical spelling ("alt+M" -> "Alt+M", "f5" -> "F5")
 * and the bytes the terminal sends for it. HX_ERR_INVALID with a sentence in
 * why for a name that is not a key, or a key the line editor needs itself
 * (Ctrl+m is Enter). seq may be NULL. "none" gives an empty sequence. */
int cli_key_parse(const char *name, char canonical[CLI_KEY_NAME_MAX],
                  char seq[CLI_KEY_SEQ_MAX], char *why, size_t why_cap);

/* Binds action a to the key name (or "none"). HX_ERR_INVALID (keymap
 * unchanged, a sentence in why) for a bad name or a key another action
 * already has. */
int cli_keymap_bind(struct cli_keymap *km, enum cli_key_action a, const char *name, char *why,
                    size_t why_cap);

/* The /keys line for a: "Alt+m: mute or unmute (/mute toggle)." */
void cli_keymap_line(const struct cli_keymap *km, enum cli_key_action a, char *out, size_t cap);

#endif
