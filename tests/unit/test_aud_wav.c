/* WAV files: round trips, resampling, headers of killed writers, and the
 * header parser against hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aud_level.h"
#include "aud_wav.h"
#include "hx_err.h"
#include "hx_util.h"

#define TWO_PI 6.283185307179586

static char dir[64];

static int make_dir(void **state)
{
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/test_aud_wav.XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
  (void)state;
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  struct dirent *de;
  while ((de = readdir(d))) {
    char path[320];
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
      snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
      unlink(path);
    }
  }
  closedir(d);
  return rmdir(dir);
}

static void path_for(char *out, size_t cap, const char *name)
{
  snprintf(out, cap, "%s/%s", dir, name);
}

/* --- building WAV bytes in memory --- */

struct bytes {
  uint8_t b[4096];
  size_t n;
};

static void add(struct bytes *w, const void *p, size_t n)
{
  assert_true(w->n + n <= sizeof w->b);
  memcpy(w->b + w->n, p, n);
  w->n += n;
}

static void add_u16(struct bytes *w, uint16_t v)
{
  uint8_t p[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  add(w, p, 2);
}

static void add_u32(struct bytes *w, uint32_t v)
{
  uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  add(w, p, 4);
}

static void add_riff(struct bytes *w, uint32_t size)
{
  add(w, "RIFF", 4);
  add_u32(w, size);
  add(w, "WAVE", 4);
}

static void add_fmt(struct bytes *w, uint16_t format, uint16_t channels, uint32_t rate,
                    uint16_t bits)
{
  add(w, "fmt ", 4);
  add_u32(w, 16);
  add_u16(w, format);
  add_u16(w, channels);
  add_u32(w, rate);
  add_u32(w, rate * channels * bits / 8);
  add_u16(w, (uint16_t)(channels * bits / 8));
  add_u16(w, bits);
}

static void add_extensible_fmt(struct bytes *w, uint8_t subtype)
{
  static const uint8_t guid_tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                        0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
  add(w, "fmt ", 4);
  add_u32(w, 40);
  add_u16(w, 0xFFFE);
  add_u16(w, 2);
  add_u32(w, 16000);
  add_u32(w, 16000 * 4);
  add_u16(w, 4);
  add_u16(w, 16);
  add_u16(w, 22);
  add_u16(w, 16);
  add_u32(w, 3); /* front left and right */
  add_u16(w, subtype);
  add(w, guid_tail, sizeof guid_tail);
}

static void add_data(struct bytes *w, uint32_t declared, const int16_t *s, size_t n)
{
  add(w, "data", 4);
  add_u32(w, declared);
  for (size_t i = 0; i < n; i++)
    add_u16(w, (uint16_t)s[i]);
}

static int parse(const struct bytes *w, int *rate, int *ch, size_t *off, size_t *len)
{
  return aud_wav_parse_header(w->b, w->n, rate, ch, off, len);
}

static void write_file(const char *path, const void *p, size_t n)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
}

static uint32_t file_u32(const char *path, long at)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  uint8_t p[4];
  assert_int_equal(fseek(f, at, SEEK_SET), 0);
  assert_int_equal(fread(p, 1, 4, f), 4);
  fclose(f);
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static long file_len(const char *path)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fclose(f);
  return n;
}

/* --- files --- */

