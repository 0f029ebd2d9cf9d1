/* Personal data at rest: ID numbers, phone numbers and addresses are sealed with
 * XChaCha20-Poly1305 under the deployment key (the key file, never the database), found by
 * keyed BLAKE2b blind indexes, and shown masked. Also the format checks for both numbers. */
#ifndef XF_PII_H
#define XF_PII_H

#include "crypto.h"

struct buf;

/* Install the process's key (from the key file). Derives the sealing and index subkeys. */
void pii_set_key(const unsigned char key[XF_KEY_BYTES]);
bool pii_has_key(void);
/* Seal plaintext into out (nonce || ciphertext || tag). */
void pii_seal(const char *plain, struct buf *out);
/* Open a sealed value into out (NUL-terminated). XF_EINVAL if it was not sealed by this key. */
int pii_open(const void *sealed, size_t n, struct buf *out, struct xf_err *err);
/* Hex keyed digest of a normalised value, for exact lookup and de-duplication. */
void pii_bidx(const char *kind, const char *value, char out[XF_DIGEST_HEX]);
/* The same operations under an explicit key (key rotation). */
void pii_seal_with(const unsigned char key[XF_KEY_BYTES], const char *plain, struct buf *out);
int pii_open_with(const unsigned char key[XF_KEY_BYTES], const void *sealed, size_t n,
                  struct buf *out, struct xf_err *err);
void pii_bidx_with(const unsigned char key[XF_KEY_BYTES], const char *kind, const char *value,
                   char out[XF_DIGEST_HEX]);

/* Keyed BLAKE2b (hex) for the audit chain: without the key file nobody can recompute it. */
void pii_mac(const void *data, size_t n, char out[XF_DIGEST_HEX]);

/* The webhook signing secret of an API token (64 hex characters): derived from the key
 * file and the token's id, so it is never stored and changes when the key is rotated. */
void pii_webhook_secret(int64_t token_id, char out[XF_DIGEST_HEX]);

/* 18-character resident ID (GB 11643-1999) with a valid check character. */
bool pii_id_number_valid(const char *s);
/* Mainland mobile number 1[3-9]\d{9}. */
bool pii_phone_valid(const char *s);
/* 420***********1234 / 138****5678 / first two characters of an address then ***. */
void pii_mask_id(const char *s, char *out, size_t n);
void pii_mask_phone(const char *s, char *out, size_t n);
void pii_mask_address(const char *s, char *out, size_t n);
/* The check character for 17 digits (for generating synthetic demo numbers). */
char pii_id_check_char(const char *first17);

#endif
