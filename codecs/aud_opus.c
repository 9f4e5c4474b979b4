/* Opus encoder and decoder: thin wrappers that fix the settings Hearth uses
 * (48 kHz mono VoIP, FEC and DTX on) and turn libopus results into hx_err
 * codes, so a negative libopus return can never be mistaken for a length. */
#include "aud_opus.h"

#include <limits.h>
#include <math.h>
#include <opus.h>
#include <stdlib.h>

#include "hx_err.h"
#include "hx_log.h"

#define OPUS_MIN_BITRATE 6000
#define OPUS_MAX_BITRATE 510000
#define OPUS_DEFAULT_LOSS_PERC 10
/* High enough for good speech, low enough to leave CPU for a laptop that
 * also runs the mixer and TTS. */
#define OPUS_COMPLEXITY 8
/* 120 ms at 48 kHz: the longest frame libopus can decode in one call. */
#define OPUS_MAX_DECODE_SAMPLES 5760
/* Loss concealment and FEC work in whole 2.5 ms steps (120 samples). */
#define OPUS_PLC_STEP 120

struct aud_encoder {
  OpusEncoder *enc; /* owned */
  size_t frame_samples;
};

/* Concealment of a burst: libopus keeps about 40 ms of a lost stretch at
 * full level, then mutes it by some 6 dB every 10 ms, so a burst of 100 ms
 * on a busy wireless link becomes a hole in the middle of a word. Past
 * that, the concealed signal is held up to a floor that falls
 * CONCEAL_FADE_DB every 10 ms below the last decoded level: the same
 * sound, fading slowly, a blur rather than a hole. The jitter buffer stops
 * asking for concealment after 160 ms, so the floor never becomes a drone. */
#define CONCEAL_FADE_DB 1.0f
#define CONCEAL_MAX_GAIN 100.0f /* 40 dB: the floor never lifts plain noise */

struct aud_decoder {
  OpusDecoder *dec; /* owned */
  float last_rms;   /* of the last frame decoded from a packet */
  uint32_t concealed; /* samples concealed since then */
  float gain;         /* applied at the end of the last concealment */
};

static float rms_of(const int16_t *pcm, size_t n)
{
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += (double)pcm[i] * pcm[i];
  return n ? (float)sqrt(sum / (double)n) : 0.0f;
}

/* Lifts concealed pcm towards the fading floor, ramping the gain across
 * the chunk so it never clicks. */
static void hold_up_concealment(struct aud_decoder *d, int16_t *pcm, size_t n)
{
  d->concealed += (uint32_t)n;
  float fade_db = CONCEAL_FADE_DB * (float)d->concealed / (AUD_RATE / 100);
  float floor_rms = d->last_rms * powf(10.0f, -fade_db / 20.0f);
  float rms = rms_of(pcm, n);
  float want = rms > 0 && floor_rms > rms ? floor_rms / rms : 1.0f;
  if (want > CONCEAL_MAX_GAIN)
    want = CONCEAL_MAX_GAIN;
  for (size_t i = 0; i < n; i++) {
    float g = d->gain + (want - d->gain) * (float)(i + 1) / (float)n;
    float v = (float)pcm[i] * g;
    pcm[i] = (int16_t)(v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v);
  }
  d->gain = want;
}

static int encoder_ctl_failed(int ret)
{
  if (ret == OPUS_OK)
    return 0;
  hx_log(HX_LOG_ERROR, "opus", "encoder setting rejected: %s", opus_strerror(ret));
  return 1;
}

int aud_encoder_create(int frame_ms, int bitrate, struct aud_encoder **out)
{
  if (!out)
    return HX_ERR_INVALID;
  *out = NULL;
  if (frame_ms != 10 && frame_ms != 20)
    return HX_ERR_INVALID;
  if (bitrate < OPUS_MIN_BITRATE || bitrate > OPUS_MAX_BITRATE)
    return HX_ERR_INVALID;

  struct aud_encoder *e = calloc(1, sizeof *e);
  if (!e)
    return HX_ERR_NOMEM;
  int err = OPUS_OK;
  e->enc = opus_encoder_create(AUD_RATE, 1, OPUS_APPLICATION_VOIP, &err);
  if (!e->enc || err != OPUS_OK) {
    hx_log(HX_LOG_ERROR, "opus", "cannot create encoder: %s", opus_strerror(err));
    free(e);
    return err == OPUS_ALLOC_FAIL ? HX_ERR_NOMEM : HX_ERR_CODEC;
  }
  e->frame_samples = (size_t)(AUD_RATE / 1000 * frame_ms);

  if (encoder_ctl_failed(opus_encoder_ctl(e->enc, OPUS_SET_BITRATE(bitrate))) ||
      encoder_ctl_failed(opus_encoder_ctl(e->enc, OPUS_SET_INBAND_FEC(1))) ||
      encoder_ctl_failed(opus_encoder_ctl(e->enc, OPUS_SET_DTX(1))) ||
      encoder_ctl_failed(
          opus_encoder_ctl(e->enc, OPUS_SET_PACKET_LOSS_PERC(OPUS_DEFAULT_LOSS_PERC))) ||
      encoder_ctl_failed(opus_encoder_ctl(e->enc, OPUS_SET_COMPLEXITY(OPUS_COMPLEXITY))) ||
      encoder_ctl_failed(opus_encoder_ctl(e->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)))) {
    aud_encoder_destroy(e);
    return HX_ERR_CODEC;
  }
  *out = e;
  return HX_OK;
}

