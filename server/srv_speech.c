#include "srv_speech.h"

#include <stdlib.h>
#include <string.h>

#include "aud_level.h"
#include "aud_opus.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_rtp.h"
#include "srv.h"
#include "srv_circle.h"
#include "srv_floor.h"
#include "srv_media.h"
#include "srv_room.h"
#include "srv_session.h"

#define MODULE "speech"
#define FRAME_MS 20
#define FRAME_SAMPLES (AUD_RATE * FRAME_MS / 1000)
/* How far espeak-ng's worker may run ahead of the encoder. */
#define TTS_BUFFER_MS 2000
/* Frames drained and encoded per tick: 16 frames every 10 ms is 32 times
 * real time, a fraction of a millisecond of work, so forwarding never
 * waits long behind a long line. */
#define ENCODE_FRAMES_PER_TICK 16
#define TYPED_BITRATE AUD_DEFAULT_BITRATE

struct typed_frame {
  uint32_t off; /* into the line's data */
  uint16_t len;
  uint8_t level; /* RFC 6464 -dBov */
};

struct srv_utterance {
  struct srv_utterance *next; /* in the room's queue, in arrival order */
  struct srv_room *room;      /* not owned */
  uint64_t session_id;        /* the typist */
  uint64_t seq;               /* arrival order over the whole server */
  char *text;                 /* owned; cleaned */
  struct a11y_tts_voice voice;
  bool keep_floor; /* ends with "...": the floor stays with the typist */
  /* Synthesised audio as Opus frames; grows while synthesis runs. */
  uint8_t *data; /* owned */
  size_t data_len, data_cap;
  struct typed_frame *frames; /* owned */
  size_t n_frames, frames_cap;
  bool synth_done;
  /* Playback. */
  bool playing;
  size_t next_frame;
  uint64_t next_due_ms;
};

struct srv_speech {
  struct a11y_tts *tts; /* owned */
  struct aud_encoder *enc;
  struct srv_utterance *synth; /* being synthesised; not owned (in a room queue) */
  int16_t pcm[FRAME_SAMPLES];  /* the frame being filled from the synthesis */
  size_t pcm_fill;
};

int srv_speech_create(struct srv_speech **out)
{
  *out = NULL;
  struct srv_speech *sp = calloc(1, sizeof *sp);
  if (!sp)
    return HX_ERR_NOMEM;
  struct a11y_tts_voice v;
  a11y_tts_voice_default(&v);
  int rc = a11y_tts_create(&v, TTS_BUFFER_MS, &sp->tts);
  if (rc == HX_OK)
    rc = aud_encoder_create(FRAME_MS, TYPED_BITRATE, &sp->enc);
  if (rc != HX_OK) {
    srv_speech_destroy(sp);
    return rc;
  }
  *out = sp;
  return HX_OK;
}

void srv_speech_destroy(struct srv_speech *sp)
{
  if (!sp)
    return;
  a11y_tts_destroy(sp->tts);
  aud_encoder_destroy(sp->enc);
  free(sp);
}

void srv_speech_session_init(struct srv_session *s)
{
  s->hear_text = SRV_HEAR_VOICE;
  a11y_tts_voice_default(&s->voice);
  s->say_tokens = SRV_SPEECH_BURST;
  s->say_refill_ms = 0;
}

static void utterance_free(struct srv_utterance *u)
{
  if (!u)
    return;
  free(u->text);
  free(u->data);
  free(u->frames);
  free(u);
}

/* Unlinks u from its room's queue and frees it; stops its synthesis. */
static void drop(struct srv *srv, struct srv_utterance *u)
{
  struct srv_speech *sp = srv->speech;
  if (sp && sp->synth == u) {
    a11y_tts_cancel(sp->tts);
    sp->synth = NULL;
    sp->pcm_fill = 0;
  }
  for (struct srv_utterance **p = &u->room->typed; *p; p = &(*p)->next) {
    if (*p == u) {
      *p = u->next;
      break;
    }
  }
  utterance_free(u);
}

