#include "cli_conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"
#include "proto_tls.h"

#define LOG_MODULE "conn"
#define READ_BUF 65536
#define TAKE_CHUNK 16384

struct write_req {
  uv_write_t req;
  struct cli_conn *conn;
  uint8_t data[]; /* ciphertext */
};

struct cli_conn {
  uv_loop_t *loop;
  SSL_CTX *ctx; /* not owned */
  struct cli_conn_handler h;
  uv_getaddrinfo_t resolve;
  struct addrinfo *addrs; /* owned, freed with uv_freeaddrinfo */
  struct addrinfo *next_addr;
  uv_connect_t connect_req;
  uv_shutdown_t shutdown_req;
  uv_tcp_t tcp;
  bool tcp_open;    /* initialised and not yet closed */
  uv_timer_t timer; /* connect and handshake deadline */
  bool timer_open;
  bool resolving;
  bool connected; /* TCP is up */
  bool established; /* TLS up and trusted */
  bool closing;     /* no more callbacks to the handler */
  struct sockaddr_storage peer;
  char last_error[128];
  struct proto_tls *tls; /* owned */
  struct proto_framer framer;
  uint8_t read_buf[READ_BUF];
  uint8_t plain[READ_BUF];
  uint8_t line[PROTO_MSG_MAX + 1];
};

int cli_conn_create(uv_loop_t *loop, SSL_CTX *ctx, const struct cli_conn_handler *h,
                    struct cli_conn **out)
{
  *out = NULL;
  struct cli_conn *c = calloc(1, sizeof *c);
  if (!c)
    return HX_ERR_NOMEM;
  c->loop = loop;
  c->ctx = ctx;
  c->h = *h;
  proto_framer_init(&c->framer, PROTO_MSG_MAX);
  snprintf(c->last_error, sizeof c->last_error, "no address found");
  *out = c;
  return HX_OK;
}

void cli_conn_destroy(struct cli_conn *c)
{
  if (!c)
    return;
  if (c->addrs)
    uv_freeaddrinfo(c->addrs);
  proto_tls_destroy(c->tls);
  proto_framer_free(&c->framer);
  free(c);
}

static void close_handles(struct cli_conn *c)
{
  if (c->resolving)
    uv_cancel((uv_req_t *)&c->resolve);
  if (c->timer_open) {
    uv_close((uv_handle_t *)&c->timer, NULL);
    c->timer_open = false;
  }
  if (c->tcp_open) {
    uv_close((uv_handle_t *)&c->tcp, NULL);
    c->tcp_open = false;
  }
}

static void fail(struct cli_conn *c, const char *reason)
{
  if (c->closing)
    return;
  c->closing = true;
  close_handles(c);
  c->h.closed(c->h.userdata, c->established, reason);
}

static void on_write(uv_write_t *req, int status)
{
  struct write_req *w = (struct write_req *)req;
  struct cli_conn *c = w->conn;
  free(w);
  if (status < 0 && status != UV_ECANCELED)
    fail(c, uv_strerror(status));
}

/* Moves pending ciphertext from the TLS object to the socket. */
static int flush(struct cli_conn *c)
{
  uint8_t chunk[TAKE_CHUNK];
  for (;;) {
    size_t got = 0;
    int rc = proto_tls_take(c->tls, chunk, sizeof chunk, &got);
    if (rc != HX_OK)
      return rc;
    if (got == 0)
      return HX_OK;
    struct write_req *w = malloc(sizeof *w + got);
    if (!w)
      return HX_ERR_NOMEM;
    w->conn = c;
    memcpy(w->data, chunk, got);
    uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned)got);
    int err = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, on_write);
    if (err < 0) {
      free(w);
      return HX_ERR_IO;
    }
  }
}

int cli_conn_send(struct cli_conn *c, const char *data, size_t len)
{
  if (c->closing || !c->tls)
    return HX_ERR_STATE;
  int rc = proto_tls_write(c->tls, (const uint8_t *)data, len);
  if (rc == HX_OK)
    rc = flush(c);
  if (rc != HX_OK)
    fail(c, hx_strerror(rc));
  return rc;
}

static void deliver_lines(struct cli_conn *c)
{
  for (;;) {
    size_t len = 0;
    int rc = proto_framer_next(&c->framer, c->line, sizeof c->line, &len);
    if (rc == HX_ERR_AGAIN || c->closing)
      return;
    if (rc != HX_OK) {
      fail(c, "the server sent a line that cannot be read");
      return;
    }
    c->h.line(c->h.userdata, c->line, len);
    if (c->closing)
      return;
  }
}

static void check_handshake(struct cli_conn *c)
{
  if (c->established || !proto_tls_handshake_done(c->tls))
    return;
  char fp[PROTO_FINGERPRINT_LEN];
  if (proto_tls_peer_fingerprint(c->tls, fp) != HX_OK) {
    fail(c, "the server sent no certificate");
    return;
  }
  if (c->timer_open) {
    uv_close((uv_handle_t *)&c->timer, NULL);
    c->timer_open = false;
  }
  if (c->h.handshake(c->h.userdata, fp) != HX_OK) {
    c->closing = true;
    close_handles(c);
    return;
  }
  c->established = true;
}

