/* Pseudonymous identity: hello with "key", the server's challenge and the
 * client's proof (docs/protocol.md, Identity). Only the public key is kept.
 * Not thread-safe: loop thread. */
#ifndef SRV_IDENT_H
#define SRV_IDENT_H

#include <jansson.h>

struct srv_session;

#define SRV_IDENT_CONTEXT "hearth-auth-v1"
#define SRV_IDENT_KEY_ID_CHARS 16

/* hello carried "key" (name already accepted into s->name): sends the
 * challenge, or bad_key. */
void srv_ident_on_hello_key(struct srv_session *s, const json_t *msg, const json_t *key);
/* "prove": verifies and calls srv_session_welcome, or sends bad_proof. */
void srv_ident_on_prove(struct srv_session *s, const json_t *msg);

#endif