/* Drops the session's lines in room; returns how many. */
static unsigned drop_lines(struct srv *srv, struct srv_room *room, uint64_t session_id)
{
  unsigned n = 0;
  struct srv_utterance *u = room->typed;
  while (u) {
    struct srv_utterance *next = u->next;
    if (u->session_id == session_id) {
      drop(srv, u);
      n++;
    }
    u = next;
  }
  return n;
}

void srv_speech_member_left(struct srv *srv, struct srv_member *m)
{
  drop_lines(srv, m->room, m->session->id);
}

bool srv_speech_busy(const struct srv *srv)
{
  for (const struct srv_room *r = srv->rooms; r; r = r->next)
    if (r->typed)
      return true;
  return false;
}

/* ---- Cleaning and limits ------------------------------------------------ */

size_t srv_speech_clean(char *text)
{
  unsigned char *p = (unsigned char *)text;
  size_t chars = 0, len = strlen(text);
  for (size_t i = 0; i < len; i++) {
    /* C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8. */
    if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
      p[i] = ' ';
      memmove(p + i + 1, p + i + 2, len - i - 1);
      len--;
    } else if (p[i] < 0x20 || p[i] == 0x7F) {
      p[i] = ' ';
    }
  }
  size_t start = 0;
  while (start < len && p[start] == ' ')
    start++;
  while (len > start && p[len - 1] == ' ')
    len--;
  memmove(p, p + start, len - start);
  len -= start;
  p[len] = '\0';
  for (size_t i = 0; i < len; i++)
    chars += (p[i] & 0xC0) != 0x80;
  return chars;
}

/* Takes one line from the session's bucket: SRV_SPEECH_BURST at once, then
 * one per SRV_SPEECH_REFILL_MS. */
static bool take_token(struct srv_session *s, uint64_t now_ms)
{
  if (s->say_tokens < SRV_SPEECH_BURST) {
    uint64_t refills = (now_ms - s->say_refill_ms) / SRV_SPEECH_REFILL_MS;
    if (refills > 0) {
      s->say_tokens = refills >= SRV_SPEECH_BURST - s->say_tokens ? SRV_SPEECH_BURST
                                                                   : s->say_tokens + (unsigned)refills;
      s->say_refill_ms += refills * SRV_SPEECH_REFILL_MS;
    }
  }
  if (s->say_tokens == 0)
    return false;
  if (s->say_tokens == SRV_SPEECH_BURST)
    s->say_refill_ms = now_ms;
  s->say_tokens--;
  return true;
}

static bool ends_with_ellipsis(const char *text)
{
  size_t len = strlen(text);
  return (len >= 3 && memcmp(text + len - 3, "...", 3) == 0) ||
         (len >= 3 && memcmp(text + len - 3, "\xE2\x80\xA6", 3) == 0);
}

/* ---- Requests ----------------------------------------------------------- */

static size_t queued_in(const struct srv_room *room)
{
  size_t n = 0;
  for (const struct srv_utterance *u = room->typed; u; u = u->next)
    n++;
  return n;
}

