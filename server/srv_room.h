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
#include "srv_db.h"
#include "srv_name.h"

/* Speaking is on from a packet at most this many dB below full scale... */
#define SRV_SPEAKING_LEVEL 50
/* ...and off this long after the last such packet. */
#define SRV_SPEAKING_HOLD_MS 400

struct proto_srtp;
struct srv_session;
struct srv_utterance;

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
  enum srv_role role;
  bool forced_mute; /* by a facilitator: the person cannot undo it */
  bool listening;   /* moved to listening: hears, never forwarded */
  bool stepped_out; /* on the roster, hears nothing, never forwarded */
  bool defer;       /* a facilitator who follows the floor like everyone */
  bool hand;
  uint64_t hand_seq; /* raise order */
  bool away;
  bool typing;
  /* Typed speech (srv_speech.c): the stream the server speaks it on. */
  uint32_t text_ssrc;
  uint16_t text_seq;
  uint32_t text_ts;
  uint64_t typed_last_ms; /* when their last typed line ended; 0: never */
};

#define SRV_ROOM_MESSAGE_MAX 512

struct srv_room {
  struct srv_room *next; /* in srv->rooms */
  char name[SRV_NAME_BYTES];
  struct srv_settings settings;
  struct srv_member **members; /* owned array of SRV_ROOM_LIMIT_MAX, in join order */
  size_t count;
  bool gone; /* deleted by the operator while people were in it */
  /* Floor (srv_floor.c). */
  struct srv_member *holder;
  uint64_t turn_start_ms;
  bool cue_sent, end_sent;
  uint64_t hand_counter;
  /* Ending with notice (srv_circle.c). */
  bool closing;
  uint64_t close_at_ms;
  unsigned close_next; /* seconds left at which the next notice is due */
  char close_message[SRV_ROOM_MESSAGE_MAX];
  /* Typed lines waiting or playing (srv_speech.c): owned, in arrival
   * order except that the one playing is moved to the head. */
  struct srv_utterance *typed;
};

/* Adds a room in memory only. HX_ERR_EXISTS when the name is in use,
 * HX_ERR_INVALID for a bad name or limit. *out may be NULL. */
int srv_room_create(struct srv *srv, const char *name, const struct srv_settings *settings,
                    struct srv_room **out);
/* Frees a room that has no members left (srv_destroy). */
void srv_room_free(struct srv_room *room);
/* Unlinks and frees an empty room. */
void srv_room_remove(struct srv *srv, struct srv_room *room);
/* Puts the session into room as a member (its checks already done) and
 * sends "joined" (echoing id when >= 0) and the room's event. */
void srv_room_enter(struct srv *srv, struct srv_session *s, struct srv_room *room, json_int_t id);
/* {"type":"event","event":what,"room":...,"session":...,"name":...} */
json_t *srv_room_event(const char *what, const struct srv_member *m);
/* Sends ev (stolen) to every member of the room. */
void srv_room_broadcast(struct srv *srv, const struct srv_room *room, json_t *ev);
/* Sends ev (stolen) to the room's hosts and facilitators. */
void srv_room_tell_facilitators(struct srv *srv, const struct srv_room *room, json_t *ev);
/* The member of room with that session id, or NULL. */
struct srv_member *srv_room_member(const struct srv_room *room, uint64_t session_id);
/* The roster, as in "joined". New reference or NULL. */
json_t *srv_room_roster(const struct srv_room *room);
/* Looks a room up by name, ignoring ASCII case. */
struct srv_room *srv_room_find(struct srv *srv, const char *name);

/* Request handlers: msg is a parsed message of the named type. */
void srv_room_on_rooms(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_room_on_join(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_room_on_leave(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_room_on_mute(struct srv *srv, struct srv_session *s, const json_t *msg);

/* How a member leaves: extra fields on the "left" event. */
enum srv_leave_how { SRV_LEAVE_PLAIN, SRV_LEAVE_QUIET, SRV_LEAVE_REMOVED, SRV_LEAVE_SILENT };

/* Takes the session out of its room (no-op when in none) and tells the
 * others; tell_self also sends the event to the session itself. */
void srv_room_leave(struct srv *srv, struct srv_session *s, bool tell_self);
/* The same with a manner: QUIET and REMOVED mark the event, SILENT sends
 * none (the room is closing). */
void srv_room_leave_how(struct srv *srv, struct srv_session *s, bool tell_self,
                        enum srv_leave_how how);
/* An authenticated packet's RFC 6464 level from a member. */
void srv_room_note_level(struct srv *srv, struct srv_member *m, bool voice, uint8_t level,
                         uint64_t now_ms);
/* Turns speaking off for one member now (muted, moved, stepped out). */
void srv_room_stop_speaking(struct srv *srv, struct srv_member *m);
/* Turns speaking off for members silent for SRV_SPEAKING_HOLD_MS. */
void srv_room_tick(struct srv *srv, uint64_t now_ms);

#endif
