/* cli_audio: the WAV-file and null devices run in real time and move the
 * right samples; every way of failing to open says what went wrong. The
 * PortAudio backend is exercised here only through its error path (the
 * machine may have no sound system); tests/e2e runs it for real. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aud_wav.h"
#include "cli_audio.h"
#include "hx_err.h"
#include "hx_ring.h"
#include "hx_util.h"

/* ALSA's plugins, loaded while PortAudio probes devices, keep allocations
 * from their constructors for the life of the process; under
 * LeakSanitizer that is their leak, not ours. The plugins have no frame
 * pointers, so only the slow unwinder sees libasound in the stack. Without
 * ASan nothing calls these. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "fast_unwind_on_malloc=0"; }
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libasound.so\n"; }

#define RATE 48000
#define INPUT_SAMPLES 14400 /* 0.3 s */

struct fixture {
  char dir[64];
  char in_path[128];
  char out_path[128];
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  snprintf(f->dir, sizeof(f->dir), "/tmp/test_cli_audio.XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  snprintf(f->in_path, sizeof(f->in_path), "%s/in.wav", f->dir);
  snprintf(f->out_path, sizeof(f->out_path), "%s/out.wav", f->dir);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  unlink(f->in_path);
  unlink(f->out_path);
  rmdir(f->dir);
  free(f);
  return 0;
}

/* What a test plays: the device's render function reads it from a ring of
 * the test's own, silence when that is short, like a mixer with nothing
 * to say. */
struct player {
  struct hx_ring *ring;
  size_t channels;
};

static void render_from_ring(void *userdata, int16_t *out, size_t frames)
{
  struct player *p = userdata;
  size_t n = frames * p->channels;
  size_t got = hx_ring_read(p->ring, out, n);
  memset(out + got, 0, (n - got) * sizeof out[0]);
}

static struct player player_create(size_t channels)
{
  struct player p = {.ring = hx_ring_create(RATE * channels), .channels = channels};
  assert_non_null(p.ring);
  return p;
}

/* A ramp 1, 2, 3, ...: no zero in it, so it can be found in the output,
 * and any lost, repeated or reordered sample shows. */
static int16_t ramp(size_t i) { return (int16_t)(i + 1); }

static void write_ramp_wav(const char *path)
{
  int16_t pcm[INPUT_SAMPLES];
  for (size_t i = 0; i < INPUT_SAMPLES; i++)
    pcm[i] = ramp(i);
  struct aud_wav_writer *w;
  assert_int_equal(aud_wav_open_write(path, RATE, 1, &w), HX_OK);
  assert_int_equal(aud_wav_write(w, pcm, INPUT_SAMPLES), HX_OK);
  assert_int_equal(aud_wav_close_write(w), HX_OK);
}

static void file_device_loops_input_file_to_output_file_in_real_time(void **state)
{
  struct fixture *f = *state;
  write_ramp_wav(f->in_path);
  struct player player = player_create(1);
  struct cli_audio_config cfg = {.input = f->in_path,
                                 .output = f->out_path,
                                 .frame_samples = 480,
                                 .render = render_from_ring,
                                 .render_userdata = &player};
  struct cli_audio *a;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  struct hx_ring *cap = cli_audio_capture_ring(a);
  struct hx_ring *play = player.ring;
  assert_int_equal(cli_audio_output_latency_samples(a), 0);

  /* A cushion in the test's ring, so a test thread held up for a few
   * periods on a busy machine does not starve the output in the middle of
   * the ramp. */
  int16_t cushion[960] = {0};
  assert_int_equal(hx_ring_write(play, cushion, 960), 960);
  uint64_t t0 = hx_clock_ns();
  assert_int_equal(cli_audio_start(a), HX_OK);
  size_t looped = 0;
  while (hx_clock_ns() - t0 < 500000000u) {
    int16_t buf[960];
    size_t n = hx_ring_read(cap, buf, 960);
    assert_int_equal(hx_ring_write(play, buf, n), n);
    looped += n;
    hx_sleep_ns(2000000);
  }
  assert_int_equal(cli_audio_stop(a), HX_OK);
  uint64_t elapsed_ns = hx_clock_ns() - t0;
  cli_audio_close(a);
  hx_ring_destroy(player.ring);
  /* The capture side ran at the real-time rate. */
  assert_in_range(looped, RATE * 4 / 10, RATE * 6 / 10);

  int16_t *out;
  size_t n;
  assert_int_equal(aud_wav_load(f->out_path, RATE, &out, &n), HX_OK);
  size_t expected = (size_t)(elapsed_ns * RATE / 1000000000u);
  assert_in_range(n, expected - RATE / 10, expected + RATE / 10);

  size_t off = 0;
  while (off < n && out[off] == 0)
    off++;
  assert_true(off + INPUT_SAMPLES <= n);
  /* The loop through the client adds at most a few frames of delay. */
  assert_in_range(off, 1, 4800);
  for (size_t i = 0; i < INPUT_SAMPLES; i++)
    assert_int_equal(out[off + i], ramp(i));
  /* After the input ends the device captures silence. */
  for (size_t i = off + INPUT_SAMPLES; i < n; i++)
    assert_int_equal(out[i], 0);
  free(out);
}

static int16_t get_i16le(const uint8_t *p) { return (int16_t)(uint16_t)(p[0] | (p[1] << 8)); }

static void stereo_output_file_keeps_left_and_right_apart(void **state)
{
  struct fixture *f = *state;
  struct player player = player_create(2);
  struct cli_audio_config cfg = {.output = f->out_path,
                                 .no_audio = true,
                                 .output_channels = 2,
                                 .frame_samples = 480,
                                 .render = render_from_ring,
                                 .render_userdata = &player};
  struct cli_audio *a;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  assert_int_equal(cli_audio_output_channels(a), 2);
  /* 0.3 s of frames queued before the start: left a ramp, right its
   * negative, so a swap, a lost sample or a mono file all show. */
  static int16_t frames[INPUT_SAMPLES * 2];
  for (size_t i = 0; i < INPUT_SAMPLES; i++) {
    frames[2 * i] = ramp(i);
    frames[2 * i + 1] = (int16_t)-ramp(i);
  }
  assert_int_equal(hx_ring_write(player.ring, frames, INPUT_SAMPLES * 2), INPUT_SAMPLES * 2);
  assert_int_equal(cli_audio_start(a), HX_OK);
  hx_sleep_ns(400000000u);
  assert_int_equal(cli_audio_stop(a), HX_OK);
  cli_audio_close(a);
  hx_ring_destroy(player.ring);

  FILE *file = fopen(f->out_path, "rb");
  assert_non_null(file);
  static uint8_t bytes[RATE * 4 * 2];
  size_t len = fread(bytes, 1, sizeof bytes, file);
  fclose(file);
  int rate, channels;
  size_t offset, data_len;
  assert_int_equal(aud_wav_parse_header(bytes, len, &rate, &channels, &offset, &data_len), HX_OK);
  assert_int_equal(rate, RATE);
  assert_int_equal(channels, 2);
  assert_true(data_len >= INPUT_SAMPLES * 4);
  for (size_t i = 0; i < INPUT_SAMPLES; i++) {
    assert_int_equal(get_i16le(bytes + offset + 4 * i), ramp(i));
    assert_int_equal(get_i16le(bytes + offset + 4 * i + 2), -ramp(i));
  }
  /* Then silence in both channels: the queue ran dry. */
  for (size_t at = INPUT_SAMPLES * 4; at < data_len; at += 2)
    assert_int_equal(get_i16le(bytes + offset + at), 0);
}

static void mono_is_the_default_output(void **state)
{
  (void)state;
  struct cli_audio_config cfg = {.no_audio = true, .frame_samples = 480};
  struct cli_audio *a;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  assert_int_equal(cli_audio_output_channels(a), 1);
  cli_audio_close(a);
}

static void null_device_captures_silence_at_real_time_pace(void **state)
{
  (void)state;
  struct player player = player_create(1);
  struct cli_audio_config cfg = {.no_audio = true,
                                 .frame_samples = 480,
                                 .render = render_from_ring,
                                 .render_userdata = &player};
  struct cli_audio *a;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  struct hx_ring *cap = cli_audio_capture_ring(a);
  struct hx_ring *play = player.ring;
  assert_int_equal(cli_audio_start(a), HX_OK);

  uint64_t t0 = hx_clock_ns();
  size_t captured = 0;
  int16_t noise[480];
  for (size_t i = 0; i < 480; i++)
    noise[i] = 1000;
  while (hx_clock_ns() - t0 < 300000000u) {
    int16_t buf[960];
    size_t n = hx_ring_read(cap, buf, 960);
    for (size_t i = 0; i < n; i++)
      assert_int_equal(buf[i], 0);
    captured += n;
    hx_ring_write(play, noise, 480);
    hx_sleep_ns(5000000);
  }
  /* Writing 480 per 5 ms while the device takes 480 per 10 ms: the ring
   * fills up only if the device drains nothing. */
  assert_true(hx_ring_readable(play) < hx_ring_capacity(play));
  assert_int_equal(cli_audio_stop(a), HX_OK);
  cli_audio_close(a);
  hx_ring_destroy(player.ring);
  assert_in_range(captured, 14400 * 8 / 10, 14400 * 12 / 10);
}

static void null_device_drains_playback(void **state)
{
  (void)state;
  struct player player = player_create(1);
  struct cli_audio_config cfg = {.no_audio = true,
                                 .frame_samples = 960,
                                 .render = render_from_ring,
                                 .render_userdata = &player};
  struct cli_audio *a;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  struct hx_ring *play = player.ring;
  int16_t block[4800] = {0};
  assert_int_equal(hx_ring_write(play, block, 4800), 4800);
  assert_int_equal(cli_audio_start(a), HX_OK);
  hx_sleep_ns(200000000);
  assert_int_equal(cli_audio_stop(a), HX_OK);
  /* 100 ms of samples are gone after 200 ms. */
  assert_int_equal(hx_ring_readable(play), 0);
  cli_audio_close(a);
  hx_ring_destroy(player.ring);
}

static void missing_input_file_is_named_in_error(void **state)
{
  struct fixture *f = *state;
  char path[160];
  snprintf(path, sizeof(path), "%s/missing.wav", f->dir);
  struct cli_audio_config cfg = {.input = path, .no_audio = true, .frame_samples = 480};
  struct cli_audio *a = (struct cli_audio *)&cfg;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_ERR_IO);
  assert_null(a);
  assert_non_null(strstr(err, "cannot open audio input \""));
  assert_non_null(strstr(err, path));
  assert_non_null(strstr(err, "No such file or directory"));
}

