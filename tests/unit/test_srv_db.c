/* The data file: WAL and the schema version, a newer file refused, a room
 * and its host made in one change, a deleted room's roles, bans and
 * invites forgotten with it, invites spent use by use and expiring, bans
 * ending at their time, and an acknowledged change surviving kill -9. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hx_err.h"
#include "srv_db.h"

#define KEY_ADA "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define KEY_BEN "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA="
#define NOW 1800000000

struct dir {
  char path[64];
  char db[96];
};

static int setup(void **state)
{
  struct dir *d = calloc(1, sizeof *d);
  if (!d)
    return -1;
  snprintf(d->path, sizeof d->path, "/tmp/test_srv_db.XXXXXX");
  if (!mkdtemp(d->path))
    return -1;
  snprintf(d->db, sizeof d->db, "%s/" SRV_DB_FILE, d->path);
  *state = d;
  return 0;
}

static int teardown(void **state)
{
  struct dir *d = *state;
  char side[128];
  unlink(d->db);
  snprintf(side, sizeof side, "%s-wal", d->db);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", d->db);
  unlink(side);
  rmdir(d->path);
  free(d);
  return 0;
}

/* The first value of a query on a connection of our own: as text into
 * out when out is not NULL, and as a number. */
static int64_t query(const char *path, const char *sql, char *out, size_t cap)
{
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  if (out)
    snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

static void make_room(struct srv_db *db, const char *name, const char *host_key)
{
  struct srv_settings st;
  srv_settings_defaults(&st, 12);
  assert_int_equal(srv_db_room_insert(db, name, &st, host_key), HX_OK);
}

static enum srv_role role_of(struct srv_db *db, const char *room, const char *key)
{
  enum srv_role r;
  assert_int_equal(srv_db_role_get(db, room, key, &r), HX_OK);
  return r;
}

static struct srv_db_ban ban_on(const char *room, const char *key, const char *address,
                                int64_t until)
{
  struct srv_db_ban b = {0};
  snprintf(b.room, sizeof b.room, "%s", room);
  snprintf(b.name, sizeof b.name, "Ben");
  snprintf(b.key, sizeof b.key, "%s", key);
  snprintf(b.address, sizeof b.address, "%s", address);
  snprintf(b.reason, sizeof b.reason, "Take a break.");
  b.until = until;
  return b;
}

static void db_open_uses_wal_and_records_the_schema_version(void **state)
{
  struct dir *d = *state;
  struct srv_db *db = NULL;
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  char got[32];
  query(d->db, "PRAGMA journal_mode", got, sizeof got);
  assert_string_equal(got, "wal");
  assert_int_equal(query(d->db, "PRAGMA user_version", NULL, 0), SRV_DB_SCHEMA);
  srv_db_close(db);
  /* Opening it again migrates nothing and keeps the version. */
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  srv_db_close(db);
  assert_int_equal(query(d->db, "PRAGMA user_version", NULL, 0), SRV_DB_SCHEMA);
}

static void db_refuses_a_file_from_a_newer_hearthd(void **state)
{
  struct dir *d = *state;
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open(d->db, &h), SQLITE_OK);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SRV_DB_SCHEMA + 1);
  assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  struct srv_db *db = (struct srv_db *)d; /* not NULL, to see it cleared */
  assert_int_equal(srv_db_open(d->db, &db), HX_ERR_BAD_VERSION);
  assert_null(db);
  /* The file is left as it was, for the newer hearthd. */
  assert_int_equal(query(d->db, "PRAGMA user_version", NULL, 0), SRV_DB_SCHEMA + 1);
}

static void db_room_insert_makes_its_host_in_the_same_change(void **state)
{
  struct dir *d = *state;
  struct srv_db *db = NULL;
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  make_room(db, "Circle", KEY_ADA);
  assert_int_equal(role_of(db, "Circle", KEY_ADA), SRV_ROLE_HOST);
  assert_int_equal(role_of(db, "circle", KEY_ADA), SRV_ROLE_HOST);
  /* A second room of that name is refused, and its would-be host is not
   * made a host of the first. */
  struct srv_settings st;
  srv_settings_defaults(&st, 12);
  assert_int_equal(srv_db_room_insert(db, "CIRCLE", &st, KEY_BEN), HX_ERR_EXISTS);
  assert_int_equal(role_of(db, "Circle", KEY_BEN), SRV_ROLE_MEMBER);
  assert_int_equal(role_of(db, "Circle", KEY_ADA), SRV_ROLE_HOST);
  /* The operator's rooms have no host. */
  make_room(db, "Garden", NULL);
  assert_int_equal(role_of(db, "Garden", KEY_ADA), SRV_ROLE_MEMBER);
  srv_db_close(db);
}

