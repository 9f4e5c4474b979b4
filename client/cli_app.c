#include "cli_app.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "a11y_text.h"
#include "cli_audio.h"
#include "cli_circle.h"
#include "cli_command.h"
#include "cli_config.h"
#include "cli_conn.h"
#include "cli_front.h"
#include "cli_identity.h"
#include "cli_media.h"
#include "cli_session.h"
#include "cli_trust.h"
#include "cli_typed.h"
#include "cli_typing.h"
#include "cli_ui.h"
#include "cli_watermark.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_ring.h"
#include "hx_util.h"
#include "proto_rtp.h"
#include "proto_srtp.h"
#include "proto_tls.h"

#define LOG_MODULE "hearth"
/* Receiver reports go out this often: often enough that a speaker's FEC
 * follows a link that turns bad within seconds. */
#define CLI_APP_REPORT_NS 2000000000u
#define SEATS_NO_STEREO                                                                  \
  "Seats off: the sound output cannot play stereo. Choose another with --audio-out; "   \
  "--list-devices names them."

struct app {
  const struct cli_options *opt;
  uv_loop_t loop;
  char hostport[CLI_HOST_MAX + 16];
  char trust_path[4096];
  SSL_CTX *ssl_ctx;
  struct cli_media *media;
  struct cli_audio *audio;
  struct hx_ring *capture;  /* not owned: the audio device's */
  struct cli_watermark overlay_ready; /* speech and earcons mixed ahead */
  bool seats_asked;       /* --seats on or seats = on */
  bool stereo;            /* the output plays stereo: seats can be heard */
  uint64_t last_report_ns; /* when receiver reports last went out */
  struct cli_session *session;
  struct cli_identity *identity; /* NULL: a guest */
  struct cli_circle *circle;
  struct cli_typed *typed;
  struct cli_typing *typing;
  struct cli_conn *conn;
  struct cli_ui *ui;
  struct cli_front *front; /* every line for the person goes through it */
  enum cli_ui_mode ui_mode;
  bool script_file; /* the end of a script file does not quit (a bot) */
  bool waiting;     /* a /wait is running */
  bool quitting;
  int exit_code;
  uv_timer_t tick, wait_timer;
  uv_timer_t typing_timer; /* CLI_TYPING_IDLE_MS after the last key */
  uv_async_t wake; /* the audio thread moved a period */
  uv_signal_t sigint, sigterm;
  bool handles_open;
  uv_udp_t udp;
  bool udp_open;
  struct sockaddr_storage media_addr;
  uint8_t udp_buf[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
};

static void out_line(void *userdata, const char *line)
{
  struct app *a = userdata;
  if (a->front) {
    cli_front_print(a->front, line);
  } else {
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
  }
}

static void on_event(void *userdata, const struct a11y_event_info *ev, const char *line)
{
  struct app *a = userdata;
  cli_front_event(a->front, ev, line);
}

static void on_circle_event(void *userdata, enum a11y_cue_event cue, const char *line)
{
  struct app *a = userdata;
  cli_front_cue(a->front, cue, line);
}

static void on_circle_answer(void *userdata, const char *line)
{
  struct app *a = userdata;
  cli_front_answer(a->front, line);
}

static void on_typed_line(void *userdata, const struct cli_typed_line *tl)
{
  struct app *a = userdata;
  cli_front_text(a->front, tl);
}

__attribute__((format(printf, 2, 3))) static void say(struct app *a, const char *fmt, ...)
{
  char line[CLI_LINE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  out_line(a, line);
}

static void app_quit(struct app *a, int code)
{
  if (a->quitting)
    return;
  a->quitting = true;
  a->exit_code = code;
  if (a->audio)
    cli_audio_stop(a->audio);
  if (a->session && cli_session_in_room(a->session))
    cli_session_leave(a->session);
  if (a->conn)
    cli_conn_close(a->conn);
  if (a->handles_open) {
    uv_close((uv_handle_t *)&a->tick, NULL);
    uv_close((uv_handle_t *)&a->wake, NULL);
    uv_close((uv_handle_t *)&a->wait_timer, NULL);
    uv_close((uv_handle_t *)&a->typing_timer, NULL);
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
  }
  if (a->udp_open)
    uv_close((uv_handle_t *)&a->udp, NULL);
  if (a->ui)
    cli_ui_close(a->ui);
}

/* --- the typing indicator --- */

static void on_typing_idle(uv_timer_t *t)
{
  struct app *a = t->data;
  cli_typing_idle(a->typing);
}

/* The idle timer runs while the room thinks we type, from the last key. */
static void typing_timer_follow(struct app *a)
{
  if (a->quitting)
    return;
  if (cli_typing_told(a->typing))
    uv_timer_start(&a->typing_timer, on_typing_idle, CLI_TYPING_IDLE_MS, 0);
  else
    uv_timer_stop(&a->typing_timer);
}

/* Each key in the line editor. */
static void on_draft(void *userdata, const char *text)
{
  struct app *a = userdata;
  if (a->quitting)
    return;
  cli_typing_draft(a->typing, text);
  typing_timer_follow(a);
}

/* --- commands --- */

static void pump_commands(void *userdata);

static void on_wait_done(uv_timer_t *t)
{
  struct app *a = t->data;
  a->waiting = false;
  pump_commands(a);
}

static void run_command(struct app *a, const struct cli_command *cmd)
{
  struct cli_media_stats stats;
  char line[512], shown[CLI_COMMAND_ARG_MAX];
  switch (cmd->kind) {
  case CLI_CMD_NONE:
    break;
  case CLI_CMD_WHO:
    cli_session_who(a->session);
    break;
  case CLI_CMD_MUTE:
  case CLI_CMD_UNMUTE:
    cli_session_set_muted(a->session, cmd->kind == CLI_CMD_MUTE);
    break;
  case CLI_CMD_MUTE_TOGGLE:
    cli_session_set_muted(a->session, !cli_session_muted(a->session));
    break;
  case CLI_CMD_SPEAKING:
    cli_session_speaking(a->session);
    break;
  case CLI_CMD_TALK:
    cli_media_set_talking(a->media, !cli_media_talking(a->media));
    out_line(a, cli_media_talking(a->media) ? "Talking." : "Stopped talking.");
    break;
  case CLI_CMD_JOIN:
    cli_session_join(a->session, cmd->arg);
    break;
  case CLI_CMD_LEAVE:
    cli_session_leave(a->session);
    break;
  case CLI_CMD_ROOMS:
    cli_session_request_rooms(a->session);
    break;
  case CLI_CMD_STATS:
    cli_media_get_stats(a->media, &stats);
    cli_media_format_stats(&stats, line, sizeof line);
    out_line(a, line);
    break;
  case CLI_CMD_QUIT:
    app_quit(a, 0);
    break;
  case CLI_CMD_HELP:
    for (size_t i = 0; cli_command_help_line(i); i++)
      out_line(a, cli_command_help_line(i));
    for (size_t i = 0; cli_circle_help_line(i); i++)
      out_line(a, cli_circle_help_line(i));
    out_line(a, "Type /keys for the keys.");
    break;
  case CLI_CMD_WAIT:
    a->waiting = true;
    uv_timer_start(&a->wait_timer, on_wait_done, (uint64_t)(cmd->seconds * 1000.0 + 0.5), 0);
    break;
  case CLI_CMD_SEATS:
    if (cmd->on && !a->stereo) {
      out_line(a, a->seats_asked ? SEATS_NO_STEREO
                                 : "Seats need stereo sound: start Hearth with --seats on.");
      break;
    }
    cli_session_set_seats(a->session, cmd->on);
    out_line(a, cmd->on ? "Seats on: each voice comes from its own place."
                        : "Seats off: every voice comes from the middle.");
    break;
  case CLI_CMD_USAGE:
    out_line(a, cmd->arg);
    break;
  case CLI_CMD_UNKNOWN:
    a11y_text_sanitize(shown, sizeof shown, cmd->arg);
    say(a, "Unknown command %s. Type /help for the list.", shown);
    break;
  case CLI_CMD_SAY:
    cli_typed_say(a->typed, cmd->text);
    break;
  case CLI_CMD_SAY_STOP:
    cli_typed_stop(a->typed);
    break;
  case CLI_CMD_TEXT_VOICE:
    cli_typed_voice(a->typed, cmd->text);
    break;
  case CLI_CMD_HEAR_TEXT:
    cli_typed_hear(a->typed, cmd->text);
    break;
  case CLI_CMD_TYPING:
    cli_typing_command(a->typing, cmd->has_on, cmd->on);
    typing_timer_follow(a);
    break;
  case CLI_CMD_RAISE_HAND:
    cli_circle_command(a->circle, "hand", "up");
    break;
  case CLI_CMD_DONE:
    cli_circle_command(a->circle, "pass", "");
    break;
  default:
    cli_front_command(a->front, cmd);
    break;
  }
}

/* Circle commands (cli_circle.h) get what the parser does not take itself:
 * unknown words, /hand, and known words followed by words only a circle
 * understands (/mute NAME, /leave quietly, /join ROOM --invite CODE). True
 * when the circle took it. */
static bool circle_command(struct app *a, const struct cli_command *cmd, const char *text)
{
  if (cmd->kind != CLI_CMD_UNKNOWN && cmd->kind != CLI_CMD_USAGE && cmd->kind != CLI_CMD_HAND &&
      cmd->kind != CLI_CMD_JOIN) /* /join ROOM --invite CODE */
    return false;
  const char *s = text + strspn(text, " \t");
  size_t n = *s == '/' ? strcspn(s + 1, " \t") : 0;
  char word[32];
  if (n == 0 || n >= sizeof word)
    return false;
  memcpy(word, s + 1, n);
  word[n] = '\0';
  return cli_circle_command(a->circle, word, s + 1 + n) != HX_ERR_NOT_FOUND;
}

/* Runs queued lines once the room is joined, one at a time, stopping for a
 * /wait. */
static void pump_commands(void *userdata)
{
  struct app *a = userdata;
  char text[CLI_UI_LINE_MAX];
  enum cli_ui_item item;
  while (!a->quitting && !a->waiting && cli_session_ready(a->session) &&
         cli_ui_next(a->ui, &item, text, sizeof text) == HX_OK) {
    struct cli_command cmd;
    switch (item) {
    case CLI_UI_LINE:
      cli_command_parse(text, a->opt->script != NULL, &cmd);
      if (!circle_command(a, &cmd, text))
        run_command(a, &cmd);
      break;
    case CLI_UI_TOO_LONG:
      say(a, "That line is too long; a command is at most %d characters.", CLI_UI_LINE_MAX - 2);
      break;
    case CLI_UI_EOF:
      if (!a->script_file)
        app_quit(a, 0);
      break;
    }
  }
}

/* --- media --- */

static void udp_send(void *userdata, const uint8_t *pkt, size_t len)
{
  struct app *a = userdata;
  if (!a->udp_open)
    return;
  uv_buf_t buf = uv_buf_init((char *)pkt, (unsigned)len);
  /* A full socket buffer drops the packet: late audio is useless. */
  uv_udp_try_send(&a->udp, &buf, 1, (const struct sockaddr *)&a->media_addr);
}

static int send_control(void *userdata, const char *data, size_t len)
{
  struct app *a = userdata;
  return cli_conn_send(a->conn, data, len);
}

/* Tells the server how much of each speaker's stream we lost, so the
 * speaker can size its FEC (docs/protocol.md, "report"). */
static void send_reports(struct app *a)
{
  struct cli_media_report r[CLI_MEDIA_MAX_SPEAKERS];
  size_t n = cli_media_take_reports(a->media, r, CLI_MEDIA_MAX_SPEAKERS);
  for (size_t i = 0; i < n && a->conn; i++) {
    char msg[96];
    int len = snprintf(msg, sizeof msg, "{\"type\":\"report\",\"ssrc\":%lu,\"loss\":%d}\n",
                       (unsigned long)r[i].ssrc, r[i].loss);
    if (len > 0 && (size_t)len < sizeof msg)
      send_control(a, msg, (size_t)len);
  }
}

/* Moves what the audio thread left: captured frames out, and speech and
 * earcons mixed ahead of the device, as far as follows from how often the
 * device found them short (cli_watermark). */
static void pump_audio(struct app *a)
{
  cli_media_pump_capture(a->media, a->capture, udp_send, a);
  cli_media_fill_overlay(a->media, a->overlay_ready.level);
  size_t was = a->overlay_ready.level;
  if (cli_watermark_update(&a->overlay_ready, cli_media_overlay_short(a->media),
                           uv_now(&a->loop)))
    hx_log(HX_LOG_INFO, "app", "announcements ran %s; keeping %zu samples ready now",
           a->overlay_ready.level > was ? "short" : "steady", a->overlay_ready.level);
  cli_audio_keep_up(a->audio, uv_now(&a->loop));
}

/* Audio thread: what plays now (cli_media_render). */
static void render_for_device(void *media, int16_t *out, size_t frames)
{
  cli_media_render(media, out, frames);
}

/* Audio thread: only a signal, merged by libuv if several come at once. */
static void wake_from_audio(void *userdata)
{
  struct app *a = userdata;
  uv_async_send(&a->wake);
}

static void on_wake(uv_async_t *h) { pump_audio(h->data); }

/* The timer catches what a wake-up missed (and runs without audio
 * threads at all); it also sends the loss reports. */
static void on_tick(uv_timer_t *t)
{
  struct app *a = t->data;
  pump_audio(a);
  uint64_t now = hx_clock_ns();
  if (now - a->last_report_ns >= CLI_APP_REPORT_NS) {
    a->last_report_ns = now;
    if (cli_media_joined(a->media))
      send_reports(a);
  }
}

static void on_udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
  (void)suggested;
  struct app *a = h->data;
  *buf = uv_buf_init((char *)a->udp_buf, sizeof a->udp_buf);
}

static void on_udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                        const struct sockaddr *addr, unsigned flags)
{
  (void)addr;
  (void)flags;
  struct app *a = h->data;
  if (nread > 0)
    cli_media_receive(a->media, (uint8_t *)buf->base, (size_t)nread);
}

