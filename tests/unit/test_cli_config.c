#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_config.h"
#include "hx_err.h"

struct errors {
  char lines[16][800];
  int n;
};

static void keep(void *userdata, const char *sentence)
{
  struct errors *e = userdata;
  if (e->n < 16)
    snprintf(e->lines[e->n], sizeof e->lines[0], "%s", sentence);
  e->n++;
}

static int parse(struct cli_config *c, const char *text, struct errors *e)
{
  memset(e, 0, sizeof *e);
  cli_config_defaults(c);
  int n = -1;
  assert_int_equal(cli_config_parse(c, text, strlen(text), "hearth.conf", keep, e, &n), HX_OK);
  assert_int_equal(n, e->n);
  return n;
}

static void config_good_file_sets_every_section(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  const char *text = "# Hearth settings\n"
                     "[audio]\n"
                     "input = USB Headset\n"
                     "room-volume = 80\n"
                     "seats = ON\n"
                     "\n"
                     "[Speech]\n"
                     "  backend = none\n"
                     "voice=en-us\n"
                     "rate = 220\n"
                     "pitch = 40\n"
                     "volume = 90\n"
                     "; another comment\n"
                     "[cues]\n"
                     "join = earcon+text\n"
                     "preset = verbose\n"
                     "volume = 30\n"
                     "template.leave = \"{name} went. \"\n"
                     "[keys]\n"
                     "talk = F5\n"
                     "who = none\n"
                     "mute = Alt+w\r\n";
  assert_int_equal(parse(&c, text, &e), 0);
  assert_string_equal(c.input, "USB Headset");
  assert_string_equal(c.output, "");
  assert_int_equal(c.room_volume, 80);
  assert_true(c.seats);
  assert_string_equal(c.backend, "none");
  assert_string_equal(c.voice, "en-us");
  assert_int_equal(c.rate, 220);
  assert_int_equal(c.pitch, 40);
  assert_int_equal(c.volume, 90);
  assert_int_equal(c.preset, A11Y_CUE_VERBOSE);
  assert_int_equal(c.cues_volume, 30);
  /* The mapping set before the preset line still wins over the preset. */
  assert_int_equal(c.cues.map[A11Y_CUE_JOIN], A11Y_CUE_EARCON | A11Y_CUE_TEXT);
  assert_int_equal(c.cues.map[A11Y_CUE_LEAVE],
                   a11y_cues_preset_mapping(A11Y_CUE_VERBOSE, A11Y_CUE_LEAVE));
  char line[128];
  struct a11y_cue_info info = {.name = "Ben"};
  a11y_cues_render(&c.cues, A11Y_CUE_LEAVE, &info, line, sizeof line);
  assert_string_equal(line, "Ben went. ");
  assert_string_equal(c.keys.key[CLI_KEY_TALK], "F5");
  assert_string_equal(c.keys.key[CLI_KEY_WHO], "none");
  assert_string_equal(c.keys.key[CLI_KEY_MUTE], "Alt+w");
}

/* --cues replaces the file's preset, not the events the file mapped one
 * by one. */
static void config_base_preset_keeps_the_events_the_file_mapped(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  assert_int_equal(parse(&c, "[cues]\npreset = verbose\nleave = text\n", &e), 0);
  cli_config_base_preset(&c, A11Y_CUE_QUIET);
  assert_int_equal(c.preset, A11Y_CUE_QUIET);
  assert_int_equal(c.cues.map[A11Y_CUE_JOIN], A11Y_CUE_EARCON);
  assert_int_equal(c.cues.map[A11Y_CUE_SPEAKING_START], 0);
  assert_int_equal(c.cues.map[A11Y_CUE_LEAVE], A11Y_CUE_TEXT);
  assert_true(c.cue_set[A11Y_CUE_LEAVE]);
  assert_false(c.cue_set[A11Y_CUE_JOIN]);
}

static void config_sound_points_an_event_at_a_file_or_back_to_default(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  assert_int_equal(parse(&c, "[cues]\nsound.join = ~/sounds/door bell.wav\n"
                             "sound.leave = /usr/share/sounds/bye.wav\nsound.leave = default\n",
                         &e), 0);
  assert_string_equal(c.sound[A11Y_CUE_JOIN], "~/sounds/door bell.wav");
  assert_string_equal(c.sound[A11Y_CUE_LEAVE], "");
  assert_string_equal(c.sound[A11Y_CUE_KNOCK], "");
  assert_int_equal(parse(&c, "[cues]\nsound.jump = x.wav\n", &e), 1);
  assert_non_null(strstr(e.lines[0], "line 2: \"jump\" is not an event"));
  char long_line[400] = "[cues]\nsound.join = /";
  size_t at = strlen(long_line);
  memset(long_line + at, 'a', 300);
  long_line[at + 300] = '\0';
  assert_int_equal(parse(&c, long_line, &e), 1);
  assert_non_null(strstr(e.lines[0], "sound.join is too long"));
  assert_string_equal(c.sound[A11Y_CUE_JOIN], "");
}

