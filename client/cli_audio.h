/* Audio devices for the client. A device moves 48 kHz 16-bit samples (mono
 * in; mono, or interleaved stereo for seats, out) between the outside (a
 * PortAudio stream, a WAV file paced in real time, or nothing) and the
 * client:
 *   capture: the device thread/callback fills a lock-free ring, the client
 *            drains it;
 *   playback: the device thread/callback asks the render function for each
 *            period at the moment it is due, so nothing waits in a queue
 *            between the mix and the device.
 * The device side (PortAudio callback or file pacer thread) never
 * allocates, locks or does I/O in the PortAudio callback, and neither may
 * the render function. A WAV output file's timeline is wall-clock time
 * from start to stop.
 * cli_audio_open/start/stop/close are called from the client's main thread. */
#ifndef CLI_AUDIO_H
#define CLI_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct hx_ring;
struct cli_audio;

struct cli_audio_config {
  /* NULL or "default": the default device. A name ending in ".wav" is a
   * file (input: read and resampled to 48 kHz mono, silence after its end;
   * output: written until stop). Otherwise a PortAudio device name, matched
   * case-insensitively as a substring, or its index from --list-devices. */
  const char *input;
  const char *output;
  bool no_audio;        /* null device: capture silence, discard playback */
  int output_channels;  /* 2: stereo playback (seats); 0 or 1: mono */
  size_t frame_samples; /* 480 (10 ms) or 960 (20 ms): the codec frame,
                           which the capture ring holds several of */
  /* Called on the audio thread each time a period has been captured, so
   * the client encodes it and tops up its speech and earcons at once
   * rather than at its next timer tick; it must only signal
   * (uv_async_send). NULL: none. */
  void (*wake)(void *userdata);
  void *wake_userdata;
  /* Called on the audio thread for each period of output: fills out with
   * frames sample frames (interleaved when cli_audio_output_channels is 2)
   * to be played now. It must not block, allocate or do I/O: it runs in
   * the PortAudio callback. NULL: silence. */
  void (*render)(void *userdata, int16_t *out, size_t frames);
  void *render_userdata;
};

/* On failure *out is NULL and err holds one sentence for the user that says
 * what failed and what to try, e.g.
 * 'cannot open audio input "USB": no such device; try --list-devices, or
 * --no-audio to join without sound'. */
int cli_audio_open(const struct cli_audio_config *cfg, struct cli_audio **out, char *err,
                   size_t err_cap);
int cli_audio_start(struct cli_audio *a);
/* Stops streams and pacer threads; flushes a WAV output. */
int cli_audio_stop(struct cli_audio *a);
void cli_audio_close(struct cli_audio *a);

/* What playback got: 2 when stereo was asked for and the output can play
 * it, else 1 (a PortAudio device without two output channels falls back
 * to mono rather than failing). The render function fills interleaved
 * frames of this many samples. */
int cli_audio_output_channels(const struct cli_audio *a);

struct hx_ring *cli_audio_capture_ring(struct cli_audio *a);
/* The most the output asks the render function for at once, in frames:
 * 2.5 ms, for a WAV file, no output or a PortAudio callback alike. */
size_t cli_audio_playback_period(const struct cli_audio *a);
/* Main thread, now and then while started (each pump): when a sound
 * device's output keeps running dry, reopens it with a period more queued,
 * or a period less when that one more did not help (cli_devqueue.h), and
 * logs it. A click each time, so seldom. */
void cli_audio_keep_up(struct cli_audio *a, uint64_t now_ms);
/* Frames the device keeps queued itself on output (PortAudio latency), for
 * latency accounting. */
size_t cli_audio_output_latency_samples(const struct cli_audio *a);

/* Prints one line per PortAudio device: index, name, inputs/outputs,
 * default rate, and which ones are the defaults. */
int cli_audio_list_devices(FILE *out);

#endif
