#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli_options.h"
#include "hx_err.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int parse(int argc, char *const argv[], struct cli_options *o, char *err, size_t cap)
{
  return cli_options_parse(argc, argv, o, err, cap);
}

static void options_defaults_fill_port_room_and_frame(void **state)
{
  (void)state;
  char *argv[] = {"hearth", "--server", "example.org", "--name", "Ada"};
  struct cli_options o;
  char err[256];
  assert_int_equal(parse(ARGC(argv), argv, &o, err, sizeof err), HX_OK);
  assert_int_equal(o.action, CLI_ACTION_RUN);
  assert_string_equal(o.host, "example.org");
  assert_int_equal(o.port, 7710);
  assert_string_equal(o.name, "Ada");
  assert_string_equal(o.room, "Lobby");
  assert_int_equal(o.frame_ms, 20);
  assert_null(o.audio_in);
  assert_null(o.script);
  assert_false(o.no_audio);
  assert_false(o.trust_new);
  assert_false(o.has_fingerprint);
  assert_int_equal(o.bitrate_kbps, 24);
  assert_int_equal(o.transmit, CLI_MEDIA_TRANSMIT_ALWAYS);
  assert_false(o.preprocess);
  assert_false(o.has_seats);
}

static void options_seats_on_or_off_overrides_the_settings_file(void **state)
{
  (void)state;
  struct cli_options o;
  char err[256];
  char *on[] = {"hearth", "--server", "h", "--name", "Ada", "--seats", "on"};
  assert_int_equal(parse(ARGC(on), on, &o, err, sizeof err), HX_OK);
  assert_true(o.has_seats && o.seats);
  char *off[] = {"hearth", "--server", "h", "--name", "Ada", "--seats=off"};
  assert_int_equal(parse(ARGC(off), off, &o, err, sizeof err), HX_OK);
  assert_true(o.has_seats && !o.seats);
}

static void options_media_bitrate_transmit_and_preprocess(void **state)
{
  (void)state;
  char *argv[] = {"hearth",     "--server", "h",          "--name",       "Ada",
                  "--bitrate",  "64",       "--transmit", "voice",        "--preprocess=on"};
  struct cli_options o;
  char err[256];
  assert_int_equal(parse(ARGC(argv), argv, &o, err, sizeof err), HX_OK);
  assert_int_equal(o.bitrate_kbps, 64);
  assert_int_equal(o.transmit, CLI_MEDIA_TRANSMIT_VOICE);
  assert_true(o.preprocess);
  char *toggle[] = {"hearth", "--server", "h", "--name", "Ada", "--transmit=toggle",
                    "--preprocess", "off", "--bitrate=6"};
  assert_int_equal(parse(ARGC(toggle), toggle, &o, err, sizeof err), HX_OK);
  assert_int_equal(o.transmit, CLI_MEDIA_TRANSMIT_TOGGLE);
  assert_false(o.preprocess);
  assert_int_equal(o.bitrate_kbps, 6);
  char *always[] = {"hearth", "--server", "h", "--name", "Ada", "--transmit", "always"};
  assert_int_equal(parse(ARGC(always), always, &o, err, sizeof err), HX_OK);
  assert_int_equal(o.transmit, CLI_MEDIA_TRANSMIT_ALWAYS);
}

