/* Persistence in SQLite (hearth.db in the data directory): rooms and their
 * settings, identities, roles, bans and invites. WAL journal, one
 * transaction per change, schema version in PRAGMA user_version with
 * migrations. Every write returns only after its commit, so a reply sent
 * after a successful call survives kill -9. Used by the loop thread and by
 * the operator CLI (another process on the same file). Not thread-safe. */
#ifndef SRV_DB_H
#define SRV_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srv_name.h"

#define SRV_DB_FILE "hearth.db"
#define SRV_DB_SCHEMA 1
#define SRV_DB_TOPIC_MAX 256
#define SRV_DB_REASON_MAX 512
#define SRV_DB_KEY_B64 45   /* base64 of a 32-byte key, NUL included */
#define SRV_DB_TOKEN_LEN 40 /* "hx1-" + 32 hex digits + NUL, rounded up */

enum srv_floor_mode { SRV_FLOOR_OPEN, SRV_FLOOR_HANDS, SRV_FLOOR_ROUND };
enum srv_turn_end { SRV_TURN_REMIND, SRV_TURN_PASS };
enum srv_role { SRV_ROLE_MEMBER, SRV_ROLE_FACILITATOR, SRV_ROLE_HOST };

struct srv_settings {
  char topic[SRV_DB_TOPIC_MAX];
  unsigned limit;
  bool locked;
  bool knock;
  bool guests;
  enum srv_floor_mode floor;
  unsigned turn_limit; /* seconds; 0: none */
  unsigned turn_cue;   /* seconds before the end */
  enum srv_turn_end turn_end;
};

struct srv_db_room {
  char name[SRV_NAME_BYTES];
  struct srv_settings settings;
};

struct srv_db_ban {
  int64_t id;
  char room[SRV_NAME_BYTES];
  char name[SRV_NAME_BYTES];
  char key[SRV_DB_KEY_B64]; /* "" when the person had none */
  char address[64];          /* "" when not known */
  int64_t until;             /* Unix time; 0: no end */
  char reason[SRV_DB_REASON_MAX];
};

struct srv_db;

/* Opens (creating and migrating) path; ":memory:" for tests. */
int srv_db_open(const char *path, struct srv_db **out);
void srv_db_close(struct srv_db *db);

void srv_settings_defaults(struct srv_settings *s, unsigned limit);
const char *srv_floor_name(enum srv_floor_mode m);
const char *srv_role_name(enum srv_role r);
int srv_floor_parse(const char *s, enum srv_floor_mode *out);
int srv_role_parse(const char *s, enum srv_role *out);

/* Rooms. room_put inserts or replaces. room_insert makes a new room
 * (HX_ERR_EXISTS when the name is taken) and, when host_key is not NULL,
 * that identity its host, in one transaction. room_delete also forgets the
 * room's roles, bans and invites, in one transaction; HX_ERR_NOT_FOUND
 * when there is no such room. list calls fn for each room in creation
 * order. */
int srv_db_room_put(struct srv_db *db, const char *name, const struct srv_settings *s);
int srv_db_room_insert(struct srv_db *db, const char *name, const struct srv_settings *s,
                       const char *host_key);
int srv_db_room_get(struct srv_db *db, const char *name, struct srv_db_room *out);
int srv_db_room_delete(struct srv_db *db, const char *name);
int srv_db_room_list(struct srv_db *db, void (*fn)(void *ud, const struct srv_db_room *r),
                     void *ud);

/* Identities and roles, by base64 public key. */
int srv_db_identity_seen(struct srv_db *db, const char *key, const char *name, int64_t now);
int srv_db_role_get(struct srv_db *db, const char *room, const char *key, enum srv_role *out);
int srv_db_role_set(struct srv_db *db, const char *room, const char *key, enum srv_role role);

/* Bans. add sets ban->id. find: the first ban in force (until 0 or > now)
 * on room matching key (when non-empty) or address (when non-empty):
 * HX_OK and *out, or HX_ERR_NOT_FOUND. list: room NULL lists every room. */
int srv_db_ban_add(struct srv_db *db, struct srv_db_ban *ban);
int srv_db_ban_find(struct srv_db *db, const char *room, const char *key, const char *address,
                    int64_t now, struct srv_db_ban *out);
int srv_db_ban_remove(struct srv_db *db, const char *room, int64_t id);
int srv_db_ban_list(struct srv_db *db, const char *room, int64_t now,
                    void (*fn)(void *ud, const struct srv_db_ban *b), void *ud);

/* Invites: create makes a random token; use spends one use of a token that
 * is for room and not expired (HX_ERR_NOT_FOUND otherwise). */
int srv_db_invite_create(struct srv_db *db, const char *room, unsigned uses, int64_t expires_at,
                         char token[SRV_DB_TOKEN_LEN]);
int srv_db_invite_use(struct srv_db *db, const char *room, const char *token, int64_t now);

/* PRAGMA data_version: changes when another connection (the operator CLI)
 * committed. */
int srv_db_data_version(struct srv_db *db, int64_t *out);

#endif
