#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <unistd.h>

#include "aud_wav.h"
#include "cli_announce.h"
#include "hx_err.h"
#include "hx_util.h"

#define FRAME 960 /* 20 ms */
#define TONE 8000.0

struct lines {
  int count;
  char last[256];
};

static void collect(void *userdata, const char *line)
{
  struct lines *l = userdata;
  l->count++;
  hx_strlcpy(l->last, line, sizeof l->last);
}

static void room_tone(int16_t *frame, size_t n, size_t *phase)
{
  for (size_t i = 0; i < n; i++, (*phase)++)
    frame[i] = (int16_t)lrint(TONE * sin(2 * 3.14159265358979 * 1000.0 * (double)*phase / 48000));
}

static double rms(const int16_t *pcm, size_t n)
{
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += (double)pcm[i] * pcm[i];
  return sqrt(sum / (double)n);
}

static double db(double ratio) { return 20 * log10(ratio); }

/* Only ev is heard, and only through mapping. */
static struct cli_announce *make(enum cli_speech_backend backend, enum a11y_cue_event ev,
                                 unsigned mapping, struct lines *lines, int speech_volume)
{
  struct cli_announce_config cfg;
  cli_announce_config_default(&cfg);
  cfg.backend = backend;
  for (int i = 0; i < A11Y_CUE_EVENT_COUNT; i++)
    cfg.cues.map[i] = 0;
  cfg.cues.map[ev] = mapping;
  cfg.volume[CLI_ANNOUNCE_SPEECH] = speech_volume;
  struct cli_announce *a = NULL;
  int status = cli_announce_create(&cfg, collect, lines, &a);
  if (status != HX_OK)
    fail_msg("cannot start announcements: %s (is espeak-ng installed?)", hx_strerror(status));
  return a;
}

static const struct a11y_cue_info ben = {.name = "Ben", .room = "Lobby", .count = 2};

static void speech_ducks_the_room_by_10_db_and_restores_it(void **state)
{
  (void)state;
  struct lines lines = {0};
  /* Speech at volume 0, so what is measured is the room alone. */
  struct cli_announce *a = make(CLI_SPEECH_ESPEAK, A11Y_CUE_JOIN, A11Y_CUE_SPEECH, &lines, 0);
  int16_t frame[FRAME];
  size_t phase = 0;
  room_tone(frame, FRAME, &phase);
  cli_announce_mix(a, frame, FRAME);
  double full = rms(frame, FRAME);
  assert_true(fabs(db(full / (TONE / sqrt(2)))) < 0.1);

  assert_int_equal(cli_announce_event(a, A11Y_CUE_JOIN, &ben), HX_OK);
  assert_int_equal(lines.count, 0);
  double deepest = full, ramp_first = 0;
  int frames = 0, ducked_frames = 0;
  uint64_t deadline = hx_clock_ns() + 15000000000ull;
  while (cli_announce_speaking(a)) {
    room_tone(frame, FRAME, &phase);
    cli_announce_mix(a, frame, FRAME);
    double level = rms(frame, FRAME);
    if (frames == 0)
      ramp_first = level;
    if (frames >= 1 && cli_announce_speaking(a)) {
      /* After the 20 ms ramp, every frame mixed while speech plays (still
       * playing after it) is at least 10 dB down. */
      assert_true(db(level / full) <= -10.0);
      ducked_frames++;
    }
    deepest = fmin(deepest, level);
    frames++;
    hx_sleep_ns(2000000);
    assert_true(hx_clock_ns() < deadline);
  }
  print_message("room %.1f dB while speaking (%d frames), first frame %.1f dB\n",
                db(deepest / full), ducked_frames, db(ramp_first / full));
  assert_true(ducked_frames > 10);
  /* The ramp: the first frame is between full and ducked, not a jump. */
  assert_true(db(ramp_first / full) < -1.0 && db(ramp_first / full) > -10.0);
  /* Restored within a ramp after speech ends. */
  for (int i = 0; i < 2; i++) {
    room_tone(frame, FRAME, &phase);
    cli_announce_mix(a, frame, FRAME);
  }
  assert_true(fabs(db(rms(frame, FRAME) / full)) < 0.1);
  cli_announce_destroy(a);
}

