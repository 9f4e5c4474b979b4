#include "a11y_cues.h"

#include <stdio.h>
#include <string.h>

#include "a11y_text.h"
#include "hx_err.h"
#include "hx_util.h"

#define S A11Y_CUE_SPEECH
#define E A11Y_CUE_EARCON
#define T A11Y_CUE_TEXT

struct event_def {
  const char *name;
  const char *template;
  enum a11y_earcon_id earcon;
  bool urgent;
  unsigned preset[A11Y_CUE_PRESET_COUNT]; /* quiet, normal, verbose */
};

/* Templates for events a11y_text knows are its sentences word for word, so
 * a printed line reads the same with or without the cue layer. */
static const struct event_def events[A11Y_CUE_EVENT_COUNT] = {
    [A11Y_CUE_JOIN] = {"join", "{name} joined {room}. {people} here.", A11Y_EARCON_JOIN, false,
                       {E, S | E | T, S | E | T}},
    [A11Y_CUE_LEAVE] = {"leave", "{name} left {room}. {people} here.", A11Y_EARCON_LEAVE, false,
                        {E, S | E | T, S | E | T}},
    [A11Y_CUE_SPEAKING_START] = {"speaking-start", "{name} speaking.", A11Y_EARCON_SPEAKING,
                                 false, {0, 0, E | T}},
    [A11Y_CUE_HAND_RAISED] = {"hand-raised", "{name} raised a hand.", A11Y_EARCON_HAND_RAISED,
                              false, {E, E | T, S | E | T}},
    [A11Y_CUE_YOUR_TURN] = {"your-turn", "Your turn to speak.", A11Y_EARCON_YOUR_TURN, true,
                            {S | E | T, S | E | T, S | E | T}},
    [A11Y_CUE_TURN_ENDING] = {"turn-ending", "{name}'s turn is ending.", A11Y_EARCON_TURN_ENDING,
                              false, {E, E | T, S | E | T}},
    [A11Y_CUE_MUTED_BY_HOST] = {"muted-by-host", "{name} muted you. Nobody hears you.",
                                A11Y_EARCON_MUTED, true, {S | E | T, S | E | T, S | E | T}},
    [A11Y_CUE_TEXT_MESSAGE] = {"text-message", "{name} says: {text}", A11Y_EARCON_MESSAGE, false,
                               {E | T, E | T, S | E | T}},
    [A11Y_CUE_ROOM_CLOSING] = {"room-closing", "Server closing: {text}",
                               A11Y_EARCON_CONNECTION_LOST, true,
                               {S | E | T, S | E | T, S | E | T}},
    [A11Y_CUE_CONNECTION_LOST] = {"connection-lost", "Disconnected: {text}",
                                  A11Y_EARCON_CONNECTION_LOST, true,
                                  {S | E | T, S | E | T, S | E | T}},
    [A11Y_CUE_CONNECTION_BACK] = {"connection-back", "Connected to {name}.",
                                  A11Y_EARCON_CONNECTION_BACK, true,
                                  {E | T, S | E | T, S | E | T}},
    [A11Y_CUE_MUTED] = {"muted", "Muted. Nobody hears you.", A11Y_EARCON_MUTED, true,
                        {E, E | T, S | E | T}},
    [A11Y_CUE_UNMUTED] = {"unmuted", "Unmuted. You can be heard.", A11Y_EARCON_UNMUTED, true,
                          {E, E | T, S | E | T}},
    /* A knock is a person waiting: facilitators hear it in every preset. */
    [A11Y_CUE_KNOCK] = {"knock", "{name} is knocking.", A11Y_EARCON_MESSAGE, false,
                        {S | E | T, S | E | T, S | E | T}},
    [A11Y_CUE_ROOM_NEWS] = {"room-news", "{text}", A11Y_EARCON_MESSAGE, false,
                            {T, S | T, S | E | T}},
    /* A line is on its way: a soft sound says so without talking over the
     * room; its words are spoken only in verbose. */
    [A11Y_CUE_TYPING] = {"typing", "{name} is typing.", A11Y_EARCON_TYPING, false,
                         {E, E | T, S | E | T}},
};