static int udp_open(struct app *a)
{
  struct sockaddr_storage any = {0};
  any.ss_family = a->media_addr.ss_family;
  uv_udp_init(&a->loop, &a->udp);
  a->udp.data = a;
  a->udp_open = true;
  int err = uv_udp_bind(&a->udp, (const struct sockaddr *)&any, 0);
  if (err == 0)
    err = uv_udp_recv_start(&a->udp, on_udp_alloc, on_udp_recv);
  if (err < 0) {
    hx_log(HX_LOG_WARN, LOG_MODULE, "cannot open the UDP media socket: %s", uv_strerror(err));
    return HX_ERR_IO;
  }
  return HX_OK;
}

static void on_joined(void *userdata, uint16_t media_port)
{
  struct app *a = userdata;
  const struct cli_options *o = a->opt;
  if (o->has_media_via) {
    /* A relay between us and the server (tests); the options checked that
     * the host is a numeric address. */
    memset(&a->media_addr, 0, sizeof a->media_addr);
    if (uv_ip4_addr(o->media_via_host, o->media_via_port,
                    (struct sockaddr_in *)&a->media_addr) != 0)
      uv_ip6_addr(o->media_via_host, o->media_via_port, (struct sockaddr_in6 *)&a->media_addr);
  } else {
    if (cli_conn_peer(a->conn, &a->media_addr) != HX_OK)
      return;
    if (a->media_addr.ss_family == AF_INET6)
      ((struct sockaddr_in6 *)&a->media_addr)->sin6_port = htons(media_port);
    else
      ((struct sockaddr_in *)&a->media_addr)->sin_port = htons(media_port);
  }
  if (!a->udp_open)
    udp_open(a);
}

