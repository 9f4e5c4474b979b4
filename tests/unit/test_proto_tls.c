#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_err.h"
#include "proto_tls.h"

struct fixture {
  char dir[64];
  char cert[128], key[128], cert2[128], key2[128];
  SSL_CTX *server_ctx, *client_ctx;
};

static int setup(void **state)
{
  struct fixture *fx = calloc(1, sizeof *fx);
  if (!fx)
    return -1;
  snprintf(fx->dir, sizeof fx->dir, "/tmp/hearth-tls-XXXXXX");
  if (!mkdtemp(fx->dir))
    return -1;
  snprintf(fx->cert, sizeof fx->cert, "%s/cert.pem", fx->dir);
  snprintf(fx->key, sizeof fx->key, "%s/key.pem", fx->dir);
  snprintf(fx->cert2, sizeof fx->cert2, "%s/cert2.pem", fx->dir);
  snprintf(fx->key2, sizeof fx->key2, "%s/key2.pem", fx->dir);
  if (proto_tls_make_cert(fx->cert, fx->key) != HX_OK ||
      proto_tls_make_cert(fx->cert2, fx->key2) != HX_OK ||
      proto_tls_server_ctx(fx->cert, fx->key, &fx->server_ctx) != HX_OK ||
      proto_tls_client_ctx(&fx->client_ctx) != HX_OK)
    return -1;
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *fx = *state;
  SSL_CTX_free(fx->server_ctx);
  SSL_CTX_free(fx->client_ctx);
  unlink(fx->cert);
  unlink(fx->key);
  unlink(fx->cert2);
  unlink(fx->key2);
  rmdir(fx->dir);
  free(fx);
  return 0;
}

/* Moves ciphertext from one side to the other; returns bytes moved. */
static size_t pump(struct proto_tls *from, struct proto_tls *to, int want_feed)
{
  uint8_t buf[4096];
  size_t total = 0, got = 0;
  do {
    assert_int_equal(proto_tls_take(from, buf, sizeof buf, &got), HX_OK);
    if (got) {
      assert_int_equal(proto_tls_feed(to, buf, got), want_feed);
      total += got;
    }
  } while (got);
  return total;
}

static void shuttle(struct proto_tls *client, struct proto_tls *server)
{
  for (int round = 0; round < 20; round++) {
    size_t moved = pump(client, server, HX_OK);
    moved += pump(server, client, HX_OK);
    if (moved == 0)
      return;
  }
  fail_msg("handshake did not settle");
}

static void connect_pair(struct fixture *fx, struct proto_tls **client,
                         struct proto_tls **server)
{
  assert_int_equal(proto_tls_create(fx->client_ctx, false, client), HX_OK);
  assert_int_equal(proto_tls_create(fx->server_ctx, true, server), HX_OK);
  shuttle(*client, *server);
  assert_true(proto_tls_handshake_done(*client));
  assert_true(proto_tls_handshake_done(*server));
}

/* Reads plaintext until `want` bytes arrived. */
static void expect_plaintext(struct proto_tls *t, const void *want, size_t len)
{
  uint8_t *got_all = malloc(len + 1);
  assert_non_null(got_all);
  size_t have = 0;
  while (have < len) {
    size_t got = 0;
    int err = proto_tls_read(t, got_all + have, len + 1 - have, &got);
    if (err == HX_ERR_AGAIN)
      fail_msg("only %zu of %zu bytes arrived", have, len);
    assert_int_equal(err, HX_OK);
    assert_true(got > 0);
    have += got;
  }
  assert_int_equal(have, len);
  assert_memory_equal(got_all, want, len);
  free(got_all);
}

