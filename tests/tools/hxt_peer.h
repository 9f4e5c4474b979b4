/* A blocking TLS control-channel peer shared by the test tools. */
#ifndef HXT_PEER_H
#define HXT_PEER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "proto_msg.h"
#include "proto_tls.h"

struct hxt_peer {
  int fd;
  struct proto_tls *tls;
  struct proto_framer framer;
  struct sockaddr_in addr;
};

/* Plain TCP to an IPv4 address. */
int hxt_tcp_connect(struct hxt_peer *p, const char *host, uint16_t port);
/* TCP, then a TLS client with a line framer. */
int hxt_peer_open(struct hxt_peer *p, const char *host, uint16_t port);
void hxt_peer_close(struct hxt_peer *p);
int hxt_peer_send(struct hxt_peer *p, const char *line);
/* Waits up to timeout_ms for one line: HX_ERR_AGAIN on time-out,
 * HX_ERR_TLS_CLOSED when the server closed the connection. */
int hxt_peer_line(struct hxt_peer *p, char *out, size_t cap, int timeout_ms);

#endif
