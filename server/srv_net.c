#include "srv_net.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"
#include "proto_tls.h"
#include "srv_addr.h"
#include "srv_media.h"
#include "srv_room.h"
#include "srv_session.h"
#include "srv_speech.h"

#define MODULE "net"
#define UDP_RX_CAP 2048

struct conn {
  struct srv_net *net;
  struct conn *prev, *next; /* in net->conns */
  uv_tcp_t tcp;
  uv_shutdown_t shutdown_req;
  struct proto_tls *tls;       /* owned */
  struct srv_session *session; /* owned; NULL for a refused connection */
  struct sockaddr_storage peer;
  uint64_t opened_ms;
  uint64_t closing_ms;
  size_t pending; /* bytes handed to uv_write and not yet written */
  bool refused;   /* server_full: close once the error is out */
  bool closing;
  bool shut; /* uv_shutdown issued: nothing more may be written */
};

struct write_req {
  uv_write_t req;
  struct conn *conn;
  size_t len;
  uint8_t data[];
};

struct srv_net {
  uv_loop_t *loop;
  struct srv *srv;
  SSL_CTX *ctx;
  uv_tcp_t listener;
  uv_udp_t udp;
  uv_timer_t tick;
  uv_timer_t speech; /* paces typed speech (srv_speech.c) */
  struct conn *conns;
  size_t conn_count;
  uint16_t port;
  bool shutting_down;
  uint64_t shutdown_ms;
  /* Scratch buffers: the loop handles one callback at a time. */
  uint8_t rx[65536];
  uint8_t udp_rx[UDP_RX_CAP];
  uint8_t plain[16384];
  uint8_t tx[16384 + 1024];
};

static void conn_close_hard(struct conn *c);

static void on_closed(uv_handle_t *h)
{
  struct conn *c = h->data;
  struct srv_net *net = c->net;
  /* Leaving the room here, after the socket is gone, tells the others. */
  srv_session_close(c->session);
  proto_tls_destroy(c->tls);
  if (c->prev)
    c->prev->next = c->next;
  else
    net->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  net->conn_count--;
  free(c);
  if (net->shutting_down && net->conn_count == 0 && !uv_is_closing((uv_handle_t *)&net->tick))
    uv_close((uv_handle_t *)&net->tick, NULL);
}

static void conn_close_hard(struct conn *c)
{
  c->closing = true;
  if (!uv_is_closing((uv_handle_t *)&c->tcp))
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void on_write(uv_write_t *req, int status)
{
  struct write_req *w = (struct write_req *)req;
  struct conn *c = w->conn;
  c->pending -= w->len;
  free(w);
  if (status < 0 && status != UV_ECANCELED) {
    hx_log(HX_LOG_DEBUG, MODULE, "write failed: %s", uv_strerror(status));
    conn_close_hard(c);
  }
}

/* Moves pending ciphertext from TLS to the socket. */
static void conn_flush(struct conn *c)
{
  struct srv_net *net = c->net;
  if (c->shut || uv_is_closing((uv_handle_t *)&c->tcp))
    return;
  for (;;) {
    size_t got = 0;
    if (proto_tls_take(c->tls, net->tx, sizeof net->tx, &got) != HX_OK || got == 0)
      break;
    struct write_req *w = malloc(sizeof *w + got);
    if (!w) {
      conn_close_hard(c);
      return;
    }
    memcpy(w->data, net->tx, got);
    w->conn = c;
    w->len = got;
    uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)got);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_write) != 0) {
      free(w);
      conn_close_hard(c);
      return;
    }
    c->pending += got;
  }
  if (c->pending > SRV_NET_PENDING_MAX) {
    hx_log(HX_LOG_WARN, MODULE, "session %llu is not reading (%zu bytes queued); disconnecting",
           c->session ? (unsigned long long)c->session->id : 0ULL, c->pending);
    conn_close_hard(c);
  }
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
  (void)status;
  conn_close_hard(req->data);
}

