/* Feeds server lines (one JSON message per line) to the client's circle
 * handler inside a joined room: whatever arrives, it prints at most plain
 * lines without control characters and never crashes. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_circle.h"
#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(void *userdata, const char *line)
{
  (void)userdata;
  for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
    if (*p < 0x20 || *p == 0x7f)
      abort();
  }
}

static int drop_send(void *userdata, const char *data, size_t len)
{
  (void)userdata;
  if (len == 0 || data[len - 1] != '\n')
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

static const char joined[] =
    "{\"type\":\"joined\",\"id\":3,\"room\":\"Circle\",\"session\":7,\"ssrc\":101,"
    "\"floor\":{\"mode\":\"hands\",\"holder\":null,\"queue\":[4]},"
    "\"roster\":[{\"session\":4,\"name\":\"Ben\",\"ssrc\":100},"
    "{\"session\":7,\"name\":\"Ada\",\"ssrc\":101}]}";

static void handle(struct cli_circle *c, const uint8_t *line, size_t len)
{
  json_t *msg = NULL;
  if (proto_msg_parse(line, len, &msg) != HX_OK)
    return;
  cli_circle_handle(c, msg);
  json_decref(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  hx_log_set_sink(quiet, NULL);
  struct cli_circle_io io = {.print = check_line, .send = drop_send};
  struct cli_circle *c = NULL;
  if (cli_circle_create(&io, NULL, NULL, &c) != HX_OK)
    abort();
  handle(c, (const uint8_t *)joined, strlen(joined));
  size_t start = 0;
  while (start < size) {
    const uint8_t *nl = memchr(data + start, '\n', size - start);
    size_t end = nl ? (size_t)(nl - data) : size;
    handle(c, data + start, end - start);
    start = end + 1;
  }
  /* Commands on whatever state the lines left. */
  cli_circle_command(c, "floor", "");
  cli_circle_command(c, "queue", "");
  cli_circle_command(c, "knock", "");
  cli_circle_destroy(c);
  return 0;
}
