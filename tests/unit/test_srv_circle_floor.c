/* The floor of a circle end to end through the server core, enforced in
 * the media router: in round mode only the holder is heard, pass moves on and
 * the round passes by whoever stepped out or listens; in hands mode hands
 * queue in raise order and a lowered hand leaves; turn limits cue, pass or
 * remind; a facilitator is heard without the floor until they defer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_srv_harness.h"
#include "test_srv_circle_people.h"

static void in_round_mode_only_the_floor_holder_is_heard_and_pass_moves_on(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person p[4] = {{0}};
  const char *names[] = {"Ada", "Ben", "Cy", "Dee"};
  identify(h, &p[0], names[0], 1);
  make_circle(h, &p[0], "{\"floor\":\"round\"}");
  assert_string_equal(h_str(ask(h, &p[0], "{\"type\":\"defer\",\"id\":1,\"on\":true}"), "type"),
                      "error"); /* not in the room yet */
  for (int i = 0; i < 4; i++) {
    if (i)
      identify(h, &p[i], names[i], (uint8_t)(i + 1));
    enter(h, &p[i], "Circle", (uint16_t)(5001 + i));
  }
  ask(h, &p[0], "{\"type\":\"defer\",\"id\":1,\"on\":true}");
  for (int i = 0; i < 4; i++)
    speak(h, &p[i]); /* teaches every address */
  /* Ada (first in) holds the floor: the three others hear her, no one
   * hears anyone else. */
  assert_int_equal(speak(h, &p[0]), 3);
  for (int i = 1; i < 4; i++)
    assert_int_equal(speak(h, &p[i]), 0);
  h_assert_error(ask(h, &p[2], "{\"type\":\"pass\",\"id\":7}"), "not_your_turn", 7);
  assert_string_equal(h_str(ask(h, &p[0], "{\"type\":\"pass\",\"id\":8}"), "type"), "passed");
  json_t *floor = last_event(h, &p[3], "floor");
  assert_int_equal(h_int(floor, "holder"), (json_int_t)p[1].s->id);
  assert_int_equal(speak(h, &p[1]), 3);
  assert_int_equal(speak(h, &p[0]), 0);
  /* A late joiner is added at the end of the round: after Dee, before
   * Ada's next turn. */
  struct person e = {0};
  identify(h, &e, "Eve", 9);
  h_clear(h);
  json_t *joined = h_join(h, e.s, "Circle");
  json_t *queue = json_object_get(json_object_get(joined, "floor"), "queue");
  assert_int_equal(json_array_size(queue), 4);
  assert_int_equal(json_integer_value(json_array_get(queue, 2)), (json_int_t)e.s->id);
  assert_int_equal(json_integer_value(json_array_get(queue, 3)), (json_int_t)p[0].s->id);
  json_decref(joined);
  for (int i = 0; i < 4; i++)
    drop(&p[i]);
  h_free(h);
}

static void hands_queue_keeps_raise_order_and_next_gives_the_first(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0}, c = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  identify(h, &c, "Cy", 3);
  make_circle(h, &a, "{\"floor\":\"hands\"}");
  enter(h, &a, "Circle", 5001);
  enter(h, &b, "Circle", 5002);
  enter(h, &c, "Circle", 5003);
  ask(h, &c, "{\"type\":\"hand\",\"id\":1,\"raised\":true}");
  ask(h, &b, "{\"type\":\"hand\",\"id\":1,\"raised\":true}");
  json_t *floor = last_event(h, &a, "floor");
  json_t *queue = json_object_get(floor, "queue");
  assert_int_equal(json_array_size(queue), 2);
  assert_int_equal(json_integer_value(json_array_get(queue, 0)), (json_int_t)c.s->id);
  assert_int_equal(json_integer_value(json_array_get(queue, 1)), (json_int_t)b.s->id);
  speak(h, &b);
  speak(h, &c);
  assert_int_equal(speak(h, &c), 0);
  ask(h, &a, "{\"type\":\"floor\",\"id\":2,\"action\":\"next\"}");
  floor = last_event(h, &b, "floor");
  assert_int_equal(h_int(floor, "holder"), (json_int_t)c.s->id);
  assert_true(speak(h, &c) > 0);
  assert_int_equal(speak(h, &b), 0);
  ask(h, &a, "{\"type\":\"floor\",\"id\":3,\"action\":\"take\"}");
  assert_int_equal(speak(h, &c), 0);
  drop(&a);
  drop(&b);
  drop(&c);
  h_free(h);
}

