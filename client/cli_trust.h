/* Trust on first use of a server's certificate fingerprint, remembered per
 * host:port in a known_servers file, one "host:port SHA256:hex" a line.
 * Plain functions on files and strings; the caller prints the sentences and
 * asks the person. Called from the main thread only. */
#ifndef CLI_TRUST_H
#define CLI_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_TRUST_FP_LEN 72 /* "SHA256:" + 64 hex + NUL */

/* Where known_servers lives, from the given environment values (each may be
 * NULL or empty): config_dir/known_servers (HEARTH_CONFIG_DIR), else
 * xdg/hearth/known_servers (XDG_CONFIG_HOME), else
 * home/.config/hearth/known_servers. HX_ERR_NOT_FOUND when none is set. */
int cli_trust_path(const char *config_dir, const char *xdg, const char *home, char *out,
                   size_t cap);

/* Looks host:port up. *known gets the remembered fingerprint ("" when the
 * server is not in the file, which may not exist yet). Lines that are not
 * "host:port SHA256:<64 hex>" are skipped with a warning log. */
int cli_trust_lookup(const char *path, const char *hostport, char known[CLI_TRUST_FP_LEN]);

/* Appends the line, creating the file (0600) and its directories (0700). */
int cli_trust_record(const char *path, const char *hostport, const char *fingerprint);

enum cli_trust_policy {
  CLI_TRUST_POLICY_REFUSE, /* no flag and nobody to ask */
  CLI_TRUST_POLICY_ASK,    /* a person at a terminal */
  CLI_TRUST_POLICY_NEW,    /* --trust-new */
  CLI_TRUST_POLICY_PINNED, /* --fingerprint */
};

enum cli_trust_verdict {
  CLI_TRUST_ACCEPT,        /* known and equal: go on quietly */
  CLI_TRUST_ACCEPT_RECORD, /* new and accepted: record it, print message */
  CLI_TRUST_ASK,           /* print message, ask "Trust this server?" */
  CLI_TRUST_REFUSE,        /* print message, exit 1 */
};

struct cli_trust_request {
  const char *path;     /* the known_servers file, for the sentences */
  const char *hostport; /* "host:port" */
  const char *seen;     /* the server's fingerprint */
  const char *known;    /* cli_trust_lookup's result, "" when unknown */
  enum cli_trust_policy policy;
  const char *pinned; /* --fingerprint, for CLI_TRUST_POLICY_PINNED */
};

/* Decides, and writes the sentence for the person into msg ("" for
 * CLI_TRUST_ACCEPT). Pure. */
enum cli_trust_verdict cli_trust_decide(const struct cli_trust_request *req, char *msg,
                                        size_t cap);

/* The question asked under CLI_TRUST_ASK. */
#define CLI_TRUST_QUESTION "Trust this server? Type yes or no:"
/* True when the person's answer means yes. */
bool cli_trust_answer_is_yes(const char *answer);

#endif
