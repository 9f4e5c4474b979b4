/* Support circles on the client: the commands for turn-taking, moderation,
 * knocking, invitations, endings and room settings, turned into requests,
 * and the server's circle events, each turned into one plain line ("Dee is
 * knocking.", "Your turn."). Also /block, a local mute of one person's
 * voice and text that they are never told of. Plain functions with no
 * sockets, like cli_session: the session feeds it every server message and
 * the command dispatcher every command it does not know itself. Main (loop)
 * thread only. */
#ifndef CLI_CIRCLE_H
#define CLI_CIRCLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a11y_cues.h"

struct cli_circle;
struct cli_identity;
struct cli_media;

struct cli_circle_io {
  /* One finished line for the person (no newline): the session's own
   * output, so circle events get the same cues. */
  void (*print)(void *userdata, const char *line);
  /* An event that has a presence cue (hand raised, your turn, turn ending,
   * muted by host, room closing, someone typing) and its line. NULL: the
   * line goes to print. */
  void (*event)(void *userdata, enum a11y_cue_event cue, const char *line);
  /* A line the person asked for (/floor, /queue, /knock, /bans): it
   * should reach them however they listen, so it is spoken too when the
   * client speaks for itself. NULL: the line goes to print. */
  void (*answer)(void *userdata, const char *line);
  /* One encoded control message, "\n" included. */
  int (*send)(void *userdata, const char *data, size_t len);
  void *userdata;
};

/* media (for /block) and identity (to answer the server's challenge) may be
 * NULL; neither is owned. */
int cli_circle_create(const struct cli_circle_io *io, struct cli_media *media,
                      const struct cli_identity *identity, struct cli_circle **out);
void cli_circle_destroy(struct cli_circle *c);

/* The server's certificate fingerprint as pinned ("SHA256:" + 64 hex):
 * the identity proof covers it, binding the proof to this TLS channel. Call
 * once the handshake is checked, before the challenge arrives. */
int cli_circle_set_fingerprint(struct cli_circle *c, const char *fingerprint);

/* Whether msg takes us out of the room without a "left" (removed, banned,
 * room closed): the session then forgets the room as if it had left. */
bool cli_circle_ends_room(const json_t *msg);
/* Whether msg answers a join without "joined" ("knocking") or is a join
 * the server made for us (an admitted knocker's "joined" without id): the
 * session then counts as ready, so queued commands run. */
bool cli_circle_makes_ready(const json_t *msg);

/* One command: name is the word after '/' ("give"), args the rest of the
 * line (may be NULL or ""). HX_ERR_NOT_FOUND when name is no circle command
 * (nothing is printed then); otherwise the command was handled, and a
 * mistake in it was told to the person as one line. */
int cli_circle_command(struct cli_circle *c, const char *name, const char *args);

/* One message from the server, after the session has handled it. The
 * circle keeps its own copy of the roster from joined/left, answers the
 * identity challenge, and prints circle events. HX_ERR_NOT_FOUND when the
 * message meant nothing to it. */
int cli_circle_handle(struct cli_circle *c, const json_t *msg);

/* True when the person with this session id is blocked: a session that
 * shows their typed text asks this first. */
bool cli_circle_blocked(const struct cli_circle *c, uint64_t session);

/* The /help lines for circle commands; NULL after the last. */
const char *cli_circle_help_line(size_t i);

#endif
