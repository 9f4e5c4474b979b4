#include "srv_media.h"

#include <stdio.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "proto_rtp.h"
#include "proto_srtp.h"
#include "srv.h"
#include "srv_addr.h"
#include "srv_floor.h"
#include "srv_room.h"
#include "srv_session.h"

#define MODULE "media"
#define PACKET_CAP (PROTO_RTP_MAX_PACKET + PROTO_SRTP_TRAILER_MAX)

static struct srv_media_log_slot *log_slot(struct srv_media_log *log,
                                           const struct sockaddr_storage *from)
{
  struct srv_media_log_slot *oldest = &log->slots[0];
  for (size_t i = 0; i < SRV_MEDIA_LOG_SLOTS; i++) {
    struct srv_media_log_slot *slot = &log->slots[i];
    if (slot->used && srv_addr_equal(&slot->addr, from))
      return slot;
    if (!slot->used || (oldest->used && slot->last_ms < oldest->last_ms))
      oldest = slot;
  }
  memset(oldest, 0, sizeof *oldest);
  oldest->addr = *from;
  return oldest;
}

/* One line per source per interval, and at most a budget of lines per
 * interval overall, so a flood of forged packets (even from spoofed
 * addresses) cannot flood the log. */
static void media_reject(struct srv *srv, const struct sockaddr_storage *from, uint64_t now_ms,
                         int err, uint32_t ssrc)
{
  struct srv_media_log *log = &srv->media_log;
  if (now_ms - log->window_start_ms >= SRV_MEDIA_LOG_INTERVAL_MS) {
    if (log->suppressed)
      hx_log(HX_LOG_WARN, MODULE, "dropped %llu more bad packets without logging them",
             (unsigned long long)log->suppressed);
    log->window_start_ms = now_ms;
    log->window_lines = 0;
    log->suppressed = 0;
  }
  struct srv_media_log_slot *slot = log_slot(log, from);
  if (slot->used && now_ms - slot->last_ms < SRV_MEDIA_LOG_INTERVAL_MS) {
    slot->suppressed++;
    return;
  }
  if (log->window_lines >= SRV_MEDIA_LOG_BUDGET) {
    log->suppressed++;
    return;
  }
  char addr[SRV_ADDR_STRLEN];
  srv_addr_format(from, addr);
  enum hx_log_level level = err == HX_ERR_AUTH || err == HX_ERR_REPLAY ? HX_LOG_WARN : HX_LOG_INFO;
  char about[32] = "";
  if (ssrc)
    snprintf(about, sizeof about, " (ssrc %lu)", (unsigned long)ssrc);
  hx_log(level, MODULE, "dropped a packet from %s%s: %s (%llu more from there since the last line)",
         addr, about, hx_strerror(err), (unsigned long long)slot->suppressed);
  slot->used = 1;
  slot->last_ms = now_ms;
  slot->suppressed = 0;
  log->window_lines++;
}

static void learn_address(struct srv_member *m, const struct sockaddr_storage *from)
{
  if (m->has_addr && srv_addr_equal(&m->addr, from))
    return;
  char addr[SRV_ADDR_STRLEN];
  srv_addr_format(from, addr);
  hx_log(HX_LOG_DEBUG, MODULE, "session %llu sends media from %s%s",
         (unsigned long long)m->session->id, addr, m->has_addr ? " now" : "");
  m->addr = *from;
  m->has_addr = true;
}

static void forward(struct srv *srv, const struct srv_member *from, const uint8_t *pkt,
                    size_t len)
{
  uint8_t out[PACKET_CAP];
  const struct srv_room *room = from->room;
  for (size_t i = 0; i < room->count; i++) {
    struct srv_member *to = room->members[i];
    if (to == from || !to->has_addr || !srv_floor_may_hear(to))
      continue;
    size_t out_len;
    memcpy(out, pkt, len);
    if (proto_srtp_protect(to->out, out, len, sizeof out, &out_len) != HX_OK)
      continue;
    if (srv->cb.send_udp && !srv->quiet)
      srv->cb.send_udp(srv->cb.ud, &to->addr, out, out_len);
  }
}

void srv_media_send_typed(struct srv *srv, const struct srv_member *from, const uint8_t *pkt,
                          size_t len)
{
  uint8_t out[PACKET_CAP];
  if (len > PROTO_RTP_MAX_PACKET)
    return;
  const struct srv_room *room = from->room;
  for (size_t i = 0; i < room->count; i++) {
    struct srv_member *to = room->members[i];
    if (to == from || !to->has_addr || !srv_floor_may_hear(to) ||
        to->session->hear_text != SRV_HEAR_VOICE)
      continue;
    size_t out_len;
    memcpy(out, pkt, len);
    if (proto_srtp_protect(to->out, out, len, sizeof out, &out_len) != HX_OK)
      continue;
    if (srv->cb.send_udp && !srv->quiet)
      srv->cb.send_udp(srv->cb.ud, &to->addr, out, out_len);
  }
}

int srv_media_handle(struct srv *srv, const struct sockaddr_storage *from, const uint8_t *buf,
                     size_t len, uint64_t now_ms)
{
  uint8_t pkt[PACKET_CAP];
  struct proto_rtp h;
  if (len > sizeof pkt) {
    media_reject(srv, from, now_ms, HX_ERR_TOO_BIG, 0);
    return HX_ERR_TOO_BIG;
  }
  int rc = proto_rtp_parse(buf, len, &h);
  if (rc == HX_OK && h.payload_type != PROTO_RTP_PT_OPUS)
    rc = HX_ERR_INVALID;
  if (rc != HX_OK) {
    media_reject(srv, from, now_ms, rc, 0);
    return rc;
  }
  struct srv_member *m = srv_ssrc_get(&srv->ssrcs, h.ssrc);
  /* A text SSRC is the server's to send on, never a client's. */
  if (!m || h.ssrc != m->ssrc) {
    media_reject(srv, from, now_ms, HX_ERR_NOT_FOUND, h.ssrc);
    return HX_ERR_NOT_FOUND;
  }
  uint32_t ssrc = h.ssrc;
  size_t plain_len;
  memcpy(pkt, buf, len);
  rc = proto_srtp_unprotect(m->in, pkt, len, &plain_len);
  if (rc == HX_OK && plain_len > PROTO_RTP_MAX_PACKET)
    rc = HX_ERR_TOO_BIG;
  if (rc == HX_OK)
    rc = proto_rtp_parse(pkt, plain_len, &h);
  if (rc != HX_OK) {
    media_reject(srv, from, now_ms, rc, ssrc);
    return rc;
  }
  learn_address(m, from);
  srv->now_ms = now_ms;
  /* Packets from someone who may not speak now (muted, listening, stepped
   * out, or without the floor) still teach the address, so they hear the
   * room, but are neither forwarded nor counted as speech: the floor is
   * enforced here, not trusted to clients. */
  if (!srv_floor_may_speak(m))
    return HX_OK;
  if (h.has_level)
    srv_room_note_level(srv, m, h.voice, h.level, now_ms);
  forward(srv, m, pkt, plain_len);
  return HX_OK;
}
