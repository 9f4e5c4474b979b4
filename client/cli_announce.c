#include "cli_announce.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "a11y_queue.h"
#include "hx_err.h"
#include "hx_util.h"

#define QUEUE_CAP 16
#define EARCON_QUEUE 4
#define SPEECH_BUFFER_MS 500
#define MIX_CHUNK 480

struct cli_announce {
  enum cli_speech_backend backend;
  struct a11y_cues cues;
  int volume[CLI_ANNOUNCE_CHANNEL_COUNT];
  cli_announce_print_fn print;
  void *userdata;

  struct a11y_tts *tts;       /* owned; only with CLI_SPEECH_ESPEAK */
  struct a11y_speechd *spd;   /* owned; only with CLI_SPEECH_SPEECHD */
  bool spd_lost_told;         /* the line saying it went away was printed */
  char spd_last[A11Y_QUEUE_TEXT_MAX]; /* for /repeat */
  struct a11y_queue *queue;   /* owned */
  struct a11y_earcons *sound; /* owned */

  /* The person's own sounds, by event (pcm NULL: the built-in earcon). */
  struct {
    int16_t *pcm; /* owned */
    size_t n;
  } own[A11Y_CUE_EVENT_COUNT];

  /* Sounds waiting to play, in order, and the one playing. */
  struct {
    const int16_t *pcm;
    size_t n;
  } earcon_wait[EARCON_QUEUE];
  size_t earcon_count;
  const int16_t *earcon_pcm; /* NULL: none playing */
  size_t earcon_len, earcon_pos;

  float duck_gain;  /* current room gain from ducking, 1 = none */
  float duck_floor; /* the gain while speech plays */
  float duck_step;  /* per sample, so a full ramp takes CLI_ANNOUNCE_RAMP_MS */
  int16_t speech[MIX_CHUNK];
};

void cli_announce_config_default(struct cli_announce_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->backend = CLI_SPEECH_ESPEAK;
  a11y_tts_voice_default(&cfg->voice);
  a11y_cues_init(&cfg->cues, A11Y_CUE_NORMAL);
  cfg->volume[CLI_ANNOUNCE_SPEECH] = 100;
  cfg->volume[CLI_ANNOUNCE_CUES] = 70;
  cfg->volume[CLI_ANNOUNCE_ROOM] = 100;
}

int cli_announce_backend_parse(const char *s, enum cli_speech_backend *out)
{
  if (!s)
    return HX_ERR_INVALID;
  if (strcmp(s, "espeak") == 0) {
    *out = CLI_SPEECH_ESPEAK;
    return HX_OK;
  }
  if (strcmp(s, "speechd") == 0) {
    *out = CLI_SPEECH_SPEECHD;
    return HX_OK;
  }
  if (strcmp(s, "none") == 0) {
    *out = CLI_SPEECH_NONE;
    return HX_OK;
  }
  return HX_ERR_INVALID;
}

int cli_announce_channel_parse(const char *s, enum cli_announce_channel *out)
{
  static const char *const names[CLI_ANNOUNCE_CHANNEL_COUNT] = {"speech", "cues", "room"};
  for (int i = 0; s && i < CLI_ANNOUNCE_CHANNEL_COUNT; i++) {
    if (strcmp(s, names[i]) == 0) {
      *out = (enum cli_announce_channel)i;
      return HX_OK;
    }
  }
  return HX_ERR_INVALID;
}

static int clamp_volume(int v)
{
  return v < 0 ? 0 : v > CLI_ANNOUNCE_VOLUME_MAX ? CLI_ANNOUNCE_VOLUME_MAX : v;
}

