/* Audio devices for the client. A device moves 48 kHz 16-bit samples (mono
 * in; mono, or interleaved stereo for seats, out) between the outside (a PortAudio stream, a WAV file paced in real time, or
 * nothing) and two lock-free rings:
 *   capture ring:  device thread/callback produces, the client consumes;
 *   playback ring: the client produces, device thread/callback consumes.
 * The device side (PortAudio callback or file pacer thread) touches only
 * these rings: no allocation, no locks, no I/O in the PortAudio callback.
 * On playback underrun the device plays (or writes) silence, so a WAV output
 * file's timeline is wall-clock time from start to stop.
 * cli_audio_open/start/stop/close are called from the client's main thread. */
#ifndef CLI_AUDIO_H
#define CLI_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
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
  /* Called on the audio thread each time a period has gone through the
   * rings, so the client encodes and tops playback up at once rather than
   * at its next timer tick; it must only signal (uv_async_send). NULL:
   * none. */
  void (*wake)(void *userdata);
  void *wake_userdata;
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
 * to mono rather than failing). The playback ring holds interleaved frames
 * of this many samples. */
int cli_audio_output_channels(const struct cli_audio *a);

struct hx_ring *cli_audio_capture_ring(struct cli_audio *a);
struct hx_ring *cli_audio_playback_ring(struct cli_audio *a);
/* The most the output takes from the playback ring at once, in frames:
 * 5 ms, the pacer's period for a WAV file or no output, and what a
 * PortAudio callback asks for. A device that pulls more at once (ALSA's
 * PulseAudio plugin can) shows as underruns, and the client keeps more
 * ready. */
size_t cli_audio_playback_period(const struct cli_audio *a);
/* Playback samples the output had to fill with silence since it opened
 * (the ring was short). Any thread. */
unsigned long cli_audio_underrun_samples(const struct cli_audio *a);
/* Frames the device keeps queued itself on output (PortAudio latency), for
 * latency accounting. */
size_t cli_audio_output_latency_samples(const struct cli_audio *a);

/* Prints one line per PortAudio device: index, name, inputs/outputs,
 * default rate, and which ones are the defaults. */
int cli_audio_list_devices(FILE *out);

#endif
