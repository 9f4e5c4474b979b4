#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>

#include "hx_ring.h"

static void ring_rounds_capacity_to_power_of_two(void **state)
{
  (void)state;
  struct hx_ring *r = hx_ring_create(1000);
  assert_non_null(r);
  assert_int_equal(hx_ring_capacity(r), 1024);
  assert_int_equal(hx_ring_writable(r), 1024);
  hx_ring_destroy(r);
  hx_ring_destroy(NULL);
}

static void ring_wraps_and_keeps_order(void **state)
{
  (void)state;
  struct hx_ring *r = hx_ring_create(8);
  int16_t in[6], out[6];
  int16_t next = 0, expect = 0;
  for (int round = 0; round < 10; round++) {
    for (int i = 0; i < 6; i++)
      in[i] = next++;
    assert_int_equal(hx_ring_write(r, in, 6), 6);
    assert_int_equal(hx_ring_read(r, out, 6), 6);
    for (int i = 0; i < 6; i++)
      assert_int_equal(out[i], expect++);
  }
  hx_ring_destroy(r);
}

static void ring_write_stops_when_full_and_read_when_empty(void **state)
{
  (void)state;
  struct hx_ring *r = hx_ring_create(4);
  int16_t in[6] = {1, 2, 3, 4, 5, 6}, out[6] = {0};
  assert_int_equal(hx_ring_write(r, in, 6), 4);
  assert_int_equal(hx_ring_writable(r), 0);
  assert_int_equal(hx_ring_skip(r, 1), 1);
  assert_int_equal(hx_ring_read(r, out, 6), 3);
  assert_int_equal(out[0], 2);
  assert_int_equal(hx_ring_read(r, out, 6), 0);
  hx_ring_destroy(r);
}

enum { STREAM_SAMPLES = 1 << 20 };

static void *ring_producer(void *arg)
{
  struct hx_ring *r = arg;
  int16_t chunk[37];
  uint32_t n = 0;
  while (n < STREAM_SAMPLES) {
    size_t want = sizeof chunk / sizeof chunk[0];
    for (size_t i = 0; i < want; i++)
      chunk[i] = (int16_t)(n + i);
    n += (uint32_t)hx_ring_write(r, chunk, want < STREAM_SAMPLES - n ? want : STREAM_SAMPLES - n);
  }
  return NULL;
}

static void ring_is_safe_between_two_threads(void **state)
{
  (void)state;
  struct hx_ring *r = hx_ring_create(256);
  pthread_t producer;
  pthread_create(&producer, NULL, ring_producer, r);
  uint32_t got = 0;
  int16_t chunk[53];
  while (got < STREAM_SAMPLES) {
    size_t n = hx_ring_read(r, chunk, sizeof chunk / sizeof chunk[0]);
    for (size_t i = 0; i < n; i++)
      assert_int_equal(chunk[i], (int16_t)(got + i));
    got += (uint32_t)n;
  }
  pthread_join(producer, NULL);
  hx_ring_destroy(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ring_rounds_capacity_to_power_of_two),
      cmocka_unit_test(ring_wraps_and_keeps_order),
      cmocka_unit_test(ring_write_stops_when_full_and_read_when_empty),
      cmocka_unit_test(ring_is_safe_between_two_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
