/* Typed speech (docs/protocol.md, Typed speech): a member's typed line is
 * synthesised with espeak-ng in their chosen voice, encoded with Opus and
 * sent into their room under their text SSRC, taking its turn like a voice.
 *
 * Synthesis runs off the loop, on the worker thread of the process's one
 * a11y_tts (it owns espeak-ng); one line is synthesised at a time, oldest
 * first, and its PCM is drained and encoded on the loop a few frames per
 * tick, so a long line never stalls forwarding. Playback is paced by
 * srv_speech_tick, which the network layer calls every SRV_SPEECH_TICK_MS.
 * Text lives only in memory until its line has been spoken or cancelled; it
 * is never stored or logged.
 *
 * Not thread-safe: call everything from the loop thread. */
#ifndef SRV_SPEECH_H
#define SRV_SPEECH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a11y_tts.h"

#define SRV_SPEECH_TICK_MS 10
#define SRV_SPEECH_TEXT_MAX_DEFAULT 500
/* A11Y_TTS_TEXT_MAX bytes hold this many characters of any UTF-8. */
#define SRV_SPEECH_TEXT_MAX_LIMIT 1000
/* Nobody in the room has sent voice for this long: a line may start. */
#define SRV_SPEECH_GAP_MS 300
/* Lines a session may send at once, then one per SRV_SPEECH_REFILL_MS. */
#define SRV_SPEECH_BURST 5
#define SRV_SPEECH_REFILL_MS 1000
/* Lines waiting in one room; past this, say is refused (rate_limited). */
#define SRV_SPEECH_ROOM_QUEUE_MAX 32
/* Longest line, in 20 ms frames (two minutes): the rest is not spoken. */
#define SRV_SPEECH_FRAMES_MAX 6000

/* How a member receives typed lines. */
enum srv_hear_text { SRV_HEAR_VOICE, SRV_HEAR_MINE, SRV_HEAR_TEXT };

struct srv;
struct srv_member;
struct srv_room;
struct srv_session;
struct srv_speech;
struct srv_utterance;

/* Starts espeak-ng (through a11y_tts) and the Opus encoder. HX_ERR_NOT_FOUND
 * when espeak-ng cannot start: the server then delivers typed lines as text
 * only ("spoken": false). */
int srv_speech_create(struct srv_speech **out);
/* NULL does nothing. Room queues empty as their members leave. */
void srv_speech_destroy(struct srv_speech *sp);

/* Per-session defaults: hear voice, espeak "en" at 175 wpm, pitch 50, and a
 * full burst. */
void srv_speech_session_init(struct srv_session *s);
/* The member leaves its room: their queued lines and the one playing are
 * dropped. */
void srv_speech_member_left(struct srv *srv, struct srv_member *m);
/* Starts lines whose turn has come and sends the frames that are due. */
void srv_speech_tick(struct srv *srv, uint64_t now_ms);
/* Whether any line is queued, synthesising or playing on the server. */
bool srv_speech_busy(const struct srv *srv);

/* Request handlers. */
void srv_speech_on_say(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_speech_on_say_stop(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_speech_on_voices(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_speech_on_voice(struct srv *srv, struct srv_session *s, const json_t *msg);
void srv_speech_on_hear_text(struct srv *srv, struct srv_session *s, const json_t *msg);

/* Cleans a typed line in place: control characters (C0, DEL, C1) become
 * spaces, runs of spaces stay as typed, and leading and trailing spaces
 * go. Returns the length in characters (code points); text must be valid
 * UTF-8. */
size_t srv_speech_clean(char *text);

#endif
