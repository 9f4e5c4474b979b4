#include "cli_ui.h"

/* readline's headers use FILE without including stdio.h first. */
#include <stdio.h>

#include <pthread.h>
#include <signal.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_util.h"

struct queued {
  enum cli_ui_item item;
  char line[CLI_UI_LINE_MAX];
};

/* Shared by the loop and the reader thread; the last of them to let go
 * frees it, since a reader blocked on a terminal may outlive the loop. */
struct ui_shared {
  pthread_mutex_t lock;
  pthread_cond_t space; /* signalled when the queue shrinks or closes */
  struct queued queue[CLI_UI_QUEUE_MAX];
  size_t head, count;
  bool closed; /* the async handle is gone: wake nobody, read no more */
  int refs;
  uv_async_t *async; /* owned by struct cli_ui; valid while !closed */
  FILE *in;
  bool owns_in;
};

struct cli_ui {
  uv_async_t async;
  struct ui_shared *shared;
  void (*wake)(void *userdata);
  void *userdata;
  enum cli_ui_mode mode;
  FILE *out;
  /* EDIT mode */
  uv_poll_t poll;
  uv_signal_t winch;
  bool editing; /* readline's handler is installed and the prompt shown */
  char seq[CLI_KEY_COUNT][CLI_KEY_SEQ_MAX];
  bool seq_bound[CLI_KEY_COUNT];
  void (*draft)(void *userdata, const char *text); /* may be NULL */
  void *draft_userdata;
};

/* readline calls back without a context: the one cli_ui in EDIT mode. */
static struct cli_ui *editor;

enum cli_ui_mode cli_ui_choose_mode(bool plain, bool json, bool script, const char *no_color,
                                    bool in_tty, bool out_tty)
{
  if (json)
    return CLI_UI_JSON;
  if (plain || script || (no_color && *no_color) || !in_tty || !out_tty)
    return CLI_UI_PLAIN;
  return CLI_UI_EDIT;
}

static void shared_release(struct ui_shared *sh)
{
  pthread_mutex_lock(&sh->lock);
  int refs = --sh->refs;
  pthread_mutex_unlock(&sh->lock);
  if (refs > 0)
    return;
  if (sh->owns_in && sh->in)
    fclose(sh->in);
  pthread_cond_destroy(&sh->space);
  pthread_mutex_destroy(&sh->lock);
  free(sh);
}

static void on_async(uv_async_t *async)
{
  struct cli_ui *ui = async->data;
  ui->wake(ui->userdata);
}

int cli_ui_create(uv_loop_t *loop, enum cli_ui_mode mode, FILE *in, bool owns_in, FILE *out,
                  void (*wake)(void *userdata), void *userdata, struct cli_ui **out_ui)
{
  *out_ui = NULL;
  if (mode == CLI_UI_EDIT && editor)
    return HX_ERR_STATE;
  struct cli_ui *ui = calloc(1, sizeof *ui);
  struct ui_shared *sh = calloc(1, sizeof *sh);
  if (!ui || !sh) {
    free(ui);
    free(sh);
    return HX_ERR_NOMEM;
  }
  pthread_mutex_init(&sh->lock, NULL);
  pthread_cond_init(&sh->space, NULL);
  sh->refs = 1;
  sh->in = in;
  sh->owns_in = owns_in;
  sh->async = &ui->async;
  ui->shared = sh;
  ui->wake = wake;
  ui->userdata = userdata;
  ui->mode = mode;
  ui->out = out;
  if (uv_async_init(loop, &ui->async, on_async) < 0) {
    shared_release(sh);
    free(ui);
    return HX_ERR_IO;
  }
  ui->async.data = ui;
  if (mode == CLI_UI_EDIT) {
    if (uv_poll_init(loop, &ui->poll, STDIN_FILENO) < 0) {
      uv_close((uv_handle_t *)&ui->async, NULL);
      ui->shared->closed = true;
      *out_ui = ui; /* freed by cli_ui_destroy after the loop closed async */
      return HX_ERR_IO;
    }
    uv_signal_init(loop, &ui->winch);
    ui->poll.data = ui->winch.data = ui;
    editor = ui;
  }
  *out_ui = ui;
  return HX_OK;
}

/* Queues an item and wakes the loop. The reader thread waits for room;
 * the loop thread (EDIT mode) must not, and is refused instead. False once
 * closed or refused. */
static bool enqueue_item(struct ui_shared *sh, enum cli_ui_item item, const char *line,
                         bool may_wait)
{
  pthread_mutex_lock(&sh->lock);
  while (may_wait && !sh->closed && sh->count == CLI_UI_QUEUE_MAX)
    pthread_cond_wait(&sh->space, &sh->lock);
  bool open = !sh->closed && sh->count < CLI_UI_QUEUE_MAX;
  if (open) {
    struct queued *q = &sh->queue[(sh->head + sh->count) % CLI_UI_QUEUE_MAX];
    q->item = item;
    hx_strlcpy(q->line, line, sizeof q->line);
    sh->count++;
    uv_async_send(sh->async);
  }
  pthread_mutex_unlock(&sh->lock);
  return open;
}

