/* Rooms: join, roster, keys, leave, disconnect, mute and speaking events,
 * driven through srv_session_feed with captured output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_srv_harness.h"

static int setup(void **state)
{
  *state = h_new(NULL);
  return 0;
}

static int teardown(void **state)
{
  h_free(*state);
  return 0;
}

static void assert_event(const json_t *ev, const char *what, const struct srv_session *about)
{
  assert_non_null(ev);
  assert_string_equal(h_str(ev, "type"), "event");
  assert_string_equal(h_str(ev, "event"), what);
  assert_null(json_object_get(ev, "id"));
  assert_int_equal(h_int(ev, "session"), (json_int_t)about->id);
  assert_string_equal(h_str(ev, "name"), about->name);
  assert_string_equal(h_str(ev, "room"), "Lobby");
}

static void join_replies_with_roster_ssrc_and_keys(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_hello(h, "Ada");
  json_t *joined = h_join(h, s, "Lobby");
  assert_int_equal(h_int(joined, "id"), 3);
  assert_string_equal(h_str(joined, "room"), "Lobby");
  assert_int_equal(h_int(joined, "session"), (json_int_t)s->id);
  assert_int_equal(h_int(joined, "media_port"), 7710);
  json_int_t ssrc = h_int(joined, "ssrc");
  assert_true(ssrc > 0 && ssrc <= 0xffffffffLL);
  assert_int_equal(ssrc, s->member->ssrc);
  json_t *srtp = json_object_get(joined, "srtp");
  assert_string_equal(h_str(srtp, "suite"), "AEAD_AES_128_GCM");
  uint8_t up[PROTO_SRTP_KEY_LEN];
  uint8_t down[PROTO_SRTP_KEY_LEN];
  h_key(joined, "up", up);
  h_key(joined, "down", down);
  assert_memory_not_equal(up, down, PROTO_SRTP_KEY_LEN);
  json_t *roster = json_object_get(joined, "roster");
  assert_int_equal(json_array_size(roster), 1);
  json_t *me = json_array_get(roster, 0);
  assert_int_equal(h_int(me, "session"), (json_int_t)s->id);
  assert_string_equal(h_str(me, "name"), "Ada");
  assert_int_equal(h_int(me, "ssrc"), ssrc);
  assert_true(json_is_false(json_object_get(me, "muted")));
  assert_true(json_is_false(json_object_get(me, "speaking")));
  /* The reply comes first, then the room's event, which the joiner gets too. */
  json_t *ev = h_nth(h, s->id, 1);
  assert_event(ev, "joined", s);
  assert_int_equal(h_int(ev, "ssrc"), ssrc);
  assert_int_equal(h_int(ev, "count"), 1);
  json_decref(joined);
}

static void second_join_tells_the_first_with_count_two(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  json_decref(h_join(h, a, "Lobby"));
  h_clear(h);
  struct srv_session *b = h_hello(h, "Ben");
  json_t *joined = h_join(h, b, "lobby"); /* room names ignore ASCII case */
  json_t *roster = json_object_get(joined, "roster");
  assert_int_equal(json_array_size(roster), 2);
  assert_string_equal(h_str(json_array_get(roster, 0), "name"), "Ada");
  assert_string_equal(h_str(json_array_get(roster, 1), "name"), "Ben");
  assert_int_not_equal(h_int(json_array_get(roster, 0), "ssrc"),
                       h_int(json_array_get(roster, 1), "ssrc"));
  assert_int_equal(h_count(h, a->id), 1);
  json_t *ev = h_nth(h, a->id, 0);
  assert_event(ev, "joined", b);
  assert_int_equal(h_int(ev, "count"), 2);
  assert_int_equal(h_int(ev, "ssrc"), (json_int_t)b->member->ssrc);
  assert_event(h_nth(h, b->id, 1), "joined", b);
  json_decref(joined);
}

