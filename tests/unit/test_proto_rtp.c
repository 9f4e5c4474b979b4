#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hx_err.h"
#include "proto_rtp.h"

/* A minimal header: V=2, PT 111, seq 0x0102, ts 0x03040506, ssrc 0x0708090a. */
#define HDR(b0) (b0), 0x6f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a

static int parse(const uint8_t *buf, size_t len, struct proto_rtp *out)
{
  return proto_rtp_parse(buf, len, out);
}

static void rtp_round_trips_with_level(void **state)
{
  (void)state;
  uint8_t payload[20], out[64];
  for (size_t i = 0; i < sizeof payload; i++)
    payload[i] = (uint8_t)(0xa0 + i);
  struct proto_rtp h = {.payload_type = PROTO_RTP_PT_OPUS, .marker = true, .seq = 65535,
                        .timestamp = 0xdeadbeef, .ssrc = 0xabcd0001, .has_level = true,
                        .voice = true, .level = 42};
  size_t written = 0;
  assert_int_equal(proto_rtp_pack(&h, payload, sizeof payload, out, sizeof out, &written),
                   HX_OK);
  assert_int_equal(written, 12 + 8 + 20);
  static const uint8_t want_header[] = {0x90, 0xef, 0xff, 0xff, 0xde, 0xad, 0xbe,
                                        0xef, 0xab, 0xcd, 0x00, 0x01, 0xbe, 0xde,
                                        0x00, 0x01, 0x10, 0xaa, 0x00, 0x00};
  assert_memory_equal(out, want_header, sizeof want_header);
  struct proto_rtp p;
  assert_int_equal(parse(out, written, &p), HX_OK);
  assert_int_equal(p.payload_type, PROTO_RTP_PT_OPUS);
  assert_true(p.marker);
  assert_int_equal(p.seq, 65535);
  assert_int_equal(p.timestamp, 0xdeadbeef);
  assert_int_equal(p.ssrc, 0xabcd0001);
  assert_true(p.has_level);
  assert_true(p.voice);
  assert_int_equal(p.level, 42);
  assert_int_equal(p.header_len, 20);
  assert_ptr_equal(p.payload, out + 20);
  assert_int_equal(p.payload_len, sizeof payload);
  assert_memory_equal(p.payload, payload, sizeof payload);
}

static void rtp_round_trips_without_level(void **state)
{
  (void)state;
  uint8_t out[32];
  struct proto_rtp h = {.payload_type = 0, .seq = 7, .timestamp = 960, .ssrc = 1,
                        .voice = true, .level = 3};
  size_t written = 0;
  assert_int_equal(proto_rtp_pack(&h, (const uint8_t *)"abc", 3, out, sizeof out, &written),
                   HX_OK);
  assert_int_equal(written, 15);
  assert_int_equal(out[0], 0x80);
  assert_int_equal(out[1], 0x00);
  struct proto_rtp p;
  assert_int_equal(parse(out, written, &p), HX_OK);
  assert_false(p.has_level);
  assert_false(p.marker);
  assert_int_equal(p.seq, 7);
  assert_int_equal(p.timestamp, 960);
  assert_int_equal(p.header_len, 12);
  assert_int_equal(p.payload_len, 3);
  assert_memory_equal(p.payload, "abc", 3);
  /* An empty payload is a valid packet too. */
  assert_int_equal(proto_rtp_pack(&h, NULL, 0, out, sizeof out, &written), HX_OK);
  assert_int_equal(written, 12);
  assert_int_equal(parse(out, written, &p), HX_OK);
  assert_int_equal(p.payload_len, 0);
}

static void rtp_pack_rejects_bad_fields_and_small_buffers(void **state)
{
  (void)state;
  uint8_t out[PROTO_RTP_MAX_PACKET + 16];
  static const uint8_t payload[PROTO_RTP_MAX_PACKET];
  size_t written = 99;
  struct proto_rtp h = {.payload_type = 128};
  assert_int_equal(proto_rtp_pack(&h, payload, 10, out, sizeof out, &written),
                   HX_ERR_INVALID);
  h = (struct proto_rtp){.payload_type = 111, .has_level = true, .level = 128};
  assert_int_equal(proto_rtp_pack(&h, payload, 10, out, sizeof out, &written),
                   HX_ERR_INVALID);
  h.level = 127;
  assert_int_equal(proto_rtp_pack(&h, NULL, 10, out, sizeof out, &written), HX_ERR_INVALID);
  /* exactly the room needed, then one byte less, then none */
  assert_int_equal(proto_rtp_pack(&h, payload, 10, out, 30, &written), HX_OK);
  assert_int_equal(written, 30);
  assert_int_equal(proto_rtp_pack(&h, payload, 10, out, 29, &written), HX_ERR_FULL);
  assert_int_equal(written, 0);
  assert_int_equal(proto_rtp_pack(&h, payload, 10, out, 0, &written), HX_ERR_FULL);
  /* the whole packet must fit the MTU budget */
  assert_int_equal(proto_rtp_pack(&h, payload, PROTO_RTP_MAX_PACKET - 20, out, sizeof out,
                                  &written),
                   HX_OK);
  assert_int_equal(written, PROTO_RTP_MAX_PACKET);
  const size_t hostile[] = {PROTO_RTP_MAX_PACKET - 19, PROTO_RTP_MAX_PACKET, 0xffffffffu,
                            SIZE_MAX};
  for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++)
    assert_int_equal(proto_rtp_pack(&h, payload, hostile[i], out, sizeof out, &written),
                     HX_ERR_TOO_BIG);
}