/* --- control connection --- */


static enum cli_trust_policy trust_policy(const struct cli_options *o)
{
  if (o->trust_new)
    return CLI_TRUST_POLICY_NEW;
  if (o->has_fingerprint)
    return CLI_TRUST_POLICY_PINNED;
  if (!o->script && isatty(STDIN_FILENO))
    return CLI_TRUST_POLICY_ASK;
  return CLI_TRUST_POLICY_REFUSE;
}

static bool ask_person(struct app *a)
{
  out_line(a, CLI_TRUST_QUESTION);
  char answer[64];
  return fgets(answer, sizeof answer, stdin) && cli_trust_answer_is_yes(answer);
}

static int check_trust(struct app *a, const char *fingerprint)
{
  char known[CLI_TRUST_FP_LEN];
  if (cli_trust_lookup(a->trust_path, a->hostport, known) != HX_OK) {
    say(a, "Cannot read %s: %s.", a->trust_path, strerror(errno));
    return HX_ERR_IO;
  }
  struct cli_trust_request req = {.path = a->trust_path,
                                  .hostport = a->hostport,
                                  .seen = fingerprint,
                                  .known = known,
                                  .policy = trust_policy(a->opt),
                                  .pinned = a->opt->fingerprint};
  char msg[1024];
  enum cli_trust_verdict verdict = cli_trust_decide(&req, msg, sizeof msg);
  if (msg[0])
    out_line(a, msg);
  if (verdict == CLI_TRUST_ACCEPT)
    return HX_OK;
  if (verdict == CLI_TRUST_REFUSE)
    return HX_ERR_FINGERPRINT;
  if (verdict == CLI_TRUST_ASK && !ask_person(a)) {
    out_line(a, "Not trusted. Disconnecting.");
    return HX_ERR_FINGERPRINT;
  }
  if (cli_trust_record(a->trust_path, a->hostport, fingerprint) != HX_OK)
    hx_log(HX_LOG_WARN, LOG_MODULE, "cannot remember the server in %s", a->trust_path);
  return HX_OK;
}

