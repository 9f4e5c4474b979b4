/* WAV reading and writing. The reader accepts what real tools write (PCM or
 * WAVE_FORMAT_EXTENSIBLE, extra chunks, odd chunk padding, and the
 * 0xFFFFFFFF or too-large sizes left by streaming or killed writers) and
 * hands out mono at the rate the caller wants. All multi-byte fields and
 * samples are converted byte by byte, so big-endian hosts work too. */
#include "aud_wav.h"

#include <speex/speex_resampler.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_cursor.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"

#define WAV_MIN_RATE 8000
#define WAV_MAX_RATE 192000
#define WAV_MAX_CHANNELS 8
#define WAV_FORMAT_PCM 1
#define WAV_FORMAT_EXTENSIBLE 0xFFFE
#define WAV_HEADER_BYTES 44
/* The chunk sizes of a file whose writer never came back to fill them in. */
#define WAV_SIZE_UNKNOWN 0xFFFFFFFFu
/* Bytes read at open to find "fmt " and "data"; metadata chunks before the
 * audio larger than this are not supported. */
#define WAV_HEAD_MAX (1u << 20)
#define WAV_CHUNK_FRAMES 1024
/* speexdsp's default quality: transparent for speech at little CPU. */
#define WAV_RESAMPLE_QUALITY 5
/* Ceiling for aud_wav_load(): long recordings go through the reader. */
#define WAV_LOAD_MAX_SECONDS (30 * 60)
#define NS_PER_SECOND 1000000000ull

/* KSDATAFORMAT_SUBTYPE_PCM as stored in a WAVE_FORMAT_EXTENSIBLE header. */
static const uint8_t wav_pcm_guid[16] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                         0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

struct aud_wav_reader {
  FILE *f; /* owned */
  int rate;
  int channels;
  int target_rate;
  uint64_t data_left;      /* bytes of whole frames not yet read from the file */
  SpeexResamplerState *rs; /* owned; NULL when no resampling is needed */
  uint64_t frames_in;      /* mono samples handed to the resampler */
  uint64_t frames_out;     /* samples the resampler has produced */
  spx_uint32_t flush_left; /* zeros still to push through at end of file */
  bool eof;
  size_t mono_len;
  size_t mono_pos;
  int16_t mono[WAV_CHUNK_FRAMES];
  uint8_t raw[WAV_CHUNK_FRAMES * WAV_MAX_CHANNELS * 2];
};

struct aud_wav_writer {
  FILE *f; /* owned */
  int channels;
  uint64_t data_bytes;       /* bytes of samples written so far */
  uint64_t header_update_ns; /* when the header sizes were last rewritten */
  uint8_t raw[WAV_CHUNK_FRAMES * 2];
};

static uint16_t get_u16le(const uint8_t *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32le(const uint8_t *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}

static void put_u16le(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v & 0xFF);
  p[1] = (uint8_t)(v >> 8);
}

