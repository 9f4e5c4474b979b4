/* Knocking and moderation in a circle end to end through the server core:
 * a knocker hears nothing until admitted, a decline says why and an admit is
 * refused when the knocker's name is now taken; an invite opens a locked room
 * once; mute, move, remove and bans that survive a restart; close counts
 * down; stepping out hears nothing, notes reach only facilitators, and away
 * is told only when the person says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_srv_harness.h"
#include "test_srv_circle_people.h"

static void a_knocker_hears_nothing_until_admitted_and_a_decline_says_why(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, d = {0}, e = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &d, "Dee", 2);
  identify(h, &e, "Eve", 3);
  make_circle(h, &a, "{\"knock\":true}");
  enter(h, &a, "Circle", 5001);
  json_t *r = ask(h, &d, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}");
  assert_string_equal(h_str(r, "type"), "knocking");
  json_t *knock = last_event(h, &a, "knock");
  assert_string_equal(h_str(knock, "name"), "Dee");
  assert_null(d.s->member);
  assert_int_equal(speak(h, &a), 0); /* no one else is a member */
  char line[128];
  snprintf(line, sizeof line, "{\"type\":\"admit\",\"id\":5,\"session\":%llu}",
           (unsigned long long)d.s->id);
  assert_string_equal(h_str(ask(h, &a, line), "type"), "admitted");
  json_t *joined = h_nth(h, d.s->id, 0);
  assert_string_equal(h_str(joined, "type"), "joined");
  assert_null(json_object_get(joined, "id"));
  assert_non_null(d.s->member);
  ask(h, &e, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}");
  snprintf(line, sizeof line,
           "{\"type\":\"decline\",\"id\":6,\"session\":%llu,\"reason\":\"Full tonight.\"}",
           (unsigned long long)e.s->id);
  assert_string_equal(h_str(ask(h, &a, line), "type"), "declined");
  json_t *declined = last_event(h, &e, "declined");
  assert_string_equal(h_str(declined, "reason"), "Full tonight.");
  assert_null(e.s->member);
  assert_null(e.s->knocking);
  drop(&a);
  h_free(h);
}

static void an_invite_opens_a_locked_room_once(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0}, c = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  identify(h, &c, "Cy", 3);
  make_circle(h, &a, "{\"locked\":true,\"knock\":true}");
  enter(h, &a, "Circle", 5001);
  h_assert_error(ask(h, &b, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}"), "room_locked", 4);
  json_t *inv = ask(h, &a, "{\"type\":\"invite\",\"id\":5,\"uses\":1}");
  char token[64];
  snprintf(token, sizeof token, "%s", h_str(inv, "token"));
  char line[256];
  snprintf(line, sizeof line, "{\"type\":\"join\",\"id\":6,\"room\":\"Circle\",\"invite\":\"%s\"}",
           token);
  assert_string_equal(h_str(ask(h, &b, line), "type"), "joined");
  h_assert_error(ask(h, &c, line), "bad_invite", 6);
  assert_null(c.s->member);
  drop(&a);
  h_free(h);
}

