#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aud_opus.h"
#include "cli_media.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_ring.h"
#include "proto_rtp.h"
#include "proto_srtp.h"

#define OUR_SSRC 101u
#define BEN_SSRC 100u
#define FRAME 960

struct fixture {
  struct cli_media *m;
  uint8_t up[PROTO_SRTP_KEY_LEN], down[PROTO_SRTP_KEY_LEN];
  struct proto_srtp *server_down; /* what the server protects for us with */
  struct proto_srtp *server_up;   /* what the server unprotects ours with */
  struct aud_encoder *enc;
  uint16_t seq;
  uint8_t sent[8][PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
  size_t sent_len[8];
  size_t n_sent;
};

static void quiet_log(void *userdata, enum hx_log_level level, const char *module,
                      const char *message)
{
  (void)userdata;
  (void)level;
  (void)module;
  (void)message;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  hx_log_set_sink(quiet_log, NULL);
  for (size_t i = 0; i < PROTO_SRTP_KEY_LEN; i++) {
    f->up[i] = (uint8_t)(i * 3);
    f->down[i] = (uint8_t)(200 - i);
  }
  if (proto_srtp_global_init() != HX_OK || cli_media_create(20, &f->m) != HX_OK ||
      proto_srtp_create(f->down, PROTO_SRTP_OUTBOUND, &f->server_down) != HX_OK ||
      proto_srtp_create(f->up, PROTO_SRTP_INBOUND, &f->server_up) != HX_OK ||
      aud_encoder_create(20, AUD_DEFAULT_BITRATE, &f->enc) != HX_OK)
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  cli_media_destroy(f->m);
  proto_srtp_destroy(f->server_down);
  proto_srtp_destroy(f->server_up);
  aud_encoder_destroy(f->enc);
  free(f);
  return 0;
}

static void sine(int16_t *pcm, size_t n, size_t offset, double amplitude)
{
  for (size_t i = 0; i < n; i++)
    pcm[i] = (int16_t)(amplitude * sin(2 * M_PI * 440.0 * (double)(offset + i) / 48000.0));
}

/* An SRTP packet as the server would forward Ben's voice to us. */
static size_t ben_packet(struct fixture *f, uint32_t ssrc, uint8_t *out, size_t cap)
{
  int16_t pcm[FRAME];
  sine(pcm, FRAME, (size_t)f->seq * FRAME, 12000);
  uint8_t opus[AUD_MAX_PACKET];
  size_t opus_len;
  assert_int_equal(aud_encoder_encode(f->enc, pcm, opus, sizeof opus, &opus_len), HX_OK);
  struct proto_rtp h = {.payload_type = PROTO_RTP_PT_OPUS,
                        .seq = f->seq,
                        .timestamp = (uint32_t)f->seq * FRAME,
                        .ssrc = ssrc,
                        .has_level = true,
                        .voice = true,
                        .level = 20};
  f->seq++;
  size_t len;
  assert_int_equal(proto_rtp_pack(&h, opus, opus_len, out, PROTO_RTP_MAX_PACKET, &len), HX_OK);
  assert_int_equal(proto_srtp_protect(f->server_down, out, len, cap, &len), HX_OK);
  return len;
}

static void join(struct fixture *f)
{
  assert_int_equal(cli_media_join(f->m, OUR_SSRC, f->up, f->down), HX_OK);
  assert_int_equal(cli_media_allow(f->m, BEN_SSRC), HX_OK);
}

static void media_receive_stores_an_authenticated_packet_for_its_speaker(void **state)
{
  struct fixture *f = *state;
  join(f);
  uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
  size_t len = ben_packet(f, BEN_SSRC, pkt, sizeof pkt);
  assert_int_equal(cli_media_receive(f->m, pkt, len), HX_OK);
  uint64_t packets = 0;
  assert_int_equal(cli_media_speaker_packets(f->m, BEN_SSRC, &packets), HX_OK);
  assert_int_equal(packets, 1);
  struct cli_media_stats st;
  cli_media_get_stats(f->m, &st);
  assert_int_equal(st.packets_received, 1);
  assert_int_equal(st.auth_failures, 0);
}

static void media_receive_counts_a_bit_flipped_packet_as_auth_failure(void **state)
{
  struct fixture *f = *state;
  join(f);
  uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
  size_t len = ben_packet(f, BEN_SSRC, pkt, sizeof pkt);
  pkt[len / 2] ^= 0x01;
  assert_int_equal(cli_media_receive(f->m, pkt, len), HX_ERR_AUTH);
  struct cli_media_stats st;
  cli_media_get_stats(f->m, &st);
  assert_int_equal(st.auth_failures, 1);
  assert_int_equal(st.packets_received, 0);
  uint64_t packets = 9;
  assert_int_equal(cli_media_speaker_packets(f->m, BEN_SSRC, &packets), HX_OK);
  assert_int_equal(packets, 0);
}

static void media_receive_drops_replays_strangers_and_junk(void **state)
{
  struct fixture *f = *state;
  uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX], copy[sizeof pkt];
  size_t len = ben_packet(f, BEN_SSRC, pkt, sizeof pkt);
  /* before a join there are no keys */
  memcpy(copy, pkt, len);
  assert_int_equal(cli_media_receive(f->m, copy, len), HX_ERR_STATE);
  join(f);
  memcpy(copy, pkt, len);
  assert_int_equal(cli_media_receive(f->m, copy, len), HX_OK);
  memcpy(copy, pkt, len);
  assert_int_equal(cli_media_receive(f->m, copy, len), HX_ERR_REPLAY);
  len = ben_packet(f, 555, pkt, sizeof pkt);
  assert_int_equal(cli_media_receive(f->m, pkt, len), HX_ERR_NOT_FOUND);
  static const size_t junk_lens[] = {0, 1, 11, 12, 27};
  for (size_t i = 0; i < sizeof junk_lens / sizeof junk_lens[0]; i++) {
    memset(pkt, 0x80, sizeof pkt);
    assert_int_not_equal(cli_media_receive(f->m, pkt, junk_lens[i]), HX_OK);
  }
  struct cli_media_stats st;
  cli_media_get_stats(f->m, &st);
  assert_int_equal(st.packets_received, 1);
  assert_int_equal(st.replays, 1);
  assert_true(st.dropped >= 2);
}

