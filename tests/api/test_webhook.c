/* Webhooks through the outbox: an admin gives a 12345 token a webhook URL (refused unless
 * plain http(s) without credentials) and receives its signing secret once; when the token's
 * case changes state, a listener on 127.0.0.1 receives the POST and its X-Xingfu-Signature
 * verifies; a 500 leaves the message undelivered with one more attempt, and it goes out on
 * the retry. Notices for people still go to the file. */
#include "../support/testlib.h"
#include "core/clock.h"
#include "sched/outbox.h"
#include "sched/webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static struct tserver T;
static char admin[512], shequ[512];

/* ---- a tiny HTTP listener ---- */

#define MAX_HITS 32

struct hit {
	char head[4096];
	char *body;
};

static struct {
	int fd, port;
	pthread_t thread;
	pthread_mutex_t mu;
	struct hit hits[MAX_HITS];
	int nhits;
	atomic_int status; /* what to answer */
	atomic_bool stop;
} L;

static void serve_one(int c)
{
	struct timeval tv = {5, 0};
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct buf b;
	buf_init(&b);
	char tmp[4096];
	ssize_t n;
	char *sep = NULL;
	size_t want = 0;
	while ((n = recv(c, tmp, sizeof tmp, 0)) > 0) {
		buf_append(&b, tmp, (size_t)n);
		if (!sep && (sep = strstr(b.data, "\r\n\r\n")) != NULL) {
			char *cl = strcasestr(b.data, "\r\nContent-Length:");
			want = (size_t)(sep - b.data) + 4 +
			       (cl && cl < sep ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (sep && b.len >= want)
			break;
	}
	if (sep) {
		pthread_mutex_lock(&L.mu);
		if (L.nhits < MAX_HITS) {
			struct hit *h = &L.hits[L.nhits++];
			snprintf(h->head, sizeof h->head, "%.*s", (int)(sep - b.data), b.data);
			h->body = xstrdup(sep + 4);
		}
		pthread_mutex_unlock(&L.mu);
	}
	char resp[128];
	int st = atomic_load(&L.status);
	int len = snprintf(resp, sizeof resp,
	                   "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", st);
	send(c, resp, (size_t)len, MSG_NOSIGNAL);
	close(c);
	buf_free(&b);
}

static void *listener(void *arg)
{
	while (!atomic_load(&L.stop)) {
		int c = accept(L.fd, NULL, NULL);
		if (c < 0)
			continue;
		if (atomic_load(&L.stop)) {
			close(c);
			break;
		}
		serve_one(c);
	}
	return NULL;
}

static void listener_start(void)
{
	memset(&L, 0, sizeof L);
	pthread_mutex_init(&L.mu, NULL);
	atomic_store(&L.status, 200);
	L.fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(bind(L.fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(L.fd, 16), 0);
	socklen_t al = sizeof a;
	getsockname(L.fd, (struct sockaddr *)&a, &al);
	L.port = ntohs(a.sin_port);
	pthread_create(&L.thread, NULL, listener, NULL);
}

static void listener_stop(void)
{
	atomic_store(&L.stop, true);
	/* Wake accept() with a connection of our own. */
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)L.port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	connect(c, (struct sockaddr *)&a, sizeof a);
	close(c);
	pthread_join(L.thread, NULL);
	close(L.fd);
	for (int i = 0; i < L.nhits; i++)
		free(L.hits[i].body);
}

static int setup(void **state)
{
	ts_start(&T);
	ts_login(&T, "admin", DEMO_PW, admin, sizeof admin);
	ts_login(&T, "shequ", DEMO_PW, shequ, sizeof shequ);
	listener_start();
	/* The server's sender as `serve` builds it: webhooks over HTTP, the rest to the file. */
	outbox_sender_free(T.app.sender);
	struct xf_err e;
	T.app.sender = webhook_sender_new(outbox_file_sender(T.outbox, &e));
	return 0;
}

static int teardown(void **state)
{
	listener_stop();
	ts_stop(&T);
	return 0;
}

#define SQL_INT(sql, ...)                                                                          \
	(__extension__({                                                                           \
		struct xf_err e_;                                                                  \
		int64_t v_ = -1;                                                                   \
		assert_int_equal(                                                                  \
		    db_int(store_reader(T.app.store, &e_), &e_, &v_, sql, __VA_ARGS__), XF_OK);    \
		v_;                                                                                \
	}))

static void deliver(int *delivered, int *failed)
{
	struct xf_err e;
	assert_int_equal(outbox_deliver(T.app.store, T.app.sender, 100, delivered, failed, &e),
	                 XF_OK);
}

/* HMAC-SHA256 keyed with the secret's text, computed here without webhook_sign. */
static void expected_signature(const char *secret, const char *body, char out[80])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	strcpy(out, "sha256=");
	sodium_bin2hex(out + 7, 80 - 7, mac, sizeof mac);
}

static const char *header(struct hit *h, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(h->head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
		if (strncasecmp(p + 2, name, nl) == 0 && p[2 + nl] == ':') {
			const char *v = p + 3 + nl;
			while (*v == ' ')
				v++;
			size_t len = strcspn(v, "\r");
			snprintf(out, n, "%.*s", (int)len, v);
			return out;
		}
	return NULL;
}

static void test_bad_webhook_urls_are_refused_and_create_no_token(void **state)
{
	int64_t before = SQL_INT("SELECT count(*) FROM api_tokens", "");
	const char *bad[] = {
	    "ftp://example.com/hook",
	    "http://user:secret@example.com/hook",
	    "javascript:alert(1)",
	    "file:///etc/passwd",
	    "http://",
	    "https://exa mple.com/",
	    "http://example.com/\\u4e2d文",
	    "gopher://127.0.0.1:25/",
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++) {
		char body[256];
		struct hresp r;
		snprintf(body, sizeof body,
		         "{\"name\":\"hook\",\"scope\":\"12345\",\"webhook_url\":\"%s\"}", bad[i]);
		assert_int_equal(http_req(T.port, "POST", "/api/tokens", admin, body, &r), 0);
		if (r.status != 400)
			fail_msg("%s: %d %s", bad[i], r.status, r.body);
		assert_string_equal(hr_error_code(&r), "validation_failed");
		assert_non_null(strstr(r.body, "webhook_url"));
		hr_free(&r);
	}
	/* Over 400 characters; and export tokens have no cases to report on. */
	struct buf b;
	buf_init(&b);
	buf_puts(&b,
	         "{\"name\":\"hook\",\"scope\":\"12345\",\"webhook_url\":\"https://example.com/");
	for (int i = 0; i < 400; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "\"}");
	struct hresp r;
	assert_int_equal(http_req(T.port, "POST", "/api/tokens", admin, b.data, &r), 0);
	assert_true(r.status == 400 || r.status == 422);
	hr_free(&r);
	buf_free(&b);
	assert_int_equal(http_req(T.port, "POST", "/api/tokens", admin,
	                          "{\"name\":\"x\",\"scope\":\"export\",\"webhook_url\":"
	                          "\"https://example.com/\"}",
	                          &r),
	                 0);
	assert_int_equal(r.status, 400);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM api_tokens", ""), before);
}

static void test_a_state_change_is_posted_signed_and_a_500_is_retried(void **state)
{
	char body[256], bearer[160], secret[80];
	struct hresp r;
	snprintf(body, sizeof body,
	         "{\"name\":\"12345 热线\",\"scope\":\"12345\",\"webhook_url\":"
	         "\"http://127.0.0.1:%d/hook?src=xingfu\"}",
	         L.port);
	assert_int_equal(http_req(T.port, "POST", "/api/tokens", admin, body, &r), 0);
	assert_int_equal(r.status, 201);
	snprintf(bearer, sizeof bearer, "Authorization: Bearer %s\r\n",
	         json_string_value(json_object_get(r.json, "token")));
	snprintf(secret, sizeof secret, "%s",
	         json_string_value(json_object_get(r.json, "webhook_secret")));
	assert_int_equal(strlen(secret), 64);
	hr_free(&r);
	/* The list shows the URL, never the secret. */
	assert_int_equal(http_req(T.port, "GET", "/api/tokens", admin, NULL, &r), 0);
	assert_non_null(strstr(r.body, "/hook?src=xingfu"));
	assert_null(strstr(r.body, secret));
	hr_free(&r);
	deliver(&(int){0}, &(int){0}); /* whatever was queued before */
	pthread_mutex_lock(&L.mu);
	int hits0 = L.nhits;
	pthread_mutex_unlock(&L.mu);

	/* The bridge posts a case; the community accepts it: two changes, two POSTs. */
	snprintf(body, sizeof body,
	         "{\"category\":\"water_power\",\"title\":\"小区停水\",\"description\":"
	         "\"12345 转办：3 栋停水\",\"channel\":\"12345\",\"external_id\":"
	         "\"GD-HOOK-1\",\"place_id\":%lld}",
	         (long long)SQL_INT("SELECT id FROM places WHERE code = '420203009002'", ""));
	assert_int_equal(http_req(T.port, "POST", "/api/cases", bearer, body, &r), 0);
	assert_int_equal(r.status, 201);
	int64_t id = json_integer_value(json_object_get(r.json, "id"));
	hr_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/cases/%lld/accept", (long long)id);
	assert_int_equal(http_req(T.port, "POST", path, shequ, "{}", &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox WHERE channel = 'webhook' AND"
	                         " delivered_at IS NULL AND token_id IS NOT NULL",
	                         ""),
	                 2);
	int delivered = 0, failed = 0;
	deliver(&delivered, &failed);
	assert_int_equal(failed, 0);
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox WHERE channel = 'webhook' AND"
	                         " delivered_at IS NULL",
	                         ""),
	                 0);
	pthread_mutex_lock(&L.mu);
	assert_int_equal(L.nhits - hits0, 2);
	for (int i = hits0; i < L.nhits; i++) {
		struct hit *h = &L.hits[i];
		char v[160], want[80];
		assert_true(strncmp(h->head, "POST /hook?src=xingfu HTTP/1.1", 30) == 0);
		assert_non_null(header(h, "Content-Type", v, sizeof v));
		assert_string_equal(v, "application/json");
		assert_non_null(header(h, "X-Xingfu-Signature", v, sizeof v));
		expected_signature(secret, h->body, want);
		assert_string_equal(v, want);
		/* A body changed in transit would not verify. */
		char forged[80];
		expected_signature(secret, "{\"event\":\"case.changed\"}", forged);
		assert_string_not_equal(v, forged);
		json_t *ev = json_loads(h->body, 0, NULL);
		assert_non_null(ev);
		assert_string_equal(json_string_value(json_object_get(ev, "event")),
		                    "case.changed");
		assert_string_equal(json_string_value(json_object_get(ev, "external_id")),
		                    "GD-HOOK-1");
		assert_int_equal(json_integer_value(json_object_get(ev, "case_id")), id);
		json_decref(ev);
		assert_null(strstr(h->head, secret));
	}
	pthread_mutex_unlock(&L.mu);

	/* The receiver fails: the message stays, one attempt counted, the error kept. */
	atomic_store(&L.status, 500);
	snprintf(path, sizeof path, "/api/cases/%lld/reply", (long long)id);
	assert_int_equal(http_req(T.port, "POST", path, shequ, "{\"text\":\"已恢复供水\"}", &r), 0);
	assert_int_equal(r.status, 200);
	hr_free(&r);
	deliver(&delivered, &failed);
	assert_int_equal(failed, 1);
	int64_t msg = SQL_INT("SELECT id FROM outbox WHERE channel = 'webhook' AND delivered_at IS"
	                      " NULL",
	                      "");
	assert_int_equal(SQL_INT("SELECT attempts FROM outbox WHERE id = ?", "i", msg), 1);
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox WHERE id = ? AND last_error LIKE"
	                         " '%HTTP 500%'",
	                         "i", msg),
	                 1);
	/* Not due again yet; after the back-off it goes out. */
	atomic_store(&L.status, 204);
	deliver(&delivered, &failed);
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox WHERE id = ? AND delivered_at IS"
	                         " NULL",
	                         "i", msg),
	                 1);
	clock_advance(outbox_backoff(1) + 1);
	deliver(&delivered, &failed);
	assert_int_equal(SQL_INT("SELECT attempts FROM outbox WHERE id = ? AND delivered_at IS NOT"
	                         " NULL",
	                         "i", msg),
	                 2);
	clock_set(0);

	/* The secret is in no log, no outbox row, no audit row. */
	FILE *f = fopen(T.outbox, "r");
	if (f) {
		char line[8192];
		while (fgets(line, sizeof line, f))
			assert_null(strstr(line, secret));
		fclose(f);
	}
	f = fopen(T.access, "r");
	if (f) {
		char line[8192];
		while (fgets(line, sizeof line, f))
			assert_null(strstr(line, secret));
		fclose(f);
	}
	assert_int_equal(SQL_INT("SELECT count(*) FROM outbox WHERE body LIKE ? OR last_error LIKE"
	                         " ?",
	                         "tt", secret, secret),
	                 0);
	char like[80];
	snprintf(like, sizeof like, "%%%s%%", secret);
	assert_int_equal(SQL_INT("SELECT count(*) FROM audit_log WHERE detail LIKE ?", "t", like),
	                 0);
}

