#include "cli_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_util.h"
#include "hx_log.h"
#include "proto_msg.h"

#define LOG_MODULE "identity"
#define IDENTITY_FILE "identity"
#define SEED_KEY "ed25519-seed "
#define HEADER                                                                                   \
  "# Hearth identity: lets hosts recognise you next time. This is your secret key;\n"            \
  "# keep a copy and never share it. Losing it makes you a newcomer everywhere.\n"

struct cli_identity {
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

int cli_identity_path(const char *config_dir, const char *xdg, const char *home, char *out,
                      size_t cap)
{
  int n;
  if (config_dir && *config_dir)
    n = snprintf(out, cap, "%s/%s", config_dir, IDENTITY_FILE);
  else if (xdg && *xdg)
    n = snprintf(out, cap, "%s/hearth/%s", xdg, IDENTITY_FILE);
  else if (home && *home)
    n = snprintf(out, cap, "%s/.config/hearth/%s", home, IDENTITY_FILE);
  else
    return HX_ERR_NOT_FOUND;
  return n < 0 || (size_t)n >= cap ? HX_ERR_TOO_BIG : HX_OK;
}

/* One line of the file: a comment, a blank line or the seed. */
static int parse_line(const char *line, size_t len, bool *have_seed,
                      uint8_t seed[CLI_IDENTITY_SEED_LEN])
{
  if (len > 0 && line[len - 1] == '\r')
    len--;
  if (len == 0 || line[0] == '#')
    return HX_OK;
  size_t key_len = sizeof SEED_KEY - 1;
  if (*have_seed || len <= key_len || memcmp(line, SEED_KEY, key_len) != 0)
    return HX_ERR_FORMAT;
  char b64[64];
  size_t b64_len = len - key_len;
  if (b64_len >= sizeof b64)
    return HX_ERR_FORMAT;
  memcpy(b64, line + key_len, b64_len);
  b64[b64_len] = '\0';
  size_t got = 0;
  if (proto_b64_decode(b64, seed, CLI_IDENTITY_SEED_LEN, &got) != HX_OK ||
      got != CLI_IDENTITY_SEED_LEN)
    return HX_ERR_FORMAT;
  *have_seed = true;
  return HX_OK;
}

int cli_identity_parse(const uint8_t *buf, size_t len, uint8_t seed[CLI_IDENTITY_SEED_LEN])
{
  if (len > CLI_IDENTITY_FILE_MAX || memchr(buf, '\0', len))
    return HX_ERR_FORMAT;
  bool have_seed = false;
  size_t start = 0;
  while (start < len) {
    const uint8_t *nl = memchr(buf + start, '\n', len - start);
    size_t end = nl ? (size_t)(nl - buf) : len;
    int rc = parse_line((const char *)buf + start, end - start, &have_seed, seed);
    if (rc != HX_OK) {
      sodium_memzero(seed, CLI_IDENTITY_SEED_LEN);
      return rc;
    }
    start = end + 1;
  }
  return have_seed ? HX_OK : HX_ERR_FORMAT;
}

static int write_all(int fd, const char *data, size_t len)
{
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return HX_ERR_IO;
    data += n;
    len -= (size_t)n;
  }
  return HX_OK;
}

/* Writes a new seed to a temporary file and links it into place, so a crash
 * never leaves a half-written identity and an existing file is never
 * replaced (link fails with EEXIST). */
static int create_file(const char *path, const uint8_t seed[CLI_IDENTITY_SEED_LEN], int *err_no)
{
  int rc = hx_mkdir_parents(path);
  if (rc != HX_OK) {
    *err_no = errno;
    return rc;
  }
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s.new.%ld", path, (long)getpid()) >= (int)sizeof tmp)
    return HX_ERR_TOO_BIG;
  char text[512], b64[64];
  if (proto_b64_encode(seed, CLI_IDENTITY_SEED_LEN, b64, sizeof b64) != HX_OK)
    return HX_ERR_INVALID;
  int text_len = snprintf(text, sizeof text, "%s%s%s\n", HEADER, SEED_KEY, b64);
  sodium_memzero(b64, sizeof b64);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    *err_no = errno;
    sodium_memzero(text, sizeof text);
    return HX_ERR_IO;
  }
  rc = write_all(fd, text, (size_t)text_len);
  sodium_memzero(text, sizeof text);
  if (rc == HX_OK && fsync(fd) != 0)
    rc = HX_ERR_IO;
  if (close(fd) != 0 && rc == HX_OK)
    rc = HX_ERR_IO;
  if (rc == HX_OK && link(tmp, path) != 0)
    rc = errno == EEXIST ? HX_ERR_EXISTS : HX_ERR_IO;
  if (rc != HX_OK)
    *err_no = errno;
  unlink(tmp);
  return rc;
}

/* Reads the whole file (at most CLI_IDENTITY_FILE_MAX + 1 bytes, so an
 * oversized one is seen as such). HX_ERR_NOT_FOUND when it does not
 * exist. */
static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len, int *err_no)
{
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err_no = errno;
    return errno == ENOENT ? HX_ERR_NOT_FOUND : HX_ERR_IO;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && (st.st_mode & 077))
    hx_log(HX_LOG_WARN, LOG_MODULE,
           "%s can be read by other users; run chmod 600 on it to keep it private", path);
  int rc = HX_OK;
  while (*len < cap) {
    ssize_t n = read(fd, buf + *len, cap - *len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *err_no = errno;
      rc = HX_ERR_IO;
    }
    if (n <= 0)
      break;
    *len += (size_t)n;
  }
  close(fd);
  return rc;
}

