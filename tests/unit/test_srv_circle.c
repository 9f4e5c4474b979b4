/* Circles end to end through the server core, all but the floor
 * (test_srv_circle_floor.c) and knocking and moderation
 * (test_srv_circle_moderation.c): identity proofs and guests, the host known
 * again by key, every facilitator request refused to a member, a circle that
 * outlives its host's dropped connection, and the operator's rooms: who may
 * make them, who may enter, and changes that reach a running server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "srv_db.h"
#include "test_srv_harness.h"
#include "test_srv_circle_people.h"

static void guest_gets_welcome_without_identity_and_cannot_create_rooms(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person g = {0};
  guest(h, &g, "Gus");
  h_assert_error(ask(h, &g, "{\"type\":\"create_room\",\"id\":4,\"room\":\"Mine\"}"),
                 "not_identified", 4);
  h_free(h);
}

static void a_wrong_signature_is_refused_and_hello_may_be_retried(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct srv_session *s = h_open(h);
  char line[256];
  unsigned char pk[32], sk[64];
  crypto_sign_keypair(pk, sk);
  char key[64];
  proto_b64_encode(pk, 32, key, sizeof key);
  snprintf(line, sizeof line,
           "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"Eve\",\"key\":\"%s\"}", key);
  assert_int_equal(h_line(s, line), HX_OK);
  h_clear(h);
  char sig[128];
  uint8_t zero[64] = {0};
  proto_b64_encode(zero, 64, sig, sizeof sig);
  snprintf(line, sizeof line, "{\"type\":\"prove\",\"id\":2,\"sig\":\"%s\"}", sig);
  assert_int_equal(h_line(s, line), HX_OK);
  h_assert_error(h_nth(h, s->id, 0), "bad_proof", 2);
  assert_false(s->authenticated);
  h_clear(h);
  assert_int_equal(h_line(s, "{\"type\":\"rooms\",\"id\":3}"), HX_OK);
  h_assert_error(h_nth(h, s->id, 0), "not_authenticated", 3);
  h_clear(h);
  assert_int_equal(h_line(s, "{\"type\":\"hello\",\"id\":4,\"version\":1,\"name\":\"Eve\"}"), HX_OK);
  assert_string_equal(h_str(h_nth(h, s->id, 0), "type"), "welcome");
  h_free(h);
}

static void the_creator_is_host_and_is_known_again_by_key(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, again = {0};
  identify(h, &a, "Ada", 1);
  make_circle(h, &a, "{}");
  json_t *joined = h_join(h, a.s, "Circle");
  assert_string_equal(h_str(joined, "role"), "host");
  json_decref(joined);
  srv_session_close(a.s);
  identify(h, &again, "Ada", 1);
  h_clear(h);
  joined = h_join(h, again.s, "Circle");
  assert_string_equal(h_str(joined, "role"), "host");
  json_decref(joined);
  h_free(h);
}

static void every_facilitator_request_is_refused_to_a_member(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, m = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &m, "Max", 2);
  make_circle(h, &a, "{\"floor\":\"hands\"}");
  enter(h, &a, "Circle", 5001);
  enter(h, &m, "Circle", 5002);
  char lines[16][160];
  const char *fmt[] = {
      "{\"type\":\"room_set\",\"id\":9,\"settings\":{\"locked\":true}",
      "{\"type\":\"role\",\"id\":9,\"role\":\"facilitator\"",
      "{\"type\":\"invite\",\"id\":9",
      "{\"type\":\"moderate\",\"id\":9,\"action\":\"mute\"",
      "{\"type\":\"moderate\",\"id\":9,\"action\":\"unmute\"",
      "{\"type\":\"moderate\",\"id\":9,\"action\":\"listen\"",
      "{\"type\":\"moderate\",\"id\":9,\"action\":\"unlisten\"",
      "{\"type\":\"moderate\",\"id\":9,\"action\":\"remove\"",
      "{\"type\":\"moderate\",\"id\":9,\"action\":\"ban\"",
      "{\"type\":\"bans\",\"id\":9",
      "{\"type\":\"unban\",\"id\":9,\"ban\":1",
      "{\"type\":\"floor\",\"id\":9,\"action\":\"give\"",
      "{\"type\":\"close\",\"id\":9,\"seconds\":5",
      "{\"type\":\"admit\",\"id\":9",
      "{\"type\":\"decline\",\"id\":9",
      "{\"type\":\"defer\",\"id\":9,\"on\":true",
  };
  for (size_t i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
    /* Every request names Ada; those that take no target ignore it. */
    snprintf(lines[i], sizeof lines[i], "%s,\"session\":%llu}", fmt[i],
             (unsigned long long)a.s->id);
    json_t *r = ask(h, &m, lines[i]);
    h_assert_error(r, "not_allowed", 9);
    /* Nothing reached anyone else: the refusal changed nothing. */
    assert_int_equal(h_count(h, a.s->id), 0);
  }
  assert_false(a.s->member->forced_mute);
  assert_false(a.s->member->room->settings.locked);
  drop(&a);
  drop(&m);
  h_free(h);
}

