/* How much output the sound device keeps queued: as little as plays
 * without running dry on this machine. It starts at
 * CLI_DEVQUEUE_START_PERIODS device periods (5 ms); each time the device
 * runs out of output on CLI_DEVQUEUE_LIMIT separate occasions within
 * CLI_DEVQUEUE_WINDOW_MS, it asks for one period more, up to
 * CLI_DEVQUEUE_MAX_PERIODS (20 ms).
 *
 * Each period more is a trial. Stalls longer than any queue (a machine
 * stopped for 50 ms) run it dry whatever its size, and a queue that grew
 * for them only added delay, minute after minute of a call. So when the
 * device runs dry as often in the window after a growth as it did before
 * (CLI_DEVQUEUE_LIMIT occasions starting within CLI_DEVQUEUE_WINDOW_MS of
 * it), the queue goes back down that period, and grows no more for
 * CLI_DEVQUEUE_HOLD_MS, twice as long after each trial that failed. The
 * change is asked for right after the device ran dry: the reopen's click
 * falls in a gap that is already there. A period that helped is kept: a
 * machine that was too busy once is likely to be again, and each reopen
 * is a click. Plain data, no I/O: main (loop) thread only. */
#ifndef CLI_DEVQUEUE_H
#define CLI_DEVQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_DEVQUEUE_START_PERIODS 2
#define CLI_DEVQUEUE_MAX_PERIODS 8
#define CLI_DEVQUEUE_LIMIT 3
#define CLI_DEVQUEUE_WINDOW_MS 60000
#define CLI_DEVQUEUE_HOLD_MS 300000
/* Running dry again within this long of the last time is the same stall
 * (each late callback is flagged), not another occasion; and a stream just
 * started or reopened settles this long before it counts. */
#define CLI_DEVQUEUE_SAME_MS 1000

enum cli_devqueue_change {
  CLI_DEVQUEUE_KEEP, /* as it is */
  CLI_DEVQUEUE_MORE, /* a period more: the device kept running dry */
  CLI_DEVQUEUE_LESS, /* a period less: the one more did not help */
};

/* Embedded by value (nothing to allocate); fields are the module's. */
struct cli_devqueue {
  unsigned periods;            /* periods to keep queued now */
  unsigned long seen;          /* the device's running count at the last look */
  uint64_t at[CLI_DEVQUEUE_LIMIT]; /* when the recent occasions began, ms */
  unsigned occasions;          /* how many of at[] are in use */
  bool dry_before;             /* last_dry holds a time */
  uint64_t last_dry;           /* ms: the device last ran dry (what counted) */
  bool restarted;              /* the stream (re)started since the last look */
  uint64_t counts_from;        /* ms: running dry before this is settling */
  bool trying;                 /* periods grew at grew_at and is on trial */
  uint64_t grew_at;            /* ms */
  uint64_t hold_ms;            /* how long the next failed trial holds growth */
  uint64_t held_until;         /* ms: no growth before this */
};

void cli_devqueue_init(struct cli_devqueue *q);
/* After each look at the device: underflows is its running count of
 * callbacks that found the output run dry, now_ms any monotonic clock in
 * ms. Anything but KEEP changed q->periods: the caller reopens the stream
 * with it (and keeps counting on from the same running count). */
enum cli_devqueue_change cli_devqueue_update(struct cli_devqueue *q, unsigned long underflows,
                                             uint64_t now_ms);

#endif
