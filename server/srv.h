/* The server's state (struct srv) and the effects it asks for. Everything in
 * hearth_server_core except srv_net.c is plain functions on this context:
 * control lines and UDP packets come in as bytes, and replies, forwarded
 * media and closes go out through struct srv_callbacks, so unit tests run
 * the whole server without a socket. Single-threaded: call everything from
 * the thread that runs the event loop. */
#ifndef SRV_H
#define SRV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "proto_msg.h"
#include "srv_media.h"
#include "srv_ssrc.h"

#define SRV_NAME "hearthd"
#define SRV_DEFAULT_PORT 7710
#define SRV_ROOM_LIMIT_DEFAULT 12
#define SRV_ROOM_LIMIT_MAX 256
#define SRV_MAX_SESSIONS 256
#define SRV_MOTD_DEFAULT "Welcome to Hearth."
#define SRV_LOBBY "Lobby"
/* How often the running server looks for operator CLI changes. */
#define SRV_RELOAD_MS 1000

/* Effects. The server never blocks on them; the network layer queues. */
struct srv_callbacks {
  void *ud;
  /* Sends one control message to a session (the callee encodes it). */
  void (*send_msg)(void *ud, uint64_t session_id, const json_t *msg);
  /* Sends one datagram. */
  void (*send_udp)(void *ud, const struct sockaddr_storage *to, const uint8_t *buf, size_t len);
  /* Flushes what was sent to the session and then closes its connection.
   * Must not destroy the session before the current call returns. */
  void (*close_session)(void *ud, uint64_t session_id);
};

struct srv_options {
  const char *motd;    /* NULL: SRV_MOTD_DEFAULT */
  unsigned room_limit; /* 0: SRV_ROOM_LIMIT_DEFAULT */
  size_t max_sessions; /* 0: SRV_MAX_SESSIONS */
  uint16_t media_port; /* announced in "joined"; srv_net sets it after bind */
  const char *db_path;  /* NULL: an in-memory database (tests) */
  const char *fingerprint; /* the certificate's, bound into identity proofs */
  bool room_create_operator; /* room_create = operator: no create_room */
  bool speech;        /* start espeak-ng for typed speech (else text only) */
  unsigned text_max;  /* characters in a typed line; 0: the default */
};

struct srv_room;
struct srv_session;
struct srv_speech;

struct srv {
  struct srv_callbacks cb;
  char *motd; /* owned */
  unsigned room_limit;
  size_t max_sessions;
  uint16_t media_port;
  bool quiet;                   /* set while tearing down: no more messages */
  struct srv_room *rooms;       /* owned list, in creation order */
  struct srv_session *sessions; /* owned list, newest first */
  size_t session_count;
  uint64_t next_session_id;
  struct srv_ssrc_map ssrcs;       /* SSRC -> member of some room */
  struct srv_media_log media_log; /* rate limit for bad-packet log lines */
  struct srv_db *db;               /* owned */
  char fingerprint[80];
  bool room_create_operator;
  uint64_t now_ms;          /* the loop's clock at the last tick or packet */
  int64_t data_version;     /* PRAGMA data_version at the last reload */
  uint64_t last_reload_ms;
  struct srv_speech *speech; /* owned; NULL: typed lines are text only */
  unsigned text_max;
  uint64_t typed_seq; /* typed lines received, for synthesis order */
  uint8_t line[PROTO_MSG_MAX + 1]; /* scratch: the control line being handled */
};

/* Creates the server with the room "Lobby". cb may be NULL (set later with
 * srv_set_callbacks). */
int srv_create(const struct srv_options *opt, const struct srv_callbacks *cb, struct srv **out);
/* Frees every session and room without sending anything. */
void srv_destroy(struct srv *srv);
void srv_set_callbacks(struct srv *srv, const struct srv_callbacks *cb);

/* Builds {"type":type} with "id" when id >= 0. New reference or NULL. */
json_t *srv_msg_new(const char *type, json_int_t id);
/* Sends msg (a reference this call steals; NULL is ignored). */
void srv_send(struct srv *srv, uint64_t session_id, json_t *msg);
/* Sends an error reply; message is a printf format. */
void srv_send_error(struct srv *srv, uint64_t session_id, json_int_t id, enum proto_error code,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Tells every connected session that the server is shutting down in
 * seconds (0: now). */
void srv_announce_shutdown(struct srv *srv, unsigned seconds);
/* Wall-clock Unix time, for bans and invites. */
int64_t srv_wall_time(void);
/* Periodic work: speaking, turn limits, close countdowns and, every
 * SRV_RELOAD_MS, reloading rooms when the operator CLI changed the data. */
void srv_tick(struct srv *srv, uint64_t now_ms);

#endif