static void wav_roundtrip_mono_48k_is_sample_exact(void **state)
{
  (void)state;
  char path[128];
  path_for(path, sizeof path, "mono.wav");
  enum { N = 4801 };
  static int16_t in[N];
  for (size_t i = 0; i < N; i++)
    in[i] = (int16_t)((i * 7919u) & 0xFFFF);
  in[0] = INT16_MIN;
  in[1] = INT16_MAX;

  struct aud_wav_writer *w = NULL;
  assert_int_equal(aud_wav_open_write(path, 48000, 1, &w), HX_OK);
  assert_int_equal(aud_wav_write(w, in, 1000), HX_OK);
  assert_int_equal(aud_wav_write(w, in + 1000, N - 1000), HX_OK);
  assert_int_equal(aud_wav_close_write(w), HX_OK);

  int16_t *out = NULL;
  size_t n = 0;
  assert_int_equal(aud_wav_load(path, 48000, &out, &n), HX_OK);
  assert_int_equal(n, N);
  assert_memory_equal(out, in, sizeof in);
  free(out);

  struct aud_wav_reader *r = NULL;
  assert_int_equal(aud_wav_open_read(path, 48000, &r), HX_OK);
  assert_int_equal(aud_wav_reader_rate(r), 48000);
  assert_int_equal(aud_wav_reader_channels(r), 1);
  int16_t small[100];
  size_t got = 0, total = 0;
  do {
    assert_int_equal(aud_wav_read(r, small, 100, &got), HX_OK);
    for (size_t i = 0; i < got; i++)
      assert_int_equal(small[i], in[total + i]);
    total += got;
  } while (got > 0);
  assert_int_equal(total, N);
  aud_wav_close_read(r);
  aud_wav_close_read(NULL);
}

static void wav_header_sizes_correct_after_close(void **state)
{
  (void)state;
  char path[128];
  path_for(path, sizeof path, "sizes.wav");
  static int16_t frames[1000 * 2];
  struct aud_wav_writer *w = NULL;
  assert_int_equal(aud_wav_open_write(path, 44100, 2, &w), HX_OK);
  assert_int_equal(aud_wav_write(w, frames, 1000), HX_OK);
  assert_int_equal(aud_wav_write(w, frames, 0), HX_OK);
  assert_int_equal(aud_wav_close_write(w), HX_OK);
  assert_int_equal(aud_wav_close_write(NULL), HX_OK);
  assert_int_equal(file_len(path), 44 + 4000);
  assert_int_equal(file_u32(path, 4), 36 + 4000);
  assert_int_equal(file_u32(path, 40), 4000);
  assert_int_equal(file_u32(path, 24), 44100);
}

static void wav_writer_updates_sizes_while_open(void **state)
{
  (void)state;
  char path[128];
  path_for(path, sizeof path, "live.wav");
  static int16_t frames[4800];
  struct aud_wav_writer *w = NULL;
  assert_int_equal(aud_wav_open_write(path, 48000, 1, &w), HX_OK);
  assert_int_equal(aud_wav_write(w, frames, 4800), HX_OK);
  hx_sleep_ns(1100000000ull);
  assert_int_equal(aud_wav_write(w, frames, 4800), HX_OK);
  /* Still open: a reader (or a crash now) sees the sizes so far. */
  assert_int_equal(file_u32(path, 40), 4800 * 2 * 2);
  assert_int_equal(file_u32(path, 4), 36 + 4800 * 2 * 2);
  assert_int_equal(aud_wav_close_write(w), HX_OK);
}

static void wav_stereo_44k_is_averaged_and_resampled_to_48k(void **state)
{
  (void)state;
  char path[128];
  path_for(path, sizeof path, "stereo.wav");
  enum { N = 44100 };
  static int16_t st[N * 2];
  for (size_t i = 0; i < N; i++) {
    /* Left carries the tone plus an offset, right the tone minus it, so
     * only averaging gives back the clean tone. */
    int16_t s = (int16_t)lrint(8000.0 * sin(TWO_PI * 1000.0 * (double)i / 44100.0));
    st[2 * i] = (int16_t)(s + 6000);
    st[2 * i + 1] = (int16_t)(s - 6000);
  }
  struct aud_wav_writer *w = NULL;
  assert_int_equal(aud_wav_open_write(path, 44100, 2, &w), HX_OK);
  assert_int_equal(aud_wav_write(w, st, N), HX_OK);
  assert_int_equal(aud_wav_close_write(w), HX_OK);

  int16_t *out = NULL;
  size_t n = 0;
  assert_int_equal(aud_wav_load(path, 48000, &out, &n), HX_OK);
  /* One second in, one second out: within 1%, and in fact to the sample
   * because the resampler's tail is flushed at end of file. */
  assert_true(n >= 47520 && n <= 48480);
  assert_int_equal(n, 48000);
  /* The flushed tail is the tone, not the resampler's zeros. */
  assert_true(aud_level_dbov(out + n - 200, 200) <= 16);

  /* Compare with the ideal 1 kHz tone at 48 kHz over the middle. */
  double xy = 0, xx = 0, yy = 0;
  for (size_t i = 4800; i < 43200; i++) {
    double ref = sin(TWO_PI * 1000.0 * (double)i / 48000.0);
    xy += ref * out[i];
    xx += ref * ref;
    yy += (double)out[i] * out[i];
  }
  assert_true(xy / sqrt(xx * yy) > 0.99);
  int level = aud_level_dbov(out + 4800, 38400);
  assert_true(level >= 14 && level <= 15); /* 8000 peak: -12.3 dB, RMS -3 dB more */
  free(out);
}

