/* Private to cli_audio*.c: the two kinds of endpoint a cli_audio is built
 * from. Each direction (capture, playback) is served by exactly one of them:
 * the PortAudio part (one stream per direction) or the pacer (a thread that
 * works through WAV files or the null device in real time). cli_audio.c
 * decides which, and owns the capture ring both of them fill.
 * Called from the client's main thread only, like cli_audio.h. */
#ifndef CLI_AUDIO_IMPL_H
#define CLI_AUDIO_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_AUDIO_RATE 48000

struct hx_ring;

/* What plays: see cli_audio_config.render. */
typedef void (*cli_audio_render_fn)(void *userdata, int16_t *out, size_t frames);

/* --- PortAudio (cli_audio_pa.c) --- */

struct cli_audio_pa;

/* Opens an input stream into capture when want_input, an output stream
 * that plays what render gives when want_output (at least one of them). A NULL or
 * "default" name picks the default device. out_channels: 2 asks for
 * stereo output; a device that cannot play it is opened mono, and
 * cli_audio_pa_output_channels says which it got. */
int cli_audio_pa_open(const char *input, bool want_input, const char *output, bool want_output,
                      int out_channels, struct hx_ring *capture, cli_audio_render_fn render,
                      void *render_userdata, void (*wake)(void *), void *wake_userdata,
                      struct cli_audio_pa **out, char *err, size_t err_cap);
int cli_audio_pa_output_channels(const struct cli_audio_pa *pa);
int cli_audio_pa_start(struct cli_audio_pa *pa);
int cli_audio_pa_stop(struct cli_audio_pa *pa);
void cli_audio_pa_close(struct cli_audio_pa *pa);
size_t cli_audio_pa_output_latency_samples(const struct cli_audio_pa *pa);
/* Times the output callback found the device had run dry, so far. */
unsigned long cli_audio_pa_underflows(const struct cli_audio_pa *pa);
/* Main thread, while started: reopens the output with this many periods
 * queued (the old number again if the device refuses it), and logs why.
 * A click: call it only just after the device ran dry. */
int cli_audio_pa_requeue(struct cli_audio_pa *pa, unsigned periods, const char *why);
int cli_audio_pa_list_devices(FILE *out);

/* --- WAV files and the null device (cli_audio_file.c) --- */

enum cli_audio_source {
  CLI_AUDIO_SOURCE_NONE,    /* capture is someone else's job */
  CLI_AUDIO_SOURCE_SILENCE, /* null device */
  CLI_AUDIO_SOURCE_FILE,
};

enum cli_audio_sink {
  CLI_AUDIO_SINK_NONE,    /* playback is someone else's job */
  CLI_AUDIO_SINK_DISCARD, /* null device */
  CLI_AUDIO_SINK_FILE,
};

struct cli_audio_pacer_config {
  enum cli_audio_source source;
  const char *source_path; /* CLI_AUDIO_SOURCE_FILE only */
  enum cli_audio_sink sink;
  const char *sink_path; /* CLI_AUDIO_SINK_FILE only */
  int sink_channels;     /* 1 or 2: interleaved samples per playback frame */
  struct hx_ring *capture;
  cli_audio_render_fn render; /* NULL: silence */
  void *render_userdata;
  void (*wake)(void *userdata); /* NULL: none */
  void *wake_userdata;
};

/* The pacer's period: it works like a sound card with 2.5 ms periods (the
 * smallest step Opus and the mixer work in), so a WAV output adds no more
 * delay than a low-latency device would (JACK at 128 frames), whatever
 * the codec frame. Capture still completes a frame only when its last
 * sample is in, as with any device. */
#define CLI_AUDIO_PACER_PERIOD 120
/* What a PortAudio callback asks for at a time: 2.5 ms, like the pacer. */
#define CLI_AUDIO_DEVICE_PERIOD 120

struct cli_audio_pacer;

/* Loads the input file and creates the output file now, so that every
 * file problem is reported by cli_audio_open. */
int cli_audio_pacer_open(const struct cli_audio_pacer_config *cfg, struct cli_audio_pacer **out,
                         char *err, size_t err_cap);
int cli_audio_pacer_start(struct cli_audio_pacer *p);
/* Joins the thread; HX_ERR_IO if writing the output file failed. */
int cli_audio_pacer_stop(struct cli_audio_pacer *p);
/* Finalises the output file. */
void cli_audio_pacer_close(struct cli_audio_pacer *p);

#endif
