/* hximpair: a UDP relay that makes a clean loopback path behave like a poor
 * network, for tests and benchmarks of the media path.
 *
 *   hximpair --listen HOST:PORT --to HOST:PORT [--loss P]
 *            [--burst-loss P --burst-len L] [--delay MS] [--jitter MS]
 *            [--reorder P] [--duplicate P] [--seed N]
 *
 * Datagrams from a client to the listen address go to the --to address from
 * an upstream socket of that client's own (so the server sees one address
 * per client), and the server's replies on that socket go back to the client.
 * Both directions get the same impairments, each with its own loss state:
 *   --loss P          each packet is lost with probability P (0..1)
 *   --burst-loss P    Gilbert-Elliott: a good state enters a burst with
 *   --burst-len L     probability P per packet; a burst loses every packet
 *                     and lasts L packets on average (leaves with 1/L)
 *   --delay MS        every packet waits MS milliseconds
 *   --jitter MS       plus a uniform random 0..MS more, so packets that
 *                     follow each other closely can swap order
 *   --reorder P       a packet is held back and sent right after the next
 *                     one in its direction (or after 100 ms if none comes)
 *   --duplicate P     a packet is also sent a second time
 *   --seed N          the random sequences, one per direction (runs with
 *                     the same seed and the same traffic in a direction
 *                     make the same decisions there, however the other
 *                     direction's packets interleave)
 * Prints "hximpair: relaying HOST:PORT -> HOST:PORT" once ready, and a
 * summary on SIGTERM or SIGINT (with each direction's longest run of
 * packets lost in a row). Delayed packets wait in a binary heap keyed
 * by due time; ppoll sleeps until the earliest is due. */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_util.h"

#define MAX_CLIENTS 32
#define HEAP_CAP 8192
#define PKT_MAX 2048
#define REORDER_HOLD_NS (100 * 1000000ull)

enum { UP, DOWN }; /* client -> server, server -> client */

struct packet {
  uint64_t due_ns;
  uint64_t seq; /* ties keep arrival order */
  int client;
  int dir;
  size_t len;
  uint8_t data[PKT_MAX];
};

struct held {
  struct packet *pkt; /* NULL when nothing is held */
  uint64_t since_ns;
};

struct direction_stats {
  unsigned long long in, out, dropped, duplicated, reordered, overflow;
  unsigned long long run, longest_run; /* packets lost in a row */
};

struct client {
  struct sockaddr_storage addr;
  socklen_t addr_len;
  int fd; /* upstream socket to the server */
};

struct relay {
  double loss, burst_enter, burst_leave, reorder, duplicate;
  uint64_t delay_ns, jitter_ns;
  uint64_t rng[2]; /* a sequence per direction: replies never shift the other's draws */
  int listen_fd;
  struct sockaddr_storage server;
  socklen_t server_len;
  struct client clients[MAX_CLIENTS];
  int nclients;
  struct packet *heap[HEAP_CAP];
  size_t heap_len;
  uint64_t next_seq;
  bool bursting[2];
  struct held held[2];
  struct direction_stats st[2];
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
  (void)sig;
  stop_requested = 1;
}

