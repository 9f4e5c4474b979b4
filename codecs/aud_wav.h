/* WAV files: 16-bit PCM RIFF, any rate and channel count in; mono 48 kHz out
 * of the reader (channels averaged, resampled with speexdsp). The writer
 * keeps the header's sizes current at least once a second, so the file of a
 * killed process is still readable. Not thread-safe per object. */
#ifndef AUD_WAV_H
#define AUD_WAV_H

#include <stddef.h>
#include <stdint.h>

struct aud_wav_reader;
struct aud_wav_writer;

/* HX_ERR_IO (cannot open), HX_ERR_FORMAT (not 16-bit PCM WAV),
 * HX_ERR_TRUNCATED. target_rate is the rate read() returns. */
int aud_wav_open_read(const char *path, int target_rate, struct aud_wav_reader **out);
/* The file's own rate and channels. */
int aud_wav_reader_rate(const struct aud_wav_reader *r);
int aud_wav_reader_channels(const struct aud_wav_reader *r);
/* Reads up to n mono samples at target_rate; *got 0 at end of file. */
int aud_wav_read(struct aud_wav_reader *r, int16_t *pcm, size_t n, size_t *got);
void aud_wav_close_read(struct aud_wav_reader *r);

/* Reads a whole file as mono at target_rate into a malloc'd array. */
int aud_wav_load(const char *path, int target_rate, int16_t **pcm, size_t *n);

int aud_wav_open_write(const char *path, int rate, int channels, struct aud_wav_writer **out);
/* frames interleaved frames (frames * channels samples). */
int aud_wav_write(struct aud_wav_writer *w, const int16_t *pcm, size_t frames);
/* Finalises the header and closes; NULL does nothing. */
int aud_wav_close_write(struct aud_wav_writer *w);

/* Parses a WAV header from memory (for the fuzzer and the reader):
 * fills rate, channels, and the data chunk's offset and length. */
int aud_wav_parse_header(const uint8_t *buf, size_t len, int *rate, int *channels,
                         size_t *data_offset, size_t *data_len);

#endif
