#include "crypto.h"
#include "str.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static sem_t pw_slots;
static bool min_cost;

int crypto_init(void)
{
	static int done;
	if (done)
		return XF_OK;
	if (sodium_init() < 0)
		return XF_EINTERNAL;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	sem_init(&pw_slots, 0, cores > 1 ? (unsigned)cores : 1);
	done = 1;
	return XF_OK;
}

void crypto_pw_set_min_cost(bool min)
{
	min_cost = min;
}

void crypto_token(char out[XF_TOKEN_CHARS])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	b64url_encode(raw, sizeof raw, out);
}

void crypto_digest_hex(const void *s, size_t n, char out[XF_DIGEST_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, s, n, NULL, 0);
	hex_encode(h, sizeof h, out);
}

int crypto_pw_hash(const char *password, char *out, size_t outlen, struct xf_err *err)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return xf_fail(err, XF_EINTERNAL, "internal", "密码哈希缓冲区过小");
	unsigned long long ops =
	    min_cost ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = min_cost ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	sem_wait(&pw_slots);
	int rc = crypto_pwhash_str_alg(out, password, strlen(password), ops, mem,
	                               crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&pw_slots);
	if (rc != 0)
		return xf_fail(err, XF_EINTERNAL, "internal", "密码哈希失败（内存不足）");
	return XF_OK;
}

bool crypto_pw_verify(const char *hash, const char *password)
{
	sem_wait(&pw_slots);
	int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	sem_post(&pw_slots);
	return rc == 0;
}

void crypto_random_password(char out[13])
{
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 12; i++)
		out[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
	out[12] = 0;
}

int crypto_key_create(const char *path, struct xf_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return xf_fail(err, XF_ECONFLICT, "key_exists",
			               "密钥文件已存在，不会覆盖：%s", path);
		return xf_fail(err, XF_EIO, "key_create_failed", "无法创建密钥文件 %s：%s", path,
		               strerror(errno));
	}
	unsigned char key[XF_KEY_BYTES];
	randombytes_buf(key, sizeof key);
	ssize_t w = write(fd, key, sizeof key);
	sodium_memzero(key, sizeof key);
	int ok = (w == (ssize_t)sizeof key) && fsync(fd) == 0;
	close(fd);
	if (!ok) {
		unlink(path);
		return xf_fail(err, XF_EIO, "key_create_failed", "写入密钥文件 %s 失败", path);
	}
	return XF_OK;
}

int crypto_key_load(const char *path, unsigned char key[XF_KEY_BYTES], struct xf_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return xf_fail(
		    err, XF_EIO, "key_missing",
		    "无法读取密钥文件 %s：%s（用 --key-file 指定，或先运行 xingfu init）", path,
		    strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || (st.st_mode & 077)) {
		close(fd);
		return xf_fail(err, XF_EPERM, "key_insecure",
		               "密钥文件 %s 的权限过宽，请执行 chmod 600", path);
	}
	ssize_t r = read(fd, key, XF_KEY_BYTES);
	char extra;
	ssize_t more = read(fd, &extra, 1);
	close(fd);
	if (r != XF_KEY_BYTES || more != 0)
		return xf_fail(err, XF_EINVAL, "key_invalid", "密钥文件 %s 格式不正确", path);
	return XF_OK;
}

void crypto_secret_hex(char out[65])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 65, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

void crypto_hmac_hex(const char *secret_hex, const char *msg, size_t digits, char *out)
{
	unsigned char key[32], mac[crypto_auth_hmacsha256_BYTES];
	size_t klen = 0;
	sodium_hex2bin(key, sizeof key, secret_hex, strlen(secret_hex), NULL, &klen, NULL);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	char hex[2 * sizeof mac + 1];
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	if (digits > 2 * sizeof mac)
		digits = 2 * sizeof mac;
	memcpy(out, hex, digits);
	out[digits] = 0;
	sodium_memzero(key, sizeof key);
}
