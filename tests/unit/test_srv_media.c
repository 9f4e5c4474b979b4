/* The media router: real RTP packets protected with the keys from "joined",
 * handed to srv_media_handle; what the captured send_udp got must unprotect
 * under the receiver's down key to the same RTP packet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hx_log.h"
#include "srv_addr.h"
#include "test_srv_harness.h"

static bool learnt(const struct srv_member *m, const struct sockaddr_storage *a)
{
  return m->has_addr && srv_addr_equal(&m->addr, a);
}

/* One client as the tests play it: its session, address and SRTP ends. */
struct peer {
  struct srv_session *s;
  struct sockaddr_storage addr;
  struct proto_srtp *send; /* protects with up */
  struct proto_srtp *recv; /* unprotects with down */
  uint32_t ssrc;
  uint16_t seq;
};

struct fixture {
  struct harness *h;
  struct peer a, b, c;
};

static void peer_join(struct harness *h, struct peer *p, const char *name, uint16_t port)
{
  p->s = h_hello(h, name);
  json_t *joined = h_join(h, p->s, "Lobby");
  uint8_t up[PROTO_SRTP_KEY_LEN];
  uint8_t down[PROTO_SRTP_KEY_LEN];
  h_key(joined, "up", up);
  h_key(joined, "down", down);
  assert_int_equal(proto_srtp_create(up, PROTO_SRTP_OUTBOUND, &p->send), HX_OK);
  assert_int_equal(proto_srtp_create(down, PROTO_SRTP_INBOUND, &p->recv), HX_OK);
  p->ssrc = (uint32_t)h_int(joined, "ssrc");
  p->addr = h_addr("127.0.0.1", port);
  p->seq = 100;
  json_decref(joined);
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->h = h_new(NULL);
  peer_join(f->h, &f->a, "Ada", 5001);
  peer_join(f->h, &f->b, "Ben", 5002);
  peer_join(f->h, &f->c, "Cy", 5003);
  h_clear(f->h);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  struct peer *peers[] = {&f->a, &f->b, &f->c};
  for (int i = 0; i < 3; i++) {
    proto_srtp_destroy(peers[i]->send);
    proto_srtp_destroy(peers[i]->recv);
  }
  h_free(f->h);
  free(f);
  return 0;
}

/* Packs a plain RTP packet from p into plain and a protected copy into
 * out. */
static void make_packet(struct peer *p, uint8_t level, const char *payload, uint8_t *plain,
                        size_t *plain_len, uint8_t *out, size_t *out_len)
{
  struct proto_rtp hdr = {.payload_type = PROTO_RTP_PT_OPUS,
                          .seq = p->seq++,
                          .timestamp = 960u * p->seq,
                          .ssrc = p->ssrc,
                          .has_level = true,
                          .voice = true,
                          .level = level};
  assert_int_equal(proto_rtp_pack(&hdr, (const uint8_t *)payload, strlen(payload), plain,
                                  H_PACKET_CAP, plain_len),
                   HX_OK);
  memcpy(out, plain, *plain_len);
  assert_int_equal(proto_srtp_protect(p->send, out, *plain_len, H_PACKET_CAP, out_len), HX_OK);
}

/* Sends one packet from p at its address; returns what the router said. */
static int send_from(struct fixture *f, struct peer *p, const struct sockaddr_storage *from,
                     uint8_t level, uint64_t now)
{
  uint8_t plain[H_PACKET_CAP];
  uint8_t pkt[H_PACKET_CAP];
  size_t plain_len;
  size_t len;
  make_packet(p, level, "opus", plain, &plain_len, pkt, &len);
  return srv_media_handle(f->h->srv, from, pkt, len, now);
}

static const struct h_udp *sent_to(struct harness *h, const struct sockaddr_storage *to)
{
  for (size_t i = 0; i < h->nudp; i++) {
    if (memcmp(&h->udp[i].to, to, sizeof *to) == 0)
      return &h->udp[i];
  }
  return NULL;
}

static void forwards_to_members_under_their_down_keys(void **state)
{
  struct fixture *f = *state;
  /* b and c send first so their addresses are known. */
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 10), HX_OK);
  assert_int_equal(send_from(f, &f->c, &f->c.addr, 127, 10), HX_OK);
  h_clear(f->h);
  uint8_t plain[H_PACKET_CAP];
  uint8_t pkt[H_PACKET_CAP];
  size_t plain_len;
  size_t len;
  make_packet(&f->a, 127, "hello, room", plain, &plain_len, pkt, &len);
  assert_int_equal(srv_media_handle(f->h->srv, &f->a.addr, pkt, len, 20), HX_OK);
  assert_int_equal(f->h->nudp, 2);
  assert_null(sent_to(f->h, &f->a.addr));
  struct peer *receivers[] = {&f->b, &f->c};
  for (int i = 0; i < 2; i++) {
    const struct h_udp *u = sent_to(f->h, &receivers[i]->addr);
    assert_non_null(u);
    uint8_t got[H_PACKET_CAP];
    size_t got_len;
    memcpy(got, u->buf, u->len);
    assert_int_equal(proto_srtp_unprotect(receivers[i]->recv, got, u->len, &got_len), HX_OK);
    assert_int_equal(got_len, plain_len);
    assert_memory_equal(got, plain, plain_len);
    struct proto_rtp hdr;
    assert_int_equal(proto_rtp_parse(got, got_len, &hdr), HX_OK);
    assert_int_equal(hdr.ssrc, f->a.ssrc);
    assert_int_equal(hdr.payload_len, strlen("hello, room"));
    assert_memory_equal(hdr.payload, "hello, room", hdr.payload_len);
    /* And not under the sender's key: the keys are per member. */
    memcpy(got, u->buf, u->len);
    assert_int_not_equal(proto_srtp_unprotect(f->a.recv, got, u->len, &got_len), HX_OK);
  }
}

