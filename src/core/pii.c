#include "pii.h"
#include "buf.h"
#include "str.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static unsigned char seal_key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static unsigned char index_key[crypto_generichash_KEYBYTES];
static unsigned char mac_key[crypto_generichash_KEYBYTES];
static unsigned char hook_key[crypto_kdf_KEYBYTES];
static bool have_key;

static void derive(const unsigned char key[XF_KEY_BYTES], unsigned char *seal, unsigned char *index)
{
	/* Separate subkeys: a leak of blind indexes says nothing about the sealing key. */
	crypto_kdf_derive_from_key(seal, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, 1, "xfseal01",
	                           key);
	crypto_kdf_derive_from_key(index, crypto_generichash_KEYBYTES, 2, "xfbidx01", key);
}

void pii_set_key(const unsigned char key[XF_KEY_BYTES])
{
	derive(key, seal_key, index_key);
	crypto_kdf_derive_from_key(mac_key, sizeof mac_key, 3, "xfaudit1", key);
	crypto_kdf_derive_from_key(hook_key, sizeof hook_key, 4, "xfhook01", key);
	have_key = true;
}

bool pii_has_key(void)
{
	return have_key;
}

/* Random 192-bit nonces, drawn from the kernel 4 KiB at a time: sealing a city's worth of
 * records would otherwise make one getrandom() call per value. */
static void random_nonce(unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES])
{
	static _Thread_local unsigned char pool[4096];
	static _Thread_local size_t left;
	const size_t n = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	if (left < n) {
		randombytes_buf(pool, sizeof pool);
		left = sizeof pool;
	}
	memcpy(nonce, pool + sizeof pool - left, n);
	sodium_memzero(pool + sizeof pool - left, n);
	left -= n;
}

static void seal(const unsigned char *k, const char *plain, struct buf *out)
{
	size_t n = strlen(plain);
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	random_nonce(nonce);
	size_t total = sizeof nonce + n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *c = xmalloc(total);
	memcpy(c, nonce, sizeof nonce);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	    c + sizeof nonce, &clen, (const unsigned char *)plain, n, NULL, 0, NULL, nonce, k);
	buf_reset(out);
	buf_append(out, c, sizeof nonce + (size_t)clen);
	free(c);
}

static int open_sealed(const unsigned char *k, const void *sealed, size_t n, struct buf *out,
                       struct xf_err *err)
{
	const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	if (n < nb + crypto_aead_xchacha20poly1305_ietf_ABYTES)
		return xf_fail(err, XF_EINVAL, "pii_undecryptable",
		               "个人信息无法解密（数据损坏或密钥不符）");
	const unsigned char *s = sealed;
	size_t mlen_max = n - nb - crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *m = xmalloc(mlen_max + 1);
	unsigned long long mlen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &mlen, NULL, s + nb, n - nb, NULL, 0, s,
	                                               k) != 0) {
		free(m);
		return xf_fail(err, XF_EINVAL, "pii_undecryptable",
		               "个人信息无法解密（数据损坏或密钥不符）");
	}
	buf_reset(out);
	buf_append(out, m, (size_t)mlen);
	sodium_memzero(m, mlen_max + 1);
	free(m);
	return XF_OK;
}

void pii_seal(const char *plain, struct buf *out)
{
	seal(seal_key, plain, out);
}

int pii_open(const void *sealed, size_t n, struct buf *out, struct xf_err *err)
{
	return open_sealed(seal_key, sealed, n, out, err);
}

static void bidx(const unsigned char *k, const char *kind, const char *value,
                 char out[XF_DIGEST_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, k, crypto_generichash_KEYBYTES, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	/* Normalise: no spaces, upper-case X in ID numbers. */
	for (const char *p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '-')
			continue;
		c = (unsigned char)toupper(c);
		crypto_generichash_update(&st, &c, 1);
	}
	crypto_generichash_final(&st, h, sizeof h);
	hex_encode(h, sizeof h, out);
}

void pii_bidx(const char *kind, const char *value, char out[XF_DIGEST_HEX])
{
	bidx(index_key, kind, value, out);
}

void pii_seal_with(const unsigned char key[XF_KEY_BYTES], const char *plain, struct buf *out)
{
	unsigned char s[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
	    i[crypto_generichash_KEYBYTES];
	derive(key, s, i);
	seal(s, plain, out);
	sodium_memzero(s, sizeof s);
	sodium_memzero(i, sizeof i);
}

int pii_open_with(const unsigned char key[XF_KEY_BYTES], const void *sealed, size_t n,
                  struct buf *out, struct xf_err *err)
{
	unsigned char s[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
	    i[crypto_generichash_KEYBYTES];
	derive(key, s, i);
	int rc = open_sealed(s, sealed, n, out, err);
	sodium_memzero(s, sizeof s);
	sodium_memzero(i, sizeof i);
	return rc;
}

void pii_bidx_with(const unsigned char key[XF_KEY_BYTES], const char *kind, const char *value,
                   char out[XF_DIGEST_HEX])
{
	unsigned char s[crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
	    i[crypto_generichash_KEYBYTES];
	derive(key, s, i);
	bidx(i, kind, value, out);
	sodium_memzero(s, sizeof s);
	sodium_memzero(i, sizeof i);
}

void pii_mac(const void *data, size_t n, char out[XF_DIGEST_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, data, n, mac_key, sizeof mac_key);
	hex_encode(h, sizeof h, out);
}

void pii_webhook_secret(int64_t token_id, char out[XF_DIGEST_HEX])
{
	unsigned char k[32];
	crypto_kdf_derive_from_key(k, sizeof k, (uint64_t)token_id, "xfhookid", hook_key);
	hex_encode(k, sizeof k, out);
	sodium_memzero(k, sizeof k);
}

char pii_id_check_char(const char *first17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	return map[sum % 11];
}

bool pii_id_number_valid(const char *s)
{
	if (strlen(s) != 18)
		return false;
	for (int i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	char c = (char)toupper((unsigned char)s[17]);
	return c == pii_id_check_char(s);
}

bool pii_phone_valid(const char *s)
{
	if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return false;
	for (int i = 2; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

void pii_mask_id(const char *s, char *out, size_t n)
{
	size_t len = strlen(s);
	if (len < 8) {
		snprintf(out, n, "****");
		return;
	}
	snprintf(out, n, "%.3s***********%s", s, s + len - 4);
}

void pii_mask_phone(const char *s, char *out, size_t n)
{
	size_t len = strlen(s);
	if (len < 8) {
		snprintf(out, n, "****");
		return;
	}
	snprintf(out, n, "%.3s****%s", s, s + len - 4);
}

void pii_mask_address(const char *s, char *out, size_t n)
{
	/* Keep the first two characters (a street or estate name begins), hide the rest. */
	size_t i = 0, chars = 0;
	while (s[i] && chars < 2) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	snprintf(out, n, "%.*s***", (int)i, s);
}
