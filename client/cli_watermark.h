/* How far ahead of the output the loop mixes what it must mix itself
 * (speech and earcons): the output's period plus slack for loop ticks that
 * run late. Each time the output still finds nothing ready (a busy machine
 * held the loop up), the slack grows a step at once; after a quiet spell
 * with no more shortfalls it comes back down a smaller step at a time, as
 * a sound server's watermark does, so one stall early in a call does not
 * cost the rest of it 5 ms. Lowering it never drops sound: the loop just
 * mixes a little later. Plain data, no I/O: main (loop) thread only. */
#ifndef CLI_WATERMARK_H
#define CLI_WATERMARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_WATERMARK_SLACK 240      /* 5 ms to start with */
#define CLI_WATERMARK_MAX_SLACK 1440 /* 30 ms at most */
#define CLI_WATERMARK_RAISE 240      /* 5 ms more per underrun */
#define CLI_WATERMARK_LOWER 120      /* 2.5 ms less per quiet spell */
#define CLI_WATERMARK_QUIET_MS 10000 /* a quiet spell: 10 s */

/* Embedded by value (nothing to allocate); fields are the module's. */
struct cli_watermark {
  size_t base;  /* frames: the output's period plus the starting slack */
  size_t top;   /* frames: the period plus the most slack */
  size_t level; /* frames: how far ahead it mixes now */
  unsigned long underrun_seen; /* the output's underrun count last looked at */
  bool known;                  /* underrun_seen is from a look after the first fill */
  uint64_t since_ms;           /* the last raise or lower */
};

/* period: frames the output takes at once. */
void cli_watermark_init(struct cli_watermark *w, size_t period);
/* After each fill: underruns is the output's running count of samples it
 * found missing, now_ms any monotonic clock in ms. True when the level
 * changed (so the caller can say so). */
bool cli_watermark_update(struct cli_watermark *w, unsigned long underruns, uint64_t now_ms);

#endif