static void turn_limit_cues_before_the_end_then_passes(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  make_circle(h, &a,
              "{\"floor\":\"round\",\"turn_limit\":60,\"turn_cue\":30,\"turn_end\":\"pass\"}");
  srv_tick(h->srv, 1000);
  enter(h, &b, "Circle", 5002);
  enter(h, &a, "Circle", 5001);
  h_clear(h);
  srv_tick(h->srv, 1000 + 29000);
  assert_null(last_event(h, &a, "turn_cue"));
  srv_tick(h->srv, 1000 + 30000);
  json_t *cue = last_event(h, &a, "turn_cue");
  assert_non_null(cue);
  assert_int_equal(h_int(cue, "seconds_left"), 30);
  assert_int_equal(h_int(cue, "session"), (json_int_t)b.s->id);
  srv_tick(h->srv, 1000 + 60000);
  json_t *end = last_event(h, &a, "turn_end");
  assert_string_equal(h_str(end, "action"), "pass");
  assert_int_equal(h_int(last_event(h, &a, "floor"), "holder"), (json_int_t)a.s->id);
  drop(&a);
  drop(&b);
  h_free(h);
}

static void turn_end_remind_keeps_the_floor_and_says_so_once(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  /* The defaults: 12 people, a cue 30 s before the end, a reminder. */
  json_t *made = ask(h, &a, "{\"type\":\"create_room\",\"id\":5,\"room\":\"Circle\"}");
  json_t *st = json_object_get(made, "settings");
  assert_int_equal(h_int(st, "limit"), 12);
  assert_int_equal(h_int(st, "turn_cue"), 30);
  assert_string_equal(h_str(st, "turn_end"), "remind");
  assert_string_equal(h_str(st, "floor"), "open");
  srv_tick(h->srv, 1000);
  enter(h, &a, "Circle", 5001);
  enter(h, &b, "Circle", 5002);
  speak(h, &a);
  speak(h, &b);
  ask(h, &a, "{\"type\":\"room_set\",\"id\":6,\"settings\":{\"floor\":\"hands\",\"turn_limit\":40}}");
  ask(h, &a, "{\"type\":\"defer\",\"id\":7,\"on\":true}");
  char line[160];
  snprintf(line, sizeof line, "{\"type\":\"floor\",\"id\":8,\"action\":\"give\",\"session\":%llu}",
           (unsigned long long)b.s->id);
  ask(h, &a, line);
  h_clear(h);
  srv_tick(h->srv, 1000 + 9999);
  assert_null(last_event(h, &a, "turn_cue"));
  srv_tick(h->srv, 1000 + 10000);
  assert_int_equal(h_int(last_event(h, &a, "turn_cue"), "seconds_left"), 30);
  srv_tick(h->srv, 1000 + 40000);
  json_t *end = last_event(h, &b, "turn_end");
  assert_non_null(end);
  assert_string_equal(h_str(end, "action"), "remind");
  /* A reminder only: Ben keeps the floor and is still heard. */
  assert_null(last_event(h, &a, "floor"));
  assert_ptr_equal(a.s->member->room->holder, b.s->member);
  assert_int_equal(speak(h, &b), 1);
  h_clear(h);
  srv_tick(h->srv, 1000 + 90000);
  assert_null(last_event(h, &b, "turn_end"));
  drop(&a);
  drop(&b);
  h_free(h);
}

static void a_facilitator_speaks_without_the_floor_until_they_defer(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0}, c = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  identify(h, &c, "Cy", 3);
  make_circle(h, &a, "{\"floor\":\"hands\"}");
  enter(h, &a, "Circle", 5001);
  enter(h, &b, "Circle", 5002);
  enter(h, &c, "Circle", 5003);
  speak(h, &a);
  speak(h, &b);
  speak(h, &c);
  /* Nobody holds the floor: the host is heard, a member is not. */
  assert_int_equal(speak(h, &a), 2);
  assert_int_equal(speak(h, &b), 0);
  char line[160];
  snprintf(line, sizeof line, "{\"type\":\"role\",\"id\":1,\"session\":%llu,\"role\":\"facilitator\"}",
           (unsigned long long)c.s->id);
  ask(h, &a, line);
  assert_int_equal(speak(h, &c), 2);
  /* Choosing not to: Ada follows the floor like everyone. */
  json_t *deferred = ask(h, &a, "{\"type\":\"defer\",\"id\":2,\"on\":true}");
  assert_true(json_is_true(json_object_get(deferred, "on")));
  assert_int_equal(speak(h, &a), 0);
  snprintf(line, sizeof line, "{\"type\":\"floor\",\"id\":3,\"action\":\"give\",\"session\":%llu}",
           (unsigned long long)a.s->id);
  ask(h, &a, line);
  assert_int_equal(speak(h, &a), 2);
  ask(h, &a, "{\"type\":\"floor\",\"id\":4,\"action\":\"take\"}");
  assert_int_equal(speak(h, &a), 0);
  ask(h, &a, "{\"type\":\"defer\",\"id\":5,\"on\":false}");
  assert_int_equal(speak(h, &a), 2);
  drop(&a);
  drop(&b);
  drop(&c);
  h_free(h);
}

