#include "cli_media.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aud_jitter.h"
#include "aud_level.h"
#include "aud_opus.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_ring.h"
#include "proto_rtp.h"

#define LOG_MODULE "media"

struct speaker {
  bool used;
  uint32_t ssrc;
  struct aud_jitter *jitter; /* owned */
  struct aud_decoder *dec;   /* owned */
  uint64_t packets;
};

struct cli_media {
  size_t frame_samples;
  struct aud_encoder *enc; /* owned */
  struct proto_srtp *up;   /* owned; NULL before a join */
  struct proto_srtp *down; /* owned; NULL before a join */
  bool muted;
  uint32_t ssrc;
  uint16_t seq;
  uint32_t timestamp;
  bool first_packet;
  bool warned_send; /* a send failure is logged once, not per packet */
  struct speaker speakers[CLI_MEDIA_MAX_SPEAKERS];
  struct cli_media_stats stats;
  /* Working buffers, so the packet path never allocates. */
  int16_t frame[AUD_MAX_FRAME_SAMPLES];
  int16_t pcm[AUD_MAX_FRAME_SAMPLES];
  int32_t acc[AUD_MAX_FRAME_SAMPLES];
  uint8_t opus[AUD_MAX_PACKET];
  uint8_t packet[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
};

int cli_media_create(int frame_ms, struct cli_media **out)
{
  *out = NULL;
  if (frame_ms != 10 && frame_ms != 20)
    return HX_ERR_INVALID;
  struct cli_media *m = calloc(1, sizeof *m);
  if (!m)
    return HX_ERR_NOMEM;
  int rc = aud_encoder_create(frame_ms, AUD_DEFAULT_BITRATE, &m->enc);
  if (rc != HX_OK) {
    free(m);
    return rc;
  }
  m->frame_samples = aud_encoder_frame_samples(m->enc);
  *out = m;
  return HX_OK;
}

static void speaker_clear(struct speaker *s)
{
  aud_jitter_destroy(s->jitter);
  aud_decoder_destroy(s->dec);
  memset(s, 0, sizeof *s);
}

void cli_media_leave(struct cli_media *m)
{
  proto_srtp_destroy(m->up);
  proto_srtp_destroy(m->down);
  m->up = m->down = NULL;
  for (size_t i = 0; i < CLI_MEDIA_MAX_SPEAKERS; i++) {
    if (m->speakers[i].used)
      speaker_clear(&m->speakers[i]);
  }
}

void cli_media_destroy(struct cli_media *m)
{
  if (!m)
    return;
  cli_media_leave(m);
  aud_encoder_destroy(m->enc);
  free(m);
}

size_t cli_media_frame_samples(const struct cli_media *m) { return m->frame_samples; }

bool cli_media_joined(const struct cli_media *m) { return m->up != NULL; }

int cli_media_join(struct cli_media *m, uint32_t ssrc, const uint8_t up[PROTO_SRTP_KEY_LEN],
                   const uint8_t down[PROTO_SRTP_KEY_LEN])
{
  cli_media_leave(m);
  int rc = proto_srtp_create(up, PROTO_SRTP_OUTBOUND, &m->up);
  if (rc == HX_OK)
    rc = proto_srtp_create(down, PROTO_SRTP_INBOUND, &m->down);
  if (rc != HX_OK) {
    cli_media_leave(m);
    return rc;
  }
  m->ssrc = ssrc;
  /* Fresh keys on every join, so restarting the sequence is safe. */
  m->seq = 0;
  m->timestamp = 0;
  m->first_packet = true;
  return HX_OK;
}

static struct speaker *speaker_find(struct cli_media *m, uint32_t ssrc)
{
  for (size_t i = 0; i < CLI_MEDIA_MAX_SPEAKERS; i++) {
    if (m->speakers[i].used && m->speakers[i].ssrc == ssrc)
      return &m->speakers[i];
  }
  return NULL;
}

int cli_media_allow(struct cli_media *m, uint32_t ssrc)
{
  if ((m->up && ssrc == m->ssrc) || speaker_find(m, ssrc))
    return HX_OK;
  for (size_t i = 0; i < CLI_MEDIA_MAX_SPEAKERS; i++) {
    struct speaker *s = &m->speakers[i];
    if (s->used)
      continue;
    int rc = aud_jitter_create(m->frame_samples, &s->jitter);
    if (rc == HX_OK)
      rc = aud_decoder_create(&s->dec);
    if (rc != HX_OK) {
      speaker_clear(s);
      return rc;
    }
    s->used = true;
    s->ssrc = ssrc;
    return HX_OK;
  }
  hx_log(HX_LOG_WARN, LOG_MODULE, "more than %d speakers; not playing a new one",
         CLI_MEDIA_MAX_SPEAKERS);
  return HX_ERR_FULL;
}

void cli_media_forget(struct cli_media *m, uint32_t ssrc)
{
  struct speaker *s = speaker_find(m, ssrc);
  if (s)
    speaker_clear(s);
}

void cli_media_set_muted(struct cli_media *m, bool muted) { m->muted = muted; }

static int send_frame(struct cli_media *m, cli_media_send_fn send, void *userdata)
{
  /* Muted, we still send (encoded silence, tiny with DTX): the server learns
   * our address only from our packets, and we must hear the room. */
  if (m->muted)
    memset(m->frame, 0, m->frame_samples * sizeof m->frame[0]);
  uint8_t level = aud_level_dbov(m->frame, m->frame_samples);
  size_t opus_len;
  int rc = aud_encoder_encode(m->enc, m->frame, m->opus, sizeof m->opus, &opus_len);
  if (rc != HX_OK)
    return rc;
  struct proto_rtp h = {
      .payload_type = PROTO_RTP_PT_OPUS,
      .marker = m->first_packet,
      .seq = m->seq,
      .timestamp = m->timestamp,
      .ssrc = m->ssrc,
      .has_level = true,
      .voice = level <= CLI_MEDIA_VOICE_LEVEL,
      .level = level,
  };
  m->seq++;
  m->timestamp += (uint32_t)m->frame_samples;
  if (opus_len == 0)
    return HX_OK;
  size_t len;
  rc = proto_rtp_pack(&h, m->opus, opus_len, m->packet, PROTO_RTP_MAX_PACKET, &len);
  if (rc == HX_OK)
    rc = proto_srtp_protect(m->up, m->packet, len, sizeof m->packet, &len);
  if (rc != HX_OK)
    return rc;
  m->first_packet = false;
  send(userdata, m->packet, len);
  m->stats.packets_sent++;
  return HX_OK;
}

int cli_media_pump_capture(struct cli_media *m, struct hx_ring *capture, cli_media_send_fn send,
                           void *userdata)
{
  int result = HX_OK;
  while (hx_ring_readable(capture) >= m->frame_samples) {
    hx_ring_read(capture, m->frame, m->frame_samples);
    if (!m->up)
      continue;
    int rc = send_frame(m, send, userdata);
    if (rc != HX_OK) {
      if (!m->warned_send)
        hx_log(HX_LOG_WARN, LOG_MODULE, "cannot send audio: %s", hx_strerror(rc));
      m->warned_send = true;
      result = rc;
    }
  }
  return result;
}

int cli_media_receive(struct cli_media *m, uint8_t *pkt, size_t len)
{
  if (!m->down) {
    m->stats.dropped++;
    return HX_ERR_STATE;
  }
  size_t rtp_len;
  int rc = proto_srtp_unprotect(m->down, pkt, len, &rtp_len);
  if (rc != HX_OK) {
    if (rc == HX_ERR_AUTH)
      m->stats.auth_failures++;
    else if (rc == HX_ERR_REPLAY)
      m->stats.replays++;
    else
      m->stats.dropped++;
    return rc;
  }
  struct proto_rtp h;
  rc = proto_rtp_parse(pkt, rtp_len, &h);
  if (rc == HX_OK && h.payload_type != PROTO_RTP_PT_OPUS)
    rc = HX_ERR_INVALID;
  if (rc != HX_OK) {
    m->stats.dropped++;
    return rc;
  }
  struct speaker *s = speaker_find(m, h.ssrc);
  if (!s) {
    m->stats.dropped++;
    return HX_ERR_NOT_FOUND;
  }
  rc = aud_jitter_put(s->jitter, h.payload, h.payload_len, h.timestamp);
  if (rc != HX_OK) {
    m->stats.dropped++;
    return rc;
  }
  s->packets++;
  m->stats.packets_received++;
  return HX_OK;
}

/* Adds one frame of this speaker to the mix, if the speaker is talking. */
static void speaker_mix(struct cli_media *m, struct speaker *s)
{
  size_t len = 0, got = 0;
  int rc = aud_jitter_get(s->jitter, m->opus, sizeof m->opus, &len);
  if (rc == HX_ERR_NOT_FOUND)
    return;
  if (rc == HX_OK)
    rc = aud_decoder_decode(s->dec, m->opus, len, m->pcm, AUD_MAX_FRAME_SAMPLES, &got);
  if (rc == HX_OK) {
    m->stats.frames_decoded++;
  } else {
    /* Missing or undecodable: Opus conceals it from what came before. */
    if (aud_decoder_decode(s->dec, NULL, 0, m->pcm, m->frame_samples, &got) != HX_OK)
      return;
    m->stats.frames_concealed++;
  }
  /* A speaker using longer frames than ours is cut to our frame length. */
  aud_mix_add(m->acc, m->pcm, got < m->frame_samples ? got : m->frame_samples, 1.0f);
}

int cli_media_fill_playback(struct cli_media *m, struct hx_ring *playback, size_t target)
{
  size_t cap = hx_ring_capacity(playback);
  while (cap - hx_ring_writable(playback) < target &&
         hx_ring_writable(playback) >= m->frame_samples) {
    memset(m->acc, 0, m->frame_samples * sizeof m->acc[0]);
    for (size_t i = 0; i < CLI_MEDIA_MAX_SPEAKERS; i++) {
      if (m->speakers[i].used)
        speaker_mix(m, &m->speakers[i]);
    }
    aud_mix_out(m->acc, m->frame, m->frame_samples);
    hx_ring_write(playback, m->frame, m->frame_samples);
  }
  return HX_OK;
}

void cli_media_get_stats(const struct cli_media *m, struct cli_media_stats *out)
{
  *out = m->stats;
}

int cli_media_speaker_packets(const struct cli_media *m, uint32_t ssrc, uint64_t *packets)
{
  for (size_t i = 0; i < CLI_MEDIA_MAX_SPEAKERS; i++) {
    if (m->speakers[i].used && m->speakers[i].ssrc == ssrc) {
      *packets = m->speakers[i].packets;
      return HX_OK;
    }
  }
  return HX_ERR_NOT_FOUND;
}

void cli_media_format_stats(const struct cli_media_stats *s, char *out, size_t cap)
{
  snprintf(out, cap,
           "Sent %llu packets. Received %llu packets: %llu frames decoded, %llu frames "
           "concealed, %llu authentication failures, %llu replays, %llu dropped.",
           (unsigned long long)s->packets_sent, (unsigned long long)s->packets_received,
           (unsigned long long)s->frames_decoded, (unsigned long long)s->frames_concealed,
           (unsigned long long)s->auth_failures, (unsigned long long)s->replays,
           (unsigned long long)s->dropped);
}
