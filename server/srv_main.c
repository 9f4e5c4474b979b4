/* hearthd: options, config file, data directory and certificate, then the
 * libuv loop until SIGTERM or SIGINT. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"
#include "proto_srtp.h"
#include "proto_tls.h"
#include "srv.h"
#include "srv_config.h"
#include "srv_db.h"
#include "srv_net.h"
#include "srv_ops.h"
#include "srv_room.h"

#define EXIT_USAGE 2

struct app {
  uv_loop_t loop;
  uv_signal_t sigterm;
  uv_signal_t sigint;
  uv_timer_t grace;
  unsigned grace_s;
  struct srv *srv;
  struct srv_net *net;
};

static void log_to_stderr(void *ud, enum hx_log_level level, const char *module,
                          const char *message)
{
  (void)ud;
  fprintf(stderr, SRV_NAME ": %s: %s: %s\n", hx_log_level_name(level), module, message);
}

static void usage(FILE *f)
{
  fprintf(f,
          "Usage: hearthd [OPTIONS]\n"
          "Hearth voice chat server: TLS control over TCP and SRTP media over UDP,\n"
          "both on the same port.\n"
          "\n"
          "  --listen ADDR[:PORT]   where to listen (default 0.0.0.0:%d)\n"
          "  --data-dir DIR         where the certificate and key are kept\n"
          "  --config FILE          settings file: \"key = value\" lines, \"#\" comments;\n"
          "                         keys: listen, data_dir, motd, room_limit, log_level,\n"
          "                         room_create (identified|operator), shutdown_grace,\n"
          "                         text_max\n"
          "  --log-level LEVEL      debug, info, warning or error (default info)\n"
          "  --shutdown-grace SECONDS  notice given to everyone on SIGTERM before the\n"
          "                         server closes (default %d)\n"
          "  --help                 show this help\n"
          "  --version              show the version\n"
          "\n"
          "Command-line options override the config file.\n"
          "\n"
          "Operator commands (work on the data directory, also while the server runs):\n"
          "  hearthd [--data-dir DIR] room create NAME [--topic T] [--limit N]\n"
          "  hearthd [--data-dir DIR] room list | room delete NAME\n"
          "  hearthd [--data-dir DIR] room set NAME SETTING VALUE\n"
          "  hearthd [--data-dir DIR] room host NAME KEY   (make an identity a host)\n"
          "  hearthd [--data-dir DIR] invite create ROOM [--uses N] [--expires DURATION]\n"
          "  hearthd [--data-dir DIR] ban list | ban remove ID\n"
          "See docs/operator.md.\n"
          "Data directory: $HEARTH_DATA_DIR, else $XDG_DATA_HOME/hearth, else\n"
          "~/.local/share/hearth, else (no HOME, as for a root service) ./hearth-data.\n"
          "It is created with mode 0700; the first start makes cert.pem and key.pem.\n"
          "Logs go to standard error. Exit status: 0 after SIGTERM or SIGINT, 1 when\n"
          "the configuration is wrong or the server cannot start, 2 on bad options.\n",
          SRV_DEFAULT_PORT, SRV_SHUTDOWN_GRACE_DEFAULT);
}

struct cli {
  const char *listen;
  const char *data_dir;
  const char *config;
  const char *log_level;
  const char *shutdown_grace;
};

/* An operator naturally writes "hearthd room list --data-dir DIR": take
 * --data-dir and --config after the operator command too, and close the
 * gap they leave so the command sees only its own arguments. Returns the
 * new argc. */
