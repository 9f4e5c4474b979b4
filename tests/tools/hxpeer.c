/* A hostile peer for the integration tests: it misbehaves towards hearthd in
 * one chosen way and reports what the server answered.
 *   hxpeer HOST PORT tcp-garbage     plain bytes instead of TLS
 *   hxpeer HOST PORT long-line       a line past the pre-hello limit
 *   hxpeer HOST PORT bad-json        a line that is not JSON
 *   hxpeer HOST PORT unknown-type    a well-formed message of no known type
 *   hxpeer HOST PORT before-hello    a join before hello
 *   hxpeer HOST PORT udp-garbage     random datagrams to the media port
 *   hxpeer HOST PORT udp-replay      joins, then replays its own SRTP packet
 *                                    and forges one under another SSRC
 * Prints the server's replies, one per line; exits 0 when the server reacted
 * as docs/protocol.md says (the expected error code, or a closed
 * connection), 1 otherwise. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_util.h"
#include "proto_msg.h"
#include "proto_rtp.h"
#include "proto_srtp.h"
#include "proto_tls.h"

struct peer {
  int fd;
  struct proto_tls *tls;
  struct proto_framer framer;
  struct sockaddr_in addr;
};

static int peer_flush(struct peer *p)
{
  uint8_t buf[16384];
  size_t got;
  while (proto_tls_take(p->tls, buf, sizeof buf, &got) == HX_OK && got > 0) {
    if (send(p->fd, buf, got, MSG_NOSIGNAL) != (ssize_t)got)
      return HX_ERR_IO;
  }
  return HX_OK;
}

static int tcp_connect(struct peer *p, const char *host, uint16_t port)
{
  memset(&p->addr, 0, sizeof p->addr);
  p->addr.sin_family = AF_INET;
  p->addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &p->addr.sin_addr) != 1)
    return HX_ERR_INVALID;
  p->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (p->fd < 0 || connect(p->fd, (struct sockaddr *)&p->addr, sizeof p->addr) != 0) {
    fprintf(stderr, "hxpeer: cannot connect: %s\n", strerror(errno));
    return HX_ERR_IO;
  }
  return HX_OK;
}

static int peer_open(struct peer *p, const char *host, uint16_t port)
{
  SSL_CTX *ctx;
  if (tcp_connect(p, host, port) != HX_OK || proto_tls_client_ctx(&ctx) != HX_OK ||
      proto_tls_create(ctx, false, &p->tls) != HX_OK)
    return HX_ERR_IO;
  SSL_CTX_free(ctx);
  proto_framer_init(&p->framer, PROTO_MSG_MAX);
  return peer_flush(p);
}

static void peer_close(struct peer *p)
{
  proto_tls_destroy(p->tls);
  proto_framer_free(&p->framer);
  if (p->fd > 0)
    close(p->fd);
}

static int peer_send(struct peer *p, const char *line)
{
  int err = proto_tls_write(p->tls, (const uint8_t *)line, strlen(line));
  return err ? err : peer_flush(p);
}

/* Waits up to timeout_ms for one line. HX_ERR_TLS_CLOSED when the server
 * closed the connection. */
static int peer_line(struct peer *p, char *out, size_t cap, int timeout_ms)
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
    peer_flush(p);
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

/* Reads replies until one contains want (a "code" value) or the connection
 * closes; closed counts as success when closed_ok. */
static int expect(struct peer *p, const char *want, int closed_ok)
{
  char line[PROTO_MSG_MAX + 1];
  for (;;) {
    int err = peer_line(p, line, sizeof line, 3000);
    if (err == HX_ERR_TLS_CLOSED) {
      printf("closed\n");
      return closed_ok ? 0 : 1;
    }
    if (err != HX_OK) {
      printf("no answer\n");
      return 1;
    }
    printf("%s\n", line);
    char needle[64];
    snprintf(needle, sizeof needle, "\"code\":\"%s\"", want);
    if (strstr(line, needle))
      return 0;
  }
}

static int hello(struct peer *p, const char *name)
{
  char line[256];
  snprintf(line, sizeof line, "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"%s\"}\n",
           name);
  return peer_send(p, line);
}

static int run_tcp_garbage(const char *host, uint16_t port)
{
  struct peer p = {0};
  if (tcp_connect(&p, host, port) != HX_OK)
    return 1;
  static const char garbage[] = "GET / HTTP/1.1\r\nHost: hearth\r\n\r\n\x16\x03\x01\xff\xff";
  send(p.fd, garbage, sizeof garbage - 1, MSG_NOSIGNAL);
  char buf[256];
  struct pollfd pfd = {.fd = p.fd, .events = POLLIN};
  /* The server must close the connection; reading 0 (or an error) shows it. */
  for (int i = 0; i < 50; i++) {
    if (poll(&pfd, 1, 100) > 0 && recv(p.fd, buf, sizeof buf, 0) <= 0) {
      printf("closed\n");
      close(p.fd);
      return 0;
    }
  }
  printf("still open\n");
  return 1;
}