static void db_room_delete_forgets_its_roles_bans_and_invites(void **state)
{
  struct dir *d = *state;
  struct srv_db *db = NULL;
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  make_room(db, "Circle", KEY_ADA);
  make_room(db, "Garden", KEY_ADA);
  for (int i = 0; i < 2; i++) {
    struct srv_db_ban b = ban_on(i ? "Garden" : "Circle", KEY_BEN, "192.0.2.7", 0);
    assert_int_equal(srv_db_ban_add(db, &b), HX_OK);
  }
  char token[SRV_DB_TOKEN_LEN];
  assert_int_equal(srv_db_invite_create(db, "Circle", 5, NOW + 3600, token), HX_OK);

  assert_int_equal(srv_db_room_delete(db, "circle"), HX_OK);
  struct srv_db_room r;
  assert_int_equal(srv_db_room_get(db, "Circle", &r), HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_room_delete(db, "Circle"), HX_ERR_NOT_FOUND);

  /* Someone else makes a room of the same name: it owes nothing to the
   * old one. */
  make_room(db, "Circle", KEY_BEN);
  assert_int_equal(role_of(db, "Circle", KEY_ADA), SRV_ROLE_MEMBER);
  assert_int_equal(role_of(db, "Circle", KEY_BEN), SRV_ROLE_HOST);
  struct srv_db_ban found;
  assert_int_equal(srv_db_ban_find(db, "Circle", KEY_BEN, "192.0.2.7", NOW, &found),
                   HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_invite_use(db, "Circle", token, NOW), HX_ERR_NOT_FOUND);
  /* The other room keeps its own. */
  assert_int_equal(role_of(db, "Garden", KEY_ADA), SRV_ROLE_HOST);
  assert_int_equal(srv_db_ban_find(db, "Garden", KEY_BEN, "", NOW, &found), HX_OK);
  srv_db_close(db);
}

static void db_invite_is_spent_use_by_use_and_expires(void **state)
{
  struct dir *d = *state;
  struct srv_db *db = NULL;
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  make_room(db, "Circle", KEY_ADA);
  make_room(db, "Garden", KEY_ADA);
  char two[SRV_DB_TOKEN_LEN], brief[SRV_DB_TOKEN_LEN];
  assert_int_equal(srv_db_invite_create(db, "Circle", 2, NOW + 3600, two), HX_OK);
  assert_int_equal(strncmp(two, "hx1-", 4), 0);
  assert_int_equal(strlen(two), 4 + 32);
  assert_int_equal(srv_db_invite_use(db, "Garden", two, NOW), HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_invite_use(db, "Circle", two, NOW), HX_OK);
  assert_int_equal(srv_db_invite_use(db, "circle", two, NOW), HX_OK);
  assert_int_equal(srv_db_invite_use(db, "Circle", two, NOW), HX_ERR_NOT_FOUND);

  assert_int_equal(srv_db_invite_create(db, "Circle", 5, NOW + 10, brief), HX_OK);
  assert_string_not_equal(brief, two);
  assert_int_equal(srv_db_invite_use(db, "Circle", brief, NOW + 10), HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_invite_use(db, "Circle", brief, NOW + 9), HX_OK);
  assert_int_equal(srv_db_invite_use(db, "Circle", "hx1-not-a-token", NOW), HX_ERR_NOT_FOUND);
  srv_db_close(db);
}