static int take_trailing_places(struct cli *cli, int argc, char **argv)
{
  int out = optind;
  for (int i = optind; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
      cli->data_dir = argv[++i];
    } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      cli->config = argv[++i];
    } else {
      argv[out++] = argv[i];
    }
  }
  for (int i = out; i < argc; i++)
    argv[i] = NULL;
  return out;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int *argc_io, char **argv, struct cli *cli)
{
  int argc = *argc_io;
  enum {
    OPT_LISTEN = 256,
    OPT_DATA_DIR,
    OPT_CONFIG,
    OPT_LOG_LEVEL,
    OPT_GRACE,
    OPT_HELP,
    OPT_VERSION
  };
  static const struct option options[] = {{"listen", required_argument, NULL, OPT_LISTEN},
                                          {"data-dir", required_argument, NULL, OPT_DATA_DIR},
                                          {"config", required_argument, NULL, OPT_CONFIG},
                                          {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
                                          {"shutdown-grace", required_argument, NULL, OPT_GRACE},
                                          {"help", no_argument, NULL, OPT_HELP},
                                          {"version", no_argument, NULL, OPT_VERSION},
                                          {NULL, 0, NULL, 0}};
  int opt;
  /* "+": stop at the first operator command; its options are its own. */
  while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
    switch (opt) {
    case OPT_LISTEN:
      cli->listen = optarg;
      break;
    case OPT_DATA_DIR:
      cli->data_dir = optarg;
      break;
    case OPT_CONFIG:
      cli->config = optarg;
      break;
    case OPT_LOG_LEVEL:
      cli->log_level = optarg;
      break;
    case OPT_GRACE:
      cli->shutdown_grace = optarg;
      break;
    case OPT_HELP:
      usage(stdout);
      return EXIT_SUCCESS;
    case OPT_VERSION:
      printf(SRV_NAME " " HEARTH_VERSION "\n");
      return EXIT_SUCCESS;
    default:
      fprintf(stderr, SRV_NAME ": try --help\n");
      return EXIT_USAGE;
    }
  }
  if (optind < argc && !srv_ops_is_command(argv[optind])) {
    fprintf(stderr, SRV_NAME ": unexpected argument \"%s\"; try --help\n", argv[optind]);
    return EXIT_USAGE;
  }
  *argc_io = take_trailing_places(cli, argc, argv);
  return -1;
}

/* Config file, then the command line over it. Returns -1 or an exit status. */
static int load_config(const struct cli *cli, struct srv_config *cfg)
{
  char err[1024];
  srv_config_defaults(cfg);
  if (cli->config && srv_config_load(cfg, cli->config, err, sizeof err) != HX_OK) {
    fprintf(stderr, SRV_NAME ": %s\n", err);
    return EXIT_FAILURE;
  }
  const struct {
    const char *key;
    const char *value;
    const char *option;
  } overrides[] = {{"listen", cli->listen, "--listen"},
                   {"data_dir", cli->data_dir, "--data-dir"},
                   {"log_level", cli->log_level, "--log-level"},
                   {"shutdown_grace", cli->shutdown_grace, "--shutdown-grace"}};
  for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
    if (overrides[i].value &&
        srv_config_set(cfg, overrides[i].key, overrides[i].value, err, sizeof err) != HX_OK) {
      fprintf(stderr, SRV_NAME ": %s: %s\n", overrides[i].option, err);
      return EXIT_USAGE;
    }
  }
  if (!cfg->data_dir[0] &&
      srv_config_default_data_dir(cfg->data_dir, sizeof cfg->data_dir) != HX_OK) {
    fprintf(stderr, SRV_NAME ": the default data directory path is too long; use --data-dir\n");
    return EXIT_FAILURE;
  }
  return -1;
}

