#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hx_buf.h"
#include "hx_err.h"

static void buf_appends_and_consumes(void **state)
{
  (void)state;
  struct hx_buf b;
  hx_buf_init(&b, 1024);
  assert_int_equal(hx_buf_append(&b, "hello ", 6), HX_OK);
  assert_int_equal(hx_buf_append(&b, "world", 5), HX_OK);
  assert_int_equal(b.len, 11);
  hx_buf_consume(&b, 6);
  assert_int_equal(b.len, 5);
  assert_memory_equal(b.data, "world", 5);
  hx_buf_free(&b);
}

static void buf_refuses_to_grow_past_its_ceiling(void **state)
{
  (void)state;
  struct hx_buf b;
  hx_buf_init(&b, 10);
  assert_int_equal(hx_buf_append(&b, "0123456789", 10), HX_OK);
  assert_int_equal(hx_buf_append(&b, "x", 1), HX_ERR_TOO_BIG);
  assert_int_equal(b.len, 10);
  hx_buf_reset(&b);
  const size_t hostile[] = {11, SIZE_MAX, 0xffffffffu};
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(hx_buf_append(&b, "x", hostile[i]), HX_ERR_TOO_BIG);
  assert_int_equal(b.len, 0);
  hx_buf_free(&b);
}

static void buf_ceiling_can_be_raised(void **state)
{
  (void)state;
  struct hx_buf b;
  hx_buf_init(&b, 4);
  assert_int_equal(hx_buf_append(&b, "12345", 5), HX_ERR_TOO_BIG);
  hx_buf_set_max(&b, 8);
  assert_int_equal(hx_buf_append(&b, "12345", 5), HX_OK);
  hx_buf_free(&b);
  hx_buf_free(&b); /* freeing twice is harmless */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(buf_appends_and_consumes),
      cmocka_unit_test(buf_refuses_to_grow_past_its_ceiling),
      cmocka_unit_test(buf_ceiling_can_be_raised),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