static void test_an_unreachable_receiver_fails_within_the_timeout(void **state)
{
	/* A port nobody listens on: connection refused, counted as a failure at once. */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	bind(s, (struct sockaddr *)&a, sizeof a);
	socklen_t al = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &al);
	int port = ntohs(a.sin_port);
	close(s);
	struct outbox_msg m = {
	    .id = 1, .channel = "webhook", .subject = "case.changed", .body = "{}", .token_id = 1};
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	m.recipient = url;
	struct xf_err e;
	xf_err_clear(&e);
	int64_t t0 = clock_mono_ms();
	assert_int_not_equal(T.app.sender->send(T.app.sender->ctx, &m, &e), XF_OK);
	assert_true(clock_mono_ms() - t0 < 11000);
	assert_string_equal(e.code, "send_failed");
	/* A webhook without a token cannot be signed and is not sent. */
	m.token_id = 0;
	assert_int_not_equal(T.app.sender->send(T.app.sender->ctx, &m, &e), XF_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_webhook_urls_are_refused_and_create_no_token),
	    cmocka_unit_test(test_a_state_change_is_posted_signed_and_a_500_is_retried),
	    cmocka_unit_test(test_an_unreachable_receiver_fails_within_the_timeout),
	};
	return TS_RUN(tests, setup, teardown);
}
