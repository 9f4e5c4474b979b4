#include "cli_request.h"

#include <stdlib.h>

#include "hx_err.h"
#include "proto_msg.h"

int cli_request_send(cli_request_send_fn send, void *userdata, json_t *msg, json_int_t id)
{
  if (!msg)
    return HX_ERR_NOMEM;
  int rc = json_object_set_new(msg, "id", json_integer(id)) == 0 ? HX_OK : HX_ERR_NOMEM;
  char *buf = NULL;
  size_t len = 0;
  if (rc == HX_OK)
    rc = proto_msg_encode(msg, &buf, &len);
  json_decref(msg);
  if (rc == HX_OK)
    rc = send(userdata, buf, len);
  free(buf);
  return rc;
}
