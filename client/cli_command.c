#include "cli_command.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hx_err.h"
#include "hx_util.h"

static const char *const help_lines[] = {
    "/who: who is in the room, and who is muted.",
    "/mute: stop sending your voice.",
    "/unmute: send your voice again.",
    "/join ROOM: leave this room and join ROOM.",
    "/leave: leave the room and stay connected.",
    "/rooms: the rooms on this server and how many people are in each.",
    "/stats: audio packet counters.",
    "/wait SECONDS: in a script, pause before the next line (0.5 is half a second).",
    "/help: this list.",
    "/quit: leave and close Hearth.",
};

const char *cli_command_help_line(size_t i)
{
  return i < sizeof help_lines / sizeof help_lines[0] ? help_lines[i] : NULL;
}

static const char *skip_space(const char *s)
{
  while (*s && isspace((unsigned char)*s))
    s++;
  return s;
}

/* Copies s without trailing white space. */
static void copy_trimmed(char *out, size_t cap, const char *s)
{
  hx_strlcpy(out, s, cap);
  size_t n = strlen(out);
  while (n > 0 && isspace((unsigned char)out[n - 1]))
    out[--n] = '\0';
}

static int usage(struct cli_command *out, const char *sentence)
{
  out->kind = CLI_CMD_USAGE;
  hx_strlcpy(out->arg, sentence, sizeof out->arg);
  return HX_ERR_INVALID;
}

static const struct {
  const char *word;
  enum cli_command_kind kind;
} plain_commands[] = {
    {"who", CLI_CMD_WHO},     {"mute", CLI_CMD_MUTE},   {"unmute", CLI_CMD_UNMUTE},
    {"leave", CLI_CMD_LEAVE}, {"rooms", CLI_CMD_ROOMS}, {"stats", CLI_CMD_STATS},
    {"quit", CLI_CMD_QUIT},   {"help", CLI_CMD_HELP},
};

int cli_command_parse(const char *line, bool script, struct cli_command *out)
{
  memset(out, 0, sizeof *out);
  const char *s = skip_space(line);
  if (*s == '\0' || (script && *s == '#')) {
    out->kind = CLI_CMD_NONE;
    return HX_OK;
  }
  if (*s != '/') {
    out->kind = CLI_CMD_TEXT;
    return HX_OK;
  }
  const char *word = s + 1;
  size_t word_len = 0;
  while (word[word_len] && !isspace((unsigned char)word[word_len]))
    word_len++;
  const char *rest = skip_space(word + word_len);

  for (size_t i = 0; i < sizeof plain_commands / sizeof plain_commands[0]; i++) {
    if (strlen(plain_commands[i].word) == word_len &&
        strncasecmp(word, plain_commands[i].word, word_len) == 0) {
      out->kind = plain_commands[i].kind;
      if (*rest) {
        char sentence[96];
        snprintf(sentence, sizeof sentence, "/%s takes nothing after it.",
                 plain_commands[i].word);
        return usage(out, sentence);
      }
      return HX_OK;
    }
  }
  if (word_len == 4 && strncasecmp(word, "join", 4) == 0) {
    if (!*rest)
      return usage(out, "/join needs a room name, for example /join Lobby.");
    out->kind = CLI_CMD_JOIN;
    copy_trimmed(out->arg, sizeof out->arg, rest);
    return HX_OK;
  }
  if (word_len == 4 && strncasecmp(word, "wait", 4) == 0) {
    char arg[64];
    copy_trimmed(arg, sizeof arg, rest);
    double seconds;
    if (!*arg || hx_parse_seconds(arg, &seconds) != HX_OK || seconds > 86400)
      return usage(out, "/wait needs a number of seconds, for example /wait 0.5.");
    out->kind = CLI_CMD_WAIT;
    out->seconds = seconds;
    return HX_OK;
  }
  out->kind = CLI_CMD_UNKNOWN;
  size_t keep = word_len + 1 < sizeof out->arg ? word_len + 1 : sizeof out->arg - 1;
  memcpy(out->arg, s, keep);
  out->arg[keep] = '\0';
  return HX_ERR_INVALID;
}
