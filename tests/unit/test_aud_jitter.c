/* Jitter buffer: ordering, duplicates, loss and FEC hand-over, lateness,
 * timestamp wrap, sender restarts, mixed packet lengths, delay that is
 * only ever cut inside pauses, and pauses padded for a slower stream but
 * not for one held-up arrival. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "aud_jitter.h"
#include "aud_opus.h"
#include "hx_err.h"

#define F20 960u
#define F10 480u

static struct aud_jitter_out out;
static uint32_t clock_now; /* the receiver's clock, samples */

/* Payloads carry a packet number so the tests see what came out. */
static int put(struct aud_jitter *j, uint32_t ts, uint32_t span, uint32_t n, bool voice)
{
  uint8_t p[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
  return aud_jitter_put(j, p, sizeof p, ts, span, voice, clock_now);
}

static long number(const uint8_t *d)
{
  return (long)(((uint32_t)d[0] << 24) | ((uint32_t)d[1] << 16) | ((uint32_t)d[2] << 8) | d[3]);
}

/* The packet number played, or the error code when none was. The short
 * lead-in of silence a new stream starts with is skipped. */
static long get(struct aud_jitter *j)
{
  int rc;
  while ((rc = aud_jitter_get(j, clock_now, 0, &out)) == HX_ERR_NOT_FOUND && !out.idle) {
  }
  if (rc != HX_OK)
    return rc;
  assert_int_equal(out.kind, AUD_JITTER_PACKET);
  assert_int_equal(out.len, 4);
  return number(out.data);
}

static struct aud_jitter *make(void)
{
  clock_now = 0;
  struct aud_jitter *j = NULL;
  assert_int_equal(aud_jitter_create(&j), HX_OK);
  assert_non_null(j);
  return j;
}

static void jitter_nothing_put_is_idle_silence(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (int i = 0; i < 30; i++) {
    assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_NOT_FOUND);
    assert_int_equal(out.kind, AUD_JITTER_SILENCE);
    assert_true(out.idle);
  }
  aud_jitter_destroy(j);
  aud_jitter_destroy(NULL);
}

static void jitter_in_order_stream_comes_out_in_order_without_delay(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < 200; n++) {
    assert_int_equal(put(j, 1000 + n * F20, F20, n, true), HX_OK);
    assert_int_equal(get(j), (long)n);
    assert_int_equal(out.span, F20);
    assert_int_equal(out.skip, 0);
  }
  aud_jitter_destroy(j);
}

static void jitter_reorders_swapped_pair_within_window(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  put(j, 0, F20, 0, true);
  assert_int_equal(get(j), 0);
  put(j, 2 * F20, F20, 2, true);
  put(j, 1 * F20, F20, 1, true);
  assert_int_equal(get(j), 1);
  assert_int_equal(get(j), 2);
  aud_jitter_destroy(j);
}

static void jitter_duplicates_and_played_copies_are_dropped(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  put(j, 0, F20, 0, true);
  assert_int_equal(get(j), 0);
  assert_int_equal(put(j, F20, F20, 1, true), HX_OK);
  assert_int_equal(put(j, F20, F20, 1, true), HX_ERR_EXISTS);
  assert_int_equal(get(j), 1);
  assert_int_equal(put(j, F20, F20, 1, true), HX_ERR_AGAIN); /* already played */
  put(j, 2 * F20, F20, 2, true);
  assert_int_equal(get(j), 2);
  struct aud_jitter_stats st;
  aud_jitter_get_stats(j, &st);
  assert_int_equal(st.duplicates, 1);
  assert_int_equal(st.late, 1);
  aud_jitter_destroy(j);
}

static void jitter_single_loss_hands_over_the_next_packet_for_fec(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < 10; n++) {
    if (n != 5)
      put(j, n * F20, F20, n, true);
    if (n == 5)
      continue;
    if (n == 6) {
      /* frame 5 is missing and 6 is here: recover 5 from 6's FEC */
      assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_AGAIN);
      assert_int_equal(out.kind, AUD_JITTER_LOST);
      assert_int_equal(out.span, F20);
      assert_int_equal(out.len, 4);
      assert_int_equal(number(out.data), 6);
    }
    assert_int_equal(get(j), (long)n);
  }
  aud_jitter_destroy(j);
}

