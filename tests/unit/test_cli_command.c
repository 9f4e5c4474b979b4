#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli_command.h"
#include "hx_err.h"

static void command_plain_words_parse_case_insensitively(void **state)
{
  (void)state;
  struct {
    const char *line;
    enum cli_command_kind kind;
  } cases[] = {
      {"/who", CLI_CMD_WHO},       {"  /WHO  ", CLI_CMD_WHO},   {"/mute", CLI_CMD_MUTE},
      {"/unmute", CLI_CMD_UNMUTE}, {"/leave", CLI_CMD_LEAVE},   {"/rooms", CLI_CMD_ROOMS},
      {"/stats", CLI_CMD_STATS},   {"/quit", CLI_CMD_QUIT},     {"/help", CLI_CMD_HELP},
      {"", CLI_CMD_NONE},          {"   ", CLI_CMD_NONE},       {"hello", CLI_CMD_SAY},
      {"# not in a script", CLI_CMD_SAY},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct cli_command c;
    assert_int_equal(cli_command_parse(cases[i].line, false, &c), HX_OK);
    if (c.kind != cases[i].kind)
      fail_msg("\"%s\": kind %d, expected %d", cases[i].line, c.kind, cases[i].kind);
  }
}

static void command_comments_only_in_scripts(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("# hello", true, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_NONE);
  assert_int_equal(cli_command_parse("  #/quit", true, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_NONE);
}

static void command_wait_takes_fractions_and_units(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/wait 0.5", true, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_WAIT);
  assert_true(c.seconds > 0.499 && c.seconds < 0.501);
  assert_int_equal(cli_command_parse("/wait 2m ", true, &c), HX_OK);
  assert_true(c.seconds > 119.9 && c.seconds < 120.1);
  assert_int_equal(cli_command_parse("/wait 0", true, &c), HX_OK);
  assert_true(c.seconds == 0.0);
}

static void command_wait_rejects_bad_durations(void **state)
{
  (void)state;
  const char *bad[] = {"/wait", "/wait ", "/wait -1", "/wait abc", "/wait 1x", "/wait nan",
                       "/wait 1 2", "/wait 4294967295"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct cli_command c;
    assert_int_equal(cli_command_parse(bad[i], true, &c), HX_ERR_INVALID);
    if (c.kind != CLI_CMD_USAGE || !strstr(c.arg, "/wait needs"))
      fail_msg("\"%s\": kind %d arg \"%s\"", bad[i], c.kind, c.arg);
  }
}

static void command_join_with_and_without_a_room(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/join Kitchen", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_JOIN);
  assert_string_equal(c.arg, "Kitchen");
  assert_int_equal(cli_command_parse("/join   Quiet Room  ", false, &c), HX_OK);
  assert_string_equal(c.arg, "Quiet Room");
  assert_int_equal(cli_command_parse("/join", false, &c), HX_ERR_INVALID);
  assert_int_equal(c.kind, CLI_CMD_USAGE);
  assert_string_equal(c.arg, "/join needs a room name, for example /join Lobby.");
  assert_int_equal(cli_command_parse("/join   ", false, &c), HX_ERR_INVALID);
  assert_int_equal(c.kind, CLI_CMD_USAGE);
}

static void command_join_truncates_an_overlong_room(void **state)
{
  (void)state;
  char line[1024] = "/join ";
  memset(line + 6, 'r', sizeof line - 7);
  line[sizeof line - 1] = '\0';
  struct cli_command c;
  assert_int_equal(cli_command_parse(line, false, &c), HX_OK);
  assert_int_equal(strlen(c.arg), CLI_COMMAND_ARG_MAX - 1);
}

static void command_unknown_keeps_the_word_typed(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/x", false, &c), HX_ERR_INVALID);
  assert_int_equal(c.kind, CLI_CMD_UNKNOWN);
  assert_string_equal(c.arg, "/x");
  assert_int_equal(cli_command_parse("/whom are you", false, &c), HX_ERR_INVALID);
  assert_string_equal(c.arg, "/whom");
  assert_int_equal(cli_command_parse("/", false, &c), HX_ERR_INVALID);
  assert_string_equal(c.arg, "/");
  char line[600] = "/";
  memset(line + 1, 'z', sizeof line - 2);
  line[sizeof line - 1] = '\0';
  assert_int_equal(cli_command_parse(line, false, &c), HX_ERR_INVALID);
  assert_int_equal(strlen(c.arg), CLI_COMMAND_ARG_MAX - 1);
}

static void command_plain_word_with_extra_words_is_a_usage_error(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/mute now", false, &c), HX_ERR_INVALID);
  assert_int_equal(c.kind, CLI_CMD_USAGE);
  assert_string_equal(c.arg, "/mute takes nothing after it.");
}

static void command_help_lists_every_command(void **state)
{
  (void)state;
  const char *words[] = {"/who", "/mute", "/unmute", "/join", "/leave",
                         "/rooms", "/stats", "/wait", "/help", "/quit", "/say", "/done",
                         "/stop", "/voice", "/hear-text", "/speech voice", "/typing"};
  for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
    bool found = false;
    for (size_t i = 0; cli_command_help_line(i); i++)
      found = found || strncmp(cli_command_help_line(i), words[w], strlen(words[w])) == 0;
    if (!found)
      fail_msg("%s missing from /help", words[w]);
  }
}

