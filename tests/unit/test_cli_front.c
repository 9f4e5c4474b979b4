#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "a11y_text.h"
#include "aud_wav.h"
#include "cli_front.h"
#include "cli_typed.h"
#include "hx_err.h"
#include "hx_util.h"

struct fixture {
  char *buf;
  size_t len;
  size_t taken; /* bytes already returned by take() */
  FILE *out;    /* the front writes here for its whole life */
  struct cli_front *f;
};

static struct fixture *open_front(enum cli_ui_mode mode, bool every_event,
                                  const struct cli_config *cfg)
{
  struct fixture *x = calloc(1, sizeof *x);
  assert_non_null(x);
  x->out = open_memstream(&x->buf, &x->len);
  struct cli_config d;
  cli_config_defaults(&d);
  assert_int_equal(cli_front_create(mode, every_event, x->out, cfg ? cfg : &d, &x->f), HX_OK);
  return x;
}

/* What was printed since the last call. */
static char *take(struct fixture *x)
{
  fflush(x->out);
  char *copy = strdup(x->buf ? x->buf + x->taken : "");
  x->taken = x->len;
  return copy;
}

static void close_front(struct fixture *x)
{
  cli_front_destroy(x->f);
  fclose(x->out);
  free(x->buf);
  free(x);
}

static void event(struct fixture *x, enum a11y_event e, const char *name, bool on)
{
  struct a11y_event_info ev = {.event = e, .name = name, .room = "Lobby", .count = 2, .on = on};
  char line[256];
  a11y_text_event(&ev, line, sizeof line);
  cli_front_event(x->f, &ev, line);
}

static void command(struct fixture *x, const char *line)
{
  struct cli_command cmd;
  cli_command_parse(line, false, &cmd);
  assert_true(cli_front_command(x->f, &cmd));
}

static void front_json_prints_one_object_per_event(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_JSON, true, NULL);
  event(x, A11Y_EV_JOINED, "Ada \"the\" \033[2J", false);
  cli_front_print(x->f, "Rooms: Lobby, 2 people.");
  char *text = take(x);
  char *nl = strchr(text, '\n');
  assert_non_null(nl);
  *nl = '\0';
  json_error_t err;
  json_t *o = json_loads(text, 0, &err);
  assert_non_null(o);
  assert_string_equal(json_string_value(json_object_get(o, "type")), "event");
  assert_string_equal(json_string_value(json_object_get(o, "event")), "joined");
  assert_string_equal(json_string_value(json_object_get(o, "room")), "Lobby");
  assert_int_equal(json_integer_value(json_object_get(o, "count")), 2);
  assert_string_equal(json_string_value(json_object_get(o, "name")), "Ada \"the\" \033[2J");
  json_decref(o);
  /* The raw escape byte never reaches the terminal: JSON spells it. */
  assert_null(strchr(nl + 1, '\033'));
  o = json_loads(nl + 1, JSON_DISABLE_EOF_CHECK, &err);
  assert_non_null(o);
  assert_string_equal(json_string_value(json_object_get(o, "type")), "info");
  assert_string_equal(json_string_value(json_object_get(o, "text")), "Rooms: Lobby, 2 people.");
  json_decref(o);
  free(text);
  close_front(x);
}

static void front_person_gets_the_lines_the_cue_mapping_asks_for(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_EDIT, false, NULL);
  command(x, "/cue join earcon");
  free(take(x));
  event(x, A11Y_EV_JOINED, "Ada", false);
  char *text = take(x);
  assert_string_equal(text, "");
  free(text);
  command(x, "/cue join text");
  free(take(x));
  event(x, A11Y_EV_JOINED, "Ada", false);
  text = take(x);
  assert_string_equal(text, "Ada joined Lobby. 2 people here.\n");
  free(text);
  close_front(x);
}

static void front_script_log_gets_every_event(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_PLAIN, true, NULL);
  command(x, "/cues quiet");
  free(take(x));
  event(x, A11Y_EV_SPEAKING, "Ben", true);
  char *text = take(x);
  assert_string_equal(text, "Ben speaking.\n");
  free(text);
  close_front(x);
}

