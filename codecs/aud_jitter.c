/* Per-speaker jitter buffer: a small table of packets keyed by RTP
 * timestamp and a playout point in the sender's timeline.
 *
 * Why not speexdsp's JitterBuffer any more: it fixes the playout step at
 * create (a 20 ms receiver heard half of a 10 ms sender), offers no way to
 * look at the next packet for Opus FEC, and its automatic delay shrinking
 * drops audio wherever the estimate says, speech included. Here every
 * timestamp comparison is a signed 32-bit difference, so RTP timestamps
 * wrap past 2^32 freely; see aud_jitter.h for the delay rules. */
#include "aud_jitter.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"

/* Arrivals per headroom window: about a second of 20 ms packets. */
#define JITTER_WINDOW 50
/* Headroom the buffer aims to keep for the earliest arrival of a window:
 * at least a piece (2.5 ms), so the earliest arrival is here a pull before
 * it is needed, plus a margin for arrivals later than any the window saw.
 * The margin starts at a step (a 5 ms floor), grows a step each time a
 * packet comes after it was needed, and is let go a step at a time after
 * JITTER_CALM_WINDOWS windows in a row with no packet late: a quiet path
 * plays 2.5 ms sooner, a wobbly one keeps up to 7.5 ms. Silence is
 * inserted only a step below the floor (pad_below): one arrival held up by
 * a busy machine is not drift, and padding for it would ratchet the delay
 * up a step at a time. */
#define JITTER_LEAST_HEADROOM AUD_JITTER_STEP
#define JITTER_START_MARGIN AUD_JITTER_STEP
#define JITTER_MOST_MARGIN (2 * AUD_JITTER_STEP)
#define JITTER_CALM_WINDOWS 4
/* A step more than the floor is spare delay, cut a step at a time in
 * pauses, once JITTER_SPARE_RUN windows in a row have had it. A step, so
 * a cut lands inside the band and is never undone by an insert; several
 * windows, since one window's minimum wobbles under network jitter, and
 * cutting on a lucky second only to grow again mid-sentence shifts every
 * phrase against the one before. */
#define JITTER_SPARE_RUN 3
/* Windows kept to measure drift: two to four seconds. */
#define JITTER_HISTORY 4
/* A sender whose clock runs slow drains the headroom all through a phrase,
 * and silence can be inserted only in pauses: the floor is raised by what
 * the recent drift would drain in this long (a long phrase), up to two
 * units (1 % drift). */
#define JITTER_DRAIN_HORIZON (3 * AUD_RATE)
#define JITTER_MAX_DRAIN (2 * AUD_JITTER_UNIT)
/* A missing packet with nothing after it holds the playout point (the
 * delay grows, Opus conceals) at most this many units in a row: a burst of
 * lost packets on a busy wireless link lasts up to about 100 ms, often
 * more, and concealment fades slowly (aud_opus), so bridging it sounds like
 * a blur rather than a hole in a word; past 160 ms the speaker is more
 * likely quiet (DTX) than late, and the timeline moves on in silence. */
#define JITTER_MAX_HOLD 16
/* Most delay one late arrival may add at once (80 ms): more than any
 * network a conversation survives, and a bound on a forged timestamp. */
#define JITTER_MAX_GROW (8 * AUD_JITTER_UNIT)
/* Timestamps of the packets played last (or recovered whole from the next
 * one's FEC), so a network duplicate of one of them, or a packet swapped
 * with its successor, does not grow the delay: nothing was lost to it, and
 * growing would shift the rest of the speech for no gain. */
#define JITTER_PLAYED 8
/* Delay is adjusted only this far into a run of non-voice packets: a pause
 * between phrases, not the gap inside a word, so speech keeps its rhythm. */
#define JITTER_PAUSE_SAMPLES 4800
/* Our pulls behind the clock count as lag once they have stayed behind
 * this long: a late pull is caught up on within the device's queue (20 ms
 * at most, cli_devqueue.h), lost time never is. */
#define JITTER_LAG_HOLD (4 * AUD_JITTER_UNIT)
/* Lag is counted from the earliest our pulls have come, and they wobble
 * later than that by a millisecond or two all the time; only a step this
 * big is a stall or drift (headroom is already measured against the
 * earliest pull, so counting the wobble would cut it twice). */