static void config_backend_speechd_is_accepted(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  assert_int_equal(parse(&c, "[speech]\nbackend = SpeechD\n", &e), 0);
  assert_string_equal(c.backend, "speechd");
}

static void config_expand_home_only_at_the_start(void **state)
{
  (void)state;
  char out[64];
  assert_int_equal(cli_config_expand_home("~/bell.wav", "/home/ada", out, sizeof out), HX_OK);
  assert_string_equal(out, "/home/ada/bell.wav");
  assert_int_equal(cli_config_expand_home("~", "/home/ada", out, sizeof out), HX_OK);
  assert_string_equal(out, "/home/ada");
  assert_int_equal(cli_config_expand_home("/x/~/bell.wav", "/home/ada", out, sizeof out), HX_OK);
  assert_string_equal(out, "/x/~/bell.wav");
  assert_int_equal(cli_config_expand_home("~ben/bell.wav", "/home/ada", out, sizeof out), HX_OK);
  assert_string_equal(out, "~ben/bell.wav");
  assert_int_equal(cli_config_expand_home("~/bell.wav", NULL, out, sizeof out), HX_ERR_NOT_FOUND);
  assert_int_equal(cli_config_expand_home("~/bell.wav", "", out, sizeof out), HX_ERR_NOT_FOUND);
  assert_int_equal(cli_config_expand_home("~/bell.wav", "/home/ada", out, 10), HX_ERR_TOO_BIG);
  assert_int_equal(cli_config_expand_home("/a/long/name.wav", NULL, out, 5), HX_ERR_TOO_BIG);
}

/* Each mistake names the file and its line, and that setting keeps its
 * default while the rest of the file still applies. */
static void config_each_mistake_names_its_line_and_keeps_the_default(void **state)
{
  (void)state;
  struct {
    const char *text;
    const char *said; /* a part of the sentence */
  } cases[] = {
      {"[speech]\nrate = fast\n", "hearth.conf line 2: rate \"fast\" is not a number from 80 "
                                  "to 450; keeping 175."},
      {"[speech]\n\nrate = 9000\n", "hearth.conf line 3: rate \"9000\""},
      {"[speech]\npitch = -1\n", "line 2: pitch"},
      {"[speech]\nbackend = festival\n", "line 2: backend \"festival\" is not espeak, speechd or none"},
      {"[speach]\nrate = 200\n", "line 1: [speach] is not a section"},
      {"[audio\n", "line 1: a section name is written [name]"},
      {"rate = 200\n", "line 1: this setting comes before any section"},
      {"[audio]\njust words\n", "line 2: expected a setting as NAME = VALUE"},
      {"[audio]\n= 3\n", "line 2: a setting has no name"},
      {"[audio]\nloudness = 3\n", "line 2: unknown setting \"loudness\" in [audio]"},
      {"[audio]\nseats = stereo\n", "line 2: seats \"stereo\" is not on or off; keeping off."},
      {"[cues]\njoin = beep\n", "line 2: join = \"beep\": use speech, earcon, text or nothing"},
      {"[cues]\npreset = chatty\n", "line 2: preset \"chatty\" is not quiet, normal or verbose"},
      {"[cues]\ntemplate.join = {nom} came\n", "line 2: template.join: a template"},
      {"[cues]\ntemplate.dance = x\n", "line 2: \"dance\" is not an event"},
      {"[keys]\ntalk = Hyper+t\n", "line 2: talk: \"Hyper+t\" is not a key"},
      {"[keys]\ntalk = Alt+m\n", "line 2: talk: Alt+m is already the mute key"},
      {"[keys]\ndance = F2\n", "line 2: unknown setting \"dance\" in [keys]"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct cli_config c, d;
    struct errors e;
    if (parse(&c, cases[i].text, &e) != 1)
      fail_msg("case %zu: %d mistakes, expected 1", i, e.n);
    if (!strstr(e.lines[0], cases[i].said))
      fail_msg("case %zu said \"%s\", expected \"%s\"", i, e.lines[0], cases[i].said);
    cli_config_defaults(&d);
    assert_int_equal(c.rate, d.rate);
    assert_int_equal(c.seats, d.seats);
    assert_int_equal(c.pitch, d.pitch);
    assert_string_equal(c.backend, d.backend);
    assert_memory_equal(&c.keys, &d.keys, sizeof c.keys);
    assert_memory_equal(&c.cues, &d.cues, sizeof c.cues);
  }
}

static void config_unknown_section_is_told_once_and_the_rest_applies(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  assert_int_equal(parse(&c, "[video]\nfps = 30\nsize = big\n[speech]\nrate = 300\n", &e), 1);
  assert_int_equal(c.rate, 300);
}

static void config_hostile_bytes_are_refused_line_by_line(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  char text[3000];
  memset(text, 'a', sizeof text);
  text[sizeof text - 1] = '\0';
  memcpy(text, "[speech]\nvoice = ", 17);
  assert_int_equal(parse(&c, text, &e), 1);
  assert_non_null(strstr(e.lines[0], "line 2: the line is longer than"));
  assert_string_equal(c.voice, "");
  static const char with_nul[] = "[speech]\nrate = 2\0" "00\nvoice = de\n";
  memset(&e, 0, sizeof e);
  cli_config_defaults(&c);
  int n = 0;
  cli_config_parse(&c, with_nul, sizeof with_nul - 1, "f", keep, &e, &n);
  assert_int_equal(n, 1);
  assert_non_null(strstr(e.lines[0], "NUL"));
  assert_string_equal(c.voice, "de");
  assert_int_equal(c.rate, 175);
  assert_int_equal(parse(&c, "[speech]\nvoice = a\033[2Jb\n", &e), 1);
  assert_null(strchr(e.lines[0], '\033'));
  assert_string_equal(c.voice, "");
}

static void config_load_reads_a_file_and_a_missing_one_is_no_mistake(void **state)
{
  (void)state;
  char dir[] = "/tmp/hearth-config-test.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/hearth.conf", dir);
  struct cli_config c;
  struct errors e = {0};
  int n = -1;
  cli_config_defaults(&c);
  assert_int_equal(cli_config_load(&c, path, keep, &e, &n), HX_OK);
  assert_int_equal(n, 0);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("[speech]\nrate = 250\nrate = slow\n", f);
  fclose(f);
  assert_int_equal(cli_config_load(&c, path, keep, &e, &n), HX_OK);
  assert_int_equal(n, 1);
  assert_int_equal(c.rate, 250);
  char expect[300];
  snprintf(expect, sizeof expect, "%s line 3: rate \"slow\"", path);
  assert_non_null(strstr(e.lines[0], expect));
  unlink(path);
  rmdir(dir);
}