static void uncreatable_output_file_is_named_in_error(void **state)
{
  struct fixture *f = *state;
  char path[160];
  snprintf(path, sizeof(path), "%s/no-such-dir/out.wav", f->dir);
  struct cli_audio_config cfg = {.output = path, .no_audio = true, .frame_samples = 480};
  struct cli_audio *a = (struct cli_audio *)&cfg;
  char err[256];
  assert_int_not_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  assert_null(a);
  assert_non_null(strstr(err, "cannot create audio output \""));
  assert_non_null(strstr(err, path));
}

static void unknown_device_error_suggests_list_devices(void **state)
{
  (void)state;
  /* Whether or not the sound system starts here, no device has this name,
   * and the sentence must tell the user how to find the right one. */
  struct cli_audio_config cfg = {
      .input = "no-such-device-xyz", .output = "no-such-device-xyz", .frame_samples = 480};
  struct cli_audio *a = (struct cli_audio *)&cfg;
  char err[256];
  assert_int_not_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  assert_null(a);
  assert_non_null(strstr(err, "\"no-such-device-xyz\""));
  assert_non_null(strstr(err, "--list-devices"));
  assert_non_null(strstr(err, "--no-audio"));
}

static void frame_sizes_are_checked(void **state)
{
  (void)state;
  static const struct {
    size_t frame_samples;
    int rc;
  } cases[] = {
      {0, HX_ERR_INVALID},  {1, HX_OK},           {480, HX_OK},
      {960, HX_OK},         {12000, HX_OK},       {12001, HX_ERR_INVALID},
      {0xffffffffu, HX_ERR_INVALID}, {SIZE_MAX, HX_ERR_INVALID},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct cli_audio_config cfg = {.no_audio = true, .frame_samples = cases[i].frame_samples};
    struct cli_audio *a;
    char err[256];
    assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), cases[i].rc);
    if (cases[i].rc == HX_OK)
      assert_non_null(a);
    else
      assert_true(a == NULL && err[0] != '\0');
    cli_audio_close(a);
  }
}

