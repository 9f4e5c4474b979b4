/* Receiver reports: a listener tells how much of one speaker's stream it
 * lost, and the server passes that to the speaker, whose encoder then sends
 * as much Opus FEC as the worst-placed listener needs. The server keeps no
 * state for it: every report is relayed at once and the speaker keeps the
 * worst recent figure itself. Loop thread only. */
#ifndef SRV_REPORT_H
#define SRV_REPORT_H

#include <jansson.h>

#include "srv.h"

struct srv_session;

/* {"type":"report","ssrc":S,"loss":P}: P in 0..100 percent, S a member of
 * the reporter's room. Bad values get a bad_message error, a reporter in
 * no room not_in_room; a speaker who already left is ignored. */
void srv_report_on_report(struct srv *srv, struct srv_session *s, const json_t *msg);

#endif
