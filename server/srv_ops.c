#include "srv_ops.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hx_err.h"
#include "hx_util.h"
#include "srv.h"
#include "srv_circle.h"
#include "srv_db.h"

#define EXIT_USAGE 2

bool srv_ops_is_command(const char *word)
{
  return strcmp(word, "room") == 0 || strcmp(word, "invite") == 0 || strcmp(word, "ban") == 0;
}

static int usage_error(const char *what)
{
  fprintf(stderr, SRV_NAME ": %s; try hearthd --help\n", what);
  return EXIT_USAGE;
}

/* "90", "90s", "15m", "2h", "7d" -> seconds (at least 1). */
static int parse_duration(const char *s, long *out)
{
  char num[32];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof num)
    return HX_ERR_INVALID;
  long unit = 1;
  memcpy(num, s, n + 1);
  switch (num[n - 1]) {
  case 's':
    num[n - 1] = '\0';
    break;
  case 'm':
    unit = 60;
    num[n - 1] = '\0';
    break;
  case 'h':
    unit = 3600;
    num[n - 1] = '\0';
    break;
  case 'd':
    unit = 86400;
    num[n - 1] = '\0';
    break;
  default:
    break;
  }
  long v;
  if (hx_parse_long(num, 1, 3650L * 86400 / unit, &v) != HX_OK)
    return HX_ERR_INVALID;
  *out = v * unit;
  return HX_OK;
}

static void print_room(void *ud, const struct srv_db_room *r)
{
  (void)ud;
  const struct srv_settings *s = &r->settings;
  printf("%s\tlimit=%u locked=%s knock=%s guests=%s floor=%s turn_limit=%u turn_cue=%u "
         "turn_end=%s topic=\"%s\"\n",
         r->name, s->limit, s->locked ? "on" : "off", s->knock ? "on" : "off",
         s->guests ? "on" : "off", srv_floor_name(s->floor), s->turn_limit, s->turn_cue,
         s->turn_end == SRV_TURN_PASS ? "pass" : "remind", s->topic);
}

static void print_ban(void *ud, const struct srv_db_ban *b)
{
  (void)ud;
  char until[32] = "never";
  if (b->until) {
    time_t t = (time_t)b->until;
    struct tm tm;
    if (gmtime_r(&t, &tm))
      strftime(until, sizeof until, "%Y-%m-%d %H:%M UTC", &tm);
  }
  printf("%" PRId64 "\t%s\t%s\tkey=%.16s address=%s until=%s reason=\"%s\"\n", b->id, b->room,
         b->name, b->key[0] ? b->key : "-", b->address[0] ? b->address : "-", until, b->reason);
}

/* room set NAME SETTING VALUE: the same names and ranges as room_set. */
static int room_set(struct srv_db *db, const char *name, const char *key, const char *value)
{
  struct srv_db_room r;
  if (srv_db_room_get(db, name, &r) != HX_OK) {
    fprintf(stderr, SRV_NAME ": there is no room called \"%s\"\n", name);
    return EXIT_FAILURE;
  }
  /* Values as the protocol types them: on/off, whole numbers, or text;
   * the turn times also as durations ("2m"), as the client's /room set
   * takes them. */
  json_t *v;
  long seconds;
  bool is_time = strcmp(key, "turn_limit") == 0 || strcmp(key, "turn_cue") == 0;
  if (strcmp(value, "on") == 0 || strcmp(value, "off") == 0) {
    v = json_boolean(value[1] == 'n');
  } else if (*value && strspn(value, "0123456789") == strlen(value) && strlen(value) < 10) {
    v = json_integer(strtol(value, NULL, 10));
  } else if (is_time && parse_duration(value, &seconds) == HX_OK) {
    v = json_integer(seconds);
  } else {
    v = json_string(value);
  }
  json_t *obj = json_object();
  char why[256] = "that value is not valid text";
  int rc = HX_ERR_INVALID;
  if (obj && v && json_object_set(obj, key, v) == 0)
    rc = srv_circle_settings_apply(obj, &r.settings, why, sizeof why);
  json_decref(v);
  json_decref(obj);
  if (rc != HX_OK) {
    fprintf(stderr, SRV_NAME ": %s\n", why);
    return EXIT_USAGE;
  }
  if (srv_db_room_put(db, r.name, &r.settings) != HX_OK)
    return EXIT_FAILURE;
  print_room(NULL, &r);
  return EXIT_SUCCESS;
}

