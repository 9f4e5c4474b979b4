/* Feeds server lines (one JSON message per line) to the client's session,
 * with its circle and typed speech attached as the client runs them,
 * inside a joined room: whatever arrives, every line printed or told is
 * plain text without control characters, every request sent is one line,
 * and nothing crashes. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_circle.h"
#include "cli_session.h"
#include "cli_typed.h"
#include "hx_err.h"
#include "hx_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(void *userdata, const char *line)
{
  (void)userdata;
  for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
    if (*p < 0x20 || *p == 0x7f)
      abort();
  }
}

static void check_event(void *userdata, const struct a11y_event_info *ev, const char *line)
{
  (void)ev;
  check_line(userdata, line);
}

static void check_cue(void *userdata, enum a11y_cue_event cue, const char *line)
{
  (void)cue;
  check_line(userdata, line);
}

static void check_text(void *userdata, const struct cli_typed_line *tl)
{
  check_line(userdata, tl->line);
  if (!tl->text)
    abort();
}

static int drop_send(void *userdata, const char *data, size_t len)
{
  (void)userdata;
  if (len == 0 || data[len - 1] != '\n' || memchr(data, '\n', len - 1))
    abort();
  return HX_OK;
}

static void quiet(void *userdata, enum hx_log_level level, const char *module, const char *msg)
{
  (void)userdata;
  (void)level;
  (void)module;
  (void)msg;
}

/* welcome, then the answer to the join the session sends (id 2), with
 * text_ssrc; media is not driven, so the keys need only look right. */
static const char *const opening[] = {
    "{\"type\":\"welcome\",\"id\":1,\"version\":1,\"session\":7}",
    "{\"type\":\"joined\",\"id\":2,\"room\":\"Lobby\",\"session\":7,\"ssrc\":101,"
    "\"text_ssrc\":201,\"media_port\":7710,\"srtp\":{\"suite\":\"AEAD_AES_128_GCM\","
    "\"up\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==\","
    "\"down\":\"oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6uw==\"},"
    "\"roster\":[{\"session\":4,\"name\":\"Ben\",\"ssrc\":100,\"text_ssrc\":200},"
    "{\"session\":7,\"name\":\"Ada\",\"ssrc\":101,\"text_ssrc\":201}]}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  hx_log_set_sink(quiet, NULL);
  struct cli_circle_io cio = {.print = check_line, .event = check_cue, .send = drop_send};
  struct cli_circle *c = NULL;
  struct cli_typed *t = NULL;
  struct cli_session *s = NULL;
  struct cli_typed_settings ts;
  cli_typed_settings_default(&ts);
  ts.hear = CLI_HEAR_MINE;
  struct cli_typed_io tio = {.print = check_line, .text = check_text, .send = drop_send};
  struct cli_session_config sc = {
      .name = "Ada", .room = "Lobby", .server = "h:7710", .circle = NULL, .typed = NULL};
  struct cli_session_io sio = {.print = check_line, .event = check_event, .send = drop_send};
  if (cli_circle_create(&cio, NULL, NULL, &c) != HX_OK ||
      cli_typed_create(&tio, &ts, c, &t) != HX_OK)
    abort();
  sc.circle = c;
  sc.typed = t;
  if (cli_session_create(&sc, &sio, NULL, &s) != HX_OK || cli_session_start(s) != HX_OK)
    abort();
  for (size_t i = 0; i < sizeof opening / sizeof opening[0]; i++)
    cli_session_handle_line(s, (const uint8_t *)opening[i], strlen(opening[i]));
  size_t start = 0;
  while (start < size) {
    const uint8_t *nl = memchr(data + start, '\n', size - start);
    size_t end = nl ? (size_t)(nl - data) : size;
    cli_session_handle_line(s, data + start, end - start);
    start = end + 1;
  }
  /* Commands on whatever state the lines left. */
  cli_typed_voice(t, "");
  cli_typed_voice(t, "list en");
  cli_typed_hear(t, "");
  cli_session_who(s);
  cli_session_destroy(s);
  cli_typed_destroy(t);
  cli_circle_destroy(c);
  return 0;
}