#define JITTER_LAG_MIN (2 * AUD_JITTER_STEP)
/* Our pulls stopping this much longer than they played is a stall of
 * ours (a device callback waits 15 ms at worst in the ordinary way, on a
 * busy machine): packets read while it lasted, or just after, may have
 * waited in the socket through it, read late by as much, and their
 * headroom says nothing of the network. Counting them held back, after
 * each stall of a listener whose speaker was quiet, the time it lost:
 * ten 200 ms stalls left 200 ms more delay into the next talk spurt. */
#define JITTER_STALL (2 * AUD_JITTER_UNIT)
#define JITTER_READ_SLACK AUD_JITTER_UNIT
/* Opus conceals and recovers in whole 2.5 ms steps. */
#define JITTER_CONCEAL_STEP 120

struct slot {
  bool used;
  bool voice;
  uint32_t ts;
  uint32_t span;
  uint32_t arrival;
  size_t len;
  uint8_t data[AUD_MAX_PACKET];
};

struct aud_jitter {
  bool started;
  bool idle;        /* no packet for AUD_JITTER_IDLE_SAMPLES: resync next */
  uint32_t play_ts; /* next sample to play, in the sender's timeline */
  uint32_t missing; /* samples concealed since the last packet played */
  unsigned holds;   /* units held in a row */
  uint32_t grow;    /* delay still to add, asked for by late arrivals */
  uint32_t played[JITTER_PLAYED]; /* ring of timestamps played last */
  unsigned played_at;
  uint32_t lead;    /* silence still to play before a new stream starts */
  uint32_t quiet;   /* samples of non-voice packets played in a row */
  uint32_t pull_now; /* receiver clock at the last get */
  uint32_t pull_pos; /* sender sample heard at pull_now */
  uint32_t pull_queued; /* what the caller held then */
  uint32_t given;    /* samples handed out, all told (wraps) */
  bool paced;        /* pace_now and pace_out are from an earlier get */
  uint32_t pace_now; /* receiver clock at the last get */
  uint32_t pace_out; /* samples the caller had played by then */
  int32_t lag;       /* how far the pulls have fallen behind the clock */
  int32_t lag_then;  /* lag at lag_at */
  uint32_t lag_at;   /* receiver clock when lag was last compared */
  int32_t lag_seen;  /* lag the headroom figures have been moved by */
  bool stalled;       /* stall_from and stall_to hold our last stall */
  uint32_t stall_from; /* receiver clock: our pulls stopped */
  uint32_t stall_to;   /* and went on */
  int32_t known;     /* delay known to be spare: cut without waiting */
  int32_t margin;    /* headroom kept above JITTER_LEAST_HEADROOM */
  unsigned calm;     /* windows in a row with no packet late */
  bool was_late;     /* a packet came late in the window still open */
  /* Headroom of packets played: how long before it was needed each one
   * arrived, in samples. */
  int32_t win_min;
  int32_t win_second; /* the second smallest, once win_n >= 2 */
  unsigned win_n;
  bool have_last;
  int32_t last_min; /* smallest headroom of the last complete window */
  int32_t last_second; /* and its second smallest */
  int32_t history[JITTER_HISTORY]; /* smallest headroom of recent windows */
  uint32_t history_at[JITTER_HISTORY]; /* receiver clock when each ended */
  unsigned history_n;
  int32_t drain;      /* headroom the recent drift drains (measure_drain) */
  unsigned spare_run; /* windows in a row with spare headroom */
  unsigned windows;   /* complete windows since the last resync */
  uint32_t span_seen; /* span of the last packet stored */
  bool lossy;         /* packets are being lost: keep one more for its FEC */
  struct aud_jitter_stats stats;
  struct slot slots[AUD_JITTER_SLOTS];
};

static int32_t ts_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }

int aud_jitter_create(struct aud_jitter **out)
{
  if (!out)
    return HX_ERR_INVALID;
  *out = calloc(1, sizeof **out);
  if (!*out)
    return HX_ERR_NOMEM;
  (*out)->margin = JITTER_START_MARGIN;
  return HX_OK;
}

void aud_jitter_destroy(struct aud_jitter *j) { free(j); }

