#include "metrics.h"
#include "http.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Statuses counted one by one; anything else is counted as "other". */
static const int statuses[] = {200, 201, 202, 204, 206, 301, 302, 304, 400, 401,
                               403, 404, 405, 406, 409, 410, 412, 413, 414, 415,
                               416, 422, 429, 431, 500, 501, 502, 503, 504};
#define NSTATUS (XF_ARRAY_LEN(statuses) + 1)

/* Request durations, seconds. */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                0.25,  0.5,    1,     2.5,  5,     10};
#define NBOUNDS XF_ARRAY_LEN(bounds)

struct route_stats {
	atomic_uint_least64_t status[NSTATUS];
	atomic_uint_least64_t le[NBOUNDS + 1];
	atomic_uint_least64_t sum_us;
};

/* One slot per route, then "(static)" and "(unmatched)". */
static struct route_stats *stats;
static size_t nslots;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int active, suspended;
static atomic_uint_least64_t reloads_ok, reloads_failed, offloaded;
static _Atomic int64_t started_at;

static void init(void)
{
	nslots = http_nroutes + 2;
	stats = calloc(nslots, sizeof *stats); /* lives as long as the program */
	if (!stats)
		abort();
}

int64_t metrics_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void metrics_request(const struct route *rt, bool is_static, int status, int64_t micros)
{
	pthread_once(&once, init);
	size_t slot = rt ? (size_t)(rt - http_routes) : http_nroutes + (is_static ? 0 : 1);
	if (slot >= nslots)
		return;
	struct route_stats *s = &stats[slot];
	size_t k = 0;
	while (k < XF_ARRAY_LEN(statuses) && statuses[k] != status)
		k++;
	atomic_fetch_add_explicit(&s->status[k], 1, memory_order_relaxed);
	if (micros < 0)
		micros = 0;
	size_t b = 0;
	while (b < NBOUNDS && (double)micros > bounds[b] * 1e6)
		b++;
	atomic_fetch_add_explicit(&s->le[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_us, (uint64_t)micros, memory_order_relaxed);
}

void metrics_active(int delta)
{
	atomic_fetch_add_explicit(&active, delta, memory_order_relaxed);
}

void metrics_suspended(int delta)
{
	atomic_fetch_add_explicit(&suspended, delta, memory_order_relaxed);
}

void metrics_started(int64_t t)
{
	atomic_store(&started_at, t);
}

void metrics_offloaded(void)
{
	atomic_fetch_add_explicit(&offloaded, 1, memory_order_relaxed);
}

void metrics_reload(bool ok)
{
	atomic_fetch_add_explicit(ok ? &reloads_ok : &reloads_failed, 1, memory_order_relaxed);
}

/* ---- the text format ---- */

void metrics_label_value(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(out, '\\'), buf_putc(out, *s);
		else if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

void metrics_family(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void number(struct buf *out, double v)
{
	if (isinf(v))
		buf_puts(out, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9e15)
		buf_printf(out, "%.0f", v);
	else
		buf_printf(out, "%.6g", v);
}

void metrics_sample(struct buf *out, const char *name, const char *labels, double value)
{
	buf_puts(out, name);
	if (labels && *labels)
		buf_printf(out, "{%s}", labels);
	buf_putc(out, ' ');
	number(out, value);
	buf_putc(out, '\n');
}

void metrics_histogram(struct buf *out, const char *name, const char *labels, const double *le,
                       const uint64_t *counts, size_t n, double sum)
{
	uint64_t cum = 0;
	const char *sep = labels && *labels ? "," : "";
	for (size_t i = 0; i <= n; i++) {
		cum += counts[i];
		buf_printf(out, "%s_bucket{%s%sle=\"", name, labels ? labels : "", sep);
		number(out, i < n ? le[i] : INFINITY);
		buf_printf(out, "\"} %llu\n", (unsigned long long)cum);
	}
	buf_printf(out, "%s_sum", name);
	if (labels && *labels)
		buf_printf(out, "{%s}", labels);
	buf_putc(out, ' ');
	number(out, sum);
	buf_printf(out, "\n%s_count", name);
	if (labels && *labels)
		buf_printf(out, "{%s}", labels);
	buf_printf(out, " %llu\n", (unsigned long long)cum);
}

static const char *method_of(const struct route *rt)
{
	static const char *names[] = {"", "GET", "POST", "PUT", "PATCH", "DELETE"};
	return rt->method <= HTTP_DELETE ? names[rt->method] : "OTHER";
}

static void route_label(struct buf *out, size_t slot)
{
	buf_puts(out, "route=");
	if (slot < http_nroutes) {
		char name[200];
		snprintf(name, sizeof name, "%s %s", method_of(&http_routes[slot]),
		         http_routes[slot].pattern);
		metrics_label_value(out, name);
	} else {
		metrics_label_value(out, slot == http_nroutes ? "(static)" : "(unmatched)");
	}
}

void metrics_render_http(struct buf *out)
{
	pthread_once(&once, init);
	metrics_family(out, "xingfu_http_requests_total", "counter",
	               "HTTP requests answered, by route (method and pattern) and status.");
	struct buf lb;
	buf_init(&lb);
	for (size_t slot = 0; slot < nslots; slot++)
		for (size_t k = 0; k < NSTATUS; k++) {
			uint64_t n =
			    atomic_load_explicit(&stats[slot].status[k], memory_order_relaxed);
			if (!n)
				continue;
			buf_reset(&lb);
			route_label(&lb, slot);
			if (k < XF_ARRAY_LEN(statuses))
				buf_printf(&lb, ",status=\"%d\"", statuses[k]);
			else
				buf_puts(&lb, ",status=\"other\"");
			metrics_sample(out, "xingfu_http_requests_total", buf_cstr(&lb), (double)n);
		}
	metrics_family(out, "xingfu_http_request_duration_seconds", "histogram",
	               "Time from the request line to the last byte of the answer, by route.");
	for (size_t slot = 0; slot < nslots; slot++) {
		uint64_t counts[NBOUNDS + 1], total = 0;
		for (size_t b = 0; b <= NBOUNDS; b++)
			total += counts[b] =
			    atomic_load_explicit(&stats[slot].le[b], memory_order_relaxed);
		if (!total)
			continue;
		buf_reset(&lb);
		route_label(&lb, slot);
		double sum =
		    (double)atomic_load_explicit(&stats[slot].sum_us, memory_order_relaxed) / 1e6;
		metrics_histogram(out, "xingfu_http_request_duration_seconds", buf_cstr(&lb),
		                  bounds, counts, NBOUNDS, sum);
	}
	buf_free(&lb);
	metrics_family(out, "xingfu_http_requests_in_progress", "gauge",
	               "Requests received and not yet answered.");
	metrics_sample(out, "xingfu_http_requests_in_progress", "", atomic_load(&active));
	metrics_family(out, "xingfu_http_requests_waiting_for_writer", "gauge",
	               "Requests suspended until their write is durable.");
	metrics_sample(out, "xingfu_http_requests_waiting_for_writer", "", atomic_load(&suspended));
	metrics_family(out, "xingfu_http_offloaded_total", "counter",
	               "Requests whose work ran on the slow-work threads (password checks, exports,"
	               " reports counted live).");
	metrics_sample(out, "xingfu_http_offloaded_total", "", (double)atomic_load(&offloaded));
	metrics_family(out, "xingfu_start_time_seconds", "gauge",
	               "When the server started, Unix time.");
	metrics_sample(out, "xingfu_start_time_seconds", "", (double)atomic_load(&started_at));
	metrics_family(out, "xingfu_config_reloads_total", "counter",
	               "Configuration reloads (SIGHUP), by outcome.");
	metrics_sample(out, "xingfu_config_reloads_total", "outcome=\"ok\"",
	               (double)atomic_load(&reloads_ok));
	metrics_sample(out, "xingfu_config_reloads_total", "outcome=\"failed\"",
	               (double)atomic_load(&reloads_failed));
}