static void a_lowered_hand_leaves_the_queue_and_hands_need_hands_mode(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0}, c = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  identify(h, &c, "Cy", 3);
  make_circle(h, &a, "{}");
  enter(h, &a, "Circle", 5001);
  enter(h, &b, "Circle", 5002);
  enter(h, &c, "Circle", 5003);
  h_assert_error(ask(h, &b, "{\"type\":\"hand\",\"id\":1,\"raised\":true}"), "not_allowed", 1);
  ask(h, &a, "{\"type\":\"room_set\",\"id\":2,\"settings\":{\"floor\":\"hands\"}}");
  ask(h, &b, "{\"type\":\"hand\",\"id\":3,\"raised\":true}");
  ask(h, &c, "{\"type\":\"hand\",\"id\":4,\"raised\":true}");
  json_t *r = ask(h, &b, "{\"type\":\"hand\",\"id\":5,\"raised\":false}");
  assert_string_equal(h_str(r, "type"), "hand");
  json_t *queue = json_object_get(last_event(h, &a, "floor"), "queue");
  assert_int_equal(json_array_size(queue), 1);
  assert_int_equal(json_integer_value(json_array_get(queue, 0)), (json_int_t)c.s->id);
  /* Ben raises it again: now after Cy. */
  ask(h, &b, "{\"type\":\"hand\",\"id\":6,\"raised\":true}");
  queue = json_object_get(last_event(h, &a, "floor"), "queue");
  assert_int_equal(json_array_size(queue), 2);
  assert_int_equal(json_integer_value(json_array_get(queue, 1)), (json_int_t)b.s->id);
  drop(&a);
  drop(&b);
  drop(&c);
  h_free(h);
}

/* Stepping out (or being moved to listening) takes a person out of the
 * round: the floor passes them by, and comes to them again once back. */
static void the_round_passes_by_whoever_stepped_out_or_listens(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person p[4] = {{0}};
  const char *names[] = {"Ada", "Ben", "Cy", "Dee"};
  for (int i = 0; i < 4; i++)
    identify(h, &p[i], names[i], (uint8_t)(i + 1));
  make_circle(h, &p[0], "{\"floor\":\"round\"}");
  for (int i = 0; i < 4; i++)
    enter(h, &p[i], "Circle", (uint16_t)(5001 + i));
  /* Ada holds the floor; Ben steps out, Ada moves Cy to listening. */
  ask(h, &p[1], "{\"type\":\"step_out\",\"id\":1,\"out\":true}");
  char line[160];
  snprintf(line, sizeof line, "{\"type\":\"moderate\",\"id\":2,\"action\":\"listen\",\"session\":%llu}",
           (unsigned long long)p[2].s->id);
  ask(h, &p[0], line);
  json_t *queue = json_object_get(last_event(h, &p[3], "floor"), "queue");
  assert_int_equal(json_array_size(queue), 1);
  assert_int_equal(json_integer_value(json_array_get(queue, 0)), (json_int_t)p[3].s->id);
  ask(h, &p[0], "{\"type\":\"pass\",\"id\":3}");
  assert_int_equal(h_int(last_event(h, &p[0], "floor"), "holder"), (json_int_t)p[3].s->id);
  ask(h, &p[3], "{\"type\":\"pass\",\"id\":4}");
  assert_int_equal(h_int(last_event(h, &p[0], "floor"), "holder"), (json_int_t)p[0].s->id);
  /* Ben is back: his turn comes after Ada's. */
  ask(h, &p[1], "{\"type\":\"step_out\",\"id\":5,\"out\":false}");
  ask(h, &p[0], "{\"type\":\"pass\",\"id\":6}");
  assert_int_equal(h_int(last_event(h, &p[0], "floor"), "holder"), (json_int_t)p[1].s->id);
  for (int i = 0; i < 4; i++)
    drop(&p[i]);
  h_free(h);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(in_round_mode_only_the_floor_holder_is_heard_and_pass_moves_on),
      cmocka_unit_test(hands_queue_keeps_raise_order_and_next_gives_the_first),
      cmocka_unit_test(turn_limit_cues_before_the_end_then_passes),
      cmocka_unit_test(turn_end_remind_keeps_the_floor_and_says_so_once),
      cmocka_unit_test(a_facilitator_speaks_without_the_floor_until_they_defer),
      cmocka_unit_test(a_lowered_hand_leaves_the_queue_and_hands_need_hands_mode),
      cmocka_unit_test(the_round_passes_by_whoever_stepped_out_or_listens),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
