/* Control-channel parsing: the framer, then proto_msg_parse on each line,
 * then an encode/parse round trip of whatever parsed. The first input byte
 * picks the feed size, so lines get split across feeds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "proto_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const uint8_t *line, size_t len)
{
  json_t *msg = NULL;
  if (proto_msg_parse(line, len, &msg) != HX_OK)
    return;
  if (!proto_msg_type(msg))
    abort(); /* parse promised a string "type" */
  char *text = NULL;
  size_t text_len = 0;
  if (proto_msg_encode(msg, &text, &text_len) == HX_OK) {
    json_t *back = NULL;
    if (text_len == 0 || text[text_len - 1] != '\n' ||
        proto_msg_parse((const uint8_t *)text, text_len - 1, &back) != HX_OK ||
        !json_equal(msg, back))
      abort();
    json_decref(back);
    free(text);
  }
  json_decref(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  size_t step = (size_t)data[0] + 1;
  data++;
  size--;
  check_line(data, size);

  static uint8_t line[PROTO_MSG_MAX];
  struct proto_framer f;
  proto_framer_init(&f, PROTO_MSG_MAX_PREAUTH);
  for (size_t pos = 0; pos < size; pos += step) {
    size_t n = size - pos < step ? size - pos : step;
    if (proto_framer_feed(&f, data + pos, n) != HX_OK)
      break;
    size_t len = 0;
    while (proto_framer_next(&f, line, sizeof line, &len) == HX_OK) {
      if (len > PROTO_MSG_MAX_PREAUTH || memchr(line, '\n', len))
        abort();
      check_line(line, len);
    }
  }
  proto_framer_free(&f);
  return 0;
}
