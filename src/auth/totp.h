/* TOTP second factor (RFC 6238, HMAC-SHA1, 6 digits, 30 s: what authenticator apps speak),
 * through liboath; enrolment shows an otpauth:// URI as a QR code (libqrencode → SVG). */
#ifndef XF_TOTP_H
#define XF_TOTP_H

#include "../core/xf.h"

struct buf;

int totp_init(void);
/* A new secret: 20 random bytes as 40 hex characters. */
void totp_new_secret(char hex[41]);
/* Does code match the secret at clock_now(), one step either side? */
bool totp_check(const char *hex_secret, const char *code);
/* The current code (tests and the demo). */
int totp_code(const char *hex_secret, int64_t at, char out[7]);
/* otpauth://totp/幸福城区:USER?secret=BASE32&issuer=… */
int totp_uri(const char *hex_secret, const char *username, struct buf *out);
/* An SVG drawing of a QR code for text. */
int totp_qr_svg(const char *text, struct buf *out);

#endif