static void speech_is_heard_over_a_silent_room(void **state)
{
  (void)state;
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_ESPEAK, A11Y_CUE_MUTED, A11Y_CUE_SPEECH, &lines, 100);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_MUTED, &ben), HX_OK);
  int16_t frame[FRAME];
  double loudest = 0;
  uint64_t deadline = hx_clock_ns() + 15000000000ull;
  while (cli_announce_speaking(a) && hx_clock_ns() < deadline) {
    memset(frame, 0, sizeof frame);
    cli_announce_mix(a, frame, FRAME);
    loudest = fmax(loudest, rms(frame, FRAME));
    hx_sleep_ns(2000000);
  }
  assert_true(loudest > 1000);
  assert_int_equal(cli_announce_repeat(a), HX_OK);
  assert_true(cli_announce_speaking(a));
  cli_announce_silence(a);
  assert_false(cli_announce_speaking(a));
  memset(frame, 0, sizeof frame);
  cli_announce_mix(a, frame, FRAME);
  assert_true(rms(frame, FRAME) == 0);
  cli_announce_destroy(a);
}

static void event_mapped_to_nothing_makes_no_sound_and_no_line(void **state)
{
  (void)state;
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_ESPEAK, A11Y_CUE_JOIN, 0, &lines, 100);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_JOIN, &ben), HX_OK);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_HAND_RAISED, &ben), HX_OK);
  assert_false(cli_announce_speaking(a));
  int16_t frame[FRAME];
  for (int i = 0; i < 25; i++) {
    memset(frame, 0, sizeof frame);
    cli_announce_mix(a, frame, FRAME);
    assert_true(rms(frame, FRAME) == 0);
    hx_sleep_ns(2000000);
  }
  assert_int_equal(lines.count, 0);
  cli_announce_destroy(a);
}

static void text_cue_prints_the_line_without_sound(void **state)
{
  (void)state;
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_ESPEAK, A11Y_CUE_JOIN, A11Y_CUE_TEXT, &lines, 100);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_JOIN, &ben), HX_OK);
  assert_int_equal(lines.count, 1);
  assert_string_equal(lines.last, "Ben joined Lobby. 2 people here.");
  int16_t frame[FRAME] = {0};
  cli_announce_mix(a, frame, FRAME);
  assert_true(rms(frame, FRAME) == 0);
  cli_announce_destroy(a);
}

static void earcon_cue_plays_a_short_sound_without_a_line(void **state)
{
  (void)state;
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_NONE, A11Y_CUE_JOIN, A11Y_CUE_EARCON, &lines, 100);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_JOIN, &ben), HX_OK);
  int16_t frame[FRAME];
  double energy[12];
  for (int i = 0; i < 12; i++) {
    memset(frame, 0, sizeof frame);
    cli_announce_mix(a, frame, FRAME);
    energy[i] = rms(frame, FRAME);
  }
  assert_true(energy[0] > 1000);
  assert_true(energy[11] == 0); /* over within 200 ms */
  assert_int_equal(lines.count, 0);
  /* Quieter cues are quieter. */
  int now;
  assert_int_equal(cli_announce_volume_change(a, CLI_ANNOUNCE_CUES, -40, &now), HX_OK);
  assert_int_equal(now, 30);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_JOIN, &ben), HX_OK);
  memset(frame, 0, sizeof frame);
  cli_announce_mix(a, frame, FRAME);
  assert_true(db(rms(frame, FRAME) / energy[0]) < -6.0);
  cli_announce_destroy(a);
}

static void without_self_voicing_speech_becomes_a_printed_line(void **state)
{
  (void)state;
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_NONE, A11Y_CUE_MUTED, A11Y_CUE_SPEECH, &lines, 100);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_MUTED, &ben), HX_OK);
  assert_int_equal(lines.count, 1);
  assert_string_equal(lines.last, "Muted. Nobody hears you.");
  assert_false(cli_announce_speaking(a));
  assert_int_equal(cli_announce_repeat(a), HX_ERR_STATE);
  cli_announce_destroy(a);
  cli_announce_destroy(NULL);
}