void srv_speech_on_say(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jtext = json_object_get(msg, "text");
  if (!json_is_string(jtext)) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "say needs \"text\".");
    return;
  }
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_MEMBER);
  if (!m)
    return;
  if (m->forced_mute || m->listening || m->stepped_out) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_ALLOWED, "%s",
                   m->forced_mute  ? "A facilitator muted you; your words were not sent."
                   : m->listening  ? "You are listening only; your words were not sent."
                                   : "You stepped out; step back in to be heard.");
    return;
  }
  /* Four bytes per character at most: anything longer is over the limit
   * whatever it holds, and is not copied. */
  size_t bytes = json_string_length(jtext);
  if (bytes > (size_t)srv->text_max * 4 + 64) {
    srv_send_error(srv, s->id, id, PROTO_E_TEXT_TOO_LONG,
                   "Your line is too long; the limit is %u characters. Nothing was sent.",
                   srv->text_max);
    return;
  }
  char *text = strdup(json_string_value(jtext));
  if (!text) {
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The server is out of memory; try again.");
    return;
  }
  size_t chars = srv_speech_clean(text);
  if (chars == 0) {
    free(text);
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE, "Your line is empty; nothing was sent.");
    return;
  }
  if (chars > srv->text_max) {
    free(text);
    srv_send_error(srv, s->id, id, PROTO_E_TEXT_TOO_LONG,
                   "Your line has %zu characters; the limit is %u. Nothing was sent.", chars,
                   srv->text_max);
    return;
  }
  struct srv_room *room = m->room;
  size_t ahead = queued_in(room);
  if (ahead >= SRV_SPEECH_ROOM_QUEUE_MAX) {
    free(text);
    srv_send_error(srv, s->id, id, PROTO_E_RATE_LIMITED,
                   "%zu lines already wait in this room; try again shortly.", ahead);
    return;
  }
  if (!take_token(s, srv->now_ms)) {
    free(text);
    srv_send_error(srv, s->id, id, PROTO_E_RATE_LIMITED,
                   "Too many lines at once: one a second after %d. Nothing was sent.",
                   SRV_SPEECH_BURST);
    return;
  }
  struct srv_utterance *u = calloc(1, sizeof *u);
  if (!u) {
    free(text);
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The server is out of memory; try again.");
    return;
  }
  u->room = room;
  u->session_id = s->id;
  u->seq = ++srv->typed_seq;
  u->text = text;
  u->voice = s->voice;
  u->keep_floor = ends_with_ellipsis(text);
  /* Without an engine the line is text only and has nothing to synthesise. */
  u->synth_done = srv->speech == NULL;
  struct srv_utterance **tail = &room->typed;
  while (*tail)
    tail = &(*tail)->next;
  *tail = u;
  json_t *reply = srv_msg_new("said", id);
  if (reply) {
    json_object_set_new(reply, "ahead", json_integer((json_int_t)ahead));
    json_object_set_new(reply, "waiting",
                        room->settings.floor != SRV_FLOOR_OPEN && !srv_floor_may_type(m)
                            ? json_string("floor")
                            : json_null());
  }
  srv_send(srv, s->id, reply);
}

void srv_speech_on_say_stop(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  struct srv_member *m = srv_circle_require(srv, s, id, SRV_ROLE_MEMBER);
  if (!m)
    return;
  bool was_playing = m->room->typed && m->room->typed->playing &&
                     m->room->typed->session_id == s->id;
  unsigned n = drop_lines(srv, m->room, s->id);
  if (was_playing)
    srv_room_stop_speaking(srv, m);
  json_t *reply = srv_msg_new("say_stop", id);
  if (reply)
    json_object_set_new(reply, "cancelled", json_integer(n));
  srv_send(srv, s->id, reply);
}

static json_t *voice_json(const struct a11y_tts_voice *v)
{
  return json_pack("{s:s, s:i, s:i}", "voice", v->voice[0] ? v->voice : v->language, "rate",
                   v->rate_wpm, "pitch", v->pitch);
}

void srv_speech_on_voices(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *reply = srv_msg_new("voices", id);
  json_t *voices = json_array();
  json_t *variants = json_array();
  if (srv->speech) {
    const struct a11y_tts_voice_info *info;
    const char(*names)[A11Y_TTS_VARIANT_BYTES];
    size_t n;
    a11y_tts_voices(srv->speech->tts, &info, &n);
    for (size_t i = 0; voices && i < n; i++)
      json_array_append_new(voices, json_pack("{s:s, s:s}", "name", info[i].name, "description",
                                              info[i].description));
    a11y_tts_variants(srv->speech->tts, &names, &n);
    for (size_t i = 0; variants && i < n; i++)
      json_array_append_new(variants, json_string(names[i]));
  }
  if (!reply || !voices || !variants || json_object_set(reply, "voices", voices) ||
      json_object_set(reply, "variants", variants) ||
      json_object_set_new(reply, "voice", voice_json(&s->voice))) {
    json_decref(reply);
    reply = NULL;
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The server could not list its voices.");
  }
  json_decref(voices);
  json_decref(variants);
  srv_send(srv, s->id, reply);
}