static int on_handshake(void *userdata, const char *fingerprint)
{
  struct app *a = userdata;
  int rc = check_trust(a, fingerprint);
  if (rc == HX_OK) /* the identity proof covers the fingerprint we pinned */
    rc = cli_circle_set_fingerprint(a->circle, fingerprint);
  /* The reader starts only now, so that the trust question above is the
   * only thing reading the terminal until it is answered. */
  if (rc == HX_OK)
    rc = cli_ui_start(a->ui);
  if (rc == HX_OK)
    rc = cli_session_start(a->session);
  if (rc != HX_OK)
    app_quit(a, 1);
  return rc;
}

static void on_line(void *userdata, const uint8_t *line, size_t len)
{
  struct app *a = userdata;
  cli_session_handle_line(a->session, line, len);
  if (cli_session_end(a->session) == CLI_SESSION_FAILED)
    app_quit(a, 1);
  else
    pump_commands(a);
}

static void on_closed(void *userdata, bool established, const char *reason)
{
  struct app *a = userdata;
  if (a->quitting)
    return;
  if (!established) {
    say(a, "Cannot connect to %s: %s. Is hearthd running there?", a->hostport, reason);
    app_quit(a, 1);
    return;
  }
  bool announced = cli_session_end(a->session) == CLI_SESSION_SHUTDOWN;
  char detail[256], line[320];
  snprintf(detail, sizeof detail, "%s.", announced ? "the server shut down" : reason);
  struct a11y_event_info ev = {.event = A11Y_EV_DISCONNECTED, .detail = detail};
  a11y_text_event(&ev, line, sizeof line);
  on_event(a, &ev, line);
  /* An announced shutdown is an orderly end; anything else is a failure. */
  app_quit(a, announced ? 0 : 1);
}

