/* TLS 1.3 over memory BIOs (OpenSSL), so the same code runs under libuv, in
 * tests and in fuzzers: the caller moves ciphertext between the socket and
 * this object. Not thread-safe per connection. */
#ifndef PROTO_TLS_H
#define PROTO_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "SHA256:" + 64 lowercase hex digits + NUL */
#define PROTO_FINGERPRINT_LEN 72

struct proto_tls;

/* Writes a new self-signed certificate (EC P-256, 10 years, CN=hearthd) and
 * its private key (file mode 0600) to the given paths. */
int proto_tls_make_cert(const char *cert_path, const char *key_path);
/* Server context: TLS 1.3 only, with this certificate and key. */
int proto_tls_server_ctx(const char *cert_path, const char *key_path, SSL_CTX **out);
/* Client context: TLS 1.3 only; the certificate is checked by fingerprint
 * (trust on first use) by the caller, not by a CA chain. */
int proto_tls_client_ctx(SSL_CTX **out);
/* SHA-256 of a certificate file's DER, as "SHA256:<hex>". */
int proto_tls_cert_fingerprint(const char *cert_path, char out[PROTO_FINGERPRINT_LEN]);

int proto_tls_create(SSL_CTX *ctx, bool is_server, struct proto_tls **out);
void proto_tls_destroy(struct proto_tls *t);

/* Network bytes in. Progresses the handshake. HX_ERR_TLS on a protocol
 * failure (the connection must be closed). */
int proto_tls_feed(struct proto_tls *t, const uint8_t *buf, size_t len);
/* Plaintext out: HX_OK with *got > 0, HX_ERR_AGAIN when none is ready,
 * HX_ERR_TLS_CLOSED after the peer's close_notify, HX_ERR_TLS on failure. */
int proto_tls_read(struct proto_tls *t, uint8_t *out, size_t cap, size_t *got);
/* Plaintext in; buffered until the handshake completes. */
int proto_tls_write(struct proto_tls *t, const uint8_t *buf, size_t len);
/* Network bytes out: copies pending ciphertext; *got 0 when none. Call after
 * every create (client: ClientHello), feed and write. */
int proto_tls_take(struct proto_tls *t, uint8_t *out, size_t cap, size_t *got);
/* Starts a clean close (close_notify); take() the result. */
void proto_tls_shutdown(struct proto_tls *t);
bool proto_tls_handshake_done(const struct proto_tls *t);
/* After HX_ERR_TLS: what failed and OpenSSL's reason, as one phrase for the
 * caller's log line ("TLS handshake failed: error:..."); "no detail" before
 * any failure. Owned by t, valid until proto_tls_destroy(). */
const char *proto_tls_failure(const struct proto_tls *t);
/* Fingerprint of the peer's certificate (client side). */
int proto_tls_peer_fingerprint(struct proto_tls *t, char out[PROTO_FINGERPRINT_LEN]);

#endif
