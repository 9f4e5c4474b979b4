#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "a11y_cues.h"
#include "a11y_text.h"
#include "hx_err.h"

/* The presets as docs/accessibility.md promises them. */
static const struct {
  const char *event;
  const char *quiet, *normal, *verbose;
} table[] = {
    {"join", "earcon", "speech+earcon+text", "speech+earcon+text"},
    {"leave", "earcon", "speech+earcon+text", "speech+earcon+text"},
    {"speaking-start", "nothing", "nothing", "earcon+text"},
    {"hand-raised", "earcon", "earcon+text", "speech+earcon+text"},
    {"your-turn", "speech+earcon+text", "speech+earcon+text", "speech+earcon+text"},
    {"turn-ending", "earcon", "earcon+text", "speech+earcon+text"},
    {"muted-by-host", "speech+earcon+text", "speech+earcon+text", "speech+earcon+text"},
    {"text-message", "earcon+text", "earcon+text", "speech+earcon+text"},
    {"room-closing", "speech+earcon+text", "speech+earcon+text", "speech+earcon+text"},
    {"connection-lost", "speech+earcon+text", "speech+earcon+text", "speech+earcon+text"},
    {"connection-back", "earcon+text", "speech+earcon+text", "speech+earcon+text"},
    {"muted", "earcon", "earcon+text", "speech+earcon+text"},
    {"unmuted", "earcon", "earcon+text", "speech+earcon+text"},
    {"knock", "speech+earcon+text", "speech+earcon+text", "speech+earcon+text"},
    {"room-news", "text", "speech+text", "speech+earcon+text"},
    {"typing", "earcon", "earcon+text", "speech+earcon+text"},
};

static void every_event_has_its_documented_cue_in_every_preset(void **state)
{
  (void)state;
  assert_int_equal(sizeof table / sizeof table[0], A11Y_CUE_EVENT_COUNT);
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    enum a11y_cue_event ev;
    assert_int_equal(a11y_cues_event_parse(table[i].event, &ev), HX_OK);
    assert_string_equal(a11y_cues_event_name(ev), table[i].event);
    const char *want[] = {table[i].quiet, table[i].normal, table[i].verbose};
    for (int p = 0; p < A11Y_CUE_PRESET_COUNT; p++) {
      struct a11y_cues c;
      a11y_cues_init(&c, (enum a11y_cue_preset)p);
      char got[64];
      a11y_cues_mapping_format(c.map[ev], got, sizeof got);
      if (strcmp(got, want[p]) != 0)
        fail_msg("%s in %s: %s, documented %s", table[i].event,
                 a11y_cues_preset_name((enum a11y_cue_preset)p), got, want[p]);
    }
  }
}

static void preset_names_parse(void **state)
{
  (void)state;
  enum a11y_cue_preset p;
  assert_int_equal(a11y_cues_preset_parse("verbose", &p), HX_OK);
  assert_int_equal(p, A11Y_CUE_VERBOSE);
  assert_int_equal(a11y_cues_preset_parse("Verbose", &p), HX_ERR_INVALID);
  assert_int_equal(a11y_cues_preset_parse("", &p), HX_ERR_INVALID);
  enum a11y_cue_event ev;
  assert_int_equal(a11y_cues_event_parse("hand", &ev), HX_ERR_INVALID);
}

static void mapping_values_parse_in_any_order(void **state)
{
  (void)state;
  unsigned m = 99;
  assert_int_equal(a11y_cues_mapping_parse("speech+earcon", &m), HX_OK);
  assert_int_equal(m, A11Y_CUE_SPEECH | A11Y_CUE_EARCON);
  assert_int_equal(a11y_cues_mapping_parse("text+speech", &m), HX_OK);
  assert_int_equal(m, A11Y_CUE_SPEECH | A11Y_CUE_TEXT);
  assert_int_equal(a11y_cues_mapping_parse("text", &m), HX_OK);
  assert_int_equal(m, A11Y_CUE_TEXT);
  assert_int_equal(a11y_cues_mapping_parse("nothing", &m), HX_OK);
  assert_int_equal(m, 0);
  char out[64];
  a11y_cues_mapping_format(A11Y_CUE_TEXT | A11Y_CUE_EARCON, out, sizeof out);
  assert_string_equal(out, "earcon+text");
  a11y_cues_mapping_format(0, out, sizeof out);
  assert_string_equal(out, "nothing");
}

static void bad_mapping_values_are_rejected_and_change_nothing(void **state)
{
  (void)state;
  static const char *const bad[] = {"",          "+",           "speech+",     "+text",
                                    "speech++text", "speech+speech", "nothing+text", "Speech",
                                    "speech earcon", "sound",      "text+nothing", NULL};
  for (size_t i = 0; bad[i]; i++) {
    unsigned m = 42;
    if (a11y_cues_mapping_parse(bad[i], &m) != HX_ERR_INVALID)
      fail_msg("\"%s\" was accepted", bad[i]);
    assert_int_equal(m, 42);
  }
  unsigned m = 42;
  assert_int_equal(a11y_cues_mapping_parse(NULL, &m), HX_ERR_INVALID);
}

