/* Typed speech on the client (docs/protocol.md, "Typed speech"): typed
 * lines and /stop, /voice and /hear-text turned into requests; the
 * server's "text" events turned into one printed line each ("Ada: I'm
 * here."); and the person's typed-speech settings, sent again after every
 * join. Plain functions with no sockets, like cli_circle: the session feeds
 * it every server message after its own handling. Main (loop) thread
 * only; the settings functions are pure and thread-safe. */
#ifndef CLI_TYPED_H
#define CLI_TYPED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* How a person hears the lines others type. */
enum cli_hear_text {
  CLI_HEAR_VOICE, /* the server speaks them into our room audio (default) */
  CLI_HEAR_MINE,  /* the server sends only the line; our own speech reads it */
  CLI_HEAR_TEXT,  /* printed only */
};

/* "voice" | "mine" | "text" (ASCII case ignored); HX_ERR_INVALID else. */
int cli_hear_text_parse(const char *s, enum cli_hear_text *out);
const char *cli_hear_text_name(enum cli_hear_text h);

#define CLI_TYPED_VOICE_BYTES 64
#define CLI_TYPED_RATE_MIN 80
#define CLI_TYPED_RATE_MAX 450
#define CLI_TYPED_PITCH_MAX 100

/* hearth.conf [text]. Unset values leave the server's own default. */
struct cli_typed_settings {
  enum cli_hear_text hear;
  char voice[CLI_TYPED_VOICE_BYTES]; /* "" = unset; "en+f3" names a variant */
  int rate;                          /* 0 = unset, else words per minute */
  int pitch;                         /* -1 = unset, else 0..100 */
};

void cli_typed_settings_default(struct cli_typed_settings *s);

/* One typed line as it reached us. */
struct cli_typed_line {
  const char *name; /* the typist, raw from the network (may be NULL) */
  const char *text; /* raw from the network */
  const char *line; /* "Ada: ..." or "You: ...", sanitized, to print */
  bool self;        /* we typed it */
  bool speak;       /* hear-text mine: our own speech reads it */
};

struct cli_circle;
struct cli_typed;

struct cli_typed_io {
  /* One finished line for the person (no newline): answers and notices. */
  void (*print)(void *userdata, const char *line);
  /* A typed line of the room; the place where it is told and maybe
   * spoken. NULL: tl->line goes to print. */
  void (*text)(void *userdata, const struct cli_typed_line *tl);
  /* One encoded control message, "\n" included. */
  int (*send)(void *userdata, const char *data, size_t len);
  void *userdata;
};

/* settings are copied. circle (may be NULL, not owned) says whom we
 * blocked: their lines are dropped unseen. */
int cli_typed_create(const struct cli_typed_io *io, const struct cli_typed_settings *settings,
                     const struct cli_circle *circle, struct cli_typed **out);
void cli_typed_destroy(struct cli_typed *t);

/* A typed line (or /say TEXT): sends "say". Nothing is sent for a line of
 * white space only. */
int cli_typed_say(struct cli_typed *t, const char *text);
/* /stop: cancels our lines not yet spoken. */
int cli_typed_stop(struct cli_typed *t);
/* /voice with what followed it: "" shows the voice, "list [LANG]" asks for
 * the voices, "NAME [rate N] [pitch N]", "rate N" and "pitch N" change it.
 * A mistake is told as one line; HX_OK then too. */
int cli_typed_voice(struct cli_typed *t, const char *args);
/* /hear-text with what followed it: "" says the mode, else voice, mine or
 * text. */
int cli_typed_hear(struct cli_typed *t, const char *args);

/* One message from the server, after the session has handled it.
 * HX_ERR_NOT_FOUND when it meant nothing to typed speech. */
int cli_typed_handle(struct cli_typed *t, const json_t *msg);

/* The settings as they stand (changed by /voice and /hear-text). */
const struct cli_typed_settings *cli_typed_settings(const struct cli_typed *t);

#endif
