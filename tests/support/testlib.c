#include "testlib.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/pii.h"
#include "core/ratelimit.h"
#include <sodium.h>
#include "registry/demo.h"
#include "sched/outbox.h"
#include "sched/sched.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

void ts_tmpdir(char *out, size_t n)
{
	snprintf(out, n, "/tmp/xftest.XXXXXX");
	if (!mkdtemp(out))
		fail_msg("mkdtemp failed");
}

void ts_rmdir(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

void ts_key_init(void)
{
	static unsigned char key[XF_KEY_BYTES];
	crypto_init();
	crypto_pw_set_min_cost(true);
	randombytes_buf(key, sizeof key);
	pii_set_key(key);
}

bool ts_postgres(void)
{
	const char *e = getenv("XINGFU_TEST_ENGINE");
	return e && strcmp(e, "postgres") == 0;
}

static void admin_url(char *out, size_t n)
{
	const char *state = getenv("XINGFU_TEST_PG_STATE");
	if (!state)
		fail_msg(
		    "XINGFU_TEST_ENGINE=postgres needs XINGFU_TEST_PG_STATE (scripts/pg-test.sh)");
	FILE *f = fopen(state, "r");
	if (!f)
		fail_msg("no PostgreSQL test cluster: %s is missing", state);
	if (!fgets(out, (int)n, f)) {
		fclose(f);
		fail_msg("empty PostgreSQL state file %s", state);
	}
	fclose(f);
	out[strcspn(out, "\r\n")] = 0;
}

void ts_new_db(const char *dir, char *target, size_t n)
{
	if (!ts_postgres()) {
		snprintf(target, n, "%s/city.db", dir);
		return;
	}
	static int seq;
	char admin[512], name[64], sql[128];
	admin_url(admin, sizeof admin);
	snprintf(name, sizeof name, "xft_%d_%d", (int)getpid(), ++seq);
	struct db *db;
	struct xf_err e;
	if (db_open(admin, DB_OPEN_WRITER, &db, &e) != XF_OK)
		fail_msg("PostgreSQL test cluster unreachable: %s", e.message);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	if (db_exec_script(db, sql, &e) != XF_OK)
		fail_msg("CREATE DATABASE failed: %s", e.message);
	db_close(db);
	const char *q = strstr(admin, "/postgres?");
	if (!q)
		fail_msg("unexpected admin URL %s", admin);
	snprintf(target, n, "%.*s/%s%s", (int)(q - admin), admin, name, q + 9);
}

void ts_drop_db(const char *target)
{
	if (!db_is_postgres_url(target))
		return;
	char admin[512], sql[160];
	admin_url(admin, sizeof admin);
	const char *slash = strstr(target, "@/");
	const char *q = strchr(target, '?');
	if (!slash || !q)
		return;
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)", (int)(q - slash - 2),
	         slash + 2);
	struct db *db;
	struct xf_err e;
	if (db_open(admin, DB_OPEN_WRITER, &db, &e) != XF_OK)
		return;
	db_exec_script(db, sql, &e);
	db_close(db);
}

int ts_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
                 CMFixtureFunction setup, CMFixtureFunction teardown)
{
	int failed = _cmocka_run_group_tests(name, tests, n, setup, teardown);
	printf("XF-TESTS engine=%s run=%zu failed=%d\n", ts_postgres() ? "postgresql" : "sqlite", n,
	       failed);
	return failed;
}

void ts_start(struct tserver *t)
{
	memset(t, 0, sizeof *t);
	signal(SIGPIPE, SIG_IGN);
	crypto_init();
	crypto_pw_set_min_cost(true);
	log_set_level(LOG_WARN);
	ts_tmpdir(t->dir, sizeof t->dir);
	ts_new_db(t->dir, t->db, sizeof t->db);
	snprintf(t->outbox, sizeof t->outbox, "%s/outbox.log", t->dir);
	snprintf(t->access, sizeof t->access, "%s/access.log", t->dir);
	struct xf_err err;
	struct db *db;
	struct demo_stats ds = {0};
	ts_key_init();
	assert_int_equal(db_open(t->db, DB_OPEN_CREATE | DB_OPEN_WRITER, &db, &err), XF_OK);
	assert_int_equal(store_migrate(db, &err), XF_OK);
	assert_int_equal(demo_generate(db, DEMO_SMALL, DEMO_PW, &ds, &err), XF_OK);
	db_close(db);
	app_config_defaults(&t->app.cfg);
	strcpy(t->app.cfg.listen, "127.0.0.1:0");
	t->app.cfg.test_mode = true;
	t->app.cfg.idle_timeout_s = 2;
	/* The suites sign in many times from 127.0.0.1; the throttle has its own test. */
	t->app.cfg.login_per_ip_per_min = 1000000;
	t->app.demo = true;
	snprintf(t->app.cfg.outbox_log, sizeof t->app.cfg.outbox_log, "%s", t->outbox);
	assert_int_equal(store_open(t->db, &t->app.store, &err), XF_OK);
	t->app.sender = outbox_file_sender(t->outbox, &err);
	t->app.sched = sched_new();
	t->app.login_limiter = ratelimit_new(4096);
	api_core_schedule(&t->app);
	FILE *f = fopen(t->access, "a");
	assert_non_null(f);
	log_set_access(f);
	if (server_start(&t->app, &t->srv, &err) != XF_OK)
		fail_msg("server_start: %s", err.message);
	t->port = server_port(t->srv);
	assert_true(t->port > 0);
}

