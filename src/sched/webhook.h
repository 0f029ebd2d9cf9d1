/* Outbox messages that leave over HTTP: channel "webhook" is POSTed to its URL as JSON,
 * signed with its API token's secret, within 10 s, delivered on a 2xx; every other channel
 * goes to the fallback sender (the fsynced file). Built on libcurl. */
#ifndef XF_WEBHOOK_H
#define XF_WEBHOOK_H

#include "../core/crypto.h"
#include "outbox.h"

#define WEBHOOK_URL_MAX 400
#define WEBHOOK_SIG_LEN 72 /* "sha256=" + 64 hex + NUL */

/* The composite sender; it owns fallback from now on (freed with it). */
struct outbox_sender *webhook_sender_new(struct outbox_sender *fallback);
/* A gateway on a sender made by webhook_sender_new: messages of channel ("sms" or "wechat";
 * "wechat" also takes "notice") are POSTed to url as JSON {id, channel, recipient, subject,
 * body, created_at}, signed like token webhooks but with this secret. */
void webhook_sender_gateway(struct outbox_sender *s, const char *channel, const char *url,
                            const char *secret);
/* http:// or https://, printable ASCII, a host, no user:password@, at most 400 bytes. */
bool webhook_url_valid(const char *url);
/* "sha256=<hex HMAC-SHA256 of body>", keyed with the secret's text (64 hex characters). */
void webhook_sign(const char *secret, const void *body, size_t n, char out[WEBHOOK_SIG_LEN]);
/* The signing secret of an API token, as its integrator is given it once. */
void webhook_secret(int64_t token_id, char out[XF_DIGEST_HEX]);

#endif
