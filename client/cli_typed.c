#include "cli_typed.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "a11y_text.h"
#include "cli_circle.h"
#include "cli_request.h"
#include "cli_session.h"
#include "hx_err.h"
#include "hx_util.h"
#include "proto_msg.h"

#define ROOM_BYTES 256
#define FILTER_BYTES 32
/* A typed line as printed: the server's text_max is 500 characters by
 * default, up to 4 bytes each once sanitized. */
#define TEXT_BYTES 4096
/* Our requests carry ids from here up, apart from the session's (from 1)
 * and the circle's (from 2^40), so a reply is told apart by its id. */
#define TYPED_FIRST_ID ((json_int_t)1 << 41)

static const char how_to_change[] =
    "Change it with /voice NAME, /voice rate N or /voice pitch N; /voice list for the voices.";

struct cli_typed {
  struct cli_typed_io io;
  const struct cli_circle *circle; /* not owned; may be NULL */
  struct cli_typed_settings want;  /* sent again after each join */
  json_int_t next_id;
  bool in_room;
  char room[ROOM_BYTES];
  uint64_t own_session;
  /* The voice as the server last told it. */
  bool known;
  char voice[CLI_TYPED_VOICE_BYTES];
  int rate, pitch;
  /* Replies to the requests we send after a join change nothing the
   * person asked for: they are not printed. */
  json_int_t quiet_voice_id, quiet_hear_id;
  /* The last "voices" request, and what its reply is for. */
  json_int_t voices_id;
  bool voices_show_current;
  char voices_filter[FILTER_BYTES];
};

int cli_hear_text_parse(const char *s, enum cli_hear_text *out)
{
  static const enum cli_hear_text all[] = {CLI_HEAR_VOICE, CLI_HEAR_MINE, CLI_HEAR_TEXT};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (strcasecmp(s, cli_hear_text_name(all[i])) == 0) {
      *out = all[i];
      return HX_OK;
    }
  }
  return HX_ERR_INVALID;
}

const char *cli_hear_text_name(enum cli_hear_text h)
{
  switch (h) {
  case CLI_HEAR_MINE:
    return "mine";
  case CLI_HEAR_TEXT:
    return "text";
  case CLI_HEAR_VOICE:
    break;
  }
  return "voice";
}

static const char *hear_meaning(enum cli_hear_text h)
{
  switch (h) {
  case CLI_HEAR_MINE:
    return "your own speech reads them";
  case CLI_HEAR_TEXT:
    return "printed only";
  case CLI_HEAR_VOICE:
    break;
  }
  return "the typist's voice in the room";
}

void cli_typed_settings_default(struct cli_typed_settings *s)
{
  memset(s, 0, sizeof *s);
  s->hear = CLI_HEAR_VOICE;
  s->pitch = -1;
}

int cli_typed_create(const struct cli_typed_io *io, const struct cli_typed_settings *settings,
                     const struct cli_circle *circle, struct cli_typed **out)
{
  *out = NULL;
  struct cli_typed *t = calloc(1, sizeof *t);
  if (!t)
    return HX_ERR_NOMEM;
  t->io = *io;
  t->want = *settings;
  t->circle = circle;
  t->next_id = TYPED_FIRST_ID;
  t->quiet_voice_id = t->quiet_hear_id = t->voices_id = -1;
  *out = t;
  return HX_OK;
}

void cli_typed_destroy(struct cli_typed *t) { free(t); }

const struct cli_typed_settings *cli_typed_settings(const struct cli_typed *t)
{
  return &t->want;
}

static void print(struct cli_typed *t, const char *line) { t->io.print(t->io.userdata, line); }

