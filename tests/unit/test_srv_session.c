/* Control-channel sessions: framing limits, the hello gate, name rules and
 * error replies, driven through srv_session_feed with captured output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_srv_harness.h"

static int setup(void **state)
{
  *state = h_new(NULL);
  return 0;
}

static int teardown(void **state)
{
  h_free(*state);
  return 0;
}

static void hello_gets_welcome_with_session_and_motd(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  assert_int_equal(h_line(s, "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"Ada\","
                             "\"client\":\"hearth 0.1.0\"}"),
                   HX_OK);
  json_t *w = h_nth(h, s->id, 0);
  assert_non_null(w);
  assert_string_equal(h_str(w, "type"), "welcome");
  assert_int_equal(h_int(w, "id"), 1);
  assert_int_equal(h_int(w, "version"), 1);
  assert_int_equal(h_int(w, "session"), (json_int_t)s->id);
  assert_string_equal(h_str(w, "motd"), SRV_MOTD_DEFAULT);
  assert_string_equal(h_str(w, "server"), "hearthd " HEARTH_VERSION);
  assert_true(s->authenticated);
}

static void ping_before_hello_gets_pong(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  assert_int_equal(h_line(s, "{\"type\":\"ping\",\"id\":6}"), HX_OK);
  json_t *pong = h_nth(h, s->id, 0);
  assert_string_equal(h_str(pong, "type"), "pong");
  assert_int_equal(h_int(pong, "id"), 6);
  assert_false(s->authenticated);
}

static void requests_before_hello_get_not_authenticated(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  const char *lines[] = {"{\"type\":\"rooms\",\"id\":2}", "{\"type\":\"join\",\"id\":3,\"room\":\"Lobby\"}",
                         "{\"type\":\"mute\",\"id\":4,\"muted\":true}", "{\"type\":\"leave\",\"id\":5}",
                         "{\"type\":\"no_such_thing\",\"id\":6}"};
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    assert_int_equal(h_line(s, lines[i]), HX_OK);
    h_assert_error(h_nth(h, s->id, i), "not_authenticated", (json_int_t)i + 2);
  }
  assert_null(s->member);
  assert_int_equal(srv_room_find(h->srv, "Lobby")->count, 0);
}

static void hello_with_other_version_gets_bad_version(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  assert_int_equal(h_line(s, "{\"type\":\"hello\",\"id\":1,\"version\":2,\"name\":\"Ada\"}"), HX_OK);
  h_assert_error(h_nth(h, s->id, 0), "bad_version", 1);
  assert_false(s->authenticated);
  assert_int_equal(h_line(s, "{\"type\":\"hello\",\"id\":2,\"version\":\"1\",\"name\":\"Ada\"}"),
                   HX_OK);
  h_assert_error(h_nth(h, s->id, 1), "bad_message", 2);
  assert_int_equal(h_line(s, "{\"type\":\"hello\",\"id\":3,\"version\":1}"), HX_OK);
  h_assert_error(h_nth(h, s->id, 2), "bad_message", 3);
  assert_false(s->authenticated);
}

static void hello_with_bad_name_gets_bad_name(void **state)
{
  struct harness *h = *state;
  const char *names[] = {
      "",                                  /* empty */
      "123456789012345678901234567890123", /* 33 characters */
      "\\u0007",                           /* bell */
      "   ",                               /* only spaces */
      "Ada\\nBen",                         /* newline */
      "a\\u007f",                          /* DEL */
      "a\\u0085",                          /* C1 next line */
      "a\\u202eb",                         /* right-to-left override */
      "a\\u2028b",                         /* line separator */
      "\\t",                               /* tab */
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    struct srv_session *s = h_open(h);
    char line[256];
    snprintf(line, sizeof line, "{\"type\":\"hello\",\"id\":%zu,\"version\":1,\"name\":\"%s\"}", i,
             names[i]);
    assert_int_equal(h_line(s, line), HX_OK);
    h_assert_error(h_nth(h, s->id, 0), "bad_name", (json_int_t)i);
    assert_false(s->authenticated);
  }
}