static void same_name_in_the_room_gets_name_taken(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  json_decref(h_join(h, a, "Lobby"));
  struct srv_session *b = h_hello(h, "ADA");
  assert_int_equal(h_line(b, "{\"type\":\"join\",\"id\":4,\"room\":\"Lobby\"}"), HX_OK);
  h_assert_error(h_nth(h, b->id, 0), "name_taken", 4);
  assert_null(b->member);
  assert_int_equal(h_count(h, a->id), 0);
  assert_int_equal(srv_room_find(h->srv, "Lobby")->count, 1);
}

static void unknown_room_gets_no_such_room(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_hello(h, "Ada");
  assert_int_equal(h_line(s, "{\"type\":\"join\",\"id\":5,\"room\":\"Kitchen\"}"), HX_OK);
  json_t *err = h_nth(h, s->id, 0);
  h_assert_error(err, "no_such_room", 5);
  assert_non_null(strstr(h_str(err, "message"), "Kitchen"));
  assert_null(s->member);
}

static void full_room_gets_room_full(void **state)
{
  (void)state;
  struct srv_options opt = {.room_limit = 2};
  struct harness *h = h_new(&opt);
  const char *names[] = {"Ada", "Ben", "Cy"};
  struct srv_session *s[3];
  for (int i = 0; i < 3; i++)
    s[i] = h_hello(h, names[i]);
  json_decref(h_join(h, s[0], "Lobby"));
  json_decref(h_join(h, s[1], "Lobby"));
  h_clear(h);
  assert_int_equal(h_line(s[2], "{\"type\":\"join\",\"id\":7,\"room\":\"Lobby\"}"), HX_OK);
  h_assert_error(h_nth(h, s[2]->id, 0), "room_full", 7);
  assert_int_equal(h->nmsgs, 1);
  /* Re-entering the room one is in does not count oneself twice. */
  json_t *again = h_join(h, s[1], "Lobby");
  assert_int_equal(json_array_size(json_object_get(again, "roster")), 2);
  json_decref(again);
  h_free(h);
}

static void leave_replies_and_tells_the_room(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  struct srv_session *b = h_hello(h, "Ben");
  json_decref(h_join(h, a, "Lobby"));
  json_decref(h_join(h, b, "Lobby"));
  uint32_t ssrc = b->member->ssrc;
  h_clear(h);
  assert_int_equal(h_line(b, "{\"type\":\"leave\",\"id\":4}"), HX_OK);
  json_t *reply = h_nth(h, b->id, 0);
  assert_string_equal(h_str(reply, "type"), "left");
  assert_int_equal(h_int(reply, "id"), 4);
  assert_string_equal(h_str(reply, "room"), "Lobby");
  assert_event(h_nth(h, b->id, 1), "left", b);
  json_t *ev = h_nth(h, a->id, 0);
  assert_event(ev, "left", b);
  assert_int_equal(h_int(ev, "count"), 1);
  assert_null(b->member);
  assert_null(srv_ssrc_get(&h->srv->ssrcs, ssrc));
  h_clear(h);
  assert_int_equal(h_line(b, "{\"type\":\"leave\",\"id\":5}"), HX_OK);
  h_assert_error(h_nth(h, b->id, 0), "not_in_room", 5);
}

static void disconnect_tells_the_room(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  struct srv_session *b = h_hello(h, "Ben");
  json_decref(h_join(h, a, "Lobby"));
  json_decref(h_join(h, b, "Lobby"));
  uint64_t bid = b->id;
  uint32_t ssrc = b->member->ssrc;
  h_clear(h);
  srv_session_close(b);
  json_t *ev = h_nth(h, a->id, 0);
  assert_non_null(ev);
  assert_string_equal(h_str(ev, "event"), "left");
  assert_int_equal(h_int(ev, "session"), (json_int_t)bid);
  assert_string_equal(h_str(ev, "name"), "Ben");
  assert_int_equal(h_int(ev, "count"), 1);
  assert_int_equal(h_count(h, bid), 0);
  assert_null(srv_ssrc_get(&h->srv->ssrcs, ssrc));
  assert_int_equal(srv_room_find(h->srv, "Lobby")->count, 1);
}

