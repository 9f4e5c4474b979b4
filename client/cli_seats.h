/* Seats around the circle (--seats on): each other person in the room gets
 * a place in front of the listener, an azimuth from CLI_SEATS_WIDTH_DEG to
 * the left to as far to the right, and keeps it while they stay, so a
 * voice can be told by where it comes from. A newcomer takes the free
 * place farthest from the others: both ends first, then the middle, then
 * the points halfway between, and so on. Someone leaving frees a place and
 * moves nobody. Past CLI_SEATS_PLACES people places are shared, the least
 * crowded first. Plain data, no I/O: main (loop) thread only. */
#ifndef CLI_SEATS_H
#define CLI_SEATS_H

#include <stddef.h>
#include <stdint.h>

#define CLI_SEATS_WIDTH_DEG 75
#define CLI_SEATS_PLACES 33
#define CLI_SEATS_MAX 256 /* people; as CLI_ROSTER_MAX */

struct cli_seats;

int cli_seats_create(struct cli_seats **out);
void cli_seats_destroy(struct cli_seats *s);

/* The person's seat (a session id), given one now if they have none. *pan
 * is the azimuth over 90 degrees: -1 would be hard left, +1 hard right,
 * for cli_media_set_pan. HX_ERR_FULL beyond CLI_SEATS_MAX people. */
int cli_seats_take(struct cli_seats *s, uint64_t person, float *pan);
/* Frees the person's seat; nobody else moves. Someone without a seat is
 * ignored. */
void cli_seats_release(struct cli_seats *s, uint64_t person);
/* Everyone stands up: a new room. */
void cli_seats_clear(struct cli_seats *s);
/* HX_ERR_NOT_FOUND when the person has no seat. */
int cli_seats_pan(const struct cli_seats *s, uint64_t person, float *pan);

#endif