/* --- set-up --- */

static void on_signal(uv_signal_t *s, int signum)
{
  (void)signum;
  app_quit(s->data, 0);
}

#define CONFIG_ERRORS_SHOWN 8

struct config_errors {
  char lines[CONFIG_ERRORS_SHOWN][700];
  int count;
};

static void keep_config_error(void *userdata, const char *sentence)
{
  struct config_errors *e = userdata;
  if (e->count < CONFIG_ERRORS_SHOWN)
    hx_strlcpy(e->lines[e->count], sentence, sizeof e->lines[0]);
  e->count++;
}

/* Settings, then the way lines are shown. A broken settings file is told
 * and its bad lines keep their defaults: never a reason not to start. */
static int open_front(struct app *a)
{
  const struct cli_options *o = a->opt;
  struct cli_config cfg;
  cli_config_defaults(&cfg);
  struct config_errors *errs = calloc(1, sizeof *errs);
  if (!errs)
    return HX_ERR_NOMEM;
  char path[4096];
  int n = 0;
  if (o->config) {
    FILE *f = fopen(o->config, "r");
    if (f) {
      fclose(f);
      cli_config_load(&cfg, o->config, keep_config_error, errs, &n);
    } else {
      snprintf(errs->lines[0], sizeof errs->lines[0], "Cannot read %s: %s. Using the default "
               "settings.", o->config, strerror(errno));
      errs->count = 1;
    }
  } else if (cli_config_path(getenv("HEARTH_CONFIG_DIR"), getenv("XDG_CONFIG_HOME"),
                             getenv("HOME"), path, sizeof path) == HX_OK) {
    cli_config_load(&cfg, path, keep_config_error, errs, &n);
  }
  /* --speech wins over the file; with no sound output at all there is
   * nothing to speak into. */
  if (o->speech)
    hx_strlcpy(cfg.backend, o->speech, sizeof cfg.backend);
  else if (o->no_audio)
    hx_strlcpy(cfg.backend, "none", sizeof cfg.backend);
  if (o->has_cues)
    cli_config_base_preset(&cfg, o->cues);
  bool script = o->script != NULL;
  bool in_tty = isatty(STDIN_FILENO);
  a->ui_mode = cli_ui_choose_mode(o->plain, o->json, script, getenv("NO_COLOR"), in_tty,
                                  isatty(STDOUT_FILENO));
  bool every_event = a->ui_mode == CLI_UI_JSON || script || !in_tty;
  int rc = cli_front_create(a->ui_mode, every_event, stdout, &cfg, &a->front);
  for (int i = 0; rc == HX_OK && i < errs->count && i < CONFIG_ERRORS_SHOWN; i++)
    out_line(a, errs->lines[i]);
  if (rc == HX_OK && errs->count > CONFIG_ERRORS_SHOWN)
    say(a, "%d more mistakes in the settings file were not shown.",
        errs->count - CONFIG_ERRORS_SHOWN);
  free(errs);
  return rc;
}