static int from_seed(const uint8_t seed[CLI_IDENTITY_SEED_LEN], struct cli_identity **out)
{
  struct cli_identity *id = calloc(1, sizeof *id);
  if (!id)
    return HX_ERR_NOMEM;
  if (crypto_sign_seed_keypair(id->pk, id->sk, seed) != 0) {
    cli_identity_destroy(id);
    return HX_ERR_CRYPTO;
  }
  *out = id;
  return HX_OK;
}

/* Makes a new identity at path. HX_ERR_EXISTS when another hearth made one
 * first, so the caller reads theirs. */
static int create_new(const char *path, uint8_t seed[CLI_IDENTITY_SEED_LEN], char *msg,
                      size_t msg_cap)
{
  int err_no = 0;
  randombytes_buf(seed, CLI_IDENTITY_SEED_LEN);
  int rc = create_file(path, seed, &err_no);
  if (rc != HX_OK)
    sodium_memzero(seed, CLI_IDENTITY_SEED_LEN);
  if (rc != HX_OK && rc != HX_ERR_EXISTS)
    snprintf(msg, msg_cap,
             "Cannot create your identity file %s: %s. Check that its folder can be written, "
             "or set HEARTH_CONFIG_DIR.",
             path, strerror(err_no));
  return rc;
}

static int load_existing(const char *path, uint8_t seed[CLI_IDENTITY_SEED_LEN], char *msg,
                         size_t msg_cap)
{
  uint8_t buf[CLI_IDENTITY_FILE_MAX + 1];
  size_t len = 0;
  int err_no = 0;
  int rc = read_file(path, buf, sizeof buf, &len, &err_no);
  if (rc == HX_ERR_NOT_FOUND)
    return rc;
  if (rc != HX_OK) {
    snprintf(msg, msg_cap, "Cannot read your identity file %s: %s.", path, strerror(err_no));
    return rc;
  }
  rc = cli_identity_parse(buf, len, seed);
  sodium_memzero(buf, sizeof buf);
  if (rc != HX_OK)
    snprintf(msg, msg_cap,
             "Your identity file %s is damaged, so Hearth cannot tell hosts who you are. "
             "Restore it from a backup, or move it away to start a new identity (hosts will "
             "not recognise the new one).",
             path);
  return rc;
}

int cli_identity_open(const char *path, struct cli_identity **out, bool *created, char *msg,
                      size_t msg_cap)
{
  *out = NULL;
  if (created)
    *created = false;
  if (msg_cap)
    msg[0] = '\0';
  if (sodium_init() < 0) {
    snprintf(msg, msg_cap, "Cannot start the cryptography library (libsodium).");
    return HX_ERR_CRYPTO;
  }
  uint8_t seed[CLI_IDENTITY_SEED_LEN];
  int rc = load_existing(path, seed, msg, msg_cap);
  if (rc == HX_ERR_NOT_FOUND) {
    rc = create_new(path, seed, msg, msg_cap);
    if (rc == HX_OK && created)
      *created = true;
    if (rc == HX_ERR_EXISTS) /* another hearth made it just now: use theirs */
      rc = load_existing(path, seed, msg, msg_cap);
  }
  if (rc != HX_OK)
    return rc;
  rc = from_seed(seed, out);
  sodium_memzero(seed, sizeof seed);
  if (rc != HX_OK)
    snprintf(msg, msg_cap, "Cannot use your identity from %s: %s.", path, hx_strerror(rc));
  return rc;
}

void cli_identity_destroy(struct cli_identity *id)
{
  if (!id)
    return;
  sodium_memzero(id, sizeof *id);
  free(id);
}

void cli_identity_public_key(const struct cli_identity *id, uint8_t out[CLI_IDENTITY_PUBLIC_LEN])
{
  memcpy(out, id->pk, CLI_IDENTITY_PUBLIC_LEN);
}

int cli_identity_public_b64(const struct cli_identity *id, char *out, size_t cap)
{
  return proto_b64_encode(id->pk, sizeof id->pk, out, cap);
}

int cli_identity_sign(const struct cli_identity *id, const uint8_t *data, size_t len,
                      uint8_t sig[CLI_IDENTITY_SIG_LEN])
{
  return crypto_sign_detached(sig, NULL, data, len, id->sk) == 0 ? HX_OK : HX_ERR_CRYPTO;
}

int cli_identity_sign_b64(const struct cli_identity *id, const uint8_t *data, size_t len,
                          char *out, size_t cap)
{
  uint8_t sig[CLI_IDENTITY_SIG_LEN];
  int rc = cli_identity_sign(id, data, len, sig);
  if (rc == HX_OK)
    rc = proto_b64_encode(sig, sizeof sig, out, cap);
  return rc;
}

int cli_identity_prove(const struct cli_identity *id, const char *nonce_b64,
                       const char *fingerprint, char *sig_b64, size_t cap)
{
  enum { CONTEXT_LEN = sizeof CLI_IDENTITY_AUTH_CONTEXT - 1, FP_LEN = 7 + 64 };
  uint8_t payload[CONTEXT_LEN + CLI_IDENTITY_NONCE_LEN + FP_LEN];
  size_t nonce_len = 0;
  if (strlen(fingerprint) != FP_LEN || strncmp(fingerprint, "SHA256:", 7) != 0 ||
      proto_b64_decode(nonce_b64, payload + CONTEXT_LEN, CLI_IDENTITY_NONCE_LEN, &nonce_len) !=
          HX_OK ||
      nonce_len != CLI_IDENTITY_NONCE_LEN)
    return HX_ERR_INVALID;
  memcpy(payload, CLI_IDENTITY_AUTH_CONTEXT, CONTEXT_LEN);
  memcpy(payload + CONTEXT_LEN + CLI_IDENTITY_NONCE_LEN, fingerprint, FP_LEN);
  return cli_identity_sign_b64(id, payload, sizeof payload, sig_b64, cap);
}
