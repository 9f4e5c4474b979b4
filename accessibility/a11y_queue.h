/* The announcement queue: what self-voicing says next, one utterance at a
 * time.
 *  - Urgent items (your own state: muted, disconnected, your turn) go ahead
 *    of everything queued and interrupt what is being said; a newer urgent
 *    item of the same kind replaces a queued one ("unmuted" over "muted").
 *  - Room events wait in order. Joins (or leaves) still queued within
 *    coalesce_ms of each other merge into one item with a count, which the
 *    caller says as "5 people joined" instead of five sentences.
 *  - Silence drops what is being said and everything queued; repeat queues
 *    the last thing said again, urgently.
 * The queue only decides; the caller plays, and tells it when an item ended.
 * Times are the caller's milliseconds, so tests need no clock.
 * Not thread-safe: one thread (the client's loop). */
#ifndef A11Y_QUEUE_H
#define A11Y_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define A11Y_QUEUE_TEXT_MAX 512
#define A11Y_QUEUE_COALESCE_MS 1500

struct a11y_queue_item {
  int kind;      /* the caller's event kind: what coalesces and supersedes */
  bool urgent;   /* interrupts and goes first */
  bool coalesce; /* may merge with a queued item of the same kind */
  int count;     /* how many events this item stands for (push with 1) */
  uint64_t t_ms; /* when the last merged event arrived */
  char text[A11Y_QUEUE_TEXT_MAX]; /* what to say for a single event */
};

struct a11y_queue;

/* cap: how many items may wait (at least 2). When full, the oldest waiting
 * room event is dropped to make room, so the newest news is never lost. */
int a11y_queue_create(size_t cap, uint64_t coalesce_ms, struct a11y_queue **out);
void a11y_queue_destroy(struct a11y_queue *q);

/* Adds an item. *interrupt is set when the caller must stop the utterance
 * playing now (an urgent item arrived); the queue already counts it ended. */
int a11y_queue_push(struct a11y_queue *q, const struct a11y_queue_item *item, uint64_t now_ms,
                    bool *interrupt);
/* When nothing is playing and something waits: moves the next item to
 * "playing", copies it to *out and returns true. Never returns a second item
 * before a11y_queue_finished, so utterances cannot overlap. */
bool a11y_queue_start_next(struct a11y_queue *q, struct a11y_queue_item *out);
/* The playing item ended (it was heard in full). */
void a11y_queue_finished(struct a11y_queue *q);
bool a11y_queue_playing(const struct a11y_queue *q);
size_t a11y_queue_waiting(const struct a11y_queue *q);

/* Drops the playing item and every waiting one. */
void a11y_queue_silence(struct a11y_queue *q);
/* Queues the last item that started playing again, urgently (interrupting
 * like an urgent push). HX_ERR_NOT_FOUND when nothing was said yet. */
int a11y_queue_repeat(struct a11y_queue *q, uint64_t now_ms, bool *interrupt);

#endif
