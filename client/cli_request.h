/* One request from the client to the server: the session, circle and
 * typed-speech modules each number their own requests (in ranges apart, so
 * a reply finds its module) and send them the same way. Pure function;
 * call from the loop thread, as the send callback expects. */
#ifndef CLI_REQUEST_H
#define CLI_REQUEST_H

#include <jansson.h>
#include <stddef.h>

typedef int (*cli_request_send_fn)(void *userdata, const char *data, size_t len);

/* Sets "id" on msg (stolen; NULL gives HX_ERR_NOMEM), encodes it as one
 * line and hands it to send. */
int cli_request_send(cli_request_send_fn send, void *userdata, json_t *msg, json_int_t id);

#endif
