#include "proto_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_buf.h"
#include "hx_err.h"
#include "hx_log.h"

#define TLS_MODULE "tls"
/* Plaintext the caller may queue before the handshake completes. */
#define TLS_PENDING_MAX (1024 * 1024)
/* Ciphertext the caller may feed ahead of reading it. */
#define TLS_INBOX_MAX (1024 * 1024)
#define TLS_CERT_DAYS 3650L

struct proto_tls {
  SSL *ssl;            /* owned; owns both memory BIOs */
  BIO *rbio;           /* network bytes in */
  BIO *wbio;           /* network bytes out */
  struct hx_buf early; /* owned: plaintext written before the handshake */
  bool failed;         /* a fatal TLS error happened: everything fails */
  char failure[320];   /* what failed and OpenSSL's reason, for the caller */
};

/* The first queued OpenSSL error (no secrets: library error strings only);
 * empties the queue so it cannot leak into the next call. */
static void tls_take_error(char *text, size_t cap)
{
  unsigned long e = ERR_get_error();
  if (e)
    ERR_error_string_n(e, text, cap);
  else
    snprintf(text, cap, "no detail");
  ERR_clear_error();
}

static void tls_log_error(const char *what)
{
  char text[256];
  tls_take_error(text, sizeof text);
  hx_log(HX_LOG_WARN, TLS_MODULE, "%s: %s", what, text);
}

static int write_pem_file(const char *path, mode_t mode, bool is_key, EVP_PKEY *pkey,
                          X509 *cert)
{
  /* O_EXCL: never overwrite a key, and never follow a planted symlink. */
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    hx_log(HX_LOG_ERROR, TLS_MODULE, "cannot create %s: %s", path, strerror(errno));
    return errno == EEXIST ? HX_ERR_EXISTS : HX_ERR_IO;
  }
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    unlink(path);
    return HX_ERR_IO;
  }
  int ok = is_key ? PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL)
                  : PEM_write_X509(f, cert);
  if (fclose(f) != 0 || !ok) {
    tls_log_error("cannot write PEM file");
    unlink(path);
    return HX_ERR_IO;
  }
  return HX_OK;
}

static int set_random_serial(X509 *cert)
{
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return HX_ERR_CRYPTO;
  raw[0] &= 0x7f; /* a positive serial number, as RFC 5280 requires */
  raw[0] |= 0x01; /* and non-zero */
  BIGNUM *bn = BN_bin2bn(raw, sizeof raw, NULL);
  if (!bn)
    return HX_ERR_NOMEM;
  ASN1_INTEGER *serial = X509_get_serialNumber(cert);
  int ok = BN_to_ASN1_INTEGER(bn, serial) != NULL;
  BN_free(bn);
  return ok ? HX_OK : HX_ERR_CRYPTO;
}

static int build_cert(EVP_PKEY *pkey, X509 **out)
{
  X509 *cert = X509_new();
  if (!cert)
    return HX_ERR_NOMEM;
  int err = set_random_serial(cert);
  X509_NAME *name = X509_get_subject_name(cert);
  if (err == HX_OK &&
      (!X509_set_version(cert, 2) ||
       !X509_gmtime_adj(X509_getm_notBefore(cert), 0) ||
       !X509_gmtime_adj(X509_getm_notAfter(cert), TLS_CERT_DAYS * 24 * 60 * 60) ||
       !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   (const unsigned char *)"hearthd", -1, -1, 0) ||
       !X509_set_issuer_name(cert, name) || !X509_set_pubkey(cert, pkey) ||
       !X509_sign(cert, pkey, EVP_sha256())))
    err = HX_ERR_CRYPTO;
  if (err != HX_OK) {
    tls_log_error("cannot build certificate");
    X509_free(cert);
    return err;
  }
  *out = cert;
  return HX_OK;
}

int proto_tls_make_cert(const char *cert_path, const char *key_path)
{
  ERR_clear_error();
  EVP_PKEY *pkey = EVP_EC_gen("P-256");
  if (!pkey) {
    tls_log_error("cannot generate key");
    return HX_ERR_CRYPTO;
  }
  X509 *cert = NULL;
  int err = build_cert(pkey, &cert);
  if (err == HX_OK)
    err = write_pem_file(key_path, 0600, true, pkey, NULL);
  if (err == HX_OK) {
    err = write_pem_file(cert_path, 0644, false, NULL, cert);
    if (err != HX_OK)
      unlink(key_path); /* a key without its certificate is useless */
  }
  X509_free(cert);
  EVP_PKEY_free(pkey);
  return err;
}

static int load_cert(const char *path, X509 **out)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    hx_log(HX_LOG_ERROR, TLS_MODULE, "cannot open certificate %s: %s", path,
           strerror(errno));
    return errno == ENOENT ? HX_ERR_NOT_FOUND : HX_ERR_IO;
  }
  *out = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (!*out) {
    tls_log_error("certificate file holds no PEM certificate");
    return HX_ERR_FORMAT;
  }
  return HX_OK;
}

