/* SSRC -> room member lookup for the media path: open addressing with linear
 * probing and backward-shift deletion, so a lookup never allocates and stays
 * short however many rooms the server holds. Not thread-safe. */
#ifndef SRV_SSRC_H
#define SRV_SSRC_H

#include <stddef.h>
#include <stdint.h>

struct srv_member;

struct srv_ssrc_slot {
  uint32_t ssrc;
  struct srv_member *member; /* not owned; NULL marks an empty slot */
};

struct srv_ssrc_map {
  struct srv_ssrc_slot *slots; /* owned */
  size_t cap;                  /* a power of two, or 0 before the first put */
  size_t count;
};

void srv_ssrc_init(struct srv_ssrc_map *m);
void srv_ssrc_free(struct srv_ssrc_map *m);
/* HX_ERR_EXISTS when the SSRC is already mapped, HX_ERR_NOMEM. */
int srv_ssrc_put(struct srv_ssrc_map *m, uint32_t ssrc, struct srv_member *member);
/* NULL when unknown. */
struct srv_member *srv_ssrc_get(const struct srv_ssrc_map *m, uint32_t ssrc);
/* HX_ERR_NOT_FOUND when unknown. */
int srv_ssrc_remove(struct srv_ssrc_map *m, uint32_t ssrc);

#endif
