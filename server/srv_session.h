/* One control connection's state: line framing, the hello gate and request
 * dispatch. Bytes in through srv_session_feed(); everything out goes through
 * the srv callbacks. Not thread-safe: call from the loop thread. */
#ifndef SRV_SESSION_H
#define SRV_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto_msg.h"
#include "srv.h"
#include "srv_db.h"
#include "srv_name.h"
#include "srv_speech.h"

/* Rejected lines logged per session; later ones are only counted, so one
 * client cannot flood the log. */
#define SRV_SESSION_LOG_LINES 10

struct srv_member;

struct srv_session {
  struct srv *srv;
  struct srv_session *prev, *next; /* in srv->sessions */
  uint64_t id;
  void *userdata; /* the network layer's connection; not owned */
  struct proto_framer framer;
  bool authenticated;
  bool closing; /* too_big: nothing more is read */
  bool muted;
  char name[SRV_NAME_BYTES];
  struct srv_member *member; /* owned; NULL when in no room */
  /* Identity (srv_ident.c). */
  bool identified;
  bool challenged;                /* a challenge awaits "prove" */
  char key[SRV_DB_KEY_B64];       /* base64 public key; "" for a guest */
  uint8_t key_raw[32];
  uint8_t nonce[32];
  json_int_t hello_id;
  char address[64];               /* peer IP without port, for bans; may be "" */
  struct srv_room *knocking;      /* anteroom of this room; not owned */
  unsigned rejected;         /* lines answered with an error */
  /* Typed speech (srv_speech.c). */
  enum srv_hear_text hear_text;
  struct a11y_tts_voice voice;
  unsigned say_tokens;    /* lines that may be sent now */
  uint64_t say_refill_ms; /* when the bucket last gained a line */
};

/* Opens a session for a new connection. HX_ERR_FULL when the server holds
 * max_sessions already (reply server_full and close), HX_ERR_NOMEM. */
int srv_session_open(struct srv *srv, void *userdata, struct srv_session **out);
/* Leaves the room (the others get event "left") and frees. NULL: no-op. */
void srv_session_close(struct srv_session *s);
/* Plaintext from the connection. Handles every complete line. Returns
 * HX_ERR_TOO_BIG after a line passed the limit: too_big was sent and
 * close_session requested; further bytes are ignored. */
int srv_session_feed(struct srv_session *s, const uint8_t *buf, size_t len);
struct srv_session *srv_session_find(struct srv *srv, uint64_t id);
/* Accepts the hello (after the identity proof, when there was a key) and
 * sends welcome echoing id. */
void srv_session_welcome(struct srv_session *s, json_int_t id);
/* The peer's address, for address bans (the network layer sets it). */
void srv_session_set_peer(struct srv_session *s, const struct sockaddr_storage *peer);

#endif