static void put_u32le(uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* Accepts 16-bit integer PCM only: that is what the audio path carries, and
 * converting other formats is a job for sox or ffmpeg before the call. */
static int parse_fmt(const uint8_t *p, uint32_t size, int *rate, int *channels)
{
  if (size < 16)
    return HX_ERR_FORMAT;
  uint16_t format = get_u16le(p);
  uint16_t ch = get_u16le(p + 2);
  uint32_t sr = get_u32le(p + 4);
  uint16_t block_align = get_u16le(p + 12);
  uint16_t bits = get_u16le(p + 14);
  if (format == WAV_FORMAT_EXTENSIBLE) {
    if (size < 40 || get_u16le(p + 16) < 22)
      return HX_ERR_FORMAT;
    if (get_u16le(p + 18) > 16) /* valid bits inside the 16-bit container */
      return HX_ERR_FORMAT;
    if (memcmp(p + 24, wav_pcm_guid, sizeof wav_pcm_guid) != 0)
      return HX_ERR_FORMAT;
  } else if (format != WAV_FORMAT_PCM) {
    return HX_ERR_FORMAT;
  }
  if (bits != 16 || ch < 1 || ch > WAV_MAX_CHANNELS)
    return HX_ERR_FORMAT;
  if (sr < WAV_MIN_RATE || sr > WAV_MAX_RATE)
    return HX_ERR_FORMAT;
  if (block_align != ch * 2)
    return HX_ERR_FORMAT;
  *rate = (int)sr;
  *channels = ch;
  return HX_OK;
}

/* Walks the chunks in buf. total is the size of the whole file, which can be
 * larger than buf when only its start was read; the data length is clamped
 * to it, and a size the file cannot hold means "until end of file". */
static int wav_parse(const uint8_t *buf, size_t len, uint64_t total, int *rate, int *channels,
                     size_t *data_offset, uint64_t *data_len)
{
  struct hx_cursor c;
  hx_cursor_init(&c, buf, len);
  const uint8_t *riff = hx_cursor_bytes(&c, 12);
  if (!riff)
    return HX_ERR_TRUNCATED;
  if (memcmp(riff, "RIFF", 4) != 0 || memcmp(riff + 8, "WAVE", 4) != 0)
    return HX_ERR_FORMAT;

  bool have_fmt = false;
  for (;;) {
    const uint8_t *hdr = hx_cursor_bytes(&c, 8);
    if (!hdr)
      return HX_ERR_TRUNCATED;
    uint32_t size = get_u32le(hdr + 4);
    if (memcmp(hdr, "data", 4) == 0) {
      if (!have_fmt)
        return HX_ERR_FORMAT; /* cannot stream samples of an unknown format */
      size_t offset = len - hx_cursor_remaining(&c);
      uint64_t avail = total > offset ? total - offset : 0;
      *data_offset = offset;
      *data_len = (size == WAV_SIZE_UNKNOWN || size > avail) ? avail : size;
      return HX_OK;
    }
    if (memcmp(hdr, "fmt ", 4) == 0 && !have_fmt) {
      const uint8_t *body = hx_cursor_bytes(&c, size);
      if (!body)
        return HX_ERR_TRUNCATED;
      int err = parse_fmt(body, size, rate, channels);
      if (err != HX_OK)
        return err;
      have_fmt = true;
      hx_cursor_skip(&c, size & 1u); /* RIFF pads odd chunks to even */
      continue;
    }
    uint64_t padded = (uint64_t)size + (size & 1u);
    if (padded > hx_cursor_remaining(&c))
      return HX_ERR_TRUNCATED;
    hx_cursor_skip(&c, (size_t)padded);
  }
}

int aud_wav_parse_header(const uint8_t *buf, size_t len, int *rate, int *channels,
                         size_t *data_offset, size_t *data_len)
{
  if (!rate || !channels || !data_offset || !data_len)
    return HX_ERR_INVALID;
  *rate = 0;
  *channels = 0;
  *data_offset = 0;
  *data_len = 0;
  int r = 0, ch = 0;
  size_t off = 0;
  uint64_t dlen = 0;
  int err = wav_parse(buf, len, len, &r, &ch, &off, &dlen);
  if (err != HX_OK)
    return err;
  *rate = r;
  *channels = ch;
  *data_offset = off;
  *data_len = (size_t)dlen; /* at most len, so it fits */
  return HX_OK;
}

static int file_size(FILE *f, uint64_t *size)
{
  if (fseeko(f, 0, SEEK_END) != 0)
    return HX_ERR_IO;
  off_t end = ftello(f);
  if (end < 0 || fseeko(f, 0, SEEK_SET) != 0)
    return HX_ERR_IO;
  *size = (uint64_t)end;
  return HX_OK;
}

/* Reads the file's start and finds its format and audio. */
static int reader_open_header(struct aud_wav_reader *r)
{
  uint64_t total = 0;
  int err = file_size(r->f, &total);
  if (err != HX_OK)
    return err;
  size_t head_len = total < WAV_HEAD_MAX ? (size_t)total : WAV_HEAD_MAX;
  uint8_t *head = malloc(head_len ? head_len : 1);
  if (!head)
    return HX_ERR_NOMEM;
  size_t got = fread(head, 1, head_len, r->f);
  size_t offset = 0;
  uint64_t data_len = 0;
  err = got == head_len
            ? wav_parse(head, head_len, total, &r->rate, &r->channels, &offset, &data_len)
            : HX_ERR_IO;
  free(head);
  if (err == HX_ERR_TRUNCATED && head_len < total) {
    hx_log(HX_LOG_WARN, "wav", "no audio in the first %u bytes of the file",
           (unsigned)WAV_HEAD_MAX);
    return HX_ERR_FORMAT;
  }
  if (err != HX_OK)
    return err;
  uint64_t frame_bytes = (uint64_t)r->channels * 2;
  r->data_left = data_len - data_len % frame_bytes; /* a torn last frame is dropped */
  if (fseeko(r->f, (off_t)offset, SEEK_SET) != 0)
    return HX_ERR_IO;
  return HX_OK;
}

int aud_wav_open_read(const char *path, int target_rate, struct aud_wav_reader **out)
{
  if (!out)
    return HX_ERR_INVALID;
  *out = NULL;
  if (!path || target_rate < WAV_MIN_RATE || target_rate > WAV_MAX_RATE)
    return HX_ERR_INVALID;
  struct aud_wav_reader *r = calloc(1, sizeof *r);
  if (!r)
    return HX_ERR_NOMEM;
  r->target_rate = target_rate;
  r->f = fopen(path, "rb");
  if (!r->f) {
    free(r);
    return HX_ERR_IO;
  }
  int err = reader_open_header(r);
  if (err == HX_OK && r->rate != target_rate) {
    int rs_err = RESAMPLER_ERR_SUCCESS;
    r->rs = speex_resampler_init(1, (spx_uint32_t)r->rate, (spx_uint32_t)target_rate,
                                 WAV_RESAMPLE_QUALITY, &rs_err);
    if (!r->rs)
      err = rs_err == RESAMPLER_ERR_ALLOC_FAILED ? HX_ERR_NOMEM : HX_ERR_CODEC;
    else
      speex_resampler_skip_zeros(r->rs); /* output starts with the first input sample */
  }
  if (err != HX_OK) {
    aud_wav_close_read(r);
    return err;
  }
  *out = r;
  return HX_OK;
}

int aud_wav_reader_rate(const struct aud_wav_reader *r)
{
  return r ? r->rate : HX_ERR_INVALID;
}

int aud_wav_reader_channels(const struct aud_wav_reader *r)
{
  return r ? r->channels : HX_ERR_INVALID;
}

/* Reads up to max frames at the file's rate, channels averaged to mono. */
static int read_mono(struct aud_wav_reader *r, int16_t *dst, size_t max, size_t *frames)
{
  *frames = 0;
  size_t frame_bytes = (size_t)r->channels * 2;
  size_t want = max < WAV_CHUNK_FRAMES ? max : WAV_CHUNK_FRAMES;
  if ((uint64_t)want * frame_bytes > r->data_left)
    want = (size_t)(r->data_left / frame_bytes);
  if (want == 0)
    return HX_OK;
  size_t bytes = fread(r->raw, 1, want * frame_bytes, r->f);
  if (bytes < want * frame_bytes) {
    if (ferror(r->f))
      return HX_ERR_IO;
    r->data_left = 0; /* the file ended before its header said it would */
  } else {
    r->data_left -= bytes;
  }
  size_t n = bytes / frame_bytes;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *frame = r->raw + i * frame_bytes;
    int32_t sum = 0;
    for (int ch = 0; ch < r->channels; ch++)
      sum += (int16_t)get_u16le(frame + 2 * ch);
    dst[i] = (int16_t)(sum / r->channels);
  }
  *frames = n;
  return HX_OK;
}

