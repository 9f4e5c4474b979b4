/* Jitter buffer: ordering, duplicates, loss, timestamp wrap and silence. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "aud_jitter.h"
#include "aud_opus.h"
#include "hx_err.h"

#define FRAME 960u

/* Payloads carry their frame number so the tests see what came out. */
static void put_frame(struct aud_jitter *j, uint32_t base, uint32_t n)
{
  uint8_t p[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
  assert_int_equal(aud_jitter_put(j, p, sizeof p, base + n * FRAME), HX_OK);
}

/* Returns the frame number played, or the error code when none was. */
static long get_frame(struct aud_jitter *j)
{
  uint8_t out[AUD_MAX_PACKET];
  size_t len = 99;
  int err = aud_jitter_get(j, out, sizeof out, &len);
  if (err != HX_OK) {
    assert_int_equal(len, 0);
    return err;
  }
  assert_int_equal(len, 4);
  return (long)(((uint32_t)out[0] << 24) | ((uint32_t)out[1] << 16) | ((uint32_t)out[2] << 8) |
                out[3]);
}

static struct aud_jitter *make(void)
{
  struct aud_jitter *j = NULL;
  assert_int_equal(aud_jitter_create(FRAME, &j), HX_OK);
  assert_non_null(j);
  return j;
}

static void jitter_nothing_put_is_not_found(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (int i = 0; i < 30; i++)
    assert_int_equal(get_frame(j), HX_ERR_NOT_FOUND);
  aud_jitter_destroy(j);
  aud_jitter_destroy(NULL);
}

static void jitter_in_order_stream_comes_out_in_order(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < 200; n++) {
    put_frame(j, 1000, n);
    assert_int_equal(get_frame(j), (long)n);
  }
  aud_jitter_destroy(j);
}

static void jitter_reorders_swapped_pair_within_window(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  put_frame(j, 0, 0);
  assert_int_equal(get_frame(j), 0);
  put_frame(j, 0, 2);
  put_frame(j, 0, 1);
  assert_int_equal(get_frame(j), 1);
  assert_int_equal(get_frame(j), 2);
  put_frame(j, 0, 3);
  assert_int_equal(get_frame(j), 3);
  aud_jitter_destroy(j);
}

static void jitter_duplicate_is_played_once(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  put_frame(j, 0, 0);
  assert_int_equal(get_frame(j), 0);
  put_frame(j, 0, 1);
  put_frame(j, 0, 1);
  assert_int_equal(get_frame(j), 1);
  put_frame(j, 0, 1); /* a late copy after it was played */
  put_frame(j, 0, 2);
  assert_int_equal(get_frame(j), 2);
  put_frame(j, 0, 3);
  assert_int_equal(get_frame(j), 3);
  aud_jitter_destroy(j);
}

static void jitter_missing_packet_is_again_once_then_continues(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < 10; n++) {
    if (n != 5)
      put_frame(j, 0, n);
    assert_int_equal(get_frame(j), n == 5 ? HX_ERR_AGAIN : (long)n);
  }
  aud_jitter_destroy(j);
}

static void jitter_timestamps_wrapping_past_2_32_keep_flowing(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  const uint32_t base = UINT32_MAX - 5 * FRAME + 1; /* frame 5 lands on 0 */
  for (uint32_t n = 0; n < 12; n++) {
    put_frame(j, base, n);
    assert_int_equal(get_frame(j), (long)n);
  }
  /* A reordered pair straddling the wrap as well. */
  struct aud_jitter *k = make();
  const uint32_t base2 = UINT32_MAX - FRAME + 1; /* frame 1 is at 0 */
  put_frame(k, base2, 0);
  assert_int_equal(get_frame(k), 0);
  put_frame(k, base2, 2);
  put_frame(k, base2, 1);
  assert_int_equal(get_frame(k), 1);
  assert_int_equal(get_frame(k), 2);
  aud_jitter_destroy(j);
  aud_jitter_destroy(k);
}