static void resync(struct aud_jitter *j, uint32_t ts)
{
  for (size_t i = 0; i < AUD_JITTER_SLOTS; i++)
    j->slots[i].used = false;
  j->started = true;
  j->idle = false;
  /* Start a step more than the floor behind the first packet (it may
   * itself have been early): inside the band, so the first pause neither
   * pads nor cuts. */
  j->lead = JITTER_LEAST_HEADROOM + (uint32_t)j->margin + AUD_JITTER_STEP;
  j->play_ts = ts - j->lead;
  j->missing = 0;
  j->holds = 0;
  j->grow = 0;
  j->quiet = 0;
  j->win_n = 0;
  j->have_last = false;
  j->history_n = 0;
  j->drain = 0;
  j->spare_run = 0;
  j->known = 0;
  j->windows = 0;
  j->stats.resyncs++;
}

/* Every later arrival's headroom moves by delta once the playout point
 * moves by -delta, so the measured window follows the decision at once
 * instead of deciding twice on stale numbers. */
static void shift_headroom(struct aud_jitter *j, int32_t delta)
{
  j->win_min += delta;
  j->win_second += delta;
  j->last_min += delta;
  j->last_second += delta;
  for (size_t i = 0; i < JITTER_HISTORY; i++)
    j->history[i] += delta;
}

/* The headroom to keep: on a lossy path one packet more, so that when
 * one is lost the next is usually here already and its in-band FEC
 * rebuilds it, instead of concealment guessing. */
static int32_t floor_headroom(const struct aud_jitter *j)
{
  return JITTER_LEAST_HEADROOM + j->margin + (j->lossy ? (int32_t)j->span_seen : 0);
}

/* A packet came after it was needed: the margin did not cover it. */
static void note_late(struct aud_jitter *j)
{
  j->was_late = true;
  j->calm = 0;
  if (j->margin < JITTER_MOST_MARGIN)
    j->margin += AUD_JITTER_STEP;
}

/* A window closed: after JITTER_CALM_WINDOWS with nothing late, a step of
 * margin is let go, and the step of delay it kept is spare at once. */
static void note_calm(struct aud_jitter *j)
{
  j->calm = j->was_late ? 0 : j->calm + 1;
  j->was_late = false;
  if (j->calm < JITTER_CALM_WINDOWS || j->margin == 0)
    return;
  j->calm = 0;
  j->margin -= AUD_JITTER_STEP;
  j->known += AUD_JITTER_STEP;
}

/* Headroom the recent drift would drain over JITTER_DRAIN_HORIZON. Each
 * window's smallest headroom is compared with the one before (inserts and
 * cuts shift them all alike, so only the sender's clock moves them apart):
 * a clock drains every window, so unless each one is lower than the last
 * there is no drift, and then the middle one of the three drops counts.
 * An arrival held up by a busy machine drops one window and the next
 * comes back; wobbly arrivals rarely fall four windows in a row. Worked
 * out as each window closes: shift_headroom moves every window alike, so
 * nothing else changes it. */
static int32_t measure_drain(const struct aud_jitter *j)
{
  if (j->history_n < JITTER_HISTORY)
    return 0;
  int64_t rate[JITTER_HISTORY - 1];
  for (unsigned k = 1; k < JITTER_HISTORY; k++) {
    size_t older = (j->history_n + k - 1) % JITTER_HISTORY;
    size_t newer = (j->history_n + k) % JITTER_HISTORY;
    int64_t lost = (int64_t)j->history[older] - j->history[newer];
    int64_t over = (int32_t)(j->history_at[newer] - j->history_at[older]);
    if (lost <= 0 || over <= 0)
      return 0;
    rate[k - 1] = lost * JITTER_DRAIN_HORIZON / over;
  }
  int64_t lo = rate[0] < rate[1] ? rate[0] : rate[1];
  int64_t hi = rate[0] < rate[1] ? rate[1] : rate[0];
  int64_t mid = rate[2] < lo ? lo : rate[2] > hi ? hi : rate[2];
  /* Less than a step is the windows' own wobble, not a clock: 0.08 %
   * drift and below is left to the band. */
  if (mid < AUD_JITTER_STEP)
    return 0;
  return mid > JITTER_MAX_DRAIN ? JITTER_MAX_DRAIN : (int32_t)mid;
}

