/* Typed speech through the server core: lines are synthesised with the real
 * espeak-ng and sent as Opus under the typist's text SSRC to listeners who
 * hear typed words as voice, after a gap in the room's voices and only while
 * the typist may speak; limits, cancelling and voice settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "srv_speech.h"
#include "test_srv_harness.h"

struct person {
  struct srv_session *s;
  struct proto_srtp *send; /* up: what the person sends */
  struct proto_srtp *recv; /* down: what the server sends the person */
  struct sockaddr_storage addr;
  uint32_t ssrc, text_ssrc;
  uint16_t seq;
  /* What the server sent this person's address since the last h_clear,
   * counted by tick(). */
  size_t typed_packets; /* from someone's text SSRC, authenticated */
  uint32_t last_typed_ssrc;
};

static uint64_t now_ms = 1000;

static struct harness *new_server(bool speech)
{
  struct srv_options opt = {.media_port = 7710, .speech = speech};
  struct harness *h = h_new(&opt);
  if (speech && !h->srv->speech)
    fail_msg("espeak-ng did not start in the server (install libespeak-ng1 and espeak-ng-data)");
  h->srv->now_ms = now_ms;
  return h;
}

/* Joins the room and sends one silent packet so the server learns where
 * the person is. */
static void enter(struct harness *h, struct person *p, const char *name, const char *room,
                  uint16_t port)
{
  memset(p, 0, sizeof *p);
  p->s = h_hello(h, name);
  json_t *joined = h_join(h, p->s, room);
  uint8_t up[PROTO_SRTP_KEY_LEN], down[PROTO_SRTP_KEY_LEN];
  h_key(joined, "up", up);
  h_key(joined, "down", down);
  assert_int_equal(proto_srtp_create(up, PROTO_SRTP_OUTBOUND, &p->send), HX_OK);
  assert_int_equal(proto_srtp_create(down, PROTO_SRTP_INBOUND, &p->recv), HX_OK);
  p->ssrc = (uint32_t)h_int(joined, "ssrc");
  p->text_ssrc = (uint32_t)h_int(joined, "text_ssrc");
  assert_int_not_equal(p->ssrc, p->text_ssrc);
  p->addr = h_addr("127.0.0.1", port);
  json_decref(joined);
  h_clear(h);
}

static void leave(struct person *p)
{
  proto_srtp_destroy(p->send);
  proto_srtp_destroy(p->recv);
}

/* One packet from p on ssrc with the given level (20 loud, 127 silent). */
static int send_level(struct harness *h, struct person *p, uint32_t ssrc, uint8_t level)
{
  struct proto_rtp hdr = {.payload_type = PROTO_RTP_PT_OPUS,
                          .seq = p->seq++,
                          .timestamp = 960u * p->seq,
                          .ssrc = ssrc,
                          .has_level = true,
                          .voice = level < 127,
                          .level = level};
  uint8_t pkt[H_PACKET_CAP];
  size_t len, out;
  assert_int_equal(proto_rtp_pack(&hdr, (const uint8_t *)"opus", 4, pkt, H_PACKET_CAP, &len),
                   HX_OK);
  assert_int_equal(proto_srtp_protect(p->send, pkt, len, H_PACKET_CAP, &out), HX_OK);
  return srv_media_handle(h->srv, &p->addr, pkt, out, now_ms);
}

static void ask(struct person *p, const char *line)
{
  assert_int_equal(h_line(p->s, line), HX_OK);
}

/* The first reply to p since the last clear that is not an event. */
static json_t *reply(struct harness *h, struct person *p)
{
  for (size_t i = 0; i < h->nmsgs; i++)
    if (h->msgs[i].session == p->s->id && strcmp(h_str(h->msgs[i].msg, "type"), "event") != 0)
      return h->msgs[i].msg;
  return NULL;
}

static json_t *event(struct harness *h, struct person *p, const char *what)
{
  for (size_t i = 0; i < h->nmsgs; i++) {
    const json_t *m = h->msgs[i].msg;
    if (h->msgs[i].session == p->s->id && strcmp(h_str(m, "type"), "event") == 0 &&
        strcmp(h_str(m, "event"), what) == 0)
      return h->msgs[i].msg;
  }
  return NULL;
}

/* Advances the clock by 10 ms and runs the speech tick (and, every 100 ms,
 * the server tick); counts what each person was sent. The synthesis
 * worker runs in real time, so each tick also sleeps a little. */
