#include "server.h"
#include "http.h"
#include "metrics.h"
#include "static.h"
#include "../api/app.h"
#include "../core/clock.h"
#include "../core/log.h"
#include "../store/store.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define URI_MAX 8192
/* How long a stop waits for requests in flight (systemd's TimeoutStopSec is longer). */
#define SERVER_DRAIN_MS 30000

enum stage { ST_NEW = 0, ST_BODY, ST_WAIT, ST_DONE };

/* The slow-work threads (req_offload): few, so that CPU-heavy work (argon2id password
 * checks, 64 MB each) queues here instead of holding HTTP threads or memory. */
#define SLOW_THREADS 2

struct server {
	struct MHD_Daemon *d;
	struct app *app;
	pthread_t slow[SLOW_THREADS];
	pthread_mutex_t slow_mu;
	pthread_cond_t slow_cv;
	struct req *slow_head, *slow_tail;
	bool slow_stop;
	atomic_int inflight; /* suspended requests */
	atomic_int active;   /* requests between their request line and their answer */
	atomic_bool stopping;
	MHD_socket listen_fd; /* after quiesce: ours to close, once the daemon has stopped */
};

int server_parse_listen(const char *spec, char *host, size_t hostlen, int *port)
{
	const char *colon;
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');
		if (!rb || rb[1] != ':')
			return XF_EINVAL;
		snprintf(host, hostlen, "%.*s", (int)(rb - spec - 1), spec + 1);
		colon = rb + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return XF_EINVAL;
		snprintf(host, hostlen, "%.*s", (int)(colon - spec), spec);
		if (!host[0])
			snprintf(host, hostlen, "0.0.0.0");
	}
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || p < 0 || p > 65535)
		return XF_EINVAL;
	*port = (int)p;
	return XF_OK;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct server *s = cls;
	(void)c;
	struct req *r = req_new(s->app);
	atomic_fetch_add(&s->active, 1);
	metrics_active(1);
	size_t n = strnlen(uri, URI_MAX + 1);
	if (n > URI_MAX) {
		xf_fail(&r->err, XF_EINVAL, "uri_too_long", "请求地址过长");
		r->err.http = 414;
		r->raw_uri = "(too long)";
	} else {
		req_set_uri(r, uri, n);
	}
	return r;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	(void)kind;
	req_add_header(cls, key, value ? value : "");
	return MHD_YES;
}

static bool ip_in_list(const char *ip, const char *list)
{
	size_t n = strlen(ip);
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ')
			e++;
		if ((size_t)(e - p) == n && strncmp(p, ip, n) == 0)
			return true;
		p = e;
	}
	return false;
}

/* The client is the peer, unless the peer is a trusted proxy: then the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy. */
static void client_address(struct server *s, struct req *r, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	r->peer_ip[0] = 0;
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->peer_ip,
			          sizeof r->peer_ip);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			          r->peer_ip, sizeof r->peer_ip);
	}
	snprintf(r->client_ip, sizeof r->client_ip, "%s", r->peer_ip);
	const char *trusted = s->app->cfg.trusted_proxies;
	const char *xff = req_header(r, "X-Forwarded-For");
	if (!trusted[0] || !xff || !ip_in_list(r->peer_ip, trusted))
		return;
	char tmp[512];
	snprintf(tmp, sizeof tmp, "%s", xff);
	for (;;) {
		char *comma = strrchr(tmp, ',');
		char *entry = comma ? comma + 1 : tmp;
		while (*entry == ' ')
			entry++;
		unsigned char probe[16];
		bool valid =
		    inet_pton(AF_INET, entry, probe) == 1 || inet_pton(AF_INET6, entry, probe) == 1;
		if (!valid)
			return; /* garbage: keep the proxy's own address */
		snprintf(r->client_ip, sizeof r->client_ip, "%s", entry);
		if (!ip_in_list(entry, trusted) || !comma)
			return;
		*comma = 0;
	}
}

