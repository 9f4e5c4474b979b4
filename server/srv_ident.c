#include "srv_ident.h"

#include <sodium.h>
#include <string.h>

#include "hx_err.h"
#include "hx_log.h"
#include "proto_msg.h"
#include "srv.h"
#include "srv_session.h"

#define MODULE "ident"

void srv_ident_on_hello_key(struct srv_session *s, const json_t *msg, const json_t *key)
{
  struct srv *srv = s->srv;
  json_int_t id = proto_msg_id(msg);
  size_t len = 0;
  if (!json_is_string(key) || json_string_length(key) >= sizeof s->key ||
      proto_b64_decode(json_string_value(key), s->key_raw, sizeof s->key_raw, &len) != HX_OK ||
      len != sizeof s->key_raw) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_KEY, "hello's \"key\" must be base64 of 32 bytes.");
    return;
  }
  memcpy(s->key, json_string_value(key), json_string_length(key) + 1);
  randombytes_buf(s->nonce, sizeof s->nonce);
  s->challenged = true;
  char nonce[64];
  if (proto_b64_encode(s->nonce, sizeof s->nonce, nonce, sizeof nonce) != HX_OK) {
    s->challenged = false;
    srv_send_error(srv, s->id, id, PROTO_E_INTERNAL, "The server could not make a challenge.");
    return;
  }
  json_t *reply = srv_msg_new("challenge", id);
  if (reply)
    json_object_set_new(reply, "nonce", json_string(nonce));
  srv_send(srv, s->id, reply);
}

void srv_ident_on_prove(struct srv_session *s, const json_t *msg)
{
  struct srv *srv = s->srv;
  json_int_t id = proto_msg_id(msg);
  json_t *jsig = json_object_get(msg, "sig");
  uint8_t sig[crypto_sign_BYTES];
  size_t len = 0;
  if (!s->challenged || s->authenticated) {
    srv_send_error(srv, s->id, id, PROTO_E_BAD_PROOF, "There is no challenge to answer.");
    return;
  }
  s->challenged = false; /* one answer per challenge */
  uint8_t signed_bytes[sizeof SRV_IDENT_CONTEXT - 1 + sizeof s->nonce + sizeof srv->fingerprint];
  size_t n = 0;
  memcpy(signed_bytes, SRV_IDENT_CONTEXT, sizeof SRV_IDENT_CONTEXT - 1);
  n += sizeof SRV_IDENT_CONTEXT - 1;
  memcpy(signed_bytes + n, s->nonce, sizeof s->nonce);
  n += sizeof s->nonce;
  size_t fp = strlen(srv->fingerprint);
  memcpy(signed_bytes + n, srv->fingerprint, fp);
  n += fp;
  if (!json_is_string(jsig) ||
      proto_b64_decode(json_string_value(jsig), sig, sizeof sig, &len) != HX_OK ||
      len != sizeof sig || crypto_sign_verify_detached(sig, signed_bytes, n, s->key_raw) != 0) {
    s->key[0] = '\0';
    hx_log(HX_LOG_INFO, MODULE, "session %llu: identity proof refused", (unsigned long long)s->id);
    srv_send_error(srv, s->id, id, PROTO_E_BAD_PROOF,
                        "The identity proof did not verify; say hello again.");
    return;
  }
  s->identified = true;
  srv_db_identity_seen(srv->db, s->key, s->name, srv_wall_time());
  srv_session_welcome(s, id);
}