/* The person's identity (cli_identity.h), made on first run. A damaged
 * file stops us: going on as a guest would silently lose the person's
 * roles and standing. No place to keep one at all makes a guest. */
static int open_identity(struct app *a)
{
  char path[4096], msg[1024];
  if (cli_identity_path(getenv("HEARTH_CONFIG_DIR"), getenv("XDG_CONFIG_HOME"), getenv("HOME"),
                        path, sizeof path) != HX_OK) {
    out_line(a, "No place to keep your identity (set HEARTH_CONFIG_DIR or HOME): you join as "
                "a guest.");
    return HX_OK;
  }
  bool created = false;
  int rc = cli_identity_open(path, &a->identity, &created, msg, sizeof msg);
  if (rc != HX_OK)
    out_line(a, msg);
  else if (created)
    say(a, "Made your identity in %s; hosts will know you by it. Keep a copy.", path);
  return rc;
}

static int open_parts(struct app *a)
{
  const struct cli_options *o = a->opt;
  int rc = open_front(a);
  if (rc != HX_OK)
    return rc;
  const struct cli_config *cfg = cli_front_config(a->front);
  if (strchr(o->host, ':'))
    snprintf(a->hostport, sizeof a->hostport, "[%s]:%u", o->host, (unsigned)o->port);
  else
    snprintf(a->hostport, sizeof a->hostport, "%s:%u", o->host, (unsigned)o->port);
  if (cli_trust_path(getenv("HEARTH_CONFIG_DIR"), getenv("XDG_CONFIG_HOME"), getenv("HOME"),
                     a->trust_path, sizeof a->trust_path) != HX_OK) {
    say(a, "Cannot tell where to keep known servers: set HEARTH_CONFIG_DIR or HOME.");
    return HX_ERR_NOT_FOUND;
  }
  rc = proto_srtp_global_init();
  if (rc == HX_OK)
    rc = proto_tls_client_ctx(&a->ssl_ctx);
  if (rc == HX_OK)
    rc = cli_media_create(o->frame_ms, &a->media);
  if (rc == HX_OK)
    rc = cli_media_set_bitrate(a->media, o->bitrate_kbps * 1000);
  if (rc == HX_OK)
    rc = cli_media_set_transmit(a->media, o->transmit);
  if (rc == HX_OK)
    rc = cli_media_set_preprocess(a->media, o->preprocess);
  if (rc != HX_OK) {
    say(a, "Cannot start: %s.", hx_strerror(rc));
    return rc;
  }
  /* The command line wins over the settings file. */
  bool file_devices = !o->no_audio && !o->audio_in && !o->audio_out;
  a->seats_asked = o->has_seats ? o->seats : cfg->seats;
  struct cli_audio_config ac = {.input = o->audio_in,
                                .output = o->audio_out,
                                .no_audio = o->no_audio,
                                .output_channels = a->seats_asked ? 2 : 1,
                                .frame_samples = cli_media_frame_samples(a->media),
                                .wake = wake_from_audio,
                                .wake_userdata = a,
                                .render = render_for_device,
                                .render_userdata = a->media};
  if (file_devices && cfg->input[0])
    ac.input = cfg->input;
  if (file_devices && cfg->output[0])
    ac.output = cfg->output;
  char err[512];
  if (cli_audio_open(&ac, &a->audio, err, sizeof err) != HX_OK) {
    out_line(a, err);
    return HX_ERR_DEVICE;
  }
  a->capture = cli_audio_capture_ring(a->audio);
  a->stereo = cli_audio_output_channels(a->audio) == 2;
  cli_media_set_channels(a->media, a->stereo ? 2 : 1);
  if (a->seats_asked && !a->stereo)
    out_line(a, SEATS_NO_STEREO);
  cli_watermark_init(&a->overlay_ready, cli_audio_playback_period(a->audio));
  cli_media_set_post_mix(a->media, cli_front_mix, a->front);
  rc = open_identity(a);
  if (rc != HX_OK)
    return rc;
  struct cli_circle_io cio = {.print = out_line,
                             .event = on_circle_event,
                             .answer = on_circle_answer,
                             .send = send_control,
                             .userdata = a};
  rc = cli_circle_create(&cio, a->media, a->identity, &a->circle);
  if (rc != HX_OK) {
    say(a, "Cannot start: %s.", hx_strerror(rc));
    return rc;
  }
  struct cli_typed_io tio = {
      .print = out_line, .text = on_typed_line, .send = send_control, .userdata = a};
  rc = cli_typed_create(&tio, &cfg->text, a->circle, &a->typed);
  if (rc != HX_OK) {
    say(a, "Cannot start: %s.", hx_strerror(rc));
    return rc;
  }
  /* Only the line editor sees a line while it is written. */
  struct cli_typing_io yio = {.print = out_line, .send = send_control, .userdata = a};
  rc = cli_typing_create(&yio, cfg->typing, a->ui_mode == CLI_UI_EDIT, &a->typing);
  if (rc != HX_OK) {
    say(a, "Cannot start: %s.", hx_strerror(rc));
    return rc;
  }
  struct cli_session_config sc = {.name = o->name,
                                  .room = o->room,
                                  .server = a->hostport,
                                  .identity = a->identity,
                                  .circle = a->circle,
                                  .typed = a->typed,
                                  .typing = a->typing};
  struct cli_session_io io = {
      .print = out_line, .event = on_event, .send = send_control, .joined = on_joined,
      .userdata = a};
  rc = cli_session_create(&sc, &io, a->media, &a->session);
  if (rc != HX_OK) {
    say(a, "Cannot start: %s.", hx_strerror(rc));
    return rc;
  }
  cli_session_set_seats(a->session, a->stereo);
  FILE *in = stdin;
  a->script_file = o->script && strcmp(o->script, "-") != 0;
  if (a->script_file && !(in = fopen(o->script, "r"))) {
    say(a, "Cannot open the script %s: %s.", o->script, strerror(errno));
    return HX_ERR_IO;
  }
  rc = cli_ui_create(&a->loop, a->ui_mode, in, a->script_file, stdout, pump_commands, a,
                     &a->ui);
  if (rc != HX_OK) {
    if (a->script_file && !a->ui)
      fclose(in);
    say(a, "Cannot start: %s.", hx_strerror(rc));
    return rc;
  }
  cli_front_attach(a->front, a->ui);
  cli_ui_on_draft(a->ui, on_draft, a);
  char why[256];
  if (cli_ui_bind_keys(a->ui, &cfg->keys, why, sizeof why) != HX_OK)
    say(a, "Keys: %s.", why);
  return HX_OK;
}