/* xorshift64*: small, seedable, good enough for loss decisions. */
static double rnd(struct relay *r, int dir)
{
  uint64_t *x = &r->rng[dir];
  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return (double)((*x * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static bool heap_less(const struct packet *a, const struct packet *b)
{
  return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static bool heap_push(struct relay *r, struct packet *p)
{
  if (r->heap_len == HEAP_CAP)
    return false;
  size_t i = r->heap_len++;
  r->heap[i] = p;
  while (i > 0 && heap_less(r->heap[i], r->heap[(i - 1) / 2])) {
    struct packet *t = r->heap[i];
    r->heap[i] = r->heap[(i - 1) / 2];
    r->heap[(i - 1) / 2] = t;
    i = (i - 1) / 2;
  }
  return true;
}

static struct packet *heap_pop(struct relay *r)
{
  struct packet *top = r->heap[0];
  r->heap[0] = r->heap[--r->heap_len];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < r->heap_len && heap_less(r->heap[l], r->heap[m]))
      m = l;
    if (l + 1 < r->heap_len && heap_less(r->heap[l + 1], r->heap[m]))
      m = l + 1;
    if (m == i)
      break;
    struct packet *t = r->heap[i];
    r->heap[i] = r->heap[m];
    r->heap[m] = t;
    i = m;
  }
  return top;
}

static void schedule(struct relay *r, struct packet *p, uint64_t due_ns)
{
  p->due_ns = due_ns;
  p->seq = r->next_seq++;
  if (!heap_push(r, p)) {
    r->st[p->dir].overflow++;
    free(p);
  }
}

static uint64_t delay_for(struct relay *r, int dir)
{
  uint64_t d = r->delay_ns;
  if (r->jitter_ns)
    d += (uint64_t)(rnd(r, dir) * (double)r->jitter_ns);
  return d;
}

/* A packet arrived: decide its fate. */
static void admit(struct relay *r, int client, int dir, const uint8_t *buf, size_t len)
{
  struct direction_stats *st = &r->st[dir];
  st->in++;
  if (r->burst_enter > 0) {
    if (r->bursting[dir])
      r->bursting[dir] = rnd(r, dir) >= r->burst_leave;
    else
      r->bursting[dir] = rnd(r, dir) < r->burst_enter;
  }
  if (r->bursting[dir] || (r->loss > 0 && rnd(r, dir) < r->loss)) {
    st->dropped++;
    if (++st->run > st->longest_run)
      st->longest_run = st->run;
    return;
  }
  st->run = 0;
  uint64_t now = hx_clock_ns();
  int copies = r->duplicate > 0 && rnd(r, dir) < r->duplicate ? 2 : 1;
  bool hold = r->reorder > 0 && !r->held[dir].pkt && rnd(r, dir) < r->reorder;
  if (copies == 2)
    st->duplicated++;
  for (int c = 0; c < copies; c++) {
    struct packet *p = malloc(sizeof *p);
    if (!p) {
      st->overflow++;
      return;
    }
    p->client = client;
    p->dir = dir;
    p->len = len;
    memcpy(p->data, buf, len);
    if (hold && c == 0) {
      r->held[dir].pkt = p;
      r->held[dir].since_ns = now;
      continue;
    }
    uint64_t due = now + delay_for(r, dir);
    schedule(r, p, due);
    struct held *h = &r->held[dir];
    if (h->pkt && !hold) {
      /* Same due time, later sequence: it leaves right after this one. */
      st->reordered++;
      schedule(r, h->pkt, due);
      h->pkt = NULL;
    }
  }
}

static void release_stale_holds(struct relay *r, uint64_t now)
{
  for (int d = 0; d < 2; d++) {
    struct held *h = &r->held[d];
    if (h->pkt && now - h->since_ns >= REORDER_HOLD_NS) {
      schedule(r, h->pkt, now);
      h->pkt = NULL;
    }
  }
}

static void deliver_due(struct relay *r, uint64_t now)
{
  while (r->heap_len && r->heap[0]->due_ns <= now) {
    struct packet *p = heap_pop(r);
    struct client *c = &r->clients[p->client];
    ssize_t n;
    if (p->dir == UP)
      n = sendto(c->fd, p->data, p->len, 0, (struct sockaddr *)&r->server, r->server_len);
    else
      n = sendto(r->listen_fd, p->data, p->len, 0, (struct sockaddr *)&c->addr, c->addr_len);
    if (n == (ssize_t)p->len)
      r->st[p->dir].out++;
    free(p);
  }
}

static int resolve(const char *spec, struct sockaddr_storage *out, socklen_t *out_len)
{
  char host[256];
  uint16_t port = 0;
  if (hx_parse_hostport(spec, host, sizeof host, &port, 0) != HX_OK || port == 0)
    return -1;
  char service[8];
  snprintf(service, sizeof service, "%u", (unsigned)port);
  struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV};
  struct addrinfo *res;
  if (getaddrinfo(host, service, &hints, &res) != 0)
    return -1;
  memcpy(out, res->ai_addr, res->ai_addrlen);
  *out_len = res->ai_addrlen;
  freeaddrinfo(res);
  return 0;
}

static int find_client(struct relay *r, const struct sockaddr_storage *from, socklen_t len)
{
  for (int i = 0; i < r->nclients; i++)
    if (r->clients[i].addr_len == len && memcmp(&r->clients[i].addr, from, len) == 0)
      return i;
  if (r->nclients == MAX_CLIENTS)
    return -1;
  int fd = socket(r->server.ss_family, SOCK_DGRAM, 0);
  if (fd < 0)
    return -1;
  struct client *c = &r->clients[r->nclients];
  c->addr = *from;
  c->addr_len = len;
  c->fd = fd;
  return r->nclients++;
}

static int parse_prob(const char *opt, const char *v, double *out)
{
  char *end;
  double p = strtod(v, &end);
  if (*v == '\0' || *end != '\0' || p < 0 || p > 1) {
    fprintf(stderr, "hximpair: %s wants a probability between 0 and 1, not \"%s\"\n", opt, v);
    return -1;
  }
  *out = p;
  return 0;
}

static int parse_ms(const char *opt, const char *v, uint64_t *out_ns)
{
  long ms;
  if (hx_parse_long(v, 0, 60000, &ms) != HX_OK) {
    fprintf(stderr, "hximpair: %s wants whole milliseconds 0..60000, not \"%s\"\n", opt, v);
    return -1;
  }
  *out_ns = (uint64_t)ms * 1000000u;
  return 0;
}

static void usage(void)
{
  fprintf(stderr, "usage: hximpair --listen HOST:PORT --to HOST:PORT [--loss P] "
                  "[--burst-loss P --burst-len L] [--delay MS] [--jitter MS] [--reorder P] "
                  "[--duplicate P] [--seed N]\n");
}

static int parse_args(int argc, char **argv, struct relay *r, const char **listen,
                      const char **to)
{
  long seed = 1, burst_len = 0;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    if (i + 1 >= argc) {
      usage();
      return -1;
    }
    const char *v = argv[++i];
    int bad = 0;
    if (strcmp(o, "--listen") == 0)
      *listen = v;
    else if (strcmp(o, "--to") == 0)
      *to = v;
    else if (strcmp(o, "--loss") == 0)
      bad = parse_prob(o, v, &r->loss);
    else if (strcmp(o, "--burst-loss") == 0)
      bad = parse_prob(o, v, &r->burst_enter);
    else if (strcmp(o, "--burst-len") == 0)
      bad = hx_parse_long(v, 1, 1000, &burst_len) != HX_OK;
    else if (strcmp(o, "--delay") == 0)
      bad = parse_ms(o, v, &r->delay_ns);
    else if (strcmp(o, "--jitter") == 0)
      bad = parse_ms(o, v, &r->jitter_ns);
    else if (strcmp(o, "--reorder") == 0)
      bad = parse_prob(o, v, &r->reorder);
    else if (strcmp(o, "--duplicate") == 0)
      bad = parse_prob(o, v, &r->duplicate);
    else if (strcmp(o, "--seed") == 0)
      bad = hx_parse_long(v, 0, 2147483647, &seed) != HX_OK;
    else {
      usage();
      return -1;
    }
    if (bad) {
      fprintf(stderr, "hximpair: bad value \"%s\" for %s\n", v, o);
      return -1;
    }
  }
  if (!*listen || !*to || (r->burst_enter > 0) != (burst_len > 0)) {
    usage();
    return -1;
  }
  r->burst_leave = burst_len > 0 ? 1.0 / (double)burst_len : 0;
  /* Zero is a fixed point of xorshift: mix the seed first. */
  for (int dir = 0; dir < 2; dir++)
    r->rng[dir] = ((uint64_t)seed * 2 + (uint64_t)dir + 1) * 0x9E3779B97F4A7C15ull;
  return 0;
}