static void config_path_prefers_hearth_then_xdg_then_home(void **state)
{
  (void)state;
  char p[256];
  assert_int_equal(cli_config_path("/c", "/x", "/h", p, sizeof p), HX_OK);
  assert_string_equal(p, "/c/hearth.conf");
  assert_int_equal(cli_config_path("", "/x", "/h", p, sizeof p), HX_OK);
  assert_string_equal(p, "/x/hearth/hearth.conf");
  assert_int_equal(cli_config_path(NULL, NULL, "/h", p, sizeof p), HX_OK);
  assert_string_equal(p, "/h/.config/hearth/hearth.conf");
  assert_int_equal(cli_config_path(NULL, "", NULL, p, sizeof p), HX_ERR_NOT_FOUND);
}

static void config_shipped_example_parses_without_a_mistake(void **state)
{
  (void)state;
  /* CMake compiles with absolute paths: the source tree is two folders up. */
  char path[4096];
  snprintf(path, sizeof path, "%s", __FILE__);
  char *cut = strstr(path, "tests/unit/test_cli_config.c");
  assert_non_null(cut);
  snprintf(cut, sizeof path - (size_t)(cut - path), "docs/hearth.conf.example");
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char text[CLI_CONFIG_FILE_MAX];
  size_t len = fread(text, 1, sizeof text, f);
  fclose(f);
  struct cli_config c;
  struct errors e = {0};
  int n = -1;
  cli_config_defaults(&c);
  cli_config_parse(&c, text, len, "hearth.conf.example", keep, &e, &n);
  if (n != 0)
    fail_msg("%s", e.lines[0]);
}

static void config_text_section_sets_typed_speech(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  assert_int_equal(parse(&c, "", &e), 0);
  assert_int_equal(c.text.hear, CLI_HEAR_VOICE);
  assert_string_equal(c.text.voice, "");
  assert_int_equal(c.text.rate, 0);
  assert_int_equal(c.text.pitch, -1);
  assert_int_equal(parse(&c, "[Text]\nhear = Mine\nvoice = en+f3\nrate = 160\npitch = 0\n", &e),
                   0);
  assert_int_equal(c.text.hear, CLI_HEAR_MINE);
  assert_string_equal(c.text.voice, "en+f3");
  assert_int_equal(c.text.rate, 160);
  assert_int_equal(c.text.pitch, 0);
  /* [speech] is our own speech, apart from the typed voice. */
  assert_string_equal(c.voice, "");
  assert_int_equal(c.rate, 175);
}

