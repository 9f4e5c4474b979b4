#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "a11y_speechd.h"
#include "hx_err.h"
#include "hx_util.h"

/* A stand-in for speech-dispatcher: records each call; the first say can
 * be held, as a slow server would, so that requests pile up behind it. */
struct fake {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  char calls[64][128];
  int n;
  bool hold; /* the next say waits until released */
  bool held; /* a say is waiting */
  bool fail; /* calls fail as on a dead connection */
  bool closed;
};

static void record(struct fake *f, const char *what)
{
  if (f->n < 64)
    hx_strlcpy(f->calls[f->n++], what, sizeof f->calls[0]);
  pthread_cond_broadcast(&f->changed);
}

static int fake_say(void *conn, bool urgent, const char *text)
{
  struct fake *f = conn;
  char line[160];
  snprintf(line, sizeof line, "%s %s", urgent ? "important" : "message", text);
  pthread_mutex_lock(&f->lock);
  record(f, line);
  if (f->hold) {
    f->held = true;
    pthread_cond_broadcast(&f->changed);
    while (f->hold)
      pthread_cond_wait(&f->changed, &f->lock);
    f->held = false;
  }
  int rc = f->fail ? -1 : 0;
  pthread_mutex_unlock(&f->lock);
  return rc;
}

static int fake_cancel(void *conn)
{
  struct fake *f = conn;
  pthread_mutex_lock(&f->lock);
  record(f, "cancel");
  int rc = f->fail ? -1 : 0;
  pthread_mutex_unlock(&f->lock);
  return rc;
}

static void fake_close(void *conn)
{
  struct fake *f = conn;
  pthread_mutex_lock(&f->lock);
  f->closed = true;
  pthread_mutex_unlock(&f->lock);
}

static const struct a11y_speechd_ops fake_ops = {
    .say = fake_say, .cancel = fake_cancel, .close = fake_close};

static void fake_init(struct fake *f)
{
  memset(f, 0, sizeof *f);
  pthread_mutex_init(&f->lock, NULL);
  pthread_cond_init(&f->changed, NULL);
}

static void wait_held(struct fake *f)
{
  pthread_mutex_lock(&f->lock);
  while (!f->held)
    pthread_cond_wait(&f->changed, &f->lock);
  pthread_mutex_unlock(&f->lock);
}

static void release(struct fake *f)
{
  pthread_mutex_lock(&f->lock);
  f->hold = false;
  pthread_cond_broadcast(&f->changed);
  pthread_mutex_unlock(&f->lock);
}

/* Waits (10 s at most) until the worker has handed everything over. */
static void drain(struct a11y_speechd *s)
{
  for (int i = 0; i < 10000 && !a11y_speechd_idle(s); i++)
    nanosleep(&(struct timespec){0, 1000000}, NULL);
  assert_true(a11y_speechd_idle(s));
}

static void assert_calls(struct fake *f, const char *const *want, int n)
{
  pthread_mutex_lock(&f->lock);
  for (int i = 0; i < f->n; i++)
    print_message("call %d: %s\n", i, f->calls[i]);
  assert_int_equal(f->n, n);
  for (int i = 0; i < n; i++)
    assert_string_equal(f->calls[i], want[i]);
  pthread_mutex_unlock(&f->lock);
}

static void speechd_room_events_queue_in_order_as_messages(void **state)
{
  (void)state;
  struct fake f;
  fake_init(&f);
  struct a11y_speechd *s;
  assert_int_equal(a11y_speechd_create_with(&fake_ops, &f, &s), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "Ben joined Lobby. 2 people here.", false), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "Cy joined Lobby. 3 people here.", false), HX_OK);
  drain(s);
  const char *want[] = {"message Ben joined Lobby. 2 people here.",
                        "message Cy joined Lobby. 3 people here."};
  assert_calls(&f, want, 2);
  a11y_speechd_destroy(s);
  assert_true(f.closed);
  a11y_speechd_destroy(NULL);
}

/* While "Ben joined" is being said, two more room events wait; "Muted"
 * cancels them and what is being said, and goes out as important. */