static int load_key(const char *path, EVP_PKEY **out)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    hx_log(HX_LOG_ERROR, TLS_MODULE, "cannot open key %s: %s", path, strerror(errno));
    return errno == ENOENT ? HX_ERR_NOT_FOUND : HX_ERR_IO;
  }
  *out = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  if (!*out) {
    tls_log_error("key file holds no PEM private key");
    return HX_ERR_FORMAT;
  }
  return HX_OK;
}

static int new_ctx(const SSL_METHOD *method, SSL_CTX **out)
{
  SSL_CTX *ctx = SSL_CTX_new(method);
  if (!ctx) {
    tls_log_error("cannot create TLS context");
    return HX_ERR_NOMEM;
  }
  if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
      !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) {
    tls_log_error("cannot require TLS 1.3");
    SSL_CTX_free(ctx);
    return HX_ERR_TLS;
  }
  *out = ctx;
  return HX_OK;
}

int proto_tls_server_ctx(const char *cert_path, const char *key_path, SSL_CTX **out)
{
  *out = NULL;
  ERR_clear_error();
  X509 *cert = NULL;
  EVP_PKEY *pkey = NULL;
  SSL_CTX *ctx = NULL;
  int err = load_cert(cert_path, &cert);
  if (err == HX_OK)
    err = load_key(key_path, &pkey);
  if (err == HX_OK)
    err = new_ctx(TLS_server_method(), &ctx);
  if (err == HX_OK) {
    if (!SSL_CTX_use_certificate(ctx, cert) || !SSL_CTX_use_PrivateKey(ctx, pkey) ||
        !SSL_CTX_check_private_key(ctx)) {
      tls_log_error("certificate and key do not belong together");
      err = HX_ERR_TLS;
    }
    /* Clients reconnect with a full handshake; tickets would only cost
     * bytes and a long-lived ticket key. */
    else if (!SSL_CTX_set_num_tickets(ctx, 0)) {
      err = HX_ERR_TLS;
    }
  }
  X509_free(cert);
  EVP_PKEY_free(pkey);
  if (err != HX_OK) {
    SSL_CTX_free(ctx);
    return err;
  }
  *out = ctx;
  return HX_OK;
}

int proto_tls_client_ctx(SSL_CTX **out)
{
  *out = NULL;
  ERR_clear_error();
  SSL_CTX *ctx = NULL;
  int err = new_ctx(TLS_client_method(), &ctx);
  if (err != HX_OK)
    return err;
  /* The server is self-signed: the caller pins its fingerprint instead. */
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  *out = ctx;
  return HX_OK;
}

static int fingerprint_of(const X509 *cert, char out[PROTO_FINGERPRINT_LEN])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!X509_digest(cert, EVP_sha256(), md, &n) || n != 32) {
    tls_log_error("cannot hash certificate");
    return HX_ERR_CRYPTO;
  }
  static const char hex[] = "0123456789abcdef";
  memcpy(out, "SHA256:", 7);
  for (unsigned int i = 0; i < n; i++) {
    out[7 + 2 * i] = hex[md[i] >> 4];
    out[8 + 2 * i] = hex[md[i] & 0x0f];
  }
  out[7 + 2 * n] = '\0';
  return HX_OK;
}

int proto_tls_cert_fingerprint(const char *cert_path, char out[PROTO_FINGERPRINT_LEN])
{
  out[0] = '\0';
  ERR_clear_error();
  X509 *cert = NULL;
  int err = load_cert(cert_path, &cert);
  if (err == HX_OK)
    err = fingerprint_of(cert, out);
  X509_free(cert);
  return err;
}

int proto_tls_create(SSL_CTX *ctx, bool is_server, struct proto_tls **out)
{
  *out = NULL;
  ERR_clear_error();
  struct proto_tls *t = calloc(1, sizeof *t);
  if (!t)
    return HX_ERR_NOMEM;
  hx_buf_init(&t->early, TLS_PENDING_MAX);
  t->ssl = SSL_new(ctx);
  t->rbio = BIO_new(BIO_s_mem());
  t->wbio = BIO_new(BIO_s_mem());
  if (!t->ssl || !t->rbio || !t->wbio) {
    BIO_free(t->rbio);
    BIO_free(t->wbio);
    SSL_free(t->ssl);
    free(t);
    ERR_clear_error();
    return HX_ERR_NOMEM;
  }
  SSL_set_bio(t->ssl, t->rbio, t->wbio);
  if (is_server) {
    SSL_set_accept_state(t->ssl);
  } else {
    SSL_set_connect_state(t->ssl);
    /* Queue the ClientHello now, so the caller's first take() sends it. */
    SSL_do_handshake(t->ssl);
    ERR_clear_error();
  }
  *out = t;
  return HX_OK;
}

void proto_tls_destroy(struct proto_tls *t)
{
  if (!t)
    return;
  SSL_free(t->ssl);
  hx_buf_free(&t->early);
  free(t);
}