static void jitter_longer_loss_conceals_then_recovers_the_last_frame(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  put(j, 0, F20, 0, true);
  assert_int_equal(get(j), 0);
  put(j, 4 * F20, F20, 4, true); /* 1, 2, 3 lost */
  assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_AGAIN);
  assert_int_equal(out.len, 0); /* plain concealment first... */
  uint32_t concealed = out.span;
  while (concealed < 2 * F20) {
    assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_AGAIN);
    assert_int_equal(out.len, 0);
    concealed += out.span;
  }
  assert_int_equal(concealed, 2 * F20);
  assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_AGAIN); /* ...FEC for frame 3 */
  assert_int_equal(out.span, F20);
  assert_int_equal(number(out.data), 4);
  assert_int_equal(get(j), 4);
  aud_jitter_destroy(j);
}

static void jitter_gap_just_over_a_frame_is_concealed_and_moves_on(void **state)
{
  (void)state;
  for (uint32_t extra = 1; extra < 2 * 120; extra += 7) {
    struct aud_jitter *j = make();
    put(j, 0, F20, 0, true);
    assert_int_equal(get(j), 0);
    put(j, 2 * F20 + extra, F20, 1, true);
    int rc = HX_ERR_AGAIN;
    for (int i = 0; i < 20 && rc != HX_OK; i++) {
      rc = aud_jitter_get(j, clock_now, 0, &out);
      if (rc == HX_ERR_AGAIN && out.span == 0)
        fail_msg("a gap of %u samples conceals nothing, forever", F20 + extra);
    }
    assert_int_equal(rc, HX_OK);
    assert_int_equal(number(out.data), 1);
    aud_jitter_destroy(j);
  }
}

static void jitter_late_packet_grows_the_delay_and_still_plays(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  put(j, 0, F20, 0, true);
  assert_int_equal(get(j), 0);
  /* Packet 1 is late by one unit: the playout point waits for it. */
  assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_AGAIN);
  assert_int_equal(out.span, AUD_JITTER_UNIT);
  assert_int_equal(out.len, 0);
  assert_int_equal(put(j, F20, F20, 1, true), HX_OK);
  assert_int_equal(get(j), 1);
  /* From now on every packet has a unit of headroom. */
  put(j, 2 * F20, F20, 2, true);
  uint32_t delay = 0;
  assert_int_equal(aud_jitter_delay(j, &delay), HX_OK);
  assert_int_equal(delay, F20);
  assert_int_equal(get(j), 2);
  struct aud_jitter_stats st;
  aud_jitter_get_stats(j, &st);
  assert_int_equal(st.grown, AUD_JITTER_UNIT / AUD_JITTER_STEP);
  aud_jitter_destroy(j);
}

static void jitter_concealed_packet_arriving_late_grows_the_delay_at_once(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  put(j, 0, F20, 0, true);
  assert_int_equal(get(j), 0);
  put(j, 3 * F20, F20, 3, true); /* 1 and 2 not here yet */
  assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_AGAIN);
  assert_int_equal(out.span, F20); /* frame 1 concealed */
  assert_int_equal(out.len, 0);
  /* Frame 1 turns up a whole frame late: it is dropped, and the delay
   * grows by that frame plus the 5 ms floor, concealed in one piece,
   * before anything else plays. */
  assert_int_equal(put(j, F20, F20, 1, true), HX_ERR_AGAIN);
  assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_AGAIN);
  assert_int_equal(out.span, F20 + 240);
  assert_int_equal(out.len, 0);
  struct aud_jitter_stats st;
  aud_jitter_get_stats(j, &st);
  assert_int_equal(st.late, 1);
  assert_int_equal(st.grown, (F20 + 240) / AUD_JITTER_STEP);
  /* Frame 2 still comes in time now and plays whole. */
  assert_int_equal(put(j, 2 * F20, F20, 2, true), HX_OK);
  assert_int_equal(get(j), 2);
  assert_int_equal(get(j), 3);
  aud_jitter_destroy(j);
}