static bool enqueue(struct ui_shared *sh, enum cli_ui_item item, const char *line)
{
  return enqueue_item(sh, item, line, true);
}

static void *reader_main(void *arg)
{
  struct ui_shared *sh = arg;
  char buf[CLI_UI_LINE_MAX];
  bool ok = true;
  while (ok && fgets(buf, sizeof buf, sh->in)) {
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] == '\n') {
      buf[--n] = '\0';
      if (n > 0 && buf[n - 1] == '\r')
        buf[--n] = '\0';
      ok = enqueue(sh, CLI_UI_LINE, buf);
    } else if (feof(sh->in)) {
      ok = enqueue(sh, CLI_UI_LINE, buf); /* last line without newline */
    } else {
      /* Too long: swallow the rest of it, then say so once. */
      int ch;
      while ((ch = fgetc(sh->in)) != EOF && ch != '\n') {
      }
      ok = enqueue(sh, CLI_UI_TOO_LONG, "");
    }
  }
  if (ok)
    enqueue(sh, CLI_UI_EOF, "");
  shared_release(sh);
  return NULL;
}

/* --- EDIT mode: readline --- */

static void edit_queue(struct cli_ui *ui, const char *line)
{
  if (!enqueue_item(ui->shared, CLI_UI_LINE, line, false) && !ui->shared->closed)
    cli_ui_print(ui, "Too many commands are waiting; that one was dropped.");
}

static void on_edit_line(char *line)
{
  struct cli_ui *ui = editor;
  if (!line) {
    /* Ctrl-D on an empty line: the input ended. */
    rl_callback_handler_remove();
    ui->editing = false;
    enqueue_item(ui->shared, CLI_UI_EOF, "", false);
    return;
  }
  if (strlen(line) >= CLI_UI_LINE_MAX - 1) {
    enqueue_item(ui->shared, CLI_UI_TOO_LONG, "", false);
  } else {
    if (*line)
      add_history(line);
    edit_queue(ui, line);
  }
  free(line);
}

/* Every key of the keymap lands here; the bytes that were typed say which
 * action it was. */
static int on_edit_key(int count, int key)
{
  (void)count;
  (void)key;
  struct cli_ui *ui = editor;
  size_t n = (size_t)rl_key_sequence_length;
  for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
    if (ui->seq_bound[a] && strlen(ui->seq[a]) == n &&
        memcmp(ui->seq[a], rl_executing_keyseq, n) == 0) {
      edit_queue(ui, cli_key_action_command((enum cli_key_action)a));
      return 0;
    }
  }
  return 0;
}

/* Tab completes command names, not file names. */
static char *complete_command(const char *text, int state)
{
  static const char *const words[] = {
      "/who", "/speaking", "/mute", "/unmute", "/talk", "/hand", "/join", "/leave",
      "/rooms", "/stats", "/repeat", "/silence", "/volume", "/speech", "/rate", "/voice",
      "/cues", "/cue", "/keys", "/help", "/quit", "/say", "/stop", "/done", "/hear-text",
      "/typing"};
  static size_t next;
  if (state == 0)
    next = 0;
  size_t len = strlen(text);
  while (next < sizeof words / sizeof words[0]) {
    const char *w = words[next++];
    if (strncasecmp(w, text, len) == 0)
      return strdup(w);
  }
  return NULL;
}

static void on_stdin(uv_poll_t *p, int status, int events)
{
  (void)events;
  struct cli_ui *ui = p->data;
  if (status < 0) {
    uv_poll_stop(p);
    enqueue_item(ui->shared, CLI_UI_EOF, "", false);
    return;
  }
  if (!ui->editing)
    return;
  rl_callback_read_char();
  /* After Enter the line was handed on, and readline has emptied it. */
  if (ui->editing && ui->draft)
    ui->draft(ui->draft_userdata, rl_line_buffer ? rl_line_buffer : "");
}

static void on_winch(uv_signal_t *s, int signum)
{
  (void)signum;
  struct cli_ui *ui = s->data;
  if (ui->editing)
    rl_resize_terminal();
}