/* Whatever rate a file has, from 8 kHz telephone sound to 192 kHz studio
 * files, one second of it comes back as one second of the same tone at
 * 48 kHz. */
static void wav_every_rate_from_8k_to_192k_is_resampled_to_48k(void **state)
{
  (void)state;
  static const int rates[] = {8000, 11025, 16000, 22050, 32000, 44100, 88200, 96000, 192000};
  static int16_t in[192000];
  for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
    int rate = rates[r];
    char path[128];
    path_for(path, sizeof path, "rate.wav");
    for (int i = 0; i < rate; i++)
      in[i] = (int16_t)lrint(8000.0 * sin(TWO_PI * 1000.0 * (double)i / rate));
    struct aud_wav_writer *w = NULL;
    assert_int_equal(aud_wav_open_write(path, rate, 1, &w), HX_OK);
    assert_int_equal(aud_wav_write(w, in, (size_t)rate), HX_OK);
    assert_int_equal(aud_wav_close_write(w), HX_OK);
    int16_t *out = NULL;
    size_t n = 0;
    assert_int_equal(aud_wav_load(path, 48000, &out, &n), HX_OK);
    if (n < 47990 || n > 48010)
      fail_msg("%d Hz: one second came back as %zu samples at 48 kHz", rate, n);
    double xy = 0, xx = 0, yy = 0;
    for (size_t i = 4800; i < 43200; i++) {
      double ref = sin(TWO_PI * 1000.0 * (double)i / 48000.0);
      xy += ref * out[i];
      xx += ref * ref;
      yy += (double)out[i] * out[i];
    }
    if (xy / sqrt(xx * yy) < 0.99)
      fail_msg("%d Hz: the tone correlates only %.3f after resampling", rate, xy / sqrt(xx * yy));
    free(out);
    unlink(path);
  }
}

static void wav_channels_are_averaged_at_same_rate(void **state)
{
  (void)state;
  char path[128];
  path_for(path, sizeof path, "avg.wav");
  const int16_t st[6] = {3000, 1000, -32768, -32768, 32767, -32767};
  struct aud_wav_writer *w = NULL;
  assert_int_equal(aud_wav_open_write(path, 16000, 2, &w), HX_OK);
  assert_int_equal(aud_wav_write(w, st, 3), HX_OK);
  assert_int_equal(aud_wav_close_write(w), HX_OK);
  int16_t *out = NULL;
  size_t n = 0;
  assert_int_equal(aud_wav_load(path, 16000, &out, &n), HX_OK);
  assert_int_equal(n, 3);
  assert_int_equal(out[0], 2000);
  assert_int_equal(out[1], -32768);
  assert_int_equal(out[2], 0);
  free(out);
}