static void summary(const struct relay *r)
{
  static const char *const name[2] = {"to server", "to clients"};
  for (int d = 0; d < 2; d++)
    printf("hximpair: %s: in %llu out %llu dropped %llu duplicated %llu reordered %llu "
           "overflow %llu longest-loss %llu\n",
           name[d], r->st[d].in, r->st[d].out, r->st[d].dropped, r->st[d].duplicated,
           r->st[d].reordered, r->st[d].overflow, r->st[d].longest_run);
  fflush(stdout);
}

static void receive_one(struct relay *r, int fd, int client)
{
  uint8_t buf[PKT_MAX];
  struct sockaddr_storage from;
  socklen_t len = sizeof from;
  ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &len);
  if (n <= 0)
    return;
  if (client < 0) {
    int c = find_client(r, &from, len);
    if (c >= 0)
      admit(r, c, UP, buf, (size_t)n);
  } else {
    admit(r, client, DOWN, buf, (size_t)n);
  }
}

static int run(struct relay *r)
{
  struct pollfd pfd[MAX_CLIENTS + 1];
  sigset_t none;
  sigemptyset(&none);
  while (!stop_requested) {
    uint64_t now = hx_clock_ns();
    release_stale_holds(r, now);
    deliver_due(r, now);
    uint64_t wait_ns = 50 * 1000000ull;
    if (r->heap_len) {
      uint64_t due = r->heap[0]->due_ns;
      wait_ns = due > now ? due - now : 0;
    }
    struct timespec ts = {.tv_sec = (time_t)(wait_ns / 1000000000u),
                          .tv_nsec = (long)(wait_ns % 1000000000u)};
    pfd[0] = (struct pollfd){.fd = r->listen_fd, .events = POLLIN};
    for (int i = 0; i < r->nclients; i++)
      pfd[i + 1] = (struct pollfd){.fd = r->clients[i].fd, .events = POLLIN};
    int nfds = r->nclients + 1;
    int rc = ppoll(pfd, (nfds_t)nfds, &ts, &none);
    if (rc < 0 && errno != EINTR) {
      perror("hximpair: poll");
      return 1;
    }
    if (rc <= 0)
      continue;
    if (pfd[0].revents & POLLIN)
      receive_one(r, r->listen_fd, -1);
    for (int i = 1; i < nfds; i++)
      if (pfd[i].revents & POLLIN)
        receive_one(r, pfd[i].fd, i - 1);
  }
  return 0;
}

