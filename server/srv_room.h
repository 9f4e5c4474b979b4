/* Rooms and their members: join, leave, mute, the roster, speaking state and
 * the events that tell everyone in a room what changed. Request handlers are
 * called by srv_session for authenticated sessions. Not thread-safe: call
 * from the loop thread. */
#ifndef SRV_ROOM_H
#define SRV_ROOM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "srv.h"
#include "srv_name.h"

#define SRV_ROOM_TOPIC_MAX 256
/* Speaking is on from a packet at most this many dB below full scale... */
#define SRV_SPEAKING_LEVEL 50
/* ...and off this long after the last such packet. */
#define SRV_SPEAKING_HOLD_MS 400

struct proto_srtp;
struct srv_session;

struct srv_member {
  struct srv_session *session; /* not owned; its ->member points back */
  struct srv_room *room;       /* not owned */
  uint32_t ssrc;
  struct proto_srtp *in;  /* owned: unprotects what the member sends (up) */
  struct proto_srtp *out; /* owned: protects what the member gets (down) */
  struct sockaddr_storage addr;
  bool has_addr; /* learnt from an authenticated packet */
  bool speaking;
  uint64_t last_loud_ms;
};

struct srv_room {
  struct srv_room *next; /* in srv->rooms */
  char name[SRV_NAME_BYTES];
  char topic[SRV_ROOM_TOPIC_MAX];
  unsigned limit;
  struct srv_member **members; /* owned array of `limit`, in join order */
  size_t count;
};

/* Adds a room. HX_ERR_EXISTS when the name is in use, HX_ERR_INVALID for a
 * bad name or limit. *out may be NULL. */
int srv_room_create(struct srv *srv, const char *name, const char *topic, unsigned limit,
                    struct srv_room **out);
/* Frees a room that has no members left (srv_destroy). */
void srv_room_free(struct srv_room *room);
/* Looks a room up by name, ignoring ASCII case. */
struct srv_room *srv_room_find(struct srv *srv, const char *name);

/* Request handlers: msg is a parsed message of the named type. */
void srv_room_on_rooms(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_room_on_join(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_room_on_leave(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_room_on_mute(struct srv *srv, struct srv_session *s, const json_t *msg);

/* Takes the session out of its room (no-op when in none) and tells the
 * others; tell_self also sends the event to the session itself. */
void srv_room_leave(struct srv *srv, struct srv_session *s, bool tell_self);
/* An authenticated packet's RFC 6464 level from a member. */
void srv_room_note_level(struct srv *srv, struct srv_member *m, bool voice, uint8_t level,
                         uint64_t now_ms);
/* Turns speaking off for members silent for SRV_SPEAKING_HOLD_MS. */
void srv_room_tick(struct srv *srv, uint64_t now_ms);

#endif
