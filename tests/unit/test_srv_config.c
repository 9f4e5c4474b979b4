/* hearthd settings: the config file's lines, values and errors, and where
 * the data directory defaults to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hx_err.h"
#include "srv_config.h"
#include "srv_name.h"

static int parse(struct srv_config *c, const char *text, char *err, size_t cap)
{
  srv_config_defaults(c);
  return srv_config_parse(c, text, strlen(text), "test.conf", err, cap);
}

static void defaults_match_the_documentation(void **state)
{
  (void)state;
  struct srv_config c;
  srv_config_defaults(&c);
  assert_string_equal(c.listen, "0.0.0.0:7710");
  assert_int_equal(c.room_limit, 12);
  assert_int_equal(c.log_level, HX_LOG_INFO);
  assert_string_equal(c.motd, "Welcome to Hearth.");
  assert_string_equal(c.data_dir, "");
}

static void file_sets_every_key(void **state)
{
  (void)state;
  struct srv_config c;
  char err[512] = "";
  const char *text = "# hearthd settings\n"
                     "\n"
                     "listen = 127.0.0.1:9000\n"
                     "  data_dir=/var/lib/hearth  \r\n"
                     "motd = \"  Be kind.  \"\n"
                     "room_limit = 30\n"
                     "log_level = warning";
  assert_int_equal(parse(&c, text, err, sizeof err), HX_OK);
  assert_string_equal(c.listen, "127.0.0.1:9000");
  assert_string_equal(c.data_dir, "/var/lib/hearth");
  assert_string_equal(c.motd, "  Be kind.  ");
  assert_int_equal(c.room_limit, 30);
  assert_int_equal(c.log_level, HX_LOG_WARN);
}

/* Circles: who may create rooms, and the notice given on SIGTERM. */
static void room_create_and_shutdown_grace_are_read(void **state)
{
  (void)state;
  struct srv_config c;
  char err[512] = "";
  srv_config_defaults(&c);
  assert_false(c.room_create_operator);
  assert_int_equal(c.shutdown_grace, 5);
  assert_int_equal(parse(&c, "room_create = operator\nshutdown_grace = 30\n", err, sizeof err),
                   HX_OK);
  assert_true(c.room_create_operator);
  assert_int_equal(c.shutdown_grace, 30);
  assert_int_equal(parse(&c, "room_create = identified\n", err, sizeof err), HX_OK);
  assert_false(c.room_create_operator);
  assert_int_not_equal(parse(&c, "room_create = anyone\n", err, sizeof err), HX_OK);
  assert_non_null(strstr(err, "room_create must be identified or operator, not \"anyone\""));
  assert_int_not_equal(parse(&c, "shutdown_grace = soon\n", err, sizeof err), HX_OK);
  assert_non_null(strstr(err, "shutdown_grace must be whole seconds"));
}

