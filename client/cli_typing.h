/* The typing indicator, our side (docs/protocol.md, "Consent and safety"):
 * opt-in, off unless the person turns it on (/typing on, or typing = on in
 * [text] of hearth.conf). On, when the person starts writing a line that
 * is not a /command, the room is told once ("status" with "typing":
 * true); when the line is sent or emptied, or no key comes for
 * CLI_TYPING_IDLE_MS, the room is told they stopped. Off, nothing is ever
 * sent. Only the line editor sees a line while it is written; with plain
 * input (pipes, --script, --json) lines arrive whole and nothing is told,
 * as a line already written is no news.
 * Plain functions with no sockets and no timers, like cli_typed: the
 * session feeds it every server message, the line editor every change of
 * the line, and the caller's timer the idle moment. Main (loop) thread
 * only. */
#ifndef CLI_TYPING_H
#define CLI_TYPING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define CLI_TYPING_IDLE_MS 10000

struct cli_typing;

struct cli_typing_io {
  /* One finished line for the person (no newline): answers to /typing. */
  void (*print)(void *userdata, const char *line);
  /* One encoded control message, "\n" included. */
  int (*send)(void *userdata, const char *data, size_t len);
  void *userdata;
};

/* on: the person's setting. drafts: whether lines being written are seen
 * at all (the line editor); without, /typing says nothing is told. */
int cli_typing_create(const struct cli_typing_io *io, bool on, bool drafts,
                      struct cli_typing **out);
/* NULL does nothing. */
void cli_typing_destroy(struct cli_typing *t);

/* /typing: without has_on, says whether it is on; else turns it on or off
 * (off while the room thinks we type tells it we stopped). One line. */
int cli_typing_command(struct cli_typing *t, bool has_on, bool on);
bool cli_typing_on(const struct cli_typing *t);

/* The line being written, as it stands after a key ("" once it was sent).
 * Tells the room we type when it became typed words (cli_command.h), and
 * that we stopped when it no longer is. */
int cli_typing_draft(struct cli_typing *t, const char *draft);
/* No key for CLI_TYPING_IDLE_MS: tells the room we stopped, if it thinks
 * we type. The next key that leaves typed words tells it again. */
int cli_typing_idle(struct cli_typing *t);
/* Whether the room was told we type and not yet that we stopped: the
 * caller's idle timer runs while this holds, restarted by every key. */
bool cli_typing_told(const struct cli_typing *t);

/* One message from the server, after the session has handled it: where we
 * are (a new room knows nothing of our typing; outside one nothing is
 * sent). HX_ERR_NOT_FOUND when it meant nothing here. */
int cli_typing_handle(struct cli_typing *t, const json_t *msg);

#endif