static void command_keys_commands_parse(void **state)
{
  (void)state;
  struct {
    const char *line;
    enum cli_command_kind kind;
  } cases[] = {
      {"/speaking", CLI_CMD_SPEAKING}, {"/talk", CLI_CMD_TALK},   {"/hand", CLI_CMD_HAND},
      {"/repeat", CLI_CMD_REPEAT},     {"/silence", CLI_CMD_SILENCE}, {"/keys", CLI_CMD_KEYS},
      {"/mute toggle ", CLI_CMD_MUTE_TOGGLE}, {"/cues", CLI_CMD_CUES},
      {"/speech off", CLI_CMD_SPEECH}, {"/rate 220", CLI_CMD_RATE},
      {"/speech voice en-us", CLI_CMD_VOICE}, {"/volume room up", CLI_CMD_VOLUME},
      {"/cue join earcon+text", CLI_CMD_CUE}, {"/cue-sound join default", CLI_CMD_CUE_SOUND},
      {"/seats on", CLI_CMD_SEATS}, {"/typing", CLI_CMD_TYPING},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct cli_command c;
    if (cli_command_parse(cases[i].line, false, &c) != HX_OK || c.kind != cases[i].kind)
      fail_msg("\"%s\": kind %d, expected %d", cases[i].line, c.kind, cases[i].kind);
  }
}

