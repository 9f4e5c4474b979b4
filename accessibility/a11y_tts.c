#include "a11y_tts.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <speex/speex_resampler.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "a11y_text.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_ring.h"
#include "hx_util.h"

#define MODULE "tts"
/* Only text as UTF-8 and a pause at the end. Deliberately NOT espeakSSML
 * (markup in a name would be obeyed) nor espeakPHONEMES ("[[...]]" would be
 * read as phoneme codes). */
#define SYNTH_FLAGS (espeakCHARS_UTF8 | espeakENDPAUSE)
#define RESAMPLE_QUALITY 5
#define CHUNK_OUT 4096

struct request {
  char text[A11Y_TTS_TEXT_MAX];
  struct a11y_tts_voice voice;
  unsigned gen;
};

struct a11y_tts {
  pthread_t worker;
  pthread_mutex_t lock;
  pthread_cond_t wake;  /* worker: a request, cancel or stop */
  pthread_cond_t space; /* worker: the PCM buffer has room again */
  pthread_cond_t ready; /* creator: the worker finished starting espeak */

  /* Guarded by lock. */
  struct request pending[A11Y_TTS_PENDING_MAX];
  size_t pending_head, pending_count;
  struct a11y_tts_voice voice; /* for new requests */
  struct hx_ring *pcm;         /* owned; both ends under lock */
  bool synthesizing;
  bool stop;
  int start_status; /* set by the worker once espeak is up (or failed) */
  bool started;

  /* Bumped by cancel; the worker drops output of an older generation. Atomic
   * so the synthesis callback can poll it without the lock. */
  _Atomic unsigned gen;

  /* Written by the worker before create returns; read-only after. */
  struct a11y_tts_voice_info voices[A11Y_TTS_VOICES_MAX];
  size_t n_voices;
  char files[A11Y_TTS_VOICES_MAX][A11Y_TTS_VARIANT_BYTES]; /* "en", "en-US" */
  char variants[A11Y_TTS_VARIANTS_MAX][A11Y_TTS_VARIANT_BYTES];
  size_t n_variants;

  /* Worker thread only. */
  SpeexResamplerState *resampler;
  struct a11y_tts_voice applied;
  bool have_applied;
  unsigned synth_gen;
  int16_t out[CHUNK_OUT];
};

/* espeak-ng has one instance per process; this flag keeps it to one owner. */
static atomic_flag g_espeak_taken = ATOMIC_FLAG_INIT;
/* espeak's output rate once it is up; 0 before. Touched only by the worker
 * of the one a11y_tts, under g_espeak_taken. */
static int g_espeak_rate;

void a11y_tts_voice_default(struct a11y_tts_voice *v)
{
  memset(v, 0, sizeof *v);
  hx_strlcpy(v->language, "en", sizeof v->language);
  v->rate_wpm = A11Y_TTS_WPM_DEFAULT;
  v->pitch = 50;
  v->volume = 100;
}

static bool clamp(int *value, int lo, int hi, const char *what, const char *unit, char *why,
                  size_t cap)
{
  int was = *value;
  if (was >= lo && was <= hi)
    return false;
  *value = was < lo ? lo : hi;
  if (why && cap)
    snprintf(why, cap, "%s %d is %s %d%s; using %d", what, was, was < lo ? "below" : "above",
             *value, unit, *value);
  return true;
}

int a11y_tts_voice_check(struct a11y_tts_voice *v, char *why, size_t why_cap)
{
  if (why && why_cap)
    why[0] = '\0';
  /* Report the first problem; clamp all of them. */
  bool bad = clamp(&v->rate_wpm, A11Y_TTS_WPM_MIN, A11Y_TTS_WPM_MAX, "speech rate",
                   " words per minute", why, why_cap);
  bad |= clamp(&v->pitch, 0, A11Y_TTS_PITCH_MAX, "speech pitch", "", bad ? NULL : why, why_cap);
  bad |= clamp(&v->volume, 0, A11Y_TTS_VOLUME_MAX, "speech volume", "", bad ? NULL : why,
               why_cap);
  return bad ? HX_ERR_INVALID : HX_OK;
}

static bool voice_valid(const struct a11y_tts_voice *v)
{
  struct a11y_tts_voice copy = *v;
  return a11y_tts_voice_check(&copy, NULL, 0) == HX_OK;
}