static void wav_unfinalised_header_still_reads(void **state)
{
  (void)state;
  char path[128];
  path_for(path, sizeof path, "killed.wav");
  int16_t s[100];
  for (size_t i = 0; i < 100; i++)
    s[i] = (int16_t)(i * 100);
  struct bytes w = {.n = 0};
  add_riff(&w, 0xFFFFFFFF);
  add_fmt(&w, 1, 1, 48000, 16);
  add_data(&w, 0xFFFFFFFF, s, 100);
  write_file(path, w.b, w.n);
  int16_t *out = NULL;
  size_t n = 0;
  assert_int_equal(aud_wav_load(path, 48000, &out, &n), HX_OK);
  assert_int_equal(n, 100);
  assert_memory_equal(out, s, sizeof s);
  free(out);

  /* A data size larger than the file, and a torn last sample. */
  struct bytes v = {.n = 0};
  add_riff(&v, 0);
  add_fmt(&v, 1, 1, 48000, 16);
  add_data(&v, 1000000, s, 10);
  add(&v, "\x7f", 1);
  write_file(path, v.b, v.n);
  assert_int_equal(aud_wav_load(path, 48000, &out, &n), HX_OK);
  assert_int_equal(n, 10);
  assert_memory_equal(out, s, 10 * sizeof s[0]);
  free(out);
}

static void wav_open_read_reports_io_and_format_errors(void **state)
{
  (void)state;
  char path[128];
  struct aud_wav_reader *r = NULL;
  path_for(path, sizeof path, "absent.wav");
  assert_int_equal(aud_wav_open_read(path, 48000, &r), HX_ERR_IO);
  assert_null(r);

  path_for(path, sizeof path, "eight.wav");
  struct bytes w = {.n = 0};
  add_riff(&w, 100);
  add_fmt(&w, 1, 1, 8000, 8);
  add_data(&w, 0, NULL, 0);
  write_file(path, w.b, w.n);
  assert_int_equal(aud_wav_open_read(path, 48000, &r), HX_ERR_FORMAT);
  assert_null(r);

  path_for(path, sizeof path, "short.wav");
  write_file(path, w.b, 20);
  assert_int_equal(aud_wav_open_read(path, 48000, &r), HX_ERR_TRUNCATED);

  path_for(path, sizeof path, "empty.wav");
  write_file(path, "", 0);
  assert_int_equal(aud_wav_open_read(path, 48000, &r), HX_ERR_TRUNCATED);
  assert_int_equal(aud_wav_open_read(path, 0, &r), HX_ERR_INVALID);
  assert_int_equal(aud_wav_open_read(NULL, 48000, &r), HX_ERR_INVALID);
  assert_int_equal(aud_wav_reader_rate(NULL), HX_ERR_INVALID);
  int16_t *pcm = NULL;
  size_t n = 0;
  assert_int_equal(aud_wav_load(path, 48000, &pcm, &n), HX_ERR_TRUNCATED);
  assert_null(pcm);
}

static void wav_open_write_rejects_bad_arguments(void **state)
{
  (void)state;
  char path[128];
  path_for(path, sizeof path, "bad.wav");
  struct aud_wav_writer *w = NULL;
  assert_int_equal(aud_wav_open_write(path, 7999, 1, &w), HX_ERR_INVALID);
  assert_int_equal(aud_wav_open_write(path, 192001, 1, &w), HX_ERR_INVALID);
  assert_int_equal(aud_wav_open_write(path, 48000, 0, &w), HX_ERR_INVALID);
  assert_int_equal(aud_wav_open_write(path, 48000, 9, &w), HX_ERR_INVALID);
  assert_null(w);
  path_for(path, sizeof path, "no/such/dir.wav");
  assert_int_equal(aud_wav_open_write(path, 48000, 1, &w), HX_ERR_IO);
  assert_int_equal(aud_wav_write(NULL, NULL, 0), HX_ERR_INVALID);
}

/* --- parse_header --- */

static void wav_parse_finds_data_after_padded_odd_chunk(void **state)
{
  (void)state;
  struct bytes w = {.n = 0};
  const int16_t s[3] = {1, 2, 3};
  add_riff(&w, 0);
  add(&w, "LIST", 4);
  add_u32(&w, 3);
  add(&w, "abc\0", 4); /* 3 bytes and the pad */
  add_fmt(&w, 1, 1, 22050, 16);
  add_data(&w, 6, s, 3);
  add(&w, "junk", 4); /* a trailing chunk is not audio */
  int rate = 0, ch = 0;
  size_t off = 0, len = 0;
  assert_int_equal(parse(&w, &rate, &ch, &off, &len), HX_OK);
  assert_int_equal(rate, 22050);
  assert_int_equal(ch, 1);
  assert_int_equal(off, 12 + 12 + 24 + 8);
  assert_int_equal(len, 6);
}

