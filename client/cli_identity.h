/* The person's identity: an Ed25519 key pair (libsodium) that lets a host
 * recognise the same pseudonym next week (roles, bans) without an e-mail or
 * a real name. Made on first run and kept in one small file, mode 0600 in a
 * 0700 directory; a damaged file is reported, never silently replaced, since
 * replacing it would lose the person's standing in every room. The secret
 * key never leaves this module and is never logged. Main thread only. */
#ifndef CLI_IDENTITY_H
#define CLI_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_IDENTITY_PUBLIC_LEN 32
#define CLI_IDENTITY_SEED_LEN 32
#define CLI_IDENTITY_SIG_LEN 64
#define CLI_IDENTITY_B64_MAX 96 /* base64 of a signature, NUL included */
#define CLI_IDENTITY_FILE_MAX 4096

struct cli_identity;

/* Where the identity file lives, from the given environment values (each
 * may be NULL or empty): config_dir/identity (HEARTH_CONFIG_DIR), else
 * xdg/hearth/identity (XDG_CONFIG_HOME), else home/.config/hearth/identity.
 * HX_ERR_NOT_FOUND when none is set. */
int cli_identity_path(const char *config_dir, const char *xdg, const char *home, char *out,
                      size_t cap);

/* Reads the seed out of an identity file's bytes. Pure, for the fuzzer:
 * HX_ERR_FORMAT when buf is not exactly one well-formed identity. */
int cli_identity_parse(const uint8_t *buf, size_t len, uint8_t seed[CLI_IDENTITY_SEED_LEN]);

/* Loads path, or makes a new identity there when the file does not exist
 * (*created tells which; may be NULL). On failure msg gets a sentence for
 * the person that names the file and says what to do; the file is left as
 * it was. */
int cli_identity_open(const char *path, struct cli_identity **out, bool *created, char *msg,
                      size_t msg_cap);
/* Wipes the secret key. NULL does nothing. */
void cli_identity_destroy(struct cli_identity *id);

void cli_identity_public_key(const struct cli_identity *id, uint8_t out[CLI_IDENTITY_PUBLIC_LEN]);
/* The public key in base64, as hello carries it. */
int cli_identity_public_b64(const struct cli_identity *id, char *out, size_t cap);

/* A detached Ed25519 signature of data, raw and in base64. */
int cli_identity_sign(const struct cli_identity *id, const uint8_t *data, size_t len,
                      uint8_t sig[CLI_IDENTITY_SIG_LEN]);
int cli_identity_sign_b64(const struct cli_identity *id, const uint8_t *data, size_t len,
                          char *out, size_t cap);

/* Answers the server's challenge (docs/protocol.md, Identity): the
 * base64 signature over "hearth-auth-v1" || the nonce (base64 as the
 * server sent it, 32 bytes) || the server's fingerprint as pinned
 * ("SHA256:" + 64 lowercase hex). HX_ERR_INVALID when the nonce or the
 * fingerprint is malformed. */
#define CLI_IDENTITY_AUTH_CONTEXT "hearth-auth-v1"
#define CLI_IDENTITY_NONCE_LEN 32
int cli_identity_prove(const struct cli_identity *id, const char *nonce_b64,
                       const char *fingerprint, char *sig_b64, size_t cap);

#endif
