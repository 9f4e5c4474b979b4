#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "proto_msg.h"

static void feed_str(struct proto_framer *f, const char *s, int want)
{
  assert_int_equal(proto_framer_feed(f, (const uint8_t *)s, strlen(s)), want);
}

static void expect_line(struct proto_framer *f, const char *want)
{
  uint8_t out[256];
  size_t len = 99;
  assert_int_equal(proto_framer_next(f, out, sizeof out, &len), HX_OK);
  assert_int_equal(len, strlen(want));
  assert_memory_equal(out, want, len);
}

static void expect_no_line(struct proto_framer *f)
{
  uint8_t out[256];
  size_t len = 99;
  assert_int_equal(proto_framer_next(f, out, sizeof out, &len), HX_ERR_AGAIN);
  assert_int_equal(len, 0);
}

static void framer_joins_a_line_split_across_feeds(void **state)
{
  (void)state;
  struct proto_framer f;
  proto_framer_init(&f, 64);
  feed_str(&f, "{\"ty", HX_OK);
  expect_no_line(&f);
  feed_str(&f, "pe\":", HX_OK);
  expect_no_line(&f);
  feed_str(&f, "\"ping\"}\n", HX_OK);
  expect_line(&f, "{\"type\":\"ping\"}");
  expect_no_line(&f);
  proto_framer_free(&f);
}

static void framer_splits_several_lines_in_one_feed_and_drops_cr(void **state)
{
  (void)state;
  struct proto_framer f;
  proto_framer_init(&f, 64);
  feed_str(&f, "a\nbb\r\n\nccc", HX_OK);
  expect_line(&f, "a");
  expect_line(&f, "bb");
  expect_line(&f, "");
  expect_no_line(&f);
  feed_str(&f, "c\r", HX_OK);
  expect_no_line(&f);
  feed_str(&f, "\n", HX_OK);
  expect_line(&f, "cccc");
  expect_no_line(&f);
  proto_framer_free(&f);
}

static void framer_rejects_a_partial_line_longer_than_the_limit(void **state)
{
  (void)state;
  struct proto_framer f;
  proto_framer_init(&f, 16);
  /* Byte by byte, so the limit is checked across feeds. */
  for (int i = 0; i < 16; i++)
    feed_str(&f, "x", HX_OK);
  feed_str(&f, "y", HX_ERR_TOO_BIG);
  proto_framer_free(&f);
}

static void framer_limits_lines_exactly(void **state)
{
  (void)state;
  char line[64];
  struct proto_framer f;
  proto_framer_init(&f, 16);
  /* 16 bytes, with "\n" or "\r\n", is allowed. */
  memset(line, 'x', 16);
  memcpy(line + 16, "\r\n", 3);
  feed_str(&f, line, HX_OK);
  line[16] = '\0';
  expect_line(&f, line);
  memcpy(line + 16, "\n", 2);
  feed_str(&f, line, HX_OK);
  line[16] = '\0';
  expect_line(&f, line);
  /* 17 bytes before the newline is one too many, even in one feed. */
  memset(line, 'x', 17);
  memcpy(line + 17, "\n", 2);
  feed_str(&f, line, HX_ERR_TOO_BIG);
  /* and a later long line in the same feed is caught too */
  feed_str(&f, "ok\nxxxxxxxxxxxxxxxxxxxxxxxxx\n", HX_ERR_TOO_BIG);
  proto_framer_free(&f);
}

static void framer_long_line_after_pending_lines_is_rejected(void **state)
{
  (void)state;
  struct proto_framer f;
  proto_framer_init(&f, 8);
  feed_str(&f, "one\ntwo\nabcd", HX_OK);
  /* Not drained: the tail "abcd" must still count against the limit. */
  feed_str(&f, "efgh", HX_OK);
  feed_str(&f, "i", HX_ERR_TOO_BIG);
  expect_line(&f, "one");
  expect_line(&f, "two");
  feed_str(&f, "\n", HX_OK);
  expect_line(&f, "abcdefgh");
  proto_framer_free(&f);
}