static void jitter_timestamps_wrapping_past_2_32_keep_flowing(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  const uint32_t base = UINT32_MAX - 5 * F20 + 1; /* frame 5 lands on 0 */
  for (uint32_t n = 0; n < 12; n++) {
    put(j, base + n * F20, F20, n, true);
    assert_int_equal(get(j), (long)n);
  }
  struct aud_jitter *k = make();
  const uint32_t base2 = UINT32_MAX - F20 + 1; /* a reordered pair across the wrap */
  put(k, base2, F20, 0, true);
  assert_int_equal(get(k), 0);
  put(k, base2 + 2 * F20, F20, 2, true);
  put(k, base2 + F20, F20, 1, true);
  assert_int_equal(get(k), 1);
  assert_int_equal(get(k), 2);
  aud_jitter_destroy(j);
  aud_jitter_destroy(k);
}

static void jitter_silence_goes_idle_and_next_spurt_starts_without_delay(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < 5; n++) {
    put(j, n * F20, F20, n, true);
    assert_int_equal(get(j), (long)n);
  }
  /* DTX: nothing arrives. Concealment first, then idle silence. */
  uint32_t pulled = 0;
  int rc;
  while ((rc = aud_jitter_get(j, clock_now, 0, &out)) == HX_ERR_AGAIN ||
         (rc == HX_ERR_NOT_FOUND && !out.idle))
    pulled += out.span;
  assert_int_equal(rc, HX_ERR_NOT_FOUND);
  assert_true(out.idle);
  assert_true(pulled < AUD_JITTER_IDLE_SAMPLES);
  pulled += out.span;
  for (int i = 0; i < 50; i++) {
    assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_NOT_FOUND);
    pulled += out.span;
  }
  /* The sender's clock ran on through the pause as ours did: the first
   * packet of the new spurt plays at once, the units held at the end of
   * the last spurt given back. */
  uint32_t ts = 5 * F20 + pulled;
  put(j, ts, F20, 80, true);
  assert_int_equal(get(j), 80);
  put(j, ts + F20, F20, 81, true);
  assert_int_equal(get(j), 81);
  struct aud_jitter_stats st;
  aud_jitter_get_stats(j, &st);
  assert_int_equal(st.resyncs, 1);
  aud_jitter_destroy(j);
}

static void jitter_sender_restart_with_a_timestamp_jump_resyncs(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < 5; n++) {
    put(j, 1000000 + n * F20, F20, n, true);
    assert_int_equal(get(j), (long)n);
  }
  /* The sender restarted: its timeline starts again near zero. */
  for (uint32_t n = 0; n < 5; n++) {
    assert_int_equal(put(j, 7 + n * F20, F20, 100 + n, true), HX_OK);
    assert_int_equal(get(j), (long)(100 + n));
  }
  /* and a jump forward by minutes */
  assert_int_equal(put(j, 7 + 5 * F20 + 48000u * 300, F20, 200, true), HX_OK);
  assert_int_equal(get(j), 200);
  struct aud_jitter_stats st;
  aud_jitter_get_stats(j, &st);
  assert_int_equal(st.resyncs, 3);
  aud_jitter_destroy(j);
}

static void jitter_mixed_10_and_20_ms_packets_play_back_to_back(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  uint32_t ts = 0, played = 0;
  for (uint32_t n = 0; n < 40; n++) {
    uint32_t span = n % 3 == 0 ? F20 : F10;
    put(j, ts, span, n, true);
    ts += span;
    assert_int_equal(get(j), (long)n);
    assert_int_equal(out.span, span);
    played += out.span;
  }
  assert_int_equal(played, ts);
  aud_jitter_destroy(j);
}

