/* Announcements through speech-dispatcher (libspeechd), so the person's
 * own screen-reader voice says them. No PCM comes back: speech-dispatcher
 * plays it on its own audio output.
 *
 * News about the person (urgent) cancels what this client has queued or is
 * saying and is spoken at SPD_IMPORTANT; room events queue at SPD_MESSAGE,
 * in order. Text is sent as plain text (SPD_DATA_TEXT), never SSML, with
 * control characters replaced, so a name from the network is read out, not
 * obeyed.
 *
 * libspeechd waits for the server's reply to each command, so one worker
 * thread owns the connection and makes every call; the functions below
 * only hand requests to it under a mutex held for a copy, and never wait
 * for speech-dispatcher (create excepted: it connects before returning).
 *
 * Threads: create, destroy, say, cancel, lost and idle are called from one
 * thread (the client's loop), never from an audio callback. */
#ifndef A11Y_SPEECHD_H
#define A11Y_SPEECHD_H

#include <stdbool.h>
#include <stddef.h>

/* Longest text one request carries; longer text is cut. */
#define A11Y_SPEECHD_TEXT_MAX 1024
/* Requests waiting for the worker; a room event beyond this is dropped. */
#define A11Y_SPEECHD_PENDING_MAX 16

/* What the worker does with the connection: libspeechd's calls, or a
 * test's fakes. Each runs on the worker thread only. say and cancel return
 * 0, or a negative number when the connection is gone. */
struct a11y_speechd_ops {
  int (*say)(void *conn, bool urgent, const char *text);
  int (*cancel)(void *conn);
  void (*close)(void *conn);
};

struct a11y_speechd;

/* Connects to speech-dispatcher at its usual address ($SPEECHD_ADDRESS, or
 * the socket in $XDG_RUNTIME_DIR), starting it first when autospawn is set
 * and the system allows it. client_name names us in its settings.
 * HX_ERR_NOT_FOUND when it cannot be reached; HX_ERR_NOMEM. */
int a11y_speechd_create(const char *client_name, bool autospawn, struct a11y_speechd **out);
/* The same over a connection someone else opened (tests): ops and conn are
 * kept; ops->close(conn) runs at destroy. */
int a11y_speechd_create_with(const struct a11y_speechd_ops *ops, void *conn,
                             struct a11y_speechd **out);
/* Drops what is still waiting, joins the worker and closes the connection.
 * NULL does nothing. */
void a11y_speechd_destroy(struct a11y_speechd *s);

/* Queues text; urgent cancels everything before it. HX_ERR_FULL when
 * A11Y_SPEECHD_PENDING_MAX requests wait (the text is dropped), HX_ERR_IO
 * once the connection is gone. */
int a11y_speechd_say(struct a11y_speechd *s, const char *text, bool urgent);
/* Stops what is being said and drops what waits. */
void a11y_speechd_cancel(struct a11y_speechd *s);
/* True once a call failed because speech-dispatcher went away. */
bool a11y_speechd_lost(struct a11y_speechd *s);
/* True when every request has been handed to speech-dispatcher. */
bool a11y_speechd_idle(struct a11y_speechd *s);

#endif
