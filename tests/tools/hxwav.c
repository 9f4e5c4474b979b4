/* Audio measurements for the integration tests, on WAV files:
 *   hxwav xcorr REF.wav REC.wav [MIN]  best normalised cross-correlation of
 *                                       REF inside REC, and its lag in ms;
 *                                       exit 1 when below MIN
 *   hxwav rms FILE.wav [START END]      RMS level in dBFS of a span (s)
 *   hxwav chunks REF.wav REC.wav [MED [LOW]]
 *                                       the speech of REF in half-second
 *                                       pieces, each found in REC at its
 *                                       own lag: median and lowest
 *                                       correlation, and the median lag in
 *                                       ms (and the pieces' least and
 *                                       greatest); exit 1 when the median
 *                                       is below MED or the lowest below
 *                                       LOW (a missing word). An adaptive receiver
 *                                       may shift its delay once mid-
 *                                       sentence, which one global lag
 *                                       would count as a difference; so
 *                                       may it inside a piece, in a
 *                                       pause, so a piece may also be
 *                                       matched in two parts, each at its
 *                                       own lag within MOVE_REACH_MS of
 *                                       the piece's.
 *   hxwav gap REF.wav REC.wav           longest run of silence (ms) in REC
 *                                       where REF, aligned piece by piece,
 *                                       has speech
 *   hxwav duration FILE.wav             length in seconds
 *   hxwav active FILE.wav DB [START END] first and last 10 ms window (s)
 *                                       louder than DB dBFS in a span, and
 *                                       the time between them
 *   hxwav tone FILE.wav HZ STEP         level in dBFS of a sine at HZ, one
 *                                       line per STEP seconds: time, level
 *   hxwav onsets PROBE.wav REC.wav [MIN] where PROBE (a chirp) occurs in
 *                                       REC: one line per occurrence, its
 *                                       start in ms and its correlation
 *   hxwav channels FILE.wav             how many channels the file has
 *   hxwav pan REF.wav REC.wav [MIN]     REF found in a stereo 48 kHz REC
 *                                       (as xcorr does, on both channels
 *                                       averaged), then the RMS level in
 *                                       dBFS of each channel over REF's
 *                                       speech there: left, right, and
 *                                       left minus right; exit 1 when that
 *                                       difference is smaller than MIN dB
 *                                       either way (a voice not off to
 *                                       one side)
 * Both files are read as 8 kHz mono: speech correlation lives below 4 kHz,
 * and it keeps a brute-force lag search fast enough for a test. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aud_wav.h"
#include "hx_err.h"

#define XCORR_RATE 8000

static int load(const char *path, int rate, int16_t **pcm, size_t *n)
{
  int err = aud_wav_load(path, rate, pcm, n);
  if (err != HX_OK)
    fprintf(stderr, "hxwav: cannot read %s: %s\n", path, hx_strerror(err));
  return err;
}

/* A reference and a recording, both at XCORR_RATE; nothing stays loaded
 * when either cannot be read. */
static int load_pair(const char *ref_path, const char *rec_path, int16_t **ref, size_t *nref,
                     int16_t **rec, size_t *nrec)
{
  int err = load(ref_path, XCORR_RATE, ref, nref);
  if (err != HX_OK)
    return err;
  err = load(rec_path, XCORR_RATE, rec, nrec);
  if (err != HX_OK) {
    free(*ref);
    *ref = NULL;
  }
  return err;
}

/* Trims leading and trailing near-silence from the reference so the lag is
 * that of its speech, not of padding. */
static void speech_span(const int16_t *x, size_t n, size_t *start, size_t *end)
{
  const int threshold = 300;
  size_t s = 0, e = n;
  while (s < n && abs(x[s]) < threshold)
    s++;
  while (e > s && abs(x[e - 1]) < threshold)
    e--;
  *start = s;
  *end = e;
}

/* Finds where the speech of ref best matches inside rec. */
struct match {
  double correlation;
  long lag;           /* samples: rec index = ref index + lag */
};

/* Normalised correlation of ref[0..len) with rec[off..off+len). */
static double correlation_at(const int16_t *ref, double ref_energy, const int16_t *rec,
                             size_t off, size_t len)
{
  double dot = 0, energy = 0;
  for (size_t i = 0; i < len; i++) {
    dot += (double)ref[i] * rec[off + i];
    energy += (double)rec[off + i] * rec[off + i];
  }
  return energy > 1 ? dot / sqrt(ref_energy * energy) : -2;
}

