/* Per-speaker jitter buffer on top of speexdsp's JitterBuffer.
 *
 * speexdsp does the reordering and the adaptive delay, and drops duplicates
 * and late packets because a frame already played never matches again;
 * it compares timestamps as signed 32-bit differences, so RTP timestamps
 * that wrap past 2^32 pass straight through. It copies each payload on put
 * (no destroy callback is installed) and copies it out again on get, so the
 * caller's buffers are never kept. What this file adds: hx_err results, a
 * payload size limit that keeps speex from truncating on get, and the notion
 * of "the speaker went quiet" that speex does not have. */
#include "aud_jitter.h"

#include <speex/speex_jitter.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aud_opus.h"
#include "hx_err.h"

/* After this many frames in a row without a packet the speaker is treated
 * as silent (DTX pause, push-to-talk released): the caller stops concealing
 * and plays silence, and the next packet resynchronises the buffer. */
#define JITTER_SILENT_FRAMES 10
/* 10 s of 20 ms frames: anything longer as one frame is not RTP audio. */
#define JITTER_MAX_FRAME_SAMPLES (AUD_RATE * 10)

struct aud_jitter {
  JitterBuffer *jb; /* owned */
  spx_int32_t frame_samples;
  bool started;          /* a packet has been put since create */
  unsigned missing_run;  /* consecutive gets without a payload */
  char scratch[AUD_MAX_PACKET]; /* speex copies the due payload here */
};

int aud_jitter_create(size_t frame_samples, struct aud_jitter **out)
{
  if (!out)
    return HX_ERR_INVALID;
  *out = NULL;
  if (frame_samples == 0 || frame_samples > JITTER_MAX_FRAME_SAMPLES)
    return HX_ERR_INVALID;
  struct aud_jitter *j = calloc(1, sizeof *j);
  if (!j)
    return HX_ERR_NOMEM;
  j->frame_samples = (spx_int32_t)frame_samples;
  j->jb = jitter_buffer_init(j->frame_samples);
  if (!j->jb) {
    free(j);
    return HX_ERR_NOMEM;
  }
  /* No safety margin beyond what the measured jitter asks for: talking
   * over each other hurts more than the odd concealed frame. */
  spx_int32_t margin = 0;
  jitter_buffer_ctl(j->jb, JITTER_BUFFER_SET_MARGIN, &margin);
  *out = j;
  return HX_OK;
}

void aud_jitter_destroy(struct aud_jitter *j)
{
  if (!j)
    return;
  jitter_buffer_destroy(j->jb);
  free(j);
}

int aud_jitter_put(struct aud_jitter *j, const uint8_t *payload, size_t len, uint32_t timestamp)
{
  if (!j || !payload)
    return HX_ERR_INVALID;
  /* speex marks free slots with a NULL copy, which an empty payload could
   * produce; an empty Opus payload carries nothing anyway. */
  if (len == 0)
    return HX_ERR_INVALID;
  if (len > sizeof j->scratch)
    return HX_ERR_TOO_BIG;

  /* After a long silence the playout point has run far ahead of (or behind)
   * the sender's clock; resync on this packet instead of letting speex drop
   * new speech as "late" until its own loss counter gives up. */
  if (j->missing_run > JITTER_SILENT_FRAMES)
    jitter_buffer_reset(j->jb);
  j->missing_run = 0;

  JitterBufferPacket pkt = {
      .data = (char *)payload, /* only read: speex copies it */
      .len = (spx_uint32_t)len,
      .timestamp = timestamp,
      .span = (spx_uint32_t)j->frame_samples,
  };
  jitter_buffer_put(j->jb, &pkt);
  j->started = true;
  return HX_OK;
}

int aud_jitter_get(struct aud_jitter *j, uint8_t *out, size_t cap, size_t *len)
{
  if (len)
    *len = 0;
  if (!j || !out || !len)
    return HX_ERR_INVALID;
  if (!j->started)
    return HX_ERR_NOT_FOUND;

  JitterBufferPacket pkt = {.data = j->scratch, .len = sizeof j->scratch};
  /* With a NULL offset speex would only warn about a packet that starts
   * inside the frame; taking it keeps the library quiet. */
  spx_int32_t offset = 0;
  int ret = jitter_buffer_get(j->jb, &pkt, j->frame_samples, &offset);
  jitter_buffer_tick(j->jb);

  if (ret == JITTER_BUFFER_OK) {
    j->missing_run = 0;
    if (pkt.len > cap)
      return HX_ERR_TOO_BIG;
    memcpy(out, j->scratch, pkt.len);
    *len = pkt.len;
    return HX_OK;
  }
  /* MISSING (lost or late) and INSERTION (speex growing its delay) both
   * mean: no payload for this frame. */
  if (j->missing_run <= JITTER_SILENT_FRAMES)
    j->missing_run++;
  return j->missing_run > JITTER_SILENT_FRAMES ? HX_ERR_NOT_FOUND : HX_ERR_AGAIN;
}

/* Returns the audio queued at or after the playout point, in samples:
 * buffered packets times the frame length. Packets already too late to play
 * do not count. */
int aud_jitter_delay(struct aud_jitter *j)
{
  if (!j)
    return HX_ERR_INVALID;
  spx_int32_t count = 0;
  jitter_buffer_ctl(j->jb, JITTER_BUFFER_GET_AVAILABLE_COUNT, &count);
  return (int)(count * j->frame_samples);
}
