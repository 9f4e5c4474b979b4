/* hearthd's operator commands (room, invite, ban): they work on the data
 * directory's database directly, also while the server runs; the server
 * notices the change within SRV_RELOAD_MS. Prints to stdout/stderr: this is
 * part of the executable, not of the library. */
#ifndef SRV_OPS_H
#define SRV_OPS_H

#include <stdbool.h>

bool srv_ops_is_command(const char *word);
/* argv[0] is the command word. Returns the process exit status. */
int srv_ops_run(const char *data_dir, unsigned room_limit, int argc, char **argv);

#endif