static void room_volume_scales_the_room(void **state)
{
  (void)state;
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_NONE, A11Y_CUE_JOIN, 0, &lines, 100);
  int now;
  assert_int_equal(cli_announce_volume_change(a, CLI_ANNOUNCE_ROOM, -50, &now), HX_OK);
  assert_int_equal(now, 50);
  assert_int_equal(cli_announce_volume_change(a, CLI_ANNOUNCE_ROOM, 500, &now), HX_OK);
  assert_int_equal(now, CLI_ANNOUNCE_VOLUME_MAX);
  assert_int_equal(cli_announce_volume_change(a, CLI_ANNOUNCE_ROOM, -50, &now), HX_OK);
  int16_t frame[FRAME];
  size_t phase = 0;
  room_tone(frame, FRAME, &phase);
  cli_announce_mix(a, frame, FRAME);
  assert_true(fabs(db(rms(frame, FRAME) / (TONE / sqrt(2))) - db(0.5)) < 0.1);
  cli_announce_destroy(a);
}

static void stereo_earcon_is_centred_and_room_volume_scales_both_sides(void **state)
{
  (void)state;
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_NONE, A11Y_CUE_JOIN, A11Y_CUE_EARCON, &lines, 100);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_JOIN, &ben), HX_OK);
  int16_t frame[FRAME * 2];
  double first = 0, last = 0;
  for (int i = 0; i < 12; i++) {
    memset(frame, 0, sizeof frame);
    cli_announce_mix_interleaved(a, frame, FRAME, 2);
    for (size_t k = 0; k < FRAME; k++)
      assert_int_equal(frame[2 * k], frame[2 * k + 1]);
    last = rms(frame, FRAME * 2);
    first = i == 0 ? last : first;
  }
  assert_true(first > 1000);
  assert_true(last == 0); /* as long as in mono: over within 200 ms */
  /* A voice hard left stays hard left, at the room volume. */
  int now;
  assert_int_equal(cli_announce_volume_change(a, CLI_ANNOUNCE_ROOM, -50, &now), HX_OK);
  int16_t left[FRAME];
  size_t phase = 0;
  room_tone(left, FRAME, &phase);
  for (size_t k = 0; k < FRAME; k++) {
    frame[2 * k] = left[k];
    frame[2 * k + 1] = 0;
  }
  cli_announce_mix_interleaved(a, frame, FRAME, 2);
  double sum = 0;
  for (size_t k = 0; k < FRAME; k++) {
    sum += (double)frame[2 * k] * frame[2 * k];
    assert_int_equal(frame[2 * k + 1], 0);
  }
  assert_true(fabs(db(sqrt(sum / FRAME) / (TONE / sqrt(2))) - db(0.5)) < 0.1);
  cli_announce_destroy(a);
}

static void backend_names_parse(void **state)
{
  (void)state;
  enum cli_speech_backend b;
  assert_int_equal(cli_announce_backend_parse("espeak", &b), HX_OK);
  assert_int_equal(b, CLI_SPEECH_ESPEAK);
  assert_int_equal(cli_announce_backend_parse("none", &b), HX_OK);
  assert_int_equal(b, CLI_SPEECH_NONE);
  assert_int_equal(cli_announce_backend_parse("speechd", &b), HX_OK);
  assert_int_equal(b, CLI_SPEECH_SPEECHD);
  assert_int_equal(cli_announce_backend_parse("say", &b), HX_ERR_INVALID);
  enum cli_announce_channel ch;
  assert_int_equal(cli_announce_channel_parse("cues", &ch), HX_OK);
  assert_int_equal(ch, CLI_ANNOUNCE_CUES);
  assert_int_equal(cli_announce_channel_parse("music", &ch), HX_ERR_INVALID);
}

/* A 0.5 s tone at hz, as a person's own sound file. */
static void write_bell(char *path, double hz)
{
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  struct aud_wav_writer *w;
  assert_int_equal(aud_wav_open_write(path, 44100, 1, &w), HX_OK);
  for (int i = 0; i < 22050; i++) {
    int16_t v = (int16_t)lrint(10000 * sin(2 * 3.14159265358979 * hz * i / 44100.0));
    assert_int_equal(aud_wav_write(w, &v, 1), HX_OK);
  }
  assert_int_equal(aud_wav_close_write(w), HX_OK);
}