/* A sender whose clock runs 2 % fast piles up delay while it speaks; the
 * delay is cut only once it pauses. One loop turn is our 10 ms: the
 * packets the sender has finished by then arrive, then we play 10 ms,
 * however many pieces that takes (a cut shortens a piece). */
static void jitter_spare_delay_is_cut_in_pauses_never_in_speech(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  struct aud_jitter_stats st;
  uint32_t sent = 0, speech_delay = 0, held = 0;
  for (uint32_t t = 0; t < 600; t++) {
    clock_now = t * F10;
    bool voice = t < 300;
    for (; sent <= t * 102 / 100; sent++)
      assert_int_equal(put(j, sent * F10, F10, sent, voice), HX_OK);
    for (; held < F10; held += out.span)
      aud_jitter_get(j, clock_now, held, &out);
    held -= F10;
    if (t == 299) {
      aud_jitter_get_stats(j, &st);
      assert_int_equal(st.shrunk, 0); /* never in speech */
      aud_jitter_delay(j, &speech_delay);
      assert_true(speech_delay >= 5 * F10);
    }
  }
  aud_jitter_get_stats(j, &st);
  assert_true(st.shrunk >= 3);
  uint32_t delay = 0;
  aud_jitter_delay(j, &delay);
  assert_true(delay + 3 * F10 <= speech_delay);
  aud_jitter_destroy(j);
}

/* A stream of `frame`-sample packets pulled the way the client pulls: a
 * 2.5 ms piece at a time as the clock reaches it, with the packets that
 * have arrived by then put first. Packet n arrives at n * frame; packet
 * late_at `late` samples after that, the first one `first_late` after
 * and every later one `rest_late` after. Our pulls stop for `stall`
 * samples at stall_at, then go on from where they were (our output lost
 * that time) or, with catch_up, pull what they missed at once (they only
 * ran late). Packets from voice_from up to voice_until are speech, the
 * rest a pause. */
struct stream_run {
  uint32_t frame, voice_from, voice_until, late_at, late, first_late, rest_late, stall_at, stall;
  bool catch_up;
};

#define STREAM_FRAMES 1000

struct stream_sim {
  const struct stream_run *r;
  struct aud_jitter *j;
  uint32_t sent;  /* packets put */
  uint32_t held;  /* samples taken but not yet played */
  /* Delay (stored and held) just after packet n arrived on time. */
  uint32_t delay[STREAM_FRAMES];
};

static uint32_t arrives(const struct stream_run *r, uint32_t n)
{
  return n * r->frame + (n == r->late_at ? r->late : 0) + (n == 0 ? r->first_late : r->rest_late);
}

static void pull_piece(struct stream_sim *m, uint32_t clock)
{
  const struct stream_run *r = m->r;
  while (m->sent < STREAM_FRAMES && arrives(r, m->sent) <= clock) {
    clock_now = arrives(r, m->sent);
    bool voice = m->sent >= r->voice_from && m->sent < r->voice_until;
    assert_int_equal(put(m->j, m->sent * r->frame, r->frame, m->sent, voice), HX_OK);
    m->sent++;
  }
  for (; m->held < AUD_JITTER_STEP; m->held += out.span)
    aud_jitter_get(m->j, clock, m->held, &out);
  m->held -= AUD_JITTER_STEP;
  uint32_t stored = 0;
  aud_jitter_delay(m->j, &stored);
  if (clock % r->frame == 0 && clock / r->frame < STREAM_FRAMES)
    m->delay[clock / r->frame] = stored + m->held;
}

static void run_stream(struct stream_sim *m, const struct stream_run *r)
{
  m->r = r;
  m->j = make();
  m->sent = 0;
  m->held = 0;
  uint32_t end = (STREAM_FRAMES - 1) * r->frame;
  for (uint32_t clock = 0; clock < end; clock += AUD_JITTER_STEP) {
    if (clock == r->stall_at) {
      clock += r->stall;
      for (uint32_t k = 0; r->catch_up && k < r->stall; k += AUD_JITTER_STEP)
        pull_piece(m, clock);
    }
    pull_piece(m, clock);
  }
}

