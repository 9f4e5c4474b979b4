#include "srv_db.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "hx_util.h"

#define MODULE "db"
/* The operator CLI may hold the write lock briefly; wait rather than fail. */
#define BUSY_TIMEOUT_MS 5000

struct srv_db {
  sqlite3 *h;
};

/* Each entry moves the schema from version i to i + 1. Never edit a
 * shipped entry: add a new one, so old data files migrate forward. */
static const char *const migrations[] = {
    "CREATE TABLE rooms (name TEXT PRIMARY KEY COLLATE NOCASE, topic TEXT NOT NULL,"
    " size_limit INTEGER NOT NULL, locked INTEGER NOT NULL, knock INTEGER NOT NULL,"
    " guests INTEGER NOT NULL, floor INTEGER NOT NULL, turn_limit INTEGER NOT NULL,"
    " turn_cue INTEGER NOT NULL, turn_end INTEGER NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE identities (key TEXT PRIMARY KEY, first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL, last_name TEXT NOT NULL);"
    "CREATE TABLE roles (room TEXT NOT NULL COLLATE NOCASE, key TEXT NOT NULL,"
    " role INTEGER NOT NULL, PRIMARY KEY (room, key));"
    "CREATE TABLE bans (id INTEGER PRIMARY KEY AUTOINCREMENT, room TEXT NOT NULL COLLATE NOCASE,"
    " name TEXT NOT NULL, key TEXT NOT NULL, address TEXT NOT NULL, until INTEGER NOT NULL,"
    " reason TEXT NOT NULL);"
    "CREATE TABLE invites (token TEXT PRIMARY KEY, room TEXT NOT NULL COLLATE NOCASE,"
    " uses_left INTEGER NOT NULL, expires_at INTEGER NOT NULL);",
};

static int fail(struct srv_db *db, const char *what)
{
  hx_log(HX_LOG_ERROR, MODULE, "%s: %s", what, sqlite3_errmsg(db->h));
  return HX_ERR_IO;
}

static int exec(struct srv_db *db, const char *sql)
{
  char *msg = NULL;
  if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
    hx_log(HX_LOG_ERROR, MODULE, "%s", msg ? msg : "statement failed");
    sqlite3_free(msg);
    return HX_ERR_IO;
  }
  return HX_OK;
}

static int migrate(struct srv_db *db)
{
  sqlite3_stmt *st = NULL;
  int version = 0;
  if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
    return fail(db, "reading the schema version");
  if (sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  int known = (int)(sizeof migrations / sizeof migrations[0]);
  if (version > known) {
    hx_log(HX_LOG_ERROR, MODULE,
           "the data file has schema version %d; this hearthd knows up to %d: upgrade hearthd",
           version, known);
    return HX_ERR_BAD_VERSION;
  }
  for (; version < known; version++) {
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", version + 1);
    if (exec(db, "BEGIN IMMEDIATE") != HX_OK)
      return HX_ERR_IO;
    if (exec(db, migrations[version]) != HX_OK || exec(db, bump) != HX_OK) {
      exec(db, "ROLLBACK");
      return HX_ERR_IO;
    }
    if (exec(db, "COMMIT") != HX_OK)
      return HX_ERR_IO;
  }
  return HX_OK;
}

int srv_db_open(const char *path, struct srv_db **out)
{
  *out = NULL;
  if (sodium_init() < 0)
    return HX_ERR_CRYPTO;
  struct srv_db *db = calloc(1, sizeof *db);
  if (!db)
    return HX_ERR_NOMEM;
  if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    hx_log(HX_LOG_ERROR, MODULE, "cannot open %s: %s", path,
           db->h ? sqlite3_errmsg(db->h) : "out of memory");
    srv_db_close(db);
    return HX_ERR_IO;
  }
  sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
  /* WAL lets the operator CLI write while the server reads; synchronous
   * FULL makes each commit durable before the reply goes out. */
  int rc = exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  if (rc == HX_OK)
    rc = migrate(db);
  if (rc != HX_OK) {
    srv_db_close(db);
    return rc;
  }
  *out = db;
  return HX_OK;
}

void srv_db_close(struct srv_db *db)
{
  if (!db)
    return;
  sqlite3_close(db->h);
  free(db);
}

void srv_settings_defaults(struct srv_settings *s, unsigned limit)
{
  memset(s, 0, sizeof *s);
  s->limit = limit;
  s->guests = true;
  s->floor = SRV_FLOOR_OPEN;
  s->turn_cue = 30;
  s->turn_end = SRV_TURN_REMIND;
}

