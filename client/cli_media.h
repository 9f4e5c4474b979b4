/* The client's media pipelines, as plain functions the event loop calls:
 *   send:    capture ring -> (silence when muted) -> level -> Opus -> RTP ->
 *            SRTP -> a send callback (the UDP socket);
 *   receive: UDP bytes -> SRTP -> RTP -> the speaker's jitter buffer;
 *   play:    each speaker's jitter buffer -> Opus (or concealment) -> mix ->
 *            playback ring.
 * Speakers are the SSRCs on the roster (cli_media_allow); packets from any
 * other SSRC are dropped. No call on the packet path allocates: speakers are
 * created when they join the roster. Main (loop) thread only. */
#ifndef CLI_MEDIA_H
#define CLI_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto_srtp.h"

#define CLI_MEDIA_MAX_SPEAKERS 32
/* The RFC 6464 level (-dBov) at or below which a frame counts as voice. */
#define CLI_MEDIA_VOICE_LEVEL 50

struct hx_ring;
struct cli_media;

struct cli_media_stats {
  uint64_t packets_sent;
  uint64_t packets_received; /* authenticated and parsed */
  uint64_t frames_decoded;
  uint64_t frames_concealed;
  uint64_t auth_failures;
  uint64_t replays;
  uint64_t dropped; /* malformed, wrong payload type or unknown SSRC */
};

/* frame_ms: 10 or 20. */
int cli_media_create(int frame_ms, struct cli_media **out);
void cli_media_destroy(struct cli_media *m);
size_t cli_media_frame_samples(const struct cli_media *m);

/* Starts media for a joined room: ssrc is ours, up/down the SRTP master keys
 * from "joined". Forgets every speaker of the previous room. */
int cli_media_join(struct cli_media *m, uint32_t ssrc, const uint8_t up[PROTO_SRTP_KEY_LEN],
                   const uint8_t down[PROTO_SRTP_KEY_LEN]);
/* Stops sending and forgets keys and speakers. */
void cli_media_leave(struct cli_media *m);
bool cli_media_joined(const struct cli_media *m);

/* Roster changes: a speaker gets a jitter buffer and a decoder. Our own SSRC
 * is never a speaker. HX_ERR_FULL past CLI_MEDIA_MAX_SPEAKERS. */
int cli_media_allow(struct cli_media *m, uint32_t ssrc);
void cli_media_forget(struct cli_media *m, uint32_t ssrc);

void cli_media_set_muted(struct cli_media *m, bool muted);

typedef void (*cli_media_send_fn)(void *userdata, const uint8_t *pkt, size_t len);

/* Encodes and sends every whole frame the capture ring holds. Before a join
 * the frames are read and dropped, so the ring never fills. */
int cli_media_pump_capture(struct cli_media *m, struct hx_ring *capture, cli_media_send_fn send,
                           void *userdata);

/* One datagram from the server, unprotected in place (pkt holds len bytes).
 * Failures are counted, never fatal: HX_ERR_AUTH, HX_ERR_REPLAY,
 * HX_ERR_NOT_FOUND (unknown SSRC), HX_ERR_STATE (not joined), parse errors. */
int cli_media_receive(struct cli_media *m, uint8_t *pkt, size_t len);

/* Produces frames into the playback ring until it holds at least target
 * samples (or is full). */
int cli_media_fill_playback(struct cli_media *m, struct hx_ring *playback, size_t target);

void cli_media_get_stats(const struct cli_media *m, struct cli_media_stats *out);
/* Packets stored for a speaker; HX_ERR_NOT_FOUND when ssrc is no speaker. */
int cli_media_speaker_packets(const struct cli_media *m, uint32_t ssrc, uint64_t *packets);

/* The /stats line. */
void cli_media_format_stats(const struct cli_media_stats *s, char *out, size_t cap);

#endif
