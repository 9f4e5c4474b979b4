/* SRTP sessions (libsrtp 2, AEAD_AES_128_GCM, replay window 128). This is the
 * only file in Hearth that includes srtp.h. A session is one direction of
 * one key; it accepts any SSRC. Not thread-safe per session. */
#ifndef PROTO_SRTP_H
#define PROTO_SRTP_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_SRTP_KEY_LEN 28      /* 16-byte AES key + 12-byte salt */
#define PROTO_SRTP_TRAILER_MAX 144 /* headroom protect() may append */
#define PROTO_SRTP_SUITE "AEAD_AES_128_GCM"

enum proto_srtp_dir { PROTO_SRTP_INBOUND, PROTO_SRTP_OUTBOUND };

struct proto_srtp;

/* Once per process, before any session. */
int proto_srtp_global_init(void);
/* Fills key with fresh random bytes (OpenSSL RAND_bytes). */
int proto_srtp_random_key(uint8_t key[PROTO_SRTP_KEY_LEN]);

int proto_srtp_create(const uint8_t key[PROTO_SRTP_KEY_LEN], enum proto_srtp_dir dir,
                      struct proto_srtp **out);
void proto_srtp_destroy(struct proto_srtp *s);

/* In place: pkt holds an RTP packet of len bytes inside a buffer of cap bytes
 * (cap >= len + PROTO_SRTP_TRAILER_MAX); *out_len gets the SRTP length. */
int proto_srtp_protect(struct proto_srtp *s, uint8_t *pkt, size_t len, size_t cap,
                       size_t *out_len);
/* In place: HX_ERR_AUTH (forged, corrupted or wrong key), HX_ERR_REPLAY,
 * HX_ERR_TRUNCATED; *out_len gets the RTP length. */
int proto_srtp_unprotect(struct proto_srtp *s, uint8_t *pkt, size_t len, size_t *out_len);

#endif