static void default_templates_say_what_a11y_text_says(void **state)
{
  (void)state;
  struct a11y_cues c;
  a11y_cues_init(&c, A11Y_CUE_NORMAL);
  char ours[256], theirs[256];
  struct a11y_cue_info info = {.name = "Ben", .room = "Lobby", .count = 1};
  struct a11y_event_info ev = {.event = A11Y_EV_JOINED, .name = "Ben", .room = "Lobby", .count = 1};
  a11y_cues_render(&c, A11Y_CUE_JOIN, &info, ours, sizeof ours);
  a11y_text_event(&ev, theirs, sizeof theirs);
  assert_string_equal(ours, theirs);
  info.count = ev.count = 3;
  ev.event = A11Y_EV_LEFT;
  a11y_cues_render(&c, A11Y_CUE_LEAVE, &info, ours, sizeof ours);
  a11y_text_event(&ev, theirs, sizeof theirs);
  assert_string_equal(ours, theirs);
  ev.event = A11Y_EV_SPEAKING;
  ev.on = true;
  a11y_cues_render(&c, A11Y_CUE_SPEAKING_START, &info, ours, sizeof ours);
  a11y_text_event(&ev, theirs, sizeof theirs);
  assert_string_equal(ours, theirs);
  ev = (struct a11y_event_info){.event = A11Y_EV_MUTED, .on = true, .self = true};
  a11y_cues_render(&c, A11Y_CUE_MUTED, &info, ours, sizeof ours);
  a11y_text_event(&ev, theirs, sizeof theirs);
  assert_string_equal(ours, theirs);
  ev.on = false;
  a11y_cues_render(&c, A11Y_CUE_UNMUTED, &info, ours, sizeof ours);
  a11y_text_event(&ev, theirs, sizeof theirs);
  assert_string_equal(ours, theirs);
  ev = (struct a11y_event_info){.event = A11Y_EV_DISCONNECTED, .detail = "server went away"};
  info.text = "server went away";
  a11y_cues_render(&c, A11Y_CUE_CONNECTION_LOST, &info, ours, sizeof ours);
  a11y_text_event(&ev, theirs, sizeof theirs);
  assert_string_equal(ours, theirs);
  ev.event = A11Y_EV_SHUTDOWN;
  a11y_cues_render(&c, A11Y_CUE_ROOM_CLOSING, &info, ours, sizeof ours);
  a11y_text_event(&ev, theirs, sizeof theirs);
  assert_string_equal(ours, theirs);
}

static void templates_fill_placeholders_with_sanitized_values(void **state)
{
  (void)state;
  struct a11y_cues c;
  a11y_cues_init(&c, A11Y_CUE_NORMAL);
  assert_int_equal(a11y_cues_set_template(&c, A11Y_CUE_JOIN, "+ {name} in {room} ({count})"),
                   HX_OK);
  struct a11y_cue_info info = {.name = "Ev\x1b[2Jil", .room = "Lobby", .count = 4};
  char out[128];
  size_t n = a11y_cues_render(&c, A11Y_CUE_JOIN, &info, out, sizeof out);
  assert_string_equal(out, "+ Ev?[2Jil in Lobby (4)");
  assert_int_equal(n, strlen(out));
  /* Truncation keeps the string terminated. */
  char tiny[6];
  a11y_cues_render(&c, A11Y_CUE_JOIN, &info, tiny, sizeof tiny);
  assert_string_equal(tiny, "+ Ev?");
  char burst[64];
  a11y_cues_render_burst(&c, A11Y_CUE_JOIN, 5, burst, sizeof burst);
  assert_string_equal(burst, "5 people joined.");
}

static void bad_templates_are_rejected(void **state)
{
  (void)state;
  struct a11y_cues c;
  a11y_cues_init(&c, A11Y_CUE_NORMAL);
  char big[A11Y_CUE_TEMPLATE_MAX + 1];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  const char *bad[] = {"{nam} joined", "{name joined", "{}", big, NULL};
  for (size_t i = 0; bad[i]; i++)
    assert_int_equal(a11y_cues_set_template(&c, A11Y_CUE_JOIN, bad[i]), HX_ERR_INVALID);
  assert_string_equal(c.template[A11Y_CUE_JOIN], a11y_cues_default_template(A11Y_CUE_JOIN));
}

static void own_state_is_urgent_and_joins_coalesce(void **state)
{
  (void)state;
  assert_true(a11y_cues_urgent(A11Y_CUE_MUTED));
  assert_true(a11y_cues_urgent(A11Y_CUE_CONNECTION_LOST));
  assert_false(a11y_cues_urgent(A11Y_CUE_JOIN));
  assert_true(a11y_cues_coalesces(A11Y_CUE_LEAVE));
  assert_false(a11y_cues_coalesces(A11Y_CUE_HAND_RAISED));
  assert_int_equal(a11y_cues_earcon(A11Y_CUE_UNMUTED), A11Y_EARCON_UNMUTED);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_event_has_its_documented_cue_in_every_preset),
      cmocka_unit_test(preset_names_parse),
      cmocka_unit_test(mapping_values_parse_in_any_order),
      cmocka_unit_test(bad_mapping_values_are_rejected_and_change_nothing),
      cmocka_unit_test(default_templates_say_what_a11y_text_says),
      cmocka_unit_test(templates_fill_placeholders_with_sanitized_values),
      cmocka_unit_test(bad_templates_are_rejected),
      cmocka_unit_test(own_state_is_urgent_and_joins_coalesce),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