int cli_announce_create(const struct cli_announce_config *cfg, cli_announce_print_fn print,
                        void *userdata, struct cli_announce **out)
{
  *out = NULL;
  if (!print)
    return HX_ERR_INVALID;
  struct cli_announce *a = calloc(1, sizeof *a);
  if (!a)
    return HX_ERR_NOMEM;
  a->backend = cfg->backend;
  a->cues = cfg->cues;
  for (int i = 0; i < CLI_ANNOUNCE_CHANNEL_COUNT; i++)
    a->volume[i] = clamp_volume(cfg->volume[i]);
  a->print = print;
  a->userdata = userdata;
  a->duck_gain = 1.0f;
  a->duck_floor = powf(10.0f, -CLI_ANNOUNCE_DUCK_DB / 20.0f);
  a->duck_step = (1.0f - a->duck_floor) / (CLI_ANNOUNCE_RATE_HZ * CLI_ANNOUNCE_RAMP_MS / 1000);
  int status = a11y_queue_create(QUEUE_CAP, A11Y_QUEUE_COALESCE_MS, &a->queue);
  if (status == HX_OK)
    status = a11y_earcons_create(&a->sound);
  if (status == HX_OK && a->backend == CLI_SPEECH_ESPEAK)
    status = a11y_tts_create(&cfg->voice, SPEECH_BUFFER_MS, &a->tts);
  if (status == HX_OK && a->backend == CLI_SPEECH_SPEECHD)
    status = a11y_speechd_create("hearth", cfg->speechd_autospawn, &a->spd);
  if (status != HX_OK) {
    cli_announce_destroy(a);
    return status;
  }
  *out = a;
  return HX_OK;
}

void cli_announce_destroy(struct cli_announce *a)
{
  if (!a)
    return;
  a11y_tts_destroy(a->tts);
  a11y_speechd_destroy(a->spd);
  a11y_queue_destroy(a->queue);
  a11y_earcons_destroy(a->sound);
  for (size_t i = 0; i < A11Y_CUE_EVENT_COUNT; i++)
    free(a->own[i].pcm);
  free(a);
}

static uint64_t now_ms(void) { return hx_clock_ns() / 1000000u; }

static void queue_earcon(struct cli_announce *a, enum a11y_cue_event ev)
{
  const int16_t *pcm = a->own[ev].pcm;
  size_t n = a->own[ev].n;
  if (!pcm && a11y_earcons_get(a->sound, a11y_cues_earcon(ev), &pcm, &n) != HX_OK)
    return;
  /* A burst of joins is one sound, not a drum roll. */
  for (size_t i = 0; i < a->earcon_count; i++) {
    if (a->earcon_wait[i].pcm == pcm)
      return;
  }
  if (a->earcon_count < EARCON_QUEUE) {
    a->earcon_wait[a->earcon_count].pcm = pcm;
    a->earcon_wait[a->earcon_count++].n = n;
  }
}

/* speech-dispatcher keeps its own queue: news about the person cancels
 * and goes first, room events wait their turn there. */
static void send_speechd(struct cli_announce *a, enum a11y_cue_event ev, const char *text)
{
  hx_strlcpy(a->spd_last, text, sizeof a->spd_last);
  a11y_speechd_say(a->spd, text, a11y_cues_urgent(ev));
}

static void queue_speech(struct cli_announce *a, enum a11y_cue_event ev, const char *text)
{
  if (a->spd) {
    send_speechd(a, ev, text);
    return;
  }
  struct a11y_queue_item item = {
      .kind = (int)ev, .urgent = a11y_cues_urgent(ev), .coalesce = a11y_cues_coalesces(ev),
      .count = 1};
  hx_strlcpy(item.text, text, sizeof item.text);
  bool interrupt;
  if (a11y_queue_push(a->queue, &item, now_ms(), &interrupt) == HX_OK && interrupt)
    a11y_tts_cancel(a->tts);
}

int cli_announce_say(struct cli_announce *a, enum a11y_cue_event ev, unsigned outputs,
                     const char *line)
{
  if ((unsigned)ev >= A11Y_CUE_EVENT_COUNT || !line)
    return HX_ERR_INVALID;
  if (a->spd && !a->spd_lost_told && a11y_speechd_lost(a->spd)) {
    a->spd_lost_told = true;
    a->print(a->userdata, "speech-dispatcher stopped; announcements are printed only. Start it "
                          "and Hearth again, or use --speech espeak.");
  }
  if (!cli_announce_has_speech(a) && (outputs & A11Y_CUE_SPEECH))
    outputs = (outputs & ~(unsigned)A11Y_CUE_SPEECH) | A11Y_CUE_TEXT;
  if (outputs & A11Y_CUE_EARCON)
    queue_earcon(a, ev);
  if (outputs & A11Y_CUE_TEXT)
    a->print(a->userdata, line);
  if (outputs & A11Y_CUE_SPEECH)
    queue_speech(a, ev, line);
  return HX_OK;
}

