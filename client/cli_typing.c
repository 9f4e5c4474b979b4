#include "cli_typing.h"

#include <stdlib.h>
#include <string.h>

#include "cli_circle.h"
#include "cli_command.h"
#include "cli_request.h"
#include "hx_err.h"
#include "proto_msg.h"

/* Our requests carry ids from here up, apart from the session's (from 1),
 * the circle's (from 2^40) and typed speech's (from 2^41). */
#define TYPING_FIRST_ID ((json_int_t)1 << 42)

struct cli_typing {
  struct cli_typing_io io;
  bool on;     /* the person's setting */
  bool drafts; /* lines are seen while written */
  bool in_room;
  bool told; /* the room was told we type, and not yet that we stopped */
  json_int_t next_id;
};

int cli_typing_create(const struct cli_typing_io *io, bool on, bool drafts,
                      struct cli_typing **out)
{
  *out = NULL;
  struct cli_typing *t = calloc(1, sizeof *t);
  if (!t)
    return HX_ERR_NOMEM;
  t->io = *io;
  t->on = on;
  t->drafts = drafts;
  t->next_id = TYPING_FIRST_ID;
  *out = t;
  return HX_OK;
}

void cli_typing_destroy(struct cli_typing *t) { free(t); }

bool cli_typing_on(const struct cli_typing *t) { return t->on; }
bool cli_typing_told(const struct cli_typing *t) { return t->told; }

static int tell(struct cli_typing *t, bool typing)
{
  int rc = cli_request_send(t->io.send, t->io.userdata,
                            json_pack("{s:s,s:b}", "type", "status", "typing", typing),
                            t->next_id++);
  /* A stop that could not be sent is not sent again: the room forgets us
   * with the connection anyway. */
  if (rc == HX_OK || !typing)
    t->told = typing;
  return rc;
}

int cli_typing_draft(struct cli_typing *t, const char *draft)
{
  bool typing = t->on && t->in_room && cli_command_draft_is_typed(draft);
  if (typing == t->told)
    return HX_OK;
  return tell(t, typing);
}

int cli_typing_idle(struct cli_typing *t)
{
  return t->told ? tell(t, false) : HX_OK;
}

int cli_typing_command(struct cli_typing *t, bool has_on, bool on)
{
  int rc = HX_OK;
  if (has_on) {
    t->on = on;
    if (!on && t->told)
      rc = tell(t, false);
  }
  if (!t->on)
    t->io.print(t->io.userdata, "Typing off: the room is not told when you write.");
  else if (t->drafts)
    t->io.print(t->io.userdata, "Typing on: the room is told when you start writing a line.");
  else
    t->io.print(t->io.userdata, "Typing on, but without the line editor Hearth sees only "
                                "whole lines, so the room is never told.");
  return rc;
}

static void out_of_room(struct cli_typing *t)
{
  t->in_room = false;
  t->told = false; /* the room forgot us, typing and all */
}

int cli_typing_handle(struct cli_typing *t, const json_t *msg)
{
  const char *type = proto_msg_type(msg);
  if (!type)
    return HX_ERR_BAD_MESSAGE;
  if (strcmp(type, "joined") == 0) {
    if (proto_msg_int(msg, "session", -1) < 0 || !proto_msg_str(msg, "room", NULL))
      return HX_ERR_NOT_FOUND;
    /* Every member starts in a room not typing, whatever we told the
     * last one. */
    t->in_room = true;
    t->told = false;
    return HX_OK;
  }
  if (strcmp(type, "left") == 0) {
    out_of_room(t);
    return HX_OK;
  }
  if (cli_circle_ends_room(msg)) { /* removed, banned, the room closed */
    out_of_room(t);
    return HX_OK;
  }
  return HX_ERR_NOT_FOUND;
}