static void hello_accepts_32_characters_and_trims_spaces(void **state)
{
  struct harness *h = *state;
  /* 32 two-byte characters: 64 bytes but 32 characters. */
  char name[128];
  size_t n = 0;
  name[n++] = ' ';
  for (int i = 0; i < 32; i++) {
    memcpy(name + n, "\xc3\xa9", 2);
    n += 2;
  }
  name[n++] = ' ';
  name[n] = '\0';
  struct srv_session *s = h_hello(h, name);
  assert_true(s->authenticated);
  assert_int_equal(strlen(s->name), 64);
  assert_int_equal(memcmp(s->name, "\xc3\xa9", 2), 0);
  struct srv_session *t = h_hello(h, "  Ben Lee ");
  assert_string_equal(t->name, "Ben Lee");
}

static void second_hello_gets_already_authenticated(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_hello(h, "Ada");
  assert_int_equal(h_line(s, "{\"type\":\"hello\",\"id\":9,\"version\":1,\"name\":\"Eve\"}"), HX_OK);
  h_assert_error(h_nth(h, s->id, 0), "already_authenticated", 9);
  assert_string_equal(s->name, "Ada");
}

static void malformed_lines_get_errors_and_keep_the_connection(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_hello(h, "Ada");
  static const struct {
    const char *line;
    const char *code;
    json_int_t id;
  } cases[] = {
      {"not json", "bad_json", -1},
      {"[1,2,3]", "bad_json", -1},
      {"{\"type\":\"ping\"", "bad_json", -1},
      {"{\"id\":4}", "bad_message", 4},
      {"{\"type\":5,\"id\":7}", "bad_message", 7},
      {"{\"type\":\"ping\",\"id\":\"x\"}", "bad_message", -1},
      {"{\"type\":\"ping\",\"id\":-1}", "bad_message", -1},
      {"{\"type\":\"a\",\"x\":[[[[[[[[1]]]]]]]]}", "too_deep", -1},
      {"{\"type\":\"\xff\"}", "bad_utf8", -1},
      {"{\"type\":\"dance\",\"id\":8}", "unknown_type", 8},
      {"{\"type\":\"join\",\"id\":9}", "bad_message", 9},
      {"{\"type\":\"join\",\"id\":10,\"room\":5}", "bad_message", 10},
      {"{\"type\":\"mute\",\"id\":11,\"muted\":1}", "bad_message", 11},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(h_line(s, cases[i].line), HX_OK);
    json_t *err = h_nth(h, s->id, i);
    h_assert_error(err, cases[i].code, cases[i].id);
  }
  assert_int_equal(h->nclosed, 0);
  assert_int_equal(h_line(s, "{\"type\":\"ping\",\"id\":99}"), HX_OK);
  assert_string_equal(h_str(h_nth(h, s->id, sizeof cases / sizeof cases[0]), "type"), "pong");
}

/* A hello padded with spaces inside the object to exactly len bytes. */
static char *padded_hello(size_t len)
{
  const char *head = "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"Ada\"";
  char *line = malloc(len + 2);
  assert_non_null(line);
  size_t n = strlen(head);
  memcpy(line, head, n);
  memset(line + n, ' ', len - n - 1);
  line[len - 1] = '}';
  line[len] = '\n';
  line[len + 1] = '\0';
  return line;
}

static void preauth_line_of_4096_bytes_is_accepted(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  char *line = padded_hello(PROTO_MSG_MAX_PREAUTH);
  assert_int_equal(srv_session_feed(s, (const uint8_t *)line, PROTO_MSG_MAX_PREAUTH + 1), HX_OK);
  free(line);
  assert_string_equal(h_str(h_nth(h, s->id, 0), "type"), "welcome");
}