static void tick(struct harness *h, struct person *people, size_t n)
{
  now_ms += SRV_SPEECH_TICK_MS;
  h->nudp = 0;
  srv_speech_tick(h->srv, now_ms);
  if (now_ms % 100 == 0)
    srv_tick(h->srv, now_ms);
  for (size_t u = 0; u < h->nudp; u++) {
    for (size_t i = 0; i < n; i++) {
      struct sockaddr_in *a = (struct sockaddr_in *)&h->udp[u].to;
      struct sockaddr_in *b = (struct sockaddr_in *)&people[i].addr;
      if (a->sin_port != b->sin_port)
        continue;
      size_t len;
      assert_int_equal(proto_srtp_unprotect(people[i].recv, h->udp[u].buf, h->udp[u].len, &len),
                       HX_OK);
      struct proto_rtp hdr;
      assert_int_equal(proto_rtp_parse(h->udp[u].buf, len, &hdr), HX_OK);
      assert_true(hdr.has_level);
      people[i].typed_packets++;
      people[i].last_typed_ssrc = hdr.ssrc;
    }
  }
  h->nudp = 0;
  struct timespec ts = {0, 1000000};
  nanosleep(&ts, NULL);
}

/* Ticks until no line is queued or playing (at most seconds of clock). */
static void run_until_quiet(struct harness *h, struct person *people, size_t n, int seconds)
{
  for (int i = 0; i < seconds * 100 && srv_speech_busy(h->srv); i++)
    tick(h, people, n);
  assert_false(srv_speech_busy(h->srv));
}

static void typed_line_reaches_voice_listeners_as_audio_and_everyone_as_text(void **state)
{
  (void)state;
  struct harness *h = new_server(true);
  struct person p[3];
  enter(h, &p[0], "Ada", "Lobby", 5000);
  enter(h, &p[1], "Ben", "Lobby", 5001);
  enter(h, &p[2], "Cleo", "Lobby", 5002);
  for (int i = 0; i < 3; i++)
    assert_int_equal(send_level(h, &p[i], p[i].ssrc, 127), HX_OK);
  ask(&p[2], "{\"type\":\"hear_text\",\"id\":5,\"mode\":\"text\"}");
  assert_string_equal(h_str(reply(h, &p[2]), "mode"), "text");
  h_clear(h);

  ask(&p[0], "{\"type\":\"say\",\"id\":6,\"text\":\"Hello everyone, I am typing tonight.\"}");
  json_t *said = reply(h, &p[0]);
  assert_string_equal(h_str(said, "type"), "said");
  assert_int_equal(h_int(said, "ahead"), 0);
  assert_true(json_is_null(json_object_get(said, "waiting")));
  run_until_quiet(h, p, 3, 20);

  for (int i = 0; i < 3; i++) {
    json_t *text = event(h, &p[i], "text");
    assert_non_null(text);
    assert_string_equal(h_str(text, "name"), "Ada");
    assert_string_equal(h_str(text, "text"), "Hello everyone, I am typing tonight.");
    assert_true(json_is_true(json_object_get(text, "spoken")));
  }
  /* About two seconds of speech in 20 ms packets, on Ada's text SSRC. */
  assert_true(p[1].typed_packets > 50);
  assert_int_equal(p[1].last_typed_ssrc, p[0].text_ssrc);
  assert_int_equal(p[2].typed_packets, 0); /* text only */
  assert_int_equal(p[0].typed_packets, 0); /* never one's own */
  json_t *speaking = event(h, &p[1], "speaking");
  assert_non_null(speaking);
  assert_string_equal(h_str(speaking, "name"), "Ada");
  for (int i = 0; i < 3; i++)
    leave(&p[i]);
  h_free(h);
}