/* Worker: makes the request's voice current in espeak when it differs. */
static int apply_voice(struct a11y_tts *t, const struct a11y_tts_voice *v)
{
  if (t->have_applied && memcmp(&t->applied, v, sizeof *v) == 0)
    return HX_OK;
  espeak_ng_STATUS st;
  if (v->voice[0]) {
    st = espeak_ng_SetVoiceByName(v->voice);
  } else {
    espeak_VOICE props;
    memset(&props, 0, sizeof props);
    props.languages = v->language[0] ? v->language : "en";
    st = espeak_ng_SetVoiceByProperties(&props);
  }
  if (st != ENS_OK) {
    hx_log(HX_LOG_WARN, MODULE, "espeak-ng has no voice \"%s\" (language \"%s\")", v->voice,
           v->language);
    return HX_ERR_NOT_FOUND;
  }
  espeak_ng_SetParameter(espeakRATE, v->rate_wpm, 0);
  espeak_ng_SetParameter(espeakPITCH, v->pitch, 0);
  espeak_ng_SetParameter(espeakVOLUME, v->volume, 0);
  t->applied = *v;
  t->have_applied = true;
  return HX_OK;
}

static bool cancelled(struct a11y_tts *t)
{
  return atomic_load(&t->gen) != t->synth_gen;
}

/* Worker: appends PCM, waiting for room; gives up on cancel or stop. */
static bool push_pcm(struct a11y_tts *t, const int16_t *pcm, size_t n)
{
  pthread_mutex_lock(&t->lock);
  while (n > 0 && !t->stop && !cancelled(t)) {
    size_t put = hx_ring_write(t->pcm, pcm, n);
    pcm += put;
    n -= put;
    if (n > 0)
      pthread_cond_wait(&t->space, &t->lock);
  }
  bool keep_going = !t->stop && !cancelled(t);
  pthread_mutex_unlock(&t->lock);
  return keep_going;
}

/* Worker: resamples espeak's samples to 48 kHz and queues them. */
static bool resample_push(struct a11y_tts *t, const int16_t *in, size_t n)
{
  while (n > 0) {
    spx_uint32_t in_len = (spx_uint32_t)n;
    spx_uint32_t out_len = CHUNK_OUT;
    speex_resampler_process_int(t->resampler, 0, in, &in_len, t->out, &out_len);
    if (!push_pcm(t, t->out, out_len))
      return false;
    in += in_len;
    n -= in_len;
  }
  return true;
}

/* espeak-ng's synchronous callback, on the worker thread. Returning 1 makes
 * espeak abandon the utterance, which is how cancel stops speech at once. */
static int synth_callback(short *wav, int numsamples, espeak_EVENT *events)
{
  struct a11y_tts *t = events ? events->user_data : NULL;
  if (!t)
    return 1;
  if (wav && numsamples > 0 && !resample_push(t, wav, (size_t)numsamples))
    return 1;
  return cancelled(t) ? 1 : 0;
}

/* Worker: pushes the resampler's delay line out so the last syllable is not
 * cut, then clears it for the next utterance. */
static void flush_resampler(struct a11y_tts *t)
{
  static const int16_t zeros[256];
  int latency = speex_resampler_get_input_latency(t->resampler);
  while (latency > 0 && !cancelled(t)) {
    size_t n = latency > 256 ? 256 : (size_t)latency;
    if (!resample_push(t, zeros, n))
      break;
    latency -= (int)n;
  }
  speex_resampler_reset_mem(t->resampler);
}

/* Worker: starts espeak-ng the first time only. espeak_ng_Terminate() of
 * espeak-ng 1.51 waits forever on its own idle queue thread after
 * synchronous use, so the engine stays up until the process ends; it is
 * still used by one thread at a time, since a11y_tts is a singleton whose
 * worker is joined before the next one starts. */
static int start_espeak(void)
{
  if (g_espeak_rate > 0)
    return HX_OK;
  espeak_ng_InitializePath(NULL);
  espeak_ng_ERROR_CONTEXT ctx = NULL;
  espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
  if (st != ENS_OK) {
    espeak_ng_ClearErrorContext(&ctx);
    hx_log(HX_LOG_ERROR, MODULE, "cannot start espeak-ng (status %d): is espeak-ng-data installed?",
           (int)st);
    return HX_ERR_NOT_FOUND;
  }
  st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
  if (st != ENS_OK) {
    hx_log(HX_LOG_ERROR, MODULE, "cannot set up espeak-ng output (status %d)", (int)st);
    return HX_ERR_NOT_FOUND;
  }
  espeak_SetSynthCallback(synth_callback);
  g_espeak_rate = espeak_ng_GetSampleRate();
  return HX_OK;
}

/* "gmw/en-US" -> "en-US"; "!v/f3" -> "f3". */
static const char *file_name(const char *identifier)
{
  const char *slash = identifier ? strrchr(identifier, '/') : NULL;
  return slash ? slash + 1 : identifier ? identifier : "";
}

