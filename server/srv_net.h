/* libuv glue: the TCP listener and its TLS connections, the UDP media
 * socket on the same port, and the 100 ms tick. It moves bytes between
 * sockets and the plain functions of srv_session / srv_media / srv_room and
 * decides nothing about the protocol. Runs on the loop thread only. */
#ifndef SRV_NET_H
#define SRV_NET_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "srv.h"

#define SRV_NET_BACKLOG 64
/* Connections beyond max_sessions still get a TLS handshake to be told
 * server_full; past this many more they are closed at once. */
#define SRV_NET_EXTRA_CONNS 16
/* Encrypted output queued for one connection before it counts as not
 * reading and is disconnected. */
#define SRV_NET_PENDING_MAX (1024 * 1024)
#define SRV_NET_TICK_MS 100
#define SRV_NET_HELLO_TIMEOUT_MS 30000  /* connect to accepted hello */
#define SRV_NET_CLOSE_TIMEOUT_MS 5000   /* flushing before a close */
#define SRV_NET_SHUTDOWN_TIMEOUT_MS 2000 /* whole-server shutdown */

struct srv_net;

/* Sets up the handles on loop and installs the network as srv's callbacks.
 * ctx (not owned) must outlive the net. */
int srv_net_create(uv_loop_t *loop, struct srv *srv, SSL_CTX *ctx, struct srv_net **out);
/* Binds TCP (control) and UDP (media) on the same address and port and
 * starts serving. On failure err gets a sentence for the operator. */
int srv_net_listen(struct srv_net *net, const struct sockaddr *addr, char *err, size_t err_cap);
/* The bound port (0 before srv_net_listen succeeded). */
uint16_t srv_net_port(const struct srv_net *net);
/* Stops listening, flushes
 * and closes every connection (forcibly after SRV_NET_SHUTDOWN_TIMEOUT_MS).
 * uv_run returns once this is done. */
void srv_net_shutdown(struct srv_net *net);
/* After uv_run has returned. NULL: no-op. */
void srv_net_free(struct srv_net *net);

#endif