static void config_text_mistakes_keep_the_defaults(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  static const struct {
    const char *text;
    const char *says;
  } cases[] = {
      {"[text]\nhear = loud\n", "line 2: hear \"loud\" is not voice, mine or text; keeping voice."},
      {"[text]\nrate = 79\n",
       "line 2: rate \"79\" is not a number from 80 to 450; keeping the server's default."},
      {"[text]\npitch = 101\n",
       "line 2: pitch \"101\" is not a number from 0 to 100; keeping the server's default."},
      {"[text]\nrate = 200\nrate = fast\n",
       "line 3: rate \"fast\" is not a number from 80 to 450; keeping 200."},
      {"[text]\nvoice = en us\n", "line 2: voice is one word"},
      {"[text]\nvolume = 3\n", "line 2: unknown setting \"volume\" in [text]"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    parse(&c, cases[i].text, &e);
    if (e.n != 1 || !strstr(e.lines[0], cases[i].says))
      fail_msg("%s: %d mistakes, \"%s\"", cases[i].text, e.n, e.n ? e.lines[0] : "");
  }
  parse(&c, "[text]\nhear = loud\nrate = 79\npitch = 101\nvoice = en us\n", &e);
  assert_int_equal(c.text.hear, CLI_HEAR_VOICE);
  assert_int_equal(c.text.rate, 0);
  assert_int_equal(c.text.pitch, -1);
  assert_string_equal(c.text.voice, "");
}

/* typing in [text] tells the room when we start a line: off unless the
 * person turns it on; typing in [cues] is how others' typing is told. */
static void config_typing_is_off_unless_turned_on(void **state)
{
  (void)state;
  struct cli_config c;
  struct errors e;
  assert_int_equal(parse(&c, "", &e), 0);
  assert_false(c.typing);
  assert_int_equal(parse(&c, "[text]\ntyping = On\n", &e), 0);
  assert_true(c.typing);
  assert_int_equal(parse(&c, "[text]\ntyping = on\ntyping = off\n", &e), 0);
  assert_false(c.typing);
  assert_int_equal(parse(&c, "[text]\ntyping = on\ntyping = always\n", &e), 1);
  assert_string_equal(e.lines[0],
                      "hearth.conf line 3: typing \"always\" is not on or off; keeping on.");
  assert_true(c.typing);
  /* Elsewhere the word means the cue for others' typing, not ours. */
  assert_int_equal(parse(&c, "[cues]\ntyping = nothing\nsound.typing = ~/keys.wav\n", &e), 0);
  assert_false(c.typing);
  assert_int_equal(c.cues.map[A11Y_CUE_TYPING], 0);
  assert_true(c.cue_set[A11Y_CUE_TYPING]);
  assert_string_equal(c.sound[A11Y_CUE_TYPING], "~/keys.wav");
  assert_int_equal(parse(&c, "[audio]\ntyping = on\n", &e), 1);
  assert_non_null(strstr(e.lines[0], "unknown setting \"typing\" in [audio]"));
  assert_int_equal(parse(&c, "[text]\ntypist = on\n", &e), 1);
  assert_non_null(strstr(e.lines[0], "the settings there are hear, voice, rate, pitch and typing."));
  assert_int_equal(parse(&c, "[cues]\ntemplate.typo = x\n", &e), 1);
  assert_non_null(strstr(e.lines[0], "muted, unmuted, knock, room-news and typing."));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(config_good_file_sets_every_section),
      cmocka_unit_test(config_each_mistake_names_its_line_and_keeps_the_default),
      cmocka_unit_test(config_unknown_section_is_told_once_and_the_rest_applies),
      cmocka_unit_test(config_hostile_bytes_are_refused_line_by_line),
      cmocka_unit_test(config_base_preset_keeps_the_events_the_file_mapped),
      cmocka_unit_test(config_sound_points_an_event_at_a_file_or_back_to_default),
      cmocka_unit_test(config_expand_home_only_at_the_start),
      cmocka_unit_test(config_backend_speechd_is_accepted),
      cmocka_unit_test(config_load_reads_a_file_and_a_missing_one_is_no_mistake),
      cmocka_unit_test(config_path_prefers_hearth_then_xdg_then_home),
      cmocka_unit_test(config_shipped_example_parses_without_a_mistake),
      cmocka_unit_test(config_text_section_sets_typed_speech),
      cmocka_unit_test(config_text_mistakes_keep_the_defaults),
      cmocka_unit_test(config_typing_is_off_unless_turned_on),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
