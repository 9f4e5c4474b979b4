#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_identity.h"
#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"

struct fixture {
  char dir[64];
  char path[160];
  char msg[1024];
};

static void quiet(void *userdata, enum hx_log_level level, const char *module,
                  const char *message)
{
  (void)userdata;
  (void)level;
  (void)module;
  (void)message;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/test_cli_identity.XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(f->path, sizeof f->path, "%s/conf/hearth/identity", f->dir);
  hx_log_set_sink(quiet, NULL);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  if (system(cmd) != 0)
    return -1;
  hx_log_set_sink(NULL, NULL);
  free(f);
  return 0;
}

static void write_file(const char *path, const char *text, size_t len)
{
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(text, 1, len, fp), len);
  fclose(fp);
}

static size_t read_back(const char *path, char *buf, size_t cap)
{
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  size_t n = fread(buf, 1, cap - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  return n;
}

static void path_prefers_config_dir_then_xdg_then_home(void **state)
{
  (void)state;
  char out[256];
  assert_int_equal(cli_identity_path("/c", "/x", "/h", out, sizeof out), HX_OK);
  assert_string_equal(out, "/c/identity");
  assert_int_equal(cli_identity_path("", "/x", "/h", out, sizeof out), HX_OK);
  assert_string_equal(out, "/x/hearth/identity");
  assert_int_equal(cli_identity_path(NULL, NULL, "/h", out, sizeof out), HX_OK);
  assert_string_equal(out, "/h/.config/hearth/identity");
  assert_int_equal(cli_identity_path(NULL, "", "", out, sizeof out), HX_ERR_NOT_FOUND);
  assert_int_equal(cli_identity_path("/a/long/dir", NULL, NULL, out, 8), HX_ERR_TOO_BIG);
}

static void first_run_creates_a_private_file_in_a_private_dir(void **state)
{
  struct fixture *f = *state;
  struct cli_identity *id = NULL;
  bool created = false;
  assert_int_equal(cli_identity_open(f->path, &id, &created, f->msg, sizeof f->msg), HX_OK);
  assert_true(created);
  assert_string_equal(f->msg, "");
  struct stat st;
  assert_int_equal(stat(f->path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  char dir[200];
  snprintf(dir, sizeof dir, "%s/conf/hearth", f->dir);
  assert_int_equal(stat(dir, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
  cli_identity_destroy(id);
}

static void second_run_loads_the_same_key(void **state)
{
  struct fixture *f = *state;
  struct cli_identity *a = NULL, *b = NULL;
  bool created = true;
  assert_int_equal(cli_identity_open(f->path, &a, NULL, f->msg, sizeof f->msg), HX_OK);
  char before[4096];
  read_back(f->path, before, sizeof before);
  assert_int_equal(cli_identity_open(f->path, &b, &created, f->msg, sizeof f->msg), HX_OK);
  assert_false(created);
  uint8_t pa[CLI_IDENTITY_PUBLIC_LEN], pb[CLI_IDENTITY_PUBLIC_LEN];
  cli_identity_public_key(a, pa);
  cli_identity_public_key(b, pb);
  assert_memory_equal(pa, pb, sizeof pa);
  char after[4096];
  read_back(f->path, after, sizeof after);
  assert_string_equal(before, after);
  cli_identity_destroy(a);
  cli_identity_destroy(b);
}

static void two_people_get_different_keys(void **state)
{
  struct fixture *f = *state;
  char other[200];
  snprintf(other, sizeof other, "%s/other/identity", f->dir);
  struct cli_identity *a = NULL, *b = NULL;
  assert_int_equal(cli_identity_open(f->path, &a, NULL, f->msg, sizeof f->msg), HX_OK);
  assert_int_equal(cli_identity_open(other, &b, NULL, f->msg, sizeof f->msg), HX_OK);
  uint8_t pa[CLI_IDENTITY_PUBLIC_LEN], pb[CLI_IDENTITY_PUBLIC_LEN];
  cli_identity_public_key(a, pa);
  cli_identity_public_key(b, pb);
  assert_memory_not_equal(pa, pb, sizeof pa);
  cli_identity_destroy(a);
  cli_identity_destroy(b);
}

static void signature_verifies_with_libsodium(void **state)
{
  struct fixture *f = *state;
  struct cli_identity *id = NULL;
  assert_int_equal(cli_identity_open(f->path, &id, NULL, f->msg, sizeof f->msg), HX_OK);
  const uint8_t challenge[] = "hearth-challenge-v1:0123456789abcdef";
  uint8_t sig[CLI_IDENTITY_SIG_LEN], pk[CLI_IDENTITY_PUBLIC_LEN];
  assert_int_equal(cli_identity_sign(id, challenge, sizeof challenge, sig), HX_OK);
  cli_identity_public_key(id, pk);
  assert_int_equal(crypto_sign_verify_detached(sig, challenge, sizeof challenge, pk), 0);
  /* The same signature does not cover other bytes. */
  uint8_t other[sizeof challenge];
  memcpy(other, challenge, sizeof other);
  other[0] ^= 1;
  assert_int_not_equal(crypto_sign_verify_detached(sig, other, sizeof other, pk), 0);

  /* The base64 forms decode to the same key and a valid signature. */
  char pk_b64[CLI_IDENTITY_B64_MAX], sig_b64[CLI_IDENTITY_B64_MAX];
  assert_int_equal(cli_identity_public_b64(id, pk_b64, sizeof pk_b64), HX_OK);
  assert_int_equal(cli_identity_sign_b64(id, challenge, sizeof challenge, sig_b64, sizeof sig_b64),
                   HX_OK);
  uint8_t pk2[64], sig2[96];
  size_t pk2_len = 0, sig2_len = 0;
  assert_int_equal(proto_b64_decode(pk_b64, pk2, sizeof pk2, &pk2_len), HX_OK);
  assert_int_equal(proto_b64_decode(sig_b64, sig2, sizeof sig2, &sig2_len), HX_OK);
  assert_int_equal(pk2_len, CLI_IDENTITY_PUBLIC_LEN);
  assert_int_equal(sig2_len, CLI_IDENTITY_SIG_LEN);
  assert_memory_equal(pk2, pk, sizeof pk);
  assert_int_equal(crypto_sign_verify_detached(sig2, challenge, sizeof challenge, pk), 0);
  cli_identity_destroy(id);
}

/* Each of these must be refused with a sentence naming the file, and the
 * file must be left exactly as it was. */
static void damaged_file_is_reported_and_kept(void **state)
{
  struct fixture *f = *state;
  static const char *const damaged[] = {
      "",
      "\n",
      "# only a comment\n",
      "ed25519-seed \n",
      "ed25519-seed AAAA\n",                                            /* 3 bytes */
      "ed25519-seed AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n", /* 43 */
      "ed25519-seed !!!!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
      "rsa AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
      ("ed25519-seed AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
       "ed25519-seed AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), /* two seeds */
      "ed25519-seed AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\njunk\n",
  };
  char dir[200];
  snprintf(dir, sizeof dir, "%s/conf", f->dir);
  mkdir(dir, 0700);
  snprintf(dir, sizeof dir, "%s/conf/hearth", f->dir);
  mkdir(dir, 0700);
  for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
    write_file(f->path, damaged[i], strlen(damaged[i]));
    struct cli_identity *id = (struct cli_identity *)1;
    assert_int_equal(cli_identity_open(f->path, &id, NULL, f->msg, sizeof f->msg),
                     HX_ERR_FORMAT);
    assert_null(id);
    assert_non_null(strstr(f->msg, f->path));
    assert_non_null(strstr(f->msg, "damaged"));
    char after[4096];
    size_t n = read_back(f->path, after, sizeof after);
    assert_int_equal(n, strlen(damaged[i]));
    assert_memory_equal(after, damaged[i], n);
  }
  /* A NUL inside, and a file far larger than any identity. */
  write_file(f->path, "ed25519-seed AAAA\0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 59);
  struct cli_identity *id = NULL;
  assert_int_equal(cli_identity_open(f->path, &id, NULL, f->msg, sizeof f->msg), HX_ERR_FORMAT);
  char *big = malloc(CLI_IDENTITY_FILE_MAX + 100);
  memset(big, '#', CLI_IDENTITY_FILE_MAX + 100);
  write_file(f->path, big, CLI_IDENTITY_FILE_MAX + 100);
  free(big);
  assert_int_equal(cli_identity_open(f->path, &id, NULL, f->msg, sizeof f->msg), HX_ERR_FORMAT);
  assert_null(id);
}

static void hand_written_file_with_comments_and_crlf_loads(void **state)
{
  (void)state;
  uint8_t seed[CLI_IDENTITY_SEED_LEN];
  const char text[] = "# mine\r\n\r\ned25519-seed AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\r\n";
  assert_int_equal(cli_identity_parse((const uint8_t *)text, strlen(text), seed), HX_OK);
  for (size_t i = 0; i < sizeof seed; i++)
    assert_int_equal(seed[i], 1);
}

static void unreadable_location_names_the_file(void **state)
{
  struct fixture *f = *state;
  /* A directory where the file should be cannot be read as one. */
  char blocker[200], path[260];
  snprintf(blocker, sizeof blocker, "%s/file", f->dir);
  write_file(blocker, "x", 1);
  snprintf(path, sizeof path, "%s/file/identity", f->dir);
  struct cli_identity *id = NULL;
  assert_int_not_equal(cli_identity_open(path, &id, NULL, f->msg, sizeof f->msg), HX_OK);
  assert_null(id);
  assert_non_null(strstr(f->msg, path));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(path_prefers_config_dir_then_xdg_then_home),
      cmocka_unit_test_setup_teardown(first_run_creates_a_private_file_in_a_private_dir, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(second_run_loads_the_same_key, setup, teardown),
      cmocka_unit_test_setup_teardown(two_people_get_different_keys, setup, teardown),
      cmocka_unit_test_setup_teardown(signature_verifies_with_libsodium, setup, teardown),
      cmocka_unit_test_setup_teardown(damaged_file_is_reported_and_kept, setup, teardown),
      cmocka_unit_test(hand_written_file_with_comments_and_crlf_loads),
      cmocka_unit_test_setup_teardown(unreadable_location_names_the_file, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