/* Produces resampled output into pcm, refilling from the file and, once the
 * file is exhausted, pushing zeros through until the resampler has given
 * out as many samples as the input's duration calls for. */
static int read_resampled(struct aud_wav_reader *r, int16_t *pcm, size_t n, size_t *got)
{
  size_t done = 0;
  while (done < n) {
    if (r->mono_pos == r->mono_len && !r->eof) {
      size_t k = 0;
      int err = read_mono(r, r->mono, WAV_CHUNK_FRAMES, &k);
      if (err != HX_OK)
        return err;
      r->mono_len = k;
      r->mono_pos = 0;
      r->frames_in += k;
      if (k == 0) {
        r->eof = true;
        memset(r->mono, 0, sizeof r->mono);
        r->flush_left = (spx_uint32_t)speex_resampler_get_input_latency(r->rs) * 2 + 16;
      }
      continue;
    }
    size_t room = n - done;
    spx_uint32_t out_n = room > WAV_CHUNK_FRAMES ? WAV_CHUNK_FRAMES : (spx_uint32_t)room;
    spx_uint32_t in_n;
    if (r->mono_pos < r->mono_len) {
      in_n = (spx_uint32_t)(r->mono_len - r->mono_pos);
      speex_resampler_process_int(r->rs, 0, r->mono + r->mono_pos, &in_n, pcm + done, &out_n);
      r->mono_pos += in_n;
    } else {
      uint64_t expected = r->frames_in * (uint64_t)r->target_rate / (uint64_t)r->rate;
      if (r->frames_out >= expected || r->flush_left == 0)
        break;
      if (out_n > expected - r->frames_out)
        out_n = (spx_uint32_t)(expected - r->frames_out);
      in_n = r->flush_left < WAV_CHUNK_FRAMES ? r->flush_left : WAV_CHUNK_FRAMES;
      speex_resampler_process_int(r->rs, 0, r->mono, &in_n, pcm + done, &out_n);
      r->flush_left -= in_n;
    }
    r->frames_out += out_n;
    done += out_n;
    if (in_n == 0 && out_n == 0)
      break; /* no progress possible; never spin */
  }
  *got = done;
  return HX_OK;
}