static void speechd_own_state_cancels_and_goes_first(void **state)
{
  (void)state;
  struct fake f;
  fake_init(&f);
  f.hold = true;
  struct a11y_speechd *s;
  assert_int_equal(a11y_speechd_create_with(&fake_ops, &f, &s), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "Ben joined.", false), HX_OK);
  wait_held(&f);
  assert_int_equal(a11y_speechd_say(s, "Cy joined.", false), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "Dee joined.", false), HX_OK);
  assert_false(a11y_speechd_idle(s));
  assert_int_equal(a11y_speechd_say(s, "Muted. Nobody hears you.", true), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "Eve joined.", false), HX_OK);
  release(&f);
  drain(s);
  const char *want[] = {"message Ben joined.", "cancel", "important Muted. Nobody hears you.",
                        "message Eve joined."};
  assert_calls(&f, want, 4);
  a11y_speechd_destroy(s);
}

static void speechd_silence_cancels_and_drops_what_waits(void **state)
{
  (void)state;
  struct fake f;
  fake_init(&f);
  f.hold = true;
  struct a11y_speechd *s;
  assert_int_equal(a11y_speechd_create_with(&fake_ops, &f, &s), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "Ben joined.", false), HX_OK);
  wait_held(&f);
  for (int i = 0; i < A11Y_SPEECHD_PENDING_MAX; i++)
    assert_int_equal(a11y_speechd_say(s, "Someone joined.", false), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "One too many.", false), HX_ERR_FULL);
  a11y_speechd_cancel(s);
  release(&f);
  drain(s);
  const char *want[] = {"message Ben joined.", "cancel"};
  assert_calls(&f, want, 2);
  a11y_speechd_destroy(s);
}

/* Control characters from a name or a message never reach the server,
 * where a newline would end the text early. */
static void speechd_text_is_made_safe(void **state)
{
  (void)state;
  struct fake f;
  fake_init(&f);
  struct a11y_speechd *s;
  assert_int_equal(a11y_speechd_create_with(&fake_ops, &f, &s), HX_OK);
  assert_int_equal(a11y_speechd_say(s, "Ben\n.\nQUIT\033[2J joined.", false), HX_OK);
  assert_int_equal(a11y_speechd_say(s, NULL, false), HX_ERR_INVALID);
  drain(s);
  pthread_mutex_lock(&f.lock);
  assert_int_equal(f.n, 1);
  assert_null(strchr(f.calls[0], '\n'));
  assert_null(strchr(f.calls[0], '\033'));
  assert_non_null(strstr(f.calls[0], "QUIT"));
  pthread_mutex_unlock(&f.lock);
  a11y_speechd_destroy(s);
}

static void speechd_gone_is_noticed_and_refuses_more(void **state)
{
  (void)state;
  struct fake f;
  fake_init(&f);
  f.fail = true;
  struct a11y_speechd *s;
  assert_int_equal(a11y_speechd_create_with(&fake_ops, &f, &s), HX_OK);
  assert_false(a11y_speechd_lost(s));
  assert_int_equal(a11y_speechd_say(s, "Ben joined.", false), HX_OK);
  drain(s);
  assert_true(a11y_speechd_lost(s));
  assert_int_equal(a11y_speechd_say(s, "Cy joined.", false), HX_ERR_IO);
  a11y_speechd_cancel(s);
  const char *want[] = {"message Ben joined."};
  assert_calls(&f, want, 1);
  a11y_speechd_destroy(s);
  assert_true(f.closed);
}

/* No server listens at this address: a clear "not found", quickly. */
static void speechd_unreachable_is_not_found(void **state)
{
  (void)state;
  setenv("SPEECHD_ADDRESS", "unix_socket:/nonexistent/hearth-test/speechd.sock", 1);
  struct a11y_speechd *s = (struct a11y_speechd *)&s;
  assert_int_equal(a11y_speechd_create("hearth-test", false, &s), HX_ERR_NOT_FOUND);
  assert_null(s);
  unsetenv("SPEECHD_ADDRESS");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(speechd_room_events_queue_in_order_as_messages),
      cmocka_unit_test(speechd_own_state_cancels_and_goes_first),
      cmocka_unit_test(speechd_silence_cancels_and_drops_what_waits),
      cmocka_unit_test(speechd_text_is_made_safe),
      cmocka_unit_test(speechd_gone_is_noticed_and_refuses_more),
      cmocka_unit_test(speechd_unreachable_is_not_found),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
