/* Socket address helpers for the media path and for log lines. Thread-safe. */
#ifndef SRV_ADDR_H
#define SRV_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* "1.2.3.4:5678" or "[::1]:5678"; room for any address. */
#define SRV_ADDR_STRLEN 64

/* Same family, address and port (IPv4 and IPv6 only; others never equal). */
bool srv_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
void srv_addr_format(const struct sockaddr_storage *a, char out[SRV_ADDR_STRLEN]);

#endif