static void mute_replies_and_tells_the_room_once(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  struct srv_session *b = h_hello(h, "Ben");
  json_decref(h_join(h, a, "Lobby"));
  json_decref(h_join(h, b, "Lobby"));
  h_clear(h);
  assert_int_equal(h_line(b, "{\"type\":\"mute\",\"id\":5,\"muted\":true}"), HX_OK);
  json_t *reply = h_nth(h, b->id, 0);
  assert_string_equal(h_str(reply, "type"), "muted");
  assert_int_equal(h_int(reply, "id"), 5);
  assert_true(json_is_true(json_object_get(reply, "muted")));
  json_t *ev = h_nth(h, a->id, 0);
  assert_event(ev, "muted", b);
  assert_true(json_is_true(json_object_get(ev, "muted")));
  assert_event(h_nth(h, b->id, 1), "muted", b);
  /* Muting again changes nothing: a reply but no event. */
  h_clear(h);
  assert_int_equal(h_line(b, "{\"type\":\"mute\",\"id\":6,\"muted\":true}"), HX_OK);
  assert_int_equal(h_count(h, b->id), 1);
  assert_int_equal(h_count(h, a->id), 0);
  /* The roster shows it to people who join later. */
  struct srv_session *c = h_hello(h, "Cy");
  json_t *joined = h_join(h, c, "Lobby");
  json_t *roster = json_object_get(joined, "roster");
  assert_true(json_is_true(json_object_get(json_array_get(roster, 1), "muted")));
  assert_true(json_is_false(json_object_get(json_array_get(roster, 0), "muted")));
  json_decref(joined);
}

static void mute_outside_a_room_is_kept_for_the_next_join(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  assert_int_equal(h_line(a, "{\"type\":\"mute\",\"id\":5,\"muted\":true}"), HX_OK);
  assert_int_equal(h_count(h, a->id), 1);
  h_clear(h);
  json_t *joined = h_join(h, a, "Lobby");
  json_t *me = json_array_get(json_object_get(joined, "roster"), 0);
  assert_true(json_is_true(json_object_get(me, "muted")));
  json_decref(joined);
}

static void rooms_lists_the_lobby_with_people_and_limit(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  json_decref(h_join(h, a, "Lobby"));
  assert_int_equal(h_room(h, "Garden", "Plants", 5), HX_OK);
  assert_int_equal(h_room(h, "garden", "", 5), HX_ERR_EXISTS);
  assert_int_equal(h_room(h, "Bad", "", 0), HX_ERR_INVALID);
  assert_int_equal(h_room(h, " ", "", 5), HX_ERR_INVALID);
  h_clear(h);
  assert_int_equal(h_line(a, "{\"type\":\"rooms\",\"id\":2}"), HX_OK);
  json_t *reply = h_nth(h, a->id, 0);
  assert_string_equal(h_str(reply, "type"), "rooms");
  assert_int_equal(h_int(reply, "id"), 2);
  json_t *rooms = json_object_get(reply, "rooms");
  assert_int_equal(json_array_size(rooms), 2);
  json_t *lobby = json_array_get(rooms, 0);
  assert_string_equal(h_str(lobby, "name"), "Lobby");
  assert_string_equal(h_str(lobby, "topic"), "");
  assert_int_equal(h_int(lobby, "people"), 1);
  assert_int_equal(h_int(lobby, "limit"), SRV_ROOM_LIMIT_DEFAULT);
  json_t *garden = json_array_get(rooms, 1);
  assert_string_equal(h_str(garden, "topic"), "Plants");
  assert_int_equal(h_int(garden, "people"), 0);
}