/* Flushes what is queued (and TLS close_notify when notify), then closes. */
static void conn_close(struct conn *c, bool notify)
{
  if (c->closing)
    return;
  c->closing = true;
  c->closing_ms = uv_now(c->net->loop);
  uv_read_stop((uv_stream_t *)&c->tcp);
  if (notify)
    proto_tls_shutdown(c->tls);
  conn_flush(c);
  if (uv_is_closing((uv_handle_t *)&c->tcp))
    return;
  c->shutdown_req.data = c;
  c->shut = true;
  if (uv_shutdown(&c->shutdown_req, (uv_stream_t *)&c->tcp, on_shutdown) != 0)
    conn_close_hard(c);
}

static struct conn *conn_of(struct srv_net *net, uint64_t session_id)
{
  struct srv_session *s = srv_session_find(net->srv, session_id);
  return s ? s->userdata : NULL;
}

static void conn_send(struct conn *c, const json_t *msg)
{
  char *line;
  size_t len;
  if (c->closing)
    return;
  if (proto_msg_encode(msg, &line, &len) != HX_OK) {
    hx_log(HX_LOG_ERROR, MODULE, "cannot encode a message; dropped it");
    return;
  }
  int rc = proto_tls_write(c->tls, (const uint8_t *)line, len);
  free(line);
  if (rc != HX_OK) {
    conn_close_hard(c);
    return;
  }
  conn_flush(c);
}

static void net_send_msg(void *ud, uint64_t session_id, const json_t *msg)
{
  struct conn *c = conn_of(ud, session_id);
  if (c)
    conn_send(c, msg);
}

static void net_send_udp(void *ud, const struct sockaddr_storage *to, const uint8_t *buf,
                         size_t len)
{
  struct srv_net *net = ud;
  uv_buf_t b = uv_buf_init((char *)buf, (unsigned)len);
  /* Datagrams are never queued: a full socket buffer drops the packet, as
   * the network would; the jitter buffers cope. */
  uv_udp_try_send(&net->udp, &b, 1, (const struct sockaddr *)to);
}

static void net_close_session(void *ud, uint64_t session_id)
{
  struct conn *c = conn_of(ud, session_id);
  if (c)
    conn_close(c, true);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
  struct conn *c = h->data;
  (void)suggested;
  *buf = uv_buf_init((char *)c->net->rx, sizeof c->net->rx);
}

/* One line per failed connection: who, what we make of it, and OpenSSL's
 * reason. */
static void log_tls_failure(struct conn *c, const char *what)
{
  char addr[SRV_ADDR_STRLEN];
  srv_addr_format(&c->peer, addr);
  hx_log(HX_LOG_WARN, MODULE, "connection from %s: %s (%s); closing it", addr, what,
         proto_tls_failure(c->tls));
}

/* Decrypts what the TLS layer holds and hands it to the session. */
static void conn_pump(struct conn *c)
{
  struct srv_net *net = c->net;
  while (!c->closing) {
    size_t got = 0;
    int rc = proto_tls_read(c->tls, net->plain, sizeof net->plain, &got);
    if (rc == HX_ERR_AGAIN)
      break;
    if (rc == HX_ERR_TLS_CLOSED) {
      conn_close(c, true);
      return;
    }
    if (rc != HX_OK) {
      log_tls_failure(c, "TLS failed after the handshake");
      conn_close(c, false);
      return;
    }
    if (c->session) {
      rc = srv_session_feed(c->session, net->plain, got);
      if (rc != HX_OK && rc != HX_ERR_TOO_BIG)
        conn_close(c, true);
    }
  }
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
  struct conn *c = stream->data;
  if (nread < 0) {
    if (nread != UV_EOF)
      hx_log(HX_LOG_DEBUG, MODULE, "read failed: %s", uv_strerror((int)nread));
    conn_close_hard(c);
    return;
  }
  if (nread == 0 || c->closing)
    return;
  if (proto_tls_feed(c->tls, (const uint8_t *)buf->base, (size_t)nread) != HX_OK) {
    log_tls_failure(c, "not a TLS 1.3 client, or its TLS failed");
    conn_flush(c); /* the alert tells a real client why */
    conn_close(c, false);
    return;
  }
  conn_pump(c);
  conn_flush(c);
  if (c->refused && !c->closing && proto_tls_handshake_done(c->tls))
    conn_close(c, true);
}

