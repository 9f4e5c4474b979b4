/* PortAudio endpoint: one input-only and/or one output-only stream. The
 * input callback touches only the capture ring and an atomic counter; the
 * output callback asks the render function for what to play. Two streams
 * rather than one duplex stream, so input and output may live on different
 * host APIs. */
#include <ctype.h>
#include <fcntl.h>
#include <pa_linux_alsa.h>
#include <portaudio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli_audio_impl.h"
#include "cli_devqueue.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_ring.h"
#include "hx_util.h"

#define LOG_MODULE "audio"
#define HINT "try --list-devices, or --no-audio to join without sound"
/* Two periods (5 ms) queued in the device each way to start with. The
 * output callback mixes at the moment it is called, so this is all the
 * output buffering there is. Three measured 2.5 ms more mouth to ear; two
 * run out more often on a busy machine, and where they do, the output is
 * reopened with more (cli_devqueue.h). PortAudio rounds it up to what the
 * device can do. */
#define DEVICE_LATENCY_S(periods) ((double)(periods) * CLI_AUDIO_DEVICE_PERIOD / CLI_AUDIO_RATE)

struct cli_audio_pa {
  PaStream *in_stream;      /* owned; NULL when capture is not ours */
  PaStream *out_stream;     /* owned; NULL when playback is not ours */
  struct hx_ring *capture;  /* borrowed from cli_audio */
  cli_audio_render_fn render; /* NULL: silence */
  void *render_userdata;
  /* Counted in the callbacks, reported at stop: a callback cannot log. */
  atomic_ulong dropped;    /* captured samples the full capture ring refused */
  atomic_ulong overflows;  /* times the device lost input before we read it */
  atomic_ulong underflows; /* times the device ran out of output to play */
  PaStreamParameters out_params; /* what the output was opened with */
  bool initialised;      /* Pa_Initialize succeeded; Pa_Terminate owed */
  bool started;
  size_t output_latency;
  int out_channels; /* 2: the render function fills interleaved stereo */
  void (*wake)(void *userdata); /* NULL: none; only signals, so callback-safe */
  void *wake_userdata;
};

static int input_callback(const void *input, void *output, unsigned long frames,
                          const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags,
                          void *user)
{
  (void)output;
  (void)time;
  struct cli_audio_pa *pa = user;
  if (flags & paInputOverflow)
    atomic_fetch_add_explicit(&pa->overflows, 1, memory_order_relaxed);
  if (!input)
    return paContinue;
  size_t wrote = hx_ring_write(pa->capture, input, frames);
  if (wrote < frames)
    atomic_fetch_add_explicit(&pa->dropped, frames - wrote, memory_order_relaxed);
  if (pa->wake)
    pa->wake(pa->wake_userdata);
  return paContinue;
}

static int output_callback(const void *input, void *output, unsigned long frames,
                           const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags,
                           void *user)
{
  (void)input;
  (void)time;
  struct cli_audio_pa *pa = user;
  if (flags & paOutputUnderflow)
    atomic_fetch_add_explicit(&pa->underflows, 1, memory_order_relaxed);
  int16_t *pcm = output;
  if (pa->render)
    pa->render(pa->render_userdata, pcm, frames);
  else
    memset(pcm, 0, frames * (size_t)pa->out_channels * sizeof(int16_t));
  /* No wake-up: whatever captures (the input callback or the pacer) wakes
   * the loop every period already, and the voices need nothing from the
   * loop in time. */
  return paContinue;
}

/* ALSA and JACK print pages of probing chatter to stderr while PortAudio
 * enumerates devices; none of it is for the user, so stderr points at
 * /dev/null for the duration. Devices are opened at start-up, so little
 * else can be writing to stderr in that moment. */
static PaError pa_initialize_quietly(void)
{
  fflush(stderr);
  int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
  int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  bool muted = saved >= 0 && null_fd >= 0 && dup2(null_fd, STDERR_FILENO) >= 0;
  PaError e = Pa_Initialize();
  if (muted)
    dup2(saved, STDERR_FILENO);
  if (saved >= 0)
    close(saved);
  if (null_fd >= 0)
    close(null_fd);
  return e;
}