static void member_without_known_address_gets_nothing(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 127, 10), HX_OK);
  assert_int_equal(f->h->nudp, 0);
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 10), HX_OK);
  assert_int_equal(f->h->nudp, 1);
  assert_non_null(sent_to(f->h, &f->a.addr));
}

static void muted_sender_is_not_forwarded_but_hears_the_room(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 10), HX_OK);
  assert_int_equal(h_line(f->a.s, "{\"type\":\"mute\",\"id\":1,\"muted\":true}"), HX_OK);
  h_clear(f->h);
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 0, 20), HX_OK);
  assert_int_equal(f->h->nudp, 0);
  assert_int_equal(f->h->nmsgs, 0); /* no speaking event either */
  assert_true(f->a.s->member->has_addr);
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 30), HX_OK);
  assert_non_null(sent_to(f->h, &f->a.addr));
  /* Unmuted, it is forwarded again. */
  assert_int_equal(h_line(f->a.s, "{\"type\":\"mute\",\"id\":2,\"muted\":false}"), HX_OK);
  h_clear(f->h);
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 127, 40), HX_OK);
  assert_non_null(sent_to(f->h, &f->b.addr));
}

static void bit_flipped_packet_is_dropped_and_teaches_no_address(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 127, 10), HX_OK);
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 10), HX_OK);
  h_clear(f->h);
  struct sockaddr_storage evil = h_addr("10.6.6.6", 6666);
  uint8_t plain[H_PACKET_CAP];
  uint8_t pkt[H_PACKET_CAP];
  size_t plain_len;
  size_t len;
  make_packet(&f->a, 127, "tampered", plain, &plain_len, pkt, &len);
  /* Flip one bit at a time in the payload, the tag and the header's
   * timestamp: each must fail authentication. */
  size_t spots[] = {len - 1, len - 10, plain_len - 2, 5};
  for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
    uint8_t bad[H_PACKET_CAP];
    memcpy(bad, pkt, len);
    bad[spots[i]] ^= 0x01;
    assert_int_equal(srv_media_handle(f->h->srv, &evil, bad, len, 20), HX_ERR_AUTH);
  }
  assert_int_equal(f->h->nudp, 0);
  assert_true(learnt(f->a.s->member, &f->a.addr));
  /* The genuine packet still passes afterwards. */
  assert_int_equal(srv_media_handle(f->h->srv, &f->a.addr, pkt, len, 30), HX_OK);
  assert_int_equal(f->h->nudp, 1);
}

static void replayed_packet_is_dropped(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 10), HX_OK);
  h_clear(f->h);
  uint8_t plain[H_PACKET_CAP];
  uint8_t pkt[H_PACKET_CAP];
  size_t plain_len;
  size_t len;
  make_packet(&f->a, 127, "once", plain, &plain_len, pkt, &len);
  assert_int_equal(srv_media_handle(f->h->srv, &f->a.addr, pkt, len, 20), HX_OK);
  assert_int_equal(f->h->nudp, 1);
  struct sockaddr_storage elsewhere = h_addr("10.1.1.1", 4000);
  assert_int_equal(srv_media_handle(f->h->srv, &elsewhere, pkt, len, 30), HX_ERR_REPLAY);
  assert_int_equal(f->h->nudp, 1);
  assert_true(learnt(f->a.s->member, &f->a.addr));
}

static void authenticated_packet_from_new_address_relearns_it(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 127, 10), HX_OK);
  struct sockaddr_storage moved = h_addr("192.0.2.7", 40000);
  assert_int_equal(send_from(f, &f->a, &moved, 127, 20), HX_OK);
  assert_true(learnt(f->a.s->member, &moved));
  h_clear(f->h);
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 30), HX_OK);
  assert_int_equal(f->h->nudp, 1);
  assert_non_null(sent_to(f->h, &moved));
}

