#include "cli_ui.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
};

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

int cli_ui_create(uv_loop_t *loop, FILE *in, bool owns_in, void (*wake)(void *userdata),
                  void *userdata, struct cli_ui **out)
{
  *out = NULL;
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
  if (uv_async_init(loop, &ui->async, on_async) < 0) {
    shared_release(sh);
    free(ui);
    return HX_ERR_IO;
  }
  ui->async.data = ui;
  *out = ui;
  return HX_OK;
}

/* Reader side: waits for room, queues, wakes the loop. False once closed. */
static bool enqueue(struct ui_shared *sh, enum cli_ui_item item, const char *line)
{
  pthread_mutex_lock(&sh->lock);
  while (!sh->closed && sh->count == CLI_UI_QUEUE_MAX)
    pthread_cond_wait(&sh->space, &sh->lock);
  bool open = !sh->closed;
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

int cli_ui_start(struct cli_ui *ui)
{
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
}

void cli_ui_destroy(struct cli_ui *ui)
{
  if (!ui)
    return;
  shared_release(ui->shared);
  free(ui);
}