static void collect(void *userdata, const uint8_t *pkt, size_t len)
{
  struct fixture *f = userdata;
  assert_true(f->n_sent < 8);
  memcpy(f->sent[f->n_sent], pkt, len);
  f->sent_len[f->n_sent++] = len;
}

static void media_capture_becomes_protected_rtp_with_level(void **state)
{
  struct fixture *f = *state;
  struct hx_ring *ring = hx_ring_create(8 * FRAME);
  int16_t pcm[3 * FRAME];
  sine(pcm, 3 * FRAME, 0, 16000);
  /* before a join, frames are drained and nothing is sent */
  hx_ring_write(ring, pcm, FRAME);
  assert_int_equal(cli_media_pump_capture(f->m, ring, collect, f), HX_OK);
  assert_int_equal(f->n_sent, 0);
  assert_int_equal(hx_ring_readable(ring), 0);

  join(f);
  hx_ring_write(ring, pcm, 2 * FRAME + 100);
  assert_int_equal(cli_media_pump_capture(f->m, ring, collect, f), HX_OK);
  assert_int_equal(f->n_sent, 2);
  assert_int_equal(hx_ring_readable(ring), 100); /* a partial frame waits */

  cli_media_set_muted(f->m, true);
  hx_ring_write(ring, pcm, FRAME - 100);
  assert_int_equal(cli_media_pump_capture(f->m, ring, collect, f), HX_OK);
  assert_int_equal(f->n_sent, 3); /* muted still sends, so the server knows us */

  struct proto_rtp h[3];
  for (size_t i = 0; i < 3; i++) {
    size_t len;
    assert_int_equal(proto_srtp_unprotect(f->server_up, f->sent[i], f->sent_len[i], &len), HX_OK);
    assert_int_equal(proto_rtp_parse(f->sent[i], len, &h[i]), HX_OK);
    assert_int_equal(h[i].payload_type, PROTO_RTP_PT_OPUS);
    assert_int_equal(h[i].ssrc, OUR_SSRC);
    assert_true(h[i].has_level);
  }
  assert_int_equal((uint16_t)(h[1].seq - h[0].seq), 1);
  assert_int_equal((uint16_t)(h[2].seq - h[1].seq), 1);
  assert_int_equal(h[1].timestamp - h[0].timestamp, FRAME);
  assert_true(h[0].marker);
  assert_false(h[1].marker);
  assert_true(h[1].voice);
  assert_true(h[1].level < 20);
  assert_false(h[2].voice);
  assert_int_equal(h[2].level, 127);
  struct cli_media_stats st;
  cli_media_get_stats(f->m, &st);
  assert_int_equal(st.packets_sent, 3);
  hx_ring_destroy(ring);
}

