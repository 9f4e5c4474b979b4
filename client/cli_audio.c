/* Audio devices: decides which endpoint serves each direction and owns the
 * capture ring they share with the client. */
#include "cli_audio.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_audio_impl.h"
#include "cli_devqueue.h"
#include "hx_err.h"
#include "hx_ring.h"

/* One second: far more than the client ever leaves in it, so the ring only
 * overflows when the client stops reading altogether. */
#define RING_SAMPLES CLI_AUDIO_RATE

enum endpoint { ENDPOINT_PORTAUDIO, ENDPOINT_FILE, ENDPOINT_NULL };

enum state { STATE_OPEN, STATE_STARTED, STATE_STOPPED };

struct cli_audio {
  struct hx_ring *capture;       /* owned */
  struct cli_audio_pa *pa;       /* owned; NULL when no direction uses PortAudio */
  struct cli_audio_pacer *pacer; /* owned; NULL when every direction uses PortAudio */
  int out_channels;              /* samples per frame the render function fills */
  bool pa_output;                /* PortAudio plays (else the pacer or nothing) */
  struct cli_devqueue queue;     /* how much the PortAudio output keeps queued */
  enum state state;
};

static bool is_wav_name(const char *name)
{
  size_t len = name ? strlen(name) : 0;
  return len > 4 && strcasecmp(name + len - 4, ".wav") == 0;
}

/* no_audio replaces the sound card only: a WAV file named explicitly is
 * still used, so a bot can play a file into a room without any device. */
static enum endpoint endpoint_for(const char *name, bool no_audio)
{
  if (is_wav_name(name))
    return ENDPOINT_FILE;
  return no_audio ? ENDPOINT_NULL : ENDPOINT_PORTAUDIO;
}

static int open_pacer(struct cli_audio *a, const struct cli_audio_config *cfg, enum endpoint in,
                      enum endpoint out, char *err, size_t err_cap)
{
  struct cli_audio_pacer_config pc = {
      .source = in == ENDPOINT_FILE   ? CLI_AUDIO_SOURCE_FILE
                : in == ENDPOINT_NULL ? CLI_AUDIO_SOURCE_SILENCE
                                      : CLI_AUDIO_SOURCE_NONE,
      .source_path = cfg->input,
      .sink = out == ENDPOINT_FILE   ? CLI_AUDIO_SINK_FILE
              : out == ENDPOINT_NULL ? CLI_AUDIO_SINK_DISCARD
                                     : CLI_AUDIO_SINK_NONE,
      .sink_path = cfg->output,
      .sink_channels = a->out_channels,
      .capture = a->capture,
      .render = cfg->render,
      .render_userdata = cfg->render_userdata,
      .wake = cfg->wake,
      .wake_userdata = cfg->wake_userdata,
  };
  return cli_audio_pacer_open(&pc, &a->pacer, err, err_cap);
}