static const char *const floor_names[] = {"open", "hands", "round"};
static const char *const role_names[] = {"member", "facilitator", "host"};

const char *srv_floor_name(enum srv_floor_mode m) { return floor_names[m]; }
const char *srv_role_name(enum srv_role r) { return role_names[r]; }

int srv_floor_parse(const char *s, enum srv_floor_mode *out)
{
  for (int i = 0; i < 3; i++) {
    if (strcmp(s, floor_names[i]) == 0) {
      *out = (enum srv_floor_mode)i;
      return HX_OK;
    }
  }
  return HX_ERR_INVALID;
}

int srv_role_parse(const char *s, enum srv_role *out)
{
  for (int i = 0; i < 3; i++) {
    if (strcmp(s, role_names[i]) == 0) {
      *out = (enum srv_role)i;
      return HX_OK;
    }
  }
  return HX_ERR_INVALID;
}

static int prepare(struct srv_db *db, const char *sql, sqlite3_stmt **st)
{
  if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
    return fail(db, "preparing a statement");
  return HX_OK;
}

/* Runs a prepared write to completion; in autocommit mode, sqlite3_step
 * returns after the commit reached the disk. */
static int step_done(struct srv_db *db, sqlite3_stmt *st)
{
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc == SQLITE_CONSTRAINT)
    return HX_ERR_EXISTS;
  if (rc != SQLITE_DONE)
    return fail(db, "writing");
  return HX_OK;
}

static int room_write(struct srv_db *db, const char *verb, const char *name,
                      const struct srv_settings *s)
{
  char sql[512];
  snprintf(sql, sizeof sql,
           "%s INTO rooms (name, topic, size_limit, locked, knock, guests, floor, turn_limit,"
           " turn_cue, turn_end, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
           " COALESCE((SELECT created FROM rooms WHERE name = ?1), strftime('%%s','now')))",
           verb);
  sqlite3_stmt *st;
  if (prepare(db, sql, &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, s->topic, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 3, (int)s->limit);
  sqlite3_bind_int(st, 4, s->locked);
  sqlite3_bind_int(st, 5, s->knock);
  sqlite3_bind_int(st, 6, s->guests);
  sqlite3_bind_int(st, 7, (int)s->floor);
  sqlite3_bind_int(st, 8, (int)s->turn_limit);
  sqlite3_bind_int(st, 9, (int)s->turn_cue);
  sqlite3_bind_int(st, 10, (int)s->turn_end);
  return step_done(db, st);
}

int srv_db_room_put(struct srv_db *db, const char *name, const struct srv_settings *s)
{
  return room_write(db, "INSERT OR REPLACE", name, s);
}

/* Several writes as one change: BEGIN here, then end_change commits them
 * all (durably, before it returns) or rolls every one back. */
static int begin_change(struct srv_db *db) { return exec(db, "BEGIN IMMEDIATE"); }

static int end_change(struct srv_db *db, int rc)
{
  if (rc == HX_OK && exec(db, "COMMIT") == HX_OK)
    return HX_OK;
  exec(db, "ROLLBACK");
  return rc == HX_OK ? HX_ERR_IO : rc;
}

/* Deletes what belongs to a room besides its row: roles, bans and
 * invites, so that a later room of the same name starts with none. */
static int forget_room(struct srv_db *db, const char *name)
{
  static const char *const sql[] = {"DELETE FROM roles WHERE room = ?1",
                                    "DELETE FROM bans WHERE room = ?1",
                                    "DELETE FROM invites WHERE room = ?1"};
  for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
    sqlite3_stmt *st;
    if (prepare(db, sql[i], &st) != HX_OK)
      return HX_ERR_IO;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int rc = step_done(db, st);
    if (rc != HX_OK)
      return rc;
  }
  return HX_OK;
}

int srv_db_room_insert(struct srv_db *db, const char *name, const struct srv_settings *s,
                       const char *host_key)
{
  if (begin_change(db) != HX_OK)
    return HX_ERR_IO;
  /* Rows a deleted room of this name left in an older data file. */
  int rc = forget_room(db, name);
  if (rc == HX_OK)
    rc = room_write(db, "INSERT", name, s);
  if (rc == HX_OK && host_key)
    rc = srv_db_role_set(db, name, host_key, SRV_ROLE_HOST);
  return end_change(db, rc);
}

