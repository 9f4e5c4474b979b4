#include "a11y_speechd.h"

#include <libspeechd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "a11y_text.h"
#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"

#define LOG_MODULE "speechd"

struct request {
  bool urgent;
  char text[A11Y_SPEECHD_TEXT_MAX];
};

struct a11y_speechd {
  struct a11y_speechd_ops ops;
  void *conn; /* owned, closed through ops.close */
  pthread_t worker;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  /* Guarded by lock. */
  struct request pending[A11Y_SPEECHD_PENDING_MAX]; /* a ring */
  size_t head, count;
  bool cancel_next; /* a cancel goes out before the next request */
  bool busy;        /* the worker is in a libspeechd call */
  bool lost;
  bool stop;
};

/* --- libspeechd --- */

static int spd_ops_say(void *conn, bool urgent, const char *text)
{
  return spd_say(conn, urgent ? SPD_IMPORTANT : SPD_MESSAGE, text) < 0 ? -1 : 0;
}

static int spd_ops_cancel(void *conn) { return spd_cancel(conn) < 0 ? -1 : 0; }

static void spd_ops_close(void *conn) { spd_close(conn); }

static const struct a11y_speechd_ops spd_ops = {
    .say = spd_ops_say, .cancel = spd_ops_cancel, .close = spd_ops_close};

/* --- the worker --- */

static void *work(void *arg)
{
  struct a11y_speechd *s = arg;
  struct request r = {0};
  pthread_mutex_lock(&s->lock);
  for (;;) {
    while (!s->stop && !s->cancel_next && s->count == 0)
      pthread_cond_wait(&s->wake, &s->lock);
    if (s->stop)
      break;
    bool cancel = s->cancel_next;
    s->cancel_next = false;
    if (!cancel) {
      r = s->pending[s->head];
      s->head = (s->head + 1) % A11Y_SPEECHD_PENDING_MAX;
      s->count--;
    }
    s->busy = true;
    pthread_mutex_unlock(&s->lock);
    int rc = cancel ? s->ops.cancel(s->conn) : s->ops.say(s->conn, r.urgent, r.text);
    pthread_mutex_lock(&s->lock);
    s->busy = false;
    if (rc < 0 && !s->lost) {
      s->lost = true;
      s->count = 0;
      hx_log(HX_LOG_WARN, LOG_MODULE, "the connection to speech-dispatcher is gone");
    }
    if (s->lost)
      break;
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

int a11y_speechd_create_with(const struct a11y_speechd_ops *ops, void *conn,
                             struct a11y_speechd **out)
{
  *out = NULL;
  if (!ops || !ops->say || !ops->cancel || !ops->close)
    return HX_ERR_INVALID;
  struct a11y_speechd *s = calloc(1, sizeof *s);
  if (!s) {
    ops->close(conn);
    return HX_ERR_NOMEM;
  }
  s->ops = *ops;
  s->conn = conn;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->wake, NULL);
  if (pthread_create(&s->worker, NULL, work, s) != 0) {
    ops->close(conn);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return HX_ERR_NOMEM;
  }
  *out = s;
  return HX_OK;
}

int a11y_speechd_create(const char *client_name, bool autospawn, struct a11y_speechd **out)
{
  *out = NULL;
  char *error = NULL;
  SPDConnectionAddress *address = spd_get_default_address(&error);
  if (!address) {
    hx_log(HX_LOG_INFO, LOG_MODULE, "no speech-dispatcher address: %s",
           error ? error : "unknown");
    free(error);
    return HX_ERR_NOT_FOUND;
  }
  /* No socket and nobody to start the server: libspeechd would only fail,
   * and it leaks a little on that path. */
  struct stat st;
  if (!autospawn && address->method == SPD_METHOD_UNIX_SOCKET &&
      (!address->unix_socket_name || stat(address->unix_socket_name, &st) != 0 ||
       !S_ISSOCK(st.st_mode))) {
    hx_log(HX_LOG_INFO, LOG_MODULE, "no speech-dispatcher socket at %s",
           address->unix_socket_name ? address->unix_socket_name : "(none)");
    SPDConnectionAddress__free(address);
    return HX_ERR_NOT_FOUND;
  }
  SPDConnection *conn =
      spd_open2(client_name, "announcements", NULL, SPD_MODE_SINGLE, address, autospawn, &error);
  SPDConnectionAddress__free(address);
  if (!conn) {
    hx_log(HX_LOG_INFO, LOG_MODULE, "cannot reach speech-dispatcher: %s",
           error ? error : "unknown");
    free(error);
    return HX_ERR_NOT_FOUND;
  }
  free(error);
  /* Plain text: a name that looks like markup is read out. */
  if (spd_set_data_mode(conn, SPD_DATA_TEXT) != 0) {
    spd_close(conn);
    return HX_ERR_NOT_FOUND;
  }
  return a11y_speechd_create_with(&spd_ops, conn, out);
}

void a11y_speechd_destroy(struct a11y_speechd *s)
{
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  s->stop = true;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->worker, NULL);
  s->ops.close(s->conn);
  pthread_cond_destroy(&s->wake);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

int a11y_speechd_say(struct a11y_speechd *s, const char *text, bool urgent)
{
  if (!text)
    return HX_ERR_INVALID;
  struct request r = {.urgent = urgent};
  a11y_text_sanitize(r.text, sizeof r.text, text);
  int status = HX_OK;
  pthread_mutex_lock(&s->lock);
  if (s->lost) {
    status = HX_ERR_IO;
  } else {
    if (urgent) {
      s->count = 0;
      s->cancel_next = true;
    }
    if (s->count == A11Y_SPEECHD_PENDING_MAX) {
      status = HX_ERR_FULL;
    } else {
      s->pending[(s->head + s->count) % A11Y_SPEECHD_PENDING_MAX] = r;
      s->count++;
      pthread_cond_signal(&s->wake);
    }
  }
  pthread_mutex_unlock(&s->lock);
  return status;
}

void a11y_speechd_cancel(struct a11y_speechd *s)
{
  pthread_mutex_lock(&s->lock);
  if (!s->lost) {
    s->count = 0;
    s->cancel_next = true;
    pthread_cond_signal(&s->wake);
  }
  pthread_mutex_unlock(&s->lock);
}

bool a11y_speechd_lost(struct a11y_speechd *s)
{
  pthread_mutex_lock(&s->lock);
  bool lost = s->lost;
  pthread_mutex_unlock(&s->lock);
  return lost;
}

bool a11y_speechd_idle(struct a11y_speechd *s)
{
  pthread_mutex_lock(&s->lock);
  bool idle = s->lost || (!s->busy && !s->cancel_next && s->count == 0);
  pthread_mutex_unlock(&s->lock);
  return idle;
}