static void framer_raised_limit_accepts_longer_lines(void **state)
{
  (void)state;
  char line[80];
  memset(line, 'z', 40);
  memcpy(line + 40, "\n", 2);
  struct proto_framer f;
  proto_framer_init(&f, 16);
  feed_str(&f, line, HX_ERR_TOO_BIG);
  proto_framer_set_max(&f, 64);
  feed_str(&f, line, HX_OK);
  line[40] = '\0';
  expect_line(&f, line);
  proto_framer_free(&f);
}

static void framer_next_refuses_an_output_buffer_too_small(void **state)
{
  (void)state;
  struct proto_framer f;
  proto_framer_init(&f, 64);
  feed_str(&f, "hello\n", HX_OK);
  uint8_t out[4];
  size_t len = 99;
  assert_int_equal(proto_framer_next(&f, out, sizeof out, &len), HX_ERR_FULL);
  expect_line(&f, "hello"); /* the line is still there */
  proto_framer_free(&f);
}

static void framer_reports_full_when_never_drained(void **state)
{
  (void)state;
  struct proto_framer f;
  proto_framer_init(&f, 16);
  int err = HX_OK;
  size_t fed = 0;
  while (err == HX_OK && fed < 1000000) {
    err = proto_framer_feed(&f, (const uint8_t *)"line\n", 5);
    fed += 5;
  }
  assert_int_equal(err, HX_ERR_FULL);
  assert_true(fed < 200000);
  proto_framer_free(&f);
  proto_framer_free(NULL);
}

struct parse_case {
  const char *text;
  int want;
};