static void db_ban_holds_by_key_or_address_until_its_time(void **state)
{
  struct dir *d = *state;
  struct srv_db *db = NULL;
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  make_room(db, "Circle", KEY_ADA);
  struct srv_db_ban b = ban_on("Circle", KEY_BEN, "192.0.2.7", NOW + 60);
  assert_int_equal(srv_db_ban_add(db, &b), HX_OK);
  assert_true(b.id > 0);
  struct srv_db_ban found;
  /* The same key from elsewhere, and another key from the same address. */
  assert_int_equal(srv_db_ban_find(db, "Circle", KEY_BEN, "198.51.100.1", NOW, &found), HX_OK);
  assert_string_equal(found.reason, "Take a break.");
  assert_int_equal(srv_db_ban_find(db, "Circle", KEY_ADA, "192.0.2.7", NOW, &found), HX_OK);
  /* Key only, as for the room's own hosts; and a guest with no key. */
  assert_int_equal(srv_db_ban_find(db, "Circle", KEY_ADA, "", NOW, &found), HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_ban_find(db, "Circle", "", "198.51.100.1", NOW, &found),
                   HX_ERR_NOT_FOUND);
  /* Over at its time. */
  assert_int_equal(srv_db_ban_find(db, "Circle", KEY_BEN, "", NOW + 60, &found),
                   HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_ban_remove(db, "Garden", b.id), HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_ban_remove(db, NULL, b.id), HX_OK);
  assert_int_equal(srv_db_ban_find(db, "Circle", KEY_BEN, "", NOW, &found), HX_ERR_NOT_FOUND);
  srv_db_close(db);
}

/* A child makes each change and, the moment the call returns (when the
 * server would send its reply), is killed with SIGKILL. Every change is
 * then in the file. */
static void db_an_acknowledged_change_survives_kill_9(void **state)
{
  struct dir *d = *state;
  struct srv_db *db = NULL;
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  make_room(db, "Circle", KEY_ADA);
  char token[SRV_DB_TOKEN_LEN];
  assert_int_equal(srv_db_invite_create(db, "Circle", 2, NOW + 3600, token), HX_OK);
  srv_db_close(db);
  for (int step = 0; step < 4; step++) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      struct srv_db *c = NULL;
      struct srv_settings st;
      struct srv_db_ban b = ban_on("Circle", KEY_BEN, "192.0.2.7", 0);
      int rc = srv_db_open(d->db, &c);
      srv_settings_defaults(&st, 8);
      st.locked = true;
      if (rc == HX_OK && step == 0)
        rc = srv_db_room_put(c, "Circle", &st);
      else if (rc == HX_OK && step == 1)
        rc = srv_db_ban_add(c, &b);
      else if (rc == HX_OK && step == 2)
        rc = srv_db_invite_use(c, "Circle", token, NOW);
      else if (rc == HX_OK)
        rc = srv_db_room_insert(c, "Garden", &st, KEY_BEN);
      if (rc != HX_OK)
        _exit(1);
      raise(SIGKILL);
      _exit(2);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
  }
  assert_int_equal(srv_db_open(d->db, &db), HX_OK);
  struct srv_db_room r;
  assert_int_equal(srv_db_room_get(db, "Circle", &r), HX_OK);
  assert_true(r.settings.locked);
  assert_int_equal(r.settings.limit, 8);
  struct srv_db_ban found;
  assert_int_equal(srv_db_ban_find(db, "Circle", KEY_BEN, "", NOW, &found), HX_OK);
  /* One of the two uses was spent before the kill. */
  assert_int_equal(srv_db_invite_use(db, "Circle", token, NOW), HX_OK);
  assert_int_equal(srv_db_invite_use(db, "Circle", token, NOW), HX_ERR_NOT_FOUND);
  assert_int_equal(srv_db_room_get(db, "Garden", &r), HX_OK);
  assert_int_equal(role_of(db, "Garden", KEY_BEN), SRV_ROLE_HOST);
  srv_db_close(db);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(db_open_uses_wal_and_records_the_schema_version),
      T(db_refuses_a_file_from_a_newer_hearthd),
      T(db_room_insert_makes_its_host_in_the_same_change),
      T(db_room_delete_forgets_its_roles_bans_and_invites),
      T(db_invite_is_spent_use_by_use_and_expires),
      T(db_ban_holds_by_key_or_address_until_its_time),
      T(db_an_acknowledged_change_survives_kill_9),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
