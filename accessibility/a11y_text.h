/* Event sentences: one plain line per event, most important word first, no
 * timestamps, no escape sequences ("Ben joined Lobby. 2 people here.").
 * These are the words a screen reader reads and self-voicing speaks, so they
 * are short and say who first. Thread-safe: pure functions. */
#ifndef A11Y_TEXT_H
#define A11Y_TEXT_H

#include <stdbool.h>
#include <stddef.h>

enum a11y_event {
  A11Y_EV_CONNECTED,    /* name = server, room unused */
  A11Y_EV_YOU_JOINED,   /* room, count */
  A11Y_EV_JOINED,       /* name, room, count */
  A11Y_EV_LEFT,         /* name, room, count */
  A11Y_EV_YOU_LEFT,     /* room */
  A11Y_EV_SPEAKING,     /* name, on */
  A11Y_EV_MUTED,        /* name, on (muted or unmuted), self */
  A11Y_EV_DISCONNECTED, /* detail: why */
  A11Y_EV_SHUTDOWN,     /* detail: the server's message */
};

struct a11y_event_info {
  enum a11y_event event;
  const char *name;
  const char *room;
  const char *detail;
  int count;
  bool on;
  bool self;
};

/* Writes the sentence (NUL-terminated, truncated to cap) and returns its
 * length as snprintf would. */
int a11y_text_event(const struct a11y_event_info *ev, char *out, size_t cap);
/* "1 person" / "3 people" */
const char *a11y_text_people(int count);

/* Copies untrusted text (a name, a room, a server message) for printing:
 * control characters and escape sequences become '?', invalid UTF-8 bytes
 * become '?', so nothing from the network can move the cursor or change the
 * terminal. */
void a11y_text_sanitize(char *out, size_t cap, const char *in);

#endif