static void start_stop_follow_the_lifecycle(void **state)
{
  (void)state;
  struct cli_audio_config cfg = {.no_audio = true, .frame_samples = 480};
  struct cli_audio *a;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  assert_int_equal(cli_audio_stop(a), HX_OK);
  assert_int_equal(cli_audio_start(a), HX_OK);
  assert_int_equal(cli_audio_start(a), HX_ERR_STATE);
  assert_int_equal(cli_audio_stop(a), HX_OK);
  assert_int_equal(cli_audio_stop(a), HX_OK);
  assert_int_equal(cli_audio_start(a), HX_ERR_STATE);
  cli_audio_close(a);
  cli_audio_close(NULL);
}

static void output_file_is_valid_when_never_started(void **state)
{
  struct fixture *f = *state;
  /* Upper-case extension is a file too, and no_audio leaves files alone. */
  snprintf(f->out_path, sizeof(f->out_path), "%s/OUT.WAV", f->dir);
  struct cli_audio_config cfg = {.output = f->out_path, .no_audio = true, .frame_samples = 480};
  struct cli_audio *a;
  char err[256];
  assert_int_equal(cli_audio_open(&cfg, &a, err, sizeof(err)), HX_OK);
  cli_audio_close(a);
  int16_t *pcm = NULL;
  size_t n = 1;
  assert_int_equal(aud_wav_load(f->out_path, RATE, &pcm, &n), HX_OK);
  assert_int_equal(n, 0);
  free(pcm);
}