static void front_script_log_obeys_what_the_person_mapped_to_nothing(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_PLAIN, true, NULL);
  command(x, "/cue join nothing");
  free(take(x));
  event(x, A11Y_EV_JOINED, "Ada", false);
  char *text = take(x);
  assert_string_equal(text, "");
  free(text);
  close_front(x);
}

static struct fixture *open_silent_front(void)
{
  struct cli_config cfg;
  cli_config_defaults(&cfg);
  hx_strlcpy(cfg.backend, "none", sizeof cfg.backend);
  return open_front(CLI_UI_EDIT, false, &cfg);
}

static void front_without_speech_prints_what_would_be_spoken(void **state)
{
  (void)state;
  struct fixture *x = open_silent_front();
  command(x, "/cue join speech");
  free(take(x));
  event(x, A11Y_EV_JOINED, "Ada", false);
  char *text = take(x);
  assert_string_equal(text, "Ada joined Lobby. 2 people here.\n");
  free(text);
  close_front(x);
}

static double energy_after(struct fixture *x)
{
  static int16_t frame[4800]; /* 100 ms of silent room */
  memset(frame, 0, sizeof frame);
  cli_front_mix(x->f, frame, 4800, 1);
  double sum = 0;
  for (size_t i = 0; i < 4800; i++)
    sum += (double)frame[i] * frame[i];
  return sum;
}

static void front_plays_the_earcon_only_when_mapped(void **state)
{
  (void)state;
  struct fixture *x = open_silent_front();
  command(x, "/cue leave nothing");
  event(x, A11Y_EV_LEFT, "Ada", false);
  assert_true(energy_after(x) == 0.0);
  command(x, "/cue leave earcon");
  free(take(x));
  event(x, A11Y_EV_LEFT, "Ada", false);
  assert_true(energy_after(x) > 0.0);
  char *text = take(x);
  assert_string_equal(text, "");
  free(text);
  close_front(x);
}

static void front_circle_event_follows_its_cue(void **state)
{
  (void)state;
  struct fixture *x = open_silent_front();
  command(x, "/cue your-turn text");
  free(take(x));
  cli_front_cue(x->f, A11Y_CUE_YOUR_TURN, "Your turn to speak.");
  char *text = take(x);
  assert_string_equal(text, "Your turn to speak.\n");
  free(text);
  command(x, "/cue your-turn nothing");
  free(take(x));
  cli_front_cue(x->f, A11Y_CUE_YOUR_TURN, "Your turn to speak.");
  text = take(x);
  assert_string_equal(text, "");
  free(text);
  close_front(x);
}

static void typed(struct fixture *x, const char *name, const char *text, bool self, bool speak)
{
  char line[512];
  snprintf(line, sizeof line, "%s: %s", self ? "You" : name, text);
  struct cli_typed_line tl = {
      .name = name, .text = text, .line = line, .self = self, .speak = speak};
  cli_front_text(x->f, &tl);
}

/* Whether our own speech (or an earcon) is heard within a few seconds:
 * espeak-ng speaks on its own thread. */