int main(int argc, char **argv)
{
  static struct relay r;
  const char *listen_spec = NULL, *to_spec = NULL;
  if (parse_args(argc, argv, &r, &listen_spec, &to_spec))
    return 2;
  struct sockaddr_storage laddr;
  socklen_t llen;
  if (resolve(listen_spec, &laddr, &llen) || resolve(to_spec, &r.server, &r.server_len)) {
    fprintf(stderr, "hximpair: give numeric HOST:PORT addresses, for example 127.0.0.1:7711\n");
    return 2;
  }
  r.listen_fd = socket(laddr.ss_family, SOCK_DGRAM, 0);
  if (r.listen_fd < 0 || bind(r.listen_fd, (struct sockaddr *)&laddr, llen) != 0) {
    fprintf(stderr, "hximpair: cannot listen on %s: %s\n", listen_spec, strerror(errno));
    return 1;
  }
  /* Signals are blocked except inside ppoll, so a stop is never missed
   * between the flag check and the wait. */
  struct sigaction sa = {.sa_handler = on_stop};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, NULL);
  printf("hximpair: relaying %s -> %s\n", listen_spec, to_spec);
  fflush(stdout);
  int rc = run(&r);
  summary(&r);
  for (int i = 0; i < r.nclients; i++)
    close(r.clients[i].fd);
  close(r.listen_fd);
  while (r.heap_len)
    free(heap_pop(&r));
  for (int d = 0; d < 2; d++)
    free(r.held[d].pkt);
  return rc;
}
