/* The media router (SFU): one SRTP packet in, authenticated with the
 * sender's "up" key, forwarded to every other member of the sender's room
 * under that member's "down" key. Never allocates per packet. Not
 * thread-safe: call from the loop thread. */
#ifndef SRV_MEDIA_H
#define SRV_MEDIA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SRV_MEDIA_LOG_SLOTS 16
#define SRV_MEDIA_LOG_INTERVAL_MS 5000
/* Log lines about bad packets, over all sources, per interval. */
#define SRV_MEDIA_LOG_BUDGET 10

/* A bad packet is logged at most once per source per interval; the rest are
 * counted and the count goes with the next line. */
struct srv_media_log_slot {
  struct sockaddr_storage addr;
  uint64_t last_ms;
  uint64_t suppressed;
  int used;
};

struct srv_media_log {
  struct srv_media_log_slot slots[SRV_MEDIA_LOG_SLOTS];
  uint64_t window_start_ms;
  unsigned window_lines;
  uint64_t suppressed; /* over the budget: spread over many sources */
};

struct srv;

/* Handles one datagram from `from` at now_ms. HX_OK when it authenticated
 * (forwarded unless the sender is muted); otherwise the reason it was
 * dropped: HX_ERR_TOO_BIG, HX_ERR_TRUNCATED / HX_ERR_BAD_VERSION /
 * HX_ERR_INVALID (not RTP or not Opus), HX_ERR_NOT_FOUND (unknown SSRC),
 * HX_ERR_AUTH, HX_ERR_REPLAY. Only an authenticated packet teaches the
 * sender's address. */
int srv_media_handle(struct srv *srv, const struct sockaddr_storage *from, const uint8_t *buf,
                     size_t len, uint64_t now_ms);

struct srv_member;

/* Sends one plain RTP packet of typed speech (srv_speech.c) from a member's
 * text SSRC to every other member of their room who hears typed lines as
 * voice, under each one's "down" key. */
void srv_media_send_typed(struct srv *srv, const struct srv_member *from, const uint8_t *pkt,
                          size_t len);

#endif