static bool contains_ignoring_case(const char *haystack, const char *needle)
{
  size_t n = strlen(needle);
  for (const char *h = haystack; *h; h++) {
    size_t i = 0;
    while (i < n && h[i] &&
           tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
      i++;
    if (i == n)
      return true;
  }
  return false;
}

static int channels_for(const PaDeviceInfo *info, bool input)
{
  return input ? info->maxInputChannels : info->maxOutputChannels;
}

static bool is_default_name(const char *name)
{
  return !name || !*name || strcasecmp(name, "default") == 0;
}

/* An index from --list-devices, else an exact name, else the first name
 * that contains the text; only devices with channels in this direction. */
static PaDeviceIndex match_device(const char *name, bool input)
{
  PaDeviceIndex count = Pa_GetDeviceCount();
  long index;
  if (count > 0 && hx_parse_long(name, 0, count - 1, &index) == HX_OK)
    return (PaDeviceIndex)index;
  PaDeviceIndex partial = paNoDevice;
  for (PaDeviceIndex i = 0; i < count; i++) {
    const PaDeviceInfo *info = Pa_GetDeviceInfo(i);
    if (!info || !info->name || channels_for(info, input) < 1)
      continue;
    if (strcasecmp(info->name, name) == 0)
      return i;
    if (partial == paNoDevice && contains_ignoring_case(info->name, name))
      partial = i;
  }
  return partial;
}

/* Resolves a name to a device that can do 48 kHz 16-bit with channels
 * channels in this direction, and fills the stream parameters for it. */
static int resolve_device(const char *name, bool input, int channels,
                          PaStreamParameters *params, char *err, size_t err_cap)
{
  const char *dir = input ? "input" : "output";
  PaDeviceIndex dev;
  if (is_default_name(name)) {
    dev = input ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
    if (dev == paNoDevice) {
      snprintf(err, err_cap, "no default audio %s device; " HINT, dir);
      return HX_ERR_NOT_FOUND;
    }
  } else {
    dev = match_device(name, input);
  }
  const PaDeviceInfo *info = dev == paNoDevice ? NULL : Pa_GetDeviceInfo(dev);
  if (!info) {
    snprintf(err, err_cap, "cannot open audio %s \"%s\": no such device; " HINT, dir, name);
    return HX_ERR_NOT_FOUND;
  }
  if (channels_for(info, input) < 1) {
    snprintf(err, err_cap, "cannot open audio %s \"%s\": the device has no %s channels; " HINT,
             dir, info->name, dir);
    return HX_ERR_NOT_FOUND;
  }
  *params = (PaStreamParameters){
      .device = dev,
      .channelCount = channels,
      .sampleFormat = paInt16,
      .suggestedLatency = DEVICE_LATENCY_S(CLI_DEVQUEUE_START_PERIODS),
      .hostApiSpecificStreamInfo = NULL,
  };
  PaError e = channels > channels_for(info, input)
                  ? paInvalidChannelCount
                  : Pa_IsFormatSupported(input ? params : NULL, input ? NULL : params,
                                         CLI_AUDIO_RATE);
  if (e != paFormatIsSupported) {
    snprintf(err, err_cap,
             "cannot open audio %s \"%s\": it cannot do 48000 Hz %s 16-bit sound (%s); " HINT,
             dir, info->name, channels == 2 ? "stereo" : "mono", Pa_GetErrorText(e));
    return HX_ERR_DEVICE;
  }
  return HX_OK;
}

static PaError pa_open(struct cli_audio_pa *pa, PaStream **stream, bool input,
                       const PaStreamParameters *params)
{
  /* 2.5 ms a callback whatever the codec frame, the piece the client
   * mixes in: a larger buffer is only latency. */
  PaError e = Pa_OpenStream(stream, input ? params : NULL, input ? NULL : params, CLI_AUDIO_RATE,
                            CLI_AUDIO_DEVICE_PERIOD, paNoFlag,
                            input ? input_callback : output_callback, pa);
  /* The callbacks are all the buffering there is: one held up by any
   * other thread on the machine is a hole in the sound. Where the system
   * allows real-time threads; elsewhere PortAudio carries on without. */
  const PaDeviceInfo *dev = e == paNoError ? Pa_GetDeviceInfo(params->device) : NULL;
  const PaHostApiInfo *host = dev ? Pa_GetHostApiInfo(dev->hostApi) : NULL;
  if (host && host->type == paALSA)
    PaAlsa_EnableRealtimeScheduling(*stream, 1);
  return e;
}

static void note_output_latency(struct cli_audio_pa *pa)
{
  const PaStreamInfo *si = pa->out_stream ? Pa_GetStreamInfo(pa->out_stream) : NULL;
  if (si && si->outputLatency > 0)
    pa->output_latency = (size_t)(si->outputLatency * CLI_AUDIO_RATE + 0.5);
}

static int open_stream(struct cli_audio_pa *pa, const char *name, bool input,
                       char *err, size_t err_cap)
{
  PaStreamParameters params;
  int rc = resolve_device(name, input, input ? 1 : pa->out_channels, &params, err, err_cap);
  if (rc == HX_ERR_DEVICE && !input && pa->out_channels == 2) {
    /* Seats are a comfort, not a reason to stay silent: play mono. The
     * client tells the person, since it knows they asked for seats. */
    hx_log(HX_LOG_INFO, LOG_MODULE, "%s; playing mono", err);
    pa->out_channels = 1;
    rc = resolve_device(name, input, 1, &params, err, err_cap);
    if (rc == HX_OK && err_cap > 0)
      err[0] = '\0';
  }
  if (rc != HX_OK)
    return rc;
  PaStream **stream = input ? &pa->in_stream : &pa->out_stream;
  PaError e = pa_open(pa, stream, input, &params);
  if (e == paNoError && !input)
    pa->out_params = params;
  if (e != paNoError) {
    *stream = NULL;
    snprintf(err, err_cap, "cannot open audio %s \"%s\": %s; " HINT, input ? "input" : "output",
             Pa_GetDeviceInfo(params.device)->name, Pa_GetErrorText(e));
    return HX_ERR_DEVICE;
  }
  return HX_OK;
}

int cli_audio_pa_open(const char *input, bool want_input, const char *output, bool want_output,
                      int out_channels, struct hx_ring *capture, cli_audio_render_fn render,
                      void *render_userdata, void (*wake)(void *), void *wake_userdata,
                      struct cli_audio_pa **out, char *err, size_t err_cap)
{
  *out = NULL;
  struct cli_audio_pa *pa = calloc(1, sizeof(*pa));
  if (!pa) {
    snprintf(err, err_cap, "cannot open audio: out of memory");
    return HX_ERR_NOMEM;
  }
  pa->capture = capture;
  pa->render = render;
  pa->render_userdata = render_userdata;
  pa->wake = wake;
  pa->wake_userdata = wake_userdata;
  pa->out_channels = out_channels == 2 ? 2 : 1;
  atomic_init(&pa->dropped, 0);
  atomic_init(&pa->overflows, 0);
  atomic_init(&pa->underflows, 0);

  PaError e = pa_initialize_quietly();
  if (e != paNoError) {
    const char *name = want_input ? input : output;
    snprintf(err, err_cap, "cannot open audio %s \"%s\": the sound system did not start (%s); " HINT,
             want_input ? "input" : "output", name ? name : "default", Pa_GetErrorText(e));
    free(pa);
    return HX_ERR_DEVICE;
  }
  pa->initialised = true;

  int rc = HX_OK;
  if (want_input)
    rc = open_stream(pa, input, true, err, err_cap);
  if (rc == HX_OK && want_output)
    rc = open_stream(pa, output, false, err, err_cap);
  if (rc != HX_OK) {
    cli_audio_pa_close(pa);
    return rc;
  }
  note_output_latency(pa);
  const PaStreamInfo *si = pa->out_stream ? Pa_GetStreamInfo(pa->out_stream) : NULL;
  const PaStreamInfo *ci = pa->in_stream ? Pa_GetStreamInfo(pa->in_stream) : NULL;
  hx_log(HX_LOG_INFO, LOG_MODULE, "sound device latency: input %.1f ms, output %.1f ms",
         ci ? ci->inputLatency * 1000 : 0.0, si ? si->outputLatency * 1000 : 0.0);
  *out = pa;
  return HX_OK;
}

int cli_audio_pa_start(struct cli_audio_pa *pa)
{
  PaError e = pa->in_stream ? Pa_StartStream(pa->in_stream) : paNoError;
  if (e == paNoError && pa->out_stream) {
    e = Pa_StartStream(pa->out_stream);
    if (e != paNoError && pa->in_stream)
      Pa_AbortStream(pa->in_stream);
  }
  if (e != paNoError) {
    hx_log(HX_LOG_ERROR, LOG_MODULE, "cannot start audio stream: %s", Pa_GetErrorText(e));
    return HX_ERR_DEVICE;
  }
  pa->started = true;
  return HX_OK;
}

int cli_audio_pa_stop(struct cli_audio_pa *pa)
{
  if (!pa->started)
    return HX_OK;
  pa->started = false;
  PaError ein = pa->in_stream ? Pa_StopStream(pa->in_stream) : paNoError;
  PaError eout = pa->out_stream ? Pa_StopStream(pa->out_stream) : paNoError;
  hx_log(HX_LOG_INFO, LOG_MODULE,
         "audio stopped: the device lost input %lu times and ran out of output %lu times; "
         "%lu captured samples dropped",
         atomic_load(&pa->overflows), atomic_load(&pa->underflows), atomic_load(&pa->dropped));
  PaError e = ein != paNoError ? ein : eout;
  if (e != paNoError) {
    hx_log(HX_LOG_WARN, LOG_MODULE, "cannot stop audio stream: %s", Pa_GetErrorText(e));
    return HX_ERR_DEVICE;
  }
  return HX_OK;
}

unsigned long cli_audio_pa_underflows(const struct cli_audio_pa *pa)
{
  return atomic_load_explicit(&pa->underflows, memory_order_relaxed);
}

int cli_audio_pa_requeue(struct cli_audio_pa *pa, unsigned periods, const char *why)
{
  if (!pa->out_stream || !pa->started)
    return HX_ERR_STATE;
  double was = pa->out_params.suggestedLatency;
  /* Abort, not stop: what is queued is a few milliseconds, and waiting for
   * it to play only lengthens the hole. */
  Pa_AbortStream(pa->out_stream);
  Pa_CloseStream(pa->out_stream);
  pa->out_stream = NULL;
  pa->out_params.suggestedLatency = DEVICE_LATENCY_S(periods);
  PaError e = pa_open(pa, &pa->out_stream, false, &pa->out_params);
  if (e != paNoError) {
    /* The device would not take more: carry on with what worked. */
    hx_log(HX_LOG_WARN, LOG_MODULE, "cannot reopen the audio output with %.1f ms queued: %s",
           pa->out_params.suggestedLatency * 1000, Pa_GetErrorText(e));
    pa->out_params.suggestedLatency = was;
    e = pa_open(pa, &pa->out_stream, false, &pa->out_params);
  }
  if (e == paNoError)
    e = Pa_StartStream(pa->out_stream);
  if (e != paNoError) {
    hx_log(HX_LOG_ERROR, LOG_MODULE, "lost the audio output while reopening it: %s",
           Pa_GetErrorText(e));
    if (pa->out_stream)
      Pa_CloseStream(pa->out_stream);
    pa->out_stream = NULL;
    return HX_ERR_DEVICE;
  }
  note_output_latency(pa);
  const PaStreamInfo *si = Pa_GetStreamInfo(pa->out_stream);
  hx_log(HX_LOG_INFO, LOG_MODULE, "%s: it now keeps %.1f ms queued (was %.1f ms)", why,
         si ? si->outputLatency * 1000 : pa->out_params.suggestedLatency * 1000, was * 1000);
  return HX_OK;
}

void cli_audio_pa_close(struct cli_audio_pa *pa)
{
  if (!pa)
    return;
  cli_audio_pa_stop(pa);
  if (pa->in_stream)
    Pa_CloseStream(pa->in_stream);
  if (pa->out_stream)
    Pa_CloseStream(pa->out_stream);
  if (pa->initialised)
    Pa_Terminate();
  free(pa);
}

int cli_audio_pa_output_channels(const struct cli_audio_pa *pa) { return pa->out_channels; }

size_t cli_audio_pa_output_latency_samples(const struct cli_audio_pa *pa)
{
  return pa->output_latency;
}

int cli_audio_pa_list_devices(FILE *out)
{
  PaError e = pa_initialize_quietly();
  if (e != paNoError) {
    hx_log(HX_LOG_ERROR, LOG_MODULE, "the sound system did not start: %s", Pa_GetErrorText(e));
    return HX_ERR_DEVICE;
  }
  PaDeviceIndex count = Pa_GetDeviceCount();
  PaDeviceIndex def_in = Pa_GetDefaultInputDevice();
  PaDeviceIndex def_out = Pa_GetDefaultOutputDevice();
  if (count <= 0)
    fprintf(out, "no audio devices found\n");
  for (PaDeviceIndex i = 0; i < count; i++) {
    const PaDeviceInfo *info = Pa_GetDeviceInfo(i);
    if (!info)
      continue;
    fprintf(out, "%d: %s (in %d, out %d, %.0f Hz)%s%s\n", (int)i, info->name ? info->name : "?",
            info->maxInputChannels, info->maxOutputChannels, info->defaultSampleRate,
            i == def_in ? " [default input]" : "", i == def_out ? " [default output]" : "");
  }
  Pa_Terminate();
  return ferror(out) ? HX_ERR_IO : HX_OK;
}