int cli_announce_event(struct cli_announce *a, enum a11y_cue_event ev,
                       const struct a11y_cue_info *info)
{
  if ((unsigned)ev >= A11Y_CUE_EVENT_COUNT || !info)
    return HX_ERR_INVALID;
  char line[A11Y_QUEUE_TEXT_MAX];
  a11y_cues_render(&a->cues, ev, info, line, sizeof line);
  return cli_announce_say(a, ev, a->cues.map[ev], line);
}

bool cli_announce_has_speech(const struct cli_announce *a)
{
  return a->tts != NULL || (a->spd != NULL && !a11y_speechd_lost(a->spd));
}

enum cli_speech_backend cli_announce_backend(const struct cli_announce *a) { return a->backend; }

/* Moves the queue on: the utterance heard in full ends, the next starts. */
static void advance_speech(struct cli_announce *a)
{
  if (!a->tts)
    return;
  if (a11y_queue_playing(a->queue) && a11y_tts_idle(a->tts))
    a11y_queue_finished(a->queue);
  struct a11y_queue_item next;
  if (!a11y_queue_start_next(a->queue, &next))
    return;
  char burst[A11Y_QUEUE_TEXT_MAX];
  const char *text = next.text;
  if (next.count > 1) {
    a11y_cues_render_burst(&a->cues, (enum a11y_cue_event)next.kind, next.count, burst,
                           sizeof burst);
    text = burst;
  }
  if (a11y_tts_speak(a->tts, text) != HX_OK)
    a11y_queue_finished(a->queue);
}

static void next_earcon(struct cli_announce *a)
{
  if (a->earcon_pcm || a->earcon_count == 0)
    return;
  a->earcon_pcm = a->earcon_wait[0].pcm;
  a->earcon_len = a->earcon_wait[0].n;
  a->earcon_pos = 0;
  memmove(&a->earcon_wait[0], &a->earcon_wait[1], --a->earcon_count * sizeof a->earcon_wait[0]);
}

static int16_t saturate(float v)
{
  return v > 32767.0f ? 32767 : v < -32768.0f ? -32768 : (int16_t)lrintf(v);
}

/* n frames of channels interleaved samples: the room's gain applies to
 * every channel, and speech and earcons are added to each alike, so they
 * stay in the middle. */
static void mix_chunk(struct cli_announce *a, int16_t *frame, size_t n, size_t channels)
{
  size_t got = 0;
  if (a->tts)
    a11y_tts_read(a->tts, a->speech, n, &got);
  bool speaking = got > 0 || a11y_queue_playing(a->queue);
  float target = speaking ? a->duck_floor : 1.0f;
  float room = (float)a->volume[CLI_ANNOUNCE_ROOM] / 100.0f;
  float speech = (float)a->volume[CLI_ANNOUNCE_SPEECH] / 100.0f;
  float cue = (float)a->volume[CLI_ANNOUNCE_CUES] / 100.0f;
  for (size_t i = 0; i < n; i++) {
    if (a->duck_gain > target)
      a->duck_gain = fmaxf(target, a->duck_gain - a->duck_step);
    else if (a->duck_gain < target)
      a->duck_gain = fminf(target, a->duck_gain + a->duck_step);
    bool has_speech = i < got;
    float said = has_speech ? (float)a->speech[i] * speech : 0.0f;
    if (!a->earcon_pcm)
      next_earcon(a);
    bool has_earcon = a->earcon_pcm != NULL;
    float played = has_earcon ? (float)a->earcon_pcm[a->earcon_pos++] * cue : 0.0f;
    if (has_earcon && a->earcon_pos == a->earcon_len)
      a->earcon_pcm = NULL;
    for (size_t c = 0; c < channels; c++) {
      float v = (float)frame[i * channels + c] * room * a->duck_gain;
      if (has_speech)
        v += said;
      if (has_earcon)
        v += played;
      frame[i * channels + c] = saturate(v);
    }
  }
}