/* Our output stalls for 40 ms in a pause and loses that time: the 40 ms
 * it adds is cut within the next 80 ms, without three windows having to
 * show it first, and more than a step of each pause packet at a time.
 * Had the output only run late and caught up, nothing is added and
 * nothing is cut. */
static void jitter_delay_our_own_stall_added_is_cut_soon_after(void **state)
{
  (void)state;
  static struct stream_sim lost, late;
  struct stream_run r = {.frame = F10, .voice_until = 0, .late_at = UINT32_MAX,
                         .stall_at = 300 * F10 + AUD_JITTER_STEP, .stall = 4 * F10};
  run_stream(&lost, &r);
  struct aud_jitter_stats lost_st, late_st;
  aud_jitter_get_stats(lost.j, &lost_st);
  aud_jitter_destroy(lost.j);
  r.catch_up = true;
  run_stream(&late, &r);
  aud_jitter_get_stats(late.j, &late_st);
  aud_jitter_destroy(late.j);

  uint32_t before = lost.delay[299];
  assert_true(lost.delay[305] >= before + 3 * F10);
  assert_true(lost.delay[312] <= before + AUD_JITTER_STEP);
  assert_true(lost.delay[399 - 1] <= before + AUD_JITTER_STEP);
  assert_true(late.delay[305] <= before + AUD_JITTER_STEP);
  assert_true(late.delay[399 - 1] + AUD_JITTER_STEP >= before);
  assert_int_equal(late_st.late, 0);
  assert_true(late_st.shrunk + 3 * F10 / AUD_JITTER_STEP <= lost_st.shrunk);
}

/* Delay just after the first packet of a talk spurt: before it the
 * speaker was quiet five seconds, sending a keepalive each second, and
 * our output stalled `stalls` times for this long, half a second apart
 * from 1 s in, and lost that time. */
static uint32_t spurt_delay_after_stalls(uint32_t stall, unsigned stalls)
{
  struct aud_jitter *j = make();
  const uint32_t spurt = 5 * AUD_RATE;
  uint32_t held = 0, next = 0, at = AUD_RATE + AUD_JITTER_STEP;
  for (uint32_t clock = 0; clock <= spurt; clock += AUD_JITTER_STEP) {
    if (stalls > 0 && clock == at) {
      clock += stall;
      at = clock + AUD_RATE / 2;
      stalls--;
    }
    /* Read when we next look: a keepalive sent while we were stopped
     * waited in the socket until the stall ended. */
    for (; next <= spurt && next <= clock; next += AUD_RATE) {
      clock_now = clock;
      assert_int_equal(put(j, next, F20, next / AUD_RATE, next == spurt), HX_OK);
    }
    for (; held < AUD_JITTER_STEP; held += out.span)
      aud_jitter_get(j, clock, held, &out);
    held -= AUD_JITTER_STEP;
  }
  uint32_t stored = 0;
  aud_jitter_delay(j, &stored);
  aud_jitter_destroy(j);
  return stored + held;
}

/* A stall of our own longer than the idle limit (200 ms) is lost time
 * like a shorter one, and so is a second and a half of them, more than
 * the gap between keepalives: the next talk spurt does not wait behind
 * them. The cut stops inside the band, which is two steps wide. */
static void jitter_our_long_stalls_in_silence_are_not_kept_for_the_next_talk_spurt(void **state)
{
  (void)state;
  uint32_t calm = spurt_delay_after_stalls(0, 0);
  assert_true(spurt_delay_after_stalls(4 * F10, 1) <= calm + 2 * AUD_JITTER_STEP);
  assert_true(spurt_delay_after_stalls(AUD_RATE * 3 / 10, 1) <= calm + 2 * AUD_JITTER_STEP);
  assert_true(spurt_delay_after_stalls(AUD_RATE * 3 / 10, 5) <= calm + 2 * AUD_JITTER_STEP);
}

