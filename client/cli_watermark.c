#include "cli_watermark.h"

void cli_watermark_init(struct cli_watermark *w, size_t period)
{
  w->base = period + CLI_WATERMARK_SLACK;
  w->top = period + CLI_WATERMARK_MAX_SLACK;
  w->level = w->base;
  w->underrun_seen = 0;
  w->known = false;
  w->since_ms = 0;
}

bool cli_watermark_update(struct cli_watermark *w, unsigned long underruns, uint64_t now_ms)
{
  /* The first look only learns the count (and the time): the output may
   * have run dry before anything was there to fill it with. */
  if (!w->known) {
    w->known = true;
    w->underrun_seen = underruns;
    w->since_ms = now_ms;
    return false;
  }
  bool short_again = underruns > w->underrun_seen;
  w->underrun_seen = underruns;
  if (short_again) {
    w->since_ms = now_ms;
    if (w->level >= w->top)
      return false;
    w->level += CLI_WATERMARK_RAISE;
    if (w->level > w->top)
      w->level = w->top;
    return true;
  }
  if (w->level > w->base && now_ms - w->since_ms >= CLI_WATERMARK_QUIET_MS) {
    w->since_ms = now_ms;
    w->level = w->level - w->base > CLI_WATERMARK_LOWER ? w->level - CLI_WATERMARK_LOWER : w->base;
    return true;
  }
  return false;
}