void cli_announce_mix(struct cli_announce *a, int16_t *frame, size_t n)
{
  cli_announce_mix_interleaved(a, frame, n, 1);
}

void cli_announce_mix_interleaved(struct cli_announce *a, int16_t *frame, size_t n,
                                  int channels)
{
  size_t ch = channels > 1 ? (size_t)channels : 1;
  advance_speech(a);
  while (n > 0) {
    size_t chunk = n > MIX_CHUNK ? MIX_CHUNK : n;
    mix_chunk(a, frame, chunk, ch);
    frame += chunk * ch;
    n -= chunk;
  }
}

float cli_announce_room_gain(const struct cli_announce *a)
{
  return (float)a->volume[CLI_ANNOUNCE_ROOM] / 100.0f * a->duck_gain;
}

void cli_announce_silence(struct cli_announce *a)
{
  a11y_queue_silence(a->queue);
  if (a->tts)
    a11y_tts_cancel(a->tts);
  if (a->spd)
    a11y_speechd_cancel(a->spd);
  a->earcon_count = 0;
  a->earcon_pcm = NULL;
}

int cli_announce_repeat(struct cli_announce *a)
{
  if (a->spd) {
    if (!a->spd_last[0])
      return HX_ERR_NOT_FOUND;
    return a11y_speechd_say(a->spd, a->spd_last, true);
  }
  if (!a->tts)
    return HX_ERR_STATE;
  bool interrupt;
  int status = a11y_queue_repeat(a->queue, now_ms(), &interrupt);
  if (status == HX_OK && interrupt)
    a11y_tts_cancel(a->tts);
  return status;
}

bool cli_announce_speaking(const struct cli_announce *a)
{
  if (a->spd)
    return !a11y_speechd_idle(a->spd);
  return a11y_queue_playing(a->queue) || a11y_queue_waiting(a->queue) > 0;
}

int cli_announce_volume_change(struct cli_announce *a, enum cli_announce_channel ch, int delta,
                               int *now)
{
  if ((unsigned)ch >= CLI_ANNOUNCE_CHANNEL_COUNT)
    return HX_ERR_INVALID;
  a->volume[ch] = clamp_volume(a->volume[ch] + delta);
  if (now)
    *now = a->volume[ch];
  return HX_OK;
}

int cli_announce_volume(const struct cli_announce *a, enum cli_announce_channel ch)
{
  return (unsigned)ch < CLI_ANNOUNCE_CHANNEL_COUNT ? a->volume[ch] : 0;
}

void cli_announce_set_cues(struct cli_announce *a, const struct a11y_cues *cues) { a->cues = *cues; }

int cli_announce_set_voice(struct cli_announce *a, const struct a11y_tts_voice *v)
{
  return a->tts ? a11y_tts_set_voice(a->tts, v) : HX_ERR_STATE;
}

/* Stops and forgets every play of a sound about to be freed. */
static void drop_sound(struct cli_announce *a, const int16_t *pcm)
{
  if (!pcm)
    return;
  if (a->earcon_pcm == pcm)
    a->earcon_pcm = NULL;
  size_t kept = 0;
  for (size_t i = 0; i < a->earcon_count; i++) {
    if (a->earcon_wait[i].pcm != pcm)
      a->earcon_wait[kept++] = a->earcon_wait[i];
  }
  a->earcon_count = kept;
}

int cli_announce_set_sound(struct cli_announce *a, enum a11y_cue_event ev, const char *path)
{
  if ((unsigned)ev >= A11Y_CUE_EVENT_COUNT)
    return HX_ERR_INVALID;
  int16_t *pcm = NULL;
  size_t n = 0;
  if (path) {
    int status = a11y_earcon_load_wav(path, &pcm, &n);
    if (status != HX_OK)
      return status;
  }
  drop_sound(a, a->own[ev].pcm);
  free(a->own[ev].pcm);
  a->own[ev].pcm = pcm;
  a->own[ev].n = n;
  return HX_OK;
}
