#include "cli_options.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "cli_command.h"
#include "hx_err.h"
#include "hx_util.h"

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t cap, const char *fmt,
                                                       ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, cap, fmt, ap);
  va_end(ap);
  return HX_ERR_INVALID;
}

/* "SHA256:" then 64 hex digits, either case; stored lowercase. */
static int parse_fingerprint(const char *s, char out[CLI_FINGERPRINT_LEN])
{
  static const char prefix[] = "SHA256:";
  size_t plen = sizeof prefix - 1;
  if (strncasecmp(s, prefix, plen) != 0 || strlen(s) != plen + 64)
    return HX_ERR_INVALID;
  memcpy(out, prefix, plen);
  for (size_t i = 0; i < 64; i++) {
    unsigned char c = (unsigned char)s[plen + i];
    if (!isxdigit(c))
      return HX_ERR_INVALID;
    out[plen + i] = (char)tolower(c);
  }
  out[plen + 64] = '\0';
  return HX_OK;
}

static bool numeric_host(const char *host)
{
  unsigned char addr[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

enum opt_id {
  OPT_SERVER,
  OPT_NAME,
  OPT_ROOM,
  OPT_AUDIO_IN,
  OPT_AUDIO_OUT,
  OPT_NO_AUDIO,
  OPT_SCRIPT,
  OPT_TRUST_NEW,
  OPT_FINGERPRINT,
  OPT_FRAME_MS,
  OPT_PLAIN,
  OPT_JSON,
  OPT_CONFIG,
  OPT_SPEECH,
  OPT_CUES,
  OPT_LIST_DEVICES,
  OPT_MEDIA_VIA,
  OPT_BITRATE,
  OPT_TRANSMIT,
  OPT_PREPROCESS,
  OPT_SEATS,
  OPT_VERBOSE,
  OPT_HELP,
  OPT_VERSION,
};

static const struct {
  const char *name;
  enum opt_id id;
  bool takes_value;
} option_table[] = {
    {"--server", OPT_SERVER, true},        {"--name", OPT_NAME, true},
    {"--room", OPT_ROOM, true},            {"--audio-in", OPT_AUDIO_IN, true},
    {"--audio-out", OPT_AUDIO_OUT, true},  {"--no-audio", OPT_NO_AUDIO, false},
    {"--script", OPT_SCRIPT, true},        {"--trust-new", OPT_TRUST_NEW, false},
    {"--fingerprint", OPT_FINGERPRINT, true}, {"--frame-ms", OPT_FRAME_MS, true},
    {"--plain", OPT_PLAIN, false},         {"--json", OPT_JSON, false},
    {"--config", OPT_CONFIG, true},        {"--speech", OPT_SPEECH, true},
    {"--cues", OPT_CUES, true},            {"--list-devices", OPT_LIST_DEVICES, false},
    {"--media-via", OPT_MEDIA_VIA, true},
    {"--bitrate", OPT_BITRATE, true},     {"--transmit", OPT_TRANSMIT, true},
    {"--preprocess", OPT_PREPROCESS, true}, {"--verbose", OPT_VERBOSE, false},     {"--help", OPT_HELP, false},
    {"--seats", OPT_SEATS, true},
    {"-h", OPT_HELP, false},               {"--version", OPT_VERSION, false},
};

static int apply(struct cli_options *o, enum opt_id id, const char *opt, const char *value,
                 char *err, size_t cap)
{
  long ms;
  switch (id) {
  case OPT_SERVER:
    if (hx_parse_hostport(value, o->host, sizeof o->host, &o->port, CLI_DEFAULT_PORT) != HX_OK)
      return fail(err, cap, "bad --server \"%s\": give HOST or HOST:PORT, for example "
                  "hearth.example.org:7710", value);
    return HX_OK;
  case OPT_NAME:
    if (!*value)
      return fail(err, cap, "%s is empty: say what others will hear you called", opt);
    o->name = value;
    return HX_OK;
  case OPT_ROOM:
    if (!*value)
      return fail(err, cap, "%s is empty: give a room name such as Lobby", opt);
    o->room = value;
    return HX_OK;
  case OPT_AUDIO_IN:
    o->audio_in = value;
    return HX_OK;
  case OPT_AUDIO_OUT:
    o->audio_out = value;
    return HX_OK;
  case OPT_NO_AUDIO:
    o->no_audio = true;
    return HX_OK;
  case OPT_SCRIPT:
    if (!*value)
      return fail(err, cap, "%s is empty: give a file, or - for standard input", opt);
    o->script = value;
    return HX_OK;
  case OPT_TRUST_NEW:
    o->trust_new = true;
    return HX_OK;
  case OPT_FINGERPRINT:
    if (parse_fingerprint(value, o->fingerprint) != HX_OK)
      return fail(err, cap, "bad --fingerprint \"%s\": it looks like SHA256: followed by 64 "
                  "hex digits, as hearthd prints it", value);
    o->has_fingerprint = true;
    return HX_OK;
  case OPT_FRAME_MS:
    if (hx_parse_long(value, 10, 20, &ms) != HX_OK || (ms != 10 && ms != 20))
      return fail(err, cap, "bad --frame-ms \"%s\": use 10 or 20", value);
    o->frame_ms = (int)ms;
    return HX_OK;
  case OPT_PLAIN:
    o->plain = true;
    return HX_OK;
  case OPT_JSON:
    o->json = true;
    return HX_OK;
  case OPT_CONFIG:
    if (!*value)
      return fail(err, cap, "%s is empty: give the settings file to read", opt);
    o->config = value;
    return HX_OK;
  case OPT_SPEECH:
    if (strcmp(value, "espeak") != 0 && strcmp(value, "speechd") != 0 &&
        strcmp(value, "none") != 0)
      return fail(err, cap, "bad --speech \"%s\": use espeak, speechd or none", value);
    o->speech = value;
    return HX_OK;
  case OPT_CUES:
    if (a11y_cues_preset_parse(value, &o->cues) != HX_OK)
      return fail(err, cap, "bad --cues \"%s\": use quiet, normal or verbose", value);
    o->has_cues = true;
    return HX_OK;
  case OPT_LIST_DEVICES:
    o->action = CLI_ACTION_LIST_DEVICES;
    return HX_OK;
  case OPT_MEDIA_VIA:
    if (hx_parse_hostport(value, o->media_via_host, sizeof o->media_via_host,
                          &o->media_via_port, 0) != HX_OK ||
        o->media_via_port == 0 || !numeric_host(o->media_via_host))
      return fail(err, cap, "bad --media-via \"%s\": give a numeric HOST:PORT, for example "
                  "127.0.0.1:7711", value);
    o->has_media_via = true;
    return HX_OK;
  case OPT_BITRATE:
    if (hx_parse_long(value, CLI_BITRATE_MIN_KBPS, CLI_BITRATE_MAX_KBPS, &ms) != HX_OK)
      return fail(err, cap, "bad --bitrate \"%s\": give kilobits per second from %d to %d",
                  value, CLI_BITRATE_MIN_KBPS, CLI_BITRATE_MAX_KBPS);
    o->bitrate_kbps = (int)ms;
    return HX_OK;
  case OPT_TRANSMIT:
    if (strcmp(value, "voice") == 0)
      o->transmit = CLI_MEDIA_TRANSMIT_VOICE;
    else if (strcmp(value, "toggle") == 0)
      o->transmit = CLI_MEDIA_TRANSMIT_TOGGLE;
    else if (strcmp(value, "always") == 0)
      o->transmit = CLI_MEDIA_TRANSMIT_ALWAYS;
    else
      return fail(err, cap, "bad --transmit \"%s\": use voice, toggle or always", value);
    return HX_OK;
  case OPT_PREPROCESS:
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
      return fail(err, cap, "bad --preprocess \"%s\": use on or off", value);
    o->preprocess = strcmp(value, "on") == 0;
    return HX_OK;
  case OPT_SEATS:
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
      return fail(err, cap, "bad --seats \"%s\": use on or off", value);
    o->has_seats = true;
    o->seats = strcmp(value, "on") == 0;
    return HX_OK;
  case OPT_VERBOSE:
    o->verbose = true;
    return HX_OK;
  case OPT_HELP:
    o->action = CLI_ACTION_HELP;
    return HX_OK;
  case OPT_VERSION:
    o->action = CLI_ACTION_VERSION;
    return HX_OK;
  }
  return HX_ERR_INVALID;
}

static void defaults(struct cli_options *o)
{
  memset(o, 0, sizeof *o);
  o->action = CLI_ACTION_RUN;
  o->port = CLI_DEFAULT_PORT;
  o->room = CLI_DEFAULT_ROOM;
  o->frame_ms = 20;
  o->bitrate_kbps = CLI_DEFAULT_BITRATE_KBPS;
  o->transmit = CLI_MEDIA_TRANSMIT_ALWAYS;
}

int cli_options_parse(int argc, char *const argv[], struct cli_options *o, char *err,
                      size_t err_cap)
{
  defaults(o);
  if (err_cap)
    err[0] = '\0';
  bool seen[OPT_VERSION + 1] = {false};
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    size_t k = 0, n = sizeof option_table / sizeof option_table[0];
    while (k < n && !(strlen(option_table[k].name) == name_len &&
                      strncmp(option_table[k].name, arg, name_len) == 0))
      k++;
    if (k == n) {
      if (arg[0] == '-')
        return fail(err, err_cap, "unknown option %s", arg);
      return fail(err, err_cap, "unexpected argument \"%s\": every value follows its option",
                  arg);
    }
    const char *opt = option_table[k].name;
    const char *value = NULL;
    if (option_table[k].takes_value) {
      if (eq) {
        value = eq + 1;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return fail(err, err_cap, "%s needs a value", opt);
      }
    } else if (eq) {
      return fail(err, err_cap, "%s takes no value", opt);
    }
    enum opt_id id = option_table[k].id;
    if (seen[id] && option_table[k].takes_value)
      return fail(err, err_cap, "%s given twice", opt);
    seen[id] = true;
    int rc = apply(o, id, opt, value, err, err_cap);
    if (rc != HX_OK)
      return rc;
  }
  if (o->action != CLI_ACTION_RUN)
    return HX_OK;
  if (!seen[OPT_SERVER])
    return fail(err, err_cap, "%s", "missing --server: give the server as HOST or HOST:PORT");
  if (!seen[OPT_NAME])
    return fail(err, err_cap, "%s", "missing --name: say what others will hear you called");
  if (o->trust_new && o->has_fingerprint)
    return fail(err, err_cap, "%s", "--trust-new and --fingerprint cannot be used together");
  if (o->no_audio && (o->audio_in || o->audio_out))
    return fail(err, err_cap, "%s",
                "--no-audio cannot be used with --audio-in or --audio-out");
  return HX_OK;
}

void cli_options_usage(FILE *out)
{
  fputs("Usage: hearth --server HOST[:PORT] --name NAME [options]\n"
        "       hearth --list-devices | --help | --version\n"
        "\n"
        "Hearth is a voice chat client. It prints one line per event and reads\n"
        "commands, one a line, from the keyboard or a script.\n"
        "\n"
        "Options:\n"
        "  --server HOST[:PORT]   the hearthd server (port 7710 if not given)\n"
        "  --name NAME            what others will hear you called\n"
        "  --room ROOM            the room to join (Lobby if not given)\n"
        "  --audio-in DEVICE      microphone: a device name or number from\n"
        "                         --list-devices, or a FILE.wav to play in\n"
        "  --audio-out DEVICE     speaker: a device name or number, or a FILE.wav\n"
        "                         to record what you hear\n"
        "  --no-audio             join without sound (send silence, play nothing)\n"
        "  --script FILE          run the commands in FILE (- for standard input)\n"
        "                         once the room is joined; lines starting with #\n"
        "                         are comments\n"
        "  --trust-new            trust a server seen for the first time\n"
        "  --fingerprint SHA256:HEX\n"
        "                         trust a new server only if its certificate has\n"
        "                         this fingerprint (hearthd prints it)\n"
        "  --frame-ms 10|20       audio packet length (20 if not given)\n"
        "  --bitrate KBPS         how much sound we send, 6 to 128 kbit/s (24 if not\n"
        "                         given)\n"
        "  --transmit voice|toggle|always\n"
        "                         send the microphone while it hears a voice, while\n"
        "                         /talk is on, or always (the default)\n"
        "  --preprocess on|off    clean up the microphone (noise suppression) before\n"
        "                         sending (off if not given)\n"
        "  --seats on|off         stereo sound in which each person keeps a place\n"
        "                         around the circle, so voices come from different\n"
        "                         directions (overrides hearth.conf; off if neither\n"
        "                         says)\n"
        "  --media-via HOST:PORT  send sound through this relay instead of straight\n"
        "                         to the server (for network tests)\n"
        "  --verbose              also log informational lines on standard error\n"
        "  --plain                plain lines: no line editor, no escape sequences\n"
        "                         (also when NO_COLOR is set or output is not a\n"
        "                         terminal)\n"
        "  --json                 print each event as one JSON object a line\n"
        "  --config FILE          read settings from FILE instead of hearth.conf\n"
        "  --speech espeak|speechd|none\n"
        "                         speak events with espeak-ng, through\n"
        "                         speech-dispatcher, or not (overrides hearth.conf)\n"
        "  --cues quiet|normal|verbose\n"
        "                         how much each event is told (overrides the preset\n"
        "                         of hearth.conf; its lines for single events stay)\n"
        "  --list-devices         list audio devices and exit\n"
        "  --help                 this text\n"
        "  --version              print the version and exit\n"
        "\n"
        "Commands:\n",
        out);
  for (size_t i = 0; cli_command_help_line(i); i++)
    fprintf(out, "  %s\n", cli_command_help_line(i));
  fputs("\n"
        "Keys: type /keys for the list.\n"
        "\n"
        "Settings are read from $HEARTH_CONFIG_DIR/hearth.conf, else\n"
        "$XDG_CONFIG_HOME/hearth/hearth.conf, else ~/.config/hearth/hearth.conf;\n"
        "known servers are kept in known_servers beside it.\n",
        out);
}