void srv_speech_on_voice(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *jvoice = json_object_get(msg, "voice");
  json_t *jrate = json_object_get(msg, "rate");
  json_t *jpitch = json_object_get(msg, "pitch");
  if ((jvoice && !json_is_string(jvoice)) || (jrate && !json_is_integer(jrate)) ||
      (jpitch && !json_is_integer(jpitch))) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "voice takes a \"voice\" name and whole numbers \"rate\" and \"pitch\".");
    return;
  }
  struct a11y_tts_voice v = s->voice;
  if (jvoice) {
    const char *name = json_string_value(jvoice);
    if (json_string_length(jvoice) >= sizeof v.voice ||
        (srv->speech && !a11y_tts_voice_known(srv->speech->tts, name)) || !name[0]) {
      srv_send_error(srv, s->id, id, PROTO_E_BAD_SETTING,
                     "There is no voice called \"%.40s\"; /voice list shows them.", name);
      return;
    }
    hx_strlcpy(v.voice, name, sizeof v.voice);
  }
  if (jrate) {
    json_int_t rate = json_integer_value(jrate);
    if (rate < A11Y_TTS_WPM_MIN || rate > A11Y_TTS_WPM_MAX) {
      srv_send_error(srv, s->id, id, PROTO_E_BAD_SETTING,
                     "The rate must be %d to %d words per minute.", A11Y_TTS_WPM_MIN,
                     A11Y_TTS_WPM_MAX);
      return;
    }
    v.rate_wpm = (int)rate;
  }
  if (jpitch) {
    json_int_t pitch = json_integer_value(jpitch);
    if (pitch < 0 || pitch > A11Y_TTS_PITCH_MAX) {
      srv_send_error(srv, s->id, id, PROTO_E_BAD_SETTING, "The pitch must be 0 to %d.",
                     A11Y_TTS_PITCH_MAX);
      return;
    }
    v.pitch = (int)pitch;
  }
  s->voice = v;
  json_t *reply = srv_msg_new("voice", id);
  json_t *body = voice_json(&v);
  if (reply && body)
    json_object_update(reply, body);
  json_decref(body);
  srv_send(srv, s->id, reply);
}

void srv_speech_on_hear_text(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  static const char *const modes[] = {"voice", "mine", "text"};
  json_int_t id = proto_msg_id(msg);
  const char *mode = json_string_value(json_object_get(msg, "mode"));
  for (size_t i = 0; mode && i < sizeof modes / sizeof *modes; i++) {
    if (strcmp(mode, modes[i]) == 0) {
      s->hear_text = (enum srv_hear_text)i;
      json_t *reply = srv_msg_new("hear_text", id);
      if (reply)
        json_object_set_new(reply, "mode", json_string(modes[i]));
      srv_send(srv, s->id, reply);
      return;
    }
  }
  srv_send_error(srv, s->id, id, PROTO_E_BAD_SETTING,
                 "hear_text needs \"mode\": voice, mine or text.");
}

/* ---- Synthesis ---------------------------------------------------------- */

static int append_frame(struct srv_utterance *u, const uint8_t *pkt, size_t len, uint8_t level)
{
  if (u->n_frames == u->frames_cap) {
    size_t cap = u->frames_cap ? u->frames_cap * 2 : 64;
    struct typed_frame *f = realloc(u->frames, cap * sizeof *f);
    if (!f)
      return HX_ERR_NOMEM;
    u->frames = f;
    u->frames_cap = cap;
  }
  if (u->data_len + len > u->data_cap) {
    size_t cap = u->data_cap ? u->data_cap * 2 : 4096;
    while (cap < u->data_len + len)
      cap *= 2;
    uint8_t *d = realloc(u->data, cap);
    if (!d)
      return HX_ERR_NOMEM;
    u->data = d;
    u->data_cap = cap;
  }
  memcpy(u->data + u->data_len, pkt, len);
  u->frames[u->n_frames++] =
      (struct typed_frame){.off = (uint32_t)u->data_len, .len = (uint16_t)len, .level = level};
  u->data_len += len;
  return HX_OK;
}

