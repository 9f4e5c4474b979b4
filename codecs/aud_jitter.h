/* Per-speaker adaptive jitter buffer, keyed by RTP timestamp (samples at
 * 48 kHz). Packets carry their own span (10 or 20 ms, or any Opus length),
 * so one receiver plays senders of mixed frame sizes. Playout is pulled in
 * whatever steps the caller needs; each get hands back one packet, or a gap
 * to conceal (with the next packet when its in-band FEC covers the gap), or
 * silence.
 *
 * Delay control: it starts the floor (below) and a step behind the
 * first packet; a packet that arrives after its playout time (or is waited
 * for) grows the delay at once, in 2.5 ms steps, by what it lacked plus the
 * floor, so later packets as late as it play rather than being concealed
 * (the gap is concealed, the late packet is dropped, the next ones keep the
 * new delay). The smallest headroom (how long
 * before it was needed a packet arrived) over each window of packets
 * tells whether there is delay to spare (three windows in a row a step
 * above the floor) or too little (the second smallest a step below it:
 * one held-up arrival is not padded for). The floor is a 2.5 ms piece
 * plus a margin that starts at a step, grows a step with each packet that
 * came after it was needed and is let go a step after four windows with
 * none (2.5 to 7.5 ms in all); the caller pulls a piece at a time. Delay
 * whose cause is known is cut without waiting for three windows: what a
 * stream's first window shows, what a unit held for a late packet was not
 * needed for, the margin let go, and our own pulls falling behind the
 * clock (an output stall that lost time, however long, a slow device:
 * measured from now and queued at each get, once it has held 40 ms and is
 * 5 ms or more; a packet read during such a stall is no measure of
 * headroom). Delay is added 2.5 ms at a time and removed in whole
 * 2.5 ms steps (all that is spare at once where the next packet is here
 * and a pause too, or from the silence between two pause packets), only
 * in packets the sender marked as non-voice (RFC 6464 V flag), never
 * speech. The same rule absorbs clock drift between sender and receiver:
 * a fast sender fills the buffer and loses steps of its pauses, a slow one
 * empties it and gets silence inserted inside its pauses, at the floor
 * raised by what its drift will drain in the next few seconds of speech. After a pause longer than
 * AUD_JITTER_IDLE_SAMPLES (DTX, push-to-talk released) the buffer resyncs on
 * the next packet, so a new talk spurt starts with no extra delay. A
 * timestamp jump of more than AUD_JITTER_JUMP_SAMPLES (sender restarted)
 * resyncs too. One thread only; no allocation after create. */
#ifndef AUD_JITTER_H
#define AUD_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aud_opus.h"

#define AUD_JITTER_UNIT 480                 /* 10 ms: what a missing packet is waited for in */
#define AUD_JITTER_STEP 120                 /* 2.5 ms: the step delay grows, is cut or padded in */
#define AUD_JITTER_SLOTS 48                 /* packets held at most */
#define AUD_JITTER_MAX_SPAN 5760            /* 120 ms: longest Opus packet */
#define AUD_JITTER_IDLE_SAMPLES 9600        /* 200 ms without packets: idle */
#define AUD_JITTER_JUMP_SAMPLES (AUD_RATE * 2) /* sender restarted */

struct aud_jitter;

enum aud_jitter_kind {
  AUD_JITTER_PACKET,  /* decode data (len bytes); drop the first skip samples */
  AUD_JITTER_LOST,    /* conceal span samples; if len > 0, data is the next
                         packet, whose FEC recovers exactly these samples */
  AUD_JITTER_SILENCE, /* play span samples of silence (idle, or inserted) */
};

struct aud_jitter_out {
  enum aud_jitter_kind kind;
  uint32_t timestamp; /* sender's timeline: the first sample this covers */
  uint32_t span;  /* samples this result covers, after skip */
  uint32_t skip;  /* PACKET: samples already played by concealment */
  size_t len;     /* bytes in data */
  bool idle;      /* SILENCE because the speaker is not talking */
  uint8_t data[AUD_MAX_PACKET];
};

struct aud_jitter_stats {
  uint64_t late;       /* arrived after playout: dropped */
  uint64_t duplicates; /* same timestamp twice: dropped */
  uint64_t resyncs;    /* first packet, after idle, or a timestamp jump */
  uint64_t grown;      /* steps of delay added after late arrivals */
  uint64_t shrunk;     /* steps of a pause skipped to cut spare delay */
  uint64_t inserted;   /* steps of silence inserted for a slow sender */
};

int aud_jitter_create(struct aud_jitter **out);
void aud_jitter_destroy(struct aud_jitter *j);
/* Stores a payload of span samples (aud_opus_packet_samples) with its RTP
 * timestamp; voice is the sender's RFC 6464 V flag; now is when it
 * arrived, on the clock get is given. HX_ERR_EXISTS for a
 * duplicate, HX_ERR_AGAIN for a packet too late to play, HX_ERR_FULL when
 * all slots hold packets, HX_ERR_INVALID/HX_ERR_TOO_BIG for bad input; in
 * all these cases nothing changes. */
int aud_jitter_put(struct aud_jitter *j, const uint8_t *payload, size_t len, uint32_t timestamp,
                   uint32_t span, bool voice, uint32_t now);
/* The next piece of playout. now: the receiver's clock in samples (any
 * origin, may wrap), the same for put and get, so headroom is measured in
 * real time rather than in whole pulls; queued: samples the caller holds
 * decoded but not yet played. HX_ERR_NOT_FOUND (with out->kind SILENCE,
 * idle) until a first packet has arrived. */
int aud_jitter_get(struct aud_jitter *j, uint32_t now, uint32_t queued,
                   struct aud_jitter_out *out);
/* Samples stored at or after the playout point (the buffered delay). */
int aud_jitter_delay(const struct aud_jitter *j, uint32_t *samples);
/* The path is losing packets (the receiver's reports say so): keep a
 * packet more of delay, so a lost one's successor is usually here in time
 * for its in-band FEC. Taken back by the usual cuts once it is clean. */
void aud_jitter_set_lossy(struct aud_jitter *j, bool lossy);
void aud_jitter_get_stats(const struct aud_jitter *j, struct aud_jitter_stats *out);

#endif