static void parse_handles_hostile_lines(void **state)
{
  (void)state;
  static const struct parse_case cases[] = {
      {"", HX_ERR_BAD_JSON},
      {"[]", HX_ERR_BAD_JSON},
      {"\"x\"", HX_ERR_BAD_JSON},
      {"42", HX_ERR_BAD_JSON},
      {"null", HX_ERR_BAD_JSON},
      {"{", HX_ERR_BAD_JSON},
      {"{}x", HX_ERR_BAD_JSON},
      {"{\"type\":\"a\",\"type\":\"b\"}", HX_ERR_BAD_JSON},
      {"{\"type\":\"a\\u0000b\"}", HX_ERR_BAD_JSON},
      {"{\"type\":\"\xff\"}", HX_ERR_BAD_UTF8},
      {"{\"type\":\"\xc0\xaf\"}", HX_ERR_BAD_UTF8},         /* overlong '/' */
      {"{\"type\":\"\xe0\x80\xaf\"}", HX_ERR_BAD_UTF8},     /* overlong '/' */
      {"{\"type\":\"\xf0\x80\x80\xaf\"}", HX_ERR_BAD_UTF8}, /* overlong '/' */
      {"{\"type\":\"\xed\xa0\x80\"}", HX_ERR_BAD_UTF8},     /* surrogate */
      {"{\"type\":\"\xf4\x90\x80\x80\"}", HX_ERR_BAD_UTF8}, /* > U+10FFFF */
      {"{\"type\":\"\xe2\x82\"}", HX_ERR_BAD_UTF8},         /* cut short */
      {"{\"type\":\"\x80\"}", HX_ERR_BAD_UTF8},             /* lone continuation */
      {"{\"type\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", HX_OK},
      {"{\"type\":\"x\",\"a\":[[[[[[[1]]]]]]]}", HX_OK},
      {"{\"type\":\"x\",\"a\":[[[[[[[[1]]]]]]]]}", HX_ERR_TOO_DEEP},
      {"{\"type\":\"x\",\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}", HX_OK},
      {"{\"type\":\"x\",\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{}}}}}}}}}",
       HX_ERR_TOO_DEEP},
      {"{\"type\":\"[[[[[[[[[[{{{{{{{{{{\"}", HX_OK},
      {"{\"type\":\"\\\"[[[[[[[[[[\"}", HX_OK},
      {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", HX_ERR_TOO_DEEP},
      {"{}", HX_ERR_BAD_MESSAGE},
      {"{\"id\":1}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":1}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":null}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":[\"ping\"]}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":\"ping\",\"id\":-1}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":\"ping\",\"id\":1.5}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":\"ping\",\"id\":1.0}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":\"ping\",\"id\":\"1\"}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":\"ping\",\"id\":null}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":\"ping\",\"id\":9007199254740992}", HX_ERR_BAD_MESSAGE},
      {"{\"type\":\"ping\",\"id\":4294967295}", HX_OK},
      {"{\"type\":\"ping\",\"id\":9007199254740991}", HX_OK},
      {"{\"type\":\"ping\",\"id\":0}", HX_OK},
      {" {\"type\":\"ping\"} ", HX_OK},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *msg = (json_t *)&msg;
    int err = proto_msg_parse((const uint8_t *)cases[i].text, strlen(cases[i].text), &msg);
    if (err != cases[i].want)
      fail_msg("case %zu %s: got %s, want %s", i, cases[i].text, hx_errname(err),
               hx_errname(cases[i].want));
    assert_true((err == HX_OK) == (msg != NULL));
    json_decref(msg);
  }
}

static void parse_rejects_a_raw_nul_byte(void **state)
{
  (void)state;
  static const char line[] = "{\"type\":\"a\0b\"}";
  json_t *msg = NULL;
  assert_int_equal(proto_msg_parse((const uint8_t *)line, sizeof line - 1, &msg),
                   HX_ERR_BAD_JSON);
  assert_null(msg);
}

/* {"type":"x","p":"aaa..."} padded to exactly len bytes. */
static uint8_t *line_of_size(size_t len)
{
  uint8_t *line = malloc(len);
  assert_non_null(line);
  static const char head[] = "{\"type\":\"x\",\"p\":\"";
  memcpy(line, head, sizeof head - 1);
  memset(line + sizeof head - 1, 'a', len - (sizeof head - 1) - 2);
  memcpy(line + len - 2, "\"}", 2);
  return line;
}

static void parse_accepts_the_limit_and_rejects_one_more(void **state)
{
  (void)state;
  const size_t sizes[] = {PROTO_MSG_MAX, PROTO_MSG_MAX + 1, PROTO_MSG_MAX * 2};
  const int want[] = {HX_OK, HX_ERR_TOO_BIG, HX_ERR_TOO_BIG};
  for (size_t i = 0; i < 3; i++) {
    uint8_t *line = line_of_size(sizes[i]);
    json_t *msg = NULL;
    assert_int_equal(proto_msg_parse(line, sizes[i], &msg), want[i]);
    if (want[i] == HX_OK)
      assert_int_equal(strlen(proto_msg_str(msg, "p", "")), sizes[i] - 19);
    json_decref(msg);
    free(line);
  }
  json_t *msg = NULL;
  assert_int_equal(proto_msg_parse((const uint8_t *)"{}", 0xffffffffu, &msg),
                   HX_ERR_TOO_BIG);
  assert_int_equal(proto_msg_parse((const uint8_t *)"{}", SIZE_MAX, &msg), HX_ERR_TOO_BIG);
}

static void encode_round_trips_through_parse(void **state)
{
  (void)state;
  json_t *msg = json_pack("{s:s, s:I, s:s, s:b, s:[i,i]}", "type", "hello", "id",
                          (json_int_t)9007199254740991LL, "name",
                          "Ada \xe2\x82\xac\nline two", "muted", 1, "list", 1, 2);
  assert_non_null(msg);
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(proto_msg_encode(msg, &text, &len), HX_OK);
  assert_int_equal(len, strlen(text));
  assert_int_equal(text[len - 1], '\n');
  assert_null(memchr(text, '\n', len - 1)); /* the embedded newline is escaped */
  assert_null(strstr(text, ", "));         /* compact */
  assert_null(strstr(text, ": "));
  json_t *back = NULL;
  assert_int_equal(proto_msg_parse((const uint8_t *)text, len - 1, &back), HX_OK);
  assert_true(json_equal(msg, back));
  assert_string_equal(proto_msg_type(back), "hello");
  assert_int_equal(proto_msg_id(back), 9007199254740991LL);
  assert_string_equal(proto_msg_str(back, "name", "?"), "Ada \xe2\x82\xac\nline two");
  assert_string_equal(proto_msg_str(back, "muted", "fallback"), "fallback");
  assert_int_equal(proto_msg_int(back, "name", -7), -7);
  assert_int_equal(proto_msg_bool(back, "muted", 0), 1);
  assert_int_equal(proto_msg_bool(back, "absent", 5), 5);
  json_decref(back);
  free(text);
  json_decref(msg);
}

static void encode_refuses_non_objects_and_oversized_messages(void **state)
{
  (void)state;
  char *text = NULL;
  size_t len = 0;
  json_t *arr = json_array();
  assert_int_equal(proto_msg_encode(arr, &text, &len), HX_ERR_INVALID);
  assert_null(text);
  json_decref(arr);
  char *big = malloc(PROTO_MSG_MAX + 1);
  assert_non_null(big);
  memset(big, 'b', PROTO_MSG_MAX);
  big[PROTO_MSG_MAX] = '\0';
  json_t *msg = json_pack("{s:s, s:s}", "type", "x", "p", big);
  assert_int_equal(proto_msg_encode(msg, &text, &len), HX_ERR_TOO_BIG);
  assert_null(text);
  json_decref(msg);
  free(big);
}

static void id_accessor_reports_absent_ids_as_minus_one(void **state)
{
  (void)state;
  json_t *msg = json_pack("{s:s}", "type", "ping");
  assert_int_equal(proto_msg_id(msg), -1);
  json_object_set_new(msg, "id", json_string("3"));
  assert_int_equal(proto_msg_id(msg), -1);
  json_object_set_new(msg, "id", json_integer(-5));
  assert_int_equal(proto_msg_id(msg), -1);
  json_object_set_new(msg, "id", json_integer(0));
  assert_int_equal(proto_msg_id(msg), 0);
  json_decref(msg);
  msg = json_object();
  assert_null(proto_msg_type(msg));
  json_decref(msg);
}

static void error_message_encodes_to_the_documented_line(void **state)
{
  (void)state;
  json_t *err = proto_msg_error(3, PROTO_E_NO_SUCH_ROOM, "There is no room called \"Kitchen\".");
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(proto_msg_encode(err, &text, &len), HX_OK);
  assert_string_equal(text, "{\"type\":\"error\",\"id\":3,\"code\":\"no_such_room\","
                            "\"message\":\"There is no room called \\\"Kitchen\\\".\"}\n");
  free(text);
  json_decref(err);
  err = proto_msg_error(-1, PROTO_E_TOO_BIG, "Line too long.");
  assert_null(json_object_get(err, "id"));
  assert_string_equal(proto_msg_str(err, "code", ""), "too_big");
  json_decref(err);
}

static void error_codes_match_the_spec(void **state)
{
  (void)state;
  static const char *const want[] = {
      "bad_json",     "bad_utf8",          "too_big",
      "too_deep",     "bad_message",       "unknown_type",
      "not_authenticated", "already_authenticated", "bad_version",
      "bad_name",     "name_taken",        "no_such_room",
      "room_full",    "not_in_room",       "server_full",
      "bad_key",      "bad_proof",         "not_identified",
      "guests_not_allowed", "not_allowed", "room_exists",
      "bad_setting",  "room_locked",       "banned",
      "bad_invite",   "no_such_person",    "not_your_turn",
      "closing",      "text_too_long",     "rate_limited",
      "internal"};
  for (int e = PROTO_E_BAD_JSON; e <= PROTO_E_INTERNAL; e++)
    assert_string_equal(proto_error_code((enum proto_error)e), want[e]);
  assert_string_equal(proto_error_code((enum proto_error)999), "internal");
  assert_int_equal(proto_error_from_hx(HX_ERR_BAD_JSON), PROTO_E_BAD_JSON);
  assert_int_equal(proto_error_from_hx(HX_ERR_BAD_UTF8), PROTO_E_BAD_UTF8);
  assert_int_equal(proto_error_from_hx(HX_ERR_TOO_BIG), PROTO_E_TOO_BIG);
  assert_int_equal(proto_error_from_hx(HX_ERR_TOO_DEEP), PROTO_E_TOO_DEEP);
  assert_int_equal(proto_error_from_hx(HX_ERR_BAD_MESSAGE), PROTO_E_BAD_MESSAGE);
  assert_int_equal(proto_error_from_hx(HX_ERR_UNKNOWN_TYPE), PROTO_E_UNKNOWN_TYPE);
  assert_int_equal(proto_error_from_hx(HX_ERR_NOMEM), PROTO_E_INTERNAL);
}

static void b64_round_trips_every_length(void **state)
{
  (void)state;
  uint8_t in[64], back[64];
  char text[96];
  for (size_t i = 0; i < sizeof in; i++)
    in[i] = (uint8_t)(i * 37 + 11);
  for (size_t n = 0; n <= sizeof in; n++) {
    size_t got = 999;
    assert_int_equal(proto_b64_encode(in, n, text, sizeof text), HX_OK);
    assert_int_equal(strlen(text), (n + 2) / 3 * 4);
    assert_int_equal(proto_b64_decode(text, back, n, &got), HX_OK);
    assert_int_equal(got, n);
    assert_memory_equal(back, in, n);
  }
  assert_int_equal(proto_b64_encode((const uint8_t *)"hello", 5, text, sizeof text), HX_OK);
  assert_string_equal(text, "aGVsbG8=");
}

static void b64_refuses_small_buffers(void **state)
{
  (void)state;
  char text[9];
  uint8_t out[5];
  size_t got = 0;
  assert_int_equal(proto_b64_encode((const uint8_t *)"hello", 5, text, 9), HX_OK);
  assert_int_equal(proto_b64_encode((const uint8_t *)"hello", 5, text, 8), HX_ERR_FULL);
  assert_int_equal(proto_b64_decode("aGVsbG8=", out, 5, &got), HX_OK);
  assert_int_equal(proto_b64_decode("aGVsbG8=", out, 4, &got), HX_ERR_FULL);
  assert_int_equal(got, 0);
}

static void b64_rejects_malformed_text(void **state)
{
  (void)state;
  static const char *const bad[] = {
      "a",         "aGVsbG8",   "aGVsbG8==", "aGVs bG8=", " aGVsbG8=", "aGVsbG8=\n",
      "a===",      "====",      "aG=sbG8=",  "aGVsbG8*", "aGVsbG9=",  "aGVsbG+=",
      "aGVsbA=a",  "aGVsbB==",  "aGV\xc3\xa9G8="};
  uint8_t out[64];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    size_t got = 99;
    int err = proto_b64_decode(bad[i], out, sizeof out, &got);
    if (err != HX_ERR_INVALID)
      fail_msg("\"%s\" gave %s", bad[i], hx_errname(err));
    assert_int_equal(got, 0);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(framer_joins_a_line_split_across_feeds),
      cmocka_unit_test(framer_splits_several_lines_in_one_feed_and_drops_cr),
      cmocka_unit_test(framer_rejects_a_partial_line_longer_than_the_limit),
      cmocka_unit_test(framer_limits_lines_exactly),
      cmocka_unit_test(framer_long_line_after_pending_lines_is_rejected),
      cmocka_unit_test(framer_raised_limit_accepts_longer_lines),
      cmocka_unit_test(framer_next_refuses_an_output_buffer_too_small),
      cmocka_unit_test(framer_reports_full_when_never_drained),
      cmocka_unit_test(parse_handles_hostile_lines),
      cmocka_unit_test(parse_rejects_a_raw_nul_byte),
      cmocka_unit_test(parse_accepts_the_limit_and_rejects_one_more),
      cmocka_unit_test(encode_round_trips_through_parse),
      cmocka_unit_test(encode_refuses_non_objects_and_oversized_messages),
      cmocka_unit_test(id_accessor_reports_absent_ids_as_minus_one),
      cmocka_unit_test(error_message_encodes_to_the_documented_line),
      cmocka_unit_test(error_codes_match_the_spec),
      cmocka_unit_test(b64_round_trips_every_length),
      cmocka_unit_test(b64_refuses_small_buffers),
      cmocka_unit_test(b64_rejects_malformed_text),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
