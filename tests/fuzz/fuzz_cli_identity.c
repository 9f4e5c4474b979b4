/* Feeds arbitrary bytes to the identity file parser: it must return a
 * status, and a seed only for a file that holds exactly one. */
#include <stdint.h>
#include <stdlib.h>

#include "cli_identity.h"
#include "hx_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t seed[CLI_IDENTITY_SEED_LEN];
  int err = cli_identity_parse(data, size, seed);
  if (err != HX_OK && err != HX_ERR_FORMAT)
    abort();
  if (err == HX_OK && size > CLI_IDENTITY_FILE_MAX)
    abort();
  return 0;
}