static const char *const preset_names[A11Y_CUE_PRESET_COUNT] = {"quiet", "normal", "verbose"};
static const char *const placeholders[] = {"name", "room", "count", "people", "text"};

unsigned a11y_cues_preset_mapping(enum a11y_cue_preset preset, enum a11y_cue_event ev)
{
  if ((unsigned)preset >= A11Y_CUE_PRESET_COUNT || (unsigned)ev >= A11Y_CUE_EVENT_COUNT)
    return 0;
  return events[ev].preset[preset];
}

void a11y_cues_apply_preset(struct a11y_cues *c, enum a11y_cue_preset preset)
{
  for (int ev = 0; ev < A11Y_CUE_EVENT_COUNT; ev++)
    c->map[ev] = a11y_cues_preset_mapping(preset, (enum a11y_cue_event)ev);
}

void a11y_cues_init(struct a11y_cues *c, enum a11y_cue_preset preset)
{
  a11y_cues_apply_preset(c, preset);
  for (int ev = 0; ev < A11Y_CUE_EVENT_COUNT; ev++)
    hx_strlcpy(c->template[ev], events[ev].template, sizeof c->template[ev]);
}

int a11y_cues_preset_parse(const char *s, enum a11y_cue_preset *out)
{
  for (int p = 0; s && p < A11Y_CUE_PRESET_COUNT; p++) {
    if (strcmp(s, preset_names[p]) == 0) {
      *out = (enum a11y_cue_preset)p;
      return HX_OK;
    }
  }
  return HX_ERR_INVALID;
}

const char *a11y_cues_preset_name(enum a11y_cue_preset preset)
{
  return (unsigned)preset < A11Y_CUE_PRESET_COUNT ? preset_names[preset] : NULL;
}

int a11y_cues_event_parse(const char *s, enum a11y_cue_event *out)
{
  for (int ev = 0; s && ev < A11Y_CUE_EVENT_COUNT; ev++) {
    if (strcmp(s, events[ev].name) == 0) {
      *out = (enum a11y_cue_event)ev;
      return HX_OK;
    }
  }
  return HX_ERR_INVALID;
}

const char *a11y_cues_event_name(enum a11y_cue_event ev)
{
  return (unsigned)ev < A11Y_CUE_EVENT_COUNT ? events[ev].name : NULL;
}

static const struct {
  const char *word;
  unsigned bit;
} channels[] = {{"speech", A11Y_CUE_SPEECH}, {"earcon", A11Y_CUE_EARCON}, {"text", A11Y_CUE_TEXT}};

int a11y_cues_mapping_parse(const char *s, unsigned *out)
{
  if (!s)
    return HX_ERR_INVALID;
  if (strcmp(s, "nothing") == 0) {
    *out = 0;
    return HX_OK;
  }
  unsigned mapping = 0;
  const char *p = s;
  for (;;) {
    size_t len = strcspn(p, "+");
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++) {
      if (strlen(channels[i].word) == len && strncmp(p, channels[i].word, len) == 0)
        bit = channels[i].bit;
    }
    if (bit == 0 || (mapping & bit))
      return HX_ERR_INVALID;
    mapping |= bit;
    if (p[len] == '\0')
      break;
    p += len + 1;
  }
  *out = mapping;
  return HX_OK;
}

void a11y_cues_mapping_format(unsigned mapping, char *out, size_t cap)
{
  if (cap == 0)
    return;
  out[0] = '\0';
  size_t used = 0;
  for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++) {
    if (!(mapping & channels[i].bit))
      continue;
    int n = snprintf(out + used, cap - used, "%s%s", used ? "+" : "", channels[i].word);
    if (n < 0 || (size_t)n >= cap - used)
      return;
    used += (size_t)n;
  }
  if (used == 0)
    hx_strlcpy(out, "nothing", cap);
}

/* Index of the placeholder named by [p, p+len), or -1. */
static int placeholder_index(const char *p, size_t len)
{
  for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++) {
    if (strlen(placeholders[i]) == len && strncmp(p, placeholders[i], len) == 0)
      return (int)i;
  }
  return -1;
}