static void command_settings_carry_their_values(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/volume speech down", false, &c), HX_OK);
  assert_int_equal(c.target, CLI_VOLUME_SPEECH);
  assert_int_equal(c.step, -1);
  assert_int_equal(cli_command_parse("/volume cues 40", false, &c), HX_OK);
  assert_int_equal(c.target, CLI_VOLUME_CUES);
  assert_int_equal(c.step, 0);
  assert_int_equal(c.level, 40);
  assert_int_equal(cli_command_parse("/cue speaking-start speech+text", false, &c), HX_OK);
  assert_int_equal(c.event, A11Y_CUE_SPEAKING_START);
  assert_int_equal(c.outputs, A11Y_CUE_SPEECH | A11Y_CUE_TEXT);
  assert_int_equal(cli_command_parse("/cues quiet", false, &c), HX_OK);
  assert_true(c.has_preset);
  assert_int_equal(c.preset, A11Y_CUE_QUIET);
  assert_int_equal(cli_command_parse("/speech on", false, &c), HX_OK);
  assert_true(c.on);
  assert_int_equal(cli_command_parse("/rate 300", false, &c), HX_OK);
  assert_int_equal(c.level, 300);
  assert_int_equal(cli_command_parse("/seats OFF", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_SEATS);
  assert_false(c.on);
  assert_int_equal(cli_command_parse("/seats on", false, &c), HX_OK);
  assert_true(c.on);
}

static void command_cue_sound_takes_a_path_with_spaces_or_default(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/cue-sound join ~/My Sounds/bell.wav  ", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_CUE_SOUND);
  assert_int_equal(c.event, A11Y_CUE_JOIN);
  assert_string_equal(c.arg, "~/My Sounds/bell.wav");
  assert_int_equal(cli_command_parse("/cue-sound leave default", false, &c), HX_OK);
  assert_int_equal(c.event, A11Y_CUE_LEAVE);
  assert_string_equal(c.arg, "");
  const char *bad[] = {"/cue-sound", "/cue-sound join", "/cue-sound jump bell.wav"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(cli_command_parse(bad[i], false, &c), HX_ERR_INVALID);
    assert_int_equal(c.kind, CLI_CMD_USAGE);
    assert_non_null(strstr(c.arg, "/cue-sound needs an event and a WAV file or default"));
  }
  /* A path that does not fit is refused, never cut into another name. */
  char line[400] = "/cue-sound join /";
  memset(line + strlen(line), 'a', 300);
  line[sizeof line - 1] = '\0';
  assert_int_equal(cli_command_parse(line, false, &c), HX_ERR_INVALID);
  assert_int_equal(c.kind, CLI_CMD_USAGE);
  assert_non_null(strstr(c.arg, "too long"));
  char fits[300] = "/cue-sound join /";
  memset(fits + strlen(fits), 'b', 200);
  fits[217] = '\0';
  assert_int_equal(cli_command_parse(fits, false, &c), HX_OK);
  assert_int_equal(strlen(c.arg), 201);
}

static void command_bad_settings_say_how_to_use_them(void **state)
{
  (void)state;
  const char *bad[] = {"/volume", "/volume loud up", "/volume room sideways", "/volume room 101",
                       "/cue", "/cue join", "/cue jump text", "/cue join loud",
                       "/cues chatty", "/speech maybe", "/seats", "/seats left", "/rate 5",
                       "/rate fast", "/speech voice", "/say", "/say   ", "/stop now", "/done talking",
                       "/speaking now", "/keys all", "/typing maybe", "/typing on off"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct cli_command c;
    if (cli_command_parse(bad[i], false, &c) != HX_ERR_INVALID || c.kind != CLI_CMD_USAGE)
      fail_msg("\"%s\" was accepted (kind %d)", bad[i], c.kind);
    assert_true(c.arg[0] == '/');
  }
}

static void command_typed_lines_are_said_as_typed(void **state)
{
  (void)state;
  struct {
    const char *line;
    const char *text; /* what goes to the server */
  } cases[] = {
      {"I'm here, just typing tonight...", "I'm here, just typing tonight..."},
      {"   hello  ", "hello  "},
      {"/say hello there", "hello there"},
      {"/SAY   /who is here", "/who is here"},
      {"!!", "!!"},
      {"! hello", "! hello"},
      {"[done] for now", "[done] for now"},
      {"done", "done"},
      {"<speak>hi</speak>", "<speak>hi</speak>"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct cli_command c;
    assert_int_equal(cli_command_parse(cases[i].line, false, &c), HX_OK);
    if (c.kind != CLI_CMD_SAY || !c.text || strcmp(c.text, cases[i].text) != 0)
      fail_msg("\"%s\": kind %d, text \"%s\"", cases[i].line, c.kind, c.text ? c.text : "");
  }
}

static void command_lone_bang_and_done_are_floor_shorthands(void **state)
{
  (void)state;
  struct {
    const char *line;
    enum cli_command_kind kind;
  } cases[] = {
      {"!", CLI_CMD_RAISE_HAND},  {"  !  ", CLI_CMD_RAISE_HAND}, {"[done]", CLI_CMD_DONE},
      {" [DONE] ", CLI_CMD_DONE}, {"/done", CLI_CMD_DONE},       {"/stop", CLI_CMD_SAY_STOP},
      {"/Stop ", CLI_CMD_SAY_STOP},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct cli_command c;
    if (cli_command_parse(cases[i].line, false, &c) != HX_OK || c.kind != cases[i].kind)
      fail_msg("\"%s\": kind %d, expected %d", cases[i].line, c.kind, cases[i].kind);
  }
}

static void command_white_space_lines_are_nothing_to_say(void **state)
{
  (void)state;
  const char *blank[] = {"", " ", "\t", "  \t  "};
  for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
    struct cli_command c;
    assert_int_equal(cli_command_parse(blank[i], false, &c), HX_OK);
    assert_int_equal(c.kind, CLI_CMD_NONE);
  }
}

static void command_typed_lines_longer_than_an_argument_are_whole(void **state)
{
  (void)state;
  char line[700];
  memset(line, 'a', sizeof line - 1);
  line[sizeof line - 1] = '\0';
  struct cli_command c;
  assert_int_equal(cli_command_parse(line, false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_SAY);
  assert_int_equal(strlen(c.text), sizeof line - 1);
}

static void command_voice_and_hear_text_keep_what_follows(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/voice", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_TEXT_VOICE);
  assert_string_equal(c.text, "");
  assert_int_equal(cli_command_parse("/voice  en+f3 rate 160", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_TEXT_VOICE);
  assert_string_equal(c.text, "en+f3 rate 160");
  assert_int_equal(cli_command_parse("/hear-text mine", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_HEAR_TEXT);
  assert_string_equal(c.text, "mine");
  assert_int_equal(cli_command_parse("/speech voice en-us ", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_VOICE);
  assert_string_equal(c.arg, "en-us");
}

static void command_typing_is_on_off_or_a_question(void **state)
{
  (void)state;
  struct cli_command c;
  assert_int_equal(cli_command_parse("/typing", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_TYPING);
  assert_false(c.has_on);
  assert_int_equal(cli_command_parse("/typing ON ", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_TYPING);
  assert_true(c.has_on);
  assert_true(c.on);
  assert_int_equal(cli_command_parse("/Typing off", false, &c), HX_OK);
  assert_int_equal(c.kind, CLI_CMD_TYPING);
  assert_true(c.has_on);
  assert_false(c.on);
  assert_int_equal(cli_command_parse("/typing yes", false, &c), HX_ERR_INVALID);
  assert_int_equal(c.kind, CLI_CMD_USAGE);
  assert_string_equal(c.arg, "/typing takes on, off or nothing.");
}

/* What the line editor holds while a person writes: typed words from the
 * first character that is not white space, unless that is a '/'. */
static void command_draft_is_typed_unless_it_starts_a_command(void **state)
{
  (void)state;
  const struct {
    const char *draft;
    bool typed;
  } cases[] = {
      {"", false},    {" ", false},      {"\t  ", false}, {"/", false},
      {"/who", false}, {"  /say hi", false}, {"h", true}, {"  h", true},
      {"!", true},    {"[done", true},    {"I'm here", true}, {"a/b", true},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (cli_command_draft_is_typed(cases[i].draft) != cases[i].typed)
      fail_msg("\"%s\" is %styped", cases[i].draft, cases[i].typed ? "not " : "");
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(command_keys_commands_parse),
      cmocka_unit_test(command_settings_carry_their_values),
      cmocka_unit_test(command_cue_sound_takes_a_path_with_spaces_or_default),
      cmocka_unit_test(command_bad_settings_say_how_to_use_them),
      cmocka_unit_test(command_plain_words_parse_case_insensitively),
      cmocka_unit_test(command_comments_only_in_scripts),
      cmocka_unit_test(command_wait_takes_fractions_and_units),
      cmocka_unit_test(command_wait_rejects_bad_durations),
      cmocka_unit_test(command_join_with_and_without_a_room),
      cmocka_unit_test(command_join_truncates_an_overlong_room),
      cmocka_unit_test(command_unknown_keeps_the_word_typed),
      cmocka_unit_test(command_plain_word_with_extra_words_is_a_usage_error),
      cmocka_unit_test(command_help_lists_every_command),
      cmocka_unit_test(command_typed_lines_are_said_as_typed),
      cmocka_unit_test(command_lone_bang_and_done_are_floor_shorthands),
      cmocka_unit_test(command_white_space_lines_are_nothing_to_say),
      cmocka_unit_test(command_typed_lines_longer_than_an_argument_are_whole),
      cmocka_unit_test(command_voice_and_hear_text_keep_what_follows),
      cmocka_unit_test(command_typing_is_on_off_or_a_question),
      cmocka_unit_test(command_draft_is_typed_unless_it_starts_a_command),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
