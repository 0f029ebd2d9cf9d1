/* Thin wrappers over libsodium: random tokens, argon2id password hashes (concurrency capped
 * so logins cannot exhaust memory), token digests, and the deployment key file. */
#ifndef XF_CRYPTO_H
#define XF_CRYPTO_H

#include "xf.h"

#define XF_KEY_BYTES   32
#define XF_TOKEN_CHARS 44 /* base64url of 32 random bytes, plus NUL */
#define XF_DIGEST_HEX  65 /* hex of a 32-byte digest, plus NUL */

int crypto_init(void);
/* 32 random bytes as base64url text. */
void crypto_token(char out[XF_TOKEN_CHARS]);
/* Hex BLAKE2b-256 of s: what we store instead of a session token. */
void crypto_digest_hex(const void *s, size_t n, char out[XF_DIGEST_HEX]);
/* argon2id; at most `crypto_pw_slots` hashes run at once, others wait. */
int crypto_pw_hash(const char *password, char *out, size_t outlen, struct xf_err *err);
bool crypto_pw_verify(const char *hash, const char *password);
/* A password a person can type: 12 characters from an unambiguous alphabet. */
void crypto_random_password(char out[13]);
/* A fresh 32-byte secret as 64 hex characters (+ NUL): signs arrival codes and the like. */
void crypto_secret_hex(char out[65]);
/* The first `digits` hex characters (at most 64) of HMAC-SHA256(msg) under a hex secret. */
void crypto_hmac_hex(const char *secret_hex, const char *msg, size_t digits, char *out);
/* Create a new key file (mode 0600; refuses to overwrite). */
int crypto_key_create(const char *path, struct xf_err *err);
/* Load a key file; wrong size or permissions wider than 0600 are refused. */
int crypto_key_load(const char *path, unsigned char key[XF_KEY_BYTES], struct xf_err *err);
/* Argon2 cost: "interactive" (default) or "min" (tests only, set before any hash). */
void crypto_pw_set_min_cost(bool min);

#endif