static void read_room(sqlite3_stmt *st, struct srv_db_room *r)
{
  memset(r, 0, sizeof *r);
  hx_strlcpy(r->name, (const char *)sqlite3_column_text(st, 0), sizeof r->name);
  hx_strlcpy(r->settings.topic, (const char *)sqlite3_column_text(st, 1),
             sizeof r->settings.topic);
  r->settings.limit = (unsigned)sqlite3_column_int(st, 2);
  r->settings.locked = sqlite3_column_int(st, 3) != 0;
  r->settings.knock = sqlite3_column_int(st, 4) != 0;
  r->settings.guests = sqlite3_column_int(st, 5) != 0;
  int floor = sqlite3_column_int(st, 6);
  r->settings.floor = floor >= 0 && floor <= 2 ? (enum srv_floor_mode)floor : SRV_FLOOR_OPEN;
  r->settings.turn_limit = (unsigned)sqlite3_column_int(st, 7);
  r->settings.turn_cue = (unsigned)sqlite3_column_int(st, 8);
  r->settings.turn_end = sqlite3_column_int(st, 9) ? SRV_TURN_PASS : SRV_TURN_REMIND;
}

#define ROOM_COLUMNS                                                                     \
  "SELECT name, topic, size_limit, locked, knock, guests, floor, turn_limit, turn_cue, " \
  "turn_end FROM rooms "

