/* Command-line options of hearth: a pure parse function over argv, so the
 * good and bad spellings can be tested without starting anything.
 * Thread-safe: no global state. */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "a11y_cues.h"
#include "cli_media.h"

#define CLI_DEFAULT_PORT 7710
#define CLI_DEFAULT_ROOM "Lobby"
#define CLI_HOST_MAX 256
/* "SHA256:" + 64 hex digits + NUL, as PROTO_FINGERPRINT_LEN */
#define CLI_FINGERPRINT_LEN 72
#define CLI_DEFAULT_BITRATE_KBPS 24
#define CLI_BITRATE_MIN_KBPS 6
#define CLI_BITRATE_MAX_KBPS 128

enum cli_action {
  CLI_ACTION_RUN,
  CLI_ACTION_HELP,
  CLI_ACTION_VERSION,
  CLI_ACTION_LIST_DEVICES,
};

struct cli_options {
  enum cli_action action;
  char host[CLI_HOST_MAX];
  uint16_t port;
  const char *name;      /* points into argv */
  const char *room;      /* points into argv, or CLI_DEFAULT_ROOM */
  const char *audio_in;  /* NULL: default device */
  const char *audio_out; /* NULL: default device */
  bool no_audio;
  const char *script; /* NULL: interactive; "-": stdin */
  bool trust_new;
  bool has_fingerprint;
  char fingerprint[CLI_FINGERPRINT_LEN]; /* lowercase, when has_fingerprint */
  int frame_ms;                          /* 10 or 20 */
  /* --media-via: send media here instead of the server's media port (a
   * test relay such as tests/tools/hximpair); numeric address only. */
  bool has_media_via;
  char media_via_host[CLI_HOST_MAX];
  uint16_t media_via_port;
  int bitrate_kbps;                  /* Opus bitrate */
  enum cli_media_transmit transmit;  /* when the microphone is sent */
  bool preprocess;                   /* noise suppression on the microphone */
  bool has_seats; /* --seats given; else hearth.conf says */
  bool seats;     /* stereo output with a place for each person */
  bool verbose; /* log INFO lines, such as when the audio device started */
  /* The line interface (cli_ui_choose_mode decides with the terminal). */
  bool plain;         /* plain lines, no escape sequences, no line editor */
  bool json;          /* one JSON object per event, for bots */
  const char *config; /* NULL: the usual hearth.conf */
  const char *speech; /* NULL: as hearth.conf says; "espeak", "speechd" or "none" */
  bool has_cues;      /* --cues given: it replaces [cues] preset */
  enum a11y_cue_preset cues;
};

/* Fills *o from argv[1..argc-1]. Options take their value as the next
 * argument or after '=' (--name=Ada). On a bad or missing option returns
 * HX_ERR_INVALID with one sentence in err (no trailing newline), e.g.
 * "missing --name: say what others will hear you called". */
int cli_options_parse(int argc, char *const argv[], struct cli_options *o, char *err,
                      size_t err_cap);

/* Writes the --help text: every option and every command. */
void cli_options_usage(FILE *out);

#endif
