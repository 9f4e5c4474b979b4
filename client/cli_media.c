#include "cli_media.h"

#include <math.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aud_jitter.h"
#include "aud_level.h"
#include "aud_opus.h"
#include "aud_preprocess.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_ring.h"
#include "hx_util.h"
#include "proto_rtp.h"

#define LOG_MODULE "media"

/* A packet still goes out after this long without one, so the server keeps
 * our address while we are quiet (Opus DTX sends nothing in silence). */
#define KEEPALIVE_SAMPLES AUD_RATE
/* Playback is mixed 2.5 ms at a time (Opus's smallest step), whatever the
 * codec frame. */
#define CLI_MEDIA_MIX_SAMPLES 120
/* Twice the speakers: a forgotten speaker's slot is reused only once the
 * render thread has let go of it, and a room change forgets everyone at
 * once just before the next room's roster arrives. */
#define SPEAKER_SLOTS (2 * CLI_MEDIA_MAX_SPEAKERS)
/* Packets on their way from the loop to the render thread, which takes
 * them every device period (5 ms): 64 speakers at 10 ms frames send 32 in
 * that time. */
#define INBOX_SLOTS 512
/* What the overlay (speech and earcons) may hold, per channel: far more
 * than the loop keeps ready. */
#define OVERLAY_FRAMES 8192
/* The voices' gain rides with each overlay piece in Q14 (1.0 = 16384). */
#define GAIN_ONE 16384.0f

/* A speaker slot's life. The loop creates the jitter buffer and decoder
 * and publishes the slot (LIVE); the render thread takes it on at its
 * next period. Forgetting marks it RETIRING; the render thread lets go
 * (RETIRED), and only then does the loop free it (FREE). */
enum slot_state { SLOT_FREE, SLOT_LIVE, SLOT_RETIRING, SLOT_RETIRED };

struct speaker {
  /* Loop thread. */
  bool used; /* on the roster */
  uint32_t ssrc;
  uint64_t packets;
  float pan; /* -1 left .. +1 right; stereo only */
  /* Receiver report: extended sequence numbers seen in this interval. */
  bool have_seq;
  uint32_t max_seq;  /* highest extended sequence number */
  uint32_t base_seq; /* the highest one when the interval began */
  uint32_t received; /* packets in this interval */
  /* Set by the loop before it publishes LIVE: packets queued for an
   * earlier speaker in this slot carry another number and are dropped. */
  uint32_t incarnation;
  /* Shared. */
  _Atomic int state;                    /* enum slot_state */
  _Atomic float gain_left, gain_right;  /* pan through the pan law */
  atomic_bool lossy;                    /* keep time for FEC */
  /* Owned; created and freed by the loop, used by the render thread only
   * between LIVE and its RETIRED. */
  struct aud_jitter *jitter;
  struct aud_decoder *dec;
  /* Render thread. */
  bool playing;      /* taken on, not yet let go */
  uint32_t playing_incarnation;
  /* Decoded audio not yet mixed: whole packets are decoded at once and
   * mixed a piece at a time. */
  int16_t queue[AUD_JITTER_MAX_SPAN + AUD_MAX_FRAME_SAMPLES];
  size_t queued;
};

/* One received packet, parsed and authenticated by the loop, for the
 * render thread's jitter buffers. */
struct inbound {
  uint32_t incarnation;
  uint32_t timestamp;
  uint32_t span;
  uint32_t arrival; /* clock_samples() when the datagram was read */
  uint16_t slot;
  uint16_t len;
  bool voice;
  uint8_t data[AUD_MAX_PACKET];
};

