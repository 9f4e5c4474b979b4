#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hx_err.h"
#include "proto_rtp.h"
#include "proto_srtp.h"

#define PAYLOAD_LEN 40
#define BUF_CAP (PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX)

struct fixture {
  uint8_t key[PROTO_SRTP_KEY_LEN];
  struct proto_srtp *out, *in;
};

static int setup(void **state)
{
  static struct fixture fx;
  memset(&fx, 0, sizeof fx);
  if (proto_srtp_global_init() != HX_OK || proto_srtp_global_init() != HX_OK ||
      proto_srtp_random_key(fx.key) != HX_OK ||
      proto_srtp_create(fx.key, PROTO_SRTP_OUTBOUND, &fx.out) != HX_OK ||
      proto_srtp_create(fx.key, PROTO_SRTP_INBOUND, &fx.in) != HX_OK)
    return -1;
  *state = &fx;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *fx = *state;
  proto_srtp_destroy(fx->out);
  proto_srtp_destroy(fx->in);
  proto_srtp_destroy(NULL);
  return 0;
}

/* An RTP packet as the client sends it; returns its length. */
static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ssrc)
{
  uint8_t payload[PAYLOAD_LEN];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(seq + i);
  struct proto_rtp h = {.payload_type = PROTO_RTP_PT_OPUS, .seq = seq,
                        .timestamp = (uint32_t)seq * 960u, .ssrc = ssrc,
                        .has_level = true, .voice = true, .level = 30};
  size_t len = 0;
  assert_int_equal(proto_rtp_pack(&h, payload, sizeof payload, buf, BUF_CAP, &len), HX_OK);
  return len;
}

static size_t protect(struct proto_srtp *s, uint8_t *buf, size_t len)
{
  size_t out = 0;
  assert_int_equal(proto_srtp_protect(s, buf, len, BUF_CAP, &out), HX_OK);
  return out;
}

static void srtp_round_trips_a_packet(void **state)
{
  struct fixture *fx = *state;
  uint8_t plain[BUF_CAP], pkt[BUF_CAP];
  size_t len = make_rtp(plain, 100, 0x11111111);
  memcpy(pkt, plain, len);
  size_t slen = protect(fx->out, pkt, len);
  assert_int_equal(slen, len + 16); /* the GCM tag */
  assert_memory_equal(pkt, plain, 20); /* the header stays readable */
  assert_memory_not_equal(pkt + 20, plain + 20, PAYLOAD_LEN);
  size_t rlen = 0;
  assert_int_equal(proto_srtp_unprotect(fx->in, pkt, slen, &rlen), HX_OK);
  assert_int_equal(rlen, len);
  assert_memory_equal(pkt, plain, len);
}

static void srtp_rejects_every_single_bit_flip(void **state)
{
  struct fixture *fx = *state;
  uint8_t pkt[BUF_CAP], copy[BUF_CAP];
  size_t len = make_rtp(pkt, 200, 0x22222222);
  size_t slen = protect(fx->out, pkt, len);
  for (size_t bit = 0; bit < slen * 8; bit++) {
    memcpy(copy, pkt, slen);
    copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    size_t rlen = 99;
    int err = proto_srtp_unprotect(fx->in, copy, slen, &rlen);
    if (err != HX_ERR_AUTH)
      fail_msg("bit %zu flipped: got %s, want HX_ERR_AUTH", bit, hx_errname(err));
    assert_int_equal(rlen, 0);
  }
  /* The forgeries did not disturb the session: the original still passes. */
  size_t rlen = 0;
  assert_int_equal(proto_srtp_unprotect(fx->in, pkt, slen, &rlen), HX_OK);
}

static void srtp_rejects_replayed_and_too_old_packets(void **state)
{
  struct fixture *fx = *state;
  uint8_t pkt[BUF_CAP], copy[BUF_CAP], old[BUF_CAP], mid[BUF_CAP];
  size_t rlen = 0;
  size_t len = make_rtp(old, 1000, 0x33333333);
  size_t old_len = protect(fx->out, old, len);
  memcpy(copy, old, old_len);
  assert_int_equal(proto_srtp_unprotect(fx->in, copy, old_len, &rlen), HX_OK);
  memcpy(copy, old, old_len);
  assert_int_equal(proto_srtp_unprotect(fx->in, copy, old_len, &rlen), HX_ERR_REPLAY);

  len = make_rtp(mid, 1100, 0x33333333);
  size_t mid_len = protect(fx->out, mid, len);
  len = make_rtp(pkt, 1200, 0x33333333);
  size_t slen = protect(fx->out, pkt, len);
  assert_int_equal(proto_srtp_unprotect(fx->in, pkt, slen, &rlen), HX_OK);
  /* 100 behind the newest: late but inside the 128-packet window */
  assert_int_equal(proto_srtp_unprotect(fx->in, mid, mid_len, &rlen), HX_OK);
  /* 200 behind: outside the window */
  memcpy(copy, old, old_len);
  assert_int_equal(proto_srtp_unprotect(fx->in, copy, old_len, &rlen), HX_ERR_REPLAY);
}

/* The window's exact edge: a packet 127 behind the newest is still taken
 * (once), one 128 behind is not. A window of 64 or 256 would fail here. */
