/* Clock drift: ten simulated minutes of a sender whose sound card runs
 * 0.5 % fast or slow against ours, through the jitter buffer and the Opus
 * decoder, on a simulated clock (no sleeping). What a listener would
 * notice: the delay creeping up, or gaps (concealment) in the speech. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "aud_jitter.h"
#include "aud_level.h"
#include "aud_opus.h"
#include "hx_err.h"

#define FRAME 960                  /* the sender's 20 ms packets */
#define CYCLE 150                  /* 3 s: 2 s of speech, 1 s of room noise */
#define SPEECH 100
#define SIM_SECONDS 600
#define PULLS_PER_SECOND 400       /* our sound card takes 2.5 ms at a time */
#define SETTLE_PULLS (10 * PULLS_PER_SECOND) /* the first 10 s may build the delay */
#define NS_PER_SECOND 1000000000LL

struct cycle {
  uint8_t data[CYCLE][AUD_MAX_PACKET];
  size_t len[CYCLE];
  bool voice[CYCLE];
};

static struct cycle cyc;
static int16_t pcm[AUD_JITTER_MAX_SPAN];

static uint32_t lcg(uint32_t *s)
{
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

/* One talk cycle, encoded once and repeated: the drift logic cares about
 * timing and the voice flag, not about the words. */
static void encode_cycle(void)
{
  struct aud_encoder *enc = NULL;
  assert_int_equal(aud_encoder_create(20, AUD_DEFAULT_BITRATE, &enc), HX_OK);
  uint32_t seed = 7;
  int16_t frame[FRAME];
  for (size_t n = 0; n < CYCLE; n++) {
    for (size_t i = 0; i < FRAME; i++) {
      double t = (double)(n * FRAME + i) / AUD_RATE;
      frame[i] = n < SPEECH ? (int16_t)(8000 * sin(2 * M_PI * 220 * t))
                            : (int16_t)((int)(lcg(&seed) % 41) - 20);
    }
    cyc.voice[n] = aud_level_dbov(frame, FRAME) <= 50;
    assert_int_equal(aud_encoder_encode(enc, frame, cyc.data[n], AUD_MAX_PACKET, &cyc.len[n]),
                     HX_OK);
  }
  aud_encoder_destroy(enc);
  assert_true(cyc.voice[0] && !cyc.voice[CYCLE - 1]);
}

struct result {
  double first_minute_ms; /* mean mouth-to-ear delay over 10..70 s */
  double last_minute_ms;  /* worst delay in the last minute */
  unsigned gaps;          /* concealed pieces after the first 10 s */
  struct aud_jitter_stats st;
};

static int64_t capture_start_ns(uint64_t n, double rate)
{
  return (int64_t)((double)n * FRAME * NS_PER_SECOND / (AUD_RATE * rate));
}

static void run(double rate, struct result *r)
{
  encode_cycle();
  struct aud_jitter *j = NULL;
  struct aud_decoder *dec = NULL;
  assert_int_equal(aud_jitter_create(&j), HX_OK);
  assert_int_equal(aud_decoder_create(&dec), HX_OK);
  static struct aud_jitter_out out;
  memset(r, 0, sizeof *r);
  uint32_t seed = 42;
  uint64_t next = 0;
  int64_t next_arrival = -1;
  size_t queued = 0;
  double first_sum = 0;
  unsigned first_n = 0;
  const int64_t pulls = (int64_t)SIM_SECONDS * PULLS_PER_SECOND;
  for (int64_t k = 0; k < pulls; k++) {
    int64_t now = k * NS_PER_SECOND / PULLS_PER_SECOND;
    /* Packets whose network trip (5..15 ms) has ended by now arrive. */
    for (;;) {
      if (next_arrival < 0)
        next_arrival =
            capture_start_ns(next + 1, rate) + 5000000 + (int64_t)(lcg(&seed) % 10000000);
      if (next_arrival > now)
        break;
      size_t c = next % CYCLE;
      uint32_t arrived = (uint32_t)(next_arrival * AUD_RATE / NS_PER_SECOND);
      assert_int_equal(aud_jitter_put(j, cyc.data[c], cyc.len[c], (uint32_t)(next * FRAME),
                                      FRAME, cyc.voice[c], arrived),
                       HX_OK);
      next++;
      next_arrival = -1;
    }
    /* Our sound card takes a piece now; decode whole packets as needed. */
    while (queued < AUD_JITTER_STEP) {
      int rc = aud_jitter_get(j, (uint32_t)(k * AUD_JITTER_STEP), (uint32_t)queued, &out);
      size_t got = 0;
      if (rc == HX_OK) {
        assert_int_equal(
            aud_decoder_decode(dec, out.data, out.len, pcm, AUD_JITTER_MAX_SPAN, &got), HX_OK);
        /* Sender samples are numbered from 0, so 32 bits do not wrap in
         * ten minutes. */
        double heard = (double)now + (double)queued * NS_PER_SECOND / AUD_RATE;
        double said = (double)out.timestamp * NS_PER_SECOND / (AUD_RATE * rate);
        double delay_ms = (heard - said) / 1e6;
        double t = (double)now / NS_PER_SECOND;
        if (t >= 10 && t < 70) {
          first_sum += delay_ms;
          first_n++;
        }
        if (t >= SIM_SECONDS - 60 && delay_ms > r->last_minute_ms)
          r->last_minute_ms = delay_ms;
      } else if (out.kind == AUD_JITTER_LOST) {
        assert_int_equal(aud_decoder_decode(dec, NULL, 0, pcm, out.span, &got), HX_OK);
        if (k >= SETTLE_PULLS)
          r->gaps++;
      } else if (out.idle && k >= SETTLE_PULLS) {
        r->gaps++;
      }
      queued += out.span;
    }
    queued -= AUD_JITTER_STEP;
  }
  r->first_minute_ms = first_sum / first_n;
  aud_jitter_get_stats(j, &r->st);
  aud_jitter_destroy(j);
  aud_decoder_destroy(dec);
}

static void drift_fast_sender_for_ten_minutes_keeps_delay_and_never_gaps(void **state)
{
  (void)state;
  struct result r;
  run(1.005, &r);
  print_message("fast sender: %.1f ms at first, %.1f ms worst in the last minute, "
                "%llu steps of pause skipped\n",
                r.first_minute_ms, r.last_minute_ms, (unsigned long long)r.st.shrunk);
  assert_int_equal(r.gaps, 0);
  assert_true(r.last_minute_ms - r.first_minute_ms <= 20.0);
  /* 0.5 % of ten minutes is 3 s of audio; it must have gone somewhere. */
  assert_true(r.st.shrunk * AUD_JITTER_STEP >= 3 * AUD_RATE * 9 / 10);
}

static void drift_slow_sender_for_ten_minutes_keeps_delay_and_rarely_conceals(void **state)
{
  (void)state;
  struct result r;
  run(0.995, &r);
  print_message("slow sender: %.1f ms at first, %.1f ms worst in the last minute, "
                "%llu steps of silence inserted, %u units concealed\n",
                r.first_minute_ms, r.last_minute_ms, (unsigned long long)r.st.inserted, r.gaps);
  /* A slow sender can run a long phrase dry before the next pause; the
   * odd 10 ms is concealed (never silence), at most 1 in 1000. */
  assert_true(r.gaps <= SIM_SECONDS * 100 / 1000);
  assert_true(r.last_minute_ms - r.first_minute_ms <= 20.0);
  assert_true(r.st.inserted * AUD_JITTER_STEP >= 3 * AUD_RATE * 9 / 10);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(drift_fast_sender_for_ten_minutes_keeps_delay_and_never_gaps),
      cmocka_unit_test(drift_slow_sender_for_ten_minutes_keeps_delay_and_rarely_conceals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