/* On a path where no packet comes late, the margin above the floor is let
 * go after a few calm windows and the delay comes down a step. A packet
 * in speech 6 ms late is waited for, and played although the next one has
 * come by then; it brings the margin back: once the unit held for it is
 * cut (all at once), the delay settles a step higher than on the calm
 * path, until calm windows let the margin go again. */
static void jitter_floor_comes_down_on_a_calm_path_and_back_up_after_a_late_packet(void **state)
{
  (void)state;
  static struct stream_sim calm, late;
  struct stream_run r = {.frame = F10, .voice_until = 0, .late_at = UINT32_MAX,
                         .stall_at = UINT32_MAX};
  run_stream(&calm, &r);
  aud_jitter_destroy(calm.j);
  r.voice_from = 380;
  r.voice_until = 420;
  r.late_at = 400;
  r.late = 300;
  run_stream(&late, &r);
  aud_jitter_destroy(late.j);
  assert_true(calm.delay[300] + AUD_JITTER_STEP <= calm.delay[150]);
  assert_true(late.delay[650] >= calm.delay[650] + AUD_JITTER_STEP);
  assert_int_equal(late.delay[900], calm.delay[900]);
}

/* A 20 ms packet a millisecond late in speech is waited for a whole unit;
 * what it did not need of that unit, past the floor, is cut in the pause
 * that follows, not three windows later. */
static void jitter_unit_held_for_a_packet_a_little_late_is_given_back_in_the_next_pause(
    void **state)
{
  (void)state;
  static struct stream_sim m;
  /* Every packet after the first 2 ms later: no delay to spare before. */
  struct stream_run r = {.frame = F20, .voice_until = 205, .late_at = 200, .late = 48 + 264,
                         .rest_late = 96, .stall_at = UINT32_MAX};
  run_stream(&m, &r);
  struct aud_jitter_stats st;
  aud_jitter_get_stats(m.j, &st);
  aud_jitter_destroy(m.j);
  uint32_t before = m.delay[199];
  assert_true(st.grown >= F10 / AUD_JITTER_STEP);
  assert_true(m.delay[204] >= before + F10 - AUD_JITTER_STEP); /* the unit held */
  assert_true(m.delay[220] + AUD_JITTER_STEP <= m.delay[204]);
  /* Late by 1 ms, plus the 5 ms floor, in whole steps. */
  assert_true(m.delay[220] <= before + 3 * AUD_JITTER_STEP);
}

/* A stream whose first packet came 5 ms later than the rest starts with
 * 5 ms it does not need: the first window (half a second) shows it, and
 * cutting starts then rather than after three. */
static void jitter_delay_a_late_first_packet_left_is_cut_after_the_first_window(void **state)
{
  (void)state;
  static struct stream_sim m;
  struct stream_run r = {.frame = F10, .voice_until = 0, .late_at = UINT32_MAX,
                         .first_late = 240, .stall_at = UINT32_MAX};
  run_stream(&m, &r);
  aud_jitter_destroy(m.j);
  assert_true(m.delay[80] + AUD_JITTER_STEP <= m.delay[10]);
  assert_true(m.delay[199] + 2 * AUD_JITTER_STEP <= m.delay[10]);
}

/* Before anyone talks, and while a speaker is idle, silence comes a step
 * at a time: what the caller has queued of it is delay the next talk spurt
 * waits behind, on top of the buffer's own short lead. */
static void jitter_idle_silence_comes_in_steps_and_a_stream_waits_only_its_lead(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (int i = 0; i < 10; i++) {
    assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_NOT_FOUND);
    assert_true(out.idle);
    assert_true(out.span <= AUD_JITTER_STEP);
  }
  assert_int_equal(put(j, 0, F10, 0, true), HX_OK);
  uint32_t lead = 0;
  while (aud_jitter_get(j, clock_now, 0, &out) == HX_ERR_NOT_FOUND) {
    assert_false(out.idle);
    lead += out.span;
  }
  assert_int_equal(out.kind, AUD_JITTER_PACKET);
  /* The floor (5 ms) and a step, no more. */
  assert_int_equal(lead, 240 + AUD_JITTER_STEP);
  aud_jitter_destroy(j);
}