static void on_data(struct cli_conn *c, const uint8_t *buf, size_t len)
{
  int rc = proto_tls_feed(c->tls, buf, len);
  if (rc != HX_OK) {
    fail(c, proto_tls_failure(c->tls));
    return;
  }
  check_handshake(c);
  while (!c->closing && c->established) {
    size_t got = 0;
    rc = proto_tls_read(c->tls, c->plain, sizeof c->plain, &got);
    if (rc == HX_ERR_AGAIN)
      break;
    if (rc == HX_ERR_TLS_CLOSED) {
      fail(c, "the server closed the connection");
      return;
    }
    if (rc != HX_OK) {
      fail(c, proto_tls_failure(c->tls));
      return;
    }
    if (proto_framer_feed(&c->framer, c->plain, got) != HX_OK) {
      fail(c, "the server sent a line longer than the limit");
      return;
    }
    deliver_lines(c);
  }
  if (!c->closing && flush(c) != HX_OK)
    fail(c, "cannot write to the server");
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
  (void)suggested;
  struct cli_conn *c = handle->data;
  *buf = uv_buf_init((char *)c->read_buf, sizeof c->read_buf);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
  struct cli_conn *c = stream->data;
  (void)buf;
  if (c->closing)
    return;
  if (nread == UV_EOF) {
    fail(c, "the server closed the connection");
  } else if (nread < 0) {
    fail(c, uv_strerror((int)nread));
  } else if (nread > 0) {
    on_data(c, c->read_buf, (size_t)nread);
  }
}

static void try_next_address(struct cli_conn *c);

static void on_retry_closed(uv_handle_t *handle)
{
  struct cli_conn *c = handle->data;
  if (!c->closing)
    try_next_address(c);
}

static void on_connect(uv_connect_t *req, int status)
{
  struct cli_conn *c = req->data;
  if (c->closing)
    return;
  if (status < 0) {
    snprintf(c->last_error, sizeof c->last_error, "%s", uv_strerror(status));
    /* The handle must be closed before it can connect again. */
    c->tcp_open = false;
    uv_close((uv_handle_t *)&c->tcp, on_retry_closed);
    return;
  }
  c->connected = true;
  int len = (int)sizeof c->peer;
  uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer, &len);
  uv_tcp_nodelay(&c->tcp, 1);
  int rc = proto_tls_create(c->ctx, false, &c->tls);
  if (rc != HX_OK) {
    fail(c, hx_strerror(rc));
    return;
  }
  if (flush(c) != HX_OK || uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0)
    fail(c, "cannot start TLS");
}

static void try_next_address(struct cli_conn *c)
{
  struct addrinfo *ai = c->next_addr;
  if (!ai) {
    fail(c, c->last_error);
    return;
  }
  c->next_addr = ai->ai_next;
  uv_tcp_init(c->loop, &c->tcp);
  c->tcp.data = c;
  c->tcp_open = true;
  c->connect_req.data = c;
  int err = uv_tcp_connect(&c->connect_req, &c->tcp, ai->ai_addr, on_connect);
  if (err < 0) {
    snprintf(c->last_error, sizeof c->last_error, "%s", uv_strerror(err));
    c->tcp_open = false;
    uv_close((uv_handle_t *)&c->tcp, on_retry_closed);
  }
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
  struct cli_conn *c = req->data;
  c->resolving = false;
  c->addrs = res;
  if (c->closing)
    return;
  if (status < 0) {
    char reason[160];
    snprintf(reason, sizeof reason, "cannot find the address (%s)", uv_strerror(status));
    fail(c, reason);
    return;
  }
  c->next_addr = res;
  try_next_address(c);
}

static void on_timeout(uv_timer_t *timer)
{
  struct cli_conn *c = timer->data;
  fail(c, c->connected ? "the TLS handshake timed out" : "timed out");
}

int cli_conn_connect(struct cli_conn *c, const char *host, uint16_t port)
{
  char port_str[8];
  snprintf(port_str, sizeof port_str, "%u", (unsigned)port);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  c->resolve.data = c;
  int err = uv_getaddrinfo(c->loop, &c->resolve, on_resolved, host, port_str, &hints);
  if (err < 0)
    return HX_ERR_IO;
  c->resolving = true;
  uv_timer_init(c->loop, &c->timer);
  c->timer.data = c;
  c->timer_open = true;
  uv_timer_start(&c->timer, on_timeout, CLI_CONN_TIMEOUT_MS, 0);
  return HX_OK;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
  (void)status;
  struct cli_conn *c = req->data;
  if (c->tcp_open) {
    uv_close((uv_handle_t *)&c->tcp, NULL);
    c->tcp_open = false;
  }
}

void cli_conn_close(struct cli_conn *c)
{
  if (c->closing)
    return;
  c->closing = true;
  if (!c->established || !c->tcp_open) {
    close_handles(c);
    return;
  }
  /* close_notify goes out after every queued write; then the socket shuts. */
  proto_tls_shutdown(c->tls);
  c->shutdown_req.data = c;
  if (flush(c) != HX_OK ||
      uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp, on_shutdown) < 0)
    close_handles(c);
}

int cli_conn_peer(const struct cli_conn *c, struct sockaddr_storage *out)
{
  if (!c->connected)
    return HX_ERR_STATE;
  *out = c->peer;
  return HX_OK;
}