static bool heard_within(struct fixture *x, int tries)
{
  for (int i = 0; i < tries; i++) {
    if (energy_after(x) > 0.0)
      return true;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return false;
}

static void front_typed_line_is_printed_whatever_the_mapping(void **state)
{
  (void)state;
  struct fixture *x = open_silent_front();
  command(x, "/cue text-message nothing");
  free(take(x));
  typed(x, "Ada", "I'm here, just typing tonight...", false, false);
  typed(x, "Ada", "me", true, false);
  char *text = take(x);
  assert_string_equal(text, "Ada: I'm here, just typing tonight...\nYou: me\n");
  free(text);
  assert_false(heard_within(x, 5));
  close_front(x);
}

static void front_typed_line_is_spoken_only_when_asked(void **state)
{
  (void)state;
  /* The verbose preset maps text-message to speech: with hear-text voice
   * the room audio carries the line, so our own speech stays quiet. */
  struct cli_config cfg;
  cli_config_defaults(&cfg);
  cli_config_set_preset(&cfg, A11Y_CUE_VERBOSE);
  cfg.cues.map[A11Y_CUE_TEXT_MESSAGE] = A11Y_CUE_SPEECH | A11Y_CUE_TEXT;
  struct fixture *x = open_front(CLI_UI_EDIT, false, &cfg);
  typed(x, "Ada", "hello", false, false);
  assert_false(heard_within(x, 50));
  /* hear-text mine: spoken, even mapped to text only. */
  command(x, "/cue text-message text");
  typed(x, "Ada", "hello", false, true);
  assert_true(heard_within(x, 250));
  close_front(x);
}

/* /queue, /floor, /knock: the person asked, so the answer is said by our
 * own speech whatever the mapping, and /repeat says it again. */
static void front_answer_is_spoken_whatever_the_mapping_and_repeated(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_EDIT, false, NULL);
  command(x, "/cue room-news nothing");
  free(take(x));
  cli_front_answer(x->f, "Hands up: Ben, Cleo.");
  char *text = take(x);
  assert_string_equal(text, "Hands up: Ben, Cleo.\n");
  free(text);
  assert_true(heard_within(x, 250));
  command(x, "/repeat");
  text = take(x);
  assert_string_equal(text, "Hands up: Ben, Cleo.\n");
  free(text);
  close_front(x);
  /* Without speech it is printed once, and nothing is heard. */
  x = open_silent_front();
  free(take(x));
  cli_front_answer(x->f, "Nobody is knocking.");
  text = take(x);
  assert_string_equal(text, "Nobody is knocking.\n");
  free(text);
  assert_false(heard_within(x, 5));
  close_front(x);
}

static void front_typed_line_in_json_is_a_text_event(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_JSON, true, NULL);
  free(take(x));
  typed(x, "Ada", "hi \"there\"", false, false);
  char *text = take(x);
  json_error_t err;
  json_t *o = json_loads(text, 0, &err);
  assert_non_null(o);
  assert_string_equal(json_string_value(json_object_get(o, "type")), "event");
  assert_string_equal(json_string_value(json_object_get(o, "event")), "text");
  assert_string_equal(json_string_value(json_object_get(o, "name")), "Ada");
  assert_string_equal(json_string_value(json_object_get(o, "text")), "Ada: hi \"there\"");
  assert_true(json_is_false(json_object_get(o, "self")));
  json_decref(o);
  free(text);
  close_front(x);
}

static void front_repeat_says_the_last_announcement_even_unprinted(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_EDIT, false, NULL);
  command(x, "/repeat");
  char *text = take(x);
  assert_string_equal(text, "Nothing announced yet.\n");
  free(text);
  command(x, "/cue leave earcon");
  event(x, A11Y_EV_LEFT, "Cy", false);
  free(take(x));
  command(x, "/repeat");
  text = take(x);
  assert_string_equal(text, "Cy left Lobby. 2 people here.\n");
  free(text);
  close_front(x);
}

static void front_volume_steps_and_stops_at_the_ends(void **state)
{
  (void)state;
  struct fixture *x = open_front(CLI_UI_PLAIN, true, NULL);
  command(x, "/volume room up");
  command(x, "/volume speech 95");
  command(x, "/volume speech up");
  command(x, "/volume speech up");
  command(x, "/volume cues 0");
  command(x, "/volume cues down");
  char *text = take(x);
  assert_string_equal(text, "Room volume 100 percent.\n"
                            "Speech volume 95 percent.\n"
                            "Speech volume 100 percent.\n"
                            "Speech volume 100 percent.\n"
                            "Cues volume 0 percent.\n"
                            "Cues volume 0 percent.\n");
  free(text);
  close_front(x);
}

static void front_keys_lists_the_rebound_keymap(void **state)
{
  (void)state;
  struct cli_config cfg;
  cli_config_defaults(&cfg);
  char why[128];
  assert_int_equal(cli_keymap_bind(&cfg.keys, CLI_KEY_SPEAKING, "F6", why, sizeof why), HX_OK);
  struct fixture *x = open_front(CLI_UI_PLAIN, true, &cfg);
  command(x, "/keys");
  char *text = take(x);
  assert_non_null(strstr(text, "Keys:\n"));
  assert_non_null(strstr(text, "\nF6: who is speaking, who spoke last (/speaking).\n"));
  assert_non_null(strstr(text, "\nAlt+w: who is here (/who).\n"));
  free(text);
  command(x, "/hand");
  text = take(x);
  assert_string_equal(text, "Hands are not available in this room yet.\n");
  free(text);
  close_front(x);
}