int cli_audio_open(const struct cli_audio_config *cfg, struct cli_audio **out, char *err,
                   size_t err_cap)
{
  *out = NULL;
  if (err_cap > 0)
    err[0] = '\0';
  if (!cfg || cfg->frame_samples == 0 || cfg->frame_samples > RING_SAMPLES / 4) {
    snprintf(err, err_cap, "cannot open audio: invalid frame size");
    return HX_ERR_INVALID;
  }
  struct cli_audio *a = calloc(1, sizeof(*a));
  if (a) {
    a->out_channels = cfg->output_channels == 2 ? 2 : 1;
    a->capture = hx_ring_create(RING_SAMPLES);
  }
  if (!a || !a->capture) {
    cli_audio_close(a);
    snprintf(err, err_cap, "cannot open audio: out of memory");
    return HX_ERR_NOMEM;
  }

  enum endpoint in = endpoint_for(cfg->input, cfg->no_audio);
  enum endpoint outp = endpoint_for(cfg->output, cfg->no_audio);
  int rc = HX_OK;
  /* Files first: their errors are the user's own typing, and checking them
   * before touching the sound system keeps those messages free of device
   * noise. */
  if (in != ENDPOINT_PORTAUDIO || outp != ENDPOINT_PORTAUDIO)
    rc = open_pacer(a, cfg, in, outp, err, err_cap);
  if (rc == HX_OK && (in == ENDPOINT_PORTAUDIO || outp == ENDPOINT_PORTAUDIO))
    rc = cli_audio_pa_open(cfg->input, in == ENDPOINT_PORTAUDIO, cfg->output,
                           outp == ENDPOINT_PORTAUDIO, a->out_channels, a->capture,
                           cfg->render, cfg->render_userdata, cfg->wake, cfg->wake_userdata,
                           &a->pa, err, err_cap);
  if (rc == HX_OK && outp == ENDPOINT_PORTAUDIO) {
    a->out_channels = cli_audio_pa_output_channels(a->pa);
    a->pa_output = true;
  }
  if (rc != HX_OK) {
    cli_audio_close(a);
    return rc;
  }
  a->state = STATE_OPEN;
  *out = a;
  return HX_OK;
}

int cli_audio_start(struct cli_audio *a)
{
  /* Once only: stop finalises a WAV output, so there is nothing to resume. */
  if (!a || a->state != STATE_OPEN)
    return HX_ERR_STATE;
  int rc = a->pa ? cli_audio_pa_start(a->pa) : HX_OK;
  if (rc == HX_OK && a->pacer) {
    rc = cli_audio_pacer_start(a->pacer);
    if (rc != HX_OK && a->pa)
      cli_audio_pa_stop(a->pa);
  }
  if (rc == HX_OK) {
    cli_devqueue_init(&a->queue);
    a->state = STATE_STARTED;
  }
  return rc;
}

int cli_audio_stop(struct cli_audio *a)
{
  if (!a)
    return HX_ERR_INVALID;
  if (a->state != STATE_STARTED)
    return HX_OK;
  a->state = STATE_STOPPED;
  int rc = a->pa ? cli_audio_pa_stop(a->pa) : HX_OK;
  int prc = a->pacer ? cli_audio_pacer_stop(a->pacer) : HX_OK;
  return rc != HX_OK ? rc : prc;
}

void cli_audio_close(struct cli_audio *a)
{
  if (!a)
    return;
  cli_audio_stop(a);
  cli_audio_pa_close(a->pa);
  cli_audio_pacer_close(a->pacer);
  hx_ring_destroy(a->capture);
  free(a);
}

int cli_audio_output_channels(const struct cli_audio *a) { return a->out_channels; }

struct hx_ring *cli_audio_capture_ring(struct cli_audio *a) { return a->capture; }

size_t cli_audio_playback_period(const struct cli_audio *a)
{
  return a->pa && a->pa_output ? CLI_AUDIO_DEVICE_PERIOD : CLI_AUDIO_PACER_PERIOD;
}

void cli_audio_keep_up(struct cli_audio *a, uint64_t now_ms)
{
  if (!a || !a->pa || !a->pa_output || a->state != STATE_STARTED)
    return;
  enum cli_devqueue_change change =
      cli_devqueue_update(&a->queue, cli_audio_pa_underflows(a->pa), now_ms);
  if (change != CLI_DEVQUEUE_KEEP)
    cli_audio_pa_requeue(a->pa, a->queue.periods,
                         change == CLI_DEVQUEUE_MORE
                             ? "the sound device kept running out of output"
                             : "a period more did not stop the sound device running out of "
                               "output");
}

size_t cli_audio_output_latency_samples(const struct cli_audio *a)
{
  /* The pacer pulls each frame the moment it is due: no queue of its own. */
  return a && a->pa ? cli_audio_pa_output_latency_samples(a->pa) : 0;
}

int cli_audio_list_devices(FILE *out) { return cli_audio_pa_list_devices(out); }
