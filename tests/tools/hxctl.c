/* hxctl: speaks the control protocol from a script, for integration tests
 * of server behaviour the client has no command for yet.
 *   hxctl HOST PORT FINGERPRINT < script
 * Script lines: a JSON object (sent as is); "hello NAME [SEED]" (hello,
 * with an Ed25519 key made from the one-byte SEED, 1-255, proved against
 * FINGERPRINT); "expect TEXT" (waits up to 10 s for a received line holding
 * TEXT; exit 1 if none); "listen SECONDS" (prints what arrives meanwhile);
 * "clock" (prints "clock NS", CLOCK_MONOTONIC, the clock hearth --verbose
 * logs its audio start on: placed after a line, it stamps when it went).
 * Every received line is printed to stdout as it comes. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_util.h"
#include "proto_msg.h"
#include "proto_tls.h"
#include "hxt_peer.h"

#define EXPECT_MS 10000

/* Prints lines until one holds text (or, with text NULL, until ms pass). */
static int wait_for(struct hxt_peer *p, const char *text, int ms, char *last, size_t cap)
{
  uint64_t deadline = hx_clock_ns() + (uint64_t)ms * 1000000u;
  for (;;) {
    uint64_t now = hx_clock_ns();
    if (now >= deadline)
      return text ? 1 : 0;
    int err = hxt_peer_line(p, last, cap, (int)((deadline - now) / 1000000u) + 1);
    if (err == HX_ERR_TLS_CLOSED) {
      printf("closed\n");
      fflush(stdout);
      return text && strcmp(text, "closed") == 0 ? 0 : 1;
    }
    if (err != HX_OK)
      continue;
    printf("%s\n", last);
    fflush(stdout);
    if (text && strstr(last, text))
      return 0;
  }
}

static int do_hello(struct hxt_peer *p, const char *name, long seed_byte, const char *fp)
{
  char line[PROTO_MSG_MAX + 1];
  if (seed_byte == 0) {
    snprintf(line, sizeof line, "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"%s\"}\n",
             name);
    return hxt_peer_send(p, line) == HX_OK ? wait_for(p, "welcome", EXPECT_MS, line, sizeof line) : 1;
  }
  unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES],
      sk[crypto_sign_SECRETKEYBYTES];
  memset(seed, (int)seed_byte, sizeof seed);
  crypto_sign_seed_keypair(pk, sk, seed);
  char key[64];
  proto_b64_encode(pk, sizeof pk, key, sizeof key);
  snprintf(line, sizeof line,
           "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"%s\",\"key\":\"%s\"}\n",
           name, key);
  if (hxt_peer_send(p, line) != HX_OK || wait_for(p, "challenge", EXPECT_MS, line, sizeof line))
    return 1;
  const char *at = strstr(line, "\"nonce\":\"");
  char nonce64[64] = "";
  if (at)
    sscanf(at + 9, "%60[^\"]", nonce64);
  uint8_t msg[14 + 32 + 128];
  size_t n = 0;
  memcpy(msg, "hearth-auth-v1", 14);
  if (proto_b64_decode(nonce64, msg + 14, 32, &n) != HX_OK || n != 32 || strlen(fp) > 128)
    return 1;
  memcpy(msg + 46, fp, strlen(fp));
  uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, NULL, msg, 46 + strlen(fp), sk);
  char sig64[128];
  proto_b64_encode(sig, sizeof sig, sig64, sizeof sig64);
  snprintf(line, sizeof line, "{\"type\":\"prove\",\"id\":2,\"sig\":\"%s\"}\n", sig64);
  return hxt_peer_send(p, line) == HX_OK ? wait_for(p, "welcome", EXPECT_MS, line, sizeof line) : 1;
}

int main(int argc, char **argv)
{
  long port;
  if (argc != 4 || hx_parse_long(argv[2], 1, 65535, &port) != HX_OK) {
    fprintf(stderr, "usage: hxctl HOST PORT FINGERPRINT < script\n");
    return 2;
  }
  if (sodium_init() < 0)
    return 1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct hxt_peer p = {0};
  if (hxt_peer_open(&p, argv[1], (uint16_t)port) != HX_OK)
    return 1;
  static char script[PROTO_MSG_MAX + 2];
  static char last[PROTO_MSG_MAX + 1];
  int status = 0;
  while (status == 0 && fgets(script, sizeof script, stdin)) {
    script[strcspn(script, "\n")] = '\0';
    if (script[0] == '{') {
      size_t n = strlen(script); /* the buffer keeps room for the newline */
      script[n] = '\n';
      script[n + 1] = '\0';
      status = hxt_peer_send(&p, script) == HX_OK ? 0 : 1;
    } else if (strncmp(script, "expect ", 7) == 0) {
      status = wait_for(&p, script + 7, EXPECT_MS, last, sizeof last);
      if (status)
        fprintf(stderr, "hxctl: no line with %s\n", script + 7);
    } else if (strncmp(script, "listen ", 7) == 0) {
      long s;
      status = hx_parse_long(script + 7, 0, 600, &s) == HX_OK
                   ? wait_for(&p, NULL, (int)s * 1000, last, sizeof last)
                   : 1;
    } else if (strcmp(script, "clock") == 0) {
      printf("clock %llu\n", (unsigned long long)hx_clock_ns());
    } else if (strncmp(script, "hello ", 6) == 0) {
      char name[64];
      long seed = 0;
      int got = sscanf(script + 6, "%63s %ld", name, &seed);
      status = got >= 1 ? do_hello(&p, name, got == 2 ? seed : 0, argv[3]) : 1;
    } else if (script[0] && script[0] != '#') {
      fprintf(stderr, "hxctl: cannot read the script line \"%s\"\n", script);
      status = 2;
    }
  }
  hxt_peer_close(&p);
  return status;
}
