/* What the client says, plays and prints when something happens: the glue of
 * the cue policy (a11y_cues), the announcement queue (a11y_queue), speech
 * (a11y_tts) and earcons (a11y_earcon).
 *
 * cli_announce_event() decides from the cues whether an event prints a line
 * (through the print callback), is spoken (queued, one utterance at a time)
 * and/or plays its earcon. cli_announce_mix() applies the room volume to a
 * 48 kHz frame of room audio, ducks it smoothly while speech plays and
 * adds speech and earcons. The client calls it on silence, ahead of the
 * device, and has the voices mixed as they play under
 * cli_announce_room_gain. It never waits for the speech worker.
 *
 * With the "none" backend nothing is spoken: an event mapped to speech
 * prints its line instead, for the screen reader to read. With "speechd"
 * speech goes to speech-dispatcher (a11y_speechd), which speaks it in the
 * person's own voice on its own output: nothing is mixed or ducked here,
 * and earcons still play in the mix.
 *
 * Threads: every function runs on the client's loop thread, never in the
 * audio callback. */
#ifndef CLI_ANNOUNCE_H
#define CLI_ANNOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a11y_cues.h"
#include "a11y_earcon.h"
#include "a11y_speechd.h"
#include "a11y_tts.h"

#define CLI_ANNOUNCE_RATE_HZ 48000
#define CLI_ANNOUNCE_VOLUME_MAX 100 /* percent */
#define CLI_ANNOUNCE_VOLUME_STEP 10
#define CLI_ANNOUNCE_DUCK_DB 14
#define CLI_ANNOUNCE_RAMP_MS 20

struct cli_announce;

enum cli_speech_backend { CLI_SPEECH_ESPEAK, CLI_SPEECH_SPEECHD, CLI_SPEECH_NONE };
enum cli_announce_channel { CLI_ANNOUNCE_SPEECH, CLI_ANNOUNCE_CUES, CLI_ANNOUNCE_ROOM,
                            CLI_ANNOUNCE_CHANNEL_COUNT };

struct cli_announce_config {
  enum cli_speech_backend backend;
  struct a11y_tts_voice voice;
  struct a11y_cues cues;
  int volume[CLI_ANNOUNCE_CHANNEL_COUNT]; /* percent, 0..CLI_ANNOUNCE_VOLUME_MAX */
  bool speechd_autospawn; /* start speech-dispatcher when it is not running */
};

/* espeak, English at 175 wpm, the normal preset; speech 100 %, cues 70 %,
 * room 100 %. */
void cli_announce_config_default(struct cli_announce_config *cfg);
/* "espeak" | "speechd" | "none"; anything else HX_ERR_INVALID. */
int cli_announce_backend_parse(const char *s, enum cli_speech_backend *out);
/* "speech", "cues", "room". */
int cli_announce_channel_parse(const char *s, enum cli_announce_channel *out);

/* Receives each printed line (already sanitized, no newline). */
typedef void (*cli_announce_print_fn)(void *userdata, const char *line);

/* Starts speech for the espeak or speechd backend (HX_ERR_NOT_FOUND when
 * espeak-ng cannot start or speech-dispatcher cannot be reached; the
 * caller may fall back to CLI_SPEECH_NONE). */
int cli_announce_create(const struct cli_announce_config *cfg, cli_announce_print_fn print,
                        void *userdata, struct cli_announce **out);
void cli_announce_destroy(struct cli_announce *a);

/* Prints, speaks and/or plays an earcon as the cues say. HX_ERR_INVALID for
 * an unknown event. */
int cli_announce_event(struct cli_announce *a, enum a11y_cue_event ev,
                       const struct a11y_cue_info *info);
/* The same for a sentence already made (a circle event's line): outputs
 * is a mapping (A11Y_CUE_SPEECH | A11Y_CUE_EARCON | A11Y_CUE_TEXT) chosen
 * by the caller, which may have its own reasons to print or not. */
int cli_announce_say(struct cli_announce *a, enum a11y_cue_event ev, unsigned outputs,
                     const char *line);
/* False with the "none" backend, and once speech-dispatcher went away. */
bool cli_announce_has_speech(const struct cli_announce *a);
enum cli_speech_backend cli_announce_backend(const struct cli_announce *a);
/* frame holds n samples of room audio; it becomes the output. */
void cli_announce_mix(struct cli_announce *a, int16_t *frame, size_t n);
/* The same for n frames of channels interleaved samples (stereo seats):
 * the room volume and ducking apply to every channel, and speech and
 * earcons are added equally to each, so they are heard in the middle. */
void cli_announce_mix_interleaved(struct cli_announce *a, int16_t *frame, size_t n,
                                  int channels);
/* The gain room audio gets where the last mix ended: its volume, times the
 * ducking under speech; 0..1. */
float cli_announce_room_gain(const struct cli_announce *a);

/* Stops what is being said and drops everything queued. */
void cli_announce_silence(struct cli_announce *a);
/* Says the last announcement again, interrupting. HX_ERR_NOT_FOUND when
 * nothing was said yet; HX_ERR_STATE with the "none" backend. */
int cli_announce_repeat(struct cli_announce *a);
/* True while an utterance is queued, being said, or not yet heard. */
bool cli_announce_speaking(const struct cli_announce *a);

/* Adds delta percent (clamped to 0..CLI_ANNOUNCE_VOLUME_MAX); *now gets the
 * new volume for the confirmation line. */
int cli_announce_volume_change(struct cli_announce *a, enum cli_announce_channel ch, int delta,
                               int *now);
int cli_announce_volume(const struct cli_announce *a, enum cli_announce_channel ch);

/* Replaces the cue policy (mappings and templates) at run time. */
void cli_announce_set_cues(struct cli_announce *a, const struct a11y_cues *cues);
/* Voice for later utterances; HX_ERR_INVALID when out of range (use
 * a11y_tts_voice_check for the message), HX_ERR_STATE without espeak-ng
 * (speech-dispatcher's own settings choose its voice). */
int cli_announce_set_voice(struct cli_announce *a, const struct a11y_tts_voice *v);
/* Plays the person's own WAV for an event instead of its earcon (path as
 * given: no ~ here), or the earcon again when path is NULL. On error (as
 * a11y_earcon_load_wav) the event keeps the sound it had. */
int cli_announce_set_sound(struct cli_announce *a, enum a11y_cue_event ev, const char *path);

#endif