static void options_accept_every_option_in_both_spellings(void **state)
{
  (void)state;
  char *argv[] = {"hearth",           "--server=[::1]:9000", "--name",       "Ben",
                  "--room=Kitchen",   "--audio-in",          "in.wav",       "--audio-out=out.wav",
                  "--script",         "-",                   "--frame-ms=10", "--fingerprint",
                  "SHA256:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789"};
  struct cli_options o;
  char err[256];
  assert_int_equal(parse(ARGC(argv), argv, &o, err, sizeof err), HX_OK);
  assert_string_equal(o.host, "::1");
  assert_int_equal(o.port, 9000);
  assert_string_equal(o.room, "Kitchen");
  assert_string_equal(o.audio_in, "in.wav");
  assert_string_equal(o.audio_out, "out.wav");
  assert_string_equal(o.script, "-");
  assert_int_equal(o.frame_ms, 10);
  assert_true(o.has_fingerprint);
  /* stored lowercase, as the TLS layer prints it */
  assert_string_equal(o.fingerprint,
                      "SHA256:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
}

static void options_help_version_and_list_need_nothing_else(void **state)
{
  (void)state;
  struct {
    const char *arg;
    enum cli_action action;
  } cases[] = {{"--help", CLI_ACTION_HELP},
               {"-h", CLI_ACTION_HELP},
               {"--version", CLI_ACTION_VERSION},
               {"--list-devices", CLI_ACTION_LIST_DEVICES}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *argv[] = {"hearth", (char *)cases[i].arg};
    struct cli_options o;
    char err[256];
    assert_int_equal(parse(2, argv, &o, err, sizeof err), HX_OK);
    assert_int_equal(o.action, cases[i].action);
  }
}

static void options_trust_new_and_no_audio_are_flags(void **state)
{
  (void)state;
  char *argv[] = {"hearth", "--server", "h:1", "--name", "A", "--trust-new", "--no-audio"};
  struct cli_options o;
  char err[256];
  assert_int_equal(parse(ARGC(argv), argv, &o, err, sizeof err), HX_OK);
  assert_true(o.trust_new);
  assert_true(o.no_audio);
  assert_int_equal(o.port, 1);
}

static void options_reject_bad_and_missing_values_with_a_sentence(void **state)
{
  (void)state;
  static const char *const fp64 = "SHA256:0000000000000000000000000000000000000000000000000000000000000000";
  struct {
    const char *argv[8];
    const char *says;
  } cases[] = {
      {{"hearth", "--name", "A"}, "missing --server"},
      {{"hearth", "--server", "h"}, "missing --name"},
      {{"hearth", "--server"}, "--server needs a value"},
      {{"hearth", "--server", "h", "--name"}, "--name needs a value"},
      {{"hearth", "--server", "h", "--name", ""}, "--name is empty"},
      {{"hearth", "--server", "h", "--name", "A", "--room="}, "--room is empty"},
      {{"hearth", "--server", "h:0", "--name", "A"}, "bad --server"},
      {{"hearth", "--server", "h:65536", "--name", "A"}, "bad --server"},
      {{"hearth", "--server", "h:4294967295", "--name", "A"}, "bad --server"},
      {{"hearth", "--server", ":7710", "--name", "A"}, "bad --server"},
      {{"hearth", "--server", "h", "--name", "A", "--frame-ms", "15"}, "bad --frame-ms"},
      {{"hearth", "--server", "h", "--name", "A", "--frame-ms", "0"}, "bad --frame-ms"},
      {{"hearth", "--server", "h", "--name", "A", "--frame-ms", "20ms"}, "bad --frame-ms"},
      {{"hearth", "--server", "h", "--name", "A", "--fingerprint", "SHA256:abc"}, "bad --fingerprint"},
      {{"hearth", "--server", "h", "--name", "A", "--fingerprint", fp64 + 7}, "bad --fingerprint"},
      {{"hearth", "--server", "h", "--name", "A", "--trust-new", "--fingerprint", fp64},
       "cannot be used together"},
      {{"hearth", "--server", "h", "--name", "A", "--no-audio", "--audio-in", "x.wav"},
       "--no-audio cannot"},
      {{"hearth", "--server", "h", "--name", "A", "--bitrate", "5"}, "bad --bitrate"},
      {{"hearth", "--server", "h", "--name", "A", "--bitrate", "129"}, "bad --bitrate"},
      {{"hearth", "--server", "h", "--name", "A", "--bitrate", "24k"}, "bad --bitrate"},
      {{"hearth", "--server", "h", "--name", "A", "--transmit", "push"}, "bad --transmit"},
      {{"hearth", "--server", "h", "--name", "A", "--preprocess", "yes"}, "bad --preprocess"},
      {{"hearth", "--server", "h", "--name", "A", "--seats", "stereo"}, "bad --seats"},
      {{"hearth", "--server", "h", "--name", "A", "--seats"}, "--seats needs a value"},
      {{"hearth", "--server", "h", "--name", "A", "--bogus"}, "unknown option --bogus"},
      {{"hearth", "--server", "h", "--name", "A", "stray"}, "unexpected argument"},
      {{"hearth", "--server", "h", "--name", "A", "--no-audio=yes"}, "takes no value"},
      {{"hearth", "--server", "h", "--server", "g", "--name", "A"}, "given twice"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int argc = 0;
    while (argc < 8 && cases[i].argv[argc])
      argc++;
    struct cli_options o;
    char err[256];
    int rc = parse(argc, (char *const *)cases[i].argv, &o, err, sizeof err);
    if (rc != HX_ERR_INVALID || !strstr(err, cases[i].says))
      fail_msg("case %zu: rc %d, error \"%s\", expected \"%s\"", i, rc, err, cases[i].says);
    assert_null(strchr(err, '\n'));
  }
}

static void options_error_fits_a_tiny_buffer(void **state)
{
  (void)state;
  char *argv[] = {"hearth", "--bogus-option-with-a-long-name"};
  struct cli_options o;
  char err[8];
  assert_int_equal(parse(2, argv, &o, err, sizeof err), HX_ERR_INVALID);
  assert_int_equal(strlen(err), 7);
}

static void options_line_interface_flags_and_settings_file(void **state)
{
  (void)state;
  char *argv[] = {"hearth", "--server", "h", "--name", "Ada", "--plain", "--json",
                  "--config=/tmp/x.conf", "--speech", "none"};
  struct cli_options o;
  char err[256];
  assert_int_equal(parse(ARGC(argv), argv, &o, err, sizeof err), HX_OK);
  assert_true(o.plain);
  assert_true(o.json);
  assert_string_equal(o.config, "/tmp/x.conf");
  assert_string_equal(o.speech, "none");
  char *plain_argv[] = {"hearth", "--server", "h", "--name", "Ada"};
  assert_int_equal(parse(ARGC(plain_argv), plain_argv, &o, err, sizeof err), HX_OK);
  assert_false(o.plain);
  assert_false(o.json);
  assert_null(o.config);
  assert_null(o.speech);
  char *spd[] = {"hearth", "--server", "h", "--name", "Ada", "--speech=speechd"};
  assert_int_equal(parse(ARGC(spd), spd, &o, err, sizeof err), HX_OK);
  assert_string_equal(o.speech, "speechd");
  char *bad[] = {"hearth", "--server", "h", "--name", "Ada", "--speech", "loud"};
  assert_int_equal(parse(ARGC(bad), bad, &o, err, sizeof err), HX_ERR_INVALID);
  assert_string_equal(err, "bad --speech \"loud\": use espeak, speechd or none");
  char *empty[] = {"hearth", "--server", "h", "--name", "Ada", "--config="};
  assert_int_equal(parse(ARGC(empty), empty, &o, err, sizeof err), HX_ERR_INVALID);
  assert_non_null(strstr(err, "--config"));
}

static void options_cues_picks_a_preset_and_names_the_choices_when_bad(void **state)
{
  (void)state;
  struct cli_options o;
  char err[256];
  char *none[] = {"hearth", "--server", "h", "--name", "Ada"};
  assert_int_equal(parse(ARGC(none), none, &o, err, sizeof err), HX_OK);
  assert_false(o.has_cues);
  const struct {
    const char *arg;
    enum a11y_cue_preset preset;
  } good[] = {{"--cues=quiet", A11Y_CUE_QUIET},
              {"--cues=normal", A11Y_CUE_NORMAL},
              {"--cues=verbose", A11Y_CUE_VERBOSE}};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    char *argv[] = {"hearth", "--server", "h", "--name", "Ada", (char *)good[i].arg};
    assert_int_equal(parse(ARGC(argv), argv, &o, err, sizeof err), HX_OK);
    assert_true(o.has_cues);
    assert_int_equal(o.cues, good[i].preset);
  }
  char *split[] = {"hearth", "--cues", "quiet", "--server", "h", "--name", "Ada"};
  assert_int_equal(parse(ARGC(split), split, &o, err, sizeof err), HX_OK);
  assert_int_equal(o.cues, A11Y_CUE_QUIET);
  const char *bad[] = {"--cues=loud", "--cues=", "--cues=Quiet", "--cues=quiet+"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *argv[] = {"hearth", "--server", "h", "--name", "Ada", (char *)bad[i]};
    assert_int_equal(parse(ARGC(argv), argv, &o, err, sizeof err), HX_ERR_INVALID);
    assert_non_null(strstr(err, "bad --cues"));
    assert_non_null(strstr(err, "quiet, normal or verbose"));
  }
  char *twice[] = {"hearth", "--server", "h", "--name", "Ada", "--cues=quiet", "--cues=verbose"};
  assert_int_equal(parse(ARGC(twice), twice, &o, err, sizeof err), HX_ERR_INVALID);
  assert_string_equal(err, "--cues given twice");
  char *missing[] = {"hearth", "--server", "h", "--name", "Ada", "--cues"};
  assert_int_equal(parse(ARGC(missing), missing, &o, err, sizeof err), HX_ERR_INVALID);
  assert_string_equal(err, "--cues needs a value");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(options_defaults_fill_port_room_and_frame),
      cmocka_unit_test(options_accept_every_option_in_both_spellings),
      cmocka_unit_test(options_media_bitrate_transmit_and_preprocess),
      cmocka_unit_test(options_seats_on_or_off_overrides_the_settings_file),
      cmocka_unit_test(options_help_version_and_list_need_nothing_else),
      cmocka_unit_test(options_trust_new_and_no_audio_are_flags),
      cmocka_unit_test(options_reject_bad_and_missing_values_with_a_sentence),
      cmocka_unit_test(options_error_fits_a_tiny_buffer),
      cmocka_unit_test(options_line_interface_flags_and_settings_file),
      cmocka_unit_test(options_cues_picks_a_preset_and_names_the_choices_when_bad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