static void preauth_line_of_4097_bytes_gets_too_big_and_close(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  char *line = padded_hello(PROTO_MSG_MAX_PREAUTH + 1);
  assert_int_equal(srv_session_feed(s, (const uint8_t *)line, PROTO_MSG_MAX_PREAUTH + 2),
                   HX_ERR_TOO_BIG);
  free(line);
  h_assert_error(h_nth(h, s->id, 0), "too_big", -1);
  assert_int_equal(h->nclosed, 1);
  assert_int_equal(h->closed[0], s->id);
  assert_false(s->authenticated);
  /* Nothing more is read from a stream that cannot be resynchronised. */
  assert_int_equal(h_line(s, "{\"type\":\"ping\",\"id\":1}"), HX_ERR_TOO_BIG);
  assert_int_equal(h_count(h, s->id), 1);
}

static void unterminated_flood_before_hello_is_cut_at_the_limit(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  uint8_t chunk[1000];
  memset(chunk, 'a', sizeof chunk);
  int rc = HX_OK;
  size_t fed = 0;
  while (rc == HX_OK && fed < 100000) {
    rc = srv_session_feed(s, chunk, sizeof chunk);
    fed += sizeof chunk;
  }
  assert_int_equal(rc, HX_ERR_TOO_BIG);
  assert_true(fed <= PROTO_MSG_MAX_PREAUTH + sizeof chunk);
  h_assert_error(h_nth(h, s->id, 0), "too_big", -1);
}

static void hello_raises_the_limit_for_the_next_line_in_the_same_read(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  const char *hello = "{\"type\":\"hello\",\"id\":1,\"version\":1,\"name\":\"Ada\"}\n";
  size_t pad = 10000;
  size_t total = strlen(hello) + pad + 64;
  char *buf = malloc(total);
  assert_non_null(buf);
  int n = snprintf(buf, total, "%s{\"type\":\"ping\",\"id\":2,\"pad\":\"", hello);
  memset(buf + n, 'x', pad);
  n += (int)pad;
  n += snprintf(buf + n, total - (size_t)n, "\"}\r\n");
  assert_int_equal(srv_session_feed(s, (const uint8_t *)buf, (size_t)n), HX_OK);
  free(buf);
  assert_string_equal(h_str(h_nth(h, s->id, 0), "type"), "welcome");
  assert_string_equal(h_str(h_nth(h, s->id, 1), "type"), "pong");
  assert_int_equal(h->nclosed, 0);
}

/* {"type":"ping","id":2,"pad":"xxx..."} and its newline, the line exactly
 * len bytes long. */
static char *padded_ping(size_t len)
{
  const char *head = "{\"type\":\"ping\",\"id\":2,\"pad\":\"";
  char *line = malloc(len + 1);
  assert_non_null(line);
  size_t n = strlen(head);
  memcpy(line, head, n);
  memset(line + n, 'x', len - n - 2);
  memcpy(line + len - 2, "\"}\n", 3);
  return line;
}

static void line_after_hello_of_65536_bytes_is_answered_and_65537_closes(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_hello(h, "Ada");
  char *line = padded_ping(PROTO_MSG_MAX);
  assert_int_equal(srv_session_feed(s, (const uint8_t *)line, PROTO_MSG_MAX + 1), HX_OK);
  free(line);
  assert_string_equal(h_str(h_nth(h, s->id, 0), "type"), "pong");
  assert_int_equal(h->nclosed, 0);
  line = padded_ping(PROTO_MSG_MAX + 1);
  assert_int_equal(srv_session_feed(s, (const uint8_t *)line, PROTO_MSG_MAX + 2),
                   HX_ERR_TOO_BIG);
  free(line);
  h_assert_error(h_nth(h, s->id, 1), "too_big", -1);
  assert_int_equal(h->nclosed, 1);
  assert_int_equal(h->closed[0], s->id);
}