static void moderation_mutes_moves_and_removes_with_a_reason(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  make_circle(h, &a, "{}");
  enter(h, &a, "Circle", 5001);
  enter(h, &b, "Circle", 5002);
  speak(h, &a);
  assert_int_equal(speak(h, &b), 1);
  char line[256];
  snprintf(line, sizeof line, "{\"type\":\"moderate\",\"id\":7,\"action\":\"mute\",\"session\":%llu}",
           (unsigned long long)b.s->id);
  assert_string_equal(h_str(ask(h, &a, line), "type"), "moderated");
  assert_int_equal(speak(h, &b), 0);
  /* The person cannot undo a facilitator's mute themselves. */
  ask(h, &b, "{\"type\":\"mute\",\"id\":8,\"muted\":false}");
  assert_int_equal(speak(h, &b), 0);
  snprintf(line, sizeof line, "{\"type\":\"moderate\",\"id\":7,\"action\":\"unmute\",\"session\":%llu}",
           (unsigned long long)b.s->id);
  ask(h, &a, line);
  assert_int_equal(speak(h, &b), 1);
  snprintf(line, sizeof line, "{\"type\":\"moderate\",\"id\":7,\"action\":\"listen\",\"session\":%llu}",
           (unsigned long long)b.s->id);
  ask(h, &a, line);
  assert_int_equal(speak(h, &b), 0);
  assert_int_equal(speak(h, &a), 1); /* still hears */
  snprintf(line, sizeof line,
           "{\"type\":\"moderate\",\"id\":7,\"action\":\"remove\",\"session\":%llu,\"reason\":\"Time out.\"}",
           (unsigned long long)b.s->id);
  ask(h, &a, line);
  assert_string_equal(h_str(last_event(h, &b, "removed"), "reason"), "Time out.");
  assert_true(json_is_true(json_object_get(last_event(h, &a, "left"), "removed")));
  assert_null(b.s->member);
  /* Locked, the removed person cannot come back. */
  ask(h, &a, "{\"type\":\"room_set\",\"id\":9,\"settings\":{\"locked\":true}}");
  h_assert_error(ask(h, &b, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}"), "room_locked", 4);
  drop(&a);
  drop(&b);
  h_free(h);
}

static void a_ban_survives_a_restart_and_unban_lifts_it(void **state)
{
  (void)state;
  char dir[] = "/tmp/hearth-circle-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/hearth.db", dir);
  struct harness *h = new_server(path);
  struct person a = {0}, b = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  make_circle(h, &a, "{}");
  enter(h, &a, "Circle", 5001);
  enter(h, &b, "Circle", 5002);
  char line[256];
  snprintf(line, sizeof line,
           "{\"type\":\"moderate\",\"id\":7,\"action\":\"ban\",\"session\":%llu,\"duration\":3600}",
           (unsigned long long)b.s->id);
  ask(h, &a, line);
  assert_non_null(last_event(h, &b, "banned"));
  drop(&a);
  drop(&b);
  h_free(h);
  h = new_server(path);
  struct person b2 = {0}, a2 = {0};
  identify(h, &b2, "Benny", 2);
  h_assert_error(ask(h, &b2, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}"), "banned", 4);
  identify(h, &a2, "Ada", 1);
  enter(h, &a2, "Circle", 5001);
  json_t *bans = json_object_get(ask(h, &a2, "{\"type\":\"bans\",\"id\":5}"), "bans");
  assert_int_equal(json_array_size(bans), 1);
  snprintf(line, sizeof line, "{\"type\":\"unban\",\"id\":6,\"ban\":%lld}",
           (long long)h_int(json_array_get(bans, 0), "ban"));
  assert_string_equal(h_str(ask(h, &a2, line), "type"), "unbanned");
  assert_string_equal(h_str(ask(h, &b2, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}"), "type"),
                      "joined");
  drop(&a2);
  h_free(h);
  unlink(path);
  char side[160];
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  rmdir(dir);
}

static void close_counts_down_then_ends_the_room_for_all(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  make_circle(h, &a, "{}");
  srv_tick(h->srv, 1000);
  enter(h, &a, "Circle", 5001);
  enter(h, &b, "Circle", 5002);
  ask(h, &a, "{\"type\":\"close\",\"id\":3,\"seconds\":40,\"message\":\"Thank you.\"}");
  assert_int_equal(h_int(last_event(h, &b, "closing"), "seconds_left"), 40);
  h_clear(h);
  srv_tick(h->srv, 1000 + 10000);
  assert_int_equal(h_int(last_event(h, &b, "closing"), "seconds_left"), 30);
  h_assert_error(ask(h, &b, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}"), "closing", 4);
  h_clear(h);
  srv_tick(h->srv, 1000 + 30000);
  assert_int_equal(h_int(last_event(h, &b, "closing"), "seconds_left"), 10);
  srv_tick(h->srv, 1000 + 40000);
  assert_string_equal(h_str(last_event(h, &b, "closed"), "message"), "Thank you.");
  assert_null(a.s->member);
  assert_null(b.s->member);
  drop(&a);
  drop(&b);
  h_free(h);
}

static void stepping_out_hears_nothing_and_notes_reach_only_facilitators(void **state)
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
  speak(h, &b);
  speak(h, &c);
  assert_int_equal(speak(h, &a), 2);
  ask(h, &b, "{\"type\":\"step_out\",\"id\":1,\"out\":true}");
  assert_int_equal(speak(h, &a), 1);
  assert_int_equal(speak(h, &b), 0);
  ask(h, &c, "{\"type\":\"note\",\"id\":2,\"text\":\"I may cry.\"}");
  assert_string_equal(h_str(last_event(h, &a, "note"), "text"), "I may cry.");
  assert_null(last_event(h, &b, "note"));
  assert_null(last_event(h, &c, "note"));
  ask(h, &c, "{\"type\":\"leave\",\"id\":3,\"quiet\":true}");
  assert_true(json_is_true(json_object_get(last_event(h, &a, "left"), "quiet")));
  drop(&a);
  drop(&b);
  drop(&c);
  h_free(h);
}

static void away_is_told_only_when_the_person_says_so(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  make_circle(h, &a, "{}");
  enter(h, &a, "Circle", 5001);
  h_clear(h);
  json_t *joined = h_join(h, b.s, "Circle");
  json_t *roster = json_object_get(joined, "roster");
  for (size_t i = 0; i < json_array_size(roster); i++) {
    assert_true(json_is_false(json_object_get(json_array_get(roster, i), "away")));
    assert_true(json_is_false(json_object_get(json_array_get(roster, i), "typing")));
  }
  json_decref(joined);
  assert_null(last_event(h, &a, "status"));
  ask(h, &b, "{\"type\":\"status\",\"id\":1,\"away\":true}");
  json_t *ev = last_event(h, &a, "status");
  assert_true(json_is_true(json_object_get(ev, "away")));
  assert_true(json_is_false(json_object_get(ev, "typing")));
  /* Saying it again changes nothing and tells no one. */
  h_clear(h);
  ask(h, &b, "{\"type\":\"status\",\"id\":2,\"away\":true}");
  assert_null(last_event(h, &a, "status"));
  ask(h, &b, "{\"type\":\"status\",\"id\":3,\"away\":false}");
  assert_true(json_is_false(json_object_get(last_event(h, &a, "status"), "away")));
  drop(&a);
  h_free(h);
}

/* Someone of the same name came in while Dee knocked: the admit is
 * refused, so no two people in the room share a name. */
static void an_admit_is_refused_when_the_knockers_name_is_now_taken(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, d = {0}, d2 = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &d, "Dee", 2);
  identify(h, &d2, "DEE", 3);
  make_circle(h, &a, "{\"knock\":true}");
  enter(h, &a, "Circle", 5001);
  ask(h, &d, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}");
  json_t *inv = ask(h, &a, "{\"type\":\"invite\",\"id\":5}");
  char line[256];
  snprintf(line, sizeof line, "{\"type\":\"join\",\"id\":6,\"room\":\"Circle\",\"invite\":\"%s\"}",
           h_str(inv, "token"));
  assert_string_equal(h_str(ask(h, &d2, line), "type"), "joined");
  snprintf(line, sizeof line, "{\"type\":\"admit\",\"id\":7,\"session\":%llu}",
           (unsigned long long)d.s->id);
  h_assert_error(ask(h, &a, line), "name_taken", 7);
  assert_null(d.s->member);
  assert_ptr_equal(d.s->knocking, a.s->member->room);
  drop(&a);
  h_free(h);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_knocker_hears_nothing_until_admitted_and_a_decline_says_why),
      cmocka_unit_test(an_invite_opens_a_locked_room_once),
      cmocka_unit_test(moderation_mutes_moves_and_removes_with_a_reason),
      cmocka_unit_test(a_ban_survives_a_restart_and_unban_lifts_it),
      cmocka_unit_test(close_counts_down_then_ends_the_room_for_all),
      cmocka_unit_test(stepping_out_hears_nothing_and_notes_reach_only_facilitators),
      cmocka_unit_test(away_is_told_only_when_the_person_says_so),
      cmocka_unit_test(an_admit_is_refused_when_the_knockers_name_is_now_taken),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
