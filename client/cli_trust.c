#include "cli_trust.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_util.h"
#include "hx_log.h"

#define LOG_MODULE "trust"
#define KNOWN_SERVERS "known_servers"

int cli_trust_path(const char *config_dir, const char *xdg, const char *home, char *out,
                   size_t cap)
{
  int n;
  if (config_dir && *config_dir)
    n = snprintf(out, cap, "%s/%s", config_dir, KNOWN_SERVERS);
  else if (xdg && *xdg)
    n = snprintf(out, cap, "%s/hearth/%s", xdg, KNOWN_SERVERS);
  else if (home && *home)
    n = snprintf(out, cap, "%s/.config/hearth/%s", home, KNOWN_SERVERS);
  else
    return HX_ERR_NOT_FOUND;
  return n < 0 || (size_t)n >= cap ? HX_ERR_TOO_BIG : HX_OK;
}

static bool is_fingerprint(const char *s, size_t len)
{
  if (len != 7 + 64 || strncmp(s, "SHA256:", 7) != 0)
    return false;
  for (size_t i = 7; i < len; i++) {
    if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
      return false;
  }
  return true;
}

/* Splits "host:port SHA256:hex" (trailing white space allowed). */
static bool parse_line(const char *line, const char **hp, size_t *hp_len, const char **fp)
{
  const char *space = strchr(line, ' ');
  if (!space || space == line)
    return false;
  size_t fp_len = strlen(space + 1);
  while (fp_len > 0 && isspace((unsigned char)space[1 + fp_len - 1]))
    fp_len--;
  if (!is_fingerprint(space + 1, fp_len))
    return false;
  *hp = line;
  *hp_len = (size_t)(space - line);
  *fp = space + 1;
  return true;
}

int cli_trust_lookup(const char *path, const char *hostport, char known[CLI_TRUST_FP_LEN])
{
  known[0] = '\0';
  FILE *f = fopen(path, "r");
  if (!f)
    return errno == ENOENT ? HX_OK : HX_ERR_IO;
  char line[1024];
  int lineno = 0;
  bool skipping = false; /* inside a line longer than the buffer */
  while (fgets(line, sizeof line, f)) {
    bool whole = strchr(line, '\n') != NULL || feof(f);
    bool was_skipping = skipping;
    skipping = !whole;
    if (was_skipping)
      continue;
    lineno++;
    if (line[0] == '\n' || line[0] == '#')
      continue;
    const char *hp, *fp;
    size_t hp_len;
    if (!whole || !parse_line(line, &hp, &hp_len, &fp)) {
      hx_log(HX_LOG_WARN, LOG_MODULE,
             "%s line %d is not \"host:port SHA256:<64 hex digits>\"; ignoring it", path,
             lineno);
      continue;
    }
    if (strlen(hostport) == hp_len && strncmp(hp, hostport, hp_len) == 0) {
      memcpy(known, fp, CLI_TRUST_FP_LEN - 1);
      known[CLI_TRUST_FP_LEN - 1] = '\0';
      break;
    }
  }
  int rc = ferror(f) ? HX_ERR_IO : HX_OK;
  fclose(f);
  return rc;
}

int cli_trust_record(const char *path, const char *hostport, const char *fingerprint)
{
  if (strchr(hostport, ' ') || strchr(hostport, '\n') ||
      !is_fingerprint(fingerprint, strlen(fingerprint)))
    return HX_ERR_INVALID;
  int rc = hx_mkdir_parents(path);
  if (rc != HX_OK)
    return rc;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    return HX_ERR_IO;
  FILE *f = fdopen(fd, "a");
  if (!f) {
    close(fd);
    return HX_ERR_IO;
  }
  fprintf(f, "%s %s\n", hostport, fingerprint);
  return fclose(f) == 0 ? HX_OK : HX_ERR_IO;
}

enum cli_trust_verdict cli_trust_decide(const struct cli_trust_request *req, char *msg,
                                        size_t cap)
{
  if (cap)
    msg[0] = '\0';
  if (req->known[0]) {
    if (strcmp(req->known, req->seen) == 0)
      return CLI_TRUST_ACCEPT;
    snprintf(msg, cap,
             "The server's certificate has CHANGED since you last connected (expected %s, got "
             "%s). This may be an attack. If the operator changed it, remove the line for %s "
             "from %s.",
             req->known, req->seen, req->hostport, req->path);
    return CLI_TRUST_REFUSE;
  }
  switch (req->policy) {
  case CLI_TRUST_POLICY_PINNED:
    if (strcmp(req->pinned, req->seen) == 0)
      return CLI_TRUST_ACCEPT_RECORD;
    snprintf(msg, cap,
             "The server %s has fingerprint %s, not %s as given with --fingerprint. This may "
             "be an attack; check the fingerprint with the operator.",
             req->hostport, req->seen, req->pinned);
    return CLI_TRUST_REFUSE;
  case CLI_TRUST_POLICY_NEW:
    snprintf(msg, cap, "Trusting new server %s, fingerprint %s.", req->hostport, req->seen);
    return CLI_TRUST_ACCEPT_RECORD;
  case CLI_TRUST_POLICY_ASK:
    snprintf(msg, cap, "New server %s, fingerprint %s. Check it with the operator.",
             req->hostport, req->seen);
    return CLI_TRUST_ASK;
  case CLI_TRUST_POLICY_REFUSE:
    break;
  }
  snprintf(msg, cap,
           "Unknown server %s, fingerprint %s. Check it with the operator, then connect again "
           "with --fingerprint %s or --trust-new.",
           req->hostport, req->seen, req->seen);
  return CLI_TRUST_REFUSE;
}

bool cli_trust_answer_is_yes(const char *answer)
{
  while (isspace((unsigned char)*answer))
    answer++;
  size_t n = strlen(answer);
  while (n > 0 && isspace((unsigned char)answer[n - 1]))
    n--;
  return (n == 3 && strncasecmp(answer, "yes", 3) == 0) ||
         (n == 1 && strncasecmp(answer, "y", 1) == 0);
}