/* A connection over max_sessions: it completes TLS to read server_full. */
static void conn_refuse(struct conn *c)
{
  char addr[SRV_ADDR_STRLEN];
  srv_addr_format(&c->peer, addr);
  hx_log(HX_LOG_WARN, MODULE, "server full: refusing the connection from %s", addr);
  c->refused = true;
  json_t *msg =
      proto_msg_error(-1, PROTO_E_SERVER_FULL, "The server is full; try again later.");
  if (msg)
    conn_send(c, msg);
  json_decref(msg);
}

static void on_connection(uv_stream_t *server, int status)
{
  struct srv_net *net = server->data;
  if (status < 0) {
    hx_log(HX_LOG_WARN, MODULE, "accept failed: %s", uv_strerror(status));
    return;
  }
  struct conn *c = calloc(1, sizeof *c);
  if (!c)
    return;
  c->net = net;
  c->opened_ms = uv_now(net->loop);
  uv_tcp_init(net->loop, &c->tcp);
  c->tcp.data = c;
  c->next = net->conns;
  if (net->conns)
    net->conns->prev = c;
  net->conns = c;
  net->conn_count++;
  if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
      net->conn_count > net->srv->max_sessions + SRV_NET_EXTRA_CONNS) {
    conn_close_hard(c);
    return;
  }
  int len = sizeof c->peer;
  uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer, &len);
  uv_tcp_nodelay(&c->tcp, 1);
  if (proto_tls_create(net->ctx, true, &c->tls) != HX_OK) {
    conn_close_hard(c);
    return;
  }
  int rc = srv_session_open(net->srv, c, &c->session);
  if (rc == HX_OK)
    srv_session_set_peer(c->session, &c->peer);
  if (rc == HX_ERR_FULL) {
    conn_refuse(c);
  } else if (rc != HX_OK) {
    conn_close_hard(c);
    return;
  }
  if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
    conn_close_hard(c);
}

static void on_udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
  struct srv_net *net = h->data;
  (void)suggested;
  *buf = uv_buf_init((char *)net->udp_rx, sizeof net->udp_rx);
}

