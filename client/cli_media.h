/* The client's media pipelines, as plain functions the event loop calls:
 *   send:    capture ring -> (silence when muted) -> level -> Opus -> RTP ->
 *            SRTP -> a send callback (the UDP socket);
 *   receive: UDP bytes -> SRTP -> RTP -> a lock-free queue to the render
 *            thread -> the speaker's jitter buffer;
 *   render:  each speaker's jitter buffer -> Opus (or concealment) -> mix ->
 *            the device: mono, or with seats (cli_media_set_channels 2)
 *            interleaved stereo, each speaker panned to its seat; speech and
 *            earcons (mixed ahead on the loop, cli_media_fill_overlay) are
 *            added on top.
 * Speakers are the SSRCs on the roster (cli_media_allow); packets from any
 * other SSRC are dropped. No call on the packet path allocates: speakers are
 * created when they join the roster.
 * Threads: cli_media_render runs on the audio device's thread (the
 * PortAudio callback): it never allocates, locks or does I/O. Every other
 * call is for the main (loop) thread. */
#ifndef CLI_MEDIA_H
#define CLI_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto_srtp.h"

/* Two streams a person (voice and typed speech): a room of 32 and more. */
#define CLI_MEDIA_MAX_SPEAKERS 64
/* The RFC 6464 level (-dBov) at or below which a frame counts as voice. */
#define CLI_MEDIA_VOICE_LEVEL 50

struct hx_ring;
struct cli_media;

/* When the microphone is sent: always (Opus DTX makes silence nearly
 * free), while the voice detector hears voice, or while talk is toggled on
 * (/talk). Frames not sent are encoded as silence so the encoder's state
 * stays continuous; a packet still goes out every second so the server
 * keeps our address. */
enum cli_media_transmit {
  CLI_MEDIA_TRANSMIT_ALWAYS,
  CLI_MEDIA_TRANSMIT_VOICE,
  CLI_MEDIA_TRANSMIT_TOGGLE,
};