static int resolve(const char *listen, char *host, size_t host_cap, struct sockaddr_storage *out)
{
  uint16_t port;
  if (hx_parse_hostport(listen, host, host_cap, &port, SRV_DEFAULT_PORT) != HX_OK)
    return HX_ERR_INVALID;
  char service[8];
  snprintf(service, sizeof service, "%u", (unsigned)port);
  struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
  struct addrinfo *res = NULL;
  if (getaddrinfo(host, service, &hints, &res) != 0 || !res)
    return HX_ERR_NOT_FOUND;
  memset(out, 0, sizeof *out);
  memcpy(out, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return HX_OK;
}

/* Both files, or neither (first start: make them). One without the other
 * would silently change the fingerprint clients remember, so refuse. */
static int ensure_cert(const char *cert, const char *key)
{
  struct stat st;
  bool have_cert = stat(cert, &st) == 0;
  bool have_key = stat(key, &st) == 0;
  if (have_cert && have_key)
    return HX_OK;
  if (have_cert || have_key) {
    fprintf(stderr,
            SRV_NAME ": found %s but not %s; restore it, or delete both to make a new "
                     "certificate (clients will then see a new fingerprint)\n",
            have_cert ? cert : key, have_cert ? key : cert);
    return HX_ERR_NOT_FOUND;
  }
  int rc = proto_tls_make_cert(cert, key);
  if (rc != HX_OK) {
    fprintf(stderr, SRV_NAME ": cannot make a certificate in %s: %s\n", cert, hx_strerror(rc));
    return rc;
  }
  hx_log(HX_LOG_INFO, "main", "made a new certificate: %s", cert);
  return HX_OK;
}

static void on_grace_over(uv_timer_t *t)
{
  struct app *app = t->data;
  uv_close((uv_handle_t *)&app->grace, NULL);
  srv_net_shutdown(app->net);
}

static void on_signal(uv_signal_t *sig, int signum)
{
  struct app *app = sig->data;
  hx_log(HX_LOG_INFO, "main", "%s: shutting down in %u s", signum == SIGTERM ? "SIGTERM" : "SIGINT",
         app->grace_s);
  /* Everyone hears the notice first; the rooms go on until the grace
   * period is over. */
  srv_announce_shutdown(app->srv, app->grace_s);
  uv_timer_start(&app->grace, on_grace_over, (uint64_t)app->grace_s * 1000, 0);
  /* Closing the handles restores the default action: a second Ctrl-C ends
   * the process at once. */
  uv_close((uv_handle_t *)&app->sigterm, NULL);
  uv_close((uv_handle_t *)&app->sigint, NULL);
}

static void print_banner(const struct srv *srv, const char *host, uint16_t port,
                         const char *fingerprint, const char *data_dir)
{
  bool v6 = strchr(host, ':') != NULL;
  bool wildcard = strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
  printf(SRV_NAME " " HEARTH_VERSION " listening on %s%s%s:%u (TCP control, UDP media)\n",
         v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port);
  printf("Certificate fingerprint: %s\n", fingerprint);
  printf("Data: %s\n", data_dir);
  printf("Rooms:");
  for (const struct srv_room *r = srv->rooms; r; r = r->next)
    printf("%s %s", r == srv->rooms ? "" : ",", r->name);
  printf("\n");
  printf("Connect with: hearth --server %s%s%s:%u --name YOURNAME\n", v6 && !wildcard ? "[" : "",
         wildcard ? "HOST" : host, v6 && !wildcard ? "]" : "", (unsigned)port);
  fflush(stdout);
}

static int serve(const struct srv_config *cfg, const char *data_dir, const char *cert,
                 const char *key)
{
  char host[256];
  char err[512];
  char fingerprint[PROTO_FINGERPRINT_LEN];
  struct sockaddr_storage addr;
  SSL_CTX *ctx = NULL;
  if (resolve(cfg->listen, host, sizeof host, &addr) != HX_OK) {
    fprintf(stderr, SRV_NAME ": cannot listen on \"%s\": unknown address\n", cfg->listen);
    return EXIT_FAILURE;
  }
  int rc = proto_srtp_global_init();
  if (rc == HX_OK)
    rc = proto_tls_server_ctx(cert, key, &ctx);
  if (rc == HX_OK)
    rc = proto_tls_cert_fingerprint(cert, fingerprint);
  if (rc != HX_OK) {
    fprintf(stderr, SRV_NAME ": cannot set up TLS with %s and %s: %s\n", cert, key,
            hx_strerror(rc));
    SSL_CTX_free(ctx);
    return EXIT_FAILURE;
  }
  struct app app = {.grace_s = cfg->shutdown_grace};
  char db_path[PATH_MAX + 16];
  snprintf(db_path, sizeof db_path, "%s/" SRV_DB_FILE, data_dir);
  struct srv_options opt = {.motd = cfg->motd,
                            .room_limit = cfg->room_limit,
                            .db_path = db_path,
                            .fingerprint = fingerprint,
                            .room_create_operator = cfg->room_create_operator,
                            .speech = true,
                            .text_max = cfg->text_max};
  uv_loop_init(&app.loop);
  rc = srv_create(&opt, NULL, &app.srv);
  if (rc == HX_OK)
    rc = srv_net_create(&app.loop, app.srv, ctx, &app.net);
  if (rc != HX_OK) {
    fprintf(stderr, SRV_NAME ": cannot start: %s\n", hx_strerror(rc));
    srv_destroy(app.srv);
    SSL_CTX_free(ctx);
    uv_loop_close(&app.loop);
    return EXIT_FAILURE;
  }
  int status = EXIT_SUCCESS;
  if (srv_net_listen(app.net, (const struct sockaddr *)&addr, err, sizeof err) != HX_OK) {
    fprintf(stderr, SRV_NAME ": cannot listen on %s: %s\n", cfg->listen, err);
    srv_net_shutdown(app.net);
    status = EXIT_FAILURE;
  } else {
    uv_timer_init(&app.loop, &app.grace);
    app.grace.data = &app;
    uv_signal_init(&app.loop, &app.sigterm);
    uv_signal_init(&app.loop, &app.sigint);
    app.sigterm.data = &app;
    app.sigint.data = &app;
    uv_signal_start(&app.sigterm, on_signal, SIGTERM);
    uv_signal_start(&app.sigint, on_signal, SIGINT);
    print_banner(app.srv, host, srv_net_port(app.net), fingerprint, data_dir);
  }
  uv_run(&app.loop, UV_RUN_DEFAULT);
  srv_destroy(app.srv);
  srv_net_free(app.net);
  SSL_CTX_free(ctx);
  if (uv_loop_close(&app.loop) != 0)
    hx_log(HX_LOG_WARN, "main", "some handles were still open at exit");
  if (status == EXIT_SUCCESS)
    hx_log(HX_LOG_INFO, "main", "stopped");
  return status;
}

int main(int argc, char **argv)
{
  /* Tests and service managers read the banner as it comes. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  hx_log_set_sink(log_to_stderr, NULL);
  struct cli cli = {0};
  int status = parse_args(&argc, argv, &cli);
  if (status >= 0)
    return status;
  static struct srv_config cfg;
  status = load_config(&cli, &cfg);
  if (status >= 0)
    return status;
  hx_log_set_level(cfg.log_level);
  bool ops = optind < argc;
  if (srv_config_make_dir(cfg.data_dir) != HX_OK) {
    fprintf(stderr, SRV_NAME ": cannot create the data directory %s: %s\n", cfg.data_dir,
            strerror(errno));
    return EXIT_FAILURE;
  }
  char data_dir[PATH_MAX];
  char cert[PATH_MAX + 16];
  char key[PATH_MAX + 16];
  if (!realpath(cfg.data_dir, data_dir)) {
    fprintf(stderr, SRV_NAME ": cannot use the data directory %s: %s\n", cfg.data_dir,
            strerror(errno));
    return EXIT_FAILURE;
  }
  if (ops)
    return srv_ops_run(data_dir, cfg.room_limit, argc - optind, argv + optind);
  snprintf(cert, sizeof cert, "%s/cert.pem", data_dir);
  snprintf(key, sizeof key, "%s/key.pem", data_dir);
  if (ensure_cert(cert, key) != HX_OK)
    return EXIT_FAILURE;
  return serve(&cfg, data_dir, cert, key);
}
