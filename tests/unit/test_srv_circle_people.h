/* Shared by the test_srv_circle*.c unit tests: people who come with a key
 * or as guests, enter a circle with their media ends set up, speak into it
 * and read the events it sends them, a circle made by its host, and a test
 * database removed. Include after <cmocka.h> and "test_srv_harness.h". */
#ifndef TEST_SRV_CIRCLE_PEOPLE_H
#define TEST_SRV_CIRCLE_PEOPLE_H

#include <sodium.h>
#include <unistd.h>

#include "srv_ident.h"

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

static inline struct harness *new_server(const char *db_path)
{
  struct srv_options opt = {.media_port = 7710, .fingerprint = FP, .db_path = db_path};
  return h_new(&opt);
}

/* Says hello with a key made from seed and proves it. */
static inline void identify(struct harness *h, struct person *p, const char *name,
                            uint8_t seed_byte)
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

static inline void guest(struct harness *h, struct person *p, const char *name)
{
  p->s = h_hello(h, name);
}

/* Sends a line and returns the first reply to the sender (borrowed). */
static inline json_t *ask(struct harness *h, struct person *p, const char *line)
{
  h_clear(h);
  assert_int_equal(h_line(p->s, line), HX_OK);
  return h_nth(h, p->s->id, 0);
}

/* Joins room and sets up p's media ends from the joined reply. */
static inline void enter(struct harness *h, struct person *p, const char *room, uint16_t port)
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

static inline void drop(struct person *p)
{
  proto_srtp_destroy(p->send);
  p->send = NULL;
}

/* One loud packet from p; returns how many datagrams the server sent. */
static inline size_t speak(struct harness *h, struct person *p)
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
static inline json_t *last_event(struct harness *h, struct person *p, const char *what)
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

static inline void make_circle(struct harness *h, struct person *host, const char *settings)
{
  char line[512];
  snprintf(line, sizeof line,
           "{\"type\":\"create_room\",\"id\":5,\"room\":\"Circle\",\"settings\":%s}", settings);
  json_t *r = ask(h, host, line);
  assert_string_equal(h_str(r, "type"), "room");
  h_clear(h);
}

static inline void remove_db(char *dir, const char *path)
{
  char side[160];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  rmdir(dir);
}

#endif