#define COARSE_FACTOR 4
#define COARSE_CANDIDATES 8

/* Searches in two passes, because a brute-force search over every lag of a
 * long recording takes tens of seconds: first on both signals averaged down
 * by COARSE_FACTOR, keeping the best few lags, then at full rate around
 * each of them. */
static int best_match(const int16_t *ref, size_t nref, const int16_t *rec, size_t nrec,
                      struct match *m)
{
  size_t s, e;
  speech_span(ref, nref, &s, &e);
  size_t len = e - s;
  if (len < COARSE_FACTOR * 4 || len > nrec) {
    fprintf(stderr, "hxwav: reference has no speech or recording is shorter than it\n");
    return -1;
  }
  size_t clen = len / COARSE_FACTOR, crec = nrec / COARSE_FACTOR;
  double *cref = malloc(clen * sizeof *cref), *cr = malloc(crec * sizeof *cr);
  if (!cref || !cr) {
    free(cref);
    free(cr);
    return -1;
  }
  for (size_t i = 0; i < clen; i++) {
    double sum = 0;
    for (size_t k = 0; k < COARSE_FACTOR; k++)
      sum += ref[s + i * COARSE_FACTOR + k];
    cref[i] = sum;
  }
  for (size_t i = 0; i < crec; i++) {
    double sum = 0;
    for (size_t k = 0; k < COARSE_FACTOR; k++)
      sum += rec[i * COARSE_FACTOR + k];
    cr[i] = sum;
  }
  double cref_energy = 0;
  for (size_t i = 0; i < clen; i++)
    cref_energy += cref[i] * cref[i];
  double best_c[COARSE_CANDIDATES];
  size_t best_off[COARSE_CANDIDATES];
  for (int k = 0; k < COARSE_CANDIDATES; k++)
    best_c[k] = -3, best_off[k] = 0;
  /* Running energy of the recording window, updated as the window slides. */
  double win_energy = 0;
  for (size_t i = 0; i < clen; i++)
    win_energy += cr[i] * cr[i];
  for (size_t off = 0; off + clen <= crec; off++) {
    if (off > 0) {
      win_energy -= cr[off - 1] * cr[off - 1];
      win_energy += cr[off + clen - 1] * cr[off + clen - 1];
    }
    if (win_energy <= 1)
      continue;
    double dot = 0;
    for (size_t i = 0; i < clen; i++)
      dot += cref[i] * cr[off + i];
    double c = dot / sqrt(cref_energy * win_energy);
    int worst = 0;
    for (int k = 1; k < COARSE_CANDIDATES; k++)
      if (best_c[k] < best_c[worst])
        worst = k;
    if (c > best_c[worst])
      best_c[worst] = c, best_off[worst] = off;
  }
  free(cref);
  free(cr);

  double ref_energy = 0;
  for (size_t i = 0; i < len; i++)
    ref_energy += (double)ref[s + i] * ref[s + i];
  m->correlation = -2;
  m->lag = 0;
  for (int k = 0; k < COARSE_CANDIDATES; k++) {
    if (best_c[k] < -2)
      continue;
    size_t centre = best_off[k] * COARSE_FACTOR;
    size_t from = centre > 2 * COARSE_FACTOR ? centre - 2 * COARSE_FACTOR : 0;
    for (size_t off = from; off <= centre + 2 * COARSE_FACTOR && off + len <= nrec; off++) {
      double c = correlation_at(ref + s, ref_energy, rec, off, len);
      if (c > m->correlation) {
        m->correlation = c;
        m->lag = (long)off - (long)s;
      }
    }
  }
  return 0;
}

static int cmd_xcorr(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: hxwav xcorr REF.wav REC.wav [MIN]\n");
    return 2;
  }
  double min = argc > 4 ? strtod(argv[4], NULL) : -1;
  int16_t *ref, *rec;
  size_t nref, nrec;
  if (load_pair(argv[2], argv[3], &ref, &nref, &rec, &nrec))
    return 2;
  struct match m;
  int err = best_match(ref, nref, rec, nrec, &m);
  free(ref);
  free(rec);
  if (err)
    return 2;
  printf("correlation %.3f lag %.1f ms\n", m.correlation, (double)m.lag * 1000.0 / XCORR_RATE);
  if (min >= 0 && m.correlation < min) {
    fprintf(stderr, "hxwav: correlation %.3f is below %.3f\n", m.correlation, min);
    return 1;
  }
  return 0;
}