int aud_wav_read(struct aud_wav_reader *r, int16_t *pcm, size_t n, size_t *got)
{
  if (got)
    *got = 0;
  if (!r || !pcm || !got)
    return HX_ERR_INVALID;
  if (r->rs)
    return read_resampled(r, pcm, n, got);
  size_t done = 0;
  while (done < n) {
    size_t k = 0;
    int err = read_mono(r, pcm + done, n - done, &k);
    if (err != HX_OK)
      return err;
    if (k == 0)
      break;
    done += k;
  }
  *got = done;
  return HX_OK;
}

void aud_wav_close_read(struct aud_wav_reader *r)
{
  if (!r)
    return;
  if (r->rs)
    speex_resampler_destroy(r->rs);
  if (r->f)
    fclose(r->f);
  free(r);
}

static int load_all(struct aud_wav_reader *r, int target_rate, int16_t **pcm, size_t *n)
{
  const size_t limit = (size_t)WAV_LOAD_MAX_SECONDS * (size_t)target_rate;
  uint64_t frames = r->data_left / ((uint64_t)r->channels * 2);
  uint64_t estimate = frames * (uint64_t)target_rate / (uint64_t)r->rate + WAV_CHUNK_FRAMES;
  size_t cap = estimate < limit ? (size_t)estimate : limit;
  int16_t *buf = malloc(cap * sizeof *buf);
  if (!buf)
    return HX_ERR_NOMEM;
  size_t len = 0;
  for (;;) {
    if (len == cap) {
      if (cap >= limit) {
        free(buf);
        return HX_ERR_TOO_BIG;
      }
      size_t grown_cap = cap * 2 < limit ? cap * 2 : limit;
      int16_t *grown = realloc(buf, grown_cap * sizeof *buf);
      if (!grown) {
        free(buf);
        return HX_ERR_NOMEM;
      }
      buf = grown;
      cap = grown_cap;
    }
    size_t got = 0;
    int err = aud_wav_read(r, buf + len, cap - len, &got);
    if (err != HX_OK) {
      free(buf);
      return err;
    }
    if (got == 0)
      break;
    len += got;
  }
  *pcm = buf;
  *n = len;
  return HX_OK;
}

int aud_wav_load(const char *path, int target_rate, int16_t **pcm, size_t *n)
{
  if (!pcm || !n)
    return HX_ERR_INVALID;
  *pcm = NULL;
  *n = 0;
  struct aud_wav_reader *r = NULL;
  int err = aud_wav_open_read(path, target_rate, &r);
  if (err != HX_OK)
    return err;
  err = load_all(r, target_rate, pcm, n);
  aud_wav_close_read(r);
  return err;
}

/* Writes the RIFF and data sizes at their fixed places in our 44-byte
 * header, then returns to the end so appends continue there. */