static void note_headroom(struct aud_jitter *j, int32_t h, uint32_t now)
{
  if (j->win_n == 0) {
    j->win_min = h;
    j->win_second = h;
  } else if (h < j->win_min) {
    j->win_second = j->win_min;
    j->win_min = h;
  } else if (j->win_n == 1 || h < j->win_second) {
    j->win_second = h;
  }
  if (++j->win_n >= JITTER_WINDOW) {
    j->last_min = j->win_min;
    j->last_second = j->win_second;
    j->have_last = true;
    j->history[j->history_n % JITTER_HISTORY] = j->win_min;
    j->history_at[j->history_n++ % JITTER_HISTORY] = now;
    note_calm(j);
    /* The delay a stream starts with hangs on when its first packet
     * happened to come; its first window is the first real measure. */
    bool spare = j->win_min >= floor_headroom(j) + AUD_JITTER_STEP;
    j->spare_run = !spare ? 0 : j->windows == 0 ? JITTER_SPARE_RUN : j->spare_run + 1;
    j->windows++;
    j->drain = measure_drain(j);
    j->win_n = 0;
  }
}

/* The smallest headroom since the last complete window began: a sender
 * whose clock runs slow drains the buffer all through a phrase, so the
 * window still open is the one that says how little is left. */
static int32_t recent_min(const struct aud_jitter *j)
{
  return j->win_n > 0 && j->win_min < j->last_min ? j->win_min : j->last_min;
}

/* The same, leaving out the one smallest of each window: what the pause
 * is padded for. One arrival held up (a busy sender, a hiccup on the
 * path) says nothing of the clocks, and padding for each one ratcheted
 * the delay up a step at a time. A slow clock or a slower path lowers
 * every arrival, the second smallest too. */
static int32_t recent_second(const struct aud_jitter *j)
{
  return j->win_n > 1 && j->win_second < j->last_second ? j->win_second : j->last_second;
}

/* Headroom below which a pause gets silence inserted: a step under the
 * floor while no clock drains it (a busy machine's wobble stays inside the
 * band), but never under a piece, or a slow sender's packets would come
 * too late before it was padded for; the floor and what the drift will
 * drain while one does. */
static int32_t pad_below(const struct aud_jitter *j)
{
  if (j->drain > 0)
    return floor_headroom(j) + j->drain;
  int32_t below = floor_headroom(j) - AUD_JITTER_STEP;
  return below > JITTER_LEAST_HEADROOM ? below : JITTER_LEAST_HEADROOM;
}

/* Delay to spare: windows in a row have had it, and the headroom left
 * since (after any cut already made) still has it, with what a slow
 * sender's drift will drain kept back. */
static bool has_spare(const struct aud_jitter *j)
{
  bool shown = j->spare_run >= JITTER_SPARE_RUN || j->known >= AUD_JITTER_STEP;
  return shown && recent_min(j) >= floor_headroom(j) + AUD_JITTER_STEP + j->drain;
}

/* How much of the delay to spare (has_spare) may go at once, in whole
 * steps, at most `most`: all the headroom the recent arrivals had above
 * the floor (and the drift's drain), so the cut lands inside the band
 * just as a step at a time would, only sooner; unless windows have shown
 * it, no more than is known to be spare. */
static uint32_t spare_now(const struct aud_jitter *j, uint32_t most)
{
  int32_t over = recent_min(j) - floor_headroom(j) - j->drain;
  if (j->spare_run < JITTER_SPARE_RUN && j->known < over)
    over = j->known;
  uint32_t n = (uint32_t)over / AUD_JITTER_STEP * AUD_JITTER_STEP;
  n = n < most ? n : most;
  return n > AUD_JITTER_STEP ? n : AUD_JITTER_STEP;
}

static void cut(struct aud_jitter *j, uint32_t n)
{
  shift_headroom(j, -(int32_t)n);
  j->known = j->known > (int32_t)n ? j->known - (int32_t)n : 0;
  j->stats.shrunk += n / AUD_JITTER_STEP;
}

/* An arrival after (or right at) its playout time shows the network's
 * jitter is more than the delay kept: ask at once for as much more as this
 * one lacked plus the floor, rather than a step per late packet, so the
 * next packets as late as this one play instead of being concealed. No
 * more than that, in whole steps: what is added mid-speech shifts every
 * word after it, and a listener (or a comparison with what was said)
 * hears a small shift least. h is its headroom against what is heard,
 * ahead against the playout point; whichever says it was later counts. */
static void ask_to_grow(struct aud_jitter *j, int32_t h, int32_t ahead)
{
  int32_t lateness = -h > -ahead ? -h : -ahead;
  if (lateness <= 0)
    return;
  uint32_t need = (uint32_t)lateness + (uint32_t)floor_headroom(j);
  uint32_t want = (need + AUD_JITTER_STEP - 1) / AUD_JITTER_STEP * AUD_JITTER_STEP;
  if (want > JITTER_MAX_GROW)
    want = JITTER_MAX_GROW;
  if (want > j->grow)
    j->grow = want;
}

