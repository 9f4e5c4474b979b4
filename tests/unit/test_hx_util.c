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
#include "hx_log.h"
#include "hx_util.h"

static void parse_long_accepts_only_whole_numbers_in_range(void **state)
{
  (void)state;
  long v;
  assert_int_equal(hx_parse_long("7710", 1, 65535, &v), HX_OK);
  assert_int_equal(v, 7710);
  const char *bad[] = {"", "x", "12x", " 1", "65536", "0", "-1", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(hx_parse_long(bad[i], 1, 65535, &v), HX_ERR_INVALID);
  assert_int_equal(hx_parse_long(NULL, 1, 2, &v), HX_ERR_INVALID);
}

static void parse_seconds_understands_units(void **state)
{
  (void)state;
  double s;
  assert_int_equal(hx_parse_seconds("1.5", &s), HX_OK);
  assert_true(s == 1.5);
  assert_int_equal(hx_parse_seconds("2m", &s), HX_OK);
  assert_true(s == 120);
  assert_int_equal(hx_parse_seconds("1h", &s), HX_OK);
  assert_true(s == 3600);
  const char *bad[] = {"", "m", "-1", "1x", "nan", "1mm"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(hx_parse_seconds(bad[i], &s), HX_ERR_INVALID);
}

static void hostport_splits_names_and_addresses(void **state)
{
  (void)state;
  char host[64];
  uint16_t port;
  assert_int_equal(hx_parse_hostport("example.org", host, sizeof host, &port, 7710), HX_OK);
  assert_string_equal(host, "example.org");
  assert_int_equal(port, 7710);
  assert_int_equal(hx_parse_hostport("127.0.0.1:9000", host, sizeof host, &port, 7710), HX_OK);
  assert_string_equal(host, "127.0.0.1");
  assert_int_equal(port, 9000);
  assert_int_equal(hx_parse_hostport("[::1]:9001", host, sizeof host, &port, 7710), HX_OK);
  assert_string_equal(host, "::1");
  assert_int_equal(port, 9001);
  assert_int_equal(hx_parse_hostport("::1", host, sizeof host, &port, 7710), HX_OK);
  assert_string_equal(host, "::1");
  const char *bad[] = {"", ":80", "host:", "host:0", "host:65536", "[::1", "[::1]x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(hx_parse_hostport(bad[i], host, sizeof host, &port, 7710), HX_ERR_INVALID);
  char tiny[4];
  assert_int_equal(hx_parse_hostport("example.org", tiny, sizeof tiny, &port, 1), HX_ERR_INVALID);
}

static void strerror_names_every_code(void **state)
{
  (void)state;
  assert_string_equal(hx_strerror(HX_OK), "ok");
  assert_string_equal(hx_errname(HX_ERR_REPLAY), "HX_ERR_REPLAY");
  assert_string_equal(hx_strerror(-9999), "unknown error");
}

static void log_escape_hides_control_bytes_and_truncates(void **state)
{
  (void)state;
  char out[16];
  const uint8_t in[] = {'h', 'i', 0x1b, '[', '2', 'J', 0x00, 0xff};
  hx_log_escape(out, sizeof out, in, sizeof in);
  assert_string_equal(out, "hi\\x1b[2J\\x00");
  hx_log_escape(out, 4, (const uint8_t *)"abcdef", 6);
  assert_string_equal(out, "abc");
}

static void strlcpy_truncates_and_says_so(void **state)
{
  (void)state;
  char out[4];
  assert_int_equal(hx_strlcpy(out, "abc", sizeof out), HX_OK);
  assert_int_equal(hx_strlcpy(out, "abcd", sizeof out), HX_ERR_TOO_BIG);
  assert_string_equal(out, "abc");
}

static void mkdir_parents_makes_private_folders(void **state)
{
  (void)state;
  char root[] = "/tmp/hx-mkdir-XXXXXX";
  assert_non_null(mkdtemp(root));
  char path[256], dir[256];
  snprintf(path, sizeof path, "%s/a/b/file", root);
  assert_int_equal(hx_mkdir_parents(path), HX_OK);
  snprintf(dir, sizeof dir, "%s/a/b", root);
  struct stat st;
  assert_int_equal(stat(dir, &st), 0);
  assert_true(S_ISDIR(st.st_mode));
  assert_int_equal(st.st_mode & 0777, 0700);
  /* Existing folders are fine; a file in the way is an error. */
  assert_int_equal(hx_mkdir_parents(path), HX_OK);
  snprintf(path, sizeof path, "%s/a/b/file/deeper", root);
  char blocker[256];
  snprintf(blocker, sizeof blocker, "%s/a/b/file", root);
  FILE *f = fopen(blocker, "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(hx_mkdir_parents(path), HX_ERR_IO);
  unlink(blocker);
  rmdir(dir);
  snprintf(dir, sizeof dir, "%s/a", root);
  rmdir(dir);
  rmdir(root);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parse_long_accepts_only_whole_numbers_in_range),
      cmocka_unit_test(parse_seconds_understands_units),
      cmocka_unit_test(hostport_splits_names_and_addresses),
      cmocka_unit_test(strerror_names_every_code),
      cmocka_unit_test(log_escape_hides_control_bytes_and_truncates),
      cmocka_unit_test(strlcpy_truncates_and_says_so),
      cmocka_unit_test(mkdir_parents_makes_private_folders),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
