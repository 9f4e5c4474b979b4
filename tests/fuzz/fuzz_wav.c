/* Feeds arbitrary bytes to the WAV header parser: it must return a status
 * and, on success, describe audio that lies inside the buffer. */
#include <stdint.h>
#include <stdlib.h>

#include "aud_wav.h"
#include "hx_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  int rate = 0, channels = 0;
  size_t offset = 0, len = 0;
  int err = aud_wav_parse_header(data, size, &rate, &channels, &offset, &len);
  if (err == HX_OK) {
    if (offset > size || len > size - offset || rate < 8000 || rate > 192000 || channels < 1 ||
        channels > 8)
      abort();
  } else if (err > 0) {
    abort();
  }
  return 0;
}