static double window_rms(const int16_t *x, size_t n)
{
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += (double)x[i] * x[i];
  return n ? sqrt(sum / (double)n) : 0;
}

static int compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Blocks a piece may be split between, and how far one delay move may
 * go: a receiver cuts spare delay or adds what late packets asked for in
 * a pause, 2.5 ms steps at a time, and rarely more than 30 ms at once. */
#define MOVE_BLOCK (XCORR_RATE / 20)
#define MOVE_BLOCKS 10
#define MOVE_REACH_MS 30

/* Dot products and recording energies of each block of a piece at each
 * lag around the piece's own, and the piece's energy per block. */
struct blocks {
  long lags;
  bool *placed; /* the whole piece lies inside the recording at this lag */
  double *dot, *energy; /* [lag * MOVE_BLOCKS + block] */
  double ref_energy[MOVE_BLOCKS];
};

/* The blocks [from, to) at the one lag where they correlate best. */
static void best_part(const struct blocks *bl, size_t from, size_t to, double *dot, double *energy,
                      double *ref_energy)
{
  double best = -2;
  *ref_energy = 0;
  for (size_t b = from; b < to; b++)
    *ref_energy += bl->ref_energy[b];
  *dot = 0;
  *energy = 0;
  for (long k = 0; k < bl->lags; k++) {
    if (!bl->placed[k])
      continue;
    double d = 0, e = 0;
    for (size_t b = from; b < to; b++) {
      d += bl->dot[k * MOVE_BLOCKS + b];
      e += bl->energy[k * MOVE_BLOCKS + b];
    }
    double c = e > 1 && *ref_energy > 1 ? d / sqrt(*ref_energy * e) : -2;
    if (c > best) {
      best = c;
      *dot = d;
      *energy = e;
    }
  }
}

/* Correlation of ref[0..MOVE_BLOCKS * MOVE_BLOCK) with rec when the
 * delay, around `lag` (rec index = ref index + lag), may move once
 * between two blocks: each part is found at its own best lag, and the two
 * are scored together as one correlation over the whole piece. Speech a
 * receiver lost or garbled still scores low in its part; only the
 * timeline may move. Returns -2 when the piece cannot be placed. */
static double one_move_correlation(const int16_t *ref, const int16_t *rec, size_t nrec, long lag)
{
  const long reach = MOVE_REACH_MS * XCORR_RATE / 1000;
  struct blocks bl = {.lags = 2 * reach + 1};
  bl.placed = calloc((size_t)bl.lags, sizeof *bl.placed);
  bl.dot = calloc((size_t)bl.lags * MOVE_BLOCKS, sizeof *bl.dot);
  bl.energy = calloc((size_t)bl.lags * MOVE_BLOCKS, sizeof *bl.energy);
  double best = -2;
  if (!bl.placed || !bl.dot || !bl.energy)
    goto out;
  for (size_t b = 0; b < MOVE_BLOCKS; b++)
    for (size_t i = b * MOVE_BLOCK; i < (b + 1) * MOVE_BLOCK; i++)
      bl.ref_energy[b] += (double)ref[i] * ref[i];
  for (long k = 0; k < bl.lags; k++) {
    long off = lag - reach + k;
    if (off < 0 || (size_t)off + MOVE_BLOCKS * MOVE_BLOCK > nrec)
      continue;
    bl.placed[k] = true;
    for (size_t b = 0; b < MOVE_BLOCKS; b++) {
      for (size_t i = b * MOVE_BLOCK; i < (b + 1) * MOVE_BLOCK; i++) {
        double r = rec[(size_t)off + i];
        bl.dot[k * MOVE_BLOCKS + b] += ref[i] * r;
        bl.energy[k * MOVE_BLOCKS + b] += r * r;
      }
    }
  }
  for (size_t split = 1; split < MOVE_BLOCKS; split++) {
    double d1, e1, r1, d2, e2, r2;
    best_part(&bl, 0, split, &d1, &e1, &r1);
    best_part(&bl, split, MOVE_BLOCKS, &d2, &e2, &r2);
    if (e1 + e2 > 1 && r1 + r2 > 1) {
      double c = (d1 + d2) / sqrt((r1 + r2) * (e1 + e2));
      if (c > best)
        best = c;
    }
  }
out:
  free(bl.placed);
  free(bl.dot);
  free(bl.energy);
  return best;
}

