/* The control connection under libuv: resolve, TCP connect (each address in
 * turn), TLS client over memory BIOs (proto_tls), and line framing. It
 * decides nothing: it hands the peer fingerprint, each line and the end of
 * the connection to the handler. Main (loop) thread only. */
#ifndef CLI_CONN_H
#define CLI_CONN_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#define CLI_CONN_TIMEOUT_MS 10000 /* to connect and finish the handshake */

struct cli_conn;

struct cli_conn_handler {
  /* The TLS handshake is done. HX_OK to go on; anything else closes the
   * connection quietly (the handler has told the person why). */
  int (*handshake)(void *userdata, const char *fingerprint);
  /* One line from the server, without its newline. */
  void (*line)(void *userdata, const uint8_t *line, size_t len);
  /* The connection failed or the server ended it; not called after
   * cli_conn_close. established: the handshake had been accepted. reason is
   * a lowercase phrase ("connection refused"). */
  void (*closed)(void *userdata, bool established, const char *reason);
  void *userdata;
};

/* ctx: a client context from proto_tls_client_ctx (not owned). */
int cli_conn_create(uv_loop_t *loop, SSL_CTX *ctx, const struct cli_conn_handler *h,
                    struct cli_conn **out);
/* Starts resolving and connecting; the handler hears how it went. */
int cli_conn_connect(struct cli_conn *c, const char *host, uint16_t port);
/* Queues plaintext (one or more whole lines). */
int cli_conn_send(struct cli_conn *c, const char *data, size_t len);
/* Sends close_notify after what is queued, then closes the socket. */
void cli_conn_close(struct cli_conn *c);
/* The address we are connected to (the media address uses its IP). */
int cli_conn_peer(const struct cli_conn *c, struct sockaddr_storage *out);
/* After the loop has closed every handle; NULL does nothing. */
void cli_conn_destroy(struct cli_conn *c);

#endif