/* Encodes the full frame in sp->pcm into the line being synthesised. */
static int encode_frame(struct srv_speech *sp)
{
  uint8_t pkt[AUD_MAX_PACKET];
  size_t len;
  int rc = aud_encoder_encode(sp->enc, sp->pcm, pkt, sizeof pkt, &len);
  if (rc == HX_OK)
    rc = append_frame(sp->synth, pkt, len, aud_level_dbov(sp->pcm, FRAME_SAMPLES));
  sp->pcm_fill = 0;
  return rc;
}

static void finish_synthesis(struct srv_speech *sp)
{
  sp->synth->synth_done = true;
  sp->synth = NULL;
  sp->pcm_fill = 0;
}

/* The oldest line on the server not yet synthesised. */
static struct srv_utterance *next_to_synthesise(struct srv *srv)
{
  struct srv_utterance *best = NULL;
  for (struct srv_room *r = srv->rooms; r; r = r->next)
    for (struct srv_utterance *u = r->typed; u; u = u->next)
      if (!u->synth_done && (!best || u->seq < best->seq))
        best = u;
  return best;
}

static void synthesise(struct srv *srv)
{
  struct srv_speech *sp = srv->speech;
  if (!sp)
    return;
  if (!sp->synth) {
    struct srv_utterance *u = next_to_synthesise(srv);
    if (!u)
      return;
    if (a11y_tts_set_voice(sp->tts, &u->voice) != HX_OK || a11y_tts_speak(sp->tts, u->text) != HX_OK) {
      u->synth_done = true;
      return;
    }
    sp->synth = u;
    sp->pcm_fill = 0;
  }
  for (int f = 0; f < ENCODE_FRAMES_PER_TICK && sp->synth; f++) {
    size_t got;
    a11y_tts_read(sp->tts, sp->pcm + sp->pcm_fill, FRAME_SAMPLES - sp->pcm_fill, &got);
    sp->pcm_fill += got;
    if (sp->pcm_fill == FRAME_SAMPLES) {
      if (encode_frame(sp) != HX_OK || sp->synth->n_frames >= SRV_SPEECH_FRAMES_MAX) {
        a11y_tts_cancel(sp->tts);
        finish_synthesis(sp);
      }
      continue;
    }
    if (!a11y_tts_idle(sp->tts))
      break; /* the worker is still speaking: more next tick */
    if (sp->pcm_fill > 0) {
      memset(sp->pcm + sp->pcm_fill, 0, (FRAME_SAMPLES - sp->pcm_fill) * sizeof *sp->pcm);
      encode_frame(sp);
    }
    finish_synthesis(sp);
  }
}

/* ---- Playback ----------------------------------------------------------- */

/* Nobody in the room has sent voice (or typed speech) for the gap. */
static bool room_quiet(const struct srv_room *room, uint64_t now_ms)
{
  for (size_t i = 0; i < room->count; i++) {
    const struct srv_member *m = room->members[i];
    if (m->last_loud_ms != 0 && now_ms - m->last_loud_ms < SRV_SPEECH_GAP_MS)
      return false;
  }
  return true;
}

static bool first_of_typist(const struct srv_room *room, const struct srv_utterance *u)
{
  for (const struct srv_utterance *v = room->typed; v != u; v = v->next)
    if (v->session_id == u->session_id)
      return false;
  return true;
}

/* The line to speak next: among typists whose first line may be spoken
 * now, the one heard longest ago. */
static struct srv_utterance *choose(const struct srv_room *room)
{
  struct srv_utterance *best = NULL;
  uint64_t best_last = 0;
  for (struct srv_utterance *u = room->typed; u; u = u->next) {
    const struct srv_member *m = srv_room_member(room, u->session_id);
    if (!m || !srv_floor_may_type(m) || !first_of_typist(room, u))
      continue;
    if (!best || m->typed_last_ms < best_last) {
      best = u;
      best_last = m->typed_last_ms;
    }
  }
  return best;
}

static void send_text_event(struct srv *srv, struct srv_member *m, const struct srv_utterance *u)
{
  json_t *ev = srv_room_event("text", m);
  if (ev) {
    json_object_set_new(ev, "text", json_string(u->text));
    json_object_set_new(ev, "spoken", json_boolean(srv->speech != NULL));
  }
  srv_room_broadcast(srv, m->room, ev);
}

