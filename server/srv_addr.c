#include "srv_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

bool srv_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
  if (a->ss_family != b->ss_family)
    return false;
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *x = (const struct sockaddr_in *)a;
    const struct sockaddr_in *y = (const struct sockaddr_in *)b;
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
    const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
    return x->sin6_port == y->sin6_port &&
           memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0 &&
           x->sin6_scope_id == y->sin6_scope_id;
  }
  return false;
}

void srv_addr_format(const struct sockaddr_storage *a, char out[SRV_ADDR_STRLEN])
{
  char host[INET6_ADDRSTRLEN];
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
    if (inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host)) {
      snprintf(out, SRV_ADDR_STRLEN, "%s:%u", host, (unsigned)ntohs(v4->sin_port));
      return;
    }
  } else if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)a;
    if (inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host)) {
      snprintf(out, SRV_ADDR_STRLEN, "[%s]:%u", host, (unsigned)ntohs(v6->sin6_port));
      return;
    }
  }
  snprintf(out, SRV_ADDR_STRLEN, "(unknown address)");
}