static void wav_parse_accepts_extensible_pcm_only(void **state)
{
  (void)state;
  struct bytes w = {.n = 0};
  add_riff(&w, 0);
  add_extensible_fmt(&w, 1);
  add_data(&w, 0, NULL, 0);
  int rate = 0, ch = 0;
  size_t off = 0, len = 0;
  assert_int_equal(parse(&w, &rate, &ch, &off, &len), HX_OK);
  assert_int_equal(rate, 16000);
  assert_int_equal(ch, 2);
  assert_int_equal(len, 0);

  struct bytes f = {.n = 0};
  add_riff(&f, 0);
  add_extensible_fmt(&f, 3); /* IEEE float subtype */
  add_data(&f, 0, NULL, 0);
  assert_int_equal(parse(&f, &rate, &ch, &off, &len), HX_ERR_FORMAT);
}

static void wav_parse_clamps_data_length_to_buffer(void **state)
{
  (void)state;
  const int16_t s[4] = {1, 2, 3, 4};
  const uint32_t sizes[] = {0xFFFFFFFF, 0xFFFFFFFE, 9, 1000};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    struct bytes w = {.n = 0};
    add_riff(&w, 0xFFFFFFFF);
    add_fmt(&w, 1, 1, 48000, 16);
    add_data(&w, sizes[i], s, 4);
    int rate = 0, ch = 0;
    size_t off = 0, len = 0;
    assert_int_equal(parse(&w, &rate, &ch, &off, &len), HX_OK);
    assert_int_equal(off, 44);
    assert_int_equal(len, 8);
  }
}

struct hostile {
  const char *what;
  int expect;
};

