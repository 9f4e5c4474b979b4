/* The SSRC map of the media path, checked against a plain array through
 * growth, collisions and backward-shift deletion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "hx_err.h"
#include "srv_ssrc.h"

#define N 2000

/* Stand-in members: the map only stores the pointers. */
static char members[N];

static struct srv_member *member(size_t i) { return (struct srv_member *)(void *)&members[i]; }

static void empty_map_finds_nothing(void **state)
{
  (void)state;
  struct srv_ssrc_map m;
  srv_ssrc_init(&m);
  assert_null(srv_ssrc_get(&m, 0));
  assert_null(srv_ssrc_get(&m, 0xffffffffu));
  assert_int_equal(srv_ssrc_remove(&m, 1), HX_ERR_NOT_FOUND);
  srv_ssrc_free(&m);
  srv_ssrc_free(&m);
}

static void put_rejects_duplicates_and_null(void **state)
{
  (void)state;
  struct srv_ssrc_map m;
  srv_ssrc_init(&m);
  assert_int_equal(srv_ssrc_put(&m, 7, member(0)), HX_OK);
  assert_int_equal(srv_ssrc_put(&m, 7, member(1)), HX_ERR_EXISTS);
  assert_int_equal(srv_ssrc_put(&m, 8, NULL), HX_ERR_INVALID);
  assert_ptr_equal(srv_ssrc_get(&m, 7), member(0));
  assert_int_equal(m.count, 1);
  srv_ssrc_free(&m);
}

static void extreme_ssrcs_map_like_any_other(void **state)
{
  (void)state;
  uint32_t keys[] = {0, 1, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu};
  struct srv_ssrc_map m;
  srv_ssrc_init(&m);
  for (size_t i = 0; i < 6; i++)
    assert_int_equal(srv_ssrc_put(&m, keys[i], member(i)), HX_OK);
  for (size_t i = 0; i < 6; i++)
    assert_ptr_equal(srv_ssrc_get(&m, keys[i]), member(i));
  assert_int_equal(srv_ssrc_remove(&m, 0), HX_OK);
  assert_null(srv_ssrc_get(&m, 0));
  assert_ptr_equal(srv_ssrc_get(&m, 0xffffffffu), member(5));
  srv_ssrc_free(&m);
}

/* Keys that share their low bits collide in the hash's home slots far more
 * than random ones; random removal must keep every survivor reachable. */
static void random_puts_and_removes_match_a_reference(void **state)
{
  (void)state;
  static uint32_t keys[N];
  static int present[N];
  struct srv_ssrc_map m;
  srv_ssrc_init(&m);
  srand(1234);
  for (size_t i = 0; i < N; i++)
    keys[i] = (i % 2) ? (uint32_t)rand() : (uint32_t)(i << 16);
  size_t count = 0;
  for (int round = 0; round < 20000; round++) {
    size_t i = (size_t)rand() % N;
    if (present[i]) {
      assert_int_equal(srv_ssrc_remove(&m, keys[i]), HX_OK);
      present[i] = 0;
      count--;
    } else {
      int rc = srv_ssrc_put(&m, keys[i], member(i));
      if (rc == HX_ERR_EXISTS)
        continue; /* rand() repeated a key */
      assert_int_equal(rc, HX_OK);
      present[i] = 1;
      count++;
    }
    if (round % 97 == 0) {
      for (size_t k = 0; k < N; k++) {
        struct srv_member *got = srv_ssrc_get(&m, keys[k]);
        if (present[k])
          assert_ptr_equal(got, member(k));
      }
    }
  }
  assert_int_equal(m.count, count);
  assert_true(m.cap >= 2 * m.count);
  srv_ssrc_free(&m);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(empty_map_finds_nothing),
      cmocka_unit_test(put_rejects_duplicates_and_null),
      cmocka_unit_test(extreme_ssrcs_map_like_any_other),
      cmocka_unit_test(random_puts_and_removes_match_a_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