static void rtp_parse_rejects_truncated_header(void **state)
{
  (void)state;
  static const uint8_t pkt[] = {HDR(0x80)};
  struct proto_rtp p;
  for (size_t len = 0; len < sizeof pkt; len++)
    assert_int_equal(parse(pkt, len, &p), HX_ERR_TRUNCATED);
  assert_int_equal(parse(NULL, 0, &p), HX_ERR_TRUNCATED);
  assert_int_equal(parse(pkt, sizeof pkt, &p), HX_OK);
  assert_int_equal(p.seq, 0x0102);
  assert_int_equal(p.timestamp, 0x03040506);
  assert_int_equal(p.ssrc, 0x0708090a);
}

static void rtp_parse_rejects_other_versions(void **state)
{
  (void)state;
  const uint8_t firsts[] = {0x00, 0x40, 0xc0, 0xff};
  for (size_t i = 0; i < sizeof firsts; i++) {
    uint8_t pkt[] = {HDR(firsts[i]), 0x00};
    struct proto_rtp p;
    assert_int_equal(parse(pkt, sizeof pkt, &p), HX_ERR_BAD_VERSION);
  }
}

static void rtp_parse_rejects_csrc_count_past_the_end(void **state)
{
  (void)state;
  uint8_t pkt[12 + 60] = {HDR(0x83)};
  struct proto_rtp p;
  assert_int_equal(parse(pkt, 12 + 11, &p), HX_ERR_TRUNCATED);
  assert_int_equal(parse(pkt, 12 + 12, &p), HX_OK);
  assert_int_equal(p.header_len, 24);
  assert_int_equal(p.payload_len, 0);
  assert_int_equal(parse(pkt, 12 + 13, &p), HX_OK);
  assert_int_equal(p.payload_len, 1);
  pkt[0] = 0x8f; /* 15 CSRCs */
  assert_int_equal(parse(pkt, 12 + 59, &p), HX_ERR_TRUNCATED);
  assert_int_equal(parse(pkt, 12 + 60, &p), HX_OK);
}

static void rtp_parse_rejects_truncated_extension(void **state)
{
  (void)state;
  /* X=1, profile 0xBEDE, 2 words claimed */
  static const uint8_t pkt[] = {HDR(0x90), 0xbe, 0xde, 0x00, 0x02, 0x10, 0x05, 0x00,
                                0x00, 0x00, 0x00, 0x00, 0x00};
  struct proto_rtp p;
  for (size_t len = 12; len < sizeof pkt; len++)
    assert_int_equal(parse(pkt, len, &p), HX_ERR_TRUNCATED);
  assert_int_equal(parse(pkt, sizeof pkt, &p), HX_OK);
  assert_true(p.has_level);
  assert_false(p.voice);
  assert_int_equal(p.level, 5);
  static const uint8_t huge[] = {HDR(0x90), 0xbe, 0xde, 0xff, 0xff, 0x10, 0x05, 0x00, 0x00};
  assert_int_equal(parse(huge, sizeof huge, &p), HX_ERR_TRUNCATED);
}

static void rtp_parse_skips_unknown_elements_and_padding(void **state)
{
  (void)state;
  /* padding byte, ID 2 with 2 bytes, then the level, then padding */
  static const uint8_t pkt[] = {HDR(0x90), 0xbe, 0xde, 0x00, 0x02, 0x00, 0x21, 0xaa,
                                0xbb, 0x10, 0x85, 0x00, 0x00, 'p', 'q'};
  struct proto_rtp p;
  assert_int_equal(parse(pkt, sizeof pkt, &p), HX_OK);
  assert_true(p.has_level);
  assert_true(p.voice);
  assert_int_equal(p.level, 5);
  assert_int_equal(p.header_len, 24);
  assert_int_equal(p.payload_len, 2);
  assert_memory_equal(p.payload, "pq", 2);
}

