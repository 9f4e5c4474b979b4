/* The pacer: a thread standing in for a sound card. Every period
 * (CLI_AUDIO_PACER_PERIOD), on an absolute schedule so it never drifts from
 * wall-clock time, it puts the next period of the input file (or silence)
 * into the capture ring and has the render function fill one period for
 * the output file (or nowhere: the speakers' playout still has to move
 * on). It is not a realtime callback, so writing the file from here is
 * fine; each tick does a bounded amount of work. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aud_wav.h"
#include "cli_audio_impl.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_ring.h"
#include "hx_util.h"

#define LOG_MODULE "audio"

struct cli_audio_pacer {
  enum cli_audio_source source;
  enum cli_audio_sink sink;
  int16_t *input;                /* owned; whole input file at 48 kHz mono */
  size_t input_len;              /* samples in input */
  size_t input_pos;              /* next sample to capture; pacer thread only */
  struct aud_wav_writer *writer; /* owned; NULL unless sink is a file */
  struct hx_ring *capture;       /* borrowed from cli_audio */
  cli_audio_render_fn render;    /* NULL: silence */
  void *render_userdata;
  int sink_channels; /* samples per playback frame */
  int16_t *frame; /* owned scratch of a period * sink_channels; pacer thread only */
  pthread_t thread;
  bool thread_running; /* main thread only */
  atomic_bool stopping;
  /* Written by the pacer thread, read by the main thread after the join. */
  unsigned long dropped;  /* capture samples the full ring refused */
  int write_error;        /* first output-file failure, HX_OK if none */
  void (*wake)(void *userdata);
  void *wake_userdata;
};

static void describe_errno(int errnum, char *buf, size_t cap)
{
  if (strerror_r(errnum, buf, cap) != 0)
    snprintf(buf, cap, "error %d", errnum);
}

static int load_input(struct cli_audio_pacer *p, const char *path, char *err, size_t err_cap)
{
  int rc = aud_wav_load(path, CLI_AUDIO_RATE, &p->input, &p->input_len);
  if (rc == HX_OK)
    return HX_OK;
  char why[128];
  /* The loader reports "cannot open" without a reason; asking again names
   * it ("No such file or directory", "Permission denied"). */
  if (rc == HX_ERR_IO && access(path, R_OK) != 0)
    describe_errno(errno, why, sizeof(why));
  else if (rc == HX_ERR_FORMAT)
    snprintf(why, sizeof(why), "not a 16-bit PCM WAV file");
  else
    snprintf(why, sizeof(why), "%s", hx_strerror(rc));
  snprintf(err, err_cap, "cannot open audio input \"%s\": %s", path, why);
  p->input = NULL;
  p->input_len = 0;
  return rc;
}

static int create_output(struct cli_audio_pacer *p, const char *path, char *err, size_t err_cap)
{
  errno = 0;
  int rc = aud_wav_open_write(path, CLI_AUDIO_RATE, p->sink_channels, &p->writer);
  if (rc == HX_OK)
    return HX_OK;
  int saved = errno;
  char why[128];
  if (rc == HX_ERR_IO && saved != 0)
    describe_errno(saved, why, sizeof(why));
  else
    snprintf(why, sizeof(why), "%s", hx_strerror(rc));
  snprintf(err, err_cap, "cannot create audio output \"%s\": %s", path, why);
  p->writer = NULL;
  return rc;
}

int cli_audio_pacer_open(const struct cli_audio_pacer_config *cfg, struct cli_audio_pacer **out,
                         char *err, size_t err_cap)
{
  *out = NULL;
  if ((cfg->source == CLI_AUDIO_SOURCE_FILE && !cfg->source_path) ||
      (cfg->sink == CLI_AUDIO_SINK_FILE && !cfg->sink_path) ||
      cfg->sink_channels < 1 || cfg->sink_channels > 2) {
    snprintf(err, err_cap, "cannot open audio: invalid file settings");
    return HX_ERR_INVALID;
  }
  struct cli_audio_pacer *p = calloc(1, sizeof(*p));
  int16_t *frame = calloc(CLI_AUDIO_PACER_PERIOD * (size_t)cfg->sink_channels, sizeof(int16_t));
  if (!p || !frame) {
    free(p);
    free(frame);
    snprintf(err, err_cap, "cannot open audio: out of memory");
    return HX_ERR_NOMEM;
  }
  p->source = cfg->source;
  p->sink = cfg->sink;
  p->capture = cfg->capture;
  p->render = cfg->render;
  p->render_userdata = cfg->render_userdata;
  p->sink_channels = cfg->sink_channels;
  p->wake = cfg->wake;
  p->wake_userdata = cfg->wake_userdata;
  p->frame = frame;
  atomic_init(&p->stopping, false);

  int rc = HX_OK;
  if (p->source == CLI_AUDIO_SOURCE_FILE)
    rc = load_input(p, cfg->source_path, err, err_cap);
  if (rc == HX_OK && p->sink == CLI_AUDIO_SINK_FILE)
    rc = create_output(p, cfg->sink_path, err, err_cap);
  if (rc != HX_OK) {
    cli_audio_pacer_close(p);
    return rc;
  }
  *out = p;
  return HX_OK;
}