static void on_udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                        const struct sockaddr *addr, unsigned flags)
{
  struct srv_net *net = h->data;
  if (nread <= 0 || !addr || (addr->sa_family != AF_INET && addr->sa_family != AF_INET6))
    return;
  struct sockaddr_storage from;
  memset(&from, 0, sizeof from);
  memcpy(&from, addr,
         addr->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
  /* A truncated datagram was larger than the buffer, which is larger than
   * any packet the router accepts: hand over the whole buffer so the router
   * refuses (and logs) it as too big. */
  size_t len = (flags & UV_UDP_PARTIAL) ? sizeof net->udp_rx : (size_t)nread;
  srv_media_handle(net->srv, &from, (const uint8_t *)buf->base, len, uv_now(net->loop));
}

static void on_tick(uv_timer_t *t)
{
  struct srv_net *net = t->data;
  uint64_t now = uv_now(net->loop);
  srv_tick(net->srv, now);
  bool force = net->shutting_down && now - net->shutdown_ms >= SRV_NET_SHUTDOWN_TIMEOUT_MS;
  for (struct conn *c = net->conns; c; c = c->next) {
    if (uv_is_closing((uv_handle_t *)&c->tcp))
      continue;
    if (force || (c->closing && now - c->closing_ms >= SRV_NET_CLOSE_TIMEOUT_MS)) {
      conn_close_hard(c);
    } else if (!c->closing && now - c->opened_ms >= SRV_NET_HELLO_TIMEOUT_MS &&
               (!c->session || !c->session->authenticated)) {
      hx_log(HX_LOG_INFO, MODULE, "closing a connection that did not say hello in %d s",
             SRV_NET_HELLO_TIMEOUT_MS / 1000);
      conn_close(c, true);
    }
  }
}

static void on_speech_tick(uv_timer_t *t)
{
  struct srv_net *net = t->data;
  srv_speech_tick(net->srv, uv_now(net->loop));
}

int srv_net_create(uv_loop_t *loop, struct srv *srv, SSL_CTX *ctx, struct srv_net **out)
{
  *out = NULL;
  struct srv_net *net = calloc(1, sizeof *net);
  if (!net)
    return HX_ERR_NOMEM;
  net->loop = loop;
  net->srv = srv;
  net->ctx = ctx;
  uv_tcp_init(loop, &net->listener);
  uv_udp_init(loop, &net->udp);
  uv_timer_init(loop, &net->tick);
  uv_timer_init(loop, &net->speech);
  net->speech.data = net;
  net->listener.data = net;
  net->udp.data = net;
  net->tick.data = net;
  struct srv_callbacks cb = {net, net_send_msg, net_send_udp, net_close_session};
  srv_set_callbacks(srv, &cb);
  *out = net;
  return HX_OK;
}

int srv_net_listen(struct srv_net *net, const struct sockaddr *addr, char *err, size_t err_cap)
{
  struct sockaddr_storage bound;
  int len = sizeof bound;
  int rc = uv_tcp_bind(&net->listener, addr, 0);
  if (rc == 0)
    rc = uv_listen((uv_stream_t *)&net->listener, SRV_NET_BACKLOG, on_connection);
  if (rc == 0)
    rc = uv_tcp_getsockname(&net->listener, (struct sockaddr *)&bound, &len);
  if (rc != 0) {
    snprintf(err, err_cap, "cannot listen for TCP: %s", uv_strerror(rc));
    return HX_ERR_IO;
  }
  rc = uv_udp_bind(&net->udp, (const struct sockaddr *)&bound, 0);
  if (rc == 0)
    rc = uv_udp_recv_start(&net->udp, on_udp_alloc, on_udp_recv);
  if (rc != 0) {
    snprintf(err, err_cap, "cannot bind the UDP media socket: %s", uv_strerror(rc));
    return HX_ERR_IO;
  }
  net->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                 : ((struct sockaddr_in *)&bound)->sin_port);
  net->srv->media_port = net->port;
  uv_timer_start(&net->tick, on_tick, SRV_NET_TICK_MS, SRV_NET_TICK_MS);
  uv_timer_start(&net->speech, on_speech_tick, SRV_SPEECH_TICK_MS, SRV_SPEECH_TICK_MS);
  return HX_OK;
}

uint16_t srv_net_port(const struct srv_net *net) { return net->port; }

void srv_net_shutdown(struct srv_net *net)
{
  if (net->shutting_down)
    return;
  net->shutting_down = true;
  net->shutdown_ms = uv_now(net->loop);
  uv_close((uv_handle_t *)&net->listener, NULL);
  uv_close((uv_handle_t *)&net->udp, NULL);
  uv_close((uv_handle_t *)&net->speech, NULL);
  for (struct conn *c = net->conns; c; c = c->next)
    conn_close(c, true);
  if (net->conn_count == 0)
    uv_close((uv_handle_t *)&net->tick, NULL);
  else if (!uv_is_active((uv_handle_t *)&net->tick))
    uv_timer_start(&net->tick, on_tick, SRV_NET_TICK_MS, SRV_NET_TICK_MS);
}

void srv_net_free(struct srv_net *net) { free(net); }
