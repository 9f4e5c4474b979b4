/* Feeds arbitrary bytes to the hearth.conf parser: it must always return
 * HX_OK, count one mistake per reported sentence, and leave every setting
 * inside its range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_config.h"
#include "hx_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count(void *userdata, const char *sentence)
{
  if (!sentence || strchr(sentence, '\033'))
    abort();
  ++*(int *)userdata;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct cli_config c;
  cli_config_defaults(&c);
  int said = 0, errors = -1;
  if (cli_config_parse(&c, (const char *)data, size, "fuzz.conf", count, &said, &errors) !=
          HX_OK ||
      errors != said)
    abort();
  if (c.rate < 80 || c.rate > 450 || c.pitch < 0 || c.pitch > 100 || c.volume < 0 ||
      c.volume > 100 || c.room_volume < 0 || c.room_volume > 100 || c.cues_volume < 0 ||
      c.cues_volume > 100)
    abort();
  for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
    char canon[CLI_KEY_NAME_MAX], why[128];
    if (cli_key_parse(c.keys.key[a], canon, NULL, why, sizeof why) != HX_OK)
      abort();
  }
  return 0;
}