static int cmd_chunks(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: hxwav chunks REF.wav REC.wav [MED [LOW]]\n");
    return 2;
  }
  double min = argc > 4 ? strtod(argv[4], NULL) : -1;
  double low_min = argc > 5 ? strtod(argv[5], NULL) : -1;
  int16_t *ref, *rec;
  size_t nref, nrec;
  if (load_pair(argv[2], argv[3], &ref, &nref, &rec, &nrec))
    return 2;
  const size_t piece = MOVE_BLOCKS * MOVE_BLOCK; /* half a second */
  const double speech = 32768 * 0.01; /* -40 dBFS: a pause is not a piece */
  size_t s, e, n = 0;
  speech_span(ref, nref, &s, &e);
  double *found = malloc(((e - s) / piece + 1) * sizeof *found);
  double *lags = malloc(((e - s) / piece + 1) * sizeof *lags);
  for (size_t at = s; found && lags && at + piece <= e; at += piece) {
    struct match m;
    if (window_rms(ref + at, piece) < speech || best_match(ref + at, piece, rec, nrec, &m))
      continue;
    double moved = one_move_correlation(ref + at, rec, nrec, m.lag);
    found[n] = moved > m.correlation ? moved : m.correlation;
    /* m.lag is from the piece's own start; from the start of REF: */
    lags[n++] = (double)(m.lag - (long)at);
  }
  free(ref);
  free(rec);
  if (!found || !lags || n == 0) {
    free(found);
    free(lags);
    fprintf(stderr, "hxwav: the reference has no half-second of speech\n");
    return 2;
  }
  qsort(found, n, sizeof *found, compare_double);
  qsort(lags, n, sizeof *lags, compare_double);
  double median = found[n / 2], lowest = found[0];
  const double ms = 1000.0 / XCORR_RATE;
  double lag_ms = lags[n / 2] * ms, first_ms = lags[0] * ms, last_ms = lags[n - 1] * ms;
  free(found);
  free(lags);
  printf("chunks %zu median %.3f lowest %.3f lag %.1f ms (pieces %.1f to %.1f)\n", n, median,
         lowest, lag_ms, first_ms, last_ms);
  if (min >= 0 && median < min) {
    fprintf(stderr, "hxwav: median correlation %.3f is below %.3f\n", median, min);
    return 1;
  }
  if (low_min >= 0 && lowest < low_min) {
    fprintf(stderr, "hxwav: one piece correlates only %.3f (below %.3f)\n", lowest, low_min);
    return 1;
  }
  return 0;
}

/* The lag, within `around` +- reach samples, at which ref[0..len) best
 * matches rec; around itself when nothing there correlates at least
 * min_c (the piece was lost whole, say). */
static long local_lag(const int16_t *ref, size_t len, const int16_t *rec, size_t nrec,
                      long at, long around, long reach, double min_c)
{
  double ref_energy = 0;
  for (size_t i = 0; i < len; i++)
    ref_energy += (double)ref[i] * ref[i];
  double best = min_c;
  long best_lag = around;
  for (long lag = around - reach; lag <= around + reach; lag++) {
    long off = at + lag;
    if (off < 0 || (size_t)off + len > nrec)
      continue;
    double c = correlation_at(ref, ref_energy, rec, (size_t)off, len);
    if (c > best) {
      best = c;
      best_lag = lag;
    }
  }
  return best_lag;
}

/* Longest silence in rec where ref has speech, judged in overlapping
 * half-second pieces, each aligned on its own near the global lag: an
 * adaptive receiver may move its delay mid-sentence (a late packet, a
 * burst), and one global lag would count the shifted words as silence.
 * A hole of up to a quarter second lies whole inside some piece. */