struct cli_media {
  size_t frame_samples;
  int frame_ms;
  struct aud_encoder *enc; /* owned */
  struct aud_preprocess *pre; /* owned */
  enum cli_media_transmit transmit;
  bool talk_on;          /* toggle mode */
  uint32_t since_sent;   /* samples since our last packet */
  bool spurt_start;      /* the next packet sent starts a talk spurt */
  struct proto_srtp *up;   /* owned; NULL before a join */
  struct proto_srtp *down; /* owned; NULL before a join */
  bool muted;
  uint32_t ssrc;
  uint16_t seq;
  uint32_t timestamp;
  bool first_packet;
  bool warned_send; /* a send failure is logged once, not per packet */
  int channels;     /* of the output: 1, or 2 for seats; set before rendering */
  cli_media_post_mix_fn post_mix; /* NULL: none */
  void *post_mix_ud;
  struct speaker speakers[SPEAKER_SLOTS];
  size_t n_speakers; /* on the roster */
  uint32_t incarnations;
  /* Loop to render thread, single producer and single consumer. */
  alignas(64) _Atomic size_t inbox_head; /* written by the loop */
  alignas(64) _Atomic size_t inbox_tail; /* written by the render thread */
  struct inbound inbox[INBOX_SLOTS];
  /* Speech and earcons, mixed on the loop ahead of time, with the gain the
   * voices get under them (room volume and ducking), one per piece. */
  struct hx_ring *overlay;      /* owned */
  struct hx_ring *overlay_gain; /* owned */
  struct cli_media_stats stats; /* loop thread's counters */
  /* Render thread's counters. Concealment comes in pieces of any length
   * (a 10 ms hold, a 15 ms gap); stats count it in our frames, like
   * frames_decoded. */
  atomic_uint_fast64_t decoded, concealed_samples, recovered, late, put_dropped;
  atomic_ulong overlay_short;
  /* Recent "loss" figures, newest last, for cli_media_note_loss. */
  struct {
    int percent;
    uint64_t at_ms;
  } losses[CLI_MEDIA_MAX_SPEAKERS];
  size_t n_losses;
  /* Working buffers, so neither the packet path nor rendering allocates.
   * Loop thread: */
  int16_t frame[AUD_MAX_FRAME_SAMPLES];
  int16_t overlay_piece[CLI_MEDIA_MIX_SAMPLES * 2];
  uint8_t opus[AUD_MAX_PACKET];
  uint8_t packet[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
  /* Render thread: the last rendered piece and how much of it the device
   * has had, so a device period that is not a whole number of pieces
   * still gets each sample once; acc and the pieces hold a stereo piece
   * when the output is stereo. */
  int16_t mixed[CLI_MEDIA_MIX_SAMPLES * 2];
  size_t mixed_pos, mixed_len; /* samples, all channels */
  int16_t overlaid[CLI_MEDIA_MIX_SAMPLES * 2];
  float voice_gain; /* where the last piece's gain ended */
  int16_t pcm[AUD_JITTER_MAX_SPAN];
  int32_t acc[CLI_MEDIA_MIX_SAMPLES * 2];
  struct aud_jitter_out jout;
};

int cli_media_create(int frame_ms, struct cli_media **out)
{
  *out = NULL;
  if (frame_ms != 10 && frame_ms != 20)
    return HX_ERR_INVALID;
  struct cli_media *m = calloc(1, sizeof *m);
  if (!m)
    return HX_ERR_NOMEM;
  m->frame_ms = frame_ms;
  m->channels = 1;
  m->voice_gain = 1.0f;
  atomic_init(&m->inbox_head, 0);
  atomic_init(&m->inbox_tail, 0);
  m->overlay = hx_ring_create(OVERLAY_FRAMES * 2);
  m->overlay_gain = hx_ring_create(OVERLAY_FRAMES / CLI_MEDIA_MIX_SAMPLES);
  int rc = m->overlay && m->overlay_gain ? HX_OK : HX_ERR_NOMEM;
  if (rc == HX_OK)
    rc = aud_encoder_create(frame_ms, AUD_DEFAULT_BITRATE, &m->enc);
  if (rc == HX_OK)
    rc = aud_preprocess_create(aud_encoder_frame_samples(m->enc), false, &m->pre);
  if (rc != HX_OK) {
    aud_encoder_destroy(m->enc);
    hx_ring_destroy(m->overlay);
    hx_ring_destroy(m->overlay_gain);
    free(m);
    return rc;
  }
  m->frame_samples = aud_encoder_frame_samples(m->enc);
  *out = m;
  return HX_OK;
}

/* Loop thread, once the render thread no longer uses the slot (or never
 * will again). */
static void speaker_free(struct speaker *s)
{
  aud_jitter_destroy(s->jitter);
  aud_decoder_destroy(s->dec);
  s->jitter = NULL;
  s->dec = NULL;
  atomic_store_explicit(&s->state, SLOT_FREE, memory_order_relaxed);
}

static void speaker_retire(struct cli_media *m, struct speaker *s)
{
  s->used = false;
  m->n_speakers--;
  atomic_store_explicit(&s->state, SLOT_RETIRING, memory_order_release);
}

/* Frees the slots the render thread has let go of; called when a slot is
 * wanted, not on every tick. */
static void reap(struct cli_media *m)
{
  for (size_t i = 0; i < SPEAKER_SLOTS; i++) {
    struct speaker *s = &m->speakers[i];
    if (atomic_load_explicit(&s->state, memory_order_acquire) == SLOT_RETIRED)
      speaker_free(s);
  }
}

void cli_media_leave(struct cli_media *m)
{
  proto_srtp_destroy(m->up);
  proto_srtp_destroy(m->down);
  m->up = m->down = NULL;
  for (size_t i = 0; i < SPEAKER_SLOTS; i++) {
    if (m->speakers[i].used)
      speaker_retire(m, &m->speakers[i]);
  }
}

void cli_media_destroy(struct cli_media *m)
{
  if (!m)
    return;
  cli_media_leave(m);
  /* The device has stopped: nothing renders any more. */
  for (size_t i = 0; i < SPEAKER_SLOTS; i++)
    speaker_free(&m->speakers[i]);
  aud_encoder_destroy(m->enc);
  aud_preprocess_destroy(m->pre);
  hx_ring_destroy(m->overlay);
  hx_ring_destroy(m->overlay_gain);
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
  m->spurt_start = true;
  m->since_sent = 0;
  return HX_OK;
}

static const struct speaker *speaker_find_const(const struct cli_media *m, uint32_t ssrc)
{
  for (size_t i = 0; i < SPEAKER_SLOTS; i++) {
    if (m->speakers[i].used && m->speakers[i].ssrc == ssrc)
      return &m->speakers[i];
  }
  return NULL;
}

static struct speaker *speaker_find(struct cli_media *m, uint32_t ssrc)
{
  return (struct speaker *)speaker_find_const(m, ssrc);
}

static void set_gains(struct speaker *s)
{
  float left, right;
  aud_pan_gains(s->pan, &left, &right);
  atomic_store_explicit(&s->gain_left, left, memory_order_relaxed);
  atomic_store_explicit(&s->gain_right, right, memory_order_relaxed);
}

int cli_media_allow(struct cli_media *m, uint32_t ssrc)
{
  if ((m->up && ssrc == m->ssrc) || speaker_find(m, ssrc))
    return HX_OK;
  reap(m);
  struct speaker *s = NULL;
  for (size_t i = 0; i < SPEAKER_SLOTS && m->n_speakers < CLI_MEDIA_MAX_SPEAKERS && !s; i++) {
    if (atomic_load_explicit(&m->speakers[i].state, memory_order_relaxed) == SLOT_FREE)
      s = &m->speakers[i];
  }
  if (!s) {
    hx_log(HX_LOG_WARN, LOG_MODULE, "more than %d speakers; not playing a new one",
           CLI_MEDIA_MAX_SPEAKERS);
    return HX_ERR_FULL;
  }
  int rc = aud_jitter_create(&s->jitter);
  if (rc == HX_OK)
    rc = aud_decoder_create(&s->dec);
  if (rc != HX_OK) {
    speaker_free(s);
    return rc;
  }
  s->used = true;
  s->ssrc = ssrc;
  s->packets = 0;
  s->have_seq = false;
  s->received = 0;
  s->pan = 0.0f;
  s->incarnation = ++m->incarnations;
  set_gains(s);
  atomic_store_explicit(&s->lossy, false, memory_order_relaxed);
  m->n_speakers++;
  atomic_store_explicit(&s->state, SLOT_LIVE, memory_order_release);
  return HX_OK;
}

void cli_media_forget(struct cli_media *m, uint32_t ssrc)
{
  struct speaker *s = speaker_find(m, ssrc);
  if (s)
    speaker_retire(m, s);
}

int cli_media_set_pan(struct cli_media *m, uint32_t ssrc, float pan)
{
  if (isnan(pan) || pan < -1.0f || pan > 1.0f)
    return HX_ERR_INVALID;
  struct speaker *s = speaker_find(m, ssrc);
  if (!s)
    return HX_ERR_NOT_FOUND;
  s->pan = pan;
  set_gains(s);
  return HX_OK;
}

int cli_media_speaker_pan(const struct cli_media *m, uint32_t ssrc, float *pan)
{
  const struct speaker *s = speaker_find_const(m, ssrc);
  if (!s)
    return HX_ERR_NOT_FOUND;
  *pan = s->pan;
  return HX_OK;
}

int cli_media_set_channels(struct cli_media *m, int channels)
{
  if (channels != 1 && channels != 2)
    return HX_ERR_INVALID;
  m->channels = channels;
  m->mixed_pos = m->mixed_len = 0;
  hx_ring_skip(m->overlay, hx_ring_readable(m->overlay));
  hx_ring_skip(m->overlay_gain, hx_ring_readable(m->overlay_gain));
  return HX_OK;
}

int cli_media_channels(const struct cli_media *m) { return m->channels; }

void cli_media_set_muted(struct cli_media *m, bool muted) { m->muted = muted; }

int cli_media_set_bitrate(struct cli_media *m, int bitrate)
{
  struct aud_encoder *enc = NULL;
  int rc = aud_encoder_create(m->frame_ms, bitrate, &enc);
  if (rc != HX_OK)
    return rc;
  aud_encoder_destroy(m->enc);
  m->enc = enc;
  return HX_OK;
}

int cli_media_set_transmit(struct cli_media *m, enum cli_media_transmit mode)
{
  if (mode != CLI_MEDIA_TRANSMIT_ALWAYS && mode != CLI_MEDIA_TRANSMIT_VOICE &&
      mode != CLI_MEDIA_TRANSMIT_TOGGLE)
    return HX_ERR_INVALID;
  m->transmit = mode;
  return HX_OK;
}

int cli_media_set_preprocess(struct cli_media *m, bool denoise)
{
  struct aud_preprocess *pre = NULL;
  int rc = aud_preprocess_create(m->frame_samples, denoise, &pre);
  if (rc != HX_OK)
    return rc;
  aud_preprocess_destroy(m->pre);
  m->pre = pre;
  return HX_OK;
}

void cli_media_set_talking(struct cli_media *m, bool talking) { m->talk_on = talking; }

bool cli_media_talking(const struct cli_media *m) { return m->talk_on; }

int cli_media_set_loss(struct cli_media *m, int percent)
{
  return aud_encoder_set_loss(m->enc, percent);
}

int cli_media_note_loss(struct cli_media *m, int percent, uint64_t now_ms, int *applied)
{
  if (percent < 0 || percent > 100)
    return HX_ERR_INVALID;
  size_t kept = 0;
  int highest = percent;
  for (size_t i = 0; i < m->n_losses; i++) {
    if (now_ms - m->losses[i].at_ms >= CLI_MEDIA_LOSS_WINDOW_MS)
      continue;
    if (m->losses[i].percent > highest)
      highest = m->losses[i].percent;
    m->losses[kept++] = m->losses[i];
  }
  /* Full (many listeners reporting at once): the oldest figure goes. */
  if (kept == CLI_MEDIA_MAX_SPEAKERS) {
    memmove(m->losses, m->losses + 1, (kept - 1) * sizeof m->losses[0]);
    kept--;
  }
  m->losses[kept].percent = percent;
  m->losses[kept].at_ms = now_ms;
  m->n_losses = kept + 1;
  int rc = aud_encoder_set_loss(m->enc, highest);
  if (rc == HX_OK && applied)
    *applied = highest;
  return rc;
}

/* Whether this frame goes out as sound: muted never does; otherwise the
 * transmit mode decides. */
static bool frame_is_sent(struct cli_media *m)
{
  bool voice = false;
  aud_preprocess_run(m->pre, m->frame, &voice);
  if (m->muted)
    return false;
  switch (m->transmit) {
  case CLI_MEDIA_TRANSMIT_VOICE:
    return voice;
  case CLI_MEDIA_TRANSMIT_TOGGLE:
    return m->talk_on;
  case CLI_MEDIA_TRANSMIT_ALWAYS:
    break;
  }
  return true;
}

static int send_frame(struct cli_media *m, cli_media_send_fn send, void *userdata)
{
  /* Not talking, we encode silence: DTX then sends nothing but a keepalive,
   * and the next talk spurt starts from a settled encoder. */
  if (!frame_is_sent(m))
    memset(m->frame, 0, m->frame_samples * sizeof m->frame[0]);
  uint8_t level = aud_level_dbov(m->frame, m->frame_samples);
  size_t opus_len;
  int rc = aud_encoder_encode(m->enc, m->frame, m->opus, sizeof m->opus, &opus_len);
  if (rc != HX_OK)
    return rc;
  m->since_sent += (uint32_t)m->frame_samples;
  /* DTX frames say "still silent"; the receiver's jitter buffer goes idle
   * on its own, so only a keepalive needs to travel. */
  if (opus_len <= AUD_DTX_MAX_BYTES && m->since_sent < KEEPALIVE_SAMPLES) {
    m->timestamp += (uint32_t)m->frame_samples;
    m->spurt_start = true;
    return HX_OK;
  }
  struct proto_rtp h = {
      .payload_type = PROTO_RTP_PT_OPUS,
      .marker = m->first_packet || m->spurt_start,
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
  m->spurt_start = false;
  m->since_sent = 0;
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

/* The jitter buffers' clock: monotonic time in samples, wrapping. */
static uint32_t clock_samples(void)
{
  return (uint32_t)(hx_clock_ns() / (1000000000u / AUD_RATE));
}

/* Extends 16-bit RTP sequence numbers (RFC 3550 A.1, without the probation
 * a sender restart would need: a restart comes with a new SSRC here). */
static void note_sequence(struct speaker *s, uint16_t seq)
{
  if (!s->have_seq) {
    s->have_seq = true;
    s->max_seq = seq;
    s->base_seq = seq - 1u;
    s->received = 1;
    return;
  }
  uint16_t delta = (uint16_t)(seq - (uint16_t)s->max_seq);
  if (delta != 0 && delta < 0x8000u)
    s->max_seq += delta;
  /* A packet skipped: keep time for FEC from now, not from the next
   * report (the report clears it again after a clean interval). */
  if (delta > 1 && delta < 0x8000u)
    atomic_store_explicit(&s->lossy, true, memory_order_relaxed);
  s->received++;
}

/* Loop thread: hands a packet to the render thread; false when the inbox
 * is full (the render thread has stopped taking them). */
static bool inbox_push(struct cli_media *m, const struct speaker *s, const struct proto_rtp *h,
                       uint32_t span, uint32_t arrival)
{
  size_t head = atomic_load_explicit(&m->inbox_head, memory_order_relaxed);
  size_t tail = atomic_load_explicit(&m->inbox_tail, memory_order_acquire);
  if (head - tail == INBOX_SLOTS)
    return false;
  struct inbound *in = &m->inbox[head % INBOX_SLOTS];
  in->incarnation = s->incarnation;
  in->timestamp = h->timestamp;
  in->span = span;
  in->arrival = arrival;
  in->slot = (uint16_t)(s - m->speakers);
  in->len = (uint16_t)h->payload_len;
  in->voice = h->voice;
  memcpy(in->data, h->payload, h->payload_len);
  atomic_store_explicit(&m->inbox_head, head + 1, memory_order_release);
  return true;
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
  uint32_t span;
  rc = aud_opus_packet_samples(h.payload, h.payload_len, &span);
  if (rc == HX_OK && (h.payload_len > AUD_MAX_PACKET || span > AUD_JITTER_MAX_SPAN))
    rc = HX_ERR_INVALID;
  if (rc == HX_OK && !inbox_push(m, s, &h, span, clock_samples()))
    rc = HX_ERR_FULL;
  if (rc != HX_OK) {
    m->stats.dropped++;
    return rc;
  }
  note_sequence(s, h.seq);
  s->packets++;
  m->stats.packets_received++;
  return HX_OK;
}

static void queue_append(struct speaker *s, const int16_t *pcm, size_t n)
{
  size_t room = sizeof s->queue / sizeof s->queue[0] - s->queued;
  if (n > room)
    n = room;
  if (pcm)
    memcpy(s->queue + s->queued, pcm, n * sizeof pcm[0]);
  else
    memset(s->queue + s->queued, 0, n * sizeof s->queue[0]);
  s->queued += n;
}

static void count(atomic_uint_fast64_t *counter, uint64_t n)
{
  atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

static void conceal(struct cli_media *m, struct speaker *s, uint32_t span)
{
  size_t got = 0;
  if (aud_decoder_decode(s->dec, NULL, 0, m->pcm, span, &got) != HX_OK)
    got = 0;
  queue_append(s, got ? m->pcm : NULL, span);
  count(&m->concealed_samples, span);
}

/* Decodes the next piece of this speaker's playout (sound, concealment or
 * silence) into its queue. */
static int speaker_refill(struct cli_media *m, struct speaker *s)
{
  struct aud_jitter_out *o = &m->jout;
  size_t got = 0;
  aud_jitter_set_lossy(s->jitter, atomic_load_explicit(&s->lossy, memory_order_relaxed));
  int rc = aud_jitter_get(s->jitter, clock_samples(), (uint32_t)s->queued, o);
  switch (o->kind) {
  case AUD_JITTER_PACKET:
    if (aud_decoder_decode(s->dec, o->data, o->len, m->pcm, AUD_JITTER_MAX_SPAN, &got) != HX_OK ||
        got < o->skip) {
      conceal(m, s, o->span);
      return HX_OK;
    }
    queue_append(s, m->pcm + o->skip, got - o->skip);
    count(&m->decoded, 1);
    return HX_OK;
  case AUD_JITTER_LOST:
    /* One lost frame whose successor is already here: its FEC copy is
     * closer to what was said than anything concealment can guess. */
    if (o->len > 0 &&
        aud_decoder_decode_fec(s->dec, o->data, o->len, m->pcm, o->span, &got) == HX_OK &&
        got == o->span) {
      queue_append(s, m->pcm, got);
      count(&m->recovered, 1);
      return HX_OK;
    }
    conceal(m, s, o->span);
    return HX_OK;
  case AUD_JITTER_SILENCE:
    /* Idle or not, the speaker's timeline runs at our pace: every sample
     * we play is one the buffer must count, or a pause would stretch. */
    queue_append(s, NULL, o->span);
    return HX_OK;
  }
  return rc;
}

/* Adds n samples of this speaker to the mix. */
static void speaker_mix(struct cli_media *m, struct speaker *s, size_t n)
{
  while (s->queued < n) {
    if (speaker_refill(m, s) != HX_OK)
      queue_append(s, NULL, n - s->queued);
  }
  if (m->channels == 2)
    aud_mix_add_stereo(m->acc, s->queue, n,
                       atomic_load_explicit(&s->gain_left, memory_order_relaxed),
                       atomic_load_explicit(&s->gain_right, memory_order_relaxed));
  else
    aud_mix_add(m->acc, s->queue, n, 1.0f);
  s->queued -= n;
  memmove(s->queue, s->queue + n, s->queued * sizeof s->queue[0]);
}

/* Render thread: a slot the loop published is taken on fresh, and one it
 * retired is let go of, so the loop may free it. Returns whether the slot
 * is played. */
static bool speaker_take(struct speaker *s)
{
  int state = atomic_load_explicit(&s->state, memory_order_acquire);
  if (state == SLOT_LIVE && (!s->playing || s->playing_incarnation != s->incarnation)) {
    s->playing = true;
    s->playing_incarnation = s->incarnation;
    s->queued = 0;
  } else if (state == SLOT_RETIRING) {
    s->playing = false;
    atomic_store_explicit(&s->state, SLOT_RETIRED, memory_order_release);
  }
  return state == SLOT_LIVE;
}

/* Render thread: moves what the loop received into the jitter buffers,
 * with the time each packet arrived. */
static void take_packets(struct cli_media *m)
{
  size_t tail = atomic_load_explicit(&m->inbox_tail, memory_order_relaxed);
  size_t head = atomic_load_explicit(&m->inbox_head, memory_order_acquire);
  for (; tail != head; tail++) {
    const struct inbound *in = &m->inbox[tail % INBOX_SLOTS];
    struct speaker *s = &m->speakers[in->slot];
    if (!speaker_take(s) || in->incarnation != s->playing_incarnation)
      continue;
    int rc = aud_jitter_put(s->jitter, in->data, in->len, in->timestamp, in->span, in->voice,
                            in->arrival);
    if (rc == HX_ERR_AGAIN)
      count(&m->late, 1);
    else if (rc != HX_OK && rc != HX_ERR_EXISTS)
      count(&m->put_dropped, 1);
  }
  atomic_store_explicit(&m->inbox_tail, tail, memory_order_release);
}

/* Render thread: the next CLI_MEDIA_MIX_SAMPLES of every speaker, under
 * the gain the loop set for them, plus the next piece of speech and
 * earcons, into m->mixed. A piece much shorter than a codec frame: a
 * speaker's packet is pulled from its jitter buffer only when its first
 * sample is needed. */
static void render_piece(struct cli_media *m)
{
  size_t channels = (size_t)m->channels;
  size_t samples = CLI_MEDIA_MIX_SAMPLES * channels;
  memset(m->acc, 0, samples * sizeof m->acc[0]);
  for (size_t i = 0; i < SPEAKER_SLOTS; i++) {
    struct speaker *s = &m->speakers[i];
    if (speaker_take(s))
      speaker_mix(m, s, CLI_MEDIA_MIX_SAMPLES);
  }
  float from = m->voice_gain, to = from;
  /* The loop writes a piece's gain before its sound, so both are here. */
  if (hx_ring_readable(m->overlay) >= samples) {
    int16_t q = 0;
    hx_ring_read(m->overlay_gain, &q, 1);
    to = (float)q / GAIN_ONE;
    hx_ring_read(m->overlay, m->overlaid, samples);
  } else {
    memset(m->overlaid, 0, samples * sizeof m->overlaid[0]);
    atomic_fetch_add_explicit(&m->overlay_short, CLI_MEDIA_MIX_SAMPLES, memory_order_relaxed);
  }
  aud_mix_out(m->acc, m->overlaid, m->mixed, CLI_MEDIA_MIX_SAMPLES, channels, from, to);
  m->voice_gain = to;
  m->mixed_pos = 0;
  m->mixed_len = samples;
}

void cli_media_render(struct cli_media *m, int16_t *out, size_t frames)
{
  take_packets(m);
  size_t want = frames * (size_t)m->channels;
  while (want > 0) {
    if (m->mixed_pos == m->mixed_len)
      render_piece(m);
    size_t n = m->mixed_len - m->mixed_pos;
    if (n > want)
      n = want;
    memcpy(out, m->mixed + m->mixed_pos, n * sizeof out[0]);
    m->mixed_pos += n;
    out += n;
    want -= n;
  }
}

int cli_media_fill_overlay(struct cli_media *m, size_t target)
{
  size_t channels = (size_t)m->channels;
  size_t samples = CLI_MEDIA_MIX_SAMPLES * channels;
  while (hx_ring_readable(m->overlay) / channels < target &&
         hx_ring_writable(m->overlay) >= samples && hx_ring_writable(m->overlay_gain) >= 1) {
    memset(m->overlay_piece, 0, samples * sizeof m->overlay_piece[0]);
    float gain = 1.0f;
    if (m->post_mix)
      gain = m->post_mix(m->post_mix_ud, m->overlay_piece, CLI_MEDIA_MIX_SAMPLES, m->channels);
    gain = gain < 0.0f ? 0.0f : gain > 1.0f ? 1.0f : gain;
    int16_t q = (int16_t)lrintf(gain * GAIN_ONE);
    hx_ring_write(m->overlay_gain, &q, 1);
    hx_ring_write(m->overlay, m->overlay_piece, samples);
  }
  return HX_OK;
}

unsigned long cli_media_overlay_short(const struct cli_media *m)
{
  return atomic_load_explicit(&m->overlay_short, memory_order_relaxed);
}

void cli_media_set_post_mix(struct cli_media *m, cli_media_post_mix_fn fn, void *userdata)
{
  m->post_mix = fn;
  m->post_mix_ud = userdata;
}

size_t cli_media_take_reports(struct cli_media *m, struct cli_media_report *out, size_t cap)
{
  size_t n = 0;
  for (size_t i = 0; i < SPEAKER_SLOTS && n < cap; i++) {
    struct speaker *s = &m->speakers[i];
    if (!s->used || !s->have_seq || s->received == 0)
      continue;
    uint32_t expected = s->max_seq - s->base_seq;
    uint32_t lost = expected > s->received ? expected - s->received : 0;
    out[n].ssrc = s->ssrc;
    out[n].loss = expected ? (int)((uint64_t)lost * 100 / expected) : 0;
    /* What we tell the sender (to add FEC) we act on too (to have time to
     * use it). */
    atomic_store_explicit(&s->lossy, lost > 0, memory_order_relaxed);
    n++;
    s->base_seq = s->max_seq;
    s->received = 0;
  }
  return n;
}

void cli_media_get_stats(const struct cli_media *m, struct cli_media_stats *out)
{
  *out = m->stats;
  out->frames_decoded = atomic_load_explicit(&m->decoded, memory_order_relaxed);
  out->frames_concealed =
      atomic_load_explicit(&m->concealed_samples, memory_order_relaxed) / m->frame_samples;
  out->frames_recovered = atomic_load_explicit(&m->recovered, memory_order_relaxed);
  out->late = atomic_load_explicit(&m->late, memory_order_relaxed);
  out->dropped += atomic_load_explicit(&m->put_dropped, memory_order_relaxed);
}

int cli_media_speaker_packets(const struct cli_media *m, uint32_t ssrc, uint64_t *packets)
{
  const struct speaker *s = speaker_find_const(m, ssrc);
  if (!s)
    return HX_ERR_NOT_FOUND;
  *packets = s->packets;
  return HX_OK;
}

void cli_media_format_stats(const struct cli_media_stats *s, char *out, size_t cap)
{
  snprintf(out, cap,
           "Sent %llu packets. Received %llu packets: %llu frames decoded, %llu frames "
           "concealed, %llu frames recovered, %llu late, %llu authentication failures, "
           "%llu replays, %llu dropped.",
           (unsigned long long)s->packets_sent, (unsigned long long)s->packets_received,
           (unsigned long long)s->frames_decoded, (unsigned long long)s->frames_concealed,
           (unsigned long long)s->frames_recovered, (unsigned long long)s->late,
           (unsigned long long)s->auth_failures, (unsigned long long)s->replays,
           (unsigned long long)s->dropped);
}
