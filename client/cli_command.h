/* The commands a person types (or a script holds), parsed into a small
 * struct. Pure functions, thread-safe. */
#ifndef CLI_COMMAND_H
#define CLI_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_COMMAND_ARG_MAX 256

enum cli_command_kind {
  CLI_CMD_NONE,    /* empty line, or a # comment in a script: nothing to do */
  CLI_CMD_WHO,
  CLI_CMD_MUTE,
  CLI_CMD_UNMUTE,
  CLI_CMD_JOIN,    /* arg: the room */
  CLI_CMD_LEAVE,
  CLI_CMD_ROOMS,
  CLI_CMD_STATS,
  CLI_CMD_QUIT,
  CLI_CMD_HELP,
  CLI_CMD_WAIT,    /* seconds */
  CLI_CMD_USAGE,   /* a known command used wrongly; arg: the usage sentence */
  CLI_CMD_UNKNOWN, /* arg: the command word as typed, e.g. "/x" */
  CLI_CMD_TEXT,    /* a line that does not start with '/' */
};

struct cli_command {
  enum cli_command_kind kind;
  char arg[CLI_COMMAND_ARG_MAX];
  double seconds;
};

/* Parses one line (without its newline). script: lines starting with '#'
 * are comments. Always fills *out; returns HX_OK, or HX_ERR_INVALID when
 * out->kind is CLI_CMD_USAGE or CLI_CMD_UNKNOWN. */
int cli_command_parse(const char *line, bool script, struct cli_command *out);

/* The /help text, one command a line; NULL after the last. */
const char *cli_command_help_line(size_t i);

#endif