static void rtp_parse_ignores_level_of_wrong_size_or_after_stop(void **state)
{
  (void)state;
  /* ID 1 with two bytes is not an RFC 6464 level */
  static const uint8_t wide[] = {HDR(0x90), 0xbe, 0xde, 0x00, 0x01, 0x11, 0x85, 0x00, 0x00};
  /* ID 15 ends the list: what follows is not read */
  static const uint8_t stop[] = {HDR(0x90), 0xbe, 0xde, 0x00, 0x01, 0xf0, 0x10, 0x85, 0x00};
  /* an unknown profile is skipped whole */
  static const uint8_t other[] = {HDR(0x90), 0x12, 0x34, 0x00, 0x01, 0x10, 0x85, 0x00, 0x00,
                                  'x'};
  struct proto_rtp p;
  assert_int_equal(parse(wide, sizeof wide, &p), HX_OK);
  assert_false(p.has_level);
  assert_int_equal(parse(stop, sizeof stop, &p), HX_OK);
  assert_false(p.has_level);
  assert_int_equal(parse(other, sizeof other, &p), HX_OK);
  assert_false(p.has_level);
  assert_int_equal(p.payload_len, 1);
  assert_int_equal(p.payload[0], 'x');
}

static void rtp_parse_rejects_elements_past_the_extension(void **state)
{
  (void)state;
  /* one-byte element claiming 4 bytes where 3 remain */
  static const uint8_t one[] = {HDR(0x90), 0xbe, 0xde, 0x00, 0x01, 0x23, 0x00, 0x00, 0x00,
                                0x00, 0x00, 0x00, 0x00};
  /* two-byte element claiming 9 bytes where 2 remain */
  static const uint8_t two[] = {HDR(0x90), 0x10, 0x00, 0x00, 0x01, 0x01, 0x09, 0x00, 0x00,
                                0x00, 0x00, 0x00, 0x00};
  /* two-byte element cut between its ID and its length */
  static const uint8_t cut[] = {HDR(0x90), 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05};
  struct proto_rtp p;
  assert_int_equal(parse(one, sizeof one, &p), HX_ERR_INVALID);
  assert_int_equal(parse(two, sizeof two, &p), HX_ERR_INVALID);
  assert_int_equal(parse(cut, sizeof cut, &p), HX_ERR_INVALID);
  static const uint8_t fine[] = {HDR(0x90), 0x10, 0x00, 0x00, 0x01, 0x01, 0x02, 0xaa, 0xbb};
  assert_int_equal(parse(fine, sizeof fine, &p), HX_OK);
  assert_false(p.has_level);
  assert_int_equal(p.header_len, 20);
}

static void rtp_parse_checks_padding(void **state)
{
  (void)state;
  uint8_t pkt[] = {HDR(0xa0), 'a', 'b', 'c', 0x00, 0x00, 0x03};
  struct proto_rtp p;
  assert_int_equal(parse(pkt, sizeof pkt, &p), HX_OK);
  assert_int_equal(p.payload_len, 3);
  assert_memory_equal(p.payload, "abc", 3);
  pkt[sizeof pkt - 1] = 6; /* all of it padding */
  assert_int_equal(parse(pkt, sizeof pkt, &p), HX_OK);
  assert_int_equal(p.payload_len, 0);
  const uint8_t bad[] = {0, 7, 0xff};
  for (size_t i = 0; i < sizeof bad; i++) {
    pkt[sizeof pkt - 1] = bad[i];
    assert_int_equal(parse(pkt, sizeof pkt, &p), HX_ERR_INVALID);
  }
  assert_int_equal(parse(pkt, 12, &p), HX_ERR_TRUNCATED); /* no count byte at all */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rtp_round_trips_with_level),
      cmocka_unit_test(rtp_round_trips_without_level),
      cmocka_unit_test(rtp_pack_rejects_bad_fields_and_small_buffers),
      cmocka_unit_test(rtp_parse_rejects_truncated_header),
      cmocka_unit_test(rtp_parse_rejects_other_versions),
      cmocka_unit_test(rtp_parse_rejects_csrc_count_past_the_end),
      cmocka_unit_test(rtp_parse_rejects_truncated_extension),
      cmocka_unit_test(rtp_parse_skips_unknown_elements_and_padding),
      cmocka_unit_test(rtp_parse_ignores_level_of_wrong_size_or_after_stop),
      cmocka_unit_test(rtp_parse_rejects_elements_past_the_extension),
      cmocka_unit_test(rtp_parse_checks_padding),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