static int writer_update_sizes(struct aud_wav_writer *w, uint32_t riff_size, uint32_t data_size)
{
  uint8_t field[4];
  put_u32le(field, riff_size);
  if (fseeko(w->f, 4, SEEK_SET) != 0 || fwrite(field, 1, 4, w->f) != 4)
    return HX_ERR_IO;
  put_u32le(field, data_size);
  if (fseeko(w->f, 40, SEEK_SET) != 0 || fwrite(field, 1, 4, w->f) != 4)
    return HX_ERR_IO;
  if (fseeko(w->f, 0, SEEK_END) != 0 || fflush(w->f) != 0)
    return HX_ERR_IO;
  w->header_update_ns = hx_clock_ns();
  return HX_OK;
}

static int writer_finalise_sizes(struct aud_wav_writer *w)
{
  /* aud_wav_write() keeps data_bytes below this, so the casts are exact. */
  return writer_update_sizes(w, (uint32_t)(w->data_bytes + WAV_HEADER_BYTES - 8),
                             (uint32_t)w->data_bytes);
}

int aud_wav_open_write(const char *path, int rate, int channels, struct aud_wav_writer **out)
{
  if (!out)
    return HX_ERR_INVALID;
  *out = NULL;
  if (!path || rate < WAV_MIN_RATE || rate > WAV_MAX_RATE || channels < 1 ||
      channels > WAV_MAX_CHANNELS)
    return HX_ERR_INVALID;
  struct aud_wav_writer *w = calloc(1, sizeof *w);
  if (!w)
    return HX_ERR_NOMEM;
  w->channels = channels;
  w->f = fopen(path, "wb");
  if (!w->f) {
    free(w);
    return HX_ERR_IO;
  }
  /* Sizes start as "unknown" so a file cut short before the first update
   * still reads to its end. */
  uint8_t h[WAV_HEADER_BYTES];
  memcpy(h, "RIFF", 4);
  put_u32le(h + 4, WAV_SIZE_UNKNOWN);
  memcpy(h + 8, "WAVEfmt ", 8);
  put_u32le(h + 16, 16);
  put_u16le(h + 20, WAV_FORMAT_PCM);
  put_u16le(h + 22, (uint16_t)channels);
  put_u32le(h + 24, (uint32_t)rate);
  put_u32le(h + 28, (uint32_t)rate * (uint32_t)channels * 2);
  put_u16le(h + 32, (uint16_t)(channels * 2));
  put_u16le(h + 34, 16);
  memcpy(h + 36, "data", 4);
  put_u32le(h + 40, WAV_SIZE_UNKNOWN);
  if (fwrite(h, 1, sizeof h, w->f) != sizeof h || fflush(w->f) != 0) {
    fclose(w->f);
    free(w);
    return HX_ERR_IO;
  }
  w->header_update_ns = hx_clock_ns();
  *out = w;
  return HX_OK;
}

int aud_wav_write(struct aud_wav_writer *w, const int16_t *pcm, size_t frames)
{
  if (!w || (!pcm && frames > 0))
    return HX_ERR_INVALID;
  if (frames > SIZE_MAX / (size_t)w->channels / 2)
    return HX_ERR_TOO_BIG;
  size_t samples = frames * (size_t)w->channels;
  /* The RIFF size field is 32 bits and counts the header after itself. */
  uint64_t max_data = (uint64_t)WAV_SIZE_UNKNOWN - (WAV_HEADER_BYTES - 8) - 1;
  if ((uint64_t)samples * 2 > max_data - w->data_bytes)
    return HX_ERR_TOO_BIG;

  size_t done = 0;
  while (done < samples) {
    size_t k = samples - done;
    if (k > sizeof w->raw / 2)
      k = sizeof w->raw / 2;
    for (size_t i = 0; i < k; i++)
      put_u16le(w->raw + 2 * i, (uint16_t)pcm[done + i]);
    if (fwrite(w->raw, 1, k * 2, w->f) != k * 2)
      return HX_ERR_IO;
    done += k;
    w->data_bytes += k * 2;
  }
  if (hx_clock_ns() - w->header_update_ns >= NS_PER_SECOND)
    return writer_finalise_sizes(w);
  return HX_OK;
}

int aud_wav_close_write(struct aud_wav_writer *w)
{
  if (!w)
    return HX_OK;
  int err = writer_finalise_sizes(w);
  if (fclose(w->f) != 0 && err == HX_OK)
    err = HX_ERR_IO;
  free(w);
  return err;
}
