#include "a11y_queue.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"

struct a11y_queue {
  size_t cap;
  size_t count;
  uint64_t coalesce_ms;
  bool playing;
  bool have_last;
  struct a11y_queue_item last; /* the last item that started playing */
  struct a11y_queue_item items[]; /* waiting, in the order they will play */
};

int a11y_queue_create(size_t cap, uint64_t coalesce_ms, struct a11y_queue **out)
{
  *out = NULL;
  if (cap < 2 || cap > 1024)
    return HX_ERR_INVALID;
  struct a11y_queue *q = calloc(1, sizeof *q + cap * sizeof q->items[0]);
  if (!q)
    return HX_ERR_NOMEM;
  q->cap = cap;
  q->coalesce_ms = coalesce_ms;
  *out = q;
  return HX_OK;
}

void a11y_queue_destroy(struct a11y_queue *q) { free(q); }

static void remove_at(struct a11y_queue *q, size_t i)
{
  memmove(&q->items[i], &q->items[i + 1], (q->count - i - 1) * sizeof q->items[0]);
  q->count--;
}

static void insert_at(struct a11y_queue *q, size_t i, const struct a11y_queue_item *item)
{
  memmove(&q->items[i + 1], &q->items[i], (q->count - i) * sizeof q->items[0]);
  q->items[i] = *item;
  q->count++;
}

/* Makes room for one more: the oldest room event goes first, an urgent item
 * only when nothing else waits. */
static void make_room(struct a11y_queue *q)
{
  if (q->count < q->cap)
    return;
  for (size_t i = 0; i < q->count; i++) {
    if (!q->items[i].urgent) {
      remove_at(q, i);
      return;
    }
  }
  remove_at(q, 0);
}

static void push_urgent(struct a11y_queue *q, const struct a11y_queue_item *item, bool *interrupt)
{
  for (size_t i = 0; i < q->count; i++) {
    if (q->items[i].urgent && q->items[i].kind == item->kind) {
      remove_at(q, i);
      break;
    }
  }
  make_room(q);
  size_t at = 0;
  while (at < q->count && q->items[at].urgent)
    at++;
  insert_at(q, at, item);
  if (q->playing) {
    q->playing = false;
    *interrupt = true;
  }
}

int a11y_queue_push(struct a11y_queue *q, const struct a11y_queue_item *item, uint64_t now_ms,
                    bool *interrupt)
{
  *interrupt = false;
  if (item->count < 1)
    return HX_ERR_INVALID;
  struct a11y_queue_item copy = *item;
  copy.t_ms = now_ms;
  copy.text[sizeof copy.text - 1] = '\0';
  if (copy.urgent) {
    push_urgent(q, &copy, interrupt);
    return HX_OK;
  }
  if (copy.coalesce) {
    for (size_t i = q->count; i-- > 0;) {
      struct a11y_queue_item *w = &q->items[i];
      if (w->coalesce && w->kind == copy.kind && now_ms - w->t_ms <= q->coalesce_ms) {
        w->count += copy.count;
        w->t_ms = now_ms;
        memcpy(w->text, copy.text, sizeof w->text);
        return HX_OK;
      }
    }
  }
  make_room(q);
  insert_at(q, q->count, &copy);
  return HX_OK;
}

bool a11y_queue_start_next(struct a11y_queue *q, struct a11y_queue_item *out)
{
  if (q->playing || q->count == 0)
    return false;
  *out = q->items[0];
  q->last = q->items[0];
  q->have_last = true;
  remove_at(q, 0);
  q->playing = true;
  return true;
}

void a11y_queue_finished(struct a11y_queue *q) { q->playing = false; }

bool a11y_queue_playing(const struct a11y_queue *q) { return q->playing; }

size_t a11y_queue_waiting(const struct a11y_queue *q) { return q->count; }

void a11y_queue_silence(struct a11y_queue *q)
{
  q->playing = false;
  q->count = 0;
}

int a11y_queue_repeat(struct a11y_queue *q, uint64_t now_ms, bool *interrupt)
{
  *interrupt = false;
  if (!q->have_last)
    return HX_ERR_NOT_FOUND;
  struct a11y_queue_item again = q->last;
  again.urgent = true;
  again.coalesce = false;
  again.t_ms = now_ms;
  push_urgent(q, &again, interrupt);
  return HX_OK;
}