static void make_cert_writes_private_key_readable_by_owner_only(void **state)
{
  struct fixture *fx = *state;
  struct stat st;
  assert_int_equal(stat(fx->key, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  char fp[PROTO_FINGERPRINT_LEN];
  assert_int_equal(proto_tls_cert_fingerprint(fx->cert, fp), HX_OK);
  assert_int_equal(strlen(fp), PROTO_FINGERPRINT_LEN - 1);
  assert_memory_equal(fp, "SHA256:", 7);
  for (size_t i = 7; i < strlen(fp); i++)
    assert_non_null(strchr("0123456789abcdef", fp[i]));
  char fp2[PROTO_FINGERPRINT_LEN];
  assert_int_equal(proto_tls_cert_fingerprint(fx->cert2, fp2), HX_OK);
  assert_string_not_equal(fp, fp2);
}

static void make_cert_never_overwrites_existing_files(void **state)
{
  struct fixture *fx = *state;
  char before[PROTO_FINGERPRINT_LEN], after[PROTO_FINGERPRINT_LEN];
  char spare_cert[160];
  snprintf(spare_cert, sizeof spare_cert, "%s/spare.pem", fx->dir);
  assert_int_equal(proto_tls_cert_fingerprint(fx->cert, before), HX_OK);
  assert_int_equal(proto_tls_make_cert(fx->cert, fx->key), HX_ERR_EXISTS);
  /* The key exists: no certificate is left behind without its key. */
  assert_int_equal(proto_tls_make_cert(spare_cert, fx->key), HX_ERR_EXISTS);
  assert_int_equal(access(spare_cert, F_OK), -1);
  assert_int_equal(proto_tls_cert_fingerprint(fx->cert, after), HX_OK);
  assert_string_equal(before, after);
}

static void server_ctx_reports_missing_bad_and_mismatched_files(void **state)
{
  struct fixture *fx = *state;
  SSL_CTX *ctx = (SSL_CTX *)fx;
  char missing[160], junk[160];
  snprintf(missing, sizeof missing, "%s/missing.pem", fx->dir);
  snprintf(junk, sizeof junk, "%s/junk.pem", fx->dir);
  assert_int_equal(proto_tls_server_ctx(missing, fx->key, &ctx), HX_ERR_NOT_FOUND);
  assert_null(ctx);
  FILE *f = fopen(junk, "w");
  assert_non_null(f);
  fputs("this is not a certificate\n", f);
  fclose(f);
  assert_int_equal(proto_tls_server_ctx(junk, fx->key, &ctx), HX_ERR_FORMAT);
  assert_int_equal(proto_tls_server_ctx(fx->cert, junk, &ctx), HX_ERR_FORMAT);
  assert_int_equal(proto_tls_server_ctx(fx->cert, fx->key2, &ctx), HX_ERR_TLS);
  assert_null(ctx);
  char fp[PROTO_FINGERPRINT_LEN];
  assert_int_equal(proto_tls_cert_fingerprint(missing, fp), HX_ERR_NOT_FOUND);
  assert_int_equal(proto_tls_cert_fingerprint(junk, fp), HX_ERR_FORMAT);
  unlink(junk);
}

static void handshake_carries_lines_both_ways(void **state)
{
  struct fixture *fx = *state;
  struct proto_tls *client = NULL, *server = NULL;
  assert_int_equal(proto_tls_create(fx->client_ctx, false, &client), HX_OK);
  assert_int_equal(proto_tls_create(fx->server_ctx, true, &server), HX_OK);
  /* Written before the handshake: queued, then sent once it completes. */
  static const char hello[] = "{\"type\":\"hello\",\"id\":1}\n";
  assert_int_equal(proto_tls_write(client, (const uint8_t *)hello, strlen(hello)), HX_OK);
  uint8_t buf[64];
  size_t got = 7;
  assert_int_equal(proto_tls_read(server, buf, sizeof buf, &got), HX_ERR_AGAIN);
  assert_int_equal(got, 0);
  char fp[PROTO_FINGERPRINT_LEN];
  assert_int_equal(proto_tls_peer_fingerprint(client, fp), HX_ERR_STATE);
  shuttle(client, server);
  assert_true(proto_tls_handshake_done(client));
  assert_true(proto_tls_handshake_done(server));
  expect_plaintext(server, hello, strlen(hello));
  assert_int_equal(proto_tls_read(server, buf, sizeof buf, &got), HX_ERR_AGAIN);

  static const char welcome[] = "{\"type\":\"welcome\",\"id\":1}\n";
  assert_int_equal(proto_tls_write(server, (const uint8_t *)welcome, strlen(welcome)),
                   HX_OK);
  pump(server, client, HX_OK);
  expect_plaintext(client, welcome, strlen(welcome));

  char want[PROTO_FINGERPRINT_LEN];
  assert_int_equal(proto_tls_cert_fingerprint(fx->cert, want), HX_OK);
  assert_int_equal(proto_tls_peer_fingerprint(client, fp), HX_OK);
  assert_string_equal(fp, want);
  proto_tls_destroy(client);
  proto_tls_destroy(server);
  proto_tls_destroy(NULL);
}

static void large_writes_span_many_records(void **state)
{
  struct fixture *fx = *state;
  struct proto_tls *client = NULL, *server = NULL;
  connect_pair(fx, &client, &server);
  size_t len = 200000;
  uint8_t *big = malloc(len);
  assert_non_null(big);
  for (size_t i = 0; i < len; i++)
    big[i] = (uint8_t)(i * 7);
  assert_int_equal(proto_tls_write(client, big, len), HX_OK);
  /* Fed in small slices, as a socket would deliver them. */
  uint8_t slice[1000];
  size_t got = 0, fed = 0;
  do {
    assert_int_equal(proto_tls_take(client, slice, sizeof slice, &got), HX_OK);
    if (got)
      assert_int_equal(proto_tls_feed(server, slice, got), HX_OK);
    fed += got;
  } while (got);
  assert_true(fed > len);
  expect_plaintext(server, big, len);
  free(big);
  proto_tls_destroy(client);
  proto_tls_destroy(server);
}

static void server_rejects_garbage_instead_of_a_client_hello(void **state)
{
  struct fixture *fx = *state;
  struct proto_tls *server = NULL;
  assert_int_equal(proto_tls_create(fx->server_ctx, true, &server), HX_OK);
  assert_string_equal(proto_tls_failure(server), "no detail");
  static const char http[] = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
  assert_int_equal(proto_tls_feed(server, (const uint8_t *)http, strlen(http)), HX_ERR_TLS);
  assert_false(proto_tls_handshake_done(server));
  /* One phrase for the caller's single log line: what failed, and why. */
  const char *why = proto_tls_failure(server);
  if (strncmp(why, "TLS handshake failed: error:", 28) != 0 || !strstr(why, "http request"))
    fail_msg("failure reads \"%s\"", why);
  uint8_t buf[16];
  size_t got = 0;
  assert_int_equal(proto_tls_read(server, buf, sizeof buf, &got), HX_ERR_TLS);
  assert_int_equal(proto_tls_write(server, buf, sizeof buf), HX_ERR_TLS);
  assert_int_equal(proto_tls_feed(server, buf, sizeof buf), HX_ERR_TLS);
  proto_tls_destroy(server);
}

/* TLS 1.3 only: a client that offers at most TLS 1.2 gets no connection,
 * and the server says why. */
static void server_refuses_a_tls_1_2_client(void **state)
{
  struct fixture *fx = *state;
  SSL_CTX *old_ctx = SSL_CTX_new(TLS_client_method());
  assert_non_null(old_ctx);
  assert_int_equal(SSL_CTX_set_max_proto_version(old_ctx, TLS1_2_VERSION), 1);
  struct proto_tls *client = NULL, *server = NULL;
  assert_int_equal(proto_tls_create(old_ctx, false, &client), HX_OK);
  assert_int_equal(proto_tls_create(fx->server_ctx, true, &server), HX_OK);
  uint8_t hello[4096];
  size_t got = 0;
  assert_int_equal(proto_tls_take(client, hello, sizeof hello, &got), HX_OK);
  assert_true(got > 0);
  assert_int_equal(proto_tls_feed(server, hello, got), HX_ERR_TLS);
  assert_false(proto_tls_handshake_done(server));
  const char *why = proto_tls_failure(server);
  if (!strstr(why, "TLS handshake failed: ") || !strstr(why, "unsupported protocol"))
    fail_msg("failure reads \"%s\"", why);
  proto_tls_destroy(client);
  proto_tls_destroy(server);
  SSL_CTX_free(old_ctx);
}

static void tampered_record_fails_the_read(void **state)
{
  struct fixture *fx = *state;
  struct proto_tls *client = NULL, *server = NULL;
  connect_pair(fx, &client, &server);
  assert_int_equal(proto_tls_write(client, (const uint8_t *)"secret\n", 7), HX_OK);
  uint8_t rec[256];
  size_t got = 0;
  assert_int_equal(proto_tls_take(client, rec, sizeof rec, &got), HX_OK);
  assert_true(got > 20);
  rec[got - 1] ^= 0x01; /* last byte of the AEAD tag */
  assert_int_equal(proto_tls_feed(server, rec, got), HX_OK);
  uint8_t out[64];
  assert_int_equal(proto_tls_read(server, out, sizeof out, &got), HX_ERR_TLS);
  assert_int_equal(got, 0);
  assert_non_null(strstr(proto_tls_failure(server), "TLS read failed: error:"));
  proto_tls_destroy(client);
  proto_tls_destroy(server);
}

static void clean_shutdown_reports_closed(void **state)
{
  struct fixture *fx = *state;
  struct proto_tls *client = NULL, *server = NULL;
  connect_pair(fx, &client, &server);
  assert_int_equal(proto_tls_write(client, (const uint8_t *)"bye\n", 4), HX_OK);
  proto_tls_shutdown(client);
  assert_true(pump(client, server, HX_OK) > 0);
  expect_plaintext(server, "bye\n", 4);
  uint8_t out[16];
  size_t got = 0;
  assert_int_equal(proto_tls_read(server, out, sizeof out, &got), HX_ERR_TLS_CLOSED);
  assert_int_equal(proto_tls_write(client, (const uint8_t *)"more", 4), HX_ERR_TLS_CLOSED);
  proto_tls_destroy(client);
  proto_tls_destroy(server);
}

static void read_rejects_an_empty_output_buffer(void **state)
{
  struct fixture *fx = *state;
  struct proto_tls *client = NULL, *server = NULL;
  connect_pair(fx, &client, &server);
  uint8_t out[1];
  size_t got = 0;
  assert_int_equal(proto_tls_read(server, out, 0, &got), HX_ERR_INVALID);
  assert_int_equal(proto_tls_take(server, out, 0, &got), HX_OK);
  assert_int_equal(got, 0);
  proto_tls_destroy(client);
  proto_tls_destroy(server);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(make_cert_writes_private_key_readable_by_owner_only),
      cmocka_unit_test(make_cert_never_overwrites_existing_files),
      cmocka_unit_test(server_ctx_reports_missing_bad_and_mismatched_files),
      cmocka_unit_test(handshake_carries_lines_both_ways),
      cmocka_unit_test(large_writes_span_many_records),
      cmocka_unit_test(server_rejects_garbage_instead_of_a_client_hello),
      cmocka_unit_test(server_refuses_a_tls_1_2_client),
      cmocka_unit_test(tampered_record_fails_the_read),
      cmocka_unit_test(clean_shutdown_reports_closed),
      cmocka_unit_test(read_rejects_an_empty_output_buffer),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
