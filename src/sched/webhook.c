#include "webhook.h"
#include "../core/pii.h"
#include "../core/str.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WEBHOOK_TIMEOUT_S 10

struct gateway {
	char channel[16];
	char url[WEBHOOK_URL_MAX + 1];
	char secret[132];
};

struct composite {
	struct outbox_sender *fallback;
	struct gateway gw[2];
	int ngw;
};

bool webhook_url_valid(const char *url)
{
	size_t n = strlen(url);
	if (n == 0 || n > WEBHOOK_URL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return false; /* no spaces, controls or raw non-ASCII */
	size_t skip;
	if (strncasecmp(url, "http://", 7) == 0)
		skip = 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		skip = 8;
	else
		return false;
	const char *host = url + skip;
	size_t hlen = strcspn(host, "/?#");
	if (hlen == 0 || memchr(host, '@', hlen) || memchr(host, '\\', hlen))
		return false; /* credentials in the URL would end up in logs and the database */
	if (host[0] == ':')
		return false;
	return true;
}

void webhook_sign(const char *secret, const void *body, size_t n, char out[WEBHOOK_SIG_LEN])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, body, n);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	hex_encode(mac, sizeof mac, out + 7);
	sodium_memzero(&st, sizeof st);
}

void webhook_secret(int64_t token_id, char out[XF_DIGEST_HEX])
{
	pii_webhook_secret(token_id, out);
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* POST body to url with the signature and delivery headers; a 2xx within 10 s delivers. */
static int post_json(const char *url, const char *body, size_t blen, const char *sig,
                     const char *event, int64_t id, struct xf_err *err)
{
	char h_sig[WEBHOOK_SIG_LEN + 32], h_event[160], h_id[64];
	snprintf(h_sig, sizeof h_sig, "X-Xingfu-Signature: %s", sig);
	snprintf(h_event, sizeof h_event, "X-Xingfu-Event: %.100s", event);
	snprintf(h_id, sizeof h_id, "X-Xingfu-Delivery: %lld", (long long)id);
	CURL *c = curl_easy_init();
	if (!c)
		return xf_fail(err, XF_EIO, "send_failed",
		               "webhook 发送失败：无法初始化 HTTP 客户端");
	struct curl_slist *hdrs = NULL;
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	hdrs = curl_slist_append(hdrs, h_sig);
	hdrs = curl_slist_append(hdrs, h_event);
	hdrs = curl_slist_append(hdrs, h_id);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)WEBHOOK_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "xingfu-webhook/" XF_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	CURLcode cc = curl_easy_perform(c);
	long status = 0;
	int rc = XF_OK;
	if (cc != CURLE_OK) {
		rc = xf_fail(err, XF_EIO, "send_failed", "webhook 发送失败：%s",
		             curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status < 200 || status > 299)
			rc = xf_fail(err, XF_EIO, "send_failed", "webhook 对方返回 HTTP %ld",
			             status);
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return rc;
}

/* A token's webhook: the body as queued, signed with the token's derived secret (which
 * stays in this function: never in an error, log or header other than the signature). */
static int post(const struct outbox_msg *m, struct xf_err *err)
{
	if (!m->token_id || !pii_has_key())
		return xf_fail(err, XF_EINVAL, "send_failed",
		               "webhook 消息没有所属令牌（或没有密钥），无法签名");
	if (!webhook_url_valid(m->recipient))
		return xf_fail(err, XF_EINVAL, "send_failed", "webhook 地址不合法");
	char secret[XF_DIGEST_HEX], sig[WEBHOOK_SIG_LEN];
	webhook_secret(m->token_id, secret);
	size_t blen = strlen(m->body);
	webhook_sign(secret, m->body, blen, sig);
	sodium_memzero(secret, sizeof secret);
	return post_json(m->recipient, m->body, blen, sig, m->subject, m->id, err);
}

/* A gateway (SMS, WeChat): the whole message as JSON, signed with the configured secret. */
static int post_gateway(const struct gateway *g, const struct outbox_msg *m, struct xf_err *err)
{
	json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)m->id, "channel",
	                      m->channel, "recipient", m->recipient, "subject", m->subject, "body",
	                      m->body, "created_at", (json_int_t)m->created_at);
	char *body = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (!body)
		return xf_fail(err, XF_EINTERNAL, "send_failed", "通知无法编码为 JSON");
	char sig[WEBHOOK_SIG_LEN];
	size_t blen = strlen(body);
	webhook_sign(g->secret, body, blen, sig);
	int rc = post_json(g->url, body, blen, sig, m->channel, m->id, err);
	free(body);
	return rc;
}

static int composite_send(void *ctx, const struct outbox_msg *m, struct xf_err *err)
{
	struct composite *cs = ctx;
	if (strcmp(m->channel, "webhook") == 0)
		return post(m, err);
	for (int i = 0; i < cs->ngw; i++) {
		const struct gateway *g = &cs->gw[i];
		/* the WeChat gateway also carries notices (case updates and the like) */
		if (strcmp(m->channel, g->channel) == 0 ||
		    (strcmp(g->channel, "wechat") == 0 && strcmp(m->channel, "notice") == 0))
			return post_gateway(g, m, err);
	}
	return cs->fallback->send(cs->fallback->ctx, m, err);
}

void webhook_sender_gateway(struct outbox_sender *s, const char *channel, const char *url,
                            const char *secret)
{
	struct composite *cs = s->ctx;
	if (cs->ngw >= (int)XF_ARRAY_LEN(cs->gw))
		return;
	struct gateway *g = &cs->gw[cs->ngw++];
	snprintf(g->channel, sizeof g->channel, "%s", channel);
	snprintf(g->url, sizeof g->url, "%s", url);
	snprintf(g->secret, sizeof g->secret, "%s", secret);
}

static void composite_free(void *ctx)
{
	struct composite *cs = ctx;
	sodium_memzero(cs->gw, sizeof cs->gw);
	outbox_sender_free(cs->fallback);
	free(cs);
}

struct outbox_sender *webhook_sender_new(struct outbox_sender *fallback)
{
	pthread_once(&curl_once, curl_setup);
	struct composite *cs = xcalloc(1, sizeof *cs);
	cs->fallback = fallback;
	struct outbox_sender *s = xcalloc(1, sizeof *s);
	s->name = "webhook+file";
	s->send = composite_send;
	s->ctx = cs;
	s->free = composite_free;
	return s;
}
