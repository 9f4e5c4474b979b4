/* Circles end to end through the server core: identity proofs, roles and
 * their refusals, floor modes enforced in the media router, knocking,
 * invites, moderation, bans that survive a restart, and endings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "srv_db.h"
#include "srv_ident.h"
#include "test_srv_harness.h"

#define FP "SHA256:0000000000000000000000000000000000000000000000000000000000000000"

struct person {
  struct srv_session *s;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  struct proto_srtp *send;
  struct sockaddr_storage addr;
  uint32_t ssrc;
  uint16_t seq;
};

static struct harness *new_server(const char *db_path)
{
  struct srv_options opt = {.media_port = 7710, .fingerprint = FP, .db_path = db_path};
  return h_new(&opt);
}

/* Says hello with a key made from seed and proves it. */
static void identify(struct harness *h, struct person *p, const char *name, uint8_t seed_byte)
{
  unsigned char seed[crypto_sign_SEEDBYTES];
  memset(seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair(p->pk, p->sk, seed);
  char key[64];
  assert_int_equal(proto_b64_encode(p->pk, sizeof p->pk, key, sizeof key), HX_OK);
  p->s = h_open(h);
  char line[512];
  snprintf(line, sizeof line,
           "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"%s\",\"key\":\"%s\"}", name, key);
  h_clear(h);
  assert_int_equal(h_line(p->s, line), HX_OK);
  json_t *challenge = h_nth(h, p->s->id, 0);
  assert_string_equal(h_str(challenge, "type"), "challenge");
  uint8_t nonce[32];
  size_t len = 0;
  assert_int_equal(proto_b64_decode(h_str(challenge, "nonce"), nonce, sizeof nonce, &len), HX_OK);
  assert_int_equal(len, 32);
  uint8_t msg[14 + 32 + sizeof FP];
  memcpy(msg, SRV_IDENT_CONTEXT, 14);
  memcpy(msg + 14, nonce, 32);
  memcpy(msg + 46, FP, sizeof FP - 1);
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, NULL, msg, 46 + sizeof FP - 1, p->sk);
  char sig64[128];
  assert_int_equal(proto_b64_encode(sig, sizeof sig, sig64, sizeof sig64), HX_OK);
  snprintf(line, sizeof line, "{\"type\":\"prove\",\"id\":2,\"sig\":\"%s\"}", sig64);
  h_clear(h);
  assert_int_equal(h_line(p->s, line), HX_OK);
  json_t *welcome = h_nth(h, p->s->id, 0);
  assert_string_equal(h_str(welcome, "type"), "welcome");
  assert_true(json_is_true(json_object_get(welcome, "identified")));
  h_clear(h);
}

static void guest(struct harness *h, struct person *p, const char *name)
{
  p->s = h_hello(h, name);
}

/* Sends a line and returns the first reply to the sender (borrowed). */
static json_t *ask(struct harness *h, struct person *p, const char *line)
{
  h_clear(h);
  assert_int_equal(h_line(p->s, line), HX_OK);
  return h_nth(h, p->s->id, 0);
}

/* Joins room and sets up p's media ends from the joined reply. */
static void enter(struct harness *h, struct person *p, const char *room, uint16_t port)
{
  h_clear(h);
  json_t *joined = h_join(h, p->s, room);
  uint8_t up[PROTO_SRTP_KEY_LEN];
  h_key(joined, "up", up);
  proto_srtp_destroy(p->send);
  assert_int_equal(proto_srtp_create(up, PROTO_SRTP_OUTBOUND, &p->send), HX_OK);
  p->ssrc = (uint32_t)h_int(joined, "ssrc");
  p->addr = h_addr("127.0.0.1", port);
  json_decref(joined);
  h_clear(h);
}

static void drop(struct person *p)
{
  proto_srtp_destroy(p->send);
  p->send = NULL;
}

/* One loud packet from p; returns how many datagrams the server sent. */
static size_t speak(struct harness *h, struct person *p)
{
  struct proto_rtp hdr = {.payload_type = PROTO_RTP_PT_OPUS,
                          .seq = p->seq++,
                          .timestamp = 960u * p->seq,
                          .ssrc = p->ssrc,
                          .has_level = true,
                          .voice = true,
                          .level = 20};
  uint8_t pkt[H_PACKET_CAP];
  size_t len;
  assert_int_equal(proto_rtp_pack(&hdr, (const uint8_t *)"opus", 4, pkt, H_PACKET_CAP, &len),
                   HX_OK);
  size_t out;
  assert_int_equal(proto_srtp_protect(p->send, pkt, len, H_PACKET_CAP, &out), HX_OK);
  h->nudp = 0;
  assert_int_equal(srv_media_handle(h->srv, &p->addr, pkt, out, h->srv->now_ms), HX_OK);
  return h->nudp;
}

/* The last event named what sent to p, or NULL. */
static json_t *last_event(struct harness *h, struct person *p, const char *what)
{
  json_t *found = NULL;
  for (size_t i = 0; i < h->nmsgs; i++) {
    const json_t *m = h->msgs[i].msg;
    if (h->msgs[i].session == p->s->id && strcmp(h_str(m, "type"), "event") == 0 &&
        strcmp(h_str(m, "event"), what) == 0)
      found = h->msgs[i].msg;
  }
  return found;
}

static void make_circle(struct harness *h, struct person *host, const char *settings)
{
  char line[512];
  snprintf(line, sizeof line,
           "{\"type\":\"create_room\",\"id\":5,\"room\":\"Circle\",\"settings\":%s}", settings);
  json_t *r = ask(h, host, line);
  assert_string_equal(h_str(r, "type"), "room");
  h_clear(h);
}

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

static void remove_db(char *dir, const char *path)
{
  char side[160];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  rmdir(dir);
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
      cmocka_unit_test(in_round_mode_only_the_floor_holder_is_heard_and_pass_moves_on),
      cmocka_unit_test(hands_queue_keeps_raise_order_and_next_gives_the_first),
      cmocka_unit_test(a_circle_outlives_its_hosts_dropped_connection),
      cmocka_unit_test(turn_limit_cues_before_the_end_then_passes),
      cmocka_unit_test(a_knocker_hears_nothing_until_admitted_and_a_decline_says_why),
      cmocka_unit_test(an_invite_opens_a_locked_room_once),
      cmocka_unit_test(moderation_mutes_moves_and_removes_with_a_reason),
      cmocka_unit_test(a_ban_survives_a_restart_and_unban_lifts_it),
      cmocka_unit_test(close_counts_down_then_ends_the_room_for_all),
      cmocka_unit_test(stepping_out_hears_nothing_and_notes_reach_only_facilitators),
      cmocka_unit_test(guests_still_join_the_lobby),
      cmocka_unit_test(operator_changes_reach_the_room_without_a_restart),
      cmocka_unit_test(turn_end_remind_keeps_the_floor_and_says_so_once),
      cmocka_unit_test(a_facilitator_speaks_without_the_floor_until_they_defer),
      cmocka_unit_test(a_lowered_hand_leaves_the_queue_and_hands_need_hands_mode),
      cmocka_unit_test(a_room_without_guests_refuses_them_and_lets_identities_in),
      cmocka_unit_test(only_the_operator_makes_rooms_when_the_server_says_so),
      cmocka_unit_test(away_is_told_only_when_the_person_says_so),
      cmocka_unit_test(an_admit_is_refused_when_the_knockers_name_is_now_taken),
      cmocka_unit_test(the_round_passes_by_whoever_stepped_out_or_listens),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