int srv_db_room_get(struct srv_db *db, const char *name, struct srv_db_room *out)
{
  sqlite3_stmt *st;
  if (prepare(db, ROOM_COLUMNS "WHERE name = ?1", &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    read_room(st, out);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? HX_OK : rc == SQLITE_DONE ? HX_ERR_NOT_FOUND : fail(db, "reading");
}

int srv_db_room_delete(struct srv_db *db, const char *name)
{
  sqlite3_stmt *st;
  if (begin_change(db) != HX_OK)
    return HX_ERR_IO;
  int rc = prepare(db, "DELETE FROM rooms WHERE name = ?1", &st);
  if (rc == HX_OK) {
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = step_done(db, st);
  }
  if (rc == HX_OK && sqlite3_changes(db->h) == 0)
    rc = HX_ERR_NOT_FOUND;
  if (rc == HX_OK)
    rc = forget_room(db, name);
  return end_change(db, rc);
}

int srv_db_room_list(struct srv_db *db, void (*fn)(void *ud, const struct srv_db_room *r),
                     void *ud)
{
  sqlite3_stmt *st;
  if (prepare(db, ROOM_COLUMNS "ORDER BY created, rowid", &st) != HX_OK)
    return HX_ERR_IO;
  int rc;
  struct srv_db_room r;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_room(st, &r);
    fn(ud, &r);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? HX_OK : fail(db, "listing rooms");
}

int srv_db_identity_seen(struct srv_db *db, const char *key, const char *name, int64_t now)
{
  sqlite3_stmt *st;
  if (prepare(db,
              "INSERT INTO identities (key, first_seen, last_seen, last_name) VALUES (?1, ?2, ?2,"
              " ?3) ON CONFLICT (key) DO UPDATE SET last_seen = ?2, last_name = ?3",
              &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, now);
  sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
  return step_done(db, st);
}

int srv_db_role_get(struct srv_db *db, const char *room, const char *key, enum srv_role *out)
{
  *out = SRV_ROLE_MEMBER;
  sqlite3_stmt *st;
  if (prepare(db, "SELECT role FROM roles WHERE room = ?1 AND key = ?2", &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    int role = sqlite3_column_int(st, 0);
    *out = role >= 0 && role <= 2 ? (enum srv_role)role : SRV_ROLE_MEMBER;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? HX_OK : fail(db, "reading a role");
}

int srv_db_role_set(struct srv_db *db, const char *room, const char *key, enum srv_role role)
{
  sqlite3_stmt *st;
  if (prepare(db, "INSERT OR REPLACE INTO roles (room, key, role) VALUES (?1, ?2, ?3)", &st) !=
      HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 3, (int)role);
  return step_done(db, st);
}

int srv_db_ban_add(struct srv_db *db, struct srv_db_ban *ban)
{
  sqlite3_stmt *st;
  if (prepare(db,
              "INSERT INTO bans (room, name, key, address, until, reason) VALUES (?1, ?2, ?3,"
              " ?4, ?5, ?6)",
              &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, ban->room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, ban->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, ban->key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, ban->address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, ban->until);
  sqlite3_bind_text(st, 6, ban->reason, -1, SQLITE_TRANSIENT);
  int rc = step_done(db, st);
  if (rc == HX_OK)
    ban->id = sqlite3_last_insert_rowid(db->h);
  return rc;
}

static void read_ban(sqlite3_stmt *st, struct srv_db_ban *b)
{
  memset(b, 0, sizeof *b);
  b->id = sqlite3_column_int64(st, 0);
  hx_strlcpy(b->room, (const char *)sqlite3_column_text(st, 1), sizeof b->room);
  hx_strlcpy(b->name, (const char *)sqlite3_column_text(st, 2), sizeof b->name);
  hx_strlcpy(b->key, (const char *)sqlite3_column_text(st, 3), sizeof b->key);
  hx_strlcpy(b->address, (const char *)sqlite3_column_text(st, 4), sizeof b->address);
  b->until = sqlite3_column_int64(st, 5);
  hx_strlcpy(b->reason, (const char *)sqlite3_column_text(st, 6), sizeof b->reason);
}

#define BAN_COLUMNS "SELECT id, room, name, key, address, until, reason FROM bans "

int srv_db_ban_find(struct srv_db *db, const char *room, const char *key, const char *address,
                    int64_t now, struct srv_db_ban *out)
{
  sqlite3_stmt *st;
  if (prepare(db,
              BAN_COLUMNS "WHERE room = ?1 AND (until = 0 OR until > ?4) AND"
                          " ((?2 <> '' AND key = ?2) OR (?3 <> '' AND address = ?3)) LIMIT 1",
              &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, key ? key : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, address ? address : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, now);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    read_ban(st, out);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? HX_OK : rc == SQLITE_DONE ? HX_ERR_NOT_FOUND : fail(db, "reading");
}

int srv_db_ban_remove(struct srv_db *db, const char *room, int64_t id)
{
  sqlite3_stmt *st;
  if (prepare(db, "DELETE FROM bans WHERE id = ?1 AND (?2 IS NULL OR room = ?2)", &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_int64(st, 1, id);
  if (room)
    sqlite3_bind_text(st, 2, room, -1, SQLITE_TRANSIENT);
  int rc = step_done(db, st);
  if (rc == HX_OK && sqlite3_changes(db->h) == 0)
    return HX_ERR_NOT_FOUND;
  return rc;
}

int srv_db_ban_list(struct srv_db *db, const char *room, int64_t now,
                    void (*fn)(void *ud, const struct srv_db_ban *b), void *ud)
{
  sqlite3_stmt *st;
  if (prepare(db,
              BAN_COLUMNS "WHERE (?1 IS NULL OR room = ?1) AND (until = 0 OR until > ?2)"
                          " ORDER BY id",
              &st) != HX_OK)
    return HX_ERR_IO;
  if (room)
    sqlite3_bind_text(st, 1, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, now);
  int rc;
  struct srv_db_ban b;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_ban(st, &b);
    fn(ud, &b);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? HX_OK : fail(db, "listing bans");
}

int srv_db_invite_create(struct srv_db *db, const char *room, unsigned uses, int64_t expires_at,
                         char token[SRV_DB_TOKEN_LEN])
{
  uint8_t raw[16];
  randombytes_buf(raw, sizeof raw);
  memcpy(token, "hx1-", 4);
  sodium_bin2hex(token + 4, SRV_DB_TOKEN_LEN - 4, raw, sizeof raw);
  sqlite3_stmt *st;
  if (prepare(db, "INSERT INTO invites (token, room, uses_left, expires_at) VALUES (?1, ?2, ?3, ?4)",
              &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, token, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 3, (int)uses);
  sqlite3_bind_int64(st, 4, expires_at);
  return step_done(db, st);
}

int srv_db_invite_use(struct srv_db *db, const char *room, const char *token, int64_t now)
{
  sqlite3_stmt *st;
  if (prepare(db,
              "UPDATE invites SET uses_left = uses_left - 1 WHERE token = ?1 AND room = ?2 AND"
              " uses_left > 0 AND expires_at > ?3",
              &st) != HX_OK)
    return HX_ERR_IO;
  sqlite3_bind_text(st, 1, token, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, room, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, now);
  int rc = step_done(db, st);
  if (rc == HX_OK && sqlite3_changes(db->h) == 0)
    return HX_ERR_NOT_FOUND;
  return rc;
}

int srv_db_data_version(struct srv_db *db, int64_t *out)
{
  sqlite3_stmt *st;
  if (prepare(db, "PRAGMA data_version", &st) != HX_OK)
    return HX_ERR_IO;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? HX_OK : fail(db, "reading data_version");
}