/* Level of a sine at hz in what the announcer mixed over 600 ms of silence
 * (Goertzel), in dB of full scale. */
static double heard_at(struct cli_announce *a, double hz)
{
  int16_t frame[FRAME];
  double coeff = 2 * cos(2 * 3.14159265358979 * hz / 48000), s1 = 0, s2 = 0;
  size_t n = 0;
  for (int f = 0; f < 30; f++) {
    memset(frame, 0, sizeof frame);
    cli_announce_mix(a, frame, FRAME);
    for (size_t i = 0; i < FRAME; i++, n++) {
      double s0 = frame[i] / 32768.0 + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
  }
  double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  double amp = 2 * sqrt(power > 0 ? power : 0) / (double)n;
  return amp > 0 ? db(amp) : -120;
}

/* text-message and knock share the built-in bell; only the event the
 * person chose gets their sound, and "default" brings the earcon back. */
static void own_sound_plays_for_its_event_only_until_reset(void **state)
{
  (void)state;
  char bell[] = "/tmp/hearth-bell-XXXXXX";
  write_bell(bell, 3000);
  struct lines lines = {0};
  struct cli_announce *a = make(CLI_SPEECH_NONE, A11Y_CUE_KNOCK, A11Y_CUE_EARCON, &lines, 100);
  struct a11y_cues cues;
  a11y_cues_init(&cues, A11Y_CUE_NORMAL);
  for (int i = 0; i < A11Y_CUE_EVENT_COUNT; i++)
    cues.map[i] = A11Y_CUE_EARCON;
  cli_announce_set_cues(a, &cues);

  assert_true(heard_at(a, 3000) < -80);
  assert_int_equal(cli_announce_set_sound(a, A11Y_CUE_KNOCK, bell), HX_OK);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_KNOCK, &ben), HX_OK);
  double own = heard_at(a, 3000);
  print_message("own sound at 3 kHz: %.1f dBFS\n", own);
  assert_true(own > -30);
  /* The text-message bell is the built-in one still. */
  assert_int_equal(cli_announce_event(a, A11Y_CUE_TEXT_MESSAGE, &ben), HX_OK);
  assert_true(heard_at(a, 3000) < -60);
  assert_true(heard_at(a, 1568) < -60); /* it has ended */

  /* A bad file keeps the sound before. */
  assert_int_equal(cli_announce_set_sound(a, A11Y_CUE_KNOCK, "/nonexistent/x.wav"), HX_ERR_IO);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_KNOCK, &ben), HX_OK);
  assert_true(heard_at(a, 3000) > -30);

  /* Replaced while it plays: it stops, nothing freed is read. */
  assert_int_equal(cli_announce_event(a, A11Y_CUE_KNOCK, &ben), HX_OK);
  int16_t frame[FRAME] = {0};
  cli_announce_mix(a, frame, FRAME);
  assert_int_equal(cli_announce_set_sound(a, A11Y_CUE_KNOCK, NULL), HX_OK);
  assert_true(heard_at(a, 3000) < -80);
  assert_int_equal(cli_announce_event(a, A11Y_CUE_KNOCK, &ben), HX_OK);
  assert_true(heard_at(a, 3000) < -60);
  assert_int_equal(cli_announce_set_sound(a, A11Y_CUE_EVENT_COUNT, NULL), HX_ERR_INVALID);
  assert_int_equal(lines.count, 0);
  cli_announce_destroy(a);
  unlink(bell);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(speech_ducks_the_room_by_10_db_and_restores_it),
      cmocka_unit_test(speech_is_heard_over_a_silent_room),
      cmocka_unit_test(event_mapped_to_nothing_makes_no_sound_and_no_line),
      cmocka_unit_test(text_cue_prints_the_line_without_sound),
      cmocka_unit_test(earcon_cue_plays_a_short_sound_without_a_line),
      cmocka_unit_test(own_sound_plays_for_its_event_only_until_reset),
      cmocka_unit_test(without_self_voicing_speech_becomes_a_printed_line),
      cmocka_unit_test(room_volume_scales_the_room),
      cmocka_unit_test(stereo_earcon_is_centred_and_room_volume_scales_both_sides),
      cmocka_unit_test(backend_names_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
