/* The hearth client put together: audio devices, the control connection,
 * the session, media over UDP and the command reader, on one libuv loop on
 * the calling thread. The loop only moves bytes and calls the plain
 * functions of cli_session, cli_media and cli_command. */
#ifndef CLI_APP_H
#define CLI_APP_H

#include "cli_options.h"

#define CLI_APP_TICK_MS 2 /* media tick: capture to network, mix to playback */

/* Runs until /quit, a signal or the end of the connection. *exit_code: 0
 * after a clean quit, 1 when connecting, trust, audio or the session
 * failed. Every failure has been told to the person on stdout. */
int cli_app_run(const struct cli_options *opt, int *exit_code);

#endif