static void wav_parse_rejects_hostile_headers(void **state)
{
  (void)state;
  static const struct hostile cases[] = {
      {"0 bytes", HX_ERR_TRUNCATED},
      {"11 bytes", HX_ERR_TRUNCATED},
      {"RIFF without WAVE", HX_ERR_FORMAT},
      {"not RIFF", HX_ERR_FORMAT},
      {"fmt size 0xffffffff", HX_ERR_TRUNCATED},
      {"fmt cut short", HX_ERR_TRUNCATED},
      {"fmt size 0", HX_ERR_FORMAT},
      {"fmt size 15", HX_ERR_FORMAT},
      {"8-bit PCM", HX_ERR_FORMAT},
      {"32-bit float", HX_ERR_FORMAT},
      {"0 channels", HX_ERR_FORMAT},
      {"9 channels", HX_ERR_FORMAT},
      {"rate 7999", HX_ERR_FORMAT},
      {"rate 192001", HX_ERR_FORMAT},
      {"rate 0xffffffff", HX_ERR_FORMAT},
      {"no data chunk", HX_ERR_TRUNCATED},
      {"data before fmt", HX_ERR_FORMAT},
      {"unknown chunk 0xffffffff", HX_ERR_TRUNCATED},
      {"header cut in chunk id", HX_ERR_TRUNCATED},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bytes w = {.n = 0};
    const char *what = cases[i].what;
    if (strcmp(what, "11 bytes") == 0) {
      add_riff(&w, 100);
      w.n = 11;
    } else if (strcmp(what, "RIFF without WAVE") == 0) {
      add(&w, "RIFF\x24\0\0\0AVI fmt ", 16);
    } else if (strcmp(what, "not RIFF") == 0) {
      add(&w, "RIFX\x24\0\0\0WAVEfmt ", 16);
    } else if (strcmp(what, "fmt size 0xffffffff") == 0) {
      add_riff(&w, 100);
      add(&w, "fmt ", 4);
      add_u32(&w, 0xFFFFFFFF);
      add_u16(&w, 1);
    } else if (strcmp(what, "fmt cut short") == 0) {
      add_riff(&w, 100);
      add_fmt(&w, 1, 1, 48000, 16);
      w.n -= 6;
    } else if (strcmp(what, "fmt size 0") == 0 || strcmp(what, "fmt size 15") == 0) {
      add_riff(&w, 100);
      add(&w, "fmt ", 4);
      uint32_t size = what[9] == '0' ? 0 : 15;
      add_u32(&w, size);
      for (uint32_t k = 0; k < size + (size & 1); k++)
        add(&w, "\x01", 1);
      add_data(&w, 0, NULL, 0);
    } else if (strcmp(what, "8-bit PCM") == 0) {
      add_riff(&w, 100);
      add_fmt(&w, 1, 1, 8000, 8);
      add_data(&w, 0, NULL, 0);
    } else if (strcmp(what, "32-bit float") == 0) {
      add_riff(&w, 100);
      add_fmt(&w, 3, 1, 48000, 32);
      add_data(&w, 0, NULL, 0);
    } else if (strcmp(what, "0 channels") == 0 || strcmp(what, "9 channels") == 0) {
      add_riff(&w, 100);
      add_fmt(&w, 1, (uint16_t)(what[0] - '0'), 48000, 16);
      add_data(&w, 0, NULL, 0);
    } else if (strncmp(what, "rate ", 5) == 0) {
      uint32_t rate = strcmp(what, "rate 7999") == 0     ? 7999
                      : strcmp(what, "rate 192001") == 0 ? 192001
                                                          : 0xFFFFFFFF;
      add_riff(&w, 100);
      add_fmt(&w, 1, 1, rate, 16);
      add_data(&w, 0, NULL, 0);
    } else if (strcmp(what, "no data chunk") == 0) {
      add_riff(&w, 100);
      add_fmt(&w, 1, 1, 48000, 16);
    } else if (strcmp(what, "data before fmt") == 0) {
      add_riff(&w, 100);
      add_data(&w, 0, NULL, 0);
      add_fmt(&w, 1, 1, 48000, 16);
    } else if (strcmp(what, "unknown chunk 0xffffffff") == 0) {
      add_riff(&w, 100);
      add_fmt(&w, 1, 1, 48000, 16);
      add(&w, "LIST", 4);
      add_u32(&w, 0xFFFFFFFF);
      add_data(&w, 0, NULL, 0);
    } else if (strcmp(what, "header cut in chunk id") == 0) {
      add_riff(&w, 100);
      add_fmt(&w, 1, 1, 48000, 16);
      add(&w, "dat", 3);
    }
    int rate = 7, ch = 7;
    size_t off = 7, len = 7;
    int err = parse(&w, &rate, &ch, &off, &len);
    if (err != cases[i].expect)
      fail_msg("%s: got %s, want %s", what, hx_errname(err), hx_errname(cases[i].expect));
    assert_int_equal(rate, 0);
    assert_int_equal(ch, 0);
    assert_int_equal(off, 0);
    assert_int_equal(len, 0);
  }
  int rate, ch;
  size_t off, len;
  assert_int_equal(aud_wav_parse_header(NULL, 0, &rate, &ch, &off, &len), HX_ERR_TRUNCATED);
  assert_int_equal(aud_wav_parse_header(NULL, 0, NULL, &ch, &off, &len), HX_ERR_INVALID);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(wav_roundtrip_mono_48k_is_sample_exact),
      cmocka_unit_test(wav_header_sizes_correct_after_close),
      cmocka_unit_test(wav_writer_updates_sizes_while_open),
      cmocka_unit_test(wav_stereo_44k_is_averaged_and_resampled_to_48k),
      cmocka_unit_test(wav_every_rate_from_8k_to_192k_is_resampled_to_48k),
      cmocka_unit_test(wav_channels_are_averaged_at_same_rate),
      cmocka_unit_test(wav_unfinalised_header_still_reads),
      cmocka_unit_test(wav_open_read_reports_io_and_format_errors),
      cmocka_unit_test(wav_open_write_rejects_bad_arguments),
      cmocka_unit_test(wav_parse_finds_data_after_padded_odd_chunk),
      cmocka_unit_test(wav_parse_accepts_extensible_pcm_only),
      cmocka_unit_test(wav_parse_clamps_data_length_to_buffer),
      cmocka_unit_test(wav_parse_rejects_hostile_headers),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
