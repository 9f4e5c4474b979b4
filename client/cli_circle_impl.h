/* Inside cli_circle: the state shared by its files (cli_circle.c roster,
 * block and dispatch; cli_circle_cmd.c commands to requests;
 * cli_circle_event.c events to lines; cli_circle_reply.c replies and the
 * identity challenge). Not for other modules. */
#ifndef CLI_CIRCLE_IMPL_H
#define CLI_CIRCLE_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a11y_cues.h"
#include "cli_circle.h"
#include "cli_session.h"

#define CIRCLE_ROOM_BYTES 256
#define CIRCLE_BLOCK_MAX 64
#define CIRCLE_KNOCK_MAX 32
#define CIRCLE_QUEUE_MAX 64
#define CIRCLE_MODE_BYTES 16
/* Our requests carry ids from here up, so they never meet the session's
 * (which count from 1) and a reply can be told apart by its id alone. */
#define CIRCLE_FIRST_ID ((json_int_t)1 << 40)

struct circle_member {
  uint64_t session;
  char name[CLI_NAME_BYTES]; /* raw from the network: sanitize to print */
  uint32_t ssrc;
  bool has_text_ssrc; /* their typed speech's stream; older servers send none */
  uint32_t text_ssrc;
  bool away;
  bool stepped_out;
  bool typing; /* writing a line, as their last status said */
};

struct cli_circle {
  struct cli_circle_io io;
  struct cli_media *media;             /* not owned; may be NULL */
  const struct cli_identity *identity; /* not owned; may be NULL */
  json_int_t next_id;
  bool in_room;
  char room[CIRCLE_ROOM_BYTES];
  uint64_t own_session;
  uint32_t own_ssrc;
  struct circle_member roster[CLI_ROSTER_MAX];
  size_t roster_len;
  /* Blocked names (raw), kept across rooms and re-joins: a block is about
   * a person, and their SSRC changes whenever they join. */
  char blocked[CIRCLE_BLOCK_MAX][CLI_NAME_BYTES];
  size_t blocked_len;
  /* People knocking at our room (facilitators only hear of them). */
  struct circle_member knockers[CIRCLE_KNOCK_MAX];
  size_t knockers_len;
  uint64_t answered_knock; /* whom we just admitted or declined */
  /* The floor, as the server last told it. */
  char mode[CIRCLE_MODE_BYTES];
  bool has_holder;
  uint64_t holder;
  uint64_t queue[CIRCLE_QUEUE_MAX];
  size_t queue_len;
  bool hand_up;
  /* Our own state, for /back. */
  bool away;
  bool stepped_out;
  json_t *settings;       /* owned; the room's settings, NULL when unknown */
  json_t *bans;           /* owned; the last bans list, for /unban NAME */
  char knocking_room[CIRCLE_ROOM_BYTES]; /* where we knock, "" when not */
  json_int_t created_id;  /* the create_room request, whose reply is "room" */
  char unban_name[CLI_NAME_BYTES]; /* /unban NAME waits for the bans list */
  char fingerprint[80];   /* the server's, as pinned: the proof covers it */
};

/* cli_circle.c */
void circle_print(struct cli_circle *c, const char *line);
/* A line the person asked for (io.answer when set, else print). */
void circle_answer(struct cli_circle *c, const char *line);
/* An event line with the cue it deserves (io.event when set, else print). */
void circle_cue(struct cli_circle *c, enum a11y_cue_event cue, const char *line);
__attribute__((format(printf, 2, 3))) void circle_printf(struct cli_circle *c, const char *fmt,
                                                         ...);
/* Adds a full stop unless the line already ends a sentence. */
void circle_end_sentence(char *line, size_t cap);
/* Sends msg (stolen) with the next id. */
int circle_send(struct cli_circle *c, json_t *msg);
struct circle_member *circle_member_by_session(struct cli_circle *c, uint64_t session);
bool circle_name_blocked(const struct cli_circle *c, const char *name);
/* The sanitized name of the message's subject: its "name", else the
 * roster's name for its "session", else "Someone". */
void circle_subject(struct cli_circle *c, const json_t *msg, const char *field, char *out,
                    size_t cap);
/* Whether the message's "session" (or field) is us. */
bool circle_is_self(const struct cli_circle *c, const json_t *msg, const char *field);

/* cli_circle_cmd.c */
int circle_command(struct cli_circle *c, const char *name, const char *args);
int circle_block(struct cli_circle *c, const char *name, bool block);

/* cli_circle_event.c */
/* Reads role, settings and floor from our "joined" and says, in one line,
 * what the circle is like (topic, floor, our role) when it is not plain. */
void circle_joined(struct cli_circle *c, const json_t *msg);
int circle_event(struct cli_circle *c, const char *event, const json_t *msg);
/* "1 minute", "30 seconds", "1 minute 30 seconds", "2 hours". */
void circle_say_duration(long seconds, char *out, size_t cap);
/* A Unix time as local "2026-11-25 10:00". */
void circle_say_time(json_int_t unix_time, char *out, size_t cap);
/* "the host", "a facilitator", "a member". */
const char *circle_role_article(const char *role);
/* The /floor line, or with queue_only the /queue line. Returns HX_OK. */
int circle_print_floor(struct cli_circle *c, bool queue_only);
/* Reads a floor state object ("floor" in joined, or a floor event). */
void circle_floor_read(struct cli_circle *c, const json_t *floor);

/* cli_circle_reply.c: replies to our requests, and the challenge. */
int circle_reply(struct cli_circle *c, const char *type, const json_t *msg);

#endif