static void typed_line_waits_for_a_gap_in_voices(void **state)
{
  (void)state;
  struct harness *h = new_server(true);
  struct person p[2];
  enter(h, &p[0], "Ada", "Lobby", 5010);
  enter(h, &p[1], "Ben", "Lobby", 5011);
  assert_int_equal(send_level(h, &p[0], p[0].ssrc, 127), HX_OK);
  assert_int_equal(send_level(h, &p[1], p[1].ssrc, 20), HX_OK);
  ask(&p[0], "{\"type\":\"say\",\"id\":6,\"text\":\"Wait for Ben.\"}");
  h_clear(h);
  /* Ben talks for a second: nothing of Ada's line is sent meanwhile. */
  uint64_t ben_last = now_ms;
  for (int i = 0; i < 100; i++) {
    if (i % 2 == 0) {
      assert_int_equal(send_level(h, &p[1], p[1].ssrc, 20), HX_OK);
      ben_last = now_ms;
    }
    tick(h, p, 2);
  }
  assert_int_equal(p[1].typed_packets, 0);
  assert_null(event(h, &p[1], "text"));
  uint64_t started = 0;
  for (int i = 0; i < 300 && !started; i++) {
    tick(h, p, 2);
    if (event(h, &p[1], "text"))
      started = now_ms;
  }
  assert_true(started != 0);
  assert_true(started - ben_last >= SRV_SPEECH_GAP_MS);
  run_until_quiet(h, p, 2, 20);
  assert_true(p[1].typed_packets > 10);
  leave(&p[0]);
  leave(&p[1]);
  h_free(h);
}

static void typed_line_waits_for_the_floor_and_then_passes_it(void **state)
{
  (void)state;
  struct harness *h = new_server(true);
  struct srv_settings st;
  srv_settings_defaults(&st, 12);
  st.guests = true;
  st.floor = SRV_FLOOR_ROUND;
  assert_int_equal(srv_room_create(h->srv, "Circle", &st, NULL), HX_OK);
  struct person p[2];
  enter(h, &p[0], "Ben", "Circle", 5020); /* first in the round: holds the floor */
  enter(h, &p[1], "Ada", "Circle", 5021);
  for (int i = 0; i < 2; i++)
    assert_int_equal(send_level(h, &p[i], p[i].ssrc, 127), HX_OK);
  struct srv_room *room = srv_room_find(h->srv, "Circle");
  assert_ptr_equal(room->holder, p[0].s->member);

  ask(&p[1], "{\"type\":\"say\",\"id\":6,\"text\":\"First part...\"}");
  assert_string_equal(h_str(reply(h, &p[1]), "waiting"), "floor");
  ask(&p[1], "{\"type\":\"say\",\"id\":7,\"text\":\"and the end.\"}");
  h_clear(h);
  for (int i = 0; i < 100; i++)
    tick(h, p, 2);
  assert_int_equal(p[0].typed_packets, 0);
  assert_null(event(h, &p[0], "text"));

  ask(&p[0], "{\"type\":\"pass\",\"id\":8}");
  assert_ptr_equal(room->holder, p[1].s->member);
  run_until_quiet(h, p, 2, 30);
  assert_true(p[0].typed_packets > 20);
  /* Both lines were spoken; the last did not end in "...", so the floor
   * went on round to Ben. */
  assert_ptr_equal(room->holder, p[0].s->member);
  leave(&p[0]);
  leave(&p[1]);
  h_free(h);
}

static void ellipsis_keeps_the_floor(void **state)
{
  (void)state;
  struct harness *h = new_server(true);
  struct srv_settings st;
  srv_settings_defaults(&st, 12);
  st.guests = true;
  st.floor = SRV_FLOOR_ROUND;
  assert_int_equal(srv_room_create(h->srv, "Circle", &st, NULL), HX_OK);
  struct person p[2];
  enter(h, &p[0], "Ada", "Circle", 5030);
  enter(h, &p[1], "Ben", "Circle", 5031);
  for (int i = 0; i < 2; i++)
    assert_int_equal(send_level(h, &p[i], p[i].ssrc, 127), HX_OK);
  struct srv_room *room = srv_room_find(h->srv, "Circle");
  ask(&p[0], "{\"type\":\"say\",\"id\":6,\"text\":\"I have more to say...\"}");
  run_until_quiet(h, p, 2, 20);
  assert_ptr_equal(room->holder, p[0].s->member);
  h_clear(h);
  ask(&p[0], "{\"type\":\"pass\",\"id\":7}");
  assert_string_equal(h_str(reply(h, &p[0]), "type"), "passed");
  assert_ptr_equal(room->holder, p[1].s->member);
  leave(&p[0]);
  leave(&p[1]);
  h_free(h);
}