static int cmd_gap(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: hxwav gap REF.wav REC.wav\n");
    return 2;
  }
  int16_t *ref, *rec;
  size_t nref, nrec;
  if (load_pair(argv[2], argv[3], &ref, &nref, &rec, &nrec))
    return 2;
  struct match m;
  if (best_match(ref, nref, rec, nrec, &m)) {
    free(ref);
    free(rec);
    return 2;
  }
  /* 10 ms windows: speech in the reference is louder than -40 dBFS; silence
   * in the recording is quieter than -55 dBFS. */
  const size_t win = XCORR_RATE / 100, piece = XCORR_RATE / 2, hop = XCORR_RATE / 4;
  const long reach = XCORR_RATE * 3 / 10;
  const double speech = 32768 * 0.01, quiet = 32768 * 0.00178;
  int longest = 0;
  long longest_end = 0;
  size_t s, e;
  speech_span(ref, nref, &s, &e);
  for (size_t at = s; at + piece <= e; at += hop) {
    if (window_rms(ref + at, piece) < speech)
      continue;
    long lag = local_lag(ref + at, piece, rec, nrec, (long)at, m.lag, reach, 0.3);
    int run = 0;
    for (size_t i = at; i + win <= at + piece; i += win) {
      long j = (long)i + lag;
      if (j < 0 || (size_t)j + win > nrec)
        continue;
      if (window_rms(ref + i, win) < speech) {
        run = 0;
        continue;
      }
      run = window_rms(rec + j, win) < quiet ? run + 1 : 0;
      if (run > longest) {
        longest = run;
        longest_end = j + (long)win;
      }
    }
  }
  printf("%d\n", longest * 10);
  /* Where, for whoever reads a failure: the number alone is the answer. */
  if (longest > 0)
    fprintf(stderr, "hxwav: the longest silence ends at %.2f s of the recording\n",
            (double)longest_end / XCORR_RATE);
  free(ref);
  free(rec);
  return 0;
}

static int cmd_rms(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: hxwav rms FILE.wav [START END]\n");
    return 2;
  }
  int16_t *pcm;
  size_t n;
  if (load(argv[2], 48000, &pcm, &n))
    return 2;
  size_t from = 0, to = n;
  if (argc >= 5) {
    from = (size_t)(strtod(argv[3], NULL) * 48000);
    to = (size_t)(strtod(argv[4], NULL) * 48000);
    if (to > n)
      to = n;
    if (from > to)
      from = to;
  }
  double sum = 0;
  for (size_t i = from; i < to; i++)
    sum += (double)pcm[i] * pcm[i];
  double rms = to > from ? sqrt(sum / (double)(to - from)) : 0;
  double db = rms > 0 ? 20 * log10(rms / 32768.0) : -120;
  printf("%.1f\n", db);
  free(pcm);
  return 0;
}

/* Where sound is: the first and last 10 ms windows above a level, so an
 * announcement's length can be compared with the same words alone. */
static int cmd_active(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: hxwav active FILE.wav DB [START END]\n");
    return 2;
  }
  int16_t *pcm;
  size_t n;
  if (load(argv[2], 48000, &pcm, &n))
    return 2;
  double limit = 32768.0 * pow(10.0, strtod(argv[3], NULL) / 20.0);
  size_t from = 0, to = n, win = 480;
  if (argc >= 6) {
    from = (size_t)(strtod(argv[4], NULL) * 48000);
    to = (size_t)(strtod(argv[5], NULL) * 48000);
    to = to > n ? n : to;
    from = from > to ? to : from;
  }
  long first = -1, last = -1;
  for (size_t w = from; w + win <= to; w += win) {
    double sum = 0;
    for (size_t i = w; i < w + win; i++)
      sum += (double)pcm[i] * pcm[i];
    if (sqrt(sum / (double)win) > limit) {
      if (first < 0)
        first = (long)w;
      last = (long)(w + win);
    }
  }
  free(pcm);
  if (first < 0) {
    printf("none\n");
    return 1;
  }
  printf("%.2f %.2f %.3f\n", first / 48000.0, last / 48000.0, (last - first) / 48000.0);
  return 0;
}

/* A steady sine's level through time (Goertzel over each step): it shows
 * how far room audio is ducked under speech, which barely reaches one
 * narrow frequency bin. */
