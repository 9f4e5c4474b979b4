#include "cli_keys.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hx_err.h"
#include "hx_util.h"

/* Alt+letter by default: one chord, no clash with the screen reader's own
 * keys (Insert or CapsLock combinations) or with the terminal's F1. */
static const struct {
  const char *name;
  const char *key;
  const char *command;
  const char *help;
} actions[CLI_KEY_COUNT] = {
    [CLI_KEY_TALK] = {"talk", "Alt+t", "/talk", "start or stop talking"},
    [CLI_KEY_MUTE] = {"mute", "Alt+m", "/mute toggle", "mute or unmute"},
    [CLI_KEY_SPEAKING] = {"speaking", "Alt+s", "/speaking", "who is speaking, who spoke last"},
    [CLI_KEY_WHO] = {"who", "Alt+w", "/who", "who is here"},
    [CLI_KEY_HAND] = {"hand", "Alt+a", "/hand", "raise or lower your hand"},
    [CLI_KEY_REPEAT] = {"repeat", "Alt+r", "/repeat", "repeat the last announcement"},
    [CLI_KEY_SILENCE] = {"silence", "Alt+x", "/silence", "stop speech now"},
    [CLI_KEY_SPEECH_DOWN] = {"speech-down", "Alt+1", "/volume speech down", "speech quieter"},
    [CLI_KEY_SPEECH_UP] = {"speech-up", "Alt+2", "/volume speech up", "speech louder"},
    [CLI_KEY_CUES_DOWN] = {"cues-down", "Alt+3", "/volume cues down", "cues quieter"},
    [CLI_KEY_CUES_UP] = {"cues-up", "Alt+4", "/volume cues up", "cues louder"},
    [CLI_KEY_ROOM_DOWN] = {"room-down", "Alt+5", "/volume room down", "room quieter"},
    [CLI_KEY_ROOM_UP] = {"room-up", "Alt+6", "/volume room up", "room louder"},
    [CLI_KEY_HELP] = {"help", "Alt+h", "/help", "list the commands"},
    [CLI_KEY_KEYS] = {"keys", "Alt+k", "/keys", "list the keys"},
};

/* xterm's function keys, which most terminal emulators send too. */
static const char *const function_keys[12] = {
    "\033OP",   "\033OQ",   "\033OR",   "\033OS",   "\033[15~", "\033[17~",
    "\033[18~", "\033[19~", "\033[20~", "\033[21~", "\033[23~", "\033[24~",
};

void cli_keymap_default(struct cli_keymap *km)
{
  for (size_t a = 0; a < CLI_KEY_COUNT; a++)
    hx_strlcpy(km->key[a], actions[a].key, sizeof km->key[a]);
}

const char *cli_key_action_name(enum cli_key_action a) { return actions[a].name; }
const char *cli_key_action_command(enum cli_key_action a) { return actions[a].command; }
const char *cli_key_action_help(enum cli_key_action a) { return actions[a].help; }

int cli_key_action_find(const char *name, enum cli_key_action *out)
{
  for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
    if (strcasecmp(name, actions[a].name) == 0) {
      *out = (enum cli_key_action)a;
      return HX_OK;
    }
  }
  return HX_ERR_NOT_FOUND;
}

static int bad(char *why, size_t cap, const char *name, const char *reason)
{
  snprintf(why, cap, "\"%s\" %s", name, reason);
  return HX_ERR_INVALID;
}

int cli_key_parse(const char *name, char canonical[CLI_KEY_NAME_MAX],
                  char seq[CLI_KEY_SEQ_MAX], char *why, size_t why_cap)
{
  char bytes[CLI_KEY_SEQ_MAX] = "";
  char canon[CLI_KEY_NAME_MAX];
  static const char usage[] = "is not a key: use Alt+LETTER, Ctrl+LETTER, F1 to F12, or none";
  if (strcasecmp(name, "none") == 0) {
    hx_strlcpy(canon, "none", sizeof canon);
  } else if (strncasecmp(name, "Alt+", 4) == 0 && strlen(name) == 5 &&
             isgraph((unsigned char)name[4])) {
    /* The terminal sends Escape, then the character. */
    snprintf(canon, sizeof canon, "Alt+%c", name[4]);
    snprintf(bytes, sizeof bytes, "\033%c", name[4]);
  } else if (strncasecmp(name, "Ctrl+", 5) == 0 && strlen(name) == 6 &&
             isalpha((unsigned char)name[5])) {
    char c = (char)tolower((unsigned char)name[5]);
    /* These are Tab, Enter, Backspace and the line feed: the line editor
     * cannot give them up. */
    if (c == 'i' || c == 'm' || c == 'h' || c == 'j')
      return bad(why, why_cap, name, "is needed for typing (Tab, Enter or Backspace); choose "
                 "another key");
    snprintf(canon, sizeof canon, "Ctrl+%c", c);
    bytes[0] = (char)(c & 0x1f);
    bytes[1] = '\0';
  } else if ((name[0] == 'F' || name[0] == 'f') && isdigit((unsigned char)name[1])) {
    long n;
    if (hx_parse_long(name + 1, 1, 12, &n) != HX_OK)
      return bad(why, why_cap, name, usage);
    snprintf(canon, sizeof canon, "F%ld", n);
    hx_strlcpy(bytes, function_keys[n - 1], sizeof bytes);
  } else {
    return bad(why, why_cap, name, usage);
  }
  hx_strlcpy(canonical, canon, CLI_KEY_NAME_MAX);
  if (seq)
    hx_strlcpy(seq, bytes, CLI_KEY_SEQ_MAX);
  return HX_OK;
}

int cli_keymap_bind(struct cli_keymap *km, enum cli_key_action a, const char *name, char *why,
                    size_t why_cap)
{
  char canon[CLI_KEY_NAME_MAX];
  int rc = cli_key_parse(name, canon, NULL, why, why_cap);
  if (rc != HX_OK)
    return rc;
  if (strcmp(canon, "none") != 0) {
    for (size_t other = 0; other < CLI_KEY_COUNT; other++) {
      if (other != a && strcmp(km->key[other], canon) == 0) {
        snprintf(why, why_cap, "%s is already the %s key; unbind it first (%s = none)", canon,
                 actions[other].name, actions[other].name);
        return HX_ERR_INVALID;
      }
    }
  }
  hx_strlcpy(km->key[a], canon, sizeof km->key[a]);
  return HX_OK;
}

void cli_keymap_line(const struct cli_keymap *km, enum cli_key_action a, char *out, size_t cap)
{
  if (strcmp(km->key[a], "none") == 0)
    snprintf(out, cap, "No key: %s (%s).", actions[a].help, actions[a].command);
  else
    snprintf(out, cap, "%s: %s (%s).", km->key[a], actions[a].help, actions[a].command);
}