static int start(struct app *a)
{
  uv_timer_init(&a->loop, &a->tick);
  uv_async_init(&a->loop, &a->wake, on_wake);
  uv_timer_init(&a->loop, &a->wait_timer);
  uv_timer_init(&a->loop, &a->typing_timer);
  uv_signal_init(&a->loop, &a->sigint);
  uv_signal_init(&a->loop, &a->sigterm);
  a->tick.data = a->wake.data = a->wait_timer.data = a->sigint.data = a->sigterm.data = a;
  a->typing_timer.data = a;
  a->handles_open = true;
  uv_signal_start(&a->sigint, on_signal, SIGINT);
  uv_signal_start(&a->sigterm, on_signal, SIGTERM);
  if (cli_audio_start(a->audio) != HX_OK) {
    say(a, "Cannot start the audio devices.");
    return HX_ERR_DEVICE;
  }
  uv_timer_start(&a->tick, on_tick, CLI_APP_TICK_MS, CLI_APP_TICK_MS);
  struct cli_conn_handler h = {
      .handshake = on_handshake, .line = on_line, .closed = on_closed, .userdata = a};
  int rc = cli_conn_create(&a->loop, a->ssl_ctx, &h, &a->conn);
  if (rc == HX_OK)
    rc = cli_conn_connect(a->conn, a->opt->host, a->opt->port);
  if (rc != HX_OK)
    say(a, "Cannot connect to %s: %s. Is hearthd running there?", a->hostport, hx_strerror(rc));
  return rc;
}

int cli_app_run(const struct cli_options *opt, int *exit_code)
{
  struct app *a = calloc(1, sizeof *a);
  if (!a)
    return HX_ERR_NOMEM;
  a->opt = opt;
  if (opt->verbose)
    hx_log_set_level(HX_LOG_INFO);
  int rc = uv_loop_init(&a->loop) == 0 ? HX_OK : HX_ERR_IO;
  if (rc != HX_OK) {
    free(a);
    return rc;
  }
  rc = open_parts(a);
  if (rc == HX_OK)
    rc = start(a);
  if (rc != HX_OK)
    app_quit(a, 1);
  uv_run(&a->loop, UV_RUN_DEFAULT);
  *exit_code = a->exit_code;

  cli_conn_destroy(a->conn);
  cli_ui_destroy(a->ui);
  cli_front_destroy(a->front);
  cli_session_destroy(a->session);
  cli_circle_destroy(a->circle);
  cli_typed_destroy(a->typed);
  cli_typing_destroy(a->typing);
  cli_identity_destroy(a->identity);
  cli_audio_close(a->audio);
  cli_media_destroy(a->media);
  SSL_CTX_free(a->ssl_ctx);
  uv_loop_close(&a->loop);
  free(a);
  return HX_OK;
}