/* Runs a 10 ms stream through pulls of a 2.5 ms piece each, as the
 * client pulls, pausing (non-voice packets) throughout; packet held_up
 * arrives `by` samples after its time, and with stalled the pulls due
 * meanwhile are held up as long (the whole machine stalled) and made at
 * once when it comes. From packet `slow_from` on the sender runs 0.5 %
 * slow: each arrives later than the one before by 0.5 % of a packet.
 * Every arrival wobbles by up to `wobble` samples (seeded). */
static void run_paused_stream(struct aud_jitter *j, uint32_t held_up, uint32_t by, bool stalled,
                              uint32_t slow_from, uint32_t wobble, struct aud_jitter_stats *st)
{
  uint32_t held = 0, seed = 5, t = 0, at = 0;
  bool due = false;
  for (uint32_t tick = F10 / 2; t < 6000; tick += AUD_JITTER_STEP) {
    uint32_t clock = tick;
    if (stalled && tick >= held_up * F10 && tick < held_up * F10 + by)
      clock = held_up * F10 + by;
    for (;;) {
      if (!due) {
        seed = seed * 1664525u + 1013904223u;
        uint32_t slow = t >= slow_from ? (t - slow_from) * F10 / 200 : 0;
        at = t * F10 + (t == held_up ? by : 0) + slow + (wobble ? (seed >> 8) % wobble : 0);
        due = true;
      }
      if (t >= 6000 || at > clock)
        break;
      clock_now = at;
      assert_int_equal(put(j, t * F10, F10, t, false), HX_OK);
      t++;
      due = false;
    }
    for (; held < AUD_JITTER_STEP; held += out.span)
      aud_jitter_get(j, clock, held, &out);
    held -= AUD_JITTER_STEP;
  }
  aud_jitter_get_stats(j, st);
}

/* One arrival 2 ms late (a busy machine held it up) is not drift: the
 * pause is not padded for it. Nor is one read 15 ms late while the pulls
 * were held up as long (the whole machine stalled: it still played in
 * time), nor a minute of arrivals wobbling by up to 5 ms. A sender whose
 * clock runs slow is: silence goes into the pause, before any packet
 * comes too late. */
static void jitter_held_up_or_wobbly_arrivals_are_not_padded_for_but_a_slower_stream_is(void **state)
{
  (void)state;
  struct aud_jitter_stats st;
  struct aud_jitter *j = make();
  run_paused_stream(j, 300, 96, false, UINT32_MAX, 0, &st);
  assert_int_equal(st.inserted, 0);
  assert_int_equal(st.late, 0);
  aud_jitter_destroy(j);

  j = make();
  run_paused_stream(j, 300, 720, true, UINT32_MAX, 0, &st);
  assert_int_equal(st.inserted, 0);
  assert_int_equal(st.late, 0);
  aud_jitter_destroy(j);

  j = make();
  run_paused_stream(j, UINT32_MAX, 0, false, 300, 0, &st);
  assert_true(st.inserted >= 1);
  assert_int_equal(st.late, 0);
  aud_jitter_destroy(j);

  j = make();
  run_paused_stream(j, UINT32_MAX, 0, false, UINT32_MAX, 240, &st);
  assert_int_equal(st.inserted, 0);
  assert_int_equal(st.late, 0);
  aud_jitter_destroy(j);
}