static void long_lines_floods_and_empty_lines_are_refused(void **state)
{
  (void)state;
  struct harness *h = new_server(true);
  struct person p[1];
  enter(h, &p[0], "Ada", "Lobby", 5040);
  char line[2048];
  char text[600];
  memset(text, 'a', 501);
  text[501] = '\0';
  snprintf(line, sizeof line, "{\"type\":\"say\",\"id\":9,\"text\":\"%s\"}", text);
  ask(&p[0], line);
  h_assert_error(reply(h, &p[0]), "text_too_long", 9);
  assert_false(srv_speech_busy(h->srv));
  h_clear(h);
  ask(&p[0], "{\"type\":\"say\",\"id\":10,\"text\":\" \\u0007\\t \"}");
  h_assert_error(reply(h, &p[0]), "bad_message", 10);
  h_clear(h);
  ask(&p[0], "{\"type\":\"say\",\"id\":11}");
  h_assert_error(reply(h, &p[0]), "bad_message", 11);
  h_clear(h);
  for (int i = 0; i < SRV_SPEECH_BURST; i++) {
    ask(&p[0], "{\"type\":\"say\",\"id\":12,\"text\":\"one\"}");
    assert_string_equal(h_str(reply(h, &p[0]), "type"), "said");
    h_clear(h);
  }
  ask(&p[0], "{\"type\":\"say\",\"id\":13,\"text\":\"one too many\"}");
  h_assert_error(reply(h, &p[0]), "rate_limited", 13);
  h_clear(h);
  h->srv->now_ms += SRV_SPEECH_REFILL_MS;
  ask(&p[0], "{\"type\":\"say\",\"id\":14,\"text\":\"a second later\"}");
  assert_string_equal(h_str(reply(h, &p[0]), "type"), "said");
  h_clear(h);
  ask(&p[0], "{\"type\":\"say\",\"id\":15,\"text\":\"but not two\"}");
  h_assert_error(reply(h, &p[0]), "rate_limited", 15);
  h_clear(h);
  ask(&p[0], "{\"type\":\"say_stop\",\"id\":16}");
  assert_int_equal(h_int(reply(h, &p[0]), "cancelled"), SRV_SPEECH_BURST + 1);
  assert_false(srv_speech_busy(h->srv));
  leave(&p[0]);
  h_free(h);
}

static void say_stop_cuts_the_line_being_spoken(void **state)
{
  (void)state;
  struct harness *h = new_server(true);
  struct person p[2];
  enter(h, &p[0], "Ada", "Lobby", 5050);
  enter(h, &p[1], "Ben", "Lobby", 5051);
  for (int i = 0; i < 2; i++)
    assert_int_equal(send_level(h, &p[i], p[i].ssrc, 127), HX_OK);
  ask(&p[0], "{\"type\":\"say\",\"id\":6,\"text\":\"This is a long line that will not be "
                "finished, because Ada changes her mind about it.\"}");
  h_clear(h);
  for (int i = 0; i < 300 && !event(h, &p[1], "text"); i++)
    tick(h, p, 2);
  assert_non_null(event(h, &p[1], "text"));
  for (int i = 0; i < 30; i++)
    tick(h, p, 2);
  ask(&p[0], "{\"type\":\"say_stop\",\"id\":7}");
  assert_int_equal(h_int(reply(h, &p[0]), "cancelled"), 1);
  assert_false(srv_speech_busy(h->srv));
  size_t before = p[1].typed_packets;
  for (int i = 0; i < 50; i++)
    tick(h, p, 2);
  assert_int_equal(p[1].typed_packets, before);
  leave(&p[0]);
  leave(&p[1]);
  h_free(h);
}

static void voice_settings_are_checked(void **state)
{
  (void)state;
  struct harness *h = new_server(true);
  struct person p[1];
  enter(h, &p[0], "Ada", "Lobby", 5060);
  ask(&p[0], "{\"type\":\"voices\",\"id\":4}");
  json_t *voices = reply(h, &p[0]);
  assert_string_equal(h_str(voices, "type"), "voices");
  assert_true(json_array_size(json_object_get(voices, "voices")) > 10);
  assert_true(json_array_size(json_object_get(voices, "variants")) > 5);
  assert_string_equal(h_str(json_object_get(voices, "voice"), "voice"), "en");
  h_clear(h);
  ask(&p[0], "{\"type\":\"voice\",\"id\":5,\"voice\":\"en-us+f3\",\"rate\":220}");
  json_t *set = reply(h, &p[0]);
  assert_string_equal(h_str(set, "voice"), "en-us+f3");
  assert_int_equal(h_int(set, "rate"), 220);
  assert_int_equal(h_int(set, "pitch"), 50);
  static const char *const bad[] = {
      "{\"type\":\"voice\",\"id\":6,\"voice\":\"no-such-voice\"}",
      "{\"type\":\"voice\",\"id\":6,\"voice\":\"en+no-such-variant\"}",
      "{\"type\":\"voice\",\"id\":6,\"voice\":\"\"}",
      "{\"type\":\"voice\",\"id\":6,\"rate\":79}",
      "{\"type\":\"voice\",\"id\":6,\"rate\":451}",
      "{\"type\":\"voice\",\"id\":6,\"pitch\":-1}",
      "{\"type\":\"voice\",\"id\":6,\"pitch\":101}",
      "{\"type\":\"hear_text\",\"id\":6,\"mode\":\"loud\"}",
      "{\"type\":\"hear_text\",\"id\":6}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    h_clear(h);
    ask(&p[0], bad[i]);
    h_assert_error(reply(h, &p[0]), "bad_setting", 6);
  }
  /* Nothing changed. */
  assert_string_equal(p[0].s->voice.voice, "en-us+f3");
  assert_int_equal(p[0].s->voice.rate_wpm, 220);
  assert_int_equal(p[0].s->hear_text, SRV_HEAR_VOICE);
  leave(&p[0]);
  h_free(h);
}