/* The stored packet covering the playout point, or NULL. */
static struct slot *slot_at(struct aud_jitter *j)
{
  for (size_t i = 0; i < AUD_JITTER_SLOTS; i++) {
    struct slot *s = &j->slots[i];
    if (s->used && ts_diff(s->ts, j->play_ts) <= 0 && ts_diff(s->ts + s->span, j->play_ts) > 0)
      return s;
  }
  return NULL;
}

/* The earliest stored packet after the playout point, or NULL. */
static struct slot *slot_next(struct aud_jitter *j)
{
  struct slot *best = NULL;
  for (size_t i = 0; i < AUD_JITTER_SLOTS; i++) {
    struct slot *s = &j->slots[i];
    if (s->used && ts_diff(s->ts, j->play_ts) > 0 && (!best || ts_diff(s->ts, best->ts) < 0))
      best = s;
  }
  return best;
}

static bool was_played(const struct aud_jitter *j, uint32_t ts)
{
  for (size_t i = 0; i < JITTER_PLAYED; i++) {
    if (j->played[i] == ts)
      return true;
  }
  return false;
}

int aud_jitter_put(struct aud_jitter *j, const uint8_t *payload, size_t len, uint32_t timestamp,
                   uint32_t span, bool voice, uint32_t now)
{
  if (!j || !payload || len == 0 || span == 0)
    return HX_ERR_INVALID;
  if (len > AUD_MAX_PACKET || span > AUD_JITTER_MAX_SPAN)
    return HX_ERR_TOO_BIG;
  int32_t ahead = ts_diff(timestamp, j->play_ts);
  /* After a pause the timeline has kept running (the sender's timestamps
   * advance through DTX), so a new talk spurt keeps the delay it had; only
   * one that would already be late, or a jump, starts afresh. */
  if (!j->started || (j->idle && ahead < 0) || ahead > AUD_JITTER_JUMP_SAMPLES ||
      ahead < -AUD_JITTER_JUMP_SAMPLES) {
    resync(j, timestamp);
    j->pull_now = now;
    j->pull_pos = j->play_ts;
  }
  /* The units held for a packet that never came back were a pause (DTX
   * before the idle limit), not lateness: give them back, so a short pause
   * does not leave the next phrase later than the last. */
  if (j->holds > 0 && ahead >= (int32_t)(j->holds * AUD_JITTER_UNIT) && !slot_at(j)) {
    j->play_ts += j->holds * AUD_JITTER_UNIT;
    shift_headroom(j, -(int32_t)(j->holds * AUD_JITTER_UNIT));
    j->holds = 0;
  }
  /* Headroom: how long before it is heard this packet arrived. */
  int32_t h = ts_diff(timestamp, j->pull_pos + (now - j->pull_now));
  bool late = ts_diff(timestamp + span, j->play_ts) <= 0;
  /* Only a packet really missed grows the delay: headroom against what is
   * heard wobbles by a device period on a clean network. */
  if (late && !was_played(j, timestamp)) {
    ask_to_grow(j, h, ts_diff(timestamp, j->play_ts));
    note_late(j);
  }
  /* The packet the playout point is held for came after all. */
  if (!late && j->holds > 0 && ts_diff(timestamp, j->play_ts) <= 0)
    note_late(j);
  if (late) {
    j->stats.late++;
    return HX_ERR_AGAIN;
  }
  struct slot *free_slot = NULL;
  for (size_t i = 0; i < AUD_JITTER_SLOTS; i++) {
    struct slot *s = &j->slots[i];
    if (s->used && s->ts == timestamp) {
      j->stats.duplicates++;
      return HX_ERR_EXISTS;
    }
    if (!s->used && !free_slot)
      free_slot = s;
  }
  if (!free_slot)
    return HX_ERR_FULL;
  j->idle = false;
  free_slot->used = true;
  free_slot->voice = voice;
  free_slot->ts = timestamp;
  free_slot->span = span;
  free_slot->arrival = now;
  free_slot->len = len;
  memcpy(free_slot->data, payload, len);
  j->span_seen = span;
  return HX_OK;
}

