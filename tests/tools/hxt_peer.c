/* A blocking TLS control-channel peer shared by the test tools (hxpeer,
 * hxctl): connect, send lines, wait for lines. */
#include "hxt_peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_util.h"

static int flush(struct hxt_peer *p)
{
  uint8_t buf[16384];
  size_t got;
  while (proto_tls_take(p->tls, buf, sizeof buf, &got) == HX_OK && got > 0) {
    if (send(p->fd, buf, got, MSG_NOSIGNAL) != (ssize_t)got)
      return HX_ERR_IO;
  }
  return HX_OK;
}

int hxt_tcp_connect(struct hxt_peer *p, const char *host, uint16_t port)
{
  memset(&p->addr, 0, sizeof p->addr);
  p->addr.sin_family = AF_INET;
  p->addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &p->addr.sin_addr) != 1)
    return HX_ERR_INVALID;
  p->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (p->fd < 0 || connect(p->fd, (struct sockaddr *)&p->addr, sizeof p->addr) != 0) {
    fprintf(stderr, "cannot connect: %s\n", strerror(errno));
    return HX_ERR_IO;
  }
  return HX_OK;
}

int hxt_peer_open(struct hxt_peer *p, const char *host, uint16_t port)
{
  SSL_CTX *ctx;
  if (hxt_tcp_connect(p, host, port) != HX_OK || proto_tls_client_ctx(&ctx) != HX_OK ||
      proto_tls_create(ctx, false, &p->tls) != HX_OK)
    return HX_ERR_IO;
  SSL_CTX_free(ctx);
  proto_framer_init(&p->framer, PROTO_MSG_MAX);
  return flush(p);
}

void hxt_peer_close(struct hxt_peer *p)
{
  proto_tls_destroy(p->tls);
  proto_framer_free(&p->framer);
  if (p->fd > 0)
    close(p->fd);
}

int hxt_peer_send(struct hxt_peer *p, const char *line)
{
  int err = proto_tls_write(p->tls, (const uint8_t *)line, strlen(line));
  return err ? err : flush(p);
}

/* Waits up to timeout_ms for one line. HX_ERR_TLS_CLOSED when the server
 * closed the connection. */
int hxt_peer_line(struct hxt_peer *p, char *out, size_t cap, int timeout_ms)
{
  uint64_t deadline = hx_clock_ns() + (uint64_t)timeout_ms * 1000000u;
  for (;;) {
    size_t len;
    if (proto_framer_next(&p->framer, (uint8_t *)out, cap - 1, &len) == HX_OK) {
      out[len] = '\0';
      return HX_OK;
    }
    uint8_t plain[16384];
    size_t got;
    int err = proto_tls_read(p->tls, plain, sizeof plain, &got);
    if (err == HX_OK) {
      if (proto_framer_feed(&p->framer, plain, got) != HX_OK)
        return HX_ERR_TOO_BIG;
      continue;
    }
    if (err != HX_ERR_AGAIN)
      return HX_ERR_TLS_CLOSED;
    flush(p);
    uint64_t now = hx_clock_ns();
    if (now >= deadline)
      return HX_ERR_AGAIN;
    struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
    if (poll(&pfd, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
      continue;
    uint8_t net[16384];
    ssize_t n = recv(p->fd, net, sizeof net, 0);
    if (n <= 0)
      return HX_ERR_TLS_CLOSED;
    if (proto_tls_feed(p->tls, net, (size_t)n) != HX_OK)
      return HX_ERR_TLS_CLOSED;
  }
}