static int tls_fail(struct proto_tls *t, const char *what)
{
  char text[256];
  tls_take_error(text, sizeof text);
  t->failed = true;
  snprintf(t->failure, sizeof t->failure, "%s: %s", what, text);
  /* The peer's doing, not ours: a scanner can cause this at will. The
   * caller logs one line with proto_tls_failure() and the peer's address;
   * this one is for debugging. */
  hx_log(HX_LOG_DEBUG, TLS_MODULE, "%s", t->failure);
  return HX_ERR_TLS;
}

static int write_all(struct proto_tls *t, const uint8_t *buf, size_t len)
{
  while (len > 0) {
    size_t chunk = len > INT_MAX ? INT_MAX : len, done = 0;
    ERR_clear_error();
    if (SSL_write_ex(t->ssl, buf, chunk, &done) != 1)
      return tls_fail(t, "TLS write failed");
    buf += done;
    len -= done;
  }
  return HX_OK;
}

/* Drives the handshake as far as the buffered bytes allow, and sends what
 * was written early once it is done. */
static int tls_advance(struct proto_tls *t)
{
  if (t->failed)
    return HX_ERR_TLS;
  if (SSL_is_init_finished(t->ssl))
    return HX_OK;
  ERR_clear_error();
  int r = SSL_do_handshake(t->ssl);
  if (r != 1) {
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
      return HX_OK;
    return tls_fail(t, "TLS handshake failed");
  }
  int err = write_all(t, t->early.data, t->early.len);
  hx_buf_free(&t->early);
  return err;
}

int proto_tls_feed(struct proto_tls *t, const uint8_t *buf, size_t len)
{
  if (t->failed)
    return HX_ERR_TLS;
  if (len > TLS_INBOX_MAX || BIO_ctrl_pending(t->rbio) > TLS_INBOX_MAX - len)
    return HX_ERR_FULL;
  if (len > 0) {
    size_t done = 0;
    if (BIO_write_ex(t->rbio, buf, len, &done) != 1 || done != len) {
      ERR_clear_error();
      return HX_ERR_NOMEM;
    }
  }
  return tls_advance(t);
}

int proto_tls_read(struct proto_tls *t, uint8_t *out, size_t cap, size_t *got)
{
  *got = 0;
  if (cap == 0)
    return HX_ERR_INVALID;
  int err = tls_advance(t);
  if (err != HX_OK)
    return err;
  if (!SSL_is_init_finished(t->ssl))
    return HX_ERR_AGAIN;
  ERR_clear_error();
  if (SSL_read_ex(t->ssl, out, cap > INT_MAX ? INT_MAX : cap, got) == 1)
    return HX_OK;
  *got = 0;
  switch (SSL_get_error(t->ssl, 0)) {
  case SSL_ERROR_WANT_READ:
  case SSL_ERROR_WANT_WRITE:
    return HX_ERR_AGAIN;
  case SSL_ERROR_ZERO_RETURN:
    return HX_ERR_TLS_CLOSED;
  default:
    return tls_fail(t, "TLS read failed");
  }
}

int proto_tls_write(struct proto_tls *t, const uint8_t *buf, size_t len)
{
  if (t->failed)
    return HX_ERR_TLS;
  if (SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN)
    return HX_ERR_TLS_CLOSED;
  if (len == 0)
    return HX_OK;
  if (!SSL_is_init_finished(t->ssl))
    return hx_buf_append(&t->early, buf, len);
  return write_all(t, buf, len);
}

int proto_tls_take(struct proto_tls *t, uint8_t *out, size_t cap, size_t *got)
{
  *got = 0;
  if (cap == 0 || BIO_ctrl_pending(t->wbio) == 0)
    return HX_OK;
  if (BIO_read_ex(t->wbio, out, cap, got) != 1) {
    ERR_clear_error();
    *got = 0;
  }
  return HX_OK;
}

void proto_tls_shutdown(struct proto_tls *t)
{
  /* Before the handshake there is no session to close: the caller just
   * drops the connection. */
  if (t->failed || !SSL_is_init_finished(t->ssl))
    return;
  ERR_clear_error();
  SSL_shutdown(t->ssl);
  ERR_clear_error();
}

const char *proto_tls_failure(const struct proto_tls *t)
{
  return t->failure[0] ? t->failure : "no detail";
}

bool proto_tls_handshake_done(const struct proto_tls *t)
{
  return !t->failed && SSL_is_init_finished(t->ssl);
}

int proto_tls_peer_fingerprint(struct proto_tls *t, char out[PROTO_FINGERPRINT_LEN])
{
  out[0] = '\0';
  if (!proto_tls_handshake_done(t))
    return HX_ERR_STATE;
  X509 *peer = SSL_get0_peer_certificate(t->ssl);
  if (!peer)
    return HX_ERR_NOT_FOUND;
  ERR_clear_error();
  return fingerprint_of(peer, out);
}
