#include "totp.h"
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/str.h"

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int totp_init(void)
{
	return oath_init() == OATH_OK ? XF_OK : XF_EINTERNAL;
}

void totp_new_secret(char hex[41])
{
	unsigned char raw[20];
	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, hex);
	sodium_memzero(raw, sizeof raw);
}

static bool to_bin(const char *hex, char bin[20])
{
	size_t len = 20;
	return strlen(hex) == 40 && oath_hex2bin(hex, bin, &len) == OATH_OK && len == 20;
}

bool totp_check(const char *hex_secret, const char *code)
{
	char bin[20];
	if (!code || strlen(code) != 6 || !to_bin(hex_secret, bin))
		return false;
	for (int i = 0; i < 6; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	int rc = oath_totp_validate(bin, sizeof bin, (time_t)clock_now(), 30, 0, 1, code);
	sodium_memzero(bin, sizeof bin);
	return rc >= 0;
}

int totp_code(const char *hex_secret, int64_t at, char out[7])
{
	char bin[20];
	if (!to_bin(hex_secret, bin))
		return XF_EINVAL;
	int rc = oath_totp_generate(bin, sizeof bin, (time_t)at, 30, 0, 6, out);
	sodium_memzero(bin, sizeof bin);
	return rc == OATH_OK ? XF_OK : XF_EINVAL;
}

int totp_uri(const char *hex_secret, const char *username, struct buf *out)
{
	char bin[20], *b32 = NULL;
	size_t b32len = 0;
	if (!to_bin(hex_secret, bin) ||
	    oath_base32_encode(bin, sizeof bin, &b32, &b32len) != OATH_OK)
		return XF_EINVAL;
	sodium_memzero(bin, sizeof bin);
	/* Strip base32 padding; authenticator apps expect none. */
	while (b32len && b32[b32len - 1] == '=')
		b32[--b32len] = 0;
	buf_reset(out);
	buf_puts(out, "otpauth://totp/%E5%B9%B8%E7%A6%8F%E5%9F%8E%E5%8C%BA:");
	for (const unsigned char *p = (const unsigned char *)username; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
			buf_putc(out, (char)*p);
		else
			buf_printf(out, "%%%02X", *p);
	}
	buf_printf(out,
	           "?secret=%s&issuer=%%E5%%B9%%B8%%E7%%A6%%8F%%E5%%9F%%8E%%E5%%8C%%BA"
	           "&algorithm=SHA1&digits=6&period=30",
	           b32);
	sodium_memzero(b32, b32len);
	free(b32);
	return XF_OK;
}

int totp_qr_svg(const char *text, struct buf *out)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return XF_EINVAL;
	const int quiet = 4, size = q->width + 2 * quiet;
	buf_reset(out);
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	           "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	           "<path fill=\"#000\" d=\"",
	           size, size, size, size);
	for (int y = 0; y < q->width; y++)
		for (int x = 0; x < q->width; x++)
			if (q->data[y * q->width + x] & 1)
				buf_printf(out, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	buf_puts(out, "\"/></svg>");
	QRcode_free(q);
	return XF_OK;
}
