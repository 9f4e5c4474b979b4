#include "srv_report.h"

#include <stdint.h>

#include "proto_msg.h"
#include "srv_room.h"
#include "srv_session.h"

void srv_report_on_report(struct srv *srv, struct srv_session *s, const json_t *msg)
{
  json_int_t id = proto_msg_id(msg);
  json_t *ssrc = json_object_get(msg, "ssrc");
  json_t *loss = json_object_get(msg, "loss");
  if (!json_is_integer(ssrc) || !json_is_integer(loss) || json_integer_value(ssrc) < 0 ||
      json_integer_value(ssrc) > (json_int_t)UINT32_MAX || json_integer_value(loss) < 0 ||
      json_integer_value(loss) > 100) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_MESSAGE,
                   "A report has \"ssrc\" (a speaker's SSRC) and \"loss\" (0 to 100).");
    return;
  }
  if (!s->member) {
    srv_send_error(srv, s->id, id, PROTO_E_NOT_IN_ROOM, "Join a room before reporting.");
    return;
  }
  struct srv_room *room = s->member->room;
  uint32_t want = (uint32_t)json_integer_value(ssrc);
  for (size_t i = 0; i < room->count; i++) {
    struct srv_member *m = room->members[i];
    if (!m || m->ssrc != want || m == s->member)
      continue;
    json_t *ev = srv_msg_new("event", -1);
    if (ev) {
      json_object_set_new(ev, "event", json_string("loss"));
      json_object_set_new(ev, "loss", json_integer(json_integer_value(loss)));
    }
    srv_send(srv, m->session->id, ev);
    return;
  }
}