static void add_security_headers(struct MHD_Response *resp, const char *path)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(
	    resp, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline';"
	    " script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self';"
	    " frame-ancestors 'none'; form-action 'self'");
	if (strncmp(path, "/api/", 5) == 0 || strncmp(path, "/open311/", 9) == 0 ||
	    strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static enum MHD_Result send_resp(struct server *s, struct MHD_Connection *c, struct req *r)
{
	if (!r->resp.status)
		http_error_response(r);
	struct MHD_Response *resp;
	if (r->resp.borrowed) {
		/* Embedded files live as long as the program: no copy. */
		resp = MHD_create_response_from_buffer(
		    r->resp.borrowed_len, (void *)r->resp.borrowed, MHD_RESPMEM_PERSISTENT);
		if (!resp)
			return MHD_NO;
	} else {
		size_t len = r->resp.body.len;
		void *data = buf_steal(&r->resp.body);
		r->resp.body.len = len; /* kept for the access log */
		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		if (!resp) {
			free(data);
			return MHD_NO;
		}
	}
	MHD_add_response_header(resp, "Content-Type",
	                        r->resp.content_type ? r->resp.content_type
	                                             : "application/json; charset=utf-8");
	add_security_headers(resp, r->path);
	for (int i = 0; i < r->resp.nheaders; i++)
		MHD_add_response_header(resp, r->resp.headers[i].key, r->resp.headers[i].value);
	if (atomic_load(&s->stopping))
		MHD_add_response_header(resp, "Connection",
		                        "close"); /* move keep-alive clients on */
	r->stage = ST_DONE;
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->resp.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_error(struct server *s, struct MHD_Connection *c, struct req *r)
{
	http_error_response(r);
	return send_resp(s, c, r);
}

static void job_done(struct write_job *job)
{
	struct req *r = job->arg;
	struct server *s = job->done_ctx;
	struct MHD_Connection *c = r->conn;
	atomic_fetch_sub(&s->inflight, 1);
	metrics_suspended(-1);
	MHD_resume_connection(c);
}

/* A slow-work thread: run the request's offloaded part, then queue its write or resume it. */
static void *slow_main(void *arg)
{
	struct server *s = arg;
	store_thread_scans(); /* exports and live counts */
	for (;;) {
		pthread_mutex_lock(&s->slow_mu);
		while (!s->slow_head && !s->slow_stop)
			pthread_cond_wait(&s->slow_cv, &s->slow_mu);
		struct req *r = s->slow_head;
		if (!r) {
			pthread_mutex_unlock(&s->slow_mu);
			return NULL;
		}
		s->slow_head = r->offload_next;
		if (!s->slow_head)
			s->slow_tail = NULL;
		pthread_mutex_unlock(&s->slow_mu);
		int rc = r->offload(r);
		if (rc == XF_PENDING && r->write) {
			r->job.done = job_done;
			r->job.done_ctx = s;
			store_submit(s->app->store, &r->job);
			continue;
		}
		if (rc == XF_PENDING) /* offloaded work must answer or queue a write */
			rc = xf_fail(&r->err, XF_EINTERNAL, "internal", "服务器内部错误");
		r->job.status = rc;
		if (rc != XF_OK)
			r->job.err = r->err;
		job_done(&r->job);
	}
}

static void slow_submit(struct server *s, struct req *r)
{
	r->job.arg = r;
	r->job.done_ctx = s;
	r->offload_next = NULL;
	pthread_mutex_lock(&s->slow_mu);
	if (s->slow_tail)
		s->slow_tail->offload_next = r;
	else
		s->slow_head = r;
	s->slow_tail = r;
	pthread_cond_signal(&s->slow_cv);
	pthread_mutex_unlock(&s->slow_mu);
}

/* HTTP threads: as configured, or by default one per CPU on SQLite (a read is CPU work,
 * and more threads than cores only time-slice: p99 at 64 connections 5 ms with 2 threads
 * on 2 cores, 14 ms with 8; docs/PERFORMANCE.md) and four per CPU on PostgreSQL (a read
 * waits on the database server's answers). At least 2, at most 64. */
static unsigned http_threads(const struct app *app)
{
	if (app->cfg.threads > 0)
		return (unsigned)app->cfg.threads;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (app->store && store_engine(app->store) == DB_POSTGRES)
		n *= 4;
	return (unsigned)(n < 2 ? 2 : n > 64 ? 64 : n);
}

/* Stop the slow-work threads once nothing can be queued any more. */
static void slow_join(struct server *s)
{
	pthread_mutex_lock(&s->slow_mu);
	s->slow_stop = true;
	pthread_cond_broadcast(&s->slow_cv);
	pthread_mutex_unlock(&s->slow_mu);
	for (int i = 0; i < SLOW_THREADS; i++)
		pthread_join(s->slow[i], NULL);
	pthread_mutex_destroy(&s->slow_mu);
	pthread_cond_destroy(&s->slow_cv);
}

static size_t body_limit(const struct req *r)
{
	return r->route ? r->route->max_body : 0;
}

/* A connection's memory (libmicrohttpd's pool): the largest request head we accept — a
 * URI_MAX target, max_header_bytes of headers, REQ_MAX_HEADERS of them parsed — and our
 * answer's header lines, with room to spare (36 KiB by default). libmicrohttpd zeroes the
 * whole pool after every request: at 72 KiB that was ~6% of a case read's CPU at 256
 * connections (docs/PERFORMANCE.md). tests/api/test_api.c sends the largest head. */
static size_t conn_memory(const struct app *app)
{
	return app->cfg.max_header_bytes + URI_MAX + 12288;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct req *r = *con_cls;
	(void)url;
	(void)version;
	if (!r)
		return MHD_NO; /* on_uri always runs first */
	switch (r->stage) {
	case ST_NEW: {
		r->stage = ST_BODY;
		req_set_method(r, method);
		MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, r);
		client_address(s, r, c);
		if (r->header_bytes > s->app->cfg.max_header_bytes) {
			xf_fail(&r->err, XF_ETOOBIG, "headers_too_large", "请求头过大");
			r->err.http = 431;
			return send_error(s, c, r);
		}
		if (http_route(r) != XF_OK) {
			/* No API route: the browser UI's files and the apps' own paths. */
			if (r->err.status == XF_ENOTFOUND && static_wants(r)) {
				static_serve(r, static_assets, static_nassets);
				return send_resp(s, c, r);
			}
			return send_error(s, c, r);
		}
		/* Refuse an announced oversize body before `100 Continue`. */
		const char *cl = req_header(r, "Content-Length");
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);
			if (*end || n > body_limit(r)) {
				xf_fail(&r->err, XF_ETOOBIG, "body_too_large",
				        "请求体过大（上限 %zu 字节）", body_limit(r));
				return send_error(s, c, r);
			}
		}
		return MHD_YES;
	}
	case ST_BODY: {
		if (*upload_size) {
			if (r->body.len + *upload_size > body_limit(r))
				r->body_too_big = true;
			else
				buf_append(&r->body, upload, *upload_size);
			*upload_size = 0;
			return MHD_YES;
		}
		int rc = http_dispatch(r);
		if (rc == XF_PENDING) {
			r->stage = ST_WAIT;
			r->conn = c;
			r->job.done = job_done;
			r->job.done_ctx = s;
			atomic_fetch_add(&s->inflight, 1);
			metrics_suspended(1);
			MHD_suspend_connection(c);
			if (r->offload) {
				metrics_offloaded();
				slow_submit(s, r);
			} else
				store_submit(s->app->store, &r->job);
			return MHD_YES;
		}
		if (rc != XF_OK)
			http_error_response(r);
		return send_resp(s, c, r);
	}
	case ST_WAIT:
		http_finish_job(r);
		return send_resp(s, c, r);
	default:
		return MHD_NO;
	}
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	(void)c;
	struct req *r = *con_cls;
	if (!r)
		return;
	metrics_request(r->route, !r->route && static_wants(r), r->resp.status,
	                metrics_now_us() - r->started_us);
	if (log_access_file()) {
		struct buf b;
		buf_init(&b);
		char ts[21];
		clock_iso(clock_now(), ts);
		buf_printf(&b, "{\"ts\":\"%s\",\"ip\":", ts);
		buf_json_str(&b, r->client_ip);
		buf_puts(&b, ",\"method\":");
		buf_json_str(&b, r->method_name);
		buf_puts(&b, ",\"path\":");
		buf_json_str(&b, r->path[0] ? r->path : "-");
		buf_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"ms\":%lld,\"user\":%lld%s}",
		           r->resp.status,
		           r->resp.borrowed ? r->resp.borrowed_len : r->resp.body.len,
		           (long long)(clock_mono_ms() - r->started_ms),
		           (long long)(r->authed ? r->user.id : 0),
		           toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : ",\"aborted\":true");
		log_access_line(b.data, b.len);
		buf_free(&b);
	}
	req_free(r);
	*con_cls = NULL;
	metrics_active(-1);
	atomic_fetch_sub(&s->active, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n'))
		line[--n] = 0;
	log_debug("http: %s", line);
}