static void line_split_across_reads_is_handled_once_complete(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  const char *line = "{\"type\":\"ping\",\"id\":5}\r\n";
  for (size_t i = 0; line[i]; i++) {
    assert_int_equal(h_count(h, s->id), 0);
    assert_int_equal(srv_session_feed(s, (const uint8_t *)line + i, 1), HX_OK);
  }
  assert_int_equal(h_count(h, s->id), 1);
  assert_int_equal(h_int(h_nth(h, s->id, 0), "id"), 5);
}

static void lines_before_an_oversized_one_are_answered(void **state)
{
  struct harness *h = *state;
  struct srv_session *s = h_open(h);
  size_t len = 64 + PROTO_MSG_MAX_PREAUTH + 10;
  char *buf = malloc(len);
  assert_non_null(buf);
  int n = snprintf(buf, len, "{\"type\":\"ping\",\"id\":1}\n");
  memset(buf + n, 'z', len - (size_t)n);
  assert_int_equal(srv_session_feed(s, (const uint8_t *)buf, len), HX_ERR_TOO_BIG);
  free(buf);
  assert_string_equal(h_str(h_nth(h, s->id, 0), "type"), "pong");
  h_assert_error(h_nth(h, s->id, 1), "too_big", -1);
}

static void session_over_the_limit_is_refused(void **state)
{
  (void)state;
  struct srv_options opt = {.max_sessions = 2};
  struct harness *h = h_new(&opt);
  struct srv_session *a = h_open(h);
  struct srv_session *b = h_open(h);
  struct srv_session *c = NULL;
  assert_int_equal(srv_session_open(h->srv, NULL, &c), HX_ERR_FULL);
  assert_null(c);
  assert_int_not_equal(a->id, b->id);
  uint64_t gone = a->id;
  srv_session_close(a);
  assert_int_equal(srv_session_open(h->srv, NULL, &c), HX_OK);
  assert_ptr_equal(srv_session_find(h->srv, c->id), c);
  assert_ptr_equal(srv_session_find(h->srv, b->id), b);
  assert_null(srv_session_find(h->srv, gone));
  h_free(h);
}

static void shutdown_is_announced_to_every_session(void **state)
{
  struct harness *h = *state;
  struct srv_session *a = h_hello(h, "Ada");
  struct srv_session *b = h_open(h);
  srv_announce_shutdown(h->srv, 0);
  struct srv_session *all[] = {a, b};
  for (size_t i = 0; i < 2; i++) {
    json_t *ev = h_nth(h, all[i]->id, 0);
    assert_non_null(ev);
    assert_string_equal(h_str(ev, "type"), "event");
    assert_string_equal(h_str(ev, "event"), "shutdown");
    assert_string_equal(h_str(ev, "message"), "The server is shutting down.");
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(hello_gets_welcome_with_session_and_motd, setup, teardown),
      cmocka_unit_test_setup_teardown(ping_before_hello_gets_pong, setup, teardown),
      cmocka_unit_test_setup_teardown(requests_before_hello_get_not_authenticated, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(hello_with_other_version_gets_bad_version, setup, teardown),
      cmocka_unit_test_setup_teardown(hello_with_bad_name_gets_bad_name, setup, teardown),
      cmocka_unit_test_setup_teardown(hello_accepts_32_characters_and_trims_spaces, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(second_hello_gets_already_authenticated, setup, teardown),
      cmocka_unit_test_setup_teardown(malformed_lines_get_errors_and_keep_the_connection, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(preauth_line_of_4096_bytes_is_accepted, setup, teardown),
      cmocka_unit_test_setup_teardown(preauth_line_of_4097_bytes_gets_too_big_and_close, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(unterminated_flood_before_hello_is_cut_at_the_limit, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(line_after_hello_of_65536_bytes_is_answered_and_65537_closes,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(hello_raises_the_limit_for_the_next_line_in_the_same_read,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(line_split_across_reads_is_handled_once_complete, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(lines_before_an_oversized_one_are_answered, setup, teardown),
      cmocka_unit_test(session_over_the_limit_is_refused),
      cmocka_unit_test_setup_teardown(shutdown_is_announced_to_every_session, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
