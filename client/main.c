/* hearth: the command-line voice client. Parses options, installs the log
 * sink and hands over to cli_app. */
#include <signal.h>
#include <stdio.h>

#include "cli_app.h"
#include "cli_audio.h"
#include "cli_options.h"
#include "hx_err.h"
#include "hx_log.h"

static void log_to_stderr(void *userdata, enum hx_log_level level, const char *module,
                          const char *message)
{
  (void)userdata;
  (void)module;
  fprintf(stderr, "hearth: %s: %s\n", hx_log_level_name(level), message);
}

int main(int argc, char **argv)
{
  /* Every event is one line that a screen reader or a test reads at once. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* A closed socket is an error to handle, not a reason to die. */
  signal(SIGPIPE, SIG_IGN);
  hx_log_set_sink(log_to_stderr, NULL);
  hx_log_set_level(HX_LOG_WARN);

  struct cli_options opt;
  char err[512];
  if (cli_options_parse(argc, argv, &opt, err, sizeof err) != HX_OK) {
    fprintf(stderr, "hearth: %s\nTry hearth --help.\n", err);
    return 2;
  }
  switch (opt.action) {
  case CLI_ACTION_HELP:
    cli_options_usage(stdout);
    return 0;
  case CLI_ACTION_VERSION:
    printf("hearth %s\n", HEARTH_VERSION);
    return 0;
  case CLI_ACTION_LIST_DEVICES:
    return cli_audio_list_devices(stdout) == HX_OK ? 0 : 1;
  case CLI_ACTION_RUN:
    break;
  }
  int exit_code = 1;
  if (cli_app_run(&opt, &exit_code) != HX_OK)
    fprintf(stderr, "hearth: cannot start\n");
  return exit_code;
}
