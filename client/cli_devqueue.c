#include "cli_devqueue.h"

#include <string.h>

void cli_devqueue_init(struct cli_devqueue *q)
{
  memset(q, 0, sizeof *q);
  q->periods = CLI_DEVQUEUE_START_PERIODS;
  q->restarted = true;
}

bool cli_devqueue_update(struct cli_devqueue *q, unsigned long underflows, uint64_t now_ms)
{
  bool ran_dry = underflows > q->seen;
  q->seen = underflows;
  /* A stream may run dry as it starts, before anything was late. */
  if (q->restarted) {
    q->restarted = false;
    q->counts_from = now_ms + CLI_DEVQUEUE_SAME_MS;
  }
  if (!ran_dry || now_ms < q->counts_from || q->periods >= CLI_DEVQUEUE_MAX_PERIODS)
    return false;
  bool same_stall = q->dry_before && now_ms - q->last_dry < CLI_DEVQUEUE_SAME_MS;
  q->dry_before = true;
  q->last_dry = now_ms;
  if (same_stall)
    return false;
  /* Only the occasions inside the window count. */
  unsigned kept = 0;
  for (unsigned i = 0; i < q->occasions; i++) {
    if (now_ms - q->at[i] < CLI_DEVQUEUE_WINDOW_MS)
      q->at[kept++] = q->at[i];
  }
  q->occasions = kept;
  if (q->occasions + 1 < CLI_DEVQUEUE_LIMIT) {
    q->at[q->occasions++] = now_ms;
    return false;
  }
  q->occasions = 0;
  q->periods++;
  q->restarted = true;
  return true;
}