/* Worker, while starting: copies espeak-ng's voice and variant lists, whose
 * storage espeak reuses on the next call. */
static void list_voices(struct a11y_tts *t)
{
  const espeak_VOICE **v = espeak_ListVoices(NULL);
  for (size_t i = 0; v && v[i] && t->n_voices < A11Y_TTS_VOICES_MAX; i++) {
    /* languages is a list of (priority byte, name, NUL); the first names
     * the voice the way people write it. */
    const char *lang = v[i]->languages ? v[i]->languages + 1 : "";
    if (!lang[0])
      continue;
    struct a11y_tts_voice_info *info = &t->voices[t->n_voices];
    hx_strlcpy(info->name, lang, sizeof info->name);
    hx_strlcpy(info->description, v[i]->name ? v[i]->name : lang, sizeof info->description);
    hx_strlcpy(t->files[t->n_voices], file_name(v[i]->identifier), sizeof t->files[0]);
    t->n_voices++;
  }
  espeak_VOICE spec;
  memset(&spec, 0, sizeof spec);
  spec.languages = "variant";
  v = espeak_ListVoices(&spec);
  for (size_t i = 0; v && v[i] && t->n_variants < A11Y_TTS_VARIANTS_MAX; i++) {
    const char *name = file_name(v[i]->identifier);
    if (name[0])
      hx_strlcpy(t->variants[t->n_variants++], name, sizeof t->variants[0]);
  }
}

static int start_worker(struct a11y_tts *t)
{
  int status = start_espeak();
  if (status != HX_OK)
    return status;
  list_voices(t);
  int err;
  t->resampler = speex_resampler_init(1, (spx_uint32_t)g_espeak_rate, A11Y_TTS_RATE_HZ,
                                      RESAMPLE_QUALITY, &err);
  if (!t->resampler)
    return HX_ERR_NOMEM;
  status = apply_voice(t, &t->voice);
  if (status != HX_OK) {
    speex_resampler_destroy(t->resampler);
    t->resampler = NULL;
  }
  return status;
}

static void speak_one(struct a11y_tts *t, const struct request *req)
{
  if (apply_voice(t, &req->voice) != HX_OK)
    return;
  espeak_ng_Synthesize(req->text, strlen(req->text) + 1, 0, POS_CHARACTER, 0, SYNTH_FLAGS, NULL,
                       t);
  flush_resampler(t);
}

static void *worker_main(void *arg)
{
  struct a11y_tts *t = arg;
  int status = start_worker(t);
  pthread_mutex_lock(&t->lock);
  t->start_status = status;
  t->started = true;
  pthread_cond_broadcast(&t->ready);
  if (status != HX_OK) {
    pthread_mutex_unlock(&t->lock);
    return NULL;
  }
  struct request *req = malloc(sizeof *req);
  while (req && !t->stop) {
    if (t->pending_count == 0) {
      pthread_cond_wait(&t->wake, &t->lock);
      continue;
    }
    *req = t->pending[t->pending_head];
    t->pending_head = (t->pending_head + 1) % A11Y_TTS_PENDING_MAX;
    t->pending_count--;
    if (req->gen != atomic_load(&t->gen))
      continue;
    t->synth_gen = req->gen;
    t->synthesizing = true;
    pthread_mutex_unlock(&t->lock);
    speak_one(t, req);
    pthread_mutex_lock(&t->lock);
    t->synthesizing = false;
  }
  pthread_mutex_unlock(&t->lock);
  free(req);
  speex_resampler_destroy(t->resampler);
  return NULL;
}

int a11y_tts_create(const struct a11y_tts_voice *v, unsigned buffer_ms, struct a11y_tts **out)
{
  *out = NULL;
  if (!v || !voice_valid(v) || buffer_ms == 0 || buffer_ms > 60000)
    return HX_ERR_INVALID;
  if (atomic_flag_test_and_set(&g_espeak_taken))
    return HX_ERR_STATE;
  struct a11y_tts *t = calloc(1, sizeof *t);
  size_t cap = (size_t)A11Y_TTS_RATE_HZ * buffer_ms / 1000;
  if (t)
    t->pcm = hx_ring_create(cap);
  if (!t || !t->pcm) {
    free(t);
    atomic_flag_clear(&g_espeak_taken);
    return HX_ERR_NOMEM;
  }
  t->voice = *v;
  atomic_init(&t->gen, 0);
  pthread_mutex_init(&t->lock, NULL);
  pthread_cond_init(&t->wake, NULL);
  pthread_cond_init(&t->space, NULL);
  pthread_cond_init(&t->ready, NULL);
  if (pthread_create(&t->worker, NULL, worker_main, t) != 0) {
    hx_ring_destroy(t->pcm);
    free(t);
    atomic_flag_clear(&g_espeak_taken);
    return HX_ERR_NOMEM;
  }
  pthread_mutex_lock(&t->lock);
  while (!t->started)
    pthread_cond_wait(&t->ready, &t->lock);
  int status = t->start_status;
  pthread_mutex_unlock(&t->lock);
  if (status != HX_OK) {
    a11y_tts_destroy(t);
    return status;
  }
  *out = t;
  return HX_OK;
}