struct cli_media_stats {
  uint64_t packets_sent;
  uint64_t packets_received; /* authenticated and parsed */
  uint64_t frames_decoded;
  uint64_t frames_concealed;
  uint64_t frames_recovered; /* lost, rebuilt from the next packet's FEC */
  uint64_t late;             /* arrived after their playout time */
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
 * is never a speaker. HX_ERR_FULL past CLI_MEDIA_MAX_SPEAKERS. A forgotten
 * speaker's memory is freed by the next cli_media_allow once the render
 * thread has let go of it (its next period), or by cli_media_destroy. */
int cli_media_allow(struct cli_media *m, uint32_t ssrc);
void cli_media_forget(struct cli_media *m, uint32_t ssrc);

/* The output's channels: 1 (mono, the default) or 2 (interleaved stereo,
 * for seats). Set once, before rendering starts; HX_ERR_INVALID
 * otherwise. */
int cli_media_set_channels(struct cli_media *m, int channels);
int cli_media_channels(const struct cli_media *m);
/* Where a speaker sits in stereo output: pan -1 (left) .. +1 (right), 0 the
 * middle (every speaker's start), through aud_pan_gains' constant-power
 * law; mono output ignores it. A person may speak with more than one SSRC:
 * the caller gives each the person's pan. HX_ERR_NOT_FOUND when ssrc is
 * no speaker, HX_ERR_INVALID outside -1..1. */
int cli_media_set_pan(struct cli_media *m, uint32_t ssrc, float pan);
int cli_media_speaker_pan(const struct cli_media *m, uint32_t ssrc, float *pan);

void cli_media_set_muted(struct cli_media *m, bool muted);
/* Capture settings; the defaults are 24 kbit/s, always, no denoise. */
int cli_media_set_bitrate(struct cli_media *m, int bitrate);
int cli_media_set_transmit(struct cli_media *m, enum cli_media_transmit mode);
int cli_media_set_preprocess(struct cli_media *m, bool denoise);
/* Toggle mode: whether talk is on. */
void cli_media_set_talking(struct cli_media *m, bool talking);
bool cli_media_talking(const struct cli_media *m);
/* Expected loss in percent that receivers reported (0..100): tunes how
 * much FEC we send. */
int cli_media_set_loss(struct cli_media *m, int percent);
/* A "loss" event from the server (one listener's figure): sets the expected
 * loss to the highest figure heard in the last CLI_MEDIA_LOSS_WINDOW_MS,
 * so one listener on a poor link gets the FEC it needs even between the
 * reports of listeners on good ones; *applied (may be NULL) gets the figure
 * set. now_ms: a monotonic clock. HX_ERR_INVALID outside 0..100, and
 * nothing changes. */
#define CLI_MEDIA_LOSS_WINDOW_MS 5000
int cli_media_note_loss(struct cli_media *m, int percent, uint64_t now_ms, int *applied);

/* Loss each speaker's stream showed since the last call, for the receiver
 * report; speakers that sent nothing are left out. Returns how many were
 * written to out. */
struct cli_media_report {
  uint32_t ssrc;
  int loss; /* percent, 0..100 */
};
size_t cli_media_take_reports(struct cli_media *m, struct cli_media_report *out, size_t cap);

typedef void (*cli_media_send_fn)(void *userdata, const uint8_t *pkt, size_t len);

/* Encodes and sends every whole frame the capture ring holds. Before a join
 * the frames are read and dropped, so the ring never fills. */
int cli_media_pump_capture(struct cli_media *m, struct hx_ring *capture, cli_media_send_fn send,
                           void *userdata);

/* One datagram from the server, unprotected in place (pkt holds len bytes),
 * handed on to the render thread with the time it arrived. Failures are
 * counted, never fatal: HX_ERR_AUTH, HX_ERR_REPLAY, HX_ERR_NOT_FOUND
 * (unknown SSRC), HX_ERR_STATE (not joined), HX_ERR_FULL (the render
 * thread has not taken the last 512 packets), parse errors. Late and
 * duplicate packets are found, and counted, as the render thread takes
 * them. */
int cli_media_receive(struct cli_media *m, uint8_t *pkt, size_t len);

/* Render thread: fills out with the next frames sample frames (interleaved
 * when the output is stereo), in or out of a room (silence then): each
 * speaker's next samples from its jitter buffer, at the moment the device
 * needs them, plus the next speech and earcons. Matches
 * cli_audio_config.render. */
void cli_media_render(struct cli_media *m, int16_t *out, size_t frames);
/* Called on each 2.5 ms piece of speech and earcons (n samples per
 * channel, interleaved when channels is 2), which arrives as silence and
 * is added to in place; returns the gain (0..1) the room's voices get
 * under it: the room's volume, lowered while an announcement speaks. On
 * the loop thread, like cli_media_fill_overlay. NULL removes it. */
typedef float (*cli_media_post_mix_fn)(void *userdata, int16_t *frame, size_t n, int channels);
void cli_media_set_post_mix(struct cli_media *m, cli_media_post_mix_fn fn, void *userdata);
/* Mixes speech and earcons (the post-mix callback) ahead, until target
 * frames wait for the render thread. Their delay is that target; the
 * voices' is not, since they are mixed as the device plays them. */
int cli_media_fill_overlay(struct cli_media *m, size_t target);
/* Frames the render thread found no speech and earcons ready for so far
 * (the loop ran late), so the loop can keep more ready. Any thread. */
unsigned long cli_media_overlay_short(const struct cli_media *m);

void cli_media_get_stats(const struct cli_media *m, struct cli_media_stats *out);
/* Packets stored for a speaker; HX_ERR_NOT_FOUND when ssrc is no speaker. */
int cli_media_speaker_packets(const struct cli_media *m, uint32_t ssrc, uint64_t *packets);

/* The /stats line. */
void cli_media_format_stats(const struct cli_media_stats *s, char *out, size_t cap);

#endif