static void srtp_replay_window_is_exactly_128_packets(void **state)
{
  struct fixture *fx = *state;
  uint8_t edge[BUF_CAP], past[BUF_CAP], newest[BUF_CAP], copy[BUF_CAP];
  size_t rlen = 0;
  size_t past_len = protect(fx->out, past, make_rtp(past, 3000, 0x88888888));
  size_t edge_len = protect(fx->out, edge, make_rtp(edge, 3001, 0x88888888));
  size_t newest_len = protect(fx->out, newest, make_rtp(newest, 3128, 0x88888888));
  assert_int_equal(proto_srtp_unprotect(fx->in, newest, newest_len, &rlen), HX_OK);
  memcpy(copy, edge, edge_len);
  assert_int_equal(proto_srtp_unprotect(fx->in, copy, edge_len, &rlen), HX_OK);
  memcpy(copy, edge, edge_len);
  assert_int_equal(proto_srtp_unprotect(fx->in, copy, edge_len, &rlen), HX_ERR_REPLAY);
  assert_int_equal(proto_srtp_unprotect(fx->in, past, past_len, &rlen), HX_ERR_REPLAY);
  assert_int_equal(rlen, 0);
}

static void srtp_outbound_refuses_to_reuse_a_sequence_number(void **state)
{
  struct fixture *fx = *state;
  uint8_t pkt[BUF_CAP];
  size_t len = make_rtp(pkt, 5, 0x44444444);
  protect(fx->out, pkt, len);
  len = make_rtp(pkt, 5, 0x44444444);
  size_t out = 99;
  assert_int_equal(proto_srtp_protect(fx->out, pkt, len, BUF_CAP, &out), HX_ERR_REPLAY);
  assert_int_equal(out, 0);
}

static void srtp_rejects_a_packet_under_another_key(void **state)
{
  struct fixture *fx = *state;
  uint8_t other_key[PROTO_SRTP_KEY_LEN];
  assert_int_equal(proto_srtp_random_key(other_key), HX_OK);
  assert_memory_not_equal(other_key, fx->key, PROTO_SRTP_KEY_LEN);
  struct proto_srtp *other = NULL;
  assert_int_equal(proto_srtp_create(other_key, PROTO_SRTP_INBOUND, &other), HX_OK);
  uint8_t pkt[BUF_CAP];
  size_t len = make_rtp(pkt, 300, 0x55555555);
  size_t slen = protect(fx->out, pkt, len);
  size_t rlen = 0;
  assert_int_equal(proto_srtp_unprotect(other, pkt, slen, &rlen), HX_ERR_AUTH);
  proto_srtp_destroy(other);
}

static void srtp_checks_lengths_and_room(void **state)
{
  struct fixture *fx = *state;
  uint8_t pkt[BUF_CAP];
  size_t len = make_rtp(pkt, 400, 0x66666666);
  size_t out = 99;
  const size_t small_caps[] = {0, len, len + PROTO_SRTP_TRAILER_MAX - 1};
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(proto_srtp_protect(fx->out, pkt, len, small_caps[i], &out),
                     HX_ERR_FULL);
  assert_int_equal(out, 0);
  for (size_t n = 0; n < 12; n++)
    assert_int_equal(proto_srtp_protect(fx->out, pkt, n, BUF_CAP, &out), HX_ERR_TRUNCATED);
  const size_t huge[] = {0xffffffffu, SIZE_MAX, SIZE_MAX - PROTO_SRTP_TRAILER_MAX};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(proto_srtp_protect(fx->out, pkt, huge[i], SIZE_MAX, &out),
                     HX_ERR_TOO_BIG);
    assert_int_equal(proto_srtp_unprotect(fx->in, pkt, huge[i], &out), HX_ERR_TOO_BIG);
  }
  /* A header and a tag is the least an SRTP packet can be. */
  for (size_t n = 0; n < 28; n++)
    assert_int_equal(proto_srtp_unprotect(fx->in, pkt, n, &out), HX_ERR_TRUNCATED);
}

static void srtp_accepts_sequence_numbers_across_the_wrap(void **state)
{
  struct fixture *fx = *state;
  uint8_t plain[BUF_CAP], pkt[BUF_CAP];
  for (unsigned i = 0; i < 100; i++) {
    uint16_t seq = (uint16_t)(65500u + i);
    size_t len = make_rtp(plain, seq, 0x77777777);
    memcpy(pkt, plain, len);
    size_t slen = protect(fx->out, pkt, len), rlen = 0;
    int err = proto_srtp_unprotect(fx->in, pkt, slen, &rlen);
    if (err != HX_OK)
      fail_msg("seq %u: %s", seq, hx_errname(err));
    assert_int_equal(rlen, len);
    assert_memory_equal(pkt, plain, len);
  }
}

static void srtp_create_rejects_an_unknown_direction(void **state)
{
  struct fixture *fx = *state;
  struct proto_srtp *s = (struct proto_srtp *)fx;
  assert_int_equal(proto_srtp_create(fx->key, (enum proto_srtp_dir)7, &s), HX_ERR_INVALID);
  assert_null(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(srtp_round_trips_a_packet),
      cmocka_unit_test(srtp_rejects_every_single_bit_flip),
      cmocka_unit_test(srtp_rejects_replayed_and_too_old_packets),
      cmocka_unit_test(srtp_replay_window_is_exactly_128_packets),
      cmocka_unit_test(srtp_outbound_refuses_to_reuse_a_sequence_number),
      cmocka_unit_test(srtp_rejects_a_packet_under_another_key),
      cmocka_unit_test(srtp_checks_lengths_and_room),
      cmocka_unit_test(srtp_accepts_sequence_numbers_across_the_wrap),
      cmocka_unit_test(srtp_create_rejects_an_unknown_direction),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