static int room_cmd(struct srv_db *db, unsigned room_limit, int argc, char **argv)
{
  if (argc < 2)
    return usage_error("room needs create, list, set, host or delete");
  const char *sub = argv[1];
  if (strcmp(sub, "list") == 0)
    return srv_db_room_list(db, print_room, NULL) == HX_OK ? EXIT_SUCCESS : EXIT_FAILURE;
  if (argc < 3)
    return usage_error("that room command needs a room name");
  const char *name = argv[2];
  if (strcmp(sub, "create") == 0) {
    struct srv_db_room r;
    srv_settings_defaults(&r.settings, room_limit);
    char clean[SRV_NAME_BYTES];
    if (srv_name_clean(name, strlen(name), clean, sizeof clean) != HX_OK)
      return usage_error("a room name is 1 to 32 characters with no control characters");
    hx_strlcpy(r.name, clean, sizeof r.name);
    for (int i = 3; i < argc; i++) {
      long v;
      if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc) {
        if (hx_strlcpy(r.settings.topic, argv[++i], sizeof r.settings.topic) != HX_OK)
          return usage_error("the topic is too long");
      } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc &&
                 hx_parse_long(argv[i + 1], 1, SRV_ROOM_LIMIT_MAX, &v) == HX_OK) {
        r.settings.limit = (unsigned)v;
        i++;
      } else {
        return usage_error("room create takes --topic TEXT and --limit 1-256");
      }
    }
    int rc = srv_db_room_insert(db, clean, &r.settings, NULL);
    if (rc == HX_ERR_EXISTS) {
      fprintf(stderr, SRV_NAME ": there is already a room called \"%s\"\n", clean);
      return EXIT_FAILURE;
    }
    if (rc != HX_OK)
      return EXIT_FAILURE;
    print_room(NULL, &r);
    return EXIT_SUCCESS;
  }
  if (strcmp(sub, "delete") == 0) {
    if (srv_name_same(name, SRV_LOBBY)) {
      fprintf(stderr, SRV_NAME ": the Lobby cannot be deleted: it is where everyone arrives\n");
      return EXIT_FAILURE;
    }
    int rc = srv_db_room_delete(db, name);
    if (rc == HX_ERR_NOT_FOUND) {
      fprintf(stderr, SRV_NAME ": there is no room called \"%s\"; see hearthd room list\n", name);
      return EXIT_FAILURE;
    }
    if (rc != HX_OK)
      return EXIT_FAILURE;
    printf("deleted %s, with its roles, bans and invites; people in it stay until they leave\n",
           name);
    return EXIT_SUCCESS;
  }
  if (strcmp(sub, "set") == 0 && argc == 5)
    return room_set(db, name, argv[3], argv[4]);
  if (strcmp(sub, "host") == 0 && argc == 4) {
    struct srv_db_room r;
    if (srv_db_room_get(db, name, &r) != HX_OK) {
      fprintf(stderr, SRV_NAME ": there is no room called \"%s\"\n", name);
      return EXIT_FAILURE;
    }
    if (srv_db_role_set(db, r.name, argv[3], SRV_ROLE_HOST) != HX_OK)
      return EXIT_FAILURE;
    printf("%.16s is a host of %s\n", argv[3], r.name);
    return EXIT_SUCCESS;
  }
  return usage_error("room takes create, list, set NAME SETTING VALUE, host NAME KEY or delete");
}

static int invite_cmd(struct srv_db *db, int argc, char **argv)
{
  if (argc < 3 || strcmp(argv[1], "create") != 0)
    return usage_error("invite create ROOM [--uses N] [--expires DURATION]");
  struct srv_db_room r;
  if (srv_db_room_get(db, argv[2], &r) != HX_OK) {
    fprintf(stderr, SRV_NAME ": there is no room called \"%s\"\n", argv[2]);
    return EXIT_FAILURE;
  }
  long uses = 1;
  long expires = 7L * 86400;
  for (int i = 3; i < argc; i++) {
    if (strcmp(argv[i], "--uses") == 0 && i + 1 < argc &&
        hx_parse_long(argv[i + 1], 1, 1000, &uses) == HX_OK) {
      i++;
    } else if (strcmp(argv[i], "--expires") == 0 && i + 1 < argc &&
               parse_duration(argv[i + 1], &expires) == HX_OK) {
      i++;
    } else {
      return usage_error("invite create takes --uses 1-1000 and --expires like 90s, 30m, 2h, 7d");
    }
  }
  char token[SRV_DB_TOKEN_LEN];
  if (srv_db_invite_create(db, r.name, (unsigned)uses, srv_wall_time() + expires, token) != HX_OK)
    return EXIT_FAILURE;
  printf("%s\n", token);
  return EXIT_SUCCESS;
}

static int ban_cmd(struct srv_db *db, int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "list") == 0)
    return srv_db_ban_list(db, NULL, srv_wall_time(), print_ban, NULL) == HX_OK ? EXIT_SUCCESS
                                                                                  : EXIT_FAILURE;
  long id;
  if (argc == 3 && strcmp(argv[1], "remove") == 0 &&
      hx_parse_long(argv[2], 1, LONG_MAX, &id) == HX_OK) {
    if (srv_db_ban_remove(db, NULL, id) != HX_OK) {
      fprintf(stderr, SRV_NAME ": there is no ban %ld\n", id);
      return EXIT_FAILURE;
    }
    printf("removed ban %ld\n", id);
    return EXIT_SUCCESS;
  }
  return usage_error("ban takes list or remove ID");
}

int srv_ops_run(const char *data_dir, unsigned room_limit, int argc, char **argv)
{
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/" SRV_DB_FILE, data_dir);
  struct srv_db *db = NULL;
  if (srv_db_open(path, &db) != HX_OK) {
    fprintf(stderr, SRV_NAME ": cannot open %s\n", path);
    return EXIT_FAILURE;
  }
  int status;
  if (strcmp(argv[0], "room") == 0)
    status = room_cmd(db, room_limit, argc, argv);
  else if (strcmp(argv[0], "invite") == 0)
    status = invite_cmd(db, argc, argv);
  else
    status = ban_cmd(db, argc, argv);
  srv_db_close(db);
  return status;
}
