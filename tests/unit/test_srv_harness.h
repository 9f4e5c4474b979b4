/* Shared by the test_srv_*.c unit tests: a server whose callbacks capture
 * what it sends, and helpers to talk to it as clients do, without sockets.
 * Include after <cmocka.h>. */
#ifndef TEST_SRV_HARNESS_H
#define TEST_SRV_HARNESS_H

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "proto_msg.h"
#include "proto_rtp.h"
#include "proto_srtp.h"
#include "srv.h"
#include "srv_media.h"
#include "srv_room.h"
#include "srv_session.h"

#define H_MAX_MSGS 512
#define H_MAX_UDP 64
#define H_MAX_CLOSED 16
#define H_PACKET_CAP (PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX)

struct h_msg {
  uint64_t session;
  json_t *msg; /* owned */
};

struct h_udp {
  struct sockaddr_storage to;
  uint8_t buf[H_PACKET_CAP];
  size_t len;
};

struct harness {
  struct srv *srv;
  struct h_msg msgs[H_MAX_MSGS];
  size_t nmsgs;
  struct h_udp udp[H_MAX_UDP];
  size_t nudp;
  uint64_t closed[H_MAX_CLOSED];
  size_t nclosed;
};

static inline void h_cb_send_msg(void *ud, uint64_t session_id, const json_t *msg)
{
  struct harness *h = ud;
  assert_true(h->nmsgs < H_MAX_MSGS);
  h->msgs[h->nmsgs].session = session_id;
  h->msgs[h->nmsgs].msg = json_deep_copy(msg);
  h->nmsgs++;
}

static inline void h_cb_send_udp(void *ud, const struct sockaddr_storage *to, const uint8_t *buf,
                                 size_t len)
{
  struct harness *h = ud;
  assert_true(h->nudp < H_MAX_UDP);
  assert_true(len <= H_PACKET_CAP);
  h->udp[h->nudp].to = *to;
  memcpy(h->udp[h->nudp].buf, buf, len);
  h->udp[h->nudp].len = len;
  h->nudp++;
}

static inline void h_cb_close(void *ud, uint64_t session_id)
{
  struct harness *h = ud;
  assert_true(h->nclosed < H_MAX_CLOSED);
  h->closed[h->nclosed++] = session_id;
}

static inline void h_clear(struct harness *h)
{
  for (size_t i = 0; i < h->nmsgs; i++)
    json_decref(h->msgs[i].msg);
  h->nmsgs = 0;
  h->nudp = 0;
  h->nclosed = 0;
}

static inline struct harness *h_new(const struct srv_options *opt)
{
  struct harness *h = calloc(1, sizeof *h);
  assert_non_null(h);
  assert_int_equal(proto_srtp_global_init(), HX_OK);
  struct srv_callbacks cb = {h, h_cb_send_msg, h_cb_send_udp, h_cb_close};
  struct srv_options defaults = {.media_port = 7710};
  assert_int_equal(srv_create(opt ? opt : &defaults, &cb, &h->srv), HX_OK);
  return h;
}

/* Adds a room in memory, as the database would load it. */
static inline int h_room(struct harness *h, const char *name, const char *topic, unsigned limit)
{
  struct srv_settings st;
  srv_settings_defaults(&st, limit);
  snprintf(st.topic, sizeof st.topic, "%s", topic);
  return srv_room_create(h->srv, name, &st, NULL);
}

static inline void h_free(struct harness *h)
{
  h_clear(h);
  srv_destroy(h->srv);
  free(h);
}

static inline struct srv_session *h_open(struct harness *h)
{
  struct srv_session *s = NULL;
  assert_int_equal(srv_session_open(h->srv, NULL, &s), HX_OK);
  return s;
}

static inline int h_line(struct srv_session *s, const char *line)
{
  char buf[8192];
  int n = snprintf(buf, sizeof buf, "%s\n", line);
  assert_true(n > 0 && (size_t)n < sizeof buf);
  return srv_session_feed(s, (const uint8_t *)buf, (size_t)n);
}

/* The index-th message sent to session (0 is the first), or NULL. */
static inline json_t *h_nth(struct harness *h, uint64_t session, size_t index)
{
  for (size_t i = 0; i < h->nmsgs; i++) {
    if (h->msgs[i].session == session && index-- == 0)
      return h->msgs[i].msg;
  }
  return NULL;
}

static inline size_t h_count(struct harness *h, uint64_t session)
{
  size_t n = 0;
  for (size_t i = 0; i < h->nmsgs; i++)
    n += h->msgs[i].session == session;
  return n;
}

static inline const char *h_str(const json_t *msg, const char *key)
{
  return json_string_value(json_object_get(msg, key));
}

static inline json_int_t h_int(const json_t *msg, const char *key)
{
  json_t *v = json_object_get(msg, key);
  assert_true(json_is_integer(v));
  return json_integer_value(v);
}

/* Asserts the message is {"type":"error","code":code} with id (or no id when
 * id < 0). */
static inline void h_assert_error(const json_t *msg, const char *code, json_int_t id)
{
  assert_non_null(msg);
  assert_string_equal(h_str(msg, "type"), "error");
  assert_string_equal(h_str(msg, "code"), code);
  assert_non_null(h_str(msg, "message"));
  if (id < 0)
    assert_null(json_object_get(msg, "id"));
  else
    assert_int_equal(h_int(msg, "id"), id);
}

/* A session that said hello as name; the welcome is checked and cleared. */
static inline struct srv_session *h_hello(struct harness *h, const char *name)
{
  struct srv_session *s = h_open(h);
  char line[256];
  snprintf(line, sizeof line, "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"%s\"}", name);
  assert_int_equal(h_line(s, line), HX_OK);
  json_t *welcome = h_nth(h, s->id, 0);
  assert_non_null(welcome);
  assert_string_equal(h_str(welcome, "type"), "welcome");
  h_clear(h);
  return s;
}

/* Joins room; returns the "joined" reply (a new reference). Messages stay
 * captured. */
static inline json_t *h_join(struct harness *h, struct srv_session *s, const char *room)
{
  char line[256];
  snprintf(line, sizeof line, "{\"type\":\"join\",\"id\":3,\"room\":\"%s\"}", room);
  assert_int_equal(h_line(s, line), HX_OK);
  json_t *reply = h_nth(h, s->id, 0);
  assert_non_null(reply);
  assert_string_equal(h_str(reply, "type"), "joined");
  return json_incref(reply);
}

static inline void h_key(const json_t *joined, const char *which, uint8_t key[PROTO_SRTP_KEY_LEN])
{
  const char *b64 = h_str(json_object_get(joined, "srtp"), which);
  assert_non_null(b64);
  size_t len = 0;
  uint8_t buf[64];
  assert_int_equal(proto_b64_decode(b64, buf, sizeof buf, &len), HX_OK);
  assert_int_equal(len, PROTO_SRTP_KEY_LEN);
  memcpy(key, buf, PROTO_SRTP_KEY_LEN);
}

static inline struct sockaddr_storage h_addr(const char *ip, uint16_t port)
{
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *in = (struct sockaddr_in *)&ss;
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  assert_int_equal(inet_pton(AF_INET, ip, &in->sin_addr), 1);
  return ss;
}

#endif
