/* The line interface: lines in from a person (stdin) or a script file, and
 * whole lines out, one per event.
 *
 * Three modes (cli_ui_choose_mode):
 *  - EDIT, on a terminal: GNU readline's callback interface, driven by a
 *    uv_poll on stdin, gives line editing, history and the keymap; an event
 *    printed meanwhile goes above the prompt and the half-typed line is
 *    drawn again intact below it. Only here is a line seen while it is
 *    written (cli_ui_on_draft). readline is process-global, so this
 *    module is its only user and at most one cli_ui is in EDIT mode.
 *  - PLAIN: no readline and no escape sequence ever; a reader thread reads
 *    lines (fgets into a bounded buffer) and queues them, waking the loop
 *    with uv_async_send. For scripts, pipes, --plain and NO_COLOR.
 *  - JSON: input as PLAIN; the caller prints JSON objects (--json).
 * The loop takes lines one at a time with cli_ui_next when it is ready for
 * the next command. The queue is mutex-protected: this is not the audio
 * path. Every function: main (loop) thread. */
#ifndef CLI_UI_H
#define CLI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <uv.h>

#include "cli_keys.h"

#define CLI_UI_LINE_MAX 1024 /* bytes a line, newline included */
#define CLI_UI_QUEUE_MAX 64  /* lines read ahead before the reader waits */
#define CLI_UI_PROMPT "> "

struct cli_ui;

enum cli_ui_mode {
  CLI_UI_PLAIN,
  CLI_UI_EDIT,
  CLI_UI_JSON,
};

enum cli_ui_item {
  CLI_UI_LINE,     /* a whole line, newline removed (a key gives its command) */
  CLI_UI_TOO_LONG, /* a line longer than CLI_UI_LINE_MAX, thrown away */
  CLI_UI_EOF,      /* the input ended (or could not be read) */
};

/* --json wins; then plain lines when asked (--plain), for a script, when
 * NO_COLOR is set to anything but "" (no_color: its value or NULL), or
 * when standard input or output is not a terminal; else EDIT. */
enum cli_ui_mode cli_ui_choose_mode(bool plain, bool json, bool script, const char *no_color,
                                    bool in_tty, bool out_tty);

/* in: the stream to read (owned and fclose'd when owns_in); EDIT reads
 * stdin's descriptor. out: where lines go. wake is called on the loop
 * thread whenever a new item is queued. */
int cli_ui_create(uv_loop_t *loop, enum cli_ui_mode mode, FILE *in, bool owns_in, FILE *out,
                  void (*wake)(void *userdata), void *userdata, struct cli_ui **out_ui);
/* Binds each key of km to its command (EDIT only; otherwise nothing). On a
 * key readline refuses, HX_ERR_INVALID and a sentence in why; the other
 * keys are bound. Call before or after start. */
int cli_ui_bind_keys(struct cli_ui *ui, const struct cli_keymap *km, char *why, size_t cap);
/* EDIT only (the other modes see whole lines): calls draft with the line
 * being written as it stands after each key, "" once it was sent. text is
 * valid during the call only. */
void cli_ui_on_draft(struct cli_ui *ui, void (*draft)(void *userdata, const char *text),
                     void *userdata);
/* Starts reading: the reader thread, or readline with its prompt. */
int cli_ui_start(struct cli_ui *ui);
/* Prints one whole line (no newline in it); in EDIT mode above the prompt,
 * leaving what the person is typing as it was. */
void cli_ui_print(struct cli_ui *ui, const char *line);
/* Takes the next item: HX_OK, or HX_ERR_AGAIN when none is queued yet. */
int cli_ui_next(struct cli_ui *ui, enum cli_ui_item *item, char *line, size_t cap);
/* Stops reading, gives the terminal back, closes the handles; the loop may
 * then end. */
void cli_ui_close(struct cli_ui *ui);
/* After the loop has ended. A reader still blocked in fgets (on a terminal)
 * is left behind and ends with the process. NULL does nothing. */
void cli_ui_destroy(struct cli_ui *ui);

#endif
