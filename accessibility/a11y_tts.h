/* Text to speech with espeak-ng, in-process, as 16-bit mono PCM at 48 kHz.
 *
 * espeak-ng keeps its state in process globals, so THIS MODULE IS ITS ONLY
 * OWNER: no other file may call espeak-ng, and at most one a11y_tts exists at
 * a time (a second create returns HX_ERR_STATE). Inside it, one worker thread
 * owns espeak-ng: it initialises it in synchronous mode, takes requests (text,
 * voice) from a small queue, resamples espeak's 22050 Hz output to 48 kHz
 * with speexdsp and writes it into a bounded PCM buffer that the playback
 * side drains with a11y_tts_read().
 *
 * Text is spoken literally: no SSML, no [[phoneme]] input, so a name such as
 * "<speak>hi</speak>" from the network is read out, not obeyed.
 *
 * Threads: create/destroy/speak/cancel/read/idle are called from one thread
 * (the client's event loop). The buffer between the worker and that thread is
 * guarded by a mutex held only for a copy; an audio callback must never call
 * this module (the client mixes speech on its loop thread and hands the
 * result to the callback through a lock-free ring). */
#ifndef A11Y_TTS_H
#define A11Y_TTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define A11Y_TTS_RATE_HZ 48000
#define A11Y_TTS_WPM_MIN 80
#define A11Y_TTS_WPM_MAX 450
#define A11Y_TTS_WPM_DEFAULT 175
#define A11Y_TTS_PITCH_MAX 100  /* espeak's 0..100, 50 normal */
#define A11Y_TTS_VOLUME_MAX 200 /* espeak's 0..200, 100 normal */
/* Longest text one request carries; longer text is cut at a UTF-8 boundary. */
#define A11Y_TTS_TEXT_MAX 4096
#define A11Y_TTS_PENDING_MAX 8

struct a11y_tts_voice {
  char voice[64];    /* espeak voice name ("en-us", "de"); "" = by language */
  char language[32]; /* used when voice is "": "en", "fr"; "" = "en" */
  int rate_wpm;      /* A11Y_TTS_WPM_MIN..MAX */
  int pitch;         /* 0..A11Y_TTS_PITCH_MAX */
  int volume;        /* 0..A11Y_TTS_VOLUME_MAX */
};

/* One of espeak-ng's voices: name is what a voice spec starts with
 * ("en-us"), description espeak's own ("English (America)"). */
struct a11y_tts_voice_info {
  char name[32];
  char description[64];
};

/* Voices and variants ("f3", "m2", "klatt") known to espeak-ng. */
#define A11Y_TTS_VOICES_MAX 256
#define A11Y_TTS_VARIANTS_MAX 160
#define A11Y_TTS_VARIANT_BYTES 32

struct a11y_tts;

/* English, 175 wpm, pitch 50, volume 100. */
void a11y_tts_voice_default(struct a11y_tts_voice *v);
/* Clamps rate, pitch and volume into range. When something was out of range
 * it returns HX_ERR_INVALID and writes a sentence saying what was changed
 * ("speech rate 600 is above 450 words per minute; using 450") into why;
 * the clamped voice is usable either way. */
int a11y_tts_voice_check(struct a11y_tts_voice *v, char *why, size_t why_cap);

/* Starts the worker and espeak-ng. buffer_ms bounds the PCM the worker may
 * run ahead of playback (the worker waits when it is full).
 * HX_ERR_STATE when another a11y_tts exists, HX_ERR_NOT_FOUND when espeak-ng
 * or the voice cannot be loaded, HX_ERR_INVALID for a bad voice. */
int a11y_tts_create(const struct a11y_tts_voice *v, unsigned buffer_ms, struct a11y_tts **out);
/* Stops speech, joins the worker and releases espeak-ng. NULL does nothing. */
void a11y_tts_destroy(struct a11y_tts *t);

/* Voice for requests made after this call. HX_ERR_INVALID (voice unchanged)
 * when a value is out of range: call a11y_tts_voice_check first. */
int a11y_tts_set_voice(struct a11y_tts *t, const struct a11y_tts_voice *v);
/* Queues text to be spoken after what is already queued. Control characters
 * and invalid UTF-8 become '?'. HX_ERR_FULL when A11Y_TTS_PENDING_MAX
 * requests already wait. */
int a11y_tts_speak(struct a11y_tts *t, const char *text);
/* Stops now: the utterance being synthesised, the queued requests and the
 * PCM not yet read are all dropped. */
void a11y_tts_cancel(struct a11y_tts *t);

/* The voices and variants espeak-ng offers, read once at create; the arrays
 * stay valid until destroy. */
void a11y_tts_voices(const struct a11y_tts *t, const struct a11y_tts_voice_info **voices,
                     size_t *n_voices);
void a11y_tts_variants(const struct a11y_tts *t,
                       const char (**variants)[A11Y_TTS_VARIANT_BYTES], size_t *n_variants);
/* Whether spec is "VOICE" or "VOICE+VARIANT" with a voice (by name or
 * espeak file name, ignoring ASCII case) and variant that espeak-ng has.
 * espeak-ng itself ignores an unknown variant silently, so a request from a
 * person is checked here first. */
bool a11y_tts_voice_known(const struct a11y_tts *t, const char *spec);

/* Non-blocking: copies up to n samples of speech; *got may be 0 while the
 * worker is still synthesising. */
void a11y_tts_read(struct a11y_tts *t, int16_t *pcm, size_t n, size_t *got);
/* True when nothing is queued, being synthesised, or waiting to be read:
 * everything asked for has been heard. */
bool a11y_tts_idle(struct a11y_tts *t);

#endif