/* A host's connection drops mid-circle: the room and the floor go on, the
 * other facilitator keeps their powers, and the host role waits for the
 * same key to come back. */
static void a_circle_outlives_its_hosts_dropped_connection(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, f = {0}, b = {0}, c = {0}, again = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &f, "Fay", 2);
  identify(h, &b, "Ben", 3);
  identify(h, &c, "Cy", 4);
  make_circle(h, &a, "{\"floor\":\"hands\"}");
  enter(h, &a, "Circle", 5001);
  enter(h, &f, "Circle", 5002);
  enter(h, &b, "Circle", 5003);
  enter(h, &c, "Circle", 5004);
  /* One packet each, so the server knows where everyone listens. */
  speak(h, &a);
  speak(h, &f);
  speak(h, &b);
  speak(h, &c);
  char line[160];
  snprintf(line, sizeof line, "{\"type\":\"role\",\"id\":1,\"session\":%llu,\"role\":\"facilitator\"}",
           (unsigned long long)f.s->id);
  assert_string_equal(h_str(ask(h, &a, line), "type"), "role");
  snprintf(line, sizeof line, "{\"type\":\"floor\",\"id\":2,\"action\":\"give\",\"session\":%llu}",
           (unsigned long long)b.s->id);
  ask(h, &a, line);
  assert_true(speak(h, &b) > 0);

  drop(&a);
  srv_session_close(a.s);
  /* Ben keeps the floor and is still heard by everyone left. */
  assert_int_equal(speak(h, &b), 2);
  assert_int_equal(speak(h, &c), 0);
  /* Fay still facilitates: she can hand the floor on. */
  snprintf(line, sizeof line, "{\"type\":\"floor\",\"id\":3,\"action\":\"give\",\"session\":%llu}",
           (unsigned long long)c.s->id);
  assert_string_equal(h_str(ask(h, &f, line), "type"), "floor");
  assert_true(speak(h, &c) > 0);
  assert_int_equal(speak(h, &b), 0);

  /* Ada's key comes back: so does the host role. */
  identify(h, &again, "Ada", 1);
  h_clear(h);
  json_t *joined = h_join(h, again.s, "Circle");
  assert_string_equal(h_str(joined, "role"), "host");
  json_decref(joined);
  drop(&f);
  drop(&b);
  drop(&c);
  h_free(h);
}

/* The operator runs hearthd room set and room delete on the same file
 * while the server runs: the people in the room are told of the change
 * within a second, and a deleted room takes no one new and goes once the
 * last person has left. */