/* A person's own sound: from hearth.conf at start and with /cue-sound,
 * with ~ for home; a file that cannot be used is named and changes
 * nothing; /cues shows the sound. */
static void front_own_sound_is_set_told_listed_and_reset(void **state)
{
  (void)state;
  char home[] = "/tmp/hearth-home-XXXXXX";
  assert_non_null(mkdtemp(home));
  char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
  setenv("HOME", home, 1);
  char bell[300];
  snprintf(bell, sizeof bell, "%s/bell.wav", home);
  struct aud_wav_writer *w;
  assert_int_equal(aud_wav_open_write(bell, 16000, 1, &w), HX_OK);
  int16_t quiet[1600] = {0};
  quiet[800] = 1000;
  assert_int_equal(aud_wav_write(w, quiet, 1600), HX_OK);
  assert_int_equal(aud_wav_close_write(w), HX_OK);

  struct cli_config cfg;
  cli_config_defaults(&cfg);
  hx_strlcpy(cfg.sound[A11Y_CUE_LEAVE], "~/missing.wav", sizeof cfg.sound[0]);
  struct fixture *x = open_front(CLI_UI_PLAIN, true, &cfg);
  char *text = take(x);
  assert_string_equal(text, "Cannot use ~/missing.wav for leave: the file cannot be opened. "
                            "leave keeps the sound it had; give a 16-bit WAV file of at most 3 "
                            "seconds.\n");
  free(text);
  assert_string_equal(cli_front_config(x->f)->sound[A11Y_CUE_LEAVE], "");

  command(x, "/cue-sound join ~/bell.wav");
  text = take(x);
  assert_string_equal(text, "join: own sound ~/bell.wav.\n");
  free(text);
  command(x, "/cue-sound join /nonexistent/other.wav");
  text = take(x);
  assert_non_null(strstr(text, "Cannot use /nonexistent/other.wav for join: the file cannot "
                               "be opened."));
  free(text);
  command(x, "/cues");
  text = take(x);
  assert_non_null(strstr(text, "\njoin: speech+earcon+text; own sound ~/bell.wav.\n"));
  assert_non_null(strstr(text, "\nleave: speech+earcon+text.\n"));
  free(text);
  command(x, "/cue-sound join default");
  text = take(x);
  assert_string_equal(text, "join: built-in sound.\n");
  free(text);
  command(x, "/cues");
  text = take(x);
  assert_non_null(strstr(text, "\njoin: speech+earcon+text.\n"));
  free(text);
  close_front(x);

  if (old_home)
    setenv("HOME", old_home, 1);
  else
    unsetenv("HOME");
  free(old_home);
  unlink(bell);
  rmdir(home);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(front_json_prints_one_object_per_event),
      cmocka_unit_test(front_person_gets_the_lines_the_cue_mapping_asks_for),
      cmocka_unit_test(front_script_log_gets_every_event),
      cmocka_unit_test(front_script_log_obeys_what_the_person_mapped_to_nothing),
      cmocka_unit_test(front_without_speech_prints_what_would_be_spoken),
      cmocka_unit_test(front_plays_the_earcon_only_when_mapped),
      cmocka_unit_test(front_circle_event_follows_its_cue),
      cmocka_unit_test(front_repeat_says_the_last_announcement_even_unprinted),
      cmocka_unit_test(front_typed_line_is_printed_whatever_the_mapping),
      cmocka_unit_test(front_typed_line_is_spoken_only_when_asked),
      cmocka_unit_test(front_answer_is_spoken_whatever_the_mapping_and_repeated),
      cmocka_unit_test(front_typed_line_in_json_is_a_text_event),
      cmocka_unit_test(front_volume_steps_and_stops_at_the_ends),
      cmocka_unit_test(front_keys_lists_the_rebound_keymap),
      cmocka_unit_test(front_own_sound_is_set_told_listed_and_reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