static void send_frame(struct srv *srv, struct srv_member *m, struct srv_utterance *u,
                       uint64_t now_ms)
{
  const struct typed_frame *f = &u->frames[u->next_frame];
  bool first = u->next_frame == 0;
  u->next_frame++;
  uint32_t ts = m->text_ts;
  m->text_ts += FRAME_SAMPLES;
  bool voice = f->level <= SRV_SPEAKING_LEVEL;
  if (f->len <= AUD_DTX_MAX_BYTES)
    return; /* DTX: nothing to send, as a client would not */
  struct proto_rtp h = {.payload_type = PROTO_RTP_PT_OPUS,
                        .marker = first,
                        .seq = m->text_seq++,
                        .timestamp = ts,
                        .ssrc = m->text_ssrc,
                        .has_level = true,
                        .voice = voice,
                        .level = f->level};
  uint8_t pkt[PROTO_RTP_MAX_PACKET];
  size_t len;
  if (proto_rtp_pack(&h, u->data + f->off, f->len, pkt, sizeof pkt, &len) != HX_OK)
    return;
  srv_room_note_level(srv, m, voice, f->level, now_ms);
  srv_media_send_typed(srv, m, pkt, len);
}

/* The line has been spoken (or cut): the typist's turn may end. */
static void finish_line(struct srv *srv, struct srv_utterance *u, bool cut, uint64_t now_ms)
{
  struct srv_room *room = u->room;
  struct srv_member *m = srv_room_member(room, u->session_id);
  bool keep = u->keep_floor;
  drop(srv, u);
  if (!m)
    return;
  m->typed_last_ms = now_ms;
  if (cut || keep || room->settings.floor == SRV_FLOOR_OPEN)
    return;
  for (const struct srv_utterance *v = room->typed; v; v = v->next)
    if (v->session_id == m->session->id)
      return; /* more lines of theirs wait: they keep the floor */
  srv_floor_pass(srv, m);
}

static void start_line(struct srv *srv, struct srv_room *room, struct srv_utterance *u,
                       uint64_t now_ms)
{
  struct srv_member *m = srv_room_member(room, u->session_id);
  /* The typed line goes first in the queue: the one playing is always the
   * head, so cancelling and leaving find it in one place. */
  for (struct srv_utterance **p = &room->typed; *p; p = &(*p)->next) {
    if (*p == u) {
      *p = u->next;
      break;
    }
  }
  u->next = room->typed;
  room->typed = u;
  u->playing = true;
  u->next_due_ms = now_ms;
  /* The stream's clock follows the wall clock across lines, so a listener's
   * jitter buffer sees a pause, not a jump back. */
  uint32_t wall_ts = (uint32_t)(now_ms * (AUD_RATE / 1000));
  if ((int32_t)(wall_ts - m->text_ts) > 0)
    m->text_ts = wall_ts;
  send_text_event(srv, m, u);
}

static void play_room(struct srv *srv, struct srv_room *room, uint64_t now_ms)
{
  struct srv_utterance *u = room->typed;
  if (!u || !u->playing) {
    u = choose(room);
    if (!u || !room_quiet(room, now_ms) || (u->n_frames == 0 && !u->synth_done))
      return;
    start_line(srv, room, u, now_ms);
  }
  struct srv_member *m = srv_room_member(room, u->session_id);
  if (!m || !srv_floor_may_type(m)) {
    finish_line(srv, u, true, now_ms);
    return;
  }
  while (u->next_frame < u->n_frames && u->next_due_ms <= now_ms) {
    send_frame(srv, m, u, now_ms);
    u->next_due_ms += FRAME_MS;
  }
  if (u->next_frame < u->n_frames)
    return;
  if (u->synth_done)
    finish_line(srv, u, false, now_ms);
  else if (u->next_due_ms < now_ms)
    u->next_due_ms = now_ms; /* synthesis is behind: no burst when it catches up */
}

void srv_speech_tick(struct srv *srv, uint64_t now_ms)
{
  srv->now_ms = now_ms;
  synthesise(srv);
  for (struct srv_room *r = srv->rooms; r; r = r->next)
    if (r->typed)
      play_room(srv, r, now_ms);
}