static int tls_case(struct peer *p, const char *mode)
{
  if (strcmp(mode, "long-line") == 0) {
    size_t n = PROTO_MSG_MAX + 100;
    char *line = malloc(n + 2);
    memset(line, 'a', n);
    line[n] = '\n';
    line[n + 1] = '\0';
    peer_send(p, line);
    free(line);
    return expect(p, "too_big", 1);
  }
  if (strcmp(mode, "bad-json") == 0) {
    peer_send(p, "{\"type\": \"hello\", oops}\n");
    return expect(p, "bad_json", 0);
  }
  if (strcmp(mode, "unknown-type") == 0) {
    hello(p, "Mallory");
    peer_send(p, "{\"type\":\"teleport\",\"id\":2}\n");
    return expect(p, "unknown_type", 0);
  }
  if (strcmp(mode, "before-hello") == 0) {
    peer_send(p, "{\"type\":\"join\",\"id\":1,\"room\":\"Lobby\"}\n");
    return expect(p, "not_authenticated", 0);
  }
  fprintf(stderr, "hxpeer: unknown mode %s\n", mode);
  return 2;
}

static int run_tls_case(const char *host, uint16_t port, const char *mode)
{
  struct peer p = {0};
  int result = peer_open(&p, host, port) == HX_OK ? tls_case(&p, mode) : 1;
  peer_close(&p);
  return result;
}

static int run_udp_garbage(const char *host, uint16_t port)
{
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &to.sin_addr);
  srand(7710);
  uint8_t buf[1200];
  for (int i = 0; i < 200; i++) {
    size_t n = (size_t)(rand() % (int)sizeof buf);
    for (size_t j = 0; j < n; j++)
      buf[j] = (uint8_t)rand();
    if (i % 2)
      buf[0] = 0x80; /* looks like RTP version 2 */
    sendto(fd, buf, n, 0, (struct sockaddr *)&to, sizeof to);
  }
  close(fd);
  printf("sent 200 datagrams\n");
  return 0;
}

static int run_udp_replay(const char *host, uint16_t port)
{
  struct peer p = {0};
  if (peer_open(&p, host, port) != HX_OK)
    return 1;
  hello(&p, "Mallory");
  peer_send(&p, "{\"type\":\"join\",\"id\":2,\"room\":\"Lobby\"}\n");
  char line[PROTO_MSG_MAX + 1];
  json_t *joined = NULL;
  while (!joined && peer_line(&p, line, sizeof line, 3000) == HX_OK) {
    json_t *msg;
    if (proto_msg_parse((const uint8_t *)line, strlen(line), &msg) != HX_OK)
      continue;
    if (strcmp(proto_msg_type(msg), "joined") == 0)
      joined = msg;
    else
      json_decref(msg);
  }
  if (!joined) {
    printf("join failed\n");
    peer_close(&p);
    return 1;
  }
  uint8_t key[64];
  size_t key_len;
  json_t *srtp = json_object_get(joined, "srtp");
  if (proto_b64_decode(proto_msg_str(srtp, "up", ""), key, sizeof key, &key_len) != HX_OK ||
      key_len != PROTO_SRTP_KEY_LEN) {
    json_decref(joined);
    peer_close(&p);
    return 1;
  }
  uint32_t ssrc = (uint32_t)proto_msg_int(joined, "ssrc", 0);
  uint16_t media_port = (uint16_t)proto_msg_int(joined, "media_port", port);
  json_decref(joined);

  struct proto_srtp *out;
  proto_srtp_global_init();
  if (proto_srtp_create(key, PROTO_SRTP_OUTBOUND, &out) != HX_OK)
    return 1;
  uint8_t payload[3] = {0xf8, 0xff, 0xfe}; /* an Opus silence frame */
  struct proto_rtp h = {.payload_type = PROTO_RTP_PT_OPUS, .seq = 1, .timestamp = 960,
                        .ssrc = ssrc, .has_level = true, .level = 127};
  uint8_t pkt[PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX];
  size_t len, srtp_len;
  proto_rtp_pack(&h, payload, sizeof payload, pkt, sizeof pkt, &len);
  proto_srtp_protect(out, pkt, len, sizeof pkt, &srtp_len);

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(media_port)};
  inet_pton(AF_INET, host, &to.sin_addr);
  for (int i = 0; i < 50; i++)
    sendto(fd, pkt, srtp_len, 0, (struct sockaddr *)&to, sizeof to);
  /* The same packet under someone else's SSRC fails authentication. */
  pkt[8] ^= 0x5a;
  for (int i = 0; i < 50; i++)
    sendto(fd, pkt, srtp_len, 0, (struct sockaddr *)&to, sizeof to);
  close(fd);
  proto_srtp_destroy(out);
  /* Stay in the room until the server has had the packets: leaving first
   * would make them packets of an unknown sender, not replays. */
  hx_sleep_ns(200000000);
  peer_close(&p);
  printf("sent 1 packet, 49 replays, 50 forgeries\n");
  return 0;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: hxpeer HOST PORT MODE\n");
    return 2;
  }
  long port;
  if (hx_parse_long(argv[2], 1, 65535, &port) != HX_OK) {
    fprintf(stderr, "hxpeer: bad port %s\n", argv[2]);
    return 2;
  }
  const char *mode = argv[3];
  if (strcmp(mode, "tcp-garbage") == 0)
    return run_tcp_garbage(argv[1], (uint16_t)port);
  if (strcmp(mode, "udp-garbage") == 0)
    return run_udp_garbage(argv[1], (uint16_t)port);
  if (strcmp(mode, "udp-replay") == 0)
    return run_udp_replay(argv[1], (uint16_t)port);
  return run_tls_case(argv[1], (uint16_t)port, mode);
}