static void operator_changes_reach_the_room_without_a_restart(void **state)
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
  struct srv_db *op = NULL;
  assert_int_equal(srv_db_open(path, &op), HX_OK);
  struct srv_db_room r;
  assert_int_equal(srv_db_room_get(op, "Circle", &r), HX_OK);
  r.settings.locked = true;
  r.settings.floor = SRV_FLOOR_ROUND;
  snprintf(r.settings.topic, sizeof r.settings.topic, "Grief");
  assert_int_equal(srv_db_room_put(op, "Circle", &r.settings), HX_OK);

  h_clear(h);
  srv_tick(h->srv, 1000);
  json_t *ev = last_event(h, &a, "settings");
  assert_non_null(ev);
  assert_true(json_is_true(json_object_get(ev, "operator")));
  assert_null(json_object_get(ev, "by"));
  json_t *st = json_object_get(ev, "settings");
  assert_true(json_is_true(json_object_get(st, "locked")));
  assert_string_equal(h_str(st, "topic"), "Grief");
  /* The new floor mode starts at once: Ada, alone, holds the round. */
  assert_int_equal(h_int(last_event(h, &a, "floor"), "holder"), (json_int_t)a.s->id);
  h_assert_error(ask(h, &b, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}"), "room_locked", 4);
  /* Another reload with nothing new tells no one anything. */
  h_clear(h);
  srv_tick(h->srv, 2000);
  assert_null(last_event(h, &a, "settings"));

  assert_int_equal(srv_db_room_delete(op, "Circle"), HX_OK);
  h_clear(h);
  srv_tick(h->srv, 3000);
  assert_non_null(a.s->member); /* not thrown out mid-sentence */
  json_t *rooms = json_object_get(ask(h, &b, "{\"type\":\"rooms\",\"id\":5}"), "rooms");
  assert_int_equal(json_array_size(rooms), 1);
  assert_string_equal(h_str(json_array_get(rooms, 0), "name"), "Lobby");
  h_assert_error(ask(h, &b, "{\"type\":\"join\",\"id\":6,\"room\":\"Circle\"}"), "no_such_room", 6);
  ask(h, &a, "{\"type\":\"leave\",\"id\":7}");
  srv_tick(h->srv, 3010);
  assert_null(srv_room_find(h->srv, "Circle"));
  srv_db_close(op);
  drop(&a);
  h_free(h);
  remove_db(dir, path);
}

static void a_room_without_guests_refuses_them_and_lets_identities_in(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person a = {0}, b = {0}, g = {0};
  identify(h, &a, "Ada", 1);
  identify(h, &b, "Ben", 2);
  guest(h, &g, "Gus");
  make_circle(h, &a, "{\"guests\":false}");
  h_assert_error(ask(h, &g, "{\"type\":\"join\",\"id\":4,\"room\":\"Circle\"}"),
                 "guests_not_allowed", 4);
  assert_null(g.s->member);
  assert_string_equal(h_str(ask(h, &b, "{\"type\":\"join\",\"id\":5,\"room\":\"Circle\"}"), "type"),
                      "joined");
  h_free(h);
}

static void only_the_operator_makes_rooms_when_the_server_says_so(void **state)
{
  (void)state;
  struct srv_options opt = {.media_port = 7710, .fingerprint = FP, .room_create_operator = true};
  struct harness *h = h_new(&opt);
  struct person a = {0};
  identify(h, &a, "Ada", 1);
  h_assert_error(ask(h, &a, "{\"type\":\"create_room\",\"id\":4,\"room\":\"Mine\"}"),
                 "not_allowed", 4);
  assert_null(srv_room_find(h->srv, "Mine"));
  h_free(h);
}

static void guests_still_join_the_lobby(void **state)
{
  (void)state;
  struct harness *h = new_server(NULL);
  struct person g = {0};
  guest(h, &g, "Gus");
  json_t *joined = h_join(h, g.s, "Lobby");
  assert_string_equal(h_str(joined, "role"), "member");
  json_decref(joined);
  h_free(h);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(guest_gets_welcome_without_identity_and_cannot_create_rooms),
      cmocka_unit_test(a_wrong_signature_is_refused_and_hello_may_be_retried),
      cmocka_unit_test(the_creator_is_host_and_is_known_again_by_key),
      cmocka_unit_test(every_facilitator_request_is_refused_to_a_member),
      cmocka_unit_test(a_circle_outlives_its_hosts_dropped_connection),
      cmocka_unit_test(guests_still_join_the_lobby),
      cmocka_unit_test(operator_changes_reach_the_room_without_a_restart),
      cmocka_unit_test(a_room_without_guests_refuses_them_and_lets_identities_in),
      cmocka_unit_test(only_the_operator_makes_rooms_when_the_server_says_so),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