static void capture_one_frame(struct cli_audio_pacer *p)
{
  size_t n = CLI_AUDIO_PACER_PERIOD;
  size_t have = 0;
  if (p->source == CLI_AUDIO_SOURCE_FILE && p->input_pos < p->input_len) {
    have = p->input_len - p->input_pos;
    if (have > n)
      have = n;
    memcpy(p->frame, p->input + p->input_pos, have * sizeof(int16_t));
    p->input_pos += have;
  }
  memset(p->frame + have, 0, (n - have) * sizeof(int16_t));
  size_t wrote = hx_ring_write(p->capture, p->frame, n);
  p->dropped += n - wrote;
}

static void play_one_frame(struct cli_audio_pacer *p)
{
  if (p->render)
    p->render(p->render_userdata, p->frame, CLI_AUDIO_PACER_PERIOD);
  else
    memset(p->frame, 0, CLI_AUDIO_PACER_PERIOD * (size_t)p->sink_channels * sizeof(int16_t));
  if (p->sink != CLI_AUDIO_SINK_FILE || p->write_error != HX_OK)
    return;
  int rc = aud_wav_write(p->writer, p->frame, CLI_AUDIO_PACER_PERIOD);
  if (rc != HX_OK) {
    /* Keep pacing (the client still needs its capture frames) but stop
     * writing a file that is already broken; stop reports the error. */
    p->write_error = rc;
    if (rc == HX_ERR_TOO_BIG)
      hx_log(HX_LOG_ERROR, LOG_MODULE, "audio output file reached the 4 GiB WAV limit; "
             "later sound is not recorded");
    else
      hx_log(HX_LOG_ERROR, LOG_MODULE, "cannot write audio output file: %s", hx_strerror(rc));
  }
}

static struct timespec ns_to_timespec(uint64_t ns)
{
  return (struct timespec){.tv_sec = (time_t)(ns / 1000000000u),
                           .tv_nsec = (long)(ns % 1000000000u)};
}

/* Whole seconds apart from the rest, so a bot running for weeks does not
 * overflow 64 bits of nanoseconds times samples. */
static uint64_t samples_to_ns(uint64_t samples)
{
  return samples / CLI_AUDIO_RATE * 1000000000u +
         samples % CLI_AUDIO_RATE * 1000000000u / CLI_AUDIO_RATE;
}

static void *pacer_main(void *arg)
{
  struct cli_audio_pacer *p = arg;
  uint64_t start = hx_clock_ns();
  /* Input sample i is captured from start + i/rate and output sample j is
   * taken for playing at start + (j/period + 1) periods: benchmarks put two
   * clients' files on one clock (CLOCK_MONOTONIC) with this line. */
  hx_log(HX_LOG_INFO, LOG_MODULE, "audio started at %llu ns, %d-sample periods",
         (unsigned long long)start, CLI_AUDIO_PACER_PERIOD);
  /* Tick k is due at start + k periods, computed from k rather than added
   * up, so rounding never accumulates. A frame is delivered when it has been
   * "recorded", at the end of its period, like a sound card does. If the
   * thread was held up, the missed ticks run back to back, so an output
   * file's length stays equal to the time that passed. */
  for (uint64_t k = 1; !atomic_load_explicit(&p->stopping, memory_order_acquire); k++) {
    struct timespec ts = ns_to_timespec(start + samples_to_ns(k * CLI_AUDIO_PACER_PERIOD));
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
    if (atomic_load_explicit(&p->stopping, memory_order_acquire))
      break;
    if (p->source != CLI_AUDIO_SOURCE_NONE)
      capture_one_frame(p);
    if (p->sink != CLI_AUDIO_SINK_NONE)
      play_one_frame(p);
    if (p->wake)
      p->wake(p->wake_userdata);
  }
  return NULL;
}

int cli_audio_pacer_start(struct cli_audio_pacer *p)
{
  /* Stop closed the output file: there is nothing to resume into. */
  if (p->thread_running || (p->sink == CLI_AUDIO_SINK_FILE && !p->writer))
    return HX_ERR_STATE;
  atomic_store(&p->stopping, false);
  int e = pthread_create(&p->thread, NULL, pacer_main, p);
  if (e != 0) {
    hx_log(HX_LOG_ERROR, LOG_MODULE, "cannot start the audio file thread (error %d)", e);
    return HX_ERR_NOMEM;
  }
  p->thread_running = true;
  return HX_OK;
}

int cli_audio_pacer_stop(struct cli_audio_pacer *p)
{
  if (!p->thread_running)
    return HX_OK;
  atomic_store_explicit(&p->stopping, true, memory_order_release);
  pthread_join(p->thread, NULL);
  p->thread_running = false;
  hx_log(HX_LOG_DEBUG, LOG_MODULE, "audio stopped: %lu capture samples dropped", p->dropped);
  int rc = p->write_error;
  int crc = aud_wav_close_write(p->writer);
  p->writer = NULL;
  if (rc == HX_OK && crc != HX_OK) {
    hx_log(HX_LOG_ERROR, LOG_MODULE, "cannot finish audio output file: %s", hx_strerror(crc));
    rc = crc;
  }
  return rc == HX_OK ? HX_OK : HX_ERR_IO;
}

void cli_audio_pacer_close(struct cli_audio_pacer *p)
{
  if (!p)
    return;
  cli_audio_pacer_stop(p);
  /* Never started: still leave a valid (empty) file behind. */
  aud_wav_close_write(p->writer);
  free(p->input);
  free(p->frame);
  free(p);
}
