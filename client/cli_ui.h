/* Lines in from a person (stdin) or a script file. A reader thread reads
 * them (fgets into a bounded buffer) and queues them for the loop, waking it
 * with uv_async_send; the loop takes them one at a time with cli_ui_next
 * when it is ready for the next command. The queue is mutex-protected: this
 * is not the audio path. create/next/close/destroy: main (loop) thread. */
#ifndef CLI_UI_H
#define CLI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <uv.h>

#define CLI_UI_LINE_MAX 1024 /* bytes a line, newline included */
#define CLI_UI_QUEUE_MAX 64  /* lines read ahead before the reader waits */

struct cli_ui;

enum cli_ui_item {
  CLI_UI_LINE,     /* a whole line, newline removed */
  CLI_UI_TOO_LONG, /* a line longer than CLI_UI_LINE_MAX, thrown away */
  CLI_UI_EOF,      /* the input ended (or could not be read) */
};

/* in: the stream to read (owned and fclose'd when owns_in). wake is called
 * on the loop thread whenever a new item is queued. */
int cli_ui_create(uv_loop_t *loop, FILE *in, bool owns_in, void (*wake)(void *userdata),
                  void *userdata, struct cli_ui **out);
/* Starts the reader thread. */
int cli_ui_start(struct cli_ui *ui);
/* Takes the next item: HX_OK, or HX_ERR_AGAIN when none is queued yet. */
int cli_ui_next(struct cli_ui *ui, enum cli_ui_item *item, char *line, size_t cap);
/* Closes the wake-up handle; the loop may then end. */
void cli_ui_close(struct cli_ui *ui);
/* After the loop has ended. A reader still blocked in fgets (on a terminal)
 * is left behind and ends with the process. NULL does nothing. */
void cli_ui_destroy(struct cli_ui *ui);

#endif