static void list_devices_prints_lines_or_reports_device_error(void **state)
{
  (void)state;
  FILE *out = tmpfile();
  assert_non_null(out);
  int rc = cli_audio_list_devices(out);
  long len = ftell(out);
  if (rc == HX_OK) {
    /* At least "no audio devices found", every line complete. */
    assert_true(len > 0);
    char last;
    assert_int_equal(fseek(out, -1, SEEK_END), 0);
    assert_int_equal(fread(&last, 1, 1, out), 1);
    assert_int_equal(last, '\n');
  } else {
    assert_int_equal(rc, HX_ERR_DEVICE);
    assert_int_equal(len, 0);
  }
  fclose(out);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(file_device_loops_input_file_to_output_file_in_real_time,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(stereo_output_file_keeps_left_and_right_apart, setup,
                                      teardown),
      cmocka_unit_test(mono_is_the_default_output),
      cmocka_unit_test(null_device_captures_silence_at_real_time_pace),
      cmocka_unit_test(null_device_drains_playback),
      cmocka_unit_test_setup_teardown(missing_input_file_is_named_in_error, setup, teardown),
      cmocka_unit_test_setup_teardown(uncreatable_output_file_is_named_in_error, setup,
                                      teardown),
      cmocka_unit_test(unknown_device_error_suggests_list_devices),
      cmocka_unit_test(frame_sizes_are_checked),
      cmocka_unit_test(start_stop_follow_the_lifecycle),
      cmocka_unit_test_setup_teardown(output_file_is_valid_when_never_started, setup, teardown),
      cmocka_unit_test(list_devices_prints_lines_or_reports_device_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