/* Forgets packets the playout point has passed (left over after a skip). */
static void drop_passed(struct aud_jitter *j)
{
  for (size_t i = 0; i < AUD_JITTER_SLOTS; i++) {
    struct slot *s = &j->slots[i];
    if (s->used && ts_diff(s->ts + s->span, j->play_ts) <= 0)
      s->used = false;
  }
}

static int give_silence(struct aud_jitter_out *out, uint32_t span, bool idle)
{
  out->kind = AUD_JITTER_SILENCE;
  out->span = span;
  out->idle = idle;
  return HX_ERR_NOT_FOUND;
}

static int give_packet(struct aud_jitter *j, struct slot *s, struct aud_jitter_out *out)
{
  out->kind = AUD_JITTER_PACKET;
  out->timestamp = j->play_ts;
  out->skip = (uint32_t)ts_diff(j->play_ts, s->ts);
  out->span = s->span - out->skip;
  /* Its headroom: how long before its first sample was needed it came,
   * less any lag of the pulls not yet counted (see note_pace). */
  int32_t needed = (int32_t)(j->pull_now + j->pull_queued - out->skip - s->arrival);
  int32_t headroom = needed - (j->lag - j->lag_seen);
  bool read_in_stall = j->stalled && ts_diff(s->arrival, j->stall_from) >= 0 &&
                       ts_diff(s->arrival, j->stall_to + JITTER_READ_SLACK) <= 0;
  if (!read_in_stall)
    note_headroom(j, headroom, j->pull_now);
  /* Units held for it that it did not need (it came a little late, not
   * a unit late) are spare at once: no later window has to show them. */
  if (j->holds > 0 && headroom > floor_headroom(j)) {
    int32_t over = headroom - floor_headroom(j);
    int32_t held = (int32_t)(j->holds * AUD_JITTER_UNIT);
    j->known += over < held ? over : held;
  }
  out->len = s->len;
  memcpy(out->data, s->data, s->len);
  j->play_ts = s->ts + s->span;
  j->played[j->played_at++ % JITTER_PLAYED] = s->ts;
  j->missing = 0;
  j->holds = 0;
  j->quiet = s->voice ? 0 : j->quiet + s->span;
  s->used = false;
  return HX_OK;
}

/* Nothing covers the playout point but a later packet has arrived: the
 * gap up to it is lost. Its FEC holds the frame just before it, so a gap
 * of one frame is recovered whole; a longer one is concealed first. */
static int give_gap(struct aud_jitter *j, struct slot *next, struct aud_jitter_out *out)
{
  uint32_t gap = (uint32_t)ts_diff(next->ts, j->play_ts);
  if (gap < JITTER_CONCEAL_STEP) {
    /* A sender whose timestamps are not whole steps apart: play the next
     * packet a little early rather than conceal a sliver. */
    j->play_ts = next->ts;
    return give_packet(j, next, out);
  }
  out->kind = AUD_JITTER_LOST;
  uint32_t span = gap > AUD_MAX_FRAME_SAMPLES ? gap - AUD_MAX_FRAME_SAMPLES : gap;
  /* A gap just over a frame (timestamps not in whole frames since the
   * playout point, as after a pause) would leave a sliver rounded to
   * nothing, and a playout point that never moves on. */
  if (span < JITTER_CONCEAL_STEP)
    span = gap;
  if (span > AUD_MAX_FRAME_SAMPLES)
    span = AUD_MAX_FRAME_SAMPLES;
  span -= span % JITTER_CONCEAL_STEP;
  out->span = span;
  if (span == gap && next->span == gap) {
    j->played[j->played_at++ % JITTER_PLAYED] = j->play_ts;
    out->len = next->len;
    memcpy(out->data, next->data, next->len);
  }
  j->play_ts += span;
  j->missing += span;
  return HX_ERR_AGAIN;
}

/* Nobody is talking: the timeline runs on, a step at a time (what the
 * caller holds of it is delay the first packet of the next talk spurt
 * waits behind), and this is where spare delay is cut or missing cushion
 * added, since no one can hear it. */