void a11y_tts_destroy(struct a11y_tts *t)
{
  if (!t)
    return;
  pthread_mutex_lock(&t->lock);
  t->stop = true;
  atomic_fetch_add(&t->gen, 1);
  pthread_cond_broadcast(&t->wake);
  pthread_cond_broadcast(&t->space);
  pthread_mutex_unlock(&t->lock);
  pthread_join(t->worker, NULL);
  pthread_mutex_destroy(&t->lock);
  pthread_cond_destroy(&t->wake);
  pthread_cond_destroy(&t->space);
  pthread_cond_destroy(&t->ready);
  hx_ring_destroy(t->pcm);
  free(t);
  atomic_flag_clear(&g_espeak_taken);
}

int a11y_tts_set_voice(struct a11y_tts *t, const struct a11y_tts_voice *v)
{
  if (!voice_valid(v))
    return HX_ERR_INVALID;
  pthread_mutex_lock(&t->lock);
  t->voice = *v;
  pthread_mutex_unlock(&t->lock);
  return HX_OK;
}

int a11y_tts_speak(struct a11y_tts *t, const char *text)
{
  int status = HX_OK;
  pthread_mutex_lock(&t->lock);
  if (t->pending_count == A11Y_TTS_PENDING_MAX) {
    status = HX_ERR_FULL;
  } else {
    size_t slot = (t->pending_head + t->pending_count) % A11Y_TTS_PENDING_MAX;
    struct request *req = &t->pending[slot];
    a11y_text_sanitize(req->text, sizeof req->text, text);
    req->voice = t->voice;
    req->gen = atomic_load(&t->gen);
    t->pending_count++;
    pthread_cond_signal(&t->wake);
  }
  pthread_mutex_unlock(&t->lock);
  return status;
}

void a11y_tts_cancel(struct a11y_tts *t)
{
  pthread_mutex_lock(&t->lock);
  atomic_fetch_add(&t->gen, 1);
  t->pending_count = 0;
  hx_ring_skip(t->pcm, hx_ring_readable(t->pcm));
  /* The worker may be waiting for room in the middle of an utterance. */
  pthread_cond_broadcast(&t->space);
  pthread_mutex_unlock(&t->lock);
}

void a11y_tts_read(struct a11y_tts *t, int16_t *pcm, size_t n, size_t *got)
{
  pthread_mutex_lock(&t->lock);
  *got = hx_ring_read(t->pcm, pcm, n);
  if (*got > 0)
    pthread_cond_signal(&t->space);
  pthread_mutex_unlock(&t->lock);
}

bool a11y_tts_idle(struct a11y_tts *t)
{
  pthread_mutex_lock(&t->lock);
  bool idle = t->pending_count == 0 && !t->synthesizing && hx_ring_readable(t->pcm) == 0;
  pthread_mutex_unlock(&t->lock);
  return idle;
}

void a11y_tts_voices(const struct a11y_tts *t, const struct a11y_tts_voice_info **voices,
                     size_t *n_voices)
{
  *voices = t->voices;
  *n_voices = t->n_voices;
}

void a11y_tts_variants(const struct a11y_tts *t,
                       const char (**variants)[A11Y_TTS_VARIANT_BYTES], size_t *n_variants)
{
  *variants = (const char(*)[A11Y_TTS_VARIANT_BYTES])t->variants;
  *n_variants = t->n_variants;
}

static bool same_ascii(const char *a, size_t a_len, const char *b)
{
  return strlen(b) == a_len && strncasecmp(a, b, a_len) == 0;
}

bool a11y_tts_voice_known(const struct a11y_tts *t, const char *spec)
{
  const char *plus = strchr(spec, '+');
  size_t base_len = plus ? (size_t)(plus - spec) : strlen(spec);
  bool voice = false;
  for (size_t i = 0; !voice && i < t->n_voices; i++)
    voice = same_ascii(spec, base_len, t->voices[i].name) || same_ascii(spec, base_len, t->files[i]);
  if (!voice || !plus)
    return voice;
  for (size_t i = 0; i < t->n_variants; i++)
    if (same_ascii(plus + 1, strlen(plus + 1), t->variants[i]))
      return true;
  return false;
}