static int edit_start(struct cli_ui *ui)
{
  rl_readline_name = "hearth";
  rl_outstream = ui->out;
  /* libuv owns the signals; readline only draws. */
  rl_catch_signals = 0;
  rl_catch_sigwinch = 0;
  rl_completion_entry_function = complete_command;
  rl_callback_handler_install(CLI_UI_PROMPT, on_edit_line);
  ui->editing = true;
  uv_signal_start(&ui->winch, on_winch, SIGWINCH);
  if (uv_poll_start(&ui->poll, UV_READABLE, on_stdin) < 0) {
    rl_callback_handler_remove();
    ui->editing = false;
    return HX_ERR_IO;
  }
  return HX_OK;
}

void cli_ui_on_draft(struct cli_ui *ui, void (*draft)(void *userdata, const char *text),
                     void *userdata)
{
  ui->draft = draft;
  ui->draft_userdata = userdata;
}

int cli_ui_bind_keys(struct cli_ui *ui, const struct cli_keymap *km, char *why, size_t cap)
{
  if (ui->mode != CLI_UI_EDIT)
    return HX_OK;
  int rc = HX_OK;
  for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
    if (ui->seq_bound[a])
      rl_bind_keyseq(ui->seq[a], NULL);
    ui->seq_bound[a] = false;
  }
  for (size_t a = 0; a < CLI_KEY_COUNT; a++) {
    char canon[CLI_KEY_NAME_MAX];
    if (cli_key_parse(km->key[a], canon, ui->seq[a], why, cap) != HX_OK || !ui->seq[a][0])
      continue;
    if (rl_bind_keyseq(ui->seq[a], on_edit_key) != 0) {
      snprintf(why, cap, "the line editor cannot bind %s", canon);
      rc = HX_ERR_INVALID;
      continue;
    }
    ui->seq_bound[a] = true;
  }
  return rc;
}

void cli_ui_print(struct cli_ui *ui, const char *line)
{
  if (!ui || !ui->editing) {
    fprintf(ui ? ui->out : stdout, "%s\n", line);
    fflush(ui ? ui->out : stdout);
    return;
  }
  /* Clear the prompt line, print above it, draw the prompt and the
   * half-typed text again with the cursor where it was. */
  int point = rl_point;
  char *typed = rl_copy_text(0, rl_end);
  rl_save_prompt();
  rl_replace_line("", 0);
  rl_redisplay();
  fprintf(ui->out, "%s\n", line);
  fflush(ui->out);
  rl_restore_prompt();
  rl_on_new_line();
  rl_replace_line(typed ? typed : "", 0);
  rl_point = point <= rl_end ? point : rl_end;
  rl_redisplay();
  free(typed);
}

int cli_ui_start(struct cli_ui *ui)
{
  if (ui->mode == CLI_UI_EDIT)
    return edit_start(ui);
  struct ui_shared *sh = ui->shared;
  pthread_mutex_lock(&sh->lock);
  sh->refs++;
  pthread_mutex_unlock(&sh->lock);
  pthread_t thread;
  if (pthread_create(&thread, NULL, reader_main, sh) != 0) {
    shared_release(sh);
    return HX_ERR_NOMEM;
  }
  /* Never joined: a reader blocked on a terminal cannot be woken. */
  pthread_detach(thread);
  return HX_OK;
}

int cli_ui_next(struct cli_ui *ui, enum cli_ui_item *item, char *line, size_t cap)
{
  struct ui_shared *sh = ui->shared;
  pthread_mutex_lock(&sh->lock);
  int rc = HX_ERR_AGAIN;
  if (sh->count > 0) {
    struct queued *q = &sh->queue[sh->head];
    *item = q->item;
    hx_strlcpy(line, q->line, cap);
    sh->head = (sh->head + 1) % CLI_UI_QUEUE_MAX;
    sh->count--;
    pthread_cond_signal(&sh->space);
    rc = HX_OK;
  }
  pthread_mutex_unlock(&sh->lock);
  return rc;
}

void cli_ui_close(struct cli_ui *ui)
{
  struct ui_shared *sh = ui->shared;
  pthread_mutex_lock(&sh->lock);
  if (sh->closed) {
    pthread_mutex_unlock(&sh->lock);
    return;
  }
  sh->closed = true;
  pthread_cond_broadcast(&sh->space);
  pthread_mutex_unlock(&sh->lock);
  uv_close((uv_handle_t *)&ui->async, NULL);
  if (ui->mode == CLI_UI_EDIT) {
    if (ui->editing) {
      /* Gives the terminal back and leaves the shell a fresh line. */
      rl_callback_handler_remove();
      ui->editing = false;
      fputc('\n', ui->out);
      fflush(ui->out);
    }
    uv_close((uv_handle_t *)&ui->poll, NULL);
    uv_close((uv_handle_t *)&ui->winch, NULL);
  }
}

void cli_ui_destroy(struct cli_ui *ui)
{
  if (!ui)
    return;
  if (editor == ui)
    editor = NULL;
  shared_release(ui->shared);
  free(ui);
}