static void packets_that_are_not_ours_are_dropped(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 10), HX_OK);
  h_clear(f->h);
  uint8_t buf[H_PACKET_CAP + 16];
  memset(buf, 0, sizeof buf);
  struct sockaddr_storage from = h_addr("10.9.9.9", 9999);
  /* Hostile lengths: empty, 1 byte, one short of a header, over the cap. */
  size_t lens[] = {0, 1, PROTO_RTP_MIN_HEADER - 1, H_PACKET_CAP + 1, H_PACKET_CAP + 16};
  buf[0] = 0x80;
  buf[1] = PROTO_RTP_PT_OPUS;
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
    assert_int_not_equal(srv_media_handle(f->h->srv, &from, buf, lens[i], 20), HX_OK);
  /* A well-formed header with an unknown SSRC. */
  uint8_t plain[H_PACKET_CAP];
  uint8_t pkt[H_PACKET_CAP];
  size_t plain_len;
  size_t len;
  struct peer stranger = f->a;
  stranger.ssrc = f->a.ssrc ^ 0x5a5a5a5a;
  make_packet(&stranger, 127, "who", plain, &plain_len, pkt, &len);
  assert_int_equal(srv_media_handle(f->h->srv, &from, pkt, len, 20), HX_ERR_NOT_FOUND);
  /* Another payload type from a member. */
  struct proto_rtp hdr = {.payload_type = 0, .seq = 1, .ssrc = f->a.ssrc};
  assert_int_equal(proto_rtp_pack(&hdr, (const uint8_t *)"x", 1, plain, sizeof plain, &plain_len),
                   HX_OK);
  assert_int_equal(srv_media_handle(f->h->srv, &from, plain, plain_len + 16, 20), HX_ERR_INVALID);
  /* A plain, unprotected packet with a member's SSRC. */
  f->a.seq = 5;
  hdr.payload_type = PROTO_RTP_PT_OPUS;
  assert_int_equal(proto_rtp_pack(&hdr, (const uint8_t *)"plain text, longer than a tag", 29, plain,
                                  sizeof plain, &plain_len),
                   HX_OK);
  assert_int_equal(srv_media_handle(f->h->srv, &from, plain, plain_len, 20), HX_ERR_AUTH);
  assert_int_equal(f->h->nudp, 0);
  assert_false(f->a.s->member->has_addr);
}

static void loud_packet_announces_speaking(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 90, 10), HX_OK);
  assert_int_equal(f->h->nmsgs, 0);
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 30, 20), HX_OK);
  json_t *ev = h_nth(f->h, f->b.s->id, 0);
  assert_non_null(ev);
  assert_string_equal(h_str(ev, "event"), "speaking");
  assert_true(json_is_true(json_object_get(ev, "speaking")));
  srv_room_tick(f->h->srv, 420);
  ev = h_nth(f->h, f->b.s->id, 1);
  assert_non_null(ev);
  assert_true(json_is_false(json_object_get(ev, "speaking")));
}

static void member_who_left_is_no_longer_routed(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 10), HX_OK);
  assert_int_equal(h_line(f->a.s, "{\"type\":\"leave\",\"id\":1}"), HX_OK);
  h_clear(f->h);
  assert_int_equal(send_from(f, &f->a, &f->a.addr, 127, 20), HX_ERR_NOT_FOUND);
  assert_int_equal(send_from(f, &f->b, &f->b.addr, 127, 20), HX_OK);
  assert_null(sent_to(f->h, &f->a.addr));
}

static int media_log_lines;

static void count_media_lines(void *ud, enum hx_log_level level, const char *module,
                              const char *message)
{
  (void)ud;
  (void)level;
  (void)message;
  if (strcmp(module, "media") == 0)
    media_log_lines++;
}

static void bad_packets_are_logged_once_per_source_per_interval(void **state)
{
  struct fixture *f = *state;
  uint8_t junk[64];
  memset(junk, 0xee, sizeof junk);
  struct sockaddr_storage one = h_addr("10.0.0.1", 1000);
  media_log_lines = 0;
  hx_log_set_sink(count_media_lines, NULL);
  for (uint64_t t = 0; t < 1000; t++)
    srv_media_handle(f->h->srv, &one, junk, sizeof junk, 100000 + t);
  assert_int_equal(media_log_lines, 1);
  srv_media_handle(f->h->srv, &one, junk, sizeof junk, 100000 + SRV_MEDIA_LOG_INTERVAL_MS);
  assert_int_equal(media_log_lines, 2);
  /* Many sources at once (spoofed addresses): a budget per interval. */
  media_log_lines = 0;
  for (uint16_t port = 1; port <= 500; port++) {
    struct sockaddr_storage from = h_addr("10.0.0.2", port);
    srv_media_handle(f->h->srv, &from, junk, sizeof junk, 200000);
  }
  assert_true(media_log_lines <= SRV_MEDIA_LOG_BUDGET);
  assert_true(media_log_lines >= 1);
  hx_log_set_sink(NULL, NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(forwards_to_members_under_their_down_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(member_without_known_address_gets_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(muted_sender_is_not_forwarded_but_hears_the_room, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(bit_flipped_packet_is_dropped_and_teaches_no_address, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(replayed_packet_is_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(authenticated_packet_from_new_address_relearns_it, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(packets_that_are_not_ours_are_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(loud_packet_announces_speaking, setup, teardown),
      cmocka_unit_test_setup_teardown(member_who_left_is_no_longer_routed, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_packets_are_logged_once_per_source_per_interval, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
