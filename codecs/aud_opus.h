/* Opus encoder/decoder (libopus), 48 kHz mono, 10 or 20 ms frames, in-band
 * FEC and DTX on. Not thread-safe per object; create/destroy off the audio
 * callback. */
#ifndef AUD_OPUS_H
#define AUD_OPUS_H

#include <stddef.h>
#include <stdint.h>

#define AUD_RATE 48000
#define AUD_MAX_FRAME_SAMPLES 960   /* 20 ms at 48 kHz */
#define AUD_MAX_PACKET 1275         /* largest Opus packet */
#define AUD_DEFAULT_BITRATE 24000
#define AUD_DEFAULT_FRAME_MS 20

struct aud_encoder;
struct aud_decoder;

/* frame_ms is 10 or 20; bitrate in bit/s (6000..510000). */
int aud_encoder_create(int frame_ms, int bitrate, struct aud_encoder **out);
void aud_encoder_destroy(struct aud_encoder *e);
size_t aud_encoder_frame_samples(const struct aud_encoder *e);
/* Encodes exactly one frame of pcm. With DTX a silent frame may encode to
 * 1-2 bytes; *written is the packet length. */
int aud_encoder_encode(struct aud_encoder *e, const int16_t *pcm, uint8_t *out, size_t cap,
                       size_t *written);
/* Expected packet loss in percent (0..100), tunes in-band FEC. */
int aud_encoder_set_loss(struct aud_encoder *e, int percent);

/* Samples (at 48 kHz) one Opus packet decodes to, from its TOC byte and
 * frame count: how long the packet is, whatever frame size its sender
 * chose. HX_ERR_INVALID for a packet libopus would refuse. */
int aud_opus_packet_samples(const uint8_t *pkt, size_t len, uint32_t *samples);
/* An encoded frame this long or shorter is DTX ("still silent"): the
 * sender need not transmit it. */
#define AUD_DTX_MAX_BYTES 2

int aud_decoder_create(struct aud_decoder **out);
void aud_decoder_destroy(struct aud_decoder *d);
/* Decodes a packet into at most max_samples of pcm. pkt NULL (len 0) asks
 * for loss concealment of max_samples. A negative libopus result is
 * HX_ERR_CODEC, never a length. */
int aud_decoder_decode(struct aud_decoder *d, const uint8_t *pkt, size_t len, int16_t *pcm,
                       size_t max_samples, size_t *samples);
/* Recovers a lost frame of max_samples from the FEC data carried in the
 * packet that followed it. */
int aud_decoder_decode_fec(struct aud_decoder *d, const uint8_t *next_pkt, size_t len,
                           int16_t *pcm, size_t max_samples, size_t *samples);

#endif
