/* Presence-cue policy: for each event, which of speech, an earcon and a
 * printed line a person gets, and the words used. Presets quiet, normal and
 * verbose; a mapping is written "speech+earcon", "text", "nothing"; message
 * templates take {name}, {room}, {count}, {people} ("3 people") and {text}
 * (a server's reason or a message). The default templates say exactly what
 * a11y_text says for the same event. Pure functions on a small struct:
 * thread-safe as long as each struct has one writer. */
#ifndef A11Y_CUES_H
#define A11Y_CUES_H

#include <stdbool.h>
#include <stddef.h>

#include "a11y_earcon.h"

enum a11y_cue_event {
  A11Y_CUE_JOIN,
  A11Y_CUE_LEAVE,
  A11Y_CUE_SPEAKING_START,
  A11Y_CUE_HAND_RAISED,
  A11Y_CUE_YOUR_TURN,
  A11Y_CUE_TURN_ENDING,
  A11Y_CUE_MUTED_BY_HOST,
  A11Y_CUE_TEXT_MESSAGE,
  A11Y_CUE_ROOM_CLOSING,
  A11Y_CUE_CONNECTION_LOST,
  A11Y_CUE_CONNECTION_BACK,
  A11Y_CUE_MUTED,
  A11Y_CUE_UNMUTED,
  A11Y_CUE_KNOCK,     /* someone waits at a room's door */
  A11Y_CUE_ROOM_NEWS, /* the floor moved, a role, a setting, away, a note */
  A11Y_CUE_TYPING,    /* someone started writing a line */
  A11Y_CUE_EVENT_COUNT
};

/* A mapping is any combination of these bits; 0 is "nothing". */
enum {
  A11Y_CUE_SPEECH = 1u << 0,
  A11Y_CUE_EARCON = 1u << 1,
  A11Y_CUE_TEXT = 1u << 2,
  A11Y_CUE_ALL = A11Y_CUE_SPEECH | A11Y_CUE_EARCON | A11Y_CUE_TEXT
};

enum a11y_cue_preset { A11Y_CUE_QUIET, A11Y_CUE_NORMAL, A11Y_CUE_VERBOSE, A11Y_CUE_PRESET_COUNT };

#define A11Y_CUE_TEMPLATE_MAX 160

struct a11y_cues {
  unsigned map[A11Y_CUE_EVENT_COUNT];
  char template[A11Y_CUE_EVENT_COUNT][A11Y_CUE_TEMPLATE_MAX];
};

/* What an event is about; untrusted strings are sanitized when rendered.
 * NULL name/room/text render as "Someone", "the room", "". */
struct a11y_cue_info {
  const char *name;
  const char *room;
  const char *text;
  int count; /* people in the room after the event, or a burst's size */
};

/* Sets every mapping from the preset and every template to its default. */
void a11y_cues_init(struct a11y_cues *c, enum a11y_cue_preset preset);
/* Sets only the mappings. */
void a11y_cues_apply_preset(struct a11y_cues *c, enum a11y_cue_preset preset);
unsigned a11y_cues_preset_mapping(enum a11y_cue_preset preset, enum a11y_cue_event ev);

/* "quiet" | "normal" | "verbose"; HX_ERR_INVALID otherwise. */
int a11y_cues_preset_parse(const char *s, enum a11y_cue_preset *out);
const char *a11y_cues_preset_name(enum a11y_cue_preset preset);
/* "join", "leave", "speaking-start", "hand-raised", "your-turn",
 * "turn-ending", "muted-by-host", "text-message", "room-closing",
 * "connection-lost", "connection-back", "muted", "unmuted", "knock",
 * "room-news", "typing". */
int a11y_cues_event_parse(const char *s, enum a11y_cue_event *out);
const char *a11y_cues_event_name(enum a11y_cue_event ev);

/* "speech+earcon+text" in any order, each at most once, or "nothing".
 * HX_ERR_INVALID (and *out unchanged) for anything else, including "",
 * "speech+", "speech+speech" and "nothing+text". */
int a11y_cues_mapping_parse(const char *s, unsigned *out);
/* Writes the canonical form ("speech+earcon", "nothing"). */
void a11y_cues_mapping_format(unsigned mapping, char *out, size_t cap);

/* Replaces a template. HX_ERR_INVALID for an unknown {placeholder}, an
 * unclosed brace, or text longer than A11Y_CUE_TEMPLATE_MAX - 1. */
int a11y_cues_set_template(struct a11y_cues *c, enum a11y_cue_event ev, const char *tmpl);
const char *a11y_cues_default_template(enum a11y_cue_event ev);
/* Fills the event's template. Returns the length, truncated to cap - 1. */
size_t a11y_cues_render(const struct a11y_cues *c, enum a11y_cue_event ev,
                        const struct a11y_cue_info *info, char *out, size_t cap);
/* The sentence for a burst of count joins or leaves ("5 people joined.");
 * other events render their own template. */
size_t a11y_cues_render_burst(const struct a11y_cues *c, enum a11y_cue_event ev, int count,
                              char *out, size_t cap);

/* The earcon for an event. */
enum a11y_earcon_id a11y_cues_earcon(enum a11y_cue_event ev);
/* Your own state (muted, disconnected, your turn) interrupts what is being
 * said; room events wait their turn. */
bool a11y_cues_urgent(enum a11y_cue_event ev);
/* Joins and leaves may be merged into "N people joined". */
bool a11y_cues_coalesces(enum a11y_cue_event ev);

#endif