void aud_encoder_destroy(struct aud_encoder *e)
{
  if (!e)
    return;
  opus_encoder_destroy(e->enc);
  free(e);
}

size_t aud_encoder_frame_samples(const struct aud_encoder *e)
{
  return e ? e->frame_samples : 0;
}

int aud_encoder_encode(struct aud_encoder *e, const int16_t *pcm, uint8_t *out, size_t cap,
                       size_t *written)
{
  if (written)
    *written = 0;
  if (!e || !pcm || !out || !written || cap == 0)
    return HX_ERR_INVALID;
  /* libopus never writes more than one maximal packet, so a larger buffer
   * only needs clamping to what its int parameter can express. */
  opus_int32 room = cap > AUD_MAX_PACKET ? AUD_MAX_PACKET : (opus_int32)cap;
  opus_int32 n = opus_encode(e->enc, pcm, (int)e->frame_samples, out, room);
  if (n < 0)
    return n == OPUS_BUFFER_TOO_SMALL ? HX_ERR_FULL : HX_ERR_CODEC;
  *written = (size_t)n;
  return HX_OK;
}

int aud_encoder_set_loss(struct aud_encoder *e, int percent)
{
  if (!e || percent < 0 || percent > 100)
    return HX_ERR_INVALID;
  if (opus_encoder_ctl(e->enc, OPUS_SET_PACKET_LOSS_PERC(percent)) != OPUS_OK)
    return HX_ERR_CODEC;
  return HX_OK;
}

int aud_opus_packet_samples(const uint8_t *pkt, size_t len, uint32_t *samples)
{
  if (samples)
    *samples = 0;
  if (!pkt || !samples || len == 0 || len > AUD_MAX_PACKET)
    return HX_ERR_INVALID;
  int n = opus_packet_get_nb_samples(pkt, (opus_int32)len, AUD_RATE);
  if (n <= 0 || n > OPUS_MAX_DECODE_SAMPLES)
    return HX_ERR_INVALID;
  *samples = (uint32_t)n;
  return HX_OK;
}

int aud_decoder_create(struct aud_decoder **out)
{
  if (!out)
    return HX_ERR_INVALID;
  *out = NULL;
  struct aud_decoder *d = calloc(1, sizeof *d);
  if (!d)
    return HX_ERR_NOMEM;
  int err = OPUS_OK;
  d->gain = 1.0f;
  d->dec = opus_decoder_create(AUD_RATE, 1, &err);
  if (!d->dec || err != OPUS_OK) {
    hx_log(HX_LOG_ERROR, "opus", "cannot create decoder: %s", opus_strerror(err));
    free(d);
    return err == OPUS_ALLOC_FAIL ? HX_ERR_NOMEM : HX_ERR_CODEC;
  }
  *out = d;
  return HX_OK;
}

void aud_decoder_destroy(struct aud_decoder *d)
{
  if (!d)
    return;
  opus_decoder_destroy(d->dec);
  free(d);
}

/* Shared by normal decoding, concealment and FEC; data NULL means conceal. */
static int decoder_run(struct aud_decoder *d, const uint8_t *data, size_t len, int16_t *pcm,
                       size_t max_samples, size_t *samples, int fec)
{
  if (samples)
    *samples = 0;
  if (!d || !pcm || !samples || (!data && len != 0))
    return HX_ERR_INVALID;
  if (max_samples == 0 || max_samples > OPUS_MAX_DECODE_SAMPLES)
    return HX_ERR_INVALID;
  if (len > INT_MAX)
    return HX_ERR_TOO_BIG;
  if (len == 0)
    data = NULL;
  /* Concealment and FEC produce exactly max_samples, which libopus only
   * accepts in whole 2.5 ms steps. */
  if ((!data || fec) && max_samples % OPUS_PLC_STEP != 0)
    return HX_ERR_INVALID;
  int n = opus_decode(d->dec, data, (opus_int32)len, pcm, (int)max_samples, fec);
  if (n < 0)
    return HX_ERR_CODEC;
  *samples = (size_t)n;
  if (data) {
    d->last_rms = rms_of(pcm, (size_t)n);
    d->concealed = 0;
    d->gain = 1.0f;
  } else {
    hold_up_concealment(d, pcm, (size_t)n);
  }
  return HX_OK;
}

int aud_decoder_decode(struct aud_decoder *d, const uint8_t *pkt, size_t len, int16_t *pcm,
                       size_t max_samples, size_t *samples)
{
  return decoder_run(d, pkt, len, pcm, max_samples, samples, 0);
}

int aud_decoder_decode_fec(struct aud_decoder *d, const uint8_t *next_pkt, size_t len,
                           int16_t *pcm, size_t max_samples, size_t *samples)
{
  if (!next_pkt || len == 0) {
    if (samples)
      *samples = 0;
    return HX_ERR_INVALID;
  }
  return decoder_run(d, next_pkt, len, pcm, max_samples, samples, 1);
}