int server_start(struct app *app, struct server **out, struct xf_err *err)
{
	char host[64];
	int port;
	if (server_parse_listen(app->cfg.listen, host, sizeof host, &port) != XF_OK)
		return xf_fail(err, XF_EINVAL, "bad_listen",
		               "监听地址格式不正确：%s（应为 主机:端口，如 127.0.0.1:8080）",
		               app->cfg.listen);
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	/* MHD_USE_ITC: MHD_quiesce_daemon needs it (graceful stop). poll(), not epoll: with
	 * libmicrohttpd 0.9.75's edge-triggered epoll, a point of 256 connections under load now
	 * and then found every request unread — each server socket holding its request, both
	 * workers asleep in epoll_wait for their 30 s, the server idle for the whole point
	 * (bench/results/stall-20261128T061001-coverage-256.txt; ~1 point in 50, more often while
	 * a rollup was stored). poll() asks every socket at every turn, so a readable one cannot
	 * be missed; it cost nothing measurable here at 64 or 256 connections
	 * (docs/PERFORMANCE.md). */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_ERROR_LOG | MHD_USE_ITC;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	} else if (strcmp(host, "localhost") == 0) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, "127.0.0.1", &v4->sin_addr);
	} else {
		return xf_fail(err, XF_EINVAL, "bad_listen", "监听地址必须是 IP 地址：%s", host);
	}
	struct server *s = xcalloc(1, sizeof *s);
	s->app = app;
	s->listen_fd = MHD_INVALID_SOCKET;
	pthread_mutex_init(&s->slow_mu, NULL);
	pthread_cond_init(&s->slow_cv, NULL);
	for (int i = 0; i < SLOW_THREADS; i++)
		if (pthread_create(&s->slow[i], NULL, slow_main, s) != 0)
			abort();
	s->d = MHD_start_daemon(
	    flags, (uint16_t)port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &ss,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_THREAD_POOL_SIZE, http_threads(app), MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)app->cfg.conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)app->cfg.per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)app->cfg.idle_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, conn_memory(app),
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
	    MHD_OPTION_END);
	if (!s->d) {
		slow_join(s);
		free(s);
		return xf_fail(err, XF_EIO, "listen_failed",
		               "无法在 %s 上监听（端口被占用或没有权限）", app->cfg.listen);
	}
	metrics_started(clock_now());
	*out = s;
	return XF_OK;
}

int server_port(struct server *s)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : 0;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	/* Stop accepting; answer what has arrived (requests still sending their body, running,
	 * or waiting for their batch to be durable), closing keep-alive connections as they
	 * answer; then stop. Bounded, so a stuck client cannot hold a shutdown forever. */
	atomic_store(&s->stopping, true);
	s->listen_fd = MHD_quiesce_daemon(s->d);
	int waited_ms = 0;
	while (atomic_load(&s->active) > 0 && waited_ms < SERVER_DRAIN_MS) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited_ms += 10;
	}
	if (atomic_load(&s->active) > 0)
		log_warn("http: %d 个请求在 %d 秒内未完成，强制关闭", atomic_load(&s->active),
		         SERVER_DRAIN_MS / 1000);
	/* A request still suspended would be resumed after its connection is gone: wait for
	 * its batch (the writer is still running) before the daemon frees connections. */
	for (int i = 0; i < 3000 && atomic_load(&s->inflight) > 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->d);
	slow_join(s);
	if (s->listen_fd != MHD_INVALID_SOCKET)
		close(s->listen_fd);
	free(s);
}
