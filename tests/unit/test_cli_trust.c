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

#include "cli_trust.h"
#include "hx_err.h"
#include "hx_log.h"

#define FP_A "SHA256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct fixture {
  char dir[64];
  char path[128];
  int warnings;
};

static void count_warnings(void *userdata, enum hx_log_level level, const char *module,
                           const char *message)
{
  (void)module;
  (void)message;
  struct fixture *f = userdata;
  if (level >= HX_LOG_WARN)
    f->warnings++;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/test_cli_trust.XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(f->path, sizeof f->path, "%s/sub/dir/known_servers", f->dir);
  hx_log_set_sink(count_warnings, f);
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

static void write_file(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static void trust_path_prefers_config_dir_then_xdg_then_home(void **state)
{
  (void)state;
  char out[256];
  assert_int_equal(cli_trust_path("/c", "/x", "/h", out, sizeof out), HX_OK);
  assert_string_equal(out, "/c/known_servers");
  assert_int_equal(cli_trust_path("", "/x", "/h", out, sizeof out), HX_OK);
  assert_string_equal(out, "/x/hearth/known_servers");
  assert_int_equal(cli_trust_path(NULL, NULL, "/h", out, sizeof out), HX_OK);
  assert_string_equal(out, "/h/.config/hearth/known_servers");
  assert_int_equal(cli_trust_path(NULL, "", "", out, sizeof out), HX_ERR_NOT_FOUND);
  assert_int_equal(cli_trust_path("/a/very/long/dir", NULL, NULL, out, 8), HX_ERR_TOO_BIG);
}

static void trust_lookup_of_missing_file_is_unknown(void **state)
{
  struct fixture *f = *state;
  char known[CLI_TRUST_FP_LEN] = "x";
  assert_int_equal(cli_trust_lookup(f->path, "h:1", known), HX_OK);
  assert_string_equal(known, "");
}

static void trust_record_creates_private_dirs_and_is_found_again(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_trust_record(f->path, "h:7710", FP_A), HX_OK);
  assert_int_equal(cli_trust_record(f->path, "[::1]:7710", FP_B), HX_OK);
  struct stat st;
  char dir[160];
  snprintf(dir, sizeof dir, "%s/sub/dir", f->dir);
  assert_int_equal(stat(dir, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
  assert_int_equal(stat(f->path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  char known[CLI_TRUST_FP_LEN];
  assert_int_equal(cli_trust_lookup(f->path, "h:7710", known), HX_OK);
  assert_string_equal(known, FP_A);
  assert_int_equal(cli_trust_lookup(f->path, "[::1]:7710", known), HX_OK);
  assert_string_equal(known, FP_B);
  /* another port is another server */
  assert_int_equal(cli_trust_lookup(f->path, "h:7711", known), HX_OK);
  assert_string_equal(known, "");
  assert_int_equal(cli_trust_lookup(f->path, "h", known), HX_OK);
  assert_string_equal(known, "");
  assert_int_equal(f->warnings, 0);
}

static void trust_record_refuses_what_it_could_not_read_back(void **state)
{
  struct fixture *f = *state;
  assert_int_equal(cli_trust_record(f->path, "h :1", FP_A), HX_ERR_INVALID);
  assert_int_equal(cli_trust_record(f->path, "h\n:1", FP_A), HX_ERR_INVALID);
  assert_int_equal(cli_trust_record(f->path, "h:1", "SHA256:abc"), HX_ERR_INVALID);
  assert_int_equal(cli_trust_record(f->path, "h:1", "sha1:" FP_A), HX_ERR_INVALID);
}

static void trust_lookup_skips_malformed_lines_with_a_warning(void **state)
{
  struct fixture *f = *state;
  char path[128], long_line[3000];
  snprintf(path, sizeof path, "%s/known_servers", f->dir);
  memset(long_line, 'x', sizeof long_line - 2);
  long_line[sizeof long_line - 2] = '\n';
  long_line[sizeof long_line - 1] = '\0';
  char text[4096];
  snprintf(text, sizeof text,
           "garbage\n"
           "h:1\n"
           "h:1 SHA256:abc\n"
           "h:1 SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
           " " FP_A "\n"
           "%s"
           "# a comment\n"
           "\n"
           "h:1 " FP_B "  \n",
           long_line);
  write_file(path, text);
  char known[CLI_TRUST_FP_LEN];
  assert_int_equal(cli_trust_lookup(path, "h:1", known), HX_OK);
  assert_string_equal(known, FP_B);
  assert_int_equal(f->warnings, 6);
}

static void trust_lookup_of_unreadable_path_is_an_error(void **state)
{
  struct fixture *f = *state;
  char known[CLI_TRUST_FP_LEN];
  /* a directory cannot be read as a file */
  assert_int_equal(cli_trust_lookup(f->dir, "h:1", known), HX_ERR_IO);
}

static struct cli_trust_request request(const char *known, enum cli_trust_policy policy,
                                        const char *pinned)
{
  struct cli_trust_request r = {.path = "/k/known_servers",
                                .hostport = "h:7710",
                                .seen = FP_A,
                                .known = known,
                                .policy = policy,
                                .pinned = pinned};
  return r;
}

static void trust_known_and_equal_goes_on_quietly(void **state)
{
  (void)state;
  char msg[1024];
  for (int p = CLI_TRUST_POLICY_REFUSE; p <= CLI_TRUST_POLICY_PINNED; p++) {
    struct cli_trust_request r = request(FP_A, (enum cli_trust_policy)p, FP_B);
    assert_int_equal(cli_trust_decide(&r, msg, sizeof msg), CLI_TRUST_ACCEPT);
    assert_string_equal(msg, "");
  }
}

static void trust_changed_is_refused_whatever_the_flags(void **state)
{
  (void)state;
  char msg[1024];
  for (int p = CLI_TRUST_POLICY_REFUSE; p <= CLI_TRUST_POLICY_PINNED; p++) {
    struct cli_trust_request r = request(FP_B, (enum cli_trust_policy)p, FP_A);
    assert_int_equal(cli_trust_decide(&r, msg, sizeof msg), CLI_TRUST_REFUSE);
    assert_string_equal(msg,
                        "The server's certificate has CHANGED since you last connected "
                        "(expected " FP_B ", got " FP_A "). This may be an attack. If the "
                        "operator changed it, remove the line for h:7710 from "
                        "/k/known_servers.");
  }
}

static void trust_unknown_follows_the_policy(void **state)
{
  (void)state;
  char msg[1024];
  struct cli_trust_request r = request("", CLI_TRUST_POLICY_NEW, NULL);
  assert_int_equal(cli_trust_decide(&r, msg, sizeof msg), CLI_TRUST_ACCEPT_RECORD);
  assert_string_equal(msg, "Trusting new server h:7710, fingerprint " FP_A ".");

  r = request("", CLI_TRUST_POLICY_PINNED, FP_A);
  assert_int_equal(cli_trust_decide(&r, msg, sizeof msg), CLI_TRUST_ACCEPT_RECORD);

  r = request("", CLI_TRUST_POLICY_PINNED, FP_B);
  assert_int_equal(cli_trust_decide(&r, msg, sizeof msg), CLI_TRUST_REFUSE);
  assert_non_null(strstr(msg, FP_A));
  assert_non_null(strstr(msg, FP_B));

  r = request("", CLI_TRUST_POLICY_ASK, NULL);
  assert_int_equal(cli_trust_decide(&r, msg, sizeof msg), CLI_TRUST_ASK);
  assert_non_null(strstr(msg, FP_A));

  r = request("", CLI_TRUST_POLICY_REFUSE, NULL);
  assert_int_equal(cli_trust_decide(&r, msg, sizeof msg), CLI_TRUST_REFUSE);
  assert_string_equal(msg, "Unknown server h:7710, fingerprint " FP_A ". Check it with the "
                           "operator, then connect again with --fingerprint " FP_A
                           " or --trust-new.");
}

static void trust_answer_yes_only_for_yes(void **state)
{
  (void)state;
  assert_true(cli_trust_answer_is_yes("yes\n"));
  assert_true(cli_trust_answer_is_yes("  YES "));
  assert_true(cli_trust_answer_is_yes("y"));
  assert_false(cli_trust_answer_is_yes(""));
  assert_false(cli_trust_answer_is_yes("no"));
  assert_false(cli_trust_answer_is_yes("yes please"));
  assert_false(cli_trust_answer_is_yes("yess"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(trust_path_prefers_config_dir_then_xdg_then_home),
      cmocka_unit_test_setup_teardown(trust_lookup_of_missing_file_is_unknown, setup, teardown),
      cmocka_unit_test_setup_teardown(trust_record_creates_private_dirs_and_is_found_again,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(trust_record_refuses_what_it_could_not_read_back, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(trust_lookup_skips_malformed_lines_with_a_warning, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(trust_lookup_of_unreadable_path_is_an_error, setup,
                                      teardown),
      cmocka_unit_test(trust_known_and_equal_goes_on_quietly),
      cmocka_unit_test(trust_changed_is_refused_whatever_the_flags),
      cmocka_unit_test(trust_unknown_follows_the_policy),
      cmocka_unit_test(trust_answer_yes_only_for_yes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