int a11y_cues_set_template(struct a11y_cues *c, enum a11y_cue_event ev, const char *tmpl)
{
  if ((unsigned)ev >= A11Y_CUE_EVENT_COUNT || !tmpl || strlen(tmpl) >= A11Y_CUE_TEMPLATE_MAX)
    return HX_ERR_INVALID;
  for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
    const char *close = strchr(p, '}');
    if (!close || placeholder_index(p + 1, (size_t)(close - p - 1)) < 0)
      return HX_ERR_INVALID;
  }
  hx_strlcpy(c->template[ev], tmpl, sizeof c->template[ev]);
  return HX_OK;
}

const char *a11y_cues_default_template(enum a11y_cue_event ev)
{
  return (unsigned)ev < A11Y_CUE_EVENT_COUNT ? events[ev].template : NULL;
}

static void append(char *out, size_t cap, size_t *used, const char *s, size_t len)
{
  if (*used + 1 >= cap)
    return;
  size_t room = cap - 1 - *used;
  if (len > room)
    len = room;
  memcpy(out + *used, s, len);
  *used += len;
  out[*used] = '\0';
}

size_t a11y_cues_render(const struct a11y_cues *c, enum a11y_cue_event ev,
                        const struct a11y_cue_info *info, char *out, size_t cap)
{
  if (cap == 0)
    return 0;
  out[0] = '\0';
  if ((unsigned)ev >= A11Y_CUE_EVENT_COUNT)
    return 0;
  char value[5][256];
  a11y_text_sanitize(value[0], sizeof value[0], info->name ? info->name : "Someone");
  a11y_text_sanitize(value[1], sizeof value[1], info->room ? info->room : "the room");
  snprintf(value[2], sizeof value[2], "%d", info->count);
  snprintf(value[3], sizeof value[3], "%d %s", info->count, a11y_text_people(info->count));
  a11y_text_sanitize(value[4], sizeof value[4], info->text ? info->text : "");
  size_t used = 0;
  const char *p = c->template[ev];
  while (*p) {
    const char *brace = strchr(p, '{');
    const char *close = brace ? strchr(brace, '}') : NULL;
    int idx = close ? placeholder_index(brace + 1, (size_t)(close - brace - 1)) : -1;
    if (idx < 0) {
      /* set_template rejects these; a literal brace is kept as written. */
      size_t len = brace ? (size_t)(brace - p) + 1 : strlen(p);
      append(out, cap, &used, p, len);
      p += len;
      continue;
    }
    append(out, cap, &used, p, (size_t)(brace - p));
    append(out, cap, &used, value[idx], strlen(value[idx]));
    p = close + 1;
  }
  return used;
}

size_t a11y_cues_render_burst(const struct a11y_cues *c, enum a11y_cue_event ev, int count,
                              char *out, size_t cap)
{
  if (cap == 0)
    return 0;
  const char *verb = ev == A11Y_CUE_JOIN ? "joined" : ev == A11Y_CUE_LEAVE ? "left" : NULL;
  if (!verb || count < 2) {
    struct a11y_cue_info info = {.count = count};
    return a11y_cues_render(c, ev, &info, out, cap);
  }
  int n = snprintf(out, cap, "%d people %s.", count, verb);
  if (n < 0)
    return 0;
  return (size_t)n < cap ? (size_t)n : cap - 1;
}

enum a11y_earcon_id a11y_cues_earcon(enum a11y_cue_event ev)
{
  return (unsigned)ev < A11Y_CUE_EVENT_COUNT ? events[ev].earcon : A11Y_EARCON_MESSAGE;
}

bool a11y_cues_urgent(enum a11y_cue_event ev)
{
  return (unsigned)ev < A11Y_CUE_EVENT_COUNT && events[ev].urgent;
}

bool a11y_cues_coalesces(enum a11y_cue_event ev) { return ev == A11Y_CUE_JOIN || ev == A11Y_CUE_LEAVE; }