static void jitter_rejects_bad_input_and_changes_nothing(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  static uint8_t big[AUD_MAX_PACKET + 1];
  assert_int_equal(aud_jitter_put(j, big, 0, 0, F20, true, 0), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_put(j, NULL, 10, 0, F20, true, 0), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_put(NULL, big, 10, 0, F20, true, 0), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_put(j, big, 10, 0, 0, true, 0), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_put(j, big, 10, 0, AUD_JITTER_MAX_SPAN + 1, true, 0), HX_ERR_TOO_BIG);
  assert_int_equal(aud_jitter_put(j, big, AUD_MAX_PACKET + 1, 0, F20, true, 0), HX_ERR_TOO_BIG);
  assert_int_equal(aud_jitter_put(j, big, SIZE_MAX, 0, F20, true, 0), HX_ERR_TOO_BIG);
  assert_int_equal(aud_jitter_get(j, clock_now, 0, &out), HX_ERR_NOT_FOUND); /* nothing started */
  assert_int_equal(aud_jitter_get(NULL, 0, 0, &out), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_get(j, 0, 0, NULL), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_delay(NULL, NULL), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_create(NULL), HX_ERR_INVALID);

  memset(big, 0xA5, sizeof big);
  assert_int_equal(aud_jitter_put(j, big, AUD_MAX_PACKET, 0, F20, true, 0), HX_OK);
  int rc;
  while ((rc = aud_jitter_get(j, clock_now, 0, &out)) == HX_ERR_NOT_FOUND && !out.idle) {
  }
  assert_int_equal(rc, HX_OK);
  assert_int_equal(out.len, AUD_MAX_PACKET);
  assert_memory_equal(out.data, big, AUD_MAX_PACKET);
  aud_jitter_destroy(j);
}

static void jitter_full_table_refuses_more_packets(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < AUD_JITTER_SLOTS; n++)
    assert_int_equal(put(j, n * F10, F10, n, true), HX_OK);
  assert_int_equal(put(j, AUD_JITTER_SLOTS * F10, F10, 99, true), HX_ERR_FULL);
  assert_int_equal(get(j), 0);
  aud_jitter_destroy(j);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(jitter_nothing_put_is_idle_silence),
      cmocka_unit_test(jitter_in_order_stream_comes_out_in_order_without_delay),
      cmocka_unit_test(jitter_reorders_swapped_pair_within_window),
      cmocka_unit_test(jitter_duplicates_and_played_copies_are_dropped),
      cmocka_unit_test(jitter_single_loss_hands_over_the_next_packet_for_fec),
      cmocka_unit_test(jitter_longer_loss_conceals_then_recovers_the_last_frame),
      cmocka_unit_test(jitter_gap_just_over_a_frame_is_concealed_and_moves_on),
      cmocka_unit_test(jitter_late_packet_grows_the_delay_and_still_plays),
      cmocka_unit_test(jitter_concealed_packet_arriving_late_grows_the_delay_at_once),
      cmocka_unit_test(jitter_timestamps_wrapping_past_2_32_keep_flowing),
      cmocka_unit_test(jitter_silence_goes_idle_and_next_spurt_starts_without_delay),
      cmocka_unit_test(jitter_sender_restart_with_a_timestamp_jump_resyncs),
      cmocka_unit_test(jitter_mixed_10_and_20_ms_packets_play_back_to_back),
      cmocka_unit_test(jitter_spare_delay_is_cut_in_pauses_never_in_speech),
      cmocka_unit_test(jitter_delay_our_own_stall_added_is_cut_soon_after),
      cmocka_unit_test(jitter_our_long_stalls_in_silence_are_not_kept_for_the_next_talk_spurt),
      cmocka_unit_test(jitter_floor_comes_down_on_a_calm_path_and_back_up_after_a_late_packet),
      cmocka_unit_test(jitter_unit_held_for_a_packet_a_little_late_is_given_back_in_the_next_pause),
      cmocka_unit_test(jitter_delay_a_late_first_packet_left_is_cut_after_the_first_window),
      cmocka_unit_test(jitter_idle_silence_comes_in_steps_and_a_stream_waits_only_its_lead),
      cmocka_unit_test(jitter_held_up_or_wobbly_arrivals_are_not_padded_for_but_a_slower_stream_is),
      cmocka_unit_test(jitter_rejects_bad_input_and_changes_nothing),
      cmocka_unit_test(jitter_full_table_refuses_more_packets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