static double rms(const int16_t *pcm, size_t n)
{
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += (double)pcm[i] * pcm[i];
  return sqrt(sum / (double)n);
}

static void media_playback_decodes_speech_and_conceals_a_gap(void **state)
{
  struct fixture *f = *state;
  join(f);
  /* silence while nobody has spoken */
  int16_t out[FRAME];
  cli_media_render(f->m, out, FRAME);
  assert_true(rms(out, FRAME) == 0.0);

  double loudest = 0;
  for (int i = 0; i < 30; i++) {
    uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
    size_t len = ben_packet(f, BEN_SSRC, pkt, sizeof pkt);
    if (i != 15) /* one packet lost on the way */
      assert_int_equal(cli_media_receive(f->m, pkt, len), HX_OK);
    cli_media_render(f->m, out, FRAME);
    double r = rms(out, FRAME);
    loudest = r > loudest ? r : loudest;
  }
  struct cli_media_stats st;
  cli_media_get_stats(f->m, &st);
  assert_true(st.frames_decoded >= 20);
  assert_true(st.frames_concealed >= 1);
  assert_true(loudest > 3000);
}

static double energy(const int16_t *pcm, size_t n)
{
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += (double)pcm[i] * pcm[i];
  return sum;
}

/* Ben's packets played through a fresh receiver, one 20 ms frame per
 * arrival; the packet numbered lose never arrives, and the one after it
 * comes before the gap is played. */
