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
#include "hxt_peer.h"

/* Reads replies until one contains want (a "code" value) or the connection
 * closes; closed counts as success when closed_ok. */
static int expect(struct hxt_peer *p, const char *want, int closed_ok)
{
  char line[PROTO_MSG_MAX + 1];
  for (;;) {
    int err = hxt_peer_line(p, line, sizeof line, 3000);
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

static int hello(struct hxt_peer *p, const char *name)
{
  char line[256];
  snprintf(line, sizeof line, "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"%s\"}\n",
           name);
  return hxt_peer_send(p, line);
}

static int run_tcp_garbage(const char *host, uint16_t port)
{
  struct hxt_peer p = {0};
  if (hxt_tcp_connect(&p, host, port) != HX_OK)
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

static int tls_case(struct hxt_peer *p, const char *mode)
{
  if (strcmp(mode, "long-line") == 0) {
    size_t n = PROTO_MSG_MAX + 100;
    char *line = malloc(n + 2);
    memset(line, 'a', n);
    line[n] = '\n';
    line[n + 1] = '\0';
    hxt_peer_send(p, line);
    free(line);
    return expect(p, "too_big", 1);
  }
  if (strcmp(mode, "bad-json") == 0) {
    hxt_peer_send(p, "{\"type\": \"hello\", oops}\n");
    return expect(p, "bad_json", 0);
  }
  if (strcmp(mode, "unknown-type") == 0) {
    hello(p, "Mallory");
    hxt_peer_send(p, "{\"type\":\"teleport\",\"id\":2}\n");
    return expect(p, "unknown_type", 0);
  }
  if (strcmp(mode, "before-hello") == 0) {
    hxt_peer_send(p, "{\"type\":\"join\",\"id\":1,\"room\":\"Lobby\"}\n");
    return expect(p, "not_authenticated", 0);
  }
  fprintf(stderr, "hxpeer: unknown mode %s\n", mode);
  return 2;
}

static int run_tls_case(const char *host, uint16_t port, const char *mode)
{
  struct hxt_peer p = {0};
  int result = hxt_peer_open(&p, host, port) == HX_OK ? tls_case(&p, mode) : 1;
  hxt_peer_close(&p);
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
  struct hxt_peer p = {0};
  if (hxt_peer_open(&p, host, port) != HX_OK)
    return 1;
  hello(&p, "Mallory");
  hxt_peer_send(&p, "{\"type\":\"join\",\"id\":2,\"room\":\"Lobby\"}\n");
  char line[PROTO_MSG_MAX + 1];
  json_t *joined = NULL;
  while (!joined && hxt_peer_line(&p, line, sizeof line, 3000) == HX_OK) {
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
    hxt_peer_close(&p);
    return 1;
  }
  uint8_t key[64];
  size_t key_len;
  json_t *srtp = json_object_get(joined, "srtp");
  if (proto_b64_decode(proto_msg_str(srtp, "up", ""), key, sizeof key, &key_len) != HX_OK ||
      key_len != PROTO_SRTP_KEY_LEN) {
    json_decref(joined);
    hxt_peer_close(&p);
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
  hxt_peer_close(&p);
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