static void bad_lines_name_the_file_and_line(void **state)
{
  (void)state;
  static const struct {
    const char *text;
    const char *where;
  } cases[] = {
      {"listen = 1.2.3.4\nnonsense\n", "test.conf:2: "},
      {"# ok\ncolour = blue\n", "test.conf:2: unknown setting \"colour\""},
      {"= 5\n", "test.conf:1: "},
      {"\n\n\nroom_limit = 0\n", "test.conf:4: room_limit"},
      {"room_limit = 257\n", "test.conf:1: room_limit"},
      {"room_limit = 4294967295\n", "test.conf:1: room_limit"},
      {"room_limit = twelve\n", "test.conf:1: room_limit"},
      {"room_limit = \n", "test.conf:1: room_limit"},
      {"log_level = loud\n", "test.conf:1: log_level"},
      {"listen = 1.2.3.4:0\n", "test.conf:1: listen"},
      {"listen = 1.2.3.4:65536\n", "test.conf:1: listen"},
      {"data_dir =\n", "test.conf:1: data_dir"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct srv_config c;
    char err[512] = "";
    assert_int_not_equal(parse(&c, cases[i].text, err, sizeof err), HX_OK);
    if (strncmp(err, cases[i].where, strlen(cases[i].where)) != 0)
      fail_msg("case %zu: got \"%s\"", i, err);
  }
}

static void edge_values_are_accepted(void **state)
{
  (void)state;
  struct srv_config c;
  char err[512];
  assert_int_equal(parse(&c, "room_limit = 1\nlisten = [::1]:65535\n", err, sizeof err), HX_OK);
  assert_int_equal(c.room_limit, 1);
  assert_int_equal(parse(&c, "room_limit = 256\nmotd =\n", err, sizeof err), HX_OK);
  assert_int_equal(c.room_limit, 256);
  assert_string_equal(c.motd, "");
}

static void nul_byte_and_overlong_line_are_errors(void **state)
{
  (void)state;
  struct srv_config c;
  char err[512];
  srv_config_defaults(&c);
  assert_int_not_equal(srv_config_parse(&c, "motd = a\0b\n", 11, "x.conf", err, sizeof err), HX_OK);
  assert_non_null(strstr(err, "x.conf:1:"));
  size_t len = 10000;
  char *text = malloc(len + 1);
  assert_non_null(text);
  memcpy(text, "motd = ", 7);
  memset(text + 7, 'a', len - 7);
  text[len] = '\0';
  assert_int_not_equal(parse(&c, text, err, sizeof err), HX_OK);
  free(text);
}

static void missing_file_is_an_error_naming_it(void **state)
{
  (void)state;
  struct srv_config c;
  char err[512];
  srv_config_defaults(&c);
  assert_int_equal(srv_config_load(&c, "/nonexistent/hearthd.conf", err, sizeof err), HX_ERR_IO);
  assert_non_null(strstr(err, "/nonexistent/hearthd.conf"));
}

static void default_data_dir_follows_the_environment(void **state)
{
  (void)state;
  char out[256];
  setenv("HEARTH_DATA_DIR", "/srv/hearth", 1);
  setenv("XDG_DATA_HOME", "/home/x/.data", 1);
  setenv("HOME", "/home/x", 1);
  assert_int_equal(srv_config_default_data_dir(out, sizeof out), HX_OK);
  assert_string_equal(out, "/srv/hearth");
  unsetenv("HEARTH_DATA_DIR");
  assert_int_equal(srv_config_default_data_dir(out, sizeof out), HX_OK);
  assert_string_equal(out, "/home/x/.data/hearth");
  setenv("XDG_DATA_HOME", "", 1);
  assert_int_equal(srv_config_default_data_dir(out, sizeof out), HX_OK);
  assert_string_equal(out, "/home/x/.local/share/hearth");
  unsetenv("HOME");
  assert_int_equal(srv_config_default_data_dir(out, sizeof out), HX_OK);
  assert_string_equal(out, "./hearth-data");
  assert_int_equal(srv_config_default_data_dir(out, 5), HX_ERR_TOO_BIG);
}

static void make_dir_creates_parents_with_mode_0700(void **state)
{
  (void)state;
  char base[] = "/tmp/test_srv_config_XXXXXX";
  assert_non_null(mkdtemp(base));
  char path[256];
  snprintf(path, sizeof path, "%s/a/b", base);
  assert_int_equal(srv_config_make_dir(path), HX_OK);
  assert_int_equal(srv_config_make_dir(path), HX_OK);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
  char file[300];
  snprintf(file, sizeof file, "%s/f", base);
  FILE *f = fopen(file, "w");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(srv_config_make_dir(file), HX_ERR_IO);
  unlink(file);
  rmdir(path);
  snprintf(path, sizeof path, "%s/a", base);
  rmdir(path);
  rmdir(base);
}

static void names_are_checked_and_trimmed(void **state)
{
  (void)state;
  static const struct {
    const char *in;
    size_t len;
    const char *out; /* NULL: refused */
  } cases[] = {
      {"Ada", 3, "Ada"},
      {"  Ada  ", 7, "Ada"},
      {"", 0, NULL},
      {" ", 1, NULL},
      {"12345678901234567890123456789012", 32, "12345678901234567890123456789012"},
      {"123456789012345678901234567890123", 33, NULL},
      {"a\0b", 3, NULL},
      {"a\x07", 2, NULL},
      {"\xc2\x85", 2, NULL},         /* C1 */
      {"\xe2\x80\xae", 3, NULL},     /* RLO */
      {"\xc3\x28", 2, NULL},         /* bad continuation */
      {"\xc0\xaf", 2, NULL},         /* overlong */
      {"\xed\xa0\x80", 3, NULL},     /* surrogate */
      {"\xf4\x90\x80\x80", 4, NULL}, /* past U+10FFFF */
      {"\xe2\x82", 2, NULL},         /* truncated */
      {"Zo\xc3\xab", 4, "Zo\xc3\xab"},
      {"\xf0\x9f\x94\xa5", 4, "\xf0\x9f\x94\xa5"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[SRV_NAME_BYTES];
    int rc = srv_name_clean(cases[i].in, cases[i].len, out, sizeof out);
    if (cases[i].out) {
      assert_int_equal(rc, HX_OK);
      assert_string_equal(out, cases[i].out);
    } else if (rc != HX_ERR_INVALID) {
      fail_msg("case %zu was accepted", i);
    }
  }
  assert_true(srv_name_same("Ada", "aDA"));
  assert_false(srv_name_same("Ada", "Adam"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults_match_the_documentation),
      cmocka_unit_test(file_sets_every_key),
      cmocka_unit_test(room_create_and_shutdown_grace_are_read),
      cmocka_unit_test(bad_lines_name_the_file_and_line),
      cmocka_unit_test(edge_values_are_accepted),
      cmocka_unit_test(nul_byte_and_overlong_line_are_errors),
      cmocka_unit_test(missing_file_is_an_error_naming_it),
      cmocka_unit_test(default_data_dir_follows_the_environment),
      cmocka_unit_test(make_dir_creates_parents_with_mode_0700),
      cmocka_unit_test(names_are_checked_and_trimmed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
