/* Feeds arbitrary bytes as control lines from a session that has said
 * hello, into a server with its database in a temporary folder, while a
 * second person sits in the Lobby to receive the events: whatever arrives,
 * the server answers, never crashes and never sends a message that does
 * not encode. Then the clock runs on, for turn limits and countdowns. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"
#include "proto_srtp.h"
#include "srv.h"
#include "srv_session.h"
#include "srv_speech.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char db_path[96];

static void quiet(void *userdata, enum hx_log_level level, const char *module, const char *msg)
{
  (void)userdata;
  (void)level;
  (void)module;
  (void)msg;
}

/* What the network layer would write must encode as one line. */
static void check_msg(void *ud, uint64_t session_id, const json_t *msg)
{
  (void)ud;
  (void)session_id;
  char *text = json_dumps(msg, JSON_COMPACT);
  if (!text || strchr(text, '\n'))
    abort();
  free(text);
}

static void drop_udp(void *ud, const struct sockaddr_storage *to, const uint8_t *buf, size_t len)
{
  (void)ud;
  (void)to;
  (void)buf;
  (void)len;
}

static void note_close(void *ud, uint64_t session_id)
{
  (void)ud;
  (void)session_id;
}

static char db_dir[64];

static void remove_database(void)
{
  const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    char path[128];
    snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
    unlink(path);
  }
}

/* The folder goes when the process ends, so replays leave nothing behind. */
static void remove_folder(void)
{
  remove_database();
  rmdir(db_dir);
}

/* One database folder per process; each input starts from an empty file. */
static void fresh_database(void)
{
  if (!db_path[0]) {
    snprintf(db_dir, sizeof db_dir, "/tmp/hearth-fuzz-srv.XXXXXX");
    if (!mkdtemp(db_dir))
      abort();
    snprintf(db_path, sizeof db_path, "%s/hearth.db", db_dir);
    atexit(remove_folder);
  }
  remove_database();
}

static struct srv_session *say_hello(struct srv *srv, const char *name)
{
  struct srv_session *s = NULL;
  if (srv_session_open(srv, NULL, &s) != HX_OK)
    abort();
  char line[128];
  int n = snprintf(line, sizeof line,
                   "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"%s\"}\n"
                   "{\"type\":\"join\",\"id\":2,\"room\":\"Lobby\"}\n",
                   name);
  if (srv_session_feed(s, (const uint8_t *)line, (size_t)n) != HX_OK)
    abort();
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  hx_log_set_sink(quiet, NULL);
  if (proto_srtp_global_init() != HX_OK)
    abort();
  fresh_database();
  struct srv_callbacks cb = {NULL, check_msg, drop_udp, note_close};
  struct srv_options opt = {.media_port = 7710, .db_path = db_path, .fingerprint = "SHA256:00"};
  struct srv *srv = NULL;
  if (srv_create(&opt, &cb, &srv) != HX_OK)
    abort();
  srv_tick(srv, 1000);
  say_hello(srv, "Ada");
  struct srv_session *s = say_hello(srv, "Fuzz");
  srv_session_feed(s, data, size);
  for (uint64_t t = 2000; t <= 200000; t += 7000) {
    srv_tick(srv, t);
    srv_speech_tick(srv, t);
  }
  srv_destroy(srv);
  return 0;
}
