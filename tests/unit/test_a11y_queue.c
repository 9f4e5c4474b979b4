#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "a11y_queue.h"
#include "hx_err.h"
#include "hx_util.h"

enum { JOIN = 1, LEAVE, MUTED, HAND };

static struct a11y_queue_item item(int kind, bool urgent, const char *text)
{
  struct a11y_queue_item it = {.kind = kind, .urgent = urgent, .count = 1};
  it.coalesce = kind == JOIN || kind == LEAVE;
  hx_strlcpy(it.text, text, sizeof it.text);
  return it;
}

static void push(struct a11y_queue *q, int kind, bool urgent, const char *text, uint64_t now,
                 bool expect_interrupt)
{
  struct a11y_queue_item it = item(kind, urgent, text);
  bool interrupt;
  assert_int_equal(a11y_queue_push(q, &it, now, &interrupt), HX_OK);
  assert_int_equal(interrupt, expect_interrupt);
}

static struct a11y_queue *make(void)
{
  struct a11y_queue *q;
  assert_int_equal(a11y_queue_create(8, A11Y_QUEUE_COALESCE_MS, &q), HX_OK);
  return q;
}

static void queue_plays_one_utterance_at_a_time_in_order(void **state)
{
  (void)state;
  struct a11y_queue *q = make();
  struct a11y_queue_item out;
  assert_false(a11y_queue_start_next(q, &out));
  push(q, HAND, false, "Ana raised a hand.", 0, false);
  push(q, JOIN, false, "Ben joined.", 10, false);
  assert_true(a11y_queue_start_next(q, &out));
  assert_string_equal(out.text, "Ana raised a hand.");
  assert_false(a11y_queue_start_next(q, &out)); /* still playing: no overlap */
  a11y_queue_finished(q);
  assert_true(a11y_queue_start_next(q, &out));
  assert_string_equal(out.text, "Ben joined.");
  a11y_queue_finished(q);
  assert_false(a11y_queue_start_next(q, &out));
  a11y_queue_destroy(q);
  a11y_queue_destroy(NULL);
}

static void queue_merges_a_burst_of_joins_still_waiting(void **state)
{
  (void)state;
  struct a11y_queue *q = make();
  struct a11y_queue_item out;
  push(q, JOIN, false, "Ana joined.", 0, false);
  assert_true(a11y_queue_start_next(q, &out)); /* Ana is being said */
  for (int i = 0; i < 5; i++)
    push(q, JOIN, false, "Someone joined.", 100 + 300 * (uint64_t)i, false);
  push(q, LEAVE, false, "Ana left.", 1400, false);
  assert_int_equal(a11y_queue_waiting(q), 2);
  a11y_queue_finished(q);
  assert_true(a11y_queue_start_next(q, &out));
  assert_int_equal(out.kind, JOIN);
  assert_int_equal(out.count, 5);
  a11y_queue_finished(q);
  assert_true(a11y_queue_start_next(q, &out));
  assert_int_equal(out.kind, LEAVE);
  assert_int_equal(out.count, 1);
  a11y_queue_destroy(q);
}

static void queue_does_not_merge_joins_far_apart(void **state)
{
  (void)state;
  struct a11y_queue *q = make();
  struct a11y_queue_item out;
  push(q, HAND, false, "Ana raised a hand.", 0, false);
  assert_true(a11y_queue_start_next(q, &out));
  push(q, JOIN, false, "Ben joined.", 0, false);
  push(q, JOIN, false, "Cy joined.", 5000, false);
  assert_int_equal(a11y_queue_waiting(q), 2);
  a11y_queue_destroy(q);
}

static void own_state_interrupts_and_goes_first(void **state)
{
  (void)state;
  struct a11y_queue *q = make();
  struct a11y_queue_item out;
  push(q, JOIN, false, "Ben joined.", 0, false);
  push(q, HAND, false, "Ana raised a hand.", 0, false);
  assert_true(a11y_queue_start_next(q, &out));
  push(q, MUTED, true, "Muted.", 10, true);
  assert_false(a11y_queue_playing(q));
  push(q, MUTED, true, "Unmuted.", 20, false); /* replaces the queued "Muted." */
  assert_true(a11y_queue_start_next(q, &out));
  assert_string_equal(out.text, "Unmuted.");
  a11y_queue_finished(q);
  assert_true(a11y_queue_start_next(q, &out));
  assert_string_equal(out.text, "Ana raised a hand.");
  a11y_queue_destroy(q);
}

static void silence_drops_current_and_queued(void **state)
{
  (void)state;
  struct a11y_queue *q = make();
  struct a11y_queue_item out;
  push(q, JOIN, false, "Ben joined.", 0, false);
  push(q, HAND, false, "Ana raised a hand.", 0, false);
  assert_true(a11y_queue_start_next(q, &out));
  a11y_queue_silence(q);
  assert_false(a11y_queue_playing(q));
  assert_int_equal(a11y_queue_waiting(q), 0);
  assert_false(a11y_queue_start_next(q, &out));
  a11y_queue_destroy(q);
}

static void repeat_says_the_last_utterance_again(void **state)
{
  (void)state;
  struct a11y_queue *q = make();
  struct a11y_queue_item out;
  bool interrupt;
  assert_int_equal(a11y_queue_repeat(q, 0, &interrupt), HX_ERR_NOT_FOUND);
  push(q, HAND, false, "Ana raised a hand.", 0, false);
  assert_true(a11y_queue_start_next(q, &out));
  a11y_queue_finished(q);
  push(q, JOIN, false, "Ben joined.", 10, false);
  assert_int_equal(a11y_queue_repeat(q, 20, &interrupt), HX_OK);
  assert_false(interrupt);
  assert_true(a11y_queue_start_next(q, &out));
  assert_string_equal(out.text, "Ana raised a hand.");
  a11y_queue_destroy(q);
}

static void full_queue_drops_the_oldest_room_event(void **state)
{
  (void)state;
  struct a11y_queue *q;
  assert_int_equal(a11y_queue_create(2, 0, &q), HX_OK);
  struct a11y_queue_item out;
  push(q, HAND, false, "first", 0, false);
  push(q, HAND, false, "second", 0, false);
  push(q, MUTED, true, "Muted.", 0, false);
  assert_int_equal(a11y_queue_waiting(q), 2);
  assert_true(a11y_queue_start_next(q, &out));
  assert_string_equal(out.text, "Muted.");
  a11y_queue_finished(q);
  assert_true(a11y_queue_start_next(q, &out));
  assert_string_equal(out.text, "second");
  struct a11y_queue *bad;
  assert_int_equal(a11y_queue_create(1, 0, &bad), HX_ERR_INVALID);
  a11y_queue_destroy(q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(queue_plays_one_utterance_at_a_time_in_order),
      cmocka_unit_test(queue_merges_a_burst_of_joins_still_waiting),
      cmocka_unit_test(queue_does_not_merge_joins_far_apart),
      cmocka_unit_test(own_state_interrupts_and_goes_first),
      cmocka_unit_test(silence_drops_current_and_queued),
      cmocka_unit_test(repeat_says_the_last_utterance_again),
      cmocka_unit_test(full_queue_drops_the_oldest_room_event),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