static void play_through(struct fixture *f, uint8_t (*pkts)[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX],
                         const size_t *lens, int lose, int16_t *out, struct cli_media_stats *st)
{
  struct cli_media *m = NULL;
  assert_int_equal(cli_media_create(20, &m), HX_OK);
  assert_int_equal(cli_media_join(m, OUR_SSRC, f->up, f->down), HX_OK);
  assert_int_equal(cli_media_allow(m, BEN_SSRC), HX_OK);
  size_t played = 0;
  for (int i = 0; i < 30; i++) {
    uint8_t copy[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
    if (i != lose) {
      memcpy(copy, pkts[i], lens[i]);
      assert_int_equal(cli_media_receive(m, copy, lens[i]), HX_OK);
    }
    if (i == lose)
      continue;
    size_t frames = lose >= 0 && i == lose + 1 ? 2 * FRAME : FRAME;
    cli_media_render(m, out + played, frames);
    played += frames;
  }
  assert_int_equal(played, 30 * FRAME);
  cli_media_get_stats(m, st);
  cli_media_destroy(m);
}

static void media_single_loss_is_rebuilt_from_the_next_packets_fec(void **state)
{
  struct fixture *f = *state;
  static uint8_t pkts[30][PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
  size_t lens[30];
  for (int i = 0; i < 30; i++)
    lens[i] = ben_packet(f, BEN_SSRC, pkts[i], sizeof pkts[i]);
  static int16_t ref[30 * FRAME], got[30 * FRAME], diff[30 * FRAME];
  struct cli_media_stats st;
  play_through(f, pkts, lens, -1, ref, &st);
  assert_int_equal(st.frames_recovered, 0);
  play_through(f, pkts, lens, 15, got, &st);
  assert_int_equal(st.frames_recovered, 1);
  assert_int_equal(st.frames_concealed, 0);
  /* Nothing shifted: the audio after the loss lines up with the lossless
   * run (a concealment that moved the timeline would not). */
  for (size_t i = 0; i < 30 * FRAME; i++)
    diff[i] = (int16_t)((ref[i] - got[i]) / 2);
  assert_true(energy(got + 15 * FRAME, FRAME) * 4 > energy(ref + 15 * FRAME, FRAME));
  assert_true(energy(diff + 20 * FRAME, 10 * FRAME) * 20 < energy(ref + 20 * FRAME, 10 * FRAME));
}

static void media_reports_loss_per_speaker_from_sequence_gaps(void **state)
{
  struct fixture *f = *state;
  join(f);
  struct cli_media_report r[4];
  assert_int_equal(cli_media_take_reports(f->m, r, 4), 0); /* nothing heard yet */
  for (int i = 0; i < 20; i++) {
    uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
    size_t len = ben_packet(f, BEN_SSRC, pkt, sizeof pkt);
    if (i % 5 != 3) /* one in five lost */
      cli_media_receive(f->m, pkt, len);
  }
  assert_int_equal(cli_media_take_reports(f->m, r, 4), 1);
  assert_int_equal(r[0].ssrc, BEN_SSRC);
  assert_int_equal(r[0].loss, 20);
  assert_int_equal(cli_media_take_reports(f->m, r, 4), 0); /* interval restarted */
  assert_int_equal(cli_media_set_loss(f->m, r[0].loss), HX_OK);
  assert_int_equal(cli_media_set_loss(f->m, 101), HX_ERR_INVALID);
}

static void media_loss_events_set_the_highest_figure_of_the_last_5_s(void **state)
{
  struct fixture *f = *state;
  int applied = -1;
  assert_int_equal(cli_media_note_loss(f->m, 20, 100000, &applied), HX_OK);
  assert_int_equal(applied, 20);
  /* A second listener on a good link does not hide the first one's loss. */
  assert_int_equal(cli_media_note_loss(f->m, 5, 101000, &applied), HX_OK);
  assert_int_equal(applied, 20);
  /* 5.5 s after the 20 %, only the 5 % is recent. */
  assert_int_equal(cli_media_note_loss(f->m, 3, 105500, &applied), HX_OK);
  assert_int_equal(applied, 5);
  assert_int_equal(cli_media_note_loss(f->m, 0, 111000, &applied), HX_OK);
  assert_int_equal(applied, 0);
  applied = -1;
  assert_int_equal(cli_media_note_loss(f->m, 101, 111000, &applied), HX_ERR_INVALID);
  assert_int_equal(cli_media_note_loss(f->m, -1, 111000, &applied), HX_ERR_INVALID);
  assert_int_equal(applied, -1);
}

static void discard(void *userdata, const uint8_t *pkt, size_t len)
{
  (void)userdata;
  assert_true(len > 0 && pkt);
}

/* In toggle mode nothing but DTX keepalives goes out until talk is on. */
static void media_transmit_modes_gate_what_is_sent(void **state)
{
  struct fixture *f = *state;
  join(f);
  struct hx_ring *cap = hx_ring_create(64 * FRAME);
  int16_t pcm[FRAME];
  assert_int_equal(cli_media_set_transmit(f->m, CLI_MEDIA_TRANSMIT_TOGGLE), HX_OK);
  assert_int_equal(cli_media_set_preprocess(f->m, false), HX_OK);
  assert_int_equal(cli_media_set_bitrate(f->m, 32000), HX_OK);
  assert_int_equal(cli_media_set_bitrate(f->m, 1), HX_ERR_INVALID);
  for (int i = 0; i < 25; i++) { /* half a second of loud speech, talk off */
    sine(pcm, FRAME, (size_t)i * FRAME, 12000);
    hx_ring_write(cap, pcm, FRAME);
    assert_int_equal(cli_media_pump_capture(f->m, cap, discard, f), HX_OK);
  }
  struct cli_media_stats st;
  cli_media_get_stats(f->m, &st);
  uint64_t while_off = st.packets_sent;
  assert_true(while_off <= 12); /* Opus needs a few frames to reach DTX */
  assert_false(cli_media_talking(f->m));
  cli_media_set_talking(f->m, true);
  for (int i = 25; i < 50; i++) {
    sine(pcm, FRAME, (size_t)i * FRAME, 12000);
    hx_ring_write(cap, pcm, FRAME);
    assert_int_equal(cli_media_pump_capture(f->m, cap, discard, f), HX_OK);
  }
  cli_media_get_stats(f->m, &st);
  assert_int_equal(st.packets_sent - while_off, 25);
  assert_int_equal(cli_media_set_transmit(f->m, (enum cli_media_transmit)7), HX_ERR_INVALID);
  hx_ring_destroy(cap);
}

/* Stands in for announcements: each piece of "speech" is 1000 and the
 * voices under it get half their level; counts the pieces asked for. */
struct announcer {
  size_t pieces;
  int channels;
};

static float announce_constant(void *userdata, int16_t *frame, size_t n, int channels)
{
  struct announcer *a = userdata;
  a->pieces++;
  a->channels = channels;
  for (size_t i = 0; i < n * (size_t)channels; i++) {
    assert_int_equal(frame[i], 0); /* it comes as silence */
    frame[i] = 1000;
  }
  return 0.5f;
}

static void media_announcements_are_mixed_ahead_and_over_the_voices(void **state)
{
  struct fixture *f = *state;
  struct announcer an = {0};
  cli_media_set_post_mix(f->m, announce_constant, &an);
  /* Nothing mixed ahead yet: the device still gets its period, short of
   * announcements, and the loop learns it ran short. */
  int16_t out[FRAME];
  cli_media_render(f->m, out, 120);
  assert_int_equal(out[0], 0);
  assert_int_equal(cli_media_overlay_short(f->m), 120);
  /* Mixed ahead in 2.5 ms pieces, up to the target and no further. */
  assert_int_equal(cli_media_fill_overlay(f->m, 300), HX_OK);
  assert_int_equal(an.pieces, 3);
  assert_int_equal(cli_media_fill_overlay(f->m, 300), HX_OK);
  assert_int_equal(an.pieces, 3);
  /* A device period that is no whole number of pieces gets each sample
   * once: 300 frames take the three pieces, the last one only in part. */
  cli_media_render(f->m, out, 300);
  for (size_t i = 0; i < 300; i++)
    assert_int_equal(out[i], 1000);
  assert_int_equal(cli_media_overlay_short(f->m), 120);
  cli_media_render(f->m, out, 60);
  assert_int_equal(out[0], 1000);
  assert_int_equal(cli_media_overlay_short(f->m), 120);
  cli_media_render(f->m, out, 1);
  assert_int_equal(cli_media_overlay_short(f->m), 240);
}

static void media_voices_play_under_the_announcements_gain(void **state)
{
  struct fixture *f = *state;
  join(f);
  static int16_t plain[30 * FRAME], ducked[30 * FRAME];
  struct announcer an = {0};
  for (int i = 0; i < 30; i++) {
    uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
    size_t len = ben_packet(f, BEN_SSRC, pkt, sizeof pkt);
    assert_int_equal(cli_media_receive(f->m, pkt, len), HX_OK);
    if (i == 15)
      cli_media_set_post_mix(f->m, announce_constant, &an);
    cli_media_fill_overlay(f->m, FRAME);
    cli_media_render(f->m, i < 15 ? plain + i * FRAME : ducked + (i - 15) * FRAME, FRAME);
  }
  /* Past the first piece's ramp, the tone is at half its level around the
   * announcement's 1000. */
  double before = rms(plain + 10 * FRAME, 5 * FRAME);
  for (size_t i = 5 * FRAME; i < 15 * FRAME; i++)
    ducked[i] = (int16_t)(ducked[i] - 1000);
  double after = rms(ducked + 5 * FRAME, 10 * FRAME);
  print_message("tone %.0f rms alone, %.0f under the announcement\n", before, after);
  assert_true(before > 3000);
  assert_true(after > before * 0.4 && after < before * 0.6);
}

static void media_speakers_are_bounded_and_forgotten(void **state)
{
  struct fixture *f = *state;
  join(f);
  /* our own SSRC is never a speaker and takes no slot */
  assert_int_equal(cli_media_allow(f->m, OUR_SSRC), HX_OK);
  uint64_t packets;
  assert_int_equal(cli_media_speaker_packets(f->m, OUR_SSRC, &packets), HX_ERR_NOT_FOUND);
  for (uint32_t s = 1; s < CLI_MEDIA_MAX_SPEAKERS; s++)
    assert_int_equal(cli_media_allow(f->m, 1000 + s), HX_OK);
  assert_int_equal(cli_media_allow(f->m, 5000), HX_ERR_FULL);
  assert_int_equal(cli_media_allow(f->m, BEN_SSRC), HX_OK); /* already there */
  cli_media_forget(f->m, 1001);
  assert_int_equal(cli_media_allow(f->m, 5000), HX_OK);
  cli_media_leave(f->m);
  assert_int_equal(cli_media_speaker_packets(f->m, BEN_SSRC, &packets), HX_ERR_NOT_FOUND);
  assert_false(cli_media_joined(f->m));
  /* Full rooms one after another: each room's speakers are freed once the
   * render thread has let go of them (its next period), so the slots
   * never run out. */
  int16_t out[FRAME];
  for (int room = 0; room < 3; room++) {
    cli_media_render(f->m, out, 120);
    join(f);
    for (uint32_t s = 1; s < CLI_MEDIA_MAX_SPEAKERS; s++)
      assert_int_equal(cli_media_allow(f->m, 1000 + s), HX_OK);
    cli_media_leave(f->m);
  }
}

#define ADA_SSRC 102u

/* A speaker's packet of a steady tone at hz, with an encoder and sequence
 * of its own. */
static size_t tone_packet(struct fixture *f, struct aud_encoder *enc, uint32_t ssrc, uint16_t seq,
                          double hz, uint8_t *out, size_t cap)
{
  int16_t pcm[FRAME];
  for (size_t i = 0; i < FRAME; i++)
    pcm[i] = (int16_t)(8000 * sin(2 * M_PI * hz * (double)((size_t)seq * FRAME + i) / 48000.0));
  uint8_t opus[AUD_MAX_PACKET];
  size_t opus_len;
  assert_int_equal(aud_encoder_encode(enc, pcm, opus, sizeof opus, &opus_len), HX_OK);
  struct proto_rtp h = {.payload_type = PROTO_RTP_PT_OPUS, .seq = seq,
                        .timestamp = (uint32_t)seq * FRAME, .ssrc = ssrc, .has_level = true,
                        .voice = true, .level = 20};
  size_t len;
  assert_int_equal(proto_rtp_pack(&h, opus, opus_len, out, PROTO_RTP_MAX_PACKET, &len), HX_OK);
  assert_int_equal(proto_srtp_protect(f->server_down, out, len, cap, &len), HX_OK);
  return len;
}

/* Level in dB (relative) of a tone at hz in one channel of interleaved
 * stereo: Goertzel over frames frames. */
static double tone_db(const int16_t *stereo, size_t frames, int channel, double hz)
{
  double coeff = 2.0 * cos(2.0 * M_PI * hz / 48000.0), s1 = 0, s2 = 0;
  for (size_t i = 0; i < frames; i++) {
    double s0 = (double)stereo[2 * i + (size_t)channel] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return 10.0 * log10(power > 1 ? power : 1);
}

#define STEREO_FRAMES 40

/* Ben (440 Hz) and Ada (1000 Hz) speak at once; the stereo mix puts each
 * where their pan says. Returns the played frames in out. */
static void play_two_speakers(struct fixture *f, float ben_pan, float ada_pan, int16_t *out)
{
  assert_int_equal(cli_media_set_channels(f->m, 2), HX_OK);
  join(f);
  assert_int_equal(cli_media_allow(f->m, ADA_SSRC), HX_OK);
  assert_int_equal(cli_media_set_pan(f->m, BEN_SSRC, ben_pan), HX_OK);
  assert_int_equal(cli_media_set_pan(f->m, ADA_SSRC, ada_pan), HX_OK);
  struct aud_encoder *ada_enc = NULL;
  assert_int_equal(aud_encoder_create(20, AUD_DEFAULT_BITRATE, &ada_enc), HX_OK);
  size_t played = 0;
  for (uint16_t i = 0; i < STEREO_FRAMES; i++) {
    uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
    size_t len = tone_packet(f, f->enc, BEN_SSRC, i, 440.0, pkt, sizeof pkt);
    assert_int_equal(cli_media_receive(f->m, pkt, len), HX_OK);
    len = tone_packet(f, ada_enc, ADA_SSRC, i, 1000.0, pkt, sizeof pkt);
    assert_int_equal(cli_media_receive(f->m, pkt, len), HX_OK);
    cli_media_render(f->m, out + played, FRAME);
    played += FRAME * 2;
  }
  assert_int_equal(played, (size_t)STEREO_FRAMES * FRAME * 2);
  aud_encoder_destroy(ada_enc);
}

static void media_stereo_puts_two_speakers_on_their_own_sides(void **state)
{
  struct fixture *f = *state;
  static int16_t out[STEREO_FRAMES * FRAME * 2];
  play_two_speakers(f, -0.8f, 0.8f, out);
  /* The last half: past the jitter buffer's start. */
  const int16_t *tail = out + STEREO_FRAMES / 2 * FRAME * 2;
  size_t n = STEREO_FRAMES / 2 * FRAME;
  double ben_l = tone_db(tail, n, 0, 440.0), ben_r = tone_db(tail, n, 1, 440.0);
  double ada_l = tone_db(tail, n, 0, 1000.0), ada_r = tone_db(tail, n, 1, 1000.0);
  print_message("Ben left-right %.1f dB, Ada right-left %.1f dB\n", ben_l - ben_r, ada_r - ada_l);
  /* The pan law gives 16.4 dB at +-0.8; Opus blurs it a little. */
  assert_true(ben_l - ben_r > 12.0);
  assert_true(ada_r - ada_l > 12.0);
  /* Both are heard at all: louder than the other's leakage. */
  assert_true(ben_l > ada_l - 20.0 && ada_r > ben_r - 20.0);
}

static void media_stereo_middle_is_equal_in_both_channels(void **state)
{
  struct fixture *f = *state;
  static int16_t out[STEREO_FRAMES * FRAME * 2];
  play_two_speakers(f, 0.0f, 0.0f, out);
  size_t frames = STEREO_FRAMES * FRAME;
  double energy_l = 0, energy_r = 0;
  for (size_t i = 0; i < frames; i++) {
    assert_int_equal(out[2 * i], out[2 * i + 1]);
    energy_l += (double)out[2 * i] * out[2 * i];
    energy_r += (double)out[2 * i + 1] * out[2 * i + 1];
  }
  assert_true(energy_l > 0 && energy_l == energy_r);
}

static void media_pan_and_channels_refuse_bad_values(void **state)
{
  struct fixture *f = *state;
  join(f);
  assert_int_equal(cli_media_set_channels(f->m, 0), HX_ERR_INVALID);
  assert_int_equal(cli_media_set_channels(f->m, 3), HX_ERR_INVALID);
  assert_int_equal(cli_media_channels(f->m), 1);
  float pan = 5.0f;
  assert_int_equal(cli_media_speaker_pan(f->m, BEN_SSRC, &pan), HX_OK);
  assert_true(pan == 0.0f); /* every speaker starts in the middle */
  assert_int_equal(cli_media_set_pan(f->m, 999, 0.5f), HX_ERR_NOT_FOUND);
  assert_int_equal(cli_media_set_pan(f->m, BEN_SSRC, 1.5f), HX_ERR_INVALID);
  assert_int_equal(cli_media_set_pan(f->m, BEN_SSRC, NAN), HX_ERR_INVALID);
  assert_int_equal(cli_media_set_pan(f->m, BEN_SSRC, -1.0f), HX_OK);
  assert_int_equal(cli_media_speaker_pan(f->m, BEN_SSRC, &pan), HX_OK);
  assert_true(pan == -1.0f);
}

static void media_stereo_announcements_come_in_whole_pairs(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_media_set_channels(f->m, 2), HX_OK);
  struct announcer an = {0};
  cli_media_set_post_mix(f->m, announce_constant, &an);
  assert_int_equal(cli_media_fill_overlay(f->m, 240), HX_OK);
  assert_int_equal(an.pieces, 2);
  assert_int_equal(an.channels, 2);
  int16_t out[240 * 2];
  cli_media_render(f->m, out, 240);
  for (size_t i = 0; i < 240 * 2; i++)
    assert_int_equal(out[i], 1000);
  assert_int_equal(cli_media_overlay_short(f->m), 0);
}

static void media_stats_line_names_every_counter(void **state)
{
  (void)state;
  struct cli_media_stats st = {.packets_sent = 5, .packets_received = 4, .frames_decoded = 3,
                               .frames_concealed = 2, .auth_failures = 1, .replays = 0,
                               .dropped = 7};
  char line[512];
  cli_media_format_stats(&st, line, sizeof line);
  assert_string_equal(line, "Sent 5 packets. Received 4 packets: 3 frames decoded, 2 frames "
                            "concealed, 0 frames recovered, 0 late, 1 authentication failures, "
                            "0 replays, 7 dropped.");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(media_receive_stores_an_authenticated_packet_for_its_speaker),
      T(media_receive_counts_a_bit_flipped_packet_as_auth_failure),
      T(media_receive_drops_replays_strangers_and_junk),
      T(media_capture_becomes_protected_rtp_with_level),
      T(media_playback_decodes_speech_and_conceals_a_gap),
      T(media_single_loss_is_rebuilt_from_the_next_packets_fec),
      T(media_reports_loss_per_speaker_from_sequence_gaps),
      T(media_loss_events_set_the_highest_figure_of_the_last_5_s),
      T(media_transmit_modes_gate_what_is_sent),
      T(media_announcements_are_mixed_ahead_and_over_the_voices),
      T(media_voices_play_under_the_announcements_gain),
      T(media_speakers_are_bounded_and_forgotten),
      T(media_stats_line_names_every_counter),
      T(media_stereo_puts_two_speakers_on_their_own_sides),
      T(media_stereo_middle_is_equal_in_both_channels),
      T(media_pan_and_channels_refuse_bad_values),
      T(media_stereo_announcements_come_in_whole_pairs),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
