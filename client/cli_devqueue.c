#include "cli_devqueue.h"

#include <string.h>

void cli_devqueue_init(struct cli_devqueue *q)
{
  memset(q, 0, sizeof *q);
  q->periods = CLI_DEVQUEUE_START_PERIODS;
  q->restarted = true;
  q->hold_ms = CLI_DEVQUEUE_HOLD_MS;
}

/* The stream is reopened with q->periods: what it ran dry before is not
 * the new size's to answer for. */
static void reopened(struct cli_devqueue *q)
{
  q->occasions = 0;
  q->restarted = true;
}

enum cli_devqueue_change cli_devqueue_update(struct cli_devqueue *q, unsigned long underflows,
                                             uint64_t now_ms)
{
  bool ran_dry = underflows > q->seen;
  q->seen = underflows;
  /* A stream may run dry as it starts, before anything was late. */
  if (q->restarted) {
    q->restarted = false;
    q->counts_from = now_ms + CLI_DEVQUEUE_SAME_MS;
  }
  if (!ran_dry || now_ms < q->counts_from)
    return CLI_DEVQUEUE_KEEP;
  bool same_stall = q->dry_before && now_ms - q->last_dry < CLI_DEVQUEUE_SAME_MS;
  q->dry_before = true;
  q->last_dry = now_ms;
  if (same_stall)
    return CLI_DEVQUEUE_KEEP;
  /* Only the occasions inside the window count. */
  unsigned kept = 0;
  for (unsigned i = 0; i < q->occasions; i++) {
    if (now_ms - q->at[i] < CLI_DEVQUEUE_WINDOW_MS)
      q->at[kept++] = q->at[i];
  }
  q->occasions = kept;
  if (q->occasions + 1 < CLI_DEVQUEUE_LIMIT) {
    q->at[q->occasions++] = now_ms;
    return CLI_DEVQUEUE_KEEP;
  }
  if (q->trying && q->at[0] - q->grew_at < CLI_DEVQUEUE_WINDOW_MS) {
    q->trying = false;
    q->periods--;
    q->held_until = now_ms + q->hold_ms;
    q->hold_ms *= 2;
    reopened(q);
    return CLI_DEVQUEUE_LESS;
  }
  q->trying = false;
  if (now_ms < q->held_until || q->periods >= CLI_DEVQUEUE_MAX_PERIODS) {
    /* The window starts again: three more occasions make the next case. */
    q->occasions = 0;
    return CLI_DEVQUEUE_KEEP;
  }
  q->periods++;
  q->trying = true;
  q->grew_at = now_ms;
  reopened(q);
  return CLI_DEVQUEUE_MORE;
}