__attribute__((format(printf, 2, 3))) static void printf_line(struct cli_typed *t,
                                                              const char *fmt, ...)
{
  char line[CLI_LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  print(t, line);
}

/* Sends msg (stolen) with the next id; *id_out (may be NULL) gets it. */
static int send_request(struct cli_typed *t, json_t *msg, json_int_t *id_out)
{
  if (!msg) {
    /* json_pack refuses text that is not UTF-8 (a person's typing). */
    print(t, "Cannot send that: the text is not valid UTF-8.");
    return HX_OK;
  }
  json_int_t id = t->next_id++;
  int rc = cli_request_send(t->io.send, t->io.userdata, msg, id);
  if (rc == HX_OK && id_out)
    *id_out = id;
  return rc;
}

/* The "voice" request for the set fields of s; NULL when none is set. */
static json_t *voice_request(const struct cli_typed_settings *s)
{
  if (!s->voice[0] && s->rate <= 0 && s->pitch < 0)
    return NULL;
  json_t *msg = json_pack("{s:s}", "type", "voice");
  if (msg && s->voice[0])
    json_object_set_new(msg, "voice", json_string(s->voice));
  if (msg && s->rate > 0)
    json_object_set_new(msg, "rate", json_integer(s->rate));
  if (msg && s->pitch >= 0)
    json_object_set_new(msg, "pitch", json_integer(s->pitch));
  return msg;
}

/* --- the person's commands --- */

static const char *skip_space(const char *s)
{
  while (*s && isspace((unsigned char)*s))
    s++;
  return s;
}

int cli_typed_say(struct cli_typed *t, const char *text)
{
  if (!*skip_space(text))
    return HX_OK;
  return send_request(t, json_pack("{s:s,s:s}", "type", "say", "text", text), NULL);
}

int cli_typed_stop(struct cli_typed *t)
{
  return send_request(t, json_pack("{s:s}", "type", "say_stop"), NULL);
}

/* The next word of *s into out (cut at cap - 1; *cut says so). */
static void take_word(const char **s, char *out, size_t cap, bool *cut)
{
  const char *p = skip_space(*s);
  size_t n = 0;
  while (p[n] && !isspace((unsigned char)p[n]))
    n++;
  *cut = n >= cap;
  size_t keep = n < cap ? n : cap - 1;
  memcpy(out, p, keep);
  out[keep] = '\0';
  *s = skip_space(p + n);
}

static void print_current(struct cli_typed *t)
{
  char voice[CLI_TYPED_VOICE_BYTES];
  a11y_text_sanitize(voice, sizeof voice, t->voice);
  printf_line(t, "Typed voice %s, %d words a minute, pitch %d. %s", voice, t->rate, t->pitch,
              how_to_change);
}

static int ask_voices(struct cli_typed *t, bool show_current, const char *filter)
{
  t->voices_show_current = show_current;
  hx_strlcpy(t->voices_filter, filter, sizeof t->voices_filter);
  return send_request(t, json_pack("{s:s}", "type", "voices"), &t->voices_id);
}

/* "NAME [rate N] [pitch N]", "rate N", "pitch N" into s; false on a
 * mistake. */
static bool parse_voice_change(const char *args, struct cli_typed_settings *s)
{
  char word[CLI_TYPED_VOICE_BYTES], number[16];
  bool cut;
  const char *p = args;
  take_word(&p, word, sizeof word, &cut);
  if (cut)
    return false;
  if (strcasecmp(word, "rate") != 0 && strcasecmp(word, "pitch") != 0) {
    hx_strlcpy(s->voice, word, sizeof s->voice);
    take_word(&p, word, sizeof word, &cut);
  }
  while (*word) {
    bool is_rate = strcasecmp(word, "rate") == 0;
    if (!is_rate && strcasecmp(word, "pitch") != 0)
      return false;
    take_word(&p, number, sizeof number, &cut);
    long v;
    if (cut || hx_parse_long(number, is_rate ? CLI_TYPED_RATE_MIN : 0,
                             is_rate ? CLI_TYPED_RATE_MAX : CLI_TYPED_PITCH_MAX, &v) != HX_OK)
      return false;
    if (is_rate)
      s->rate = (int)v;
    else
      s->pitch = (int)v;
    take_word(&p, word, sizeof word, &cut);
  }
  return true;
}

int cli_typed_voice(struct cli_typed *t, const char *args)
{
  args = skip_space(args);
  if (!*args) {
    if (t->known) {
      print_current(t);
      return HX_OK;
    }
    return ask_voices(t, true, "");
  }
  char word[FILTER_BYTES];
  bool cut;
  const char *rest = args;
  take_word(&rest, word, sizeof word, &cut);
  if (strcasecmp(word, "list") == 0) {
    char filter[FILTER_BYTES];
    take_word(&rest, filter, sizeof filter, &cut);
    if (cut || *rest) {
      print(t, "/voice list takes one language or nothing, for example /voice list en.");
      return HX_OK;
    }
    return ask_voices(t, false, filter);
  }
  struct cli_typed_settings change;
  cli_typed_settings_default(&change);
  if (!parse_voice_change(args, &change)) {
    print(t, "/voice takes a voice name, rate N (80 to 450) and pitch N (0 to 100), for "
             "example /voice en+f3 rate 160. /voice list shows the voices.");
    return HX_OK;
  }
  if (change.voice[0])
    hx_strlcpy(t->want.voice, change.voice, sizeof t->want.voice);
  if (change.rate > 0)
    t->want.rate = change.rate;
  if (change.pitch >= 0)
    t->want.pitch = change.pitch;
  if (!t->in_room) {
    print(t, "Typed voice kept for your next join.");
    return HX_OK;
  }
  /* Only what was typed: the server keeps the rest of the setting. */
  return send_request(t, voice_request(&change), NULL);
}

int cli_typed_hear(struct cli_typed *t, const char *args)
{
  char word[16];
  bool cut;
  const char *rest = args;
  take_word(&rest, word, sizeof word, &cut);
  if (!*word) {
    printf_line(t, "Typed lines heard as %s. Choose /hear-text voice (the typist's voice in "
                   "the room), mine (your own speech reads them) or text (printed only).",
                cli_hear_text_name(t->want.hear));
    return HX_OK;
  }
  enum cli_hear_text h;
  if (cut || *rest || cli_hear_text_parse(word, &h) != HX_OK) {
    print(t, "/hear-text takes voice, mine or text.");
    return HX_OK;
  }
  t->want.hear = h;
  if (!t->in_room) {
    printf_line(t, "Typed lines heard as %s from your next join.", cli_hear_text_name(h));
    return HX_OK;
  }
  return send_request(t, json_pack("{s:s,s:s}", "type", "hear_text", "mode",
                                   cli_hear_text_name(h)),
                      NULL);
}

/* --- the server's messages --- */

static void on_joined(struct cli_typed *t, const json_t *msg)
{
  json_int_t session = proto_msg_int(msg, "session", -1);
  const char *room = proto_msg_str(msg, "room", NULL);
  if (!room || session < 0)
    return;
  t->in_room = true;
  t->own_session = (uint64_t)session;
  hx_strlcpy(t->room, room, sizeof t->room);
  /* The server starts every member at its defaults. */
  if (t->want.hear != CLI_HEAR_VOICE)
    send_request(t, json_pack("{s:s,s:s}", "type", "hear_text", "mode",
                              cli_hear_text_name(t->want.hear)),
                 &t->quiet_hear_id);
  json_t *voice = voice_request(&t->want);
  if (voice)
    send_request(t, voice, &t->quiet_voice_id);
}

static void on_text(struct cli_typed *t, const json_t *msg)
{
  const char *room = proto_msg_str(msg, "room", NULL);
  const char *text = proto_msg_str(msg, "text", NULL);
  json_int_t session = proto_msg_int(msg, "session", -1);
  if (!t->in_room || !text || (room && strcmp(room, t->room) != 0))
    return;
  bool self = session >= 0 && (uint64_t)session == t->own_session;
  /* A block silences a person's text too (cli_circle.h). */
  if (!self && session >= 0 && t->circle && cli_circle_blocked(t->circle, (uint64_t)session))
    return;
  const char *name = proto_msg_str(msg, "name", NULL);
  char shown_name[CLI_NAME_BYTES], shown_text[TEXT_BYTES], line[CLI_NAME_BYTES + TEXT_BYTES + 2];
  a11y_text_sanitize(shown_name, sizeof shown_name, self ? "You" : name ? name : "Someone");
  a11y_text_sanitize(shown_text, sizeof shown_text, text);
  snprintf(line, sizeof line, "%s: %s", shown_name, shown_text);
  /* With hear-text voice our own speech stays quiet, as the room audio
   * carries the line; unless the server could not speak it. */
  bool unspoken = proto_msg_bool(msg, "spoken", 1) == 0;
  struct cli_typed_line tl = {
      .name = name,
      .text = text,
      .line = line,
      .self = self,
      .speak = t->want.hear == CLI_HEAR_MINE || (t->want.hear == CLI_HEAR_VOICE && unspoken)};
  if (t->io.text)
    t->io.text(t->io.userdata, &tl);
  else
    print(t, line);
}

static void on_said(struct cli_typed *t, const json_t *msg)
{
  const char *waiting = proto_msg_str(msg, "waiting", NULL);
  if (waiting && strcmp(waiting, "floor") == 0)
    print(t, "Waiting for the floor; your words are kept.");
}

static void on_say_stop(struct cli_typed *t, const json_t *msg)
{
  json_int_t n = proto_msg_int(msg, "cancelled", 0);
  if (n <= 0)
    print(t, "Nothing to stop.");
  else
    printf_line(t, "Stopped %lld %s.", (long long)n, n == 1 ? "line" : "lines");
}

/* Keeps the voice setting from a "voice" reply or a "voices" reply's
 * "voice"; false when it holds none. */
static bool read_voice(struct cli_typed *t, const json_t *o)
{
  const char *voice = proto_msg_str(o, "voice", NULL);
  json_int_t rate = proto_msg_int(o, "rate", -1);
  json_int_t pitch = proto_msg_int(o, "pitch", -1);
  if (!voice || rate < 0 || rate > 10000 || pitch < 0 || pitch > 10000)
    return false;
  t->known = true;
  hx_strlcpy(t->voice, voice, sizeof t->voice);
  t->rate = (int)rate;
  t->pitch = (int)pitch;
  return true;
}

static void on_voice(struct cli_typed *t, const json_t *msg)
{
  if (!read_voice(t, msg))
    return;
  /* The whole setting is what the next join asks for again. */
  hx_strlcpy(t->want.voice, t->voice, sizeof t->want.voice);
  t->want.rate = t->rate;
  t->want.pitch = t->pitch;
  if (proto_msg_id(msg) == t->quiet_voice_id)
    return;
  char voice[CLI_TYPED_VOICE_BYTES];
  a11y_text_sanitize(voice, sizeof voice, t->voice);
  printf_line(t, "Typed voice %s, %d words a minute, pitch %d.", voice, t->rate, t->pitch);
}

/* Voice names start with their language ("en-us", "de"). */
static bool language_matches(const char *name, const char *filter)
{
  return strncasecmp(name, filter, strlen(filter)) == 0;
}

/* Appends "SEP item" (or "item" first); false when the line is full. */
static bool append(char *line, size_t cap, size_t *used, const char *sep, const char *item)
{
  int n = snprintf(line + *used, cap - *used, "%s%s", *used ? sep : "", item);
  if (n < 0 || (size_t)n >= cap - *used) {
    line[*used] = '\0';
    return false;
  }
  *used += (size_t)n;
  return true;
}

/* One line with the count, one with the names, one with the variants. */
static void print_voices(struct cli_typed *t, const json_t *msg, const char *filter)
{
  const json_t *voices = json_object_get(msg, "voices");
  char shown_filter[FILTER_BYTES];
  a11y_text_sanitize(shown_filter, sizeof shown_filter, filter);
  char line[CLI_LINE_MAX];
  size_t used = 0, count = 0, listed = 0;
  size_t i;
  const json_t *v;
  json_array_foreach(voices, i, v)
  {
    const char *name = proto_msg_str(v, "name", NULL);
    const char *description = proto_msg_str(v, "description", "");
    if (!name || !language_matches(name, filter))
      continue;
    count++;
    char item[3 * CLI_TYPED_VOICE_BYTES + 4], shown_name[CLI_TYPED_VOICE_BYTES],
        shown_description[2 * CLI_TYPED_VOICE_BYTES];
    a11y_text_sanitize(shown_name, sizeof shown_name, name);
    a11y_text_sanitize(shown_description, sizeof shown_description, description);
    /* "en-us: English (America)": the name first, as /voice takes it. */
    if (*description)
      snprintf(item, sizeof item, "%s: %s", shown_name, shown_description);
    else
      snprintf(item, sizeof item, "%s", shown_name);
    /* Room is kept for "and N more." */
    if (used + strlen(item) + 32 < sizeof line && append(line, sizeof line, &used, "; ", item))
      listed++;
  }
  if (count == 0) {
    if (*filter)
      printf_line(t, "No voices for %s. Type /voice list for all of them.", shown_filter);
    else
      print(t, "No voices on this server.");
    return;
  }
  printf_line(t, "%zu %s%s%s.", count, count == 1 ? "voice" : "voices", *filter ? " for " : "",
              shown_filter);
  if (listed < count)
    snprintf(line + used, sizeof line - used, "; and %zu more.", count - listed);
  else
    snprintf(line + used, sizeof line - used, ".");
  print(t, line);
  const json_t *variants = json_object_get(msg, "variants");
  char first[CLI_TYPED_VOICE_BYTES] = "";
  used = 0;
  json_array_foreach(variants, i, v)
  {
    char shown[CLI_TYPED_VOICE_BYTES];
    if (!json_is_string(v))
      continue;
    a11y_text_sanitize(shown, sizeof shown, json_string_value(v));
    if (used + strlen(shown) + 80 >= sizeof line ||
        !append(line, sizeof line, &used, ", ", shown))
      break;
    if (!first[0])
      hx_strlcpy(first, shown, sizeof first);
  }
  if (used > 0)
    printf_line(t, "Variants: %s. Add one with +, for example /voice en+%s.", line, first);
}

static void on_voices(struct cli_typed *t, const json_t *msg)
{
  bool ours = proto_msg_id(msg) == t->voices_id;
  const json_t *voice = json_object_get(msg, "voice");
  bool have_voice = json_is_object(voice) && read_voice(t, voice);
  if (ours && t->voices_show_current) {
    if (have_voice)
      print_current(t);
    else
      print(t, "The server did not say which voice is yours.");
    return;
  }
  print_voices(t, msg, ours ? t->voices_filter : "");
}

static void on_hear_text(struct cli_typed *t, const json_t *msg)
{
  enum cli_hear_text h;
  if (cli_hear_text_parse(proto_msg_str(msg, "mode", ""), &h) != HX_OK)
    return;
  t->want.hear = h;
  if (proto_msg_id(msg) == t->quiet_hear_id)
    return;
  printf_line(t, "Typed lines heard as %s: %s.", cli_hear_text_name(h), hear_meaning(h));
}

static int on_event(struct cli_typed *t, const json_t *msg)
{
  const char *event = proto_msg_str(msg, "event", "");
  if (strcmp(event, "text") == 0) {
    on_text(t, msg);
    return HX_OK;
  }
  json_int_t session = proto_msg_int(msg, "session", -1);
  if ((strcmp(event, "left") == 0 && session >= 0 && (uint64_t)session == t->own_session) ||
      cli_circle_ends_room(msg))
    t->in_room = false;
  return HX_ERR_NOT_FOUND;
}

int cli_typed_handle(struct cli_typed *t, const json_t *msg)
{
  const char *type = proto_msg_type(msg);
  if (!type)
    return HX_ERR_BAD_MESSAGE;
  if (strcmp(type, "event") == 0)
    return on_event(t, msg);
  if (strcmp(type, "joined") == 0)
    on_joined(t, msg);
  else if (strcmp(type, "left") == 0)
    t->in_room = false;
  else if (strcmp(type, "said") == 0)
    on_said(t, msg);
  else if (strcmp(type, "say_stop") == 0)
    on_say_stop(t, msg);
  else if (strcmp(type, "voice") == 0)
    on_voice(t, msg);
  else if (strcmp(type, "voices") == 0)
    on_voices(t, msg);
  else if (strcmp(type, "hear_text") == 0)
    on_hear_text(t, msg);
  else
    return HX_ERR_NOT_FOUND;
  return HX_OK;
}