static int idle_step(struct aud_jitter *j, struct aud_jitter_out *out)
{
  /* Cushion is added here only when packets were really late: a pause
   * packet is a better place for that, and DTX pauses are short. */
  if (has_spare(j)) {
    j->play_ts += 2 * AUD_JITTER_STEP;
    cut(j, AUD_JITTER_STEP);
  } else if (j->have_last && j->last_second < 0) {
    shift_headroom(j, AUD_JITTER_STEP);
    j->stats.inserted++;
  } else {
    j->play_ts += AUD_JITTER_STEP;
  }
  drop_passed(j);
  return give_silence(out, AUD_JITTER_STEP, true);
}

/* Our own pulls falling behind the clock (the output stalled and lost
 * that time, or its device runs slow) is delay the network did not add:
 * every packet after it arrives that much earlier than it is needed. It
 * is measured here, as the clock time between gets less the samples
 * played in it. What has held for JITTER_LAG_HOLD, and is at least
 * JITTER_LAG_MIN more than already counted, moves every headroom
 * figure at once, and may be cut in the next pause without waiting for
 * windows to show it. Pulls ahead of the clock are not lag: they are
 * taken as the new start. */
static void note_pace(struct aud_jitter *j, uint32_t now, uint32_t queued)
{
  uint32_t played = j->given - queued;
  int32_t elapsed = (int32_t)(now - j->pace_now);
  /* A gap between gets longer than the idle limit is lost time all the
   * same (a machine stopped for it); one past a sender restart is not
   * worth measuring, the next packet starts afresh anyway. */
  if (j->paced && elapsed >= 0 && elapsed <= AUD_JITTER_JUMP_SAMPLES) {
    int32_t behind = elapsed - (int32_t)(played - j->pace_out);
    int32_t lag = j->lag + behind;
    j->lag = lag < 0 ? 0 : lag;
    if (behind >= JITTER_STALL) {
      j->stalled = true;
      j->stall_from = j->pace_now;
      j->stall_to = now;
    }
  } else {
    j->lag_then = j->lag;
    j->lag_at = now;
  }
  j->paced = true;
  j->pace_now = now;
  j->pace_out = played;
  if ((int32_t)(now - j->lag_at) < JITTER_LAG_HOLD)
    return;
  int32_t lo = j->lag < j->lag_then ? j->lag : j->lag_then;
  int32_t hi = j->lag < j->lag_then ? j->lag_then : j->lag;
  int32_t delta = lo >= j->lag_seen + JITTER_LAG_MIN ? lo - j->lag_seen
                  : hi < j->lag_seen                 ? hi - j->lag_seen
                                                     : 0;
  j->lag_then = j->lag;
  j->lag_at = now;
  if (delta == 0)
    return;
  shift_headroom(j, delta);
  j->lag_seen += delta;
  j->known = j->known + delta > 0 ? j->known + delta : 0;
}

static int get_piece(struct aud_jitter *j, uint32_t now, uint32_t queued,
                     struct aud_jitter_out *out)
{
  j->pull_now = now;
  j->pull_queued = queued;
  j->pull_pos = j->play_ts - queued;
  out->skip = 0;
  out->len = 0;
  out->idle = false;
  out->timestamp = j->play_ts;
  if (!j->started)
    return give_silence(out, AUD_JITTER_STEP, true);
  if (j->idle)
    return idle_step(j, out);
  if (j->lead > 0) {
    uint32_t n = j->lead < AUD_JITTER_UNIT ? j->lead : AUD_JITTER_UNIT;
    j->lead -= n;
    j->play_ts += n;
    return give_silence(out, n, false);
  }