static void jitter_long_silence_is_not_found_then_resyncs(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  for (uint32_t n = 0; n < 5; n++) {
    put_frame(j, 0, n);
    assert_int_equal(get_frame(j), (long)n);
  }
  int again = 0, not_found = 0;
  for (int i = 0; i < 15; i++) {
    long r = get_frame(j);
    if (r == HX_ERR_AGAIN) {
      assert_int_equal(not_found, 0); /* concealment comes first */
      again++;
    } else {
      assert_int_equal(r, HX_ERR_NOT_FOUND);
      not_found++;
    }
  }
  assert_int_equal(again, 10);
  assert_int_equal(not_found, 5);

  /* The sender's clock did not move while it was quiet: without a resync
   * these would all be "late" and dropped. */
  for (uint32_t n = 5; n < 10; n++) {
    put_frame(j, 0, n);
    assert_int_equal(get_frame(j), (long)n);
  }
  /* Quiet again, then a sender whose clock jumped far ahead. */
  for (int i = 0; i < 12; i++)
    assert_true(get_frame(j) < 0);
  for (uint32_t n = 1000; n < 1005; n++) {
    put_frame(j, 0, n);
    assert_int_equal(get_frame(j), (long)n);
  }
  aud_jitter_destroy(j);
}

static void jitter_delay_counts_buffered_frames(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  assert_int_equal(aud_jitter_delay(j), 0);
  put_frame(j, 0, 0);
  put_frame(j, 0, 1);
  put_frame(j, 0, 2);
  assert_int_equal(aud_jitter_delay(j), 3 * FRAME);
  assert_int_equal(get_frame(j), 0);
  assert_int_equal(aud_jitter_delay(j), 2 * FRAME);
  assert_int_equal(aud_jitter_delay(NULL), HX_ERR_INVALID);
  aud_jitter_destroy(j);
}

static void jitter_put_rejects_empty_and_oversized_payloads(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  static uint8_t big[AUD_MAX_PACKET + 1];
  assert_int_equal(aud_jitter_put(j, big, 0, 0), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_put(j, NULL, 10, 0), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_put(NULL, big, 10, 0), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_put(j, big, AUD_MAX_PACKET + 1, 0), HX_ERR_TOO_BIG);
  assert_int_equal(aud_jitter_put(j, big, SIZE_MAX, 0), HX_ERR_TOO_BIG);
  /* Nothing was accepted, so nothing has started. */
  uint8_t out[AUD_MAX_PACKET];
  size_t len = 0;
  assert_int_equal(aud_jitter_get(j, out, sizeof out, &len), HX_ERR_NOT_FOUND);

  memset(big, 0xA5, sizeof big);
  assert_int_equal(aud_jitter_put(j, big, AUD_MAX_PACKET, 0), HX_OK);
  assert_int_equal(aud_jitter_get(j, out, sizeof out, &len), HX_OK);
  assert_int_equal(len, AUD_MAX_PACKET);
  assert_memory_equal(out, big, AUD_MAX_PACKET);
  aud_jitter_destroy(j);
}

static void jitter_get_into_small_buffer_is_too_big(void **state)
{
  (void)state;
  struct aud_jitter *j = make();
  uint8_t payload[100] = {1};
  assert_int_equal(aud_jitter_put(j, payload, sizeof payload, 0), HX_OK);
  uint8_t out[10];
  size_t len = 5;
  assert_int_equal(aud_jitter_get(j, out, sizeof out, &len), HX_ERR_TOO_BIG);
  assert_int_equal(len, 0);
  assert_int_equal(aud_jitter_get(NULL, out, sizeof out, &len), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_get(j, NULL, sizeof out, &len), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_get(j, out, sizeof out, NULL), HX_ERR_INVALID);
  aud_jitter_destroy(j);
}

static void jitter_create_rejects_bad_frame_sizes(void **state)
{
  (void)state;
  struct aud_jitter *j = NULL;
  assert_int_equal(aud_jitter_create(0, &j), HX_ERR_INVALID);
  assert_null(j);
  assert_int_equal(aud_jitter_create(SIZE_MAX, &j), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_create(FRAME, NULL), HX_ERR_INVALID);
  assert_int_equal(aud_jitter_create(480, &j), HX_OK);
  aud_jitter_destroy(j);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(jitter_nothing_put_is_not_found),
      cmocka_unit_test(jitter_in_order_stream_comes_out_in_order),
      cmocka_unit_test(jitter_reorders_swapped_pair_within_window),
      cmocka_unit_test(jitter_duplicate_is_played_once),
      cmocka_unit_test(jitter_missing_packet_is_again_once_then_continues),
      cmocka_unit_test(jitter_timestamps_wrapping_past_2_32_keep_flowing),
      cmocka_unit_test(jitter_long_silence_is_not_found_then_resyncs),
      cmocka_unit_test(jitter_delay_counts_buffered_frames),
      cmocka_unit_test(jitter_put_rejects_empty_and_oversized_payloads),
      cmocka_unit_test(jitter_get_into_small_buffer_is_too_big),
      cmocka_unit_test(jitter_create_rejects_bad_frame_sizes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
