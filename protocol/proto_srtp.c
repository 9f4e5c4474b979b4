#include "proto_srtp.h"

#include <limits.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <srtp2/srtp.h>

#include "hx_err.h"
#include "hx_log.h"

#define SRTP_MODULE "srtp"
#define SRTP_REPLAY_WINDOW 128
#define SRTP_GCM_TAG_LEN 16
#define SRTP_RTP_HEADER_MIN 12

_Static_assert(PROTO_SRTP_KEY_LEN == SRTP_AES_GCM_128_KEY_LEN_WSALT,
               "key length must match AEAD_AES_128_GCM key + salt");
_Static_assert(PROTO_SRTP_TRAILER_MAX >= SRTP_MAX_TRAILER_LEN,
               "protect() may append up to SRTP_MAX_TRAILER_LEN bytes");

struct proto_srtp {
  srtp_t session; /* owned */
};

static pthread_once_t srtp_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t srtp_init_status = srtp_err_status_init_fail;

static void srtp_init_once(void) { srtp_init_status = srtp_init(); }

int proto_srtp_global_init(void)
{
  pthread_once(&srtp_once, srtp_init_once);
  if (srtp_init_status != srtp_err_status_ok) {
    hx_log(HX_LOG_ERROR, SRTP_MODULE, "libsrtp initialisation failed (status %d)",
           (int)srtp_init_status);
    return HX_ERR_SRTP;
  }
  return HX_OK;
}

int proto_srtp_random_key(uint8_t key[PROTO_SRTP_KEY_LEN])
{
  if (RAND_bytes(key, PROTO_SRTP_KEY_LEN) != 1) {
    hx_log(HX_LOG_ERROR, SRTP_MODULE, "the system random generator failed");
    return HX_ERR_CRYPTO;
  }
  return HX_OK;
}

int proto_srtp_create(const uint8_t key[PROTO_SRTP_KEY_LEN], enum proto_srtp_dir dir,
                      struct proto_srtp **out)
{
  *out = NULL;
  if (dir != PROTO_SRTP_INBOUND && dir != PROTO_SRTP_OUTBOUND)
    return HX_ERR_INVALID;
  int err = proto_srtp_global_init();
  if (err != HX_OK)
    return err;
  struct proto_srtp *s = calloc(1, sizeof *s);
  if (!s)
    return HX_ERR_NOMEM;
  /* libsrtp copies the key into its cipher state during srtp_create, so
   * this stack copy is wiped straight after. */
  unsigned char master[PROTO_SRTP_KEY_LEN];
  memcpy(master, key, sizeof master);
  srtp_policy_t policy;
  memset(&policy, 0, sizeof policy);
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  policy.ssrc.type = dir == PROTO_SRTP_INBOUND ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = master;
  policy.window_size = SRTP_REPLAY_WINDOW;
  policy.allow_repeat_tx = 0;
  policy.next = NULL;
  srtp_err_status_t st = srtp_create(&s->session, &policy);
  memset(master, 0, sizeof master);
  if (st != srtp_err_status_ok) {
    hx_log(HX_LOG_ERROR, SRTP_MODULE, "cannot create SRTP session (status %d)", (int)st);
    free(s);
    return st == srtp_err_status_alloc_fail ? HX_ERR_NOMEM : HX_ERR_SRTP;
  }
  *out = s;
  return HX_OK;
}

void proto_srtp_destroy(struct proto_srtp *s)
{
  if (!s)
    return;
  srtp_dealloc(s->session);
  free(s);
}

int proto_srtp_protect(struct proto_srtp *s, uint8_t *pkt, size_t len, size_t cap,
                       size_t *out_len)
{
  *out_len = 0;
  if (len < SRTP_RTP_HEADER_MIN)
    return HX_ERR_TRUNCATED;
  if (len > (size_t)INT_MAX - PROTO_SRTP_TRAILER_MAX)
    return HX_ERR_TOO_BIG;
  if (cap < len + PROTO_SRTP_TRAILER_MAX)
    return HX_ERR_FULL;
  int n = (int)len;
  srtp_err_status_t st = srtp_protect(s->session, pkt, &n);
  switch (st) {
  case srtp_err_status_ok:
    *out_len = (size_t)n;
    return HX_OK;
  case srtp_err_status_replay_fail:
  case srtp_err_status_replay_old:
    /* The same sequence number twice would reuse a GCM nonce. */
    return HX_ERR_REPLAY;
  case srtp_err_status_bad_param:
  case srtp_err_status_parse_err:
    return HX_ERR_INVALID; /* header lengths do not fit the packet */
  default:
    hx_log(HX_LOG_WARN, SRTP_MODULE, "protect failed (status %d)", (int)st);
    return HX_ERR_SRTP;
  }
}

int proto_srtp_unprotect(struct proto_srtp *s, uint8_t *pkt, size_t len, size_t *out_len)
{
  *out_len = 0;
  if (len < SRTP_RTP_HEADER_MIN + SRTP_GCM_TAG_LEN)
    return HX_ERR_TRUNCATED;
  /* Anything longer than an int cannot have come from one UDP datagram. */
  if (len > INT_MAX)
    return HX_ERR_TOO_BIG;
  int n = (int)len;
  srtp_err_status_t st = srtp_unprotect(s->session, pkt, &n);
  switch (st) {
  case srtp_err_status_ok:
    *out_len = (size_t)n;
    return HX_OK;
  case srtp_err_status_replay_fail:
  case srtp_err_status_replay_old:
    return HX_ERR_REPLAY;
  /* A CSRC count or extension length that runs past the packet means the
   * header was forged or corrupted: to the caller it is the same as a
   * failed tag. */
  case srtp_err_status_auth_fail:
  case srtp_err_status_bad_param:
  case srtp_err_status_parse_err:
  case srtp_err_status_cipher_fail:
    return HX_ERR_AUTH;
  default:
    hx_log(HX_LOG_WARN, SRTP_MODULE, "unprotect failed (status %d)", (int)st);
    return HX_ERR_SRTP;
  }
}