  struct slot *s = slot_at(j);
  if (j->grow > 0 && (s || slot_next(j))) {
    /* Delay asked for by a late arrival is added now, mid-speech if need
     * be: concealment (silence in a pause) while the playout point stands
     * still, instead of concealing every late packet. All of it at once:
     * libopus conceals a stretch cut into 2.5 ms pieces with near silence
     * between them, a hole in a held vowel. */
    uint32_t n = j->grow;
    j->grow = 0;
    shift_headroom(j, (int32_t)n);
    j->stats.grown += n / AUD_JITTER_STEP;
    if (s && !s->voice)
      return give_silence(out, n, false);
    out->kind = AUD_JITTER_LOST;
    out->span = n;
    return HX_ERR_AGAIN;
  }
  if (s && !s->voice && j->have_last && j->quiet >= JITTER_PAUSE_SAMPLES) {
    if (has_spare(j)) {
      /* Spare delay: skip a step of this pause (the rest of the packet
       * still plays), so a cut never overshoots the floor; where the
       * packet after it is here and a pause too, all that is spare up to
       * the last step of this one. A packet marked a pause may still end
       * where a word begins. */
      uint32_t left = (uint32_t)ts_diff(s->ts + s->span, j->play_ts);
      struct slot *after = slot_next(j);
      bool more = after && !after->voice && left >= 2 * AUD_JITTER_STEP;
      uint32_t n = spare_now(j, more ? left - AUD_JITTER_STEP : AUD_JITTER_STEP);
      j->play_ts += n;
      cut(j, n);
      drop_passed(j);
      s = slot_at(j);
    } else if (recent_second(j) < pad_below(j)) {
      shift_headroom(j, AUD_JITTER_STEP);
      j->stats.inserted++;
      return give_silence(out, AUD_JITTER_STEP, false);
    }
  }
  if (s)
    return give_packet(j, s, out);
  struct slot *next = slot_next(j);
  if (next && !next->voice && j->quiet > 0 && has_spare(j)) {
    /* Between two pause packets nothing was sent (DTX: a keepalive a
     * second) or only silence was lost: spare delay goes from that
     * silence, up to all of it. Our own lost time can be more than the gap
     * between keepalives, and then the speaker never goes idle for
     * idle_step to cut it. */
    uint32_t gap = (uint32_t)ts_diff(next->ts, j->play_ts);
    if (gap >= AUD_JITTER_STEP) {
      uint32_t n = spare_now(j, gap);
      j->play_ts += n;
      cut(j, n);
      s = slot_at(j);
      if (s)
        return give_packet(j, s, out);
    }
  }
  if (next)
    return give_gap(j, next, out);

  /* Nothing has arrived yet: hold the playout point a few units, so a late
   * packet still plays (the delay grows); then move on in silence until
   * the speaker has been quiet long enough to count as idle. */
  j->missing += AUD_JITTER_UNIT;
  if (j->missing >= AUD_JITTER_IDLE_SAMPLES) {
    /* Nothing came late after all, the speaker stopped: give back the
     * units held for it. */
    j->play_ts += j->holds * AUD_JITTER_UNIT;
    shift_headroom(j, -(int32_t)(j->holds * AUD_JITTER_UNIT));
    j->holds = 0;
    j->idle = true;
    return idle_step(j, out);
  }
  /* After a pause's worth of packets the sender marked as non-voice, a
   * missing one is most likely Opus DTX (nothing is sent in silence), not
   * loss: silence is what was said, and guessing there only adds noise. */
  if (j->holds >= JITTER_MAX_HOLD || j->quiet >= JITTER_PAUSE_SAMPLES) {
    /* Concealment much past 160 ms turns into a droning ghost of the last
     * syllable; at the end of a talk spurt silence is what was said. */
    j->play_ts += AUD_JITTER_UNIT;
    return give_silence(out, AUD_JITTER_UNIT, false);
  }
  j->holds++;
  /* Waiting for the packet adds delay already. */
  j->grow = j->grow > AUD_JITTER_UNIT ? j->grow - AUD_JITTER_UNIT : 0;
  shift_headroom(j, AUD_JITTER_UNIT);
  j->stats.grown += AUD_JITTER_UNIT / AUD_JITTER_STEP;
  out->kind = AUD_JITTER_LOST;
  out->span = AUD_JITTER_UNIT;
  return HX_ERR_AGAIN;
}

int aud_jitter_get(struct aud_jitter *j, uint32_t now, uint32_t queued,
                   struct aud_jitter_out *out)
{
  if (!j || !out)
    return HX_ERR_INVALID;
  note_pace(j, now, queued);
  int rc = get_piece(j, now, queued, out);
  j->given += out->span;
  return rc;
}

int aud_jitter_delay(const struct aud_jitter *j, uint32_t *samples)
{
  if (!j || !samples)
    return HX_ERR_INVALID;
  int32_t most = 0;
  for (size_t i = 0; i < AUD_JITTER_SLOTS; i++) {
    const struct slot *s = &j->slots[i];
    int32_t end = ts_diff(s->ts + s->span, j->play_ts);
    if (s->used && end > most)
      most = end;
  }
  *samples = (uint32_t)most;
  return HX_OK;
}

void aud_jitter_set_lossy(struct aud_jitter *j, bool lossy) { j->lossy = lossy; }

void aud_jitter_get_stats(const struct aud_jitter *j, struct aud_jitter_stats *out)
{
  *out = j->stats;
}