static void joining_another_room_leaves_the_first(void **state)
{
  struct harness *h = *state;
  assert_int_equal(h_room(h, "Garden", "", 5), HX_OK);
  struct srv_session *a = h_hello(h, "Ada");
  struct srv_session *b = h_hello(h, "Ben");
  json_decref(h_join(h, a, "Lobby"));
  json_decref(h_join(h, b, "Lobby"));
  h_clear(h);
  json_t *joined = h_join(h, b, "Garden");
  assert_string_equal(h_str(joined, "room"), "Garden");
  json_t *ev = h_nth(h, a->id, 0);
  assert_string_equal(h_str(ev, "event"), "left");
  assert_string_equal(h_str(ev, "room"), "Lobby");
  assert_int_equal(h_count(h, a->id), 1);
  assert_int_equal(srv_room_find(h->srv, "Lobby")->count, 1);
  assert_int_equal(srv_room_find(h->srv, "Garden")->count, 1);
  json_decref(joined);
}

static void speaking_turns_on_with_a_loud_voice_packet_and_off_after_400_ms(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  struct srv_session *b = h_hello(h, "Ben");
  json_decref(h_join(h, a, "Lobby"));
  json_decref(h_join(h, b, "Lobby"));
  h_clear(h);
  struct srv_member *m = a->member;
  srv_room_note_level(h->srv, m, true, SRV_SPEAKING_LEVEL + 1, 1000); /* too quiet */
  srv_room_note_level(h->srv, m, false, 0, 1000);                     /* no voice flag */
  assert_int_equal(h->nmsgs, 0);
  srv_room_note_level(h->srv, m, true, SRV_SPEAKING_LEVEL, 1000);
  json_t *ev = h_nth(h, b->id, 0);
  assert_event(ev, "speaking", a);
  assert_true(json_is_true(json_object_get(ev, "speaking")));
  assert_non_null(h_nth(h, a->id, 0));
  srv_room_note_level(h->srv, m, true, 10, 1200); /* still speaking: no new event */
  assert_int_equal(h->nmsgs, 2);
  srv_room_tick(h->srv, 1599);
  assert_int_equal(h->nmsgs, 2);
  srv_room_tick(h->srv, 1600);
  ev = h_nth(h, b->id, 1);
  assert_event(ev, "speaking", a);
  assert_true(json_is_false(json_object_get(ev, "speaking")));
  srv_room_tick(h->srv, 5000);
  assert_int_equal(h->nmsgs, 4);
}

static void muting_while_speaking_turns_speaking_off(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  json_decref(h_join(h, a, "Lobby"));
  srv_room_note_level(h->srv, a->member, true, 20, 1000);
  assert_true(a->member->speaking);
  h_clear(h);
  assert_int_equal(h_line(a, "{\"type\":\"mute\",\"id\":5,\"muted\":true}"), HX_OK);
  assert_string_equal(h_str(h_nth(h, a->id, 1), "event"), "muted");
  json_t *ev = h_nth(h, a->id, 2);
  assert_string_equal(h_str(ev, "event"), "speaking");
  assert_true(json_is_false(json_object_get(ev, "speaking")));
  assert_false(a->member->speaking);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(join_replies_with_roster_ssrc_and_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(second_join_tells_the_first_with_count_two, setup, teardown),
      cmocka_unit_test_setup_teardown(same_name_in_the_room_gets_name_taken, setup, teardown),
      cmocka_unit_test_setup_teardown(unknown_room_gets_no_such_room, setup, teardown),
      cmocka_unit_test(full_room_gets_room_full),
      cmocka_unit_test_setup_teardown(leave_replies_and_tells_the_room, setup, teardown),
      cmocka_unit_test_setup_teardown(disconnect_tells_the_room, setup, teardown),
      cmocka_unit_test_setup_teardown(mute_replies_and_tells_the_room_once, setup, teardown),
      cmocka_unit_test_setup_teardown(mute_outside_a_room_is_kept_for_the_next_join, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(rooms_lists_the_lobby_with_people_and_limit, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(joining_another_room_leaves_the_first, setup, teardown),
      cmocka_unit_test_setup_teardown(
          speaking_turns_on_with_a_loud_voice_packet_and_off_after_400_ms, setup, teardown),
      cmocka_unit_test_setup_teardown(muting_while_speaking_turns_speaking_off, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