static int cmd_tone(int argc, char **argv)
{
  if (argc < 5) {
    fprintf(stderr, "usage: hxwav tone FILE.wav HZ STEP\n");
    return 2;
  }
  int16_t *pcm;
  size_t n;
  if (load(argv[2], 48000, &pcm, &n))
    return 2;
  double hz = strtod(argv[3], NULL);
  size_t win = (size_t)(strtod(argv[4], NULL) * 48000);
  if (hz <= 0 || hz >= 24000 || win < 480) {
    free(pcm);
    fprintf(stderr, "hxwav: tone needs 0 < HZ < 24000 and STEP >= 0.01\n");
    return 2;
  }
  double coeff = 2.0 * cos(2.0 * M_PI * hz / 48000.0);
  for (size_t w = 0; w + win <= n; w += win) {
    double s1 = 0, s2 = 0;
    for (size_t i = w; i < w + win; i++) {
      double s0 = (double)pcm[i] / 32768.0 + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    double amp = 2.0 * sqrt(power > 0 ? power : 0) / (double)win; /* peak of the sine */
    double db = amp > 0 ? 20 * log10(amp / sqrt(2.0)) : -120;   /* as its RMS */
    printf("%.2f %.1f\n", w / 48000.0, db < -120 ? -120 : db);
  }
  free(pcm);
  return 0;
}

static int cmd_duration(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: hxwav duration FILE.wav\n");
    return 2;
  }
  int16_t *pcm;
  size_t n;
  if (load(argv[2], 48000, &pcm, &n))
    return 2;
  printf("%.3f\n", (double)n / 48000.0);
  free(pcm);
  return 0;
}

/* Matched filter: every offset where the probe correlates at least MIN and
 * more than anywhere within half a probe length around it. Latency
 * benchmarks find each chirp in a sender's and a receiver's recording. */
static int cmd_onsets(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: hxwav onsets PROBE.wav REC.wav [MIN]\n");
    return 2;
  }
  double min = argc > 4 ? strtod(argv[4], NULL) : 0.5;
  int16_t *probe, *rec;
  size_t np, nrec;
  if (load(argv[2], XCORR_RATE, &probe, &np))
    return 2;
  if (load(argv[3], XCORR_RATE, &rec, &nrec)) {
    free(probe);
    return 2;
  }
  size_t s, e;
  speech_span(probe, np, &s, &e);
  size_t len = e - s;
  double *c = len && len <= nrec ? calloc(nrec - len + 1, sizeof *c) : NULL;
  if (!c) {
    fprintf(stderr, "hxwav: the probe is silent, or longer than the recording\n");
    free(probe);
    free(rec);
    return 2;
  }
  size_t n = nrec - len + 1;
  double pe = 0, we = 0;
  for (size_t i = 0; i < len; i++) {
    pe += (double)probe[s + i] * probe[s + i];
    we += (double)rec[i] * rec[i];
  }
  for (size_t off = 0; off < n; off++) {
    if (off > 0) {
      we -= (double)rec[off - 1] * rec[off - 1];
      we += (double)rec[off + len - 1] * rec[off + len - 1];
    }
    double dot = 0;
    for (size_t i = 0; i < len; i++)
      dot += (double)probe[s + i] * rec[off + i];
    c[off] = we > 1 ? dot / sqrt(pe * we) : 0;
  }
  size_t half = len / 2;
  for (size_t off = 0; off < n; off++) {
    if (c[off] < min)
      continue;
    size_t lo = off > half ? off - half : 0, hi = off + half < n ? off + half : n - 1;
    bool peak = true;
    for (size_t j = lo; j <= hi && peak; j++)
      peak = c[j] < c[off] || (c[j] == c[off] && j >= off);
    if (peak)
      printf("%.3f %.3f\n", (double)off * 1000.0 / XCORR_RATE, c[off]);
  }
  free(c);
  free(probe);
  free(rec);
  return 0;
}

/* One channel of a 48 kHz WAV file, read from its bytes: the library's
 * reader hands out mono only. */
