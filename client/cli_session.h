/* The control side of a client connection as plain functions: feed it the
 * server's messages, it keeps the room and roster, drives cli_media, prints
 * one line per event through a sink and sends requests through another. No
 * sockets, so tests call it directly. Main (loop) thread only. */
#ifndef CLI_SESSION_H
#define CLI_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_ROSTER_MAX 256
#define CLI_NAME_BYTES 160 /* 32 characters of up to 4 bytes, with room */
#define CLI_LINE_MAX 8192  /* the longest line printed */

struct a11y_event_info;
struct cli_circle;
struct cli_identity;
struct cli_media;
struct cli_session;
struct cli_typed;
struct cli_typing;

struct cli_session_io {
  /* One finished line for the person (no newline): answers and notices. */
  void (*print)(void *userdata, const char *line);
  /* An event of the room (someone joined, spoke, ...) and its sentence; the
   * place where cues are chosen. NULL: the sentence goes to print. */
  void (*event)(void *userdata, const struct a11y_event_info *ev, const char *line);
  /* One encoded control message, "\n" included. */
  int (*send)(void *userdata, const char *data, size_t len);
  /* A room was joined: start media towards the server's media_port. May be
   * NULL. */
  void (*joined)(void *userdata, uint16_t media_port);
  void *userdata;
};

struct cli_session_config {
  const char *name;   /* our display name */
  const char *room;   /* the room to join after welcome */
  const char *server; /* "host:port", for "Connected to ..." */
  /* Circles (cli_circle.h); both may be NULL, neither is owned. With an
   * identity, hello carries its public key; the circle sees every message
   * after the session. */
  const struct cli_identity *identity;
  struct cli_circle *circle;
  /* Typed speech (cli_typed.h); may be NULL, not owned. It sees every
   * message after the session and the circle. */
  struct cli_typed *typed;
  /* The typing indicator (cli_typing.h); may be NULL, not owned. It sees
   * every message after typed speech. */
  struct cli_typing *typing;
};

enum cli_session_end {
  CLI_SESSION_RUNNING,
  CLI_SESSION_FAILED,   /* the server refused us (hello failed): exit 1 */
  CLI_SESSION_SHUTDOWN, /* the server announced its shutdown */
};

/* media may be NULL (no media is driven). Copies cfg's strings. */
int cli_session_create(const struct cli_session_config *cfg, const struct cli_session_io *io,
                       struct cli_media *media, struct cli_session **out);
void cli_session_destroy(struct cli_session *s);

/* Sends hello; call once the channel is up. */
int cli_session_start(struct cli_session *s);
/* One line from the server: parsed (a malformed line is logged and
 * dropped) and handled. */
int cli_session_handle_line(struct cli_session *s, const uint8_t *line, size_t len);
int cli_session_handle(struct cli_session *s, const json_t *msg);

/* Person's requests. */
int cli_session_join(struct cli_session *s, const char *room);
int cli_session_leave(struct cli_session *s);
int cli_session_set_muted(struct cli_session *s, bool muted);
int cli_session_request_rooms(struct cli_session *s);
/* Prints the /who line. */
void cli_session_who(struct cli_session *s);
/* Prints the /speaking line: "Ben speaking. Last: Ada." */
void cli_session_speaking(struct cli_session *s);

/* True once the first join has been answered (joined or an error): the
 * moment queued commands may run. */
bool cli_session_ready(const struct cli_session *s);
bool cli_session_in_room(const struct cli_session *s);
const char *cli_session_room(const struct cli_session *s);
bool cli_session_muted(const struct cli_session *s);
enum cli_session_end cli_session_end(const struct cli_session *s);
size_t cli_session_roster_len(const struct cli_session *s);

/* Seats (cli_seats.h): everyone else gets a place when they appear on the
 * roster, and keeps it while they stay. On, each person's voice is panned
 * to their place (cli_media_set_pan, for stereo output); off, every voice
 * is in the middle. Off until this is called. */
void cli_session_set_seats(struct cli_session *s, bool on);
bool cli_session_seats(const struct cli_session *s);

#endif