void ts_stop(struct tserver *t)
{
	server_stop(t->srv);
	sched_free(t->app.sched);
	outbox_sender_free(t->app.sender);
	ratelimit_free(t->app.login_limiter);
	store_close(t->app.store);
	FILE *f = log_access_file();
	log_set_access(NULL);
	if (f)
		fclose(f);
	clock_set(0);
	ts_drop_db(t->db);
	ts_rmdir(t->dir);
}

int http_raw(int port, const char *raw, size_t len, struct hresp *out)
{
	memset(out, 0, sizeof *out);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	size_t off = 0;
	while (off < len) {
		ssize_t w = send(fd, raw + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break; /* the server may answer early (413) and close */
		off += (size_t)w;
	}
	struct buf b;
	buf_init(&b);
	char tmp[16384];
	for (;;) {
		ssize_t r = recv(fd, tmp, sizeof tmp, 0);
		if (r <= 0)
			break;
		buf_append(&b, tmp, (size_t)r);
		/* Stop once a complete response with Content-Length is in. */
		char *sep = b.data ? strstr(b.data, "\r\n\r\n") : NULL;
		if (sep) {
			char *cl = strcasestr(b.data, "\r\nContent-Length:");
			if (cl && cl < sep) {
				size_t want = strtoul(cl + 17, NULL, 10);
				if (b.len >= (size_t)(sep + 4 - b.data) + want)
					break;
			}
		}
	}
	close(fd);
	if (!b.len) {
		buf_free(&b);
		return -1;
	}
	char *sep = strstr(b.data, "\r\n\r\n");
	if (!sep) {
		buf_free(&b);
		return -1;
	}
	out->head = xstrndup(b.data, (size_t)(sep - b.data));
	/* binary-safe: downloads (XLSX, photos) hold NUL bytes */
	out->body_len = b.len - (size_t)(sep + 4 - b.data);
	out->body = xmalloc(out->body_len + 1);
	memcpy(out->body, sep + 4, out->body_len);
	out->body[out->body_len] = '\0';
	sscanf(b.data, "HTTP/1.%*d %d", &out->status);
	out->json = json_loads(out->body, 0, NULL);
	buf_free(&b);
	return 0;
}

int http_req(int port, const char *method, const char *path, const char *extra_headers,
             const char *body, struct hresp *out)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method, path);
	if (extra_headers)
		buf_puts(&b, extra_headers);
	if (body)
		buf_printf(&b, "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
		           strlen(body), body);
	else
		buf_puts(&b, "\r\n");
	int rc = http_raw(port, b.data, b.len, out);
	buf_free(&b);
	return rc;
}

const char *hr_header(const struct hresp *r, const char *name, char *buf, size_t n)
{
	if (!r->head)
		return NULL;
	size_t nl = strlen(name);
	const char *p = r->head;
	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			const char *e = strstr(v, "\r\n");
			size_t len = e ? (size_t)(e - v) : strlen(v);
			snprintf(buf, n, "%.*s", (int)len, v);
			return buf;
		}
	}
	return NULL;
}

const char *hr_error_code(const struct hresp *r)
{
	json_t *e = json_object_get(r->json, "error");
	return json_string_value(json_object_get(e, "code"));
}

void hr_free(struct hresp *r)
{
	free(r->head);
	free(r->body);
	if (r->json)
		json_decref(r->json);
	memset(r, 0, sizeof *r);
}

void ts_login(struct tserver *t, const char *user, const char *pw, char *hdrs, size_t n)
{
	char body[256];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	struct hresp r;
	assert_int_equal(http_req(t->port, "POST", "/api/session", NULL, body, &r), 0);
	assert_int_equal(r.status, 200);
	char cookie[256];
	assert_non_null(hr_header(&r, "Set-Cookie", cookie, sizeof cookie));
	char *semi = strchr(cookie, ';');
	if (semi)
		*semi = 0;
	const char *csrf = json_string_value(json_object_get(r.json, "csrf"));
	assert_non_null(csrf);
	snprintf(hdrs, n, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
	hr_free(&r);
}