static int load_channel(const char *path, int channel, int16_t **pcm, size_t *n, int *channels)
{
  FILE *f = fopen(path, "rb");
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (f && fseek(f, 0, SEEK_END) == 0) {
    long size = ftell(f);
    bytes = size > 0 ? malloc((size_t)size) : NULL;
    if (bytes && fseek(f, 0, SEEK_SET) == 0)
      len = fread(bytes, 1, (size_t)size, f);
  }
  if (f)
    fclose(f);
  int rate = 0;
  size_t offset = 0, data_len = 0;
  if (!bytes || aud_wav_parse_header(bytes, len, &rate, channels, &offset, &data_len) != HX_OK ||
      rate != 48000 || channel >= *channels) {
    fprintf(stderr, "hxwav: cannot read channel %d of %s as 48 kHz 16-bit WAV\n", channel + 1,
            path);
    free(bytes);
    return -1;
  }
  size_t frame_bytes = (size_t)*channels * 2;
  *n = data_len / frame_bytes;
  *pcm = malloc((*n ? *n : 1) * sizeof **pcm);
  for (size_t i = 0; *pcm && i < *n; i++) {
    const uint8_t *p = bytes + offset + i * frame_bytes + (size_t)channel * 2;
    (*pcm)[i] = (int16_t)(uint16_t)(p[0] | (p[1] << 8));
  }
  free(bytes);
  return *pcm ? 0 : -1;
}

static int cmd_channels(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: hxwav channels FILE.wav\n");
    return 2;
  }
  int16_t *pcm;
  size_t n;
  int channels;
  if (load_channel(argv[2], 0, &pcm, &n, &channels))
    return 2;
  free(pcm);
  printf("%d\n", channels);
  return 0;
}

static double span_dbfs(const int16_t *x, size_t n, size_t from, size_t to)
{
  to = to > n ? n : to;
  from = from > to ? to : from;
  double rms = window_rms(x + from, to - from);
  return rms > 0 ? 20 * log10(rms / 32768.0) : -120;
}

static int cmd_pan(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: hxwav pan REF.wav REC.wav [MIN]\n");
    return 2;
  }
  double min = argc > 4 ? strtod(argv[4], NULL) : -1;
  int16_t *ref, *rec, *left = NULL, *right = NULL;
  size_t nref, nrec, nl = 0, nr = 0;
  int channels = 0;
  if (load_pair(argv[2], argv[3], &ref, &nref, &rec, &nrec))
    return 2;
  struct match m;
  size_t s, e;
  speech_span(ref, nref, &s, &e);
  int err = best_match(ref, nref, rec, nrec, &m);
  free(ref);
  free(rec);
  if (err || load_channel(argv[3], 0, &left, &nl, &channels) ||
      (channels == 2 && load_channel(argv[3], 1, &right, &nr, &channels))) {
    free(left);
    return 2;
  }
  if (channels != 2) {
    fprintf(stderr, "hxwav: %s has %d channel(s), not 2\n", argv[3], channels);
    free(left);
    return 2;
  }
  const long up = 48000 / XCORR_RATE;
  long from = ((long)s + m.lag) * up, to = ((long)e + m.lag) * up;
  from = from < 0 ? 0 : from;
  to = to < from ? from : to;
  double l = span_dbfs(left, nl, (size_t)from, (size_t)to);
  double r = span_dbfs(right, nr, (size_t)from, (size_t)to);
  free(left);
  free(right);
  printf("correlation %.3f at %.2f s: left %.1f right %.1f difference %.1f dB\n", m.correlation,
         (double)from / 48000.0, l, r, l - r);
  if (min >= 0 && fabs(l - r) < min) {
    fprintf(stderr, "hxwav: left and right differ by %.1f dB, less than %.1f\n", fabs(l - r),
            min);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "xcorr") == 0)
    return cmd_xcorr(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "chunks") == 0)
    return cmd_chunks(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "gap") == 0)
    return cmd_gap(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "rms") == 0)
    return cmd_rms(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "duration") == 0)
    return cmd_duration(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "active") == 0)
    return cmd_active(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "tone") == 0)
    return cmd_tone(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "onsets") == 0)
    return cmd_onsets(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "channels") == 0)
    return cmd_channels(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "pan") == 0)
    return cmd_pan(argc, argv);
  fprintf(stderr,
          "usage: hxwav xcorr|chunks|gap|rms|duration|active|tone|onsets|channels|pan ...\n");
  return 2;
}