static void clients_cannot_send_on_a_text_ssrc(void **state)
{
  (void)state;
  struct harness *h = new_server(false);
  struct person p[2];
  enter(h, &p[0], "Ada", "Lobby", 5070);
  enter(h, &p[1], "Ben", "Lobby", 5071);
  assert_int_equal(send_level(h, &p[1], p[1].ssrc, 127), HX_OK);
  h->nudp = 0;
  assert_int_equal(send_level(h, &p[0], p[0].text_ssrc, 20), HX_ERR_NOT_FOUND);
  assert_int_equal(h->nudp, 0);
  leave(&p[0]);
  leave(&p[1]);
  h_free(h);
}

static void without_espeak_lines_are_text_only(void **state)
{
  (void)state;
  struct harness *h = new_server(false);
  struct person p[2];
  enter(h, &p[0], "Ada", "Lobby", 5080);
  enter(h, &p[1], "Ben", "Lobby", 5081);
  for (int i = 0; i < 2; i++)
    assert_int_equal(send_level(h, &p[i], p[i].ssrc, 127), HX_OK);
  ask(&p[0], "{\"type\":\"say\",\"id\":6,\"text\":\"<speak>hi</speak>\\u0007!\"}");
  h_clear(h);
  run_until_quiet(h, p, 2, 2);
  json_t *text = event(h, &p[1], "text");
  assert_non_null(text);
  assert_string_equal(h_str(text, "text"), "<speak>hi</speak> !");
  assert_true(json_is_false(json_object_get(text, "spoken")));
  assert_int_equal(p[1].typed_packets, 0);
  leave(&p[0]);
  leave(&p[1]);
  h_free(h);
}

static void clean_strips_controls_and_counts_characters(void **state)
{
  (void)state;
  static const struct {
    const char *in, *out;
    size_t chars;
  } cases[] = {
      {"", "", 0},
      {"   ", "", 0},
      {"hi", "hi", 2},
      {"  hi  ", "hi", 2},
      {"a\tb\nc\rd\x7f" "e", "a b c d e", 9},
      {"\x1b[31mred", "[31mred", 7},
      {"caf\xc3\xa9", "caf\xc3\xa9", 4},
      {"a\xc2\x85" "b", "a b", 3},       /* NEL, a C1 control */
      {"\xc2\xa0x", "\xc2\xa0x", 2},      /* no-break space is kept */
      {"\xe2\x80\xa6", "\xe2\x80\xa6", 1}, /* an ellipsis character */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char buf[64];
    snprintf(buf, sizeof buf, "%s", cases[i].in);
    assert_int_equal(srv_speech_clean(buf), cases[i].chars);
    assert_string_equal(buf, cases[i].out);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(typed_line_reaches_voice_listeners_as_audio_and_everyone_as_text),
      cmocka_unit_test(typed_line_waits_for_a_gap_in_voices),
      cmocka_unit_test(typed_line_waits_for_the_floor_and_then_passes_it),
      cmocka_unit_test(ellipsis_keeps_the_floor),
      cmocka_unit_test(long_lines_floods_and_empty_lines_are_refused),
      cmocka_unit_test(say_stop_cuts_the_line_being_spoken),
      cmocka_unit_test(voice_settings_are_checked),
      cmocka_unit_test(clients_cannot_send_on_a_text_ssrc),
      cmocka_unit_test(without_espeak_lines_are_text_only),
      cmocka_unit_test(clean_strips_controls_and_counts_characters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
