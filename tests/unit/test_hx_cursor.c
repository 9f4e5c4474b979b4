#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hx_cursor.h"

static void cursor_reads_big_endian_fields(void **state)
{
  (void)state;
  const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  struct hx_cursor c;
  hx_cursor_init(&c, buf, sizeof buf);
  assert_int_equal(hx_cursor_u8(&c), 0x01);
  assert_int_equal(hx_cursor_u16be(&c), 0x0203);
  assert_int_equal(hx_cursor_u32be(&c), 0x04050607u);
  assert_true(hx_cursor_ok(&c));
  assert_int_equal(hx_cursor_remaining(&c), 0);
}

static void cursor_overrun_is_sticky_and_yields_zero(void **state)
{
  (void)state;
  const uint8_t buf[] = {0xff, 0xff, 0xff};
  struct hx_cursor c;
  hx_cursor_init(&c, buf, sizeof buf);
  assert_int_equal(hx_cursor_u32be(&c), 0);
  assert_false(hx_cursor_ok(&c));
  /* A later read that would fit on its own still fails: the first overrun
   * decides. */
  assert_int_equal(hx_cursor_u8(&c), 0);
  assert_null(hx_cursor_bytes(&c, 1));
  assert_int_equal(hx_cursor_remaining(&c), 0);
}

static void cursor_rejects_hostile_lengths(void **state)
{
  (void)state;
  const size_t lengths[] = {5, 17, SIZE_MAX, SIZE_MAX - 1, 0xffffffffu};
  const uint8_t buf[4] = {0};
  for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
    struct hx_cursor c;
    hx_cursor_init(&c, buf, sizeof buf);
    hx_cursor_u8(&c);
    assert_null(hx_cursor_bytes(&c, lengths[i]));
    assert_false(hx_cursor_ok(&c));
  }
  struct hx_cursor c;
  hx_cursor_init(&c, buf, sizeof buf);
  assert_non_null(hx_cursor_bytes(&c, 4));
  assert_non_null(hx_cursor_bytes(&c, 0));
  assert_true(hx_cursor_ok(&c));
}

static void cursor_on_null_buffer_is_empty(void **state)
{
  (void)state;
  struct hx_cursor c;
  hx_cursor_init(&c, NULL, 100);
  assert_int_equal(hx_cursor_remaining(&c), 0);
  hx_cursor_u8(&c);
  assert_false(hx_cursor_ok(&c));
}

static void wcursor_writes_and_stops_at_capacity(void **state)
{
  (void)state;
  uint8_t buf[6];
  struct hx_wcursor w;
  hx_wcursor_init(&w, buf, sizeof buf);
  hx_wcursor_u16be(&w, 0xbede);
  hx_wcursor_u32be(&w, 0x01020304u);
  assert_true(hx_wcursor_ok(&w));
  assert_int_equal(w.pos, 6);
  assert_int_equal(buf[0], 0xbe);
  assert_int_equal(buf[5], 0x04);
  hx_wcursor_u8(&w, 1);
  assert_false(hx_wcursor_ok(&w));
  assert_int_equal(w.pos, 6);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cursor_reads_big_endian_fields),
      cmocka_unit_test(cursor_overrun_is_sticky_and_yields_zero),
      cmocka_unit_test(cursor_rejects_hostile_lengths),
      cmocka_unit_test(cursor_on_null_buffer_is_empty),
      cmocka_unit_test(wcursor_writes_and_stops_at_capacity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
